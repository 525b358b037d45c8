"""A worker opens a shared ``/complaint/?lang=bo`` link on a 360 px phone: the page is Tibetan (lang="bo"), the
Tibetan letters are drawn with the Noto Serif Tibetan face the site serves itself (static/fonts/, fetched from this
server, no CDN), nothing scrolls sideways, and a wrong ID check digit is explained in Tibetan. A Chinese page does
not download the font. Screenshots: tibetan-step1, tibetan-step1-error."""
import re

import pytest

from .conftest import shot
from .journey import (WRONG_ID, T, assert_no_hscroll, assert_touch_sized, fill_step, press_continue,
                      wait_for_errors)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIBETAN = re.compile("[\u0F00-\u0FFF]")
FAMILY = "Noto Serif Tibetan Web"  # static/css/site.css @font-face

_LOADED = """family => Array.from(document.fonts)
    .filter(f => f.family.replace(/["']/g, '') === family && f.status === 'loaded').map(f => String(f.weight))"""


def test_tibetan_step1_on_a_phone(phone, live_server):
    page = phone
    fonts = []
    page.on("response", lambda r: fonts.append(r) if "/static/fonts/" in r.url else None)

    # a Chinese page (the default) does not download the Tibetan font, although the switcher shows བོད་ཡིག
    page.goto("/")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert not fonts, [r.url for r in fonts]

    page.goto("/complaint/?lang=bo")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.locator("html").get_attribute("lang") == "bo"
    heading = page.locator("main h1").inner_text()
    assert TIBETAN.search(heading), heading

    # the served face comes first for Tibetan, it was fetched from this server and it is in use
    family = page.evaluate("getComputedStyle(document.querySelector('main h1')).fontFamily")
    assert family.startswith(f'"{FAMILY}"'), family
    assert page.evaluate("f => document.fonts.check(`16px \"${f}\"`, 'བོད་ཡིག')", FAMILY)
    assert page.evaluate(_LOADED, FAMILY), "the Tibetan web font was not loaded"
    woff2 = [r for r in fonts if r.url.endswith(".woff2")]
    assert woff2 and all(r.url.startswith(live_server.url) and r.status == 200 for r in woff2), \
        [(r.url, r.status) for r in fonts]

    assert_no_hscroll(page, 360)
    assert_touch_sized(page, "form.intake")
    shot(page, "tibetan-step1")

    # a wrong check digit is explained in Tibetan, next to the field
    fill_step(page, 1, lang="bo", id_number=WRONG_ID)
    press_continue(page, 1, "bo")
    wait_for_errors(page)
    message = page.locator("#f-complainant-id_number-error").inner_text()
    expected = T("This ID number's check digit is wrong. Please check each digit against the ID card.", "bo")
    assert TIBETAN.search(expected) and expected in message
    assert_no_hscroll(page, 360)
    shot(page, "tibetan-step1-error")


def test_worker_files_a_complaint_in_tibetan_and_tracks_it(phone):
    """The whole of a worker's journey in Tibetan on a 360 px phone: the five steps, the review, the receipt and the
    tracking page, every heading and button in Tibetan script, the language kept from the shared link to the end,
    and none of the worker's personal data on the tracking page. Screenshots: tibetan-review, tibetan-receipt,
    tibetan-track-result."""
    from casework.models import Complaint, ComplaintState
    from casework.selectors import WORKER_STATUS

    from .journey import RIGHT_ID, STEP1, digits, fill_steps, label, tap

    page = phone
    page.goto("/?lang=bo")  # a shared link to the home page; the choice sticks for the complaint pages
    assert page.locator("html").get_attribute("lang") == "bo"
    page.goto("/complaint/")
    # letters and SMS default to the language the worker is reading (journey.STEP1 then picks one explicitly)
    assert label(page, "Language for letters and calls", lang="bo").input_value() == "bo"
    fill_steps(page, lang="bo")
    assert page.locator("html").get_attribute("lang") == "bo"
    assert TIBETAN.search(page.locator("h1").inner_text())
    assert RIGHT_ID in page.locator("main").inner_text()
    assert_no_hscroll(page)
    shot(page, "tibetan-review")
    tap(page.get_by_role("button", name=T("Submit the complaint", "bo"), exact=True))

    page.wait_for_url(re.compile(r"/complaint/receipt/(#.*)?$"))
    assert page.locator("html").get_attribute("lang") == "bo"
    numbers = page.locator(".receipt-numbers dd")
    case_number_shown = numbers.nth(0).inner_text()
    access_code = digits(numbers.nth(1).inner_text())
    complaint = Complaint.objects.get()
    assert digits(case_number_shown) == digits(complaint.case_number) and len(access_code) == 8
    assert TIBETAN.search(page.locator("main").inner_text())
    assert_no_hscroll(page)
    shot(page, "tibetan-receipt")

    tap(page.locator("main").get_by_role("link", name=T("Track my case", "bo"), exact=True).first)
    page.wait_for_url(re.compile(r"/track/$"))
    label(page, "Case number", lang="bo").fill(case_number_shown.replace("\n", "").strip())
    label(page, "Access code", lang="bo").fill(access_code)
    label(page, "Access code", lang="bo").press("Enter")
    page.wait_for_url(re.compile(r"/track/result/$"))
    assert page.locator("html").get_attribute("lang") == "bo"
    status = page.locator(".status-card .status-text").inner_text()
    assert status == T(WORKER_STATUS[ComplaintState.RECEIVED], "bo") and TIBETAN.search(status)
    for secret in (RIGHT_ID, STEP1["complainant.phone"], STEP1["complainant.name"]):
        assert secret not in page.content()
    assert_no_hscroll(page)
    assert_touch_sized(page, "main")
    shot(page, "tibetan-track-result")
