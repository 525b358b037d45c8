"""Staff in their browsers, one context (one computer) each:

(a) an intake officer registers a complaint taken on the 12333 hotline through the same guided form and reads the
    receipt to the caller;
(b) a Lhasa inspector finds it in the queue on /staff/, takes it, decides "accept" on the task page; the case page
    then shows the state "investigating" and a timeline entry for the acceptance with the inspector's name;
(c) a Shigatse inspector does not see it in the queue, and its case page and task page answer 404.
"""
import re

import pytest
from viewflow.workflow.models import Task

from casework.models import Complaint, ComplaintState
from casework.selectors import EVENT_TEXT
from tests.factories import make_user

from .conftest import shot
from .journey import T, assert_touch_sized, digits, fill_steps, label, login, staff_page, tap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_complaint_registered_accepted_and_hidden_from_another_region(desktop, browser, live_server):
    officer = make_user("intake_lhasa", "intake_officer", "540100")
    inspector = make_user("insp_lhasa", "inspector", "540100")
    make_user("head_lhasa", "inspection_head", "540100")  # approves nothing in this journey
    make_user("insp_shigatse", "inspector", "540200")

    # --- (a) the intake officer registers a phone complaint -----------------------------------------------------
    page = desktop
    login(page, officer.username)
    shot(page, "staff-00-officer-home")
    tap(page.get_by_role("link", name=T("Register a complaint received by phone (12333), letter or in person")))
    fill_steps(page)
    officer_box = page.locator("fieldset.officer-entry")
    assert officer_box.is_visible()
    # how it was received: the 12333 hotline (also the default for an officer)
    page.get_by_label(T("How the complaint was received"), exact=True).select_option("phone_12333")
    assert page.get_by_label(T("How the complaint was received"), exact=True).input_value() == "phone_12333"
    assert_touch_sized(page, "form.submit-form")
    shot(page, "staff-01-officer-review")
    tap(page.get_by_role("button", name=T("Submit the complaint"), exact=True))
    page.wait_for_url(re.compile(r"/complaint/receipt/$"))
    numbers = page.locator(".receipt-numbers dd")
    complaint = Complaint.objects.get()
    case_number = complaint.case_number
    assert digits(numbers.nth(0).inner_text()) == digits(case_number)
    assert len(digits(numbers.nth(1).inner_text())) == 8
    assert complaint.channel == "phone_12333" and complaint.created_by == officer
    assert complaint.state == ComplaintState.RECEIVED
    shot(page, "staff-02-officer-receipt")

    # --- (b) a Lhasa inspector takes it from the queue and accepts it -------------------------------------------
    with staff_page(browser, live_server) as page:
        login(page, inspector.username)
        queue = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile(
            re.escape(T("Queue: tasks you may take")))))
        row = queue.locator("tbody tr").filter(has=page.get_by_role("link", name=case_number, exact=True))
        assert row.count() == 1
        assert row.locator("td").nth(1).inner_text().strip() == T("Triage: accept or refuse")
        shot(page, "staff-03-inspector-queue")
        tap(row.get_by_role("button", name=re.compile("^" + re.escape(T("Take")))))
        page.wait_for_url(re.compile(r"/staff/tasks/\d+/$"))
        task_id = int(re.search(r"/staff/tasks/(\d+)/", page.url).group(1))
        assert case_number in page.locator("h1").inner_text()
        assert page.get_by_role("button", name=T("Give the task back to the queue")).is_visible()  # it is mine now
        decision = label(page, "Decision")
        assert decision.input_value() == ""  # nothing pre-chosen
        decision.select_option("accept")
        shot(page, "staff-04-inspector-task")
        tap(page.get_by_role("button", name=T("Complete this step"), exact=True))
        page.wait_for_url(re.compile(rf"/staff/cases/{re.escape(case_number)}/$"))
        complaint.refresh_from_db()
        assert complaint.state == ComplaintState.INVESTIGATING
        badge = page.locator("h1.case-title .badge")
        assert badge.inner_text().strip() == T(complaint.get_state_display()) == T(ComplaintState.INVESTIGATING.label)
        accepted = page.locator("ol.timeline > li").filter(has_text=T(EVENT_TEXT["accepted"]))
        assert accepted.count() == 1
        assert accepted.locator(".tl-who").inner_text().strip() == inspector.username
        shot(page, "staff-05-inspector-case")

    # --- (c) a Shigatse inspector sees nothing of it ------------------------------------------------------------
    with staff_page(browser, live_server) as page:
        login(page, "insp_shigatse")
        assert case_number not in page.locator("main").inner_text()
        shot(page, "staff-06-shigatse-home")
        response = page.goto(f"/staff/cases/{case_number}/")
        assert response.status == 404
        assert case_number not in page.locator("main").inner_text()  # (the address itself is echoed only in
        # the language switcher's "next" field)
        shot(page, "staff-07-shigatse-case-404")
        open_task = Task.objects.filter(process_id=complaint.process_id, flow_task_type="HUMAN",
                                        status__in=["NEW", "ASSIGNED", "STARTED"]).first()
        for pk in {task_id, open_task.pk if open_task else task_id}:
            assert page.goto(f"/staff/tasks/{pk}/").status == 404
        page.goto("/staff/cases/")
        assert case_number not in page.locator("main").inner_text()
