"""An inspection head's dashboard in Chinese on a desktop and on a 360 px phone: picks a period, sees the charts and
their tables, downloads a table as CSV, and follows a large export as a job to 100 %. axe-core on the dashboard and
the job page (no serious or critical violation); screenshots in test-artifacts/."""
import csv
import io
import re

import pytest
from django.utils import timezone

from tests.factories import make_user, submit

from .conftest import shot
from .journey import T, assert_no_hscroll, axe_check, login, tap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager():
    from casework.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


def test_head_dashboard_desktop_phone_csv_and_export_job(desktop, phone, live_server, settings, eager):
    head = make_user("dash_head_b", "inspection_head", "540100")
    numbers = {submit().complaint.case_number for _ in range(3)}
    submit(region_code="540202")  # Shigatse: never in a Lhasa head's figures
    year = timezone.localdate().year

    page = desktop
    login(page, head.username)
    tap(page.get_by_role("link", name=T("Dashboard"), exact=True))
    page.wait_for_url(re.compile(r"/staff/dashboard/$"))
    assert page.locator("h1").inner_text() == T("Dashboard")
    page.get_by_label(re.compile("^" + re.escape(T("Year")))).fill(str(year))  # optional: "(选填)" follows
    tap(page.get_by_role("button", name=T("Show"), exact=True))
    page.wait_for_url(re.compile(r"/staff/dashboard/\?.*year=%d" % year))
    fig = page.locator("section.dash-figure").filter(has=page.get_by_role("heading", name=T("Open cases by track")))
    assert fig.locator("svg[role=img] title").text_content() == T("Open cases by track")
    assert fig.get_by_role("img", name=T("Open cases by track")).is_visible()
    row = fig.locator("tbody tr").filter(has_text=T("Inspection complaints"))
    assert row.locator("td").inner_text().strip() == "3"
    axe_check(page, "dashboard (desktop)")
    shot(page, "dashboard-01-desktop")

    with page.expect_download() as dl:
        fig.get_by_role("link", name=re.compile("^CSV")).click()
    content = open(dl.value.path(), "rb").read()
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [T("Figure"), T("Number")] and [T("Inspection complaints"), "3"] in rows

    # a large export: a job with a progress bar that reaches 100 %
    settings.EXPORT_DIRECT_MAX_ROWS = 1
    page.goto("/staff/cases/")
    page.get_by_role("link", name=re.compile("^CSV")).click()
    page.wait_for_url(re.compile(r"/staff/jobs/[0-9a-f-]+/$"))
    progress = page.locator("progress#job-progress")
    assert progress.get_attribute("value") == "100"
    assert "100 %" in page.locator("#job-percent").inner_text()
    axe_check(page, "export job page")
    shot(page, "dashboard-02-export-job")
    with page.expect_download() as dl:
        page.locator("#job-download-link").click()
    body = open(dl.value.path(), "rb").read().decode("utf-8-sig")
    assert {r[0] for r in csv.reader(io.StringIO(body))} - {T("Case")} == numbers

    # the same dashboard on a 360 px phone: charts scale, nothing scrolls sideways
    login(phone, head.username)
    phone.goto(f"/staff/dashboard/?year={year}")
    assert phone.locator("svg.chart").count() >= 5
    assert phone.locator("section.dash-figure table").count() == 7
    width = phone.locator("svg.chart").first.bounding_box()["width"]
    assert 200 < width <= 360
    assert_no_hscroll(phone)
    axe_check(phone, "dashboard (phone)")
    shot(phone, "dashboard-03-phone")
