"""Imports of configuration tables (casework.services.config_imports, /staff/config-imports/): a CSV or Excel file of
holidays or minimum wages is checked row by row (a bad date on row 37 is reported as row 37, in the user's
language), duplicates and conflicts are listed, the preview writes nothing, the valid rows are imported by a
background job with progress, every write has a history row with the acting user, provisional deadlines are
recounted, and only a system administrator may do any of it."""
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from casework.errors import DomainError, NotAllowed
from casework.models import BackgroundJob, CalendarCoverage, Holiday
from casework.services.config_imports import (ImportRow, import_apply, import_preview, import_read,
                                              import_template_csv)
from casework.services.jobs import run_job_now

pytestmark = pytest.mark.django_db

URL = "/staff/config-imports/"
HEADER = "date,kind,name,region_code,source_doc\n"
SOURCE = "国办发明电〔2026〕99号"


def holidays_csv(n_good=35, bad_row=None, extra="") -> bytes:
    """Header (row 1) and ``n_good`` valid rows (rows 2..n_good+1) of 2031 rest days, then an optional bad row."""
    lines = [HEADER]
    day = dt.date(2031, 1, 1)
    for _ in range(n_good):
        lines.append(f"{day.isoformat()},off,测试假日,,{SOURCE}\n")
        day += dt.timedelta(days=1)
    if bad_row:
        lines.append(bad_row + "\n")
    return ("".join(lines) + extra).encode("utf-8")


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff["sysadmin"])
    return client


def _preview(client, data, name="holidays.csv", table="holidays", lang="zh-hans", **extra):
    return client.post(URL, {"action": "preview", "table": table, "file": upload(name, data), **extra},
                       HTTP_ACCEPT_LANGUAGE=lang)


def _import(client):
    response = client.post(URL, {"action": "import"})
    assert response.status_code == 302, response.content.decode()[:2000]
    job_id = re.search(r"/staff/jobs/([0-9a-f-]+)/$", response["Location"]).group(1)
    assert run_job_now(job_id) == "done"
    return BackgroundJob.objects.get(pk=job_id)


# --- row by row ----------------------------------------------------------------------------------------------------

def test_a_bad_date_on_row_37_is_reported_as_row_37_in_chinese_and_the_good_rows_are_kept(admin_client, staff):
    data = holidays_csv(35, bad_row=f"2031-02-30,off,坏日期,,{SOURCE}")
    response = _preview(admin_client, data)
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'<tr[^>]*id="row-37">(.*?)</tr>', html, re.S)
    assert row, html
    with translation.override("zh-hans"):
        expected = translation.gettext("%(what)s “%(v)s” is not a date: write it as YYYY-MM-DD, e.g. 2027-10-01.") % {
            "what": translation.gettext("Date"), "v": "2031-02-30"}
    assert re.search("[\u4e00-\u9fff]", expected) and expected in row.group(1)
    assert 'id="row-36"' not in html  # the valid rows are not listed as problems
    with translation.override("zh-hans"):
        button = translation.ngettext("Import the %(n)s valid row", "Import the %(n)s valid rows", 35) % {"n": 35}
    assert button.startswith("导入") and button in html
    assert Holiday.objects.filter(date__year=2031).count() == 0

    job = _import(admin_client)
    assert Holiday.objects.filter(date__year=2031).count() == 35
    assert job.state == "done" and job.total == 35 and job.done == 35
    report = job.result_file.read().decode("utf-8-sig")
    assert "37,invalid" in report and "2,created" in report


def test_the_same_error_in_english_for_an_english_user(admin_client):
    response = _preview(admin_client, holidays_csv(2, bad_row=f"2031-13-01,off,,,{SOURCE}"), lang="en")
    row = re.search(r'<tr[^>]*id="row-4">(.*?)</tr>', response.content.decode(), re.S).group(1)
    assert "“2031-13-01” is not a date: write it as YYYY-MM-DD" in row


