"""A worker on a 360 px phone, in Chinese, files a complaint through the five guided steps: a wrong ID check digit
is caught next to the field and in the summary at the top, corrected; a reload halfway and the resume link keep what
was typed; a real PNG goes up at step 5; the review page submits; the receipt's case number and access code open
the tracking page with the status and the acceptance deadline. No page scrolls sideways at 360 px, and every
control is big enough for a thumb. Also: the first step in English through a shared ``?lang=en`` link."""
import re

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from casework.models import Complaint, ComplaintState
from casework.selectors import WORKER_STATUS, deadlines_of

from .conftest import shot
from .journey import (RIGHT_ID, STEP1, STEP2, STEP5, T, WRONG_ID, assert_no_hscroll, assert_touch_sized, digits,
                      fill_step, label, press_continue, tap, wait_for_errors, write_png)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# a fragment may follow: after a tap on an error-summary link, browsers keep "#field" across the redirect
STEP_URL = {1: r"/complaint/(#.*)?$", **{n: rf"/complaint/step/{n}/(#.*)?$" for n in range(2, 6)}}


def at_step(page, n):
    page.wait_for_url(re.compile(STEP_URL[n]))
    assert page.locator("nav.progress [aria-current=step] .num").inner_text() == str(n)
    assert_no_hscroll(page)
    assert_touch_sized(page, "form.intake")


