"""A general contractor's clerk on a phone closes out a finished project: records the completion, posts the
wage-settlement notice (photo and signed commitment), settles once the notice period has run, and applies for the
guarantee refund; an inspection head of the region approves the refund at a desk. The page offers each person only
the steps they may take now (arrears.services_settlement)."""
import datetime as dt
import re

import pytest
from django.utils import timezone

from arrears.models_projects import WageGuarantee
from casework.models import Project
from tests.arrears._projects import compliant, gc_user, make_project
from tests.factories import make_user

from .conftest import shot
from .journey import T, assert_no_hscroll, axe_check, label, login, staff_page, tap, write_png


def _submit(page, button):
    """Press a form's button and wait for the page the server answers with (the same address after a redirect)."""
    with page.expect_navigation():
        tap(button)


def _login_contractor(page, username):
    page.goto("/staff/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("pw-12345678")
    tap(page.get_by_role("button", name=T("Log in"), exact=True))
    page.wait_for_url(re.compile(r"/projects/$"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_contractor_settles_the_project_and_a_head_approves_the_refund(phone, browser, live_server, tmp_path):
    gc = gc_user("gc_settle")
    head = make_user("head_settle", "inspection_head", "540100")
    project = make_project(gc)  # contract signed 2025-06-02, Lhasa Chengguan
    compliant(gc, project)  # account, guarantee held, board
    today = timezone.localdate()
    completed = today - dt.timedelta(days=80)
    posted = today - dt.timedelta(days=60)  # the 30-day notice period has run

    page = phone
    _login_contractor(page, gc.username)
    page.goto(f"/projects/{project.pk}/")
    panel = page.locator("#settlement")
    assert panel.locator("form[data-step=settle]").count() == 0  # nothing to settle before completion
    label(page, "completed on").fill(completed.isoformat())
    _submit(page, panel.get_by_role("button", name=T("Record the completion"), exact=True))
    assert page.locator("#settlement .project-state").get_attribute("data-state") == "completed"

    label(page, "notice posted on site on").fill(posted.isoformat())
    page.locator("form[data-step=notice] input[type=file]").nth(0).set_input_files(str(write_png(tmp_path / "n.png")))
    (tmp_path / "commitment.pdf").write_bytes(PDF)
    page.locator("form[data-step=notice] input[type=file]").nth(1).set_input_files(str(tmp_path / "commitment.pdf"))
    _submit(page, page.get_by_role("button", name=T("Record the notice"), exact=True))
    assert T("The notice period has run.") in page.locator("#settlement .notice-period").inner_text()
    assert_no_hscroll(page)
    shot(page, "settlement-01-notice-run")
    axe_check(page, "project page with the settlement panel")

    _submit(page, page.get_by_role("button", name=T("Record the wage settlement"), exact=True))
    project.refresh_from_db()
    assert project.state == Project.State.SETTLED and project.settled_on == today
    assert str(today.year + 3) in page.locator("#settlement .roster-keep").inner_text()  # settled + 3 years
    _submit(page, page.get_by_role("button", name=T("Apply for the guarantee refund"), exact=True))
    assert page.locator("form[data-step=refund-approve]").count() == 0  # the contractor never approves
    shot(page, "settlement-02-refund-applied")

    with staff_page(browser, live_server) as desk:
        login(desk, head.username)
        desk.goto(f"/staff/projects/{project.pk}/")
        form = desk.locator("form[data-step=refund-approve]")
        balance = WageGuarantee.objects.get(project=project).balance
        assert f"{balance:,.2f}" in form.inner_text()
        _submit(desk, form.get_by_role("button", name=T("Approve the guarantee refund"), exact=True))
        shot(desk, "settlement-03-refunded")
        axe_check(desk, "staff project page after the refund")
    g = WageGuarantee.objects.get(project=project)
    assert (g.state, g.refunded_amount, g.balance, g.refund_approved_by) == ("refunded", balance, 0, head)