def test_every_problem_of_a_row_is_listed_and_duplicates_name_the_first_row():
    rows = import_read("holidays", "h.csv", (
        HEADER + f"2031-05-01,off,劳动节,,{SOURCE}\n"
        + "2031-05-02,sometimes,,999999,\n"
        + f"2031-05-01,workday,又一行,,{SOURCE}\n"
        + f"2031-05-01,off,拉萨,540100,{SOURCE}\n").encode())
    with translation.override("en"):
        p = import_preview("holidays", rows)
    by_row = {r.row: r for r in p.results}
    assert by_row[2].status == "new"
    assert by_row[3].status == "invalid" and len(by_row[3].errors) == 3  # kind, region, source
    assert by_row[4].status == "duplicate" and "Row 2" in by_row[4].errors[0]
    assert by_row[5].status == "new"  # the same date in the Lhasa layer is another row
    assert [r.row for r in p.to_write] == [2, 5]


def test_conflicts_with_existing_rows_are_listed_and_replaced_only_when_chosen(admin_client, staff):
    Holiday.objects.create(date=dt.date(2031, 10, 8), kind="off", name="国庆节", source_doc="旧通知")
    Holiday.objects.create(date=dt.date(2031, 10, 1), kind="off", name="国庆节", source_doc=SOURCE)
    data = (HEADER + f"2031-10-08,workday,调休上班,,{SOURCE}\n" + f"2031-10-01,off,国庆节,,{SOURCE}\n"
            + f"2031-10-09,off,,,{SOURCE}\n").encode()
    html = _preview(admin_client, data, lang="en").content.decode()
    row = re.search(r'<tr[^>]*id="row-2">(.*?)</tr>', html, re.S).group(1)
    assert "Conflicts with the row already in the table for 2031-10-08" in row and "off → workday" in row
    assert "Import the 1 valid row" in html  # the unchanged row 3 and the conflict are left out
    _import(admin_client)
    assert Holiday.objects.get(date=dt.date(2031, 10, 8), region=None).kind == "off"
    assert Holiday.objects.filter(date=dt.date(2031, 10, 9)).exists()

    _preview(admin_client, data, lang="en", overwrite="on")
    job = _import(admin_client)
    changed = Holiday.objects.get(date=dt.date(2031, 10, 8), region=None)
    assert changed.kind == "workday" and changed.source_doc == SOURCE
    last = changed.history.order_by("-history_date").first()
    assert last.history_type == "~" and last.history_user == staff["sysadmin"]
    assert job.total == 1


# --- file types ----------------------------------------------------------------------------------------------------