def test_worker_files_a_complaint_on_a_phone_and_tracks_it(phone, browser, live_server, tmp_path):
    page = phone
    png = write_png(tmp_path / "工资条.png")

    # --- home → step 1
    page.goto("/")
    assert_no_hscroll(page)
    shot(page, "worker-00-home")
    tap(page.locator("main").get_by_role("link", name=T("File a complaint")).first)
    at_step(page, 1)
    shot(page, "worker-01-step1")

    # --- step 1 with a wrong check digit: Enter in the last text box sends the form (keyboard path)
    fill_step(page, 1, id_number=WRONG_ID)
    label(page, "How many workers are owed wages?").press("Enter")
    summary = wait_for_errors(page)
    assert re.search(STEP_URL[1], page.url)
    assert summary.get_attribute("role") == "alert"
    expect(summary).to_be_focused()  # site.js moves focus there, so a screen reader starts with the problems
    link = summary.locator('a[href="#f-complainant-id_number"]')
    assert link.count() == 1 and T("Resident ID number") in link.inner_text()
    field = label(page, "Resident ID number")
    error = page.locator("#f-complainant-id_number-error")
    assert error.is_visible()
    message = error.inner_text().replace(T("Error:"), "").strip()
    assert message and message in link.inner_text()  # the same words at the top and at the field
    assert field.get_attribute("aria-invalid") == "true"
    assert "f-complainant-id_number-error" in field.get_attribute("aria-describedby").split()
    # the message sits right above its field, inside the same .field block
    assert page.locator(".field-error").filter(has=field).locator(".error-message").count() == 1
    # nothing typed is lost
    assert field.input_value() == WRONG_ID
    assert label(page, "Full name").input_value() == STEP1["complainant.name"]
    assert label(page, "Mobile phone").input_value() == STEP1["complainant.phone"]
    assert_no_hscroll(page)
    shot(page, "worker-01-step1-error")

    # the summary link leads to the field; correct it there
    tap(link)
    expect(field).to_be_in_viewport()
    field.fill(RIGHT_ID)
    press_continue(page, 1)

    # --- step 2, then a reload halfway: the draft is kept on the server
    at_step(page, 2)
    shot(page, "worker-02-step2")
    fill_step(page, 2)
    press_continue(page, 2)
    at_step(page, 3)
    page.reload()
    at_step(page, 3)  # still at step 3, not sent back to the start
    tap(page.locator("nav.progress").get_by_role("link", name=re.compile(re.escape(T("Employer and workplace")))))
    at_step(page, 2)
    assert label(page, "Employer's name").input_value() == STEP2["employer.name"]
    assert label(page, "Where did you work?").input_value() == STEP2["region_code"]
    assert label(page, "Construction project (buildings, roads, bridges, water works)").is_checked()
    assert label(page, "Project name (construction only)", optional=True).input_value() == STEP2["project_name"]
    shot(page, "worker-02-step2-after-reload")

    # ... and the resume link opens the same answers on another phone
    resume = page.locator(".resume-box")
    tap(resume.locator("summary"))
    resume_url = resume.locator(".resume-link a").get_attribute("href")
    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                has_touch=True)
    try:
        p2 = other.new_page()
        p2.goto(resume_url)
        p2.wait_for_url(re.compile(STEP_URL[3]))
        assert p2.locator(".notice-info").count() >= 1  # "welcome back"
        p2.goto(live_server.url + "/complaint/")
        assert label(p2, "Resident ID number").input_value() == RIGHT_ID
        assert label(p2, "Full name").input_value() == STEP1["complainant.name"]
    finally:
        other.close()
    press_continue(page, 2)

    # --- step 3, step 4
    at_step(page, 3)
    shot(page, "worker-03-step3")
    fill_step(page, 3)
    press_continue(page, 3)
    at_step(page, 4)
    shot(page, "worker-04-step4")
    fill_step(page, 4)
    press_continue(page, 4)

    # --- step 5: facts, and a real PNG added with "Add the files" (it is listed at once)
    at_step(page, 5)
    fill_step(page, 5, evidence=png)
    tap(page.get_by_role("button", name=T("Add the files"), exact=True))
    page.wait_for_url(re.compile(r"/complaint/step/5/#s-evidence$"))
    files = page.locator("ul.file-list")
    files.wait_for()
    assert png.name in files.inner_text()
    assert label(page, "What happened?").input_value() == STEP5["facts"]  # typed text survived the upload
    at_step(page, 5)
    shot(page, "worker-05-step5")
    press_continue(page, 5)

    # --- review: everything typed is there; submit
    page.wait_for_url(re.compile(r"/complaint/review/(#.*)?$"))
    body = page.locator("main").inner_text()
    for value in (STEP1["complainant.name"], RIGHT_ID, STEP2["employer.name"], "6000", STEP5["facts"], png.name):
        assert value in body, value
    assert page.locator('select[name="channel"]').count() == 0  # a worker never sets the channel
    assert_no_hscroll(page)
    assert_touch_sized(page, "form.submit-form")
    shot(page, "worker-06-review")
    tap(page.get_by_role("button", name=T("Submit the complaint"), exact=True))

    # --- receipt: case number, access code, acceptance deadline
    page.wait_for_url(re.compile(r"/complaint/receipt/(#.*)?$"))
    numbers = page.locator(".receipt-numbers dd")
    case_number_shown = numbers.nth(0).inner_text()
    access_code = digits(numbers.nth(1).inner_text())
    complaint = Complaint.objects.get()
    assert digits(case_number_shown) == digits(complaint.case_number)
    assert len(access_code) == 8
    assert complaint.state == ComplaintState.RECEIVED and complaint.channel == "online"
    assert complaint.attachments.get().original_name == png.name
    due = deadlines_of(complaint).get(rule_id="INSP-ACCEPT").due_date
    receipt_due = page.locator(".receipt p strong").last.inner_text()
    with translation.override("zh-hans"):
        assert receipt_due == formats.date_format(due, "DATE_FORMAT")
    assert_no_hscroll(page)
    shot(page, "worker-07-receipt")

    # --- tracking with what the receipt showed
    tap(page.locator("main").get_by_role("link", name=T("Track my case"), exact=True).first)
    page.wait_for_url(re.compile(r"/track/$"))
    label(page, "Case number").fill(case_number_shown.replace("\n", "").strip())
    label(page, "Access code").fill(access_code)
    assert_touch_sized(page, "main form")
    assert_no_hscroll(page)
    shot(page, "worker-08-track")
    label(page, "Access code").press("Enter")
    page.wait_for_url(re.compile(r"/track/result/$"))
    status = page.locator(".status-card .status-text").inner_text()
    assert status == T(WORKER_STATUS[ComplaintState.RECEIVED])
    nxt = page.locator(".status-card .next-deadline")
    assert T("decision on accepting your complaint") in nxt.inner_text()
    assert nxt.locator("strong").inner_text() == receipt_due
    assert digits(page.locator("h1.case-title").inner_text()) == digits(complaint.case_number)
    for secret in (RIGHT_ID, STEP1["complainant.phone"], STEP1["complainant.name"]):
        assert secret not in page.content()
    assert_no_hscroll(page)
    shot(page, "worker-09-track-result")


def test_first_step_in_chinese_by_default_and_in_english_by_link(phone):
    page = phone
    page.goto("/complaint/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text().endswith(T("Who you are"))
    assert label(page, "Full name").is_visible()

    page.goto("/complaint/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    h1 = page.locator("h1").inner_text()
    assert "Step 1 of 5" in h1 and "Who you are" in h1
    for msgid in ("Full name", "Resident ID number", "Mobile phone"):
        assert label(page, msgid, lang="en").is_visible()
    assert page.get_by_role("button", name="Continue", exact=True).last.is_visible()
    # no Chinese left in the labels, legends and hints (the language list names each language in its own script)
    texts = page.locator("form.intake").locator("label, legend, .hint, button").all_inner_texts()
    assert texts and not [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)]
    assert_no_hscroll(page)
    shot(page, "worker-10-step1-en")
    # the choice sticks for the next page without the parameter
    page.goto("/complaint/")
    assert page.locator("html").get_attribute("lang") == "en"
