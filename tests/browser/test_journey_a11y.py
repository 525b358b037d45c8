"""axe-core (the copy bundled with axe-playwright-python, injected into the page: no network) on the pages people
actually use, in the state they see them: the public pages on a 360 px phone in Chinese (home, step 1 with its
errors shown, review, receipt, tracking result) and the staff pages on a desktop (home with a task in the queue,
the task page with its form, the case page after acceptance). No violation of impact "serious" or "critical" is
allowed; any others are printed."""
import re
import pytest

from tests.factories import make_user, submit

from .conftest import shot
from .journey import (WRONG_ID, T, axe_check, digits, fill_step, fill_steps, label, login, press_continue, tap,
                      wait_for_errors, write_png)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offline(page, live_server):
    """Every request that is not to the live server is refused and recorded: axe must run from the bundled file,
    and the pages must not need anything from outside."""
    outside = []

    def handle(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()
    page.route("**/*", handle)
    return outside


def test_public_pages_have_no_serious_violations(phone, live_server, tmp_path):
    page = phone
    outside = offline(page, live_server)
    page.goto("/")
    axe_check(page, "home")

    page.goto("/complaint/")
    fill_step(page, 1, id_number=WRONG_ID)
    press_continue(page, 1)
    wait_for_errors(page)
    axe_check(page, "intake step 1 with errors")
    shot(page, "a11y-01-step1-errors")

    label(page, "Resident ID number").fill("540102199001011233")
    press_continue(page, 1)
    fill_steps(page, range(2, 6), evidence=write_png(tmp_path / "payslip.png"))
    axe_check(page, "review")

    tap(page.get_by_role("button", name=T("Submit the complaint"), exact=True))
    page.wait_for_url(re.compile(r"/complaint/receipt/$"))
    numbers = page.locator(".receipt-numbers dd")
    case_number, code = numbers.nth(0).inner_text(), digits(numbers.nth(1).inner_text())
    axe_check(page, "receipt")

    page.goto("/track/")
    label(page, "Case number").fill(digits(case_number))
    label(page, "Access code").fill(code)
    tap(page.get_by_role("button", name=T("Show my case"), exact=True))
    page.wait_for_url(re.compile(r"/track/result/$"))
    axe_check(page, "tracking result")
    assert outside == []


def test_staff_pages_have_no_serious_violations(desktop, live_server):
    page = desktop
    outside = offline(page, live_server)
    inspector = make_user("insp_a11y", "inspector", "540100")
    case_number = submit().complaint.case_number

    login(page, inspector.username)
    assert case_number in page.locator("main").inner_text()
    axe_check(page, "staff home")

    page.locator("tbody tr").filter(has_text=case_number).get_by_role("link", name=re.compile(
        "^" + re.escape(T("Open")))).click()
    page.wait_for_url(re.compile(r"/staff/tasks/\d+/$"))
    axe_check(page, "task page")

    # the task page with a validation error shown (nothing chosen)
    page.get_by_role("button", name=T("Complete this step"), exact=True).click()
    wait_for_errors(page)
    axe_check(page, "task page with errors")

    label(page, "Decision").select_option("accept")
    page.get_by_role("button", name=T("Complete this step"), exact=True).click()
    page.wait_for_url(re.compile(rf"/staff/cases/{re.escape(case_number)}/$"))
    axe_check(page, "case page")
    shot(page, "a11y-02-case")
    assert outside == []


def test_axe_check_fails_on_a_broken_page(phone, live_server):
    """The check itself works offline and does fail: an unlabeled button, an image without alt text, no lang."""
    outside = offline(phone, live_server)
    phone.goto("/")
    phone.set_content('<html><head><title>x</title></head><body><main><h1>x</h1><img src="/static/none.png">'
                      '<button></button></main></body></html>')
    with pytest.raises(AssertionError) as failure:
        axe_check(phone, "broken page")
    for rule in ("button-name", "image-alt", "html-has-lang"):
        assert rule in str(failure.value)
    assert outside == []
