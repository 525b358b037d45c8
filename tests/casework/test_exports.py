"""Exports (casework.services.exports): CSV with BOM, streamed; Excel; formula injection defused; the page's
reach and no personal data; a large export becomes a job with progress; every staff list has its links."""
import csv
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from casework.models import BackgroundJob
from casework.services.exports import exports_for, safe_cell
from tests.factories import make_user, submit

pytestmark = pytest.mark.django_db
ID_RE = re.compile(r"\d{17}[\dX]")


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def eager():
    from casework.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


def test_case_list_csv_has_the_reach_of_the_page_and_no_personal_data(db):
    inspector = make_user("exp_insp", "inspector", "540100")
    mine = submit().complaint
    other = submit(region_code="540202").complaint
    r = _client(inspector).get("/staff/exports/cases/csv/")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"] and r.streaming
    rows = _csv(r)
    assert rows[0][0] == "案件" and len(rows) == 2
    assert rows[1][0] == mine.case_number and other.case_number not in str(rows)
    assert not ID_RE.search(str(rows)) and "13800000001" not in str(rows) and "扎西" not in str(rows)
    # the page's filters apply
    rows = _csv(_client(inspector).get("/staff/exports/cases/csv/", {"q": "no-such-case"}))
    assert len(rows) == 1


def test_formula_injection_is_defused_in_csv_and_excel(db):
    inspector = make_user("exp_insp2", "inspector", "540100")
    submit(employer={"name": "=HYPERLINK(\"http://x\")", "uscc": "91540100MA6T00012D", "address": "拉萨",
                     "legal_rep_name": "王某"})
    rows = _csv(_client(inspector).get("/staff/exports/cases/csv/"))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"
    r = _client(inspector).get("/staff/exports/cases/xlsx/")
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    ws = load_workbook(io.BytesIO(r.content)).active
    values = list(ws.values)
    assert values[0][0] == "案件" and values[1][2] == "'=HYPERLINK(\"http://x\")"
    for v in ["+1", "-2", "@SUM(A1)", "=1+1", "\tx"]:
        assert safe_cell(v).startswith("'")
    assert safe_cell(-5) == -5 and safe_cell("普通文本") == "普通文本"


def test_dashboard_tables_export_with_the_same_reach(db):
    head = make_user("exp_head", "inspection_head", "540100")
    submit()
    submit(region_code="540202")
    year = timezone.localdate().year
    c = _client(head)
    rows = _csv(c.get("/staff/exports/dashboard.open_by_track/csv/", {"year": year}))
    assert rows[0] == ["指标", "数量"]
    assert rows[1] == ["监察投诉", "1"]
    assert c.get("/staff/exports/dashboard.open_by_track/csv/", {"region": "540200"}).status_code == 404
    bad = c.get("/staff/exports/dashboard.trend/xlsx/", {"year": "abc"})
    assert bad.status_code == 400 and "年份" in bad.content.decode()
    ws = load_workbook(io.BytesIO(c.get("/staff/exports/dashboard.trend/xlsx/", {"year": year}).content)).active
    values = list(ws.values)
    assert values[0][0] == "月份" and len(values) == 13
    # a key the role may not export is as if it did not exist
    inspector = make_user("exp_insp3", "inspector", "540100")
    assert _client(inspector).get("/staff/exports/dashboard.trend/csv/").status_code == 404
    assert c.get("/staff/exports/no-such/csv/").status_code == 404
    assert c.get("/staff/exports/cases/pdf/").status_code == 404


def test_a_large_export_runs_as_a_job_with_progress(db, settings, eager, django_capture_on_commit_callbacks):
    settings.EXPORT_DIRECT_MAX_ROWS = 2
    inspector = make_user("exp_insp4", "inspector", "540100")
    numbers = {submit().complaint.case_number for _ in range(3)}
    c = _client(inspector)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.get("/staff/exports/cases/csv/")
    assert r.status_code == 302 and r["Location"].startswith("/staff/jobs/")
    job = BackgroundJob.objects.get(created_by=inspector)
    assert job.state == "done" and job.total == 3 and job.done == 3 and job.percent == 100
    assert job.params["key"] == "cases" and not ID_RE.search(str(job.params)) and job.message
    page = c.get(r["Location"]).content.decode()
    assert 'value="100"' in page
    d = c.get(f"/staff/jobs/{job.pk}/download/")
    body = b"".join(d.streaming_content).decode("utf-8-sig")
    assert {row[0] for row in csv.reader(io.StringIO(body))} - {"案件"} == numbers


def test_every_staff_list_has_its_export_links(db):
    head = make_user("exp_head2", "inspection_head", "540100")
    auditor = make_user("exp_aud", "auditor", "540000", perm="view_cases")
    submit()
    keys = {s.key for s in exports_for(head)}
    assert {"cases", "blacklist.listings", "transfers", "dashboard.trend"} <= keys
    assert "disputes.cases" in {s.key for s in exports_for(auditor)}
    c = _client(head)
    assert "/staff/exports/cases/csv/" in c.get("/staff/cases/").content.decode()
    assert "/staff/exports/cases/xlsx/" in c.get("/staff/cases/").content.decode()
    assert len(_csv(c.get("/staff/exports/transfers/csv/"))) == 1  # (the link shows under the table when it has rows)
    rows = _csv(_client(auditor).get("/staff/exports/disputes.cases/csv/"))
    assert len(rows) == 1  # the header: no dispute yet
    rows = _csv(c.get("/staff/exports/blacklist.listings/csv/"))
    assert len(rows) == 1
    rows = _csv(c.get("/staff/exports/grading.proposals/csv/", {"run": "1"}))
    assert rows[0][0] == "用人单位" and len(rows) == 1  # no run in reach: the header only
