"""A general contractor's clerk on a phone registers a project, records the dedicated wage account (shown masked),
uploads a payroll with a bad row (reported with its row number, the good rows imported after confirming); a Lhasa
inspector then sees the project's findings and opens an inspection case on one with one button."""
import re

import pytest

from casework.models import Complaint
from tests.arrears._projects import DEV_USCC, GC_USCC, gc_user, payroll_csv, roster
from tests.factories import make_user

from .conftest import shot
from .journey import T, assert_no_hscroll, label, staff_page, tap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username):
    page.goto("/staff/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("pw-12345678")
    tap(page.get_by_role("button", name=T("Log in"), exact=True))


def test_contractor_registers_and_uploads_then_inspector_opens_a_case(phone, browser, live_server, tmp_path):
    gc = gc_user("gc_phone")
    inspector = make_user("insp_lhasa", "inspector", "540100")
    page = phone
    _login(page, gc.username)
    page.wait_for_url(re.compile(r"/projects/$"))
    tap(page.get_by_role("link", name=T("Register a project")))
    label(page, "project name").fill("手机登记的项目")
    label(page, "region code (county or prefecture)").fill("540102")
    label(page, "developer's unified social credit code").fill(DEV_USCC)
    label(page, "developer's name", optional=True).fill("拉萨示例城投")
    label(page, "general contractor's unified social credit code").fill(GC_USCC)
    label(page, "general contractor's name", optional=True).fill("西藏示例建工集团")
    label(page, "contract value (yuan)").fill("6000000")
    label(page, "construction contract signed on").fill("2025-06-02")
    label(page, "labour-cost allocation cycle (days)").fill("45")
    assert_no_hscroll(page)
    shot(page, "project-01-register")
    tap(page.get_by_role("button", name=T("Save"), exact=True))
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    pk = int(re.search(r"/projects/(\d+)/$", page.url)[1])

    tap(page.get_by_role("link", name=T("Record the account")))
    label(page, "bank").fill("中国农业银行")
    label(page, "account number").fill("6228 4800 1234 9876")
    label(page, "opened on").fill("2025-06-20")
    tap(page.get_by_role("button", name=T("Save"), exact=True))
    page.wait_for_url(re.compile(rf"/projects/{pk}/$"))
    body = page.content()
    assert "****9876" in body and "6228480012349876" not in body

    from casework.models import Project

    project = Project.objects.get(pk=pk)
    roster(gc, project, n=2)
    csv_path = tmp_path / "payroll.csv"
    csv_path.write_bytes(payroll_csv([("2025-07", 0, 22, "6000", "0", "6000"), ("2025-07", 1, 22, "-5", "0", "-5")]))
    page.goto(f"/projects/{pk}/import/payroll/")
    page.locator("input[type=file]").set_input_files(str(csv_path))
    tap(page.get_by_role("button", name=T("Check the file"), exact=True))
    report = page.locator("#report")
    report.wait_for()
    assert report.locator("tr.issue-error td").first.inner_text().strip() == "3"
    shot(page, "project-02-payroll-report")
    assert_no_hscroll(page)
    page.locator("#report form button[type=submit]").click()
    page.wait_for_selector("#report")
    assert project.payrolls.get().lines.count() == 1

    # the inspector
    with staff_page(browser, live_server) as desk:
        _login(desk, inspector.username)
        desk.wait_for_url(re.compile(r"/staff/$"))
        desk.goto("/staff/projects/")
        tap(desk.get_by_role("link", name="手机登记的项目"))
        card = desk.locator("article.finding[data-code=cycle_too_long]")
        shot(desk, "project-03-findings")
        tap(card.get_by_role("button", name=T("Open an inspection case")))
        desk.wait_for_url(re.compile(r"/staff/cases/[\d-]+/$"))
        case = Complaint.objects.get(project_id=pk)
        assert case.channel == "ex_officio" and case.case_number in desk.url