def test_a_program_renamed_csv_is_refused_with_a_clear_message(admin_client):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
    response = _preview(admin_client, exe, name="holidays.csv", lang="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "“holidays.csv” is not a CSV or Excel (.xlsx) file." in html and 'role="alert"' in html
    assert Holiday.objects.filter(date__year=2031).count() == 0
    with pytest.raises(DomainError):
        import_read("holidays", "x.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)  # an old .xls
    with pytest.raises(DomainError) as e:
        import_read("holidays", "x.csv", b"when,what\n2031-01-01,off\n")
    assert "date" in str(e.value.errors["file"][0])


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_minimum_wages_from_excel_with_real_date_cells(admin_client, staff):
    from arrears.models import MinimumWageStandard

    old = MinimumWageStandard.objects.get(region_code="540000", effective_from=dt.date(2021, 7, 1))
    data = _xlsx([["region_code", "monthly_yuan", "hourly_yuan", "effective_from", "source_doc"],
                  ["540000", 2100, 20.5, dt.datetime(2031, 1, 1), "藏政办发〔2030〕1号"],
                  ["540100", "2,150.00", "21", "2031-01-01", "拉萨市通知"],
                  ["540000", "abc", "20", "2031-07-01", "x"],
                  ["540000", str(old.monthly_yuan), str(old.hourly_yuan), "2021-07-01", old.source_doc]])
    response = _preview(admin_client, data, name="wages.xlsx", table="minimum_wages", lang="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "“abc” is not an amount in yuan" in re.search(r'id="row-4">(.*?)</tr>', html, re.S).group(1)
    assert 'id="row-5"' not in html  # the 2021 standard is already there, unchanged
    _import(admin_client)
    new = MinimumWageStandard.objects.get(region_code="540000", effective_from=dt.date(2031, 1, 1))
    assert new.monthly_yuan == Decimal("2100.00") and new.hourly_yuan == Decimal("20.50")
    assert new.history.get().history_user == staff["sysadmin"]
    assert MinimumWageStandard.objects.get(region_code="540100").monthly_yuan == Decimal("2150.00")
    # the cap of spec §6.4 now uses it
    from arrears.calculators import minimum_wage_on

    assert minimum_wage_on("540102", dt.date(2031, 3, 1)).monthly_yuan == Decimal("2150.00")


def test_csv_in_gb18030_as_excel_saves_it_in_china():
    rows = import_read("holidays", "h.csv", (HEADER + f"2031-02-11,off,春节,,{SOURCE}\n").encode("gb18030"))
    assert rows[0].values["name"] == "春节"


def test_the_templates_are_csv_with_the_columns(admin_client):
    response = admin_client.get("/staff/config-imports/template/minimum_wages.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "region_code,monthly_yuan,hourly_yuan,effective_from,source_doc"
    for table in ("holidays", "minimum_wages"):  # the template's example row is itself valid
        rows = import_read(table, "t.csv", import_template_csv(table))
        assert [r.status for r in import_preview(table, rows).results] == ["new"]
    page = admin_client.get(URL).content.decode()
    assert "/staff/config-imports/template/holidays.csv" in page


# --- writes nothing before the import; history; deadlines --------------------------------------------------------

def test_the_preview_changes_nothing(admin_client):
    Holiday.objects.create(date=dt.date(2031, 10, 8), kind="off", name="", source_doc="旧通知")
    before = (Holiday.objects.count(), Holiday.history.count(), CalendarCoverage.objects.count(),
              BackgroundJob.objects.count())
    data = holidays_csv(5, extra=f"2031-10-08,workday,,,{SOURCE}\n")
    assert _preview(admin_client, data, overwrite="on", mark_covered="on").status_code == 200
    assert (Holiday.objects.count(), Holiday.history.count(), CalendarCoverage.objects.count(),
            BackgroundJob.objects.count()) == before
    assert Holiday.objects.get(date=dt.date(2031, 10, 8)).kind == "off"


def test_import_records_history_with_the_user_marks_the_year_and_recounts_deadlines(admin_client, staff,
                                                                                     monkeypatch):
    calls = []
    import casework.services.deadlines as deadlines

    monkeypatch.setattr(deadlines, "deadlines_recompute_provisional", lambda: calls.append(1) or 7)
    _preview(admin_client, holidays_csv(3), mark_covered="on")
    job = _import(admin_client)
    for h in Holiday.objects.filter(date__year=2031):
        record = h.history.get()
        assert record.history_type == "+" and record.history_user == staff["sysadmin"]
    cov = CalendarCoverage.objects.get(region=None, year=2031)
    assert cov.source_doc == SOURCE and cov.history.get().history_user == staff["sysadmin"]
    assert calls == [1]
    assert "deadlines_recomputed,7" in job.result_file.read().decode("utf-8-sig")


def test_progress_is_reported_through_the_job(admin_client, staff):
    _preview(admin_client, holidays_csv(120))
    job = _import(admin_client)
    assert job.kind == "config.import" and job.created_by == staff["sysadmin"]
    assert (job.done, job.total, job.percent) == (120, 120, 100)
    page = admin_client.get(f"/staff/jobs/{job.pk}/")
    assert page.status_code == 200


# --- only a system administrator --------------------------------------------------------------------------------------

def test_only_a_sysadmin_may_import(client, staff):
    for who in ("inspector", "head", "auditor", "intake"):
        client.force_login(staff[who])
        assert client.get(URL).status_code == 404
        assert client.get("/staff/config-imports/template/holidays.csv").status_code == 404
        response = client.post(URL, {"action": "preview", "table": "holidays", "file": upload("h.csv", holidays_csv(1))})
        assert response.status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302  # to the log-in page
    rows = [ImportRow(row=2, values={"date": "2031-01-01", "kind": "off", "name": "", "region_code": "",
                                     "source_doc": SOURCE})]
    with pytest.raises(NotAllowed):
        import_apply("holidays", rows, user=staff["head"])
    from casework.services.config_imports import IMPORT_JOB
    from casework.services.jobs import start_job

    with pytest.raises(NotAllowed):
        start_job(IMPORT_JOB, staff["head"], {"table": "holidays", "rows": []})
    assert Holiday.objects.filter(date__year=2031).count() == 0
