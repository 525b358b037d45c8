"""The disputes tracks in a real browser (Debian's Chromium driven by Playwright against a live server), on the
pages people use:

(1) a worker on a 360 px phone applies for arbitration in Tibetan: the page is Tibetan (lang="bo", the served
    Noto Serif Tibetan face), a missing statement of facts and an ID number with a wrong check digit are explained
    in Tibetan next to their fields while everything typed is still there; after correcting them the receipt shows
    the case number and the access code, the receipt PDF downloads, and /track/ shows the case in Tibetan;
(2) the same for mediation in Chinese, with "save and continue later" on the way;
(3) staff in Chinese: the clerk takes the review task from the queue and accepts, the chair forms the tribunal, the
    clerk schedules the hearing; the case page then shows the deadlines the services opened;
(4) axe-core on the application page (with its errors shown) and on the tracking result: no serious or critical
    violation.
Screenshots: test-artifacts/disputes-*.png."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import formats, translation

from .conftest import shot
from .journey import (RIGHT_ID, WRONG_ID, T, assert_no_hscroll, axe_check, digits, login, staff_page, tap,
                      wait_for_errors)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIBETAN = re.compile("[\u0F00-\u0FFF]")
CJK = re.compile("[\u4E00-\u9FFF]")
FAMILY = "Noto Serif Tibetan Web"  # static/css/site.css @font-face
_LOADED = """family => Array.from(document.fonts)
    .filter(f => f.family.replace(/["']/g, '') === family && f.status === 'loaded').map(f => String(f.weight))"""

CHECK_DIGIT = "This ID number's check digit is wrong. Please check each digit against the ID card."
FACTS_REQUIRED = ("This field is required: an application states the claims and the facts and reasons for them "
                  "(%(citation)s).")


# --- data ----------------------------------------------------------------------------------------------------------

def commission():
    from disputes.models import ArbitrationCommission

    return ArbitrationCommission.objects.create(
        name="拉萨市劳动人事争议仲裁委员会", region_id="540100", docket_prefix="拉劳人仲案字", address="拉萨市城关区",
        court_name="拉萨市中级人民法院", basic_court_name="拉萨市城关区人民法院")


def mediation_body():
    from disputes.models import MediationBody

    return MediationBody.objects.create(name="城关区劳动争议调解中心", kind="township", region_id="540102")


def day(n: int) -> str:
    return (dt.date.today() - dt.timedelta(days=n)).isoformat()


def answers(facts: str = "在安置房项目做钢筋工，2025年3月至5月的工资一直没有发。") -> dict:
    """What the worker types: field path -> value (the inputs are named by their path)."""
    return {
        "region_code": "540102",
        "applicant.name": "扎西次仁", "applicant.id_number": RIGHT_ID, "applicant.phone": "13800000011",
        "applicant.address": "拉萨市城关区八廓街1号", "applicant.occupation": "钢筋工",
        "employer.name": "西藏示例建筑工程有限公司", "employer.address": "拉萨市城关区金珠西路2号",
        "employer.legal_rep_name": "王某", "employer.contact_phone": "08916000000",
        "employment_status": "left", "employment_start": day(400), "employment_end": day(60), "knew_on": day(55),
        "items.0.category": "wages", "items.0.period_start": day(150), "items.0.period_end": day(60),
        "items.0.amount": "18000",
        "claims_text": "要求用人单位支付拖欠工资18000元。", "facts_text": facts,
        "evidence_text": "工资条、微信聊天记录。",
    }


# --- filling the one-page application by its visible labels ------------------------------------------------------

def _in(page, group: str):
    return page.locator(f"#s-{group}")


def field(scope, msgid: str, lang: str, optional: bool = False):
    text = T(msgid, lang)
    if optional:
        return scope.get_by_label(re.compile("^" + re.escape(text)))
    return scope.get_by_label(text, exact=True)


def fill_application(page, data: dict, lang: str, track: str):
    """Fill the application as a person does: every control found through its <label> in the page's language."""
    F = lambda group, msgid, **kw: field(_in(page, group), msgid, lang, **kw)  # noqa: E731
    F("region_code", "Where did you work?").select_option(data["region_code"])
    F("applicant", "Full name").fill(data["applicant.name"])
    F("applicant", "Resident ID number").fill(data["applicant.id_number"])
    F("applicant", "Mobile phone").fill(data["applicant.phone"])
    F("applicant", "Address").fill(data["applicant.address"])
    F("applicant", "Occupation", optional=True).fill(data["applicant.occupation"])
    F("applicant", "Language for letters and calls").select_option(lang)
    F("employer", "Employer's name").fill(data["employer.name"])
    F("employer", "Employer's address").fill(data["employer.address"])
    F("employer", "Legal representative or boss", optional=True).fill(data["employer.legal_rep_name"])
    F("employer", "Employer's phone", optional=True).fill(data["employer.contact_phone"])
    tap(F("workers_count", "I have left"))
    F("workers_count", "First day of work", optional=True).fill(data["employment_start"])
    F("workers_count", "Last day of work", optional=True).fill(data["employment_end"])
    F("workers_count", "When did you learn that you would not be paid?", optional=True).fill(data["knew_on"])
    F("items", "Kind of pay").select_option(data["items.0.category"])
    F("items", "From").fill(data["items.0.period_start"])
    F("items", "To").fill(data["items.0.period_end"])
    F("items", "Amount (yuan)").fill(data["items.0.amount"])
    F("claims_text", "What do you ask for?").fill(data["claims_text"])
    F("claims_text", "Facts and reasons").fill(data["facts_text"])
    F("claims_text", "Evidence and where it comes from", optional=True).fill(data["evidence_text"])
    if track == "mediation":
        tap(F("claims_text", "The employer has agreed to mediation"))


def typed(page) -> dict:
    """What the form holds now, by input name (the field path)."""
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(
        'form.intake input:not([type=hidden]):not([type=radio]):not([type=checkbox]), form.intake select, form.intake textarea'))
        .map(e => [e.name, e.value]).concat(Array.from(document.querySelectorAll('form.intake input[type=radio]:checked'))
        .map(e => [e.name, e.value])))""")


def send(page, lang: str):
    tap(page.locator("form.intake .actions").get_by_role("button", name=T("Send the application", lang), exact=True))


def assert_kept(page, data: dict, **changed):
    now = typed(page)
    expected = {**data, **changed}
    lost = {k: (v, now.get(k)) for k, v in expected.items() if now.get(k) != v}
    assert not lost, f"lost or changed after the error (expected, found): {lost}"


def receipt_numbers(page) -> tuple[str, str]:
    numbers = page.locator(".receipt-numbers dd")
    return digits(numbers.nth(0).inner_text()), digits(numbers.nth(1).inner_text())


def download_receipt(page, lang: str):
    link = page.get_by_role("link", name=T("Download the receipt (PDF)", lang), exact=True)
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200, response.status
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-") and len(body) > 1000
    return body


def track(page, case_number: str, code: str, lang: str):
    page.goto("/track/")
    field(page, "Case number", lang).fill(case_number)
    field(page, "Access code", lang).fill(code)
    tap(page.get_by_role("button", name=T("Show my case", lang), exact=True))
    page.wait_for_url(re.compile(r"/disputes/track/$"))


# --- (1) arbitration in Tibetan ----------------------------------------------------------------------------------

def test_worker_applies_for_arbitration_in_tibetan(phone, live_server):
    from disputes.models import DisputeCase, DisputeState
    from disputes.selectors import EVENT_TEXT, status_text

    commission()
    page, lang = phone, "bo"
    fonts = []
    page.on("response", lambda r: fonts.append(r) if "/static/fonts/" in r.url else None)

    page.goto("/disputes/apply/arbitration/?lang=bo")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.locator("html").get_attribute("lang") == "bo"
    heading = page.locator("main h1").inner_text()
    assert heading == T("Apply for arbitration", lang) and TIBETAN.search(heading) and not CJK.search(heading)
    assert TIBETAN.search(page.locator("main .lead").first.inner_text())
    family = page.evaluate("getComputedStyle(document.querySelector('main h1')).fontFamily")
    assert family.startswith(f'"{FAMILY}"'), family
    assert page.evaluate(_LOADED, FAMILY), "the Tibetan web font was not loaded"
    assert all(r.url.startswith(live_server.url) and r.status == 200 for r in fonts if r.url.endswith(".woff2"))
    assert_no_hscroll(page, 360)
    shot(page, "disputes-01-arbitration-bo")

    # letters and calls default to the page's language, and there is a first claim row to type into
    assert field(_in(page, "applicant"), "Language for letters and calls", lang).input_value() == "bo"
    assert field(_in(page, "items"), "Amount (yuan)", lang).count() == 1

    # no statement of facts, and an ID number with a wrong check digit
    data = answers(facts="")
    fill_application(page, {**data, "applicant.id_number": WRONG_ID}, lang, "arbitration")
    send(page, lang)
    summary = wait_for_errors(page)
    assert page.locator("html").get_attribute("lang") == "bo"
    assert TIBETAN.search(summary.inner_text())
    id_error = page.locator("#f-applicant-id_number-error").inner_text()
    assert T(CHECK_DIGIT, lang) in id_error and TIBETAN.search(T(CHECK_DIGIT, lang))
    facts_error = page.locator("#f-facts_text-error").inner_text()
    with translation.override(lang):
        expected = translation.gettext(FACTS_REQUIRED) % {"citation": "《劳动争议调解仲裁法》第二十八条"}
    assert TIBETAN.search(expected) and expected in facts_error, facts_error
    # the messages sit next to their fields: the field says so to a screen reader
    assert "f-applicant-id_number-error" in page.locator("#f-applicant-id_number").get_attribute("aria-describedby")
    assert page.locator("#f-facts_text").get_attribute("aria-invalid") == "true"
    assert_kept(page, {**data, "applicant.id_number": WRONG_ID}, **{"applicant.preferred_language": "bo"})
    assert DisputeCase.objects.count() == 0
    assert_no_hscroll(page, 360)
    shot(page, "disputes-02-arbitration-bo-errors")

    facts = "ང་ལས་ཡུལ་དུ་ལྕགས་ལས་བྱས། 2025年3月至5月工资未发。"
    field(_in(page, "applicant"), "Resident ID number", lang).fill(RIGHT_ID)
    field(_in(page, "claims_text"), "Facts and reasons", lang).fill(facts)
    send(page, lang)
    page.wait_for_url(re.compile(r"/disputes/receipt/$"))
    assert page.locator("html").get_attribute("lang") == "bo"
    assert page.locator("main h1").inner_text() == T("Your arbitration application has been received", lang)
    case_number, code = receipt_numbers(page)
    case = DisputeCase.objects.get()
    assert case_number == digits(case.case_number) and len(case_number) == 15 and len(code) == 8
    assert case.track == "arbitration" and case.state == DisputeState.ARB_RECEIVED
    assert case.facts_text == facts and case.claims_text == data["claims_text"]
    applicant = case.parties.get(side="applicant").person
    assert applicant.id_number == RIGHT_ID and applicant.preferred_language == "bo"
    assert case.items.get().amount_claimed == Decimal("18000")
    shot(page, "disputes-03-arbitration-bo-receipt")
    download_receipt(page, lang)

    track(page, case_number, code, lang)
    assert page.locator("html").get_attribute("lang") == "bo"
    status = page.locator(".status-text").inner_text()
    assert case.state == DisputeState.ARB_RECEIVED
    with translation.override(lang):  # the period in it comes from the rule table
        assert status == status_text(case) and TIBETAN.search(status)
    events = page.locator("ol.events").inner_text()
    assert T(EVENT_TEXT["applied"], lang) in events
    assert case.case_number in page.locator("main h1").inner_text()
    assert_no_hscroll(page, 360)
    shot(page, "disputes-04-arbitration-bo-tracked")


# --- (2) mediation in Chinese --------------------------------------------------------------------------------------

def test_worker_applies_for_mediation_in_chinese(phone, live_server):
    from disputes.models import DisputeCase, DisputeState
    from disputes.selectors import EVENT_TEXT, status_text

    mediation_body()
    page, lang = phone, "zh-hans"
    page.goto("/disputes/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    tap(page.get_by_role("link", name=T("Apply for mediation", lang), exact=True))
    page.wait_for_url(re.compile(r"/disputes/apply/mediation/$"))
    assert page.locator("main h1").inner_text() == T("Apply for mediation", lang)

    data = answers(facts="")
    fill_application(page, {**data, "applicant.id_number": WRONG_ID}, lang, "mediation")
    # save for later: everything comes back on the next visit from this phone
    tap(page.get_by_role("button", name=T("Save and continue later", lang), exact=True))
    saved = T("Saved. You can come back to this page on this device for 30 days.", lang)
    page.get_by_role("status").filter(has_text=saved).wait_for()  # the same address: wait for the new page
    assert page.url.endswith("/disputes/apply/mediation/")
    page.goto("/disputes/apply/mediation/")
    assert_kept(page, {**data, "applicant.id_number": WRONG_ID}, **{"applicant.preferred_language": lang})
    assert page.locator("#f-respondent_consented").is_checked()

    send(page, lang)
    wait_for_errors(page)
    assert T(CHECK_DIGIT, lang) in page.locator("#f-applicant-id_number-error").inner_text()
    with translation.override(lang):
        expected = translation.gettext(FACTS_REQUIRED) % {"citation": "《劳动争议调解仲裁法》第十二条"}
    assert expected in page.locator("#f-facts_text-error").inner_text()
    assert_kept(page, {**data, "applicant.id_number": WRONG_ID}, **{"applicant.preferred_language": lang})
    assert DisputeCase.objects.count() == 0
    assert_no_hscroll(page, 360)
    shot(page, "disputes-05-mediation-zh-errors")

    field(_in(page, "applicant"), "Resident ID number", lang).fill(RIGHT_ID)
    field(_in(page, "claims_text"), "Facts and reasons", lang).fill("在安置房项目做钢筋工，三个月工资未付。")
    send(page, lang)
    page.wait_for_url(re.compile(r"/disputes/receipt/$"))
    assert page.locator("main h1").inner_text() == T("Your mediation application has been received", lang)
    case_number, code = receipt_numbers(page)
    case = DisputeCase.objects.get()
    assert case_number == digits(case.case_number) and len(code) == 8
    assert case.track == "mediation" and case.state == DisputeState.MED_APPLIED and case.body.region_id == "540102"
    assert case.respondent_consented is True
    shot(page, "disputes-06-mediation-zh-receipt")
    download_receipt(page, lang)

    track(page, case_number, code, lang)
    with translation.override(lang):
        assert page.locator(".status-text").inner_text() == status_text(case)
    assert T(EVENT_TEXT["applied"], lang) in page.locator("ol.events").inner_text()
    shot(page, "disputes-07-mediation-zh-tracked")


# --- (3) staff: review, tribunal, hearing --------------------------------------------------------------------------

def _submitted_arbitration():
    from disputes.services.applications import application_submit, application_validate

    data = answers()
    payload = {"region_code": data["region_code"],
               "applicant": {"name": data["applicant.name"], "id_number": data["applicant.id_number"],
                             "phone": data["applicant.phone"], "address": data["applicant.address"],
                             "occupation": data["applicant.occupation"], "preferred_language": "zh-hans"},
               "employer": {"name": data["employer.name"], "address": data["employer.address"],
                            "legal_rep_name": data["employer.legal_rep_name"],
                            "contact_phone": data["employer.contact_phone"]},
               "employment_status": "left", "employment_start": data["employment_start"],
               "employment_end": data["employment_end"], "knew_on": data["knew_on"],
               "items": [{"category": "wages", "period_start": data["items.0.period_start"],
                          "period_end": data["items.0.period_end"], "amount": data["items.0.amount"]}],
               "claims_text": data["claims_text"], "facts_text": data["facts_text"]}
    return application_submit(track="arbitration", cleaned=application_validate(payload, track="arbitration")).case


def _take_from_queue(page, case_number: str, task_title):
    queue = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile(
        re.escape(T("Queue: tasks you may take")))))
    row = queue.locator("tbody tr").filter(has=page.get_by_role("link", name=case_number, exact=True))
    assert row.count() == 1, page.locator("main").inner_text()
    assert T(task_title) in row.inner_text()
    tap(row.get_by_role("button", name=re.compile("^" + re.escape(T("Take")))))
    page.wait_for_url(re.compile(r"/staff/tasks/\d+/$"))
    assert case_number in page.locator("h1").inner_text()


def _complete(page, case_number: str):
    tap(page.get_by_role("button", name=T("Complete this step"), exact=True))
    page.wait_for_url(re.compile(rf"/staff/disputes/{re.escape(case_number)}/$"))


def test_staff_review_tribunal_and_hearing_in_chinese(browser, live_server):
    from casework.models import Deadline
    from disputes.flows import ArbitrationFlow
    from disputes.models import DisputeState, Hearing
    from disputes.selectors import deadlines_of
    from tests.factories import make_user

    commission()
    clerk = make_user("clerk_lhasa", "arbitration_clerk")
    chair = make_user("chair_lhasa", "arbitration_chair")
    arbitrators = [make_user(f"arb{i}", "arbitrator", perm=None) for i in (1, 2, 3)]
    case = _submitted_arbitration()
    number = case.case_number

    # the clerk takes the review from the queue and accepts the application
    with staff_page(browser, live_server) as page:
        login(page, clerk.username)
        shot(page, "disputes-08-clerk-queue")
        _take_from_queue(page, number, ArbitrationFlow.review.task_title)
        decision = page.get_by_label(T("Decision"), exact=True)
        assert decision.input_value() == ""
        decision.select_option("accept")
        shot(page, "disputes-09-clerk-review")
        _complete(page, number)
        case.refresh_from_db()
        assert case.state == DisputeState.ARB_ACCEPTED and case.accepted_at is not None
        badge = page.locator("h1.case-title .badge")
        assert badge.inner_text().strip() == T(DisputeState.ARB_ACCEPTED.label)
        shot(page, "disputes-10-case-accepted")

    # the chair forms a tribunal of three
    with staff_page(browser, live_server) as page:
        login(page, chair.username)
        _take_from_queue(page, number, ArbitrationFlow.form_tribunal.task_title)
        page.get_by_label(T("Procedure"), exact=True).select_option("ordinary")
        page.get_by_label(T("Presiding or sole arbitrator"), exact=True).select_option(arbitrators[0].username)
        members = page.get_by_label(re.compile("^" + re.escape(T("Arbitrator"))))  # two optional seats
        assert members.count() == 2
        members.nth(0).select_option(arbitrators[1].username)
        members.nth(1).select_option(arbitrators[2].username)
        shot(page, "disputes-11-chair-tribunal")
        _complete(page, number)
        assert case.tribunal.filter(active=True).count() == 3
        tribunal = page.locator("#tribunal").inner_text()
        assert all(a.username in tribunal for a in arbitrators)

    # the clerk schedules the hearing with a written notice sent today
    sent = dt.date.today()
    starts = dt.datetime.combine(sent + dt.timedelta(days=21), dt.time(9, 30))
    with staff_page(browser, live_server) as page:
        login(page, clerk.username)
        _take_from_queue(page, number, ArbitrationFlow.schedule_hearing.task_title)
        page.get_by_label(T("Hearing date and time"), exact=True).fill(starts.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label(T("Place"), exact=True).fill("拉萨市劳动人事争议仲裁院第一仲裁庭")
        page.get_by_label(T("Written notice sent on"), exact=True).fill(sent.isoformat())
        page.get_by_label(T("Notice"), exact=True).select_option(Hearing.NoticeMethod.WRITTEN)
        assert page.get_by_label(T("Public hearing"), exact=True).is_checked()
        shot(page, "disputes-12-clerk-schedule")
        _complete(page, number)
        case.refresh_from_db()
        assert case.state == DisputeState.ARB_HEARING_SCHEDULED
        hearing = case.hearings.get()
        assert hearing.status == Hearing.Status.SCHEDULED and hearing.place.startswith("拉萨市")

        # the case page lists every deadline the services opened, with its due date and legal basis
        page.goto(f"/staff/disputes/{number}/")
        rows = page.locator("#deadlines tbody tr")
        deadlines = list(deadlines_of(case))
        assert deadlines and rows.count() == len(deadlines)
        assert {"ARB-ACCEPT", "ARB-AWARD"} <= {d.rule_id for d in deadlines}
        with translation.override("zh-hans"):
            for d in deadlines:
                row = rows.filter(has=page.locator("td.mono", has_text=re.compile(rf"^{re.escape(d.rule_id)}$")))
                assert row.count() == 1, d.rule_id
                text = row.inner_text()
                assert formats.date_format(d.due_date, "SHORT_DATE_FORMAT") in text, (d.rule_id, text)
                assert str(d.get_status_display()) in text
        award = next(d for d in deadlines if d.rule_id == "ARB-AWARD")
        assert award.anchor_date == case.accepted_at and award.status == Deadline.Status.OPEN
        accept = next(d for d in deadlines if d.rule_id == "ARB-ACCEPT")
        assert accept.status != Deadline.Status.OPEN  # met by the acceptance
        shot(page, "disputes-13-case-deadlines")


# --- (4) accessibility ---------------------------------------------------------------------------------------------

def _offline(page, live_server):
    outside = []

    def handle(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()
    page.route("**/*", handle)
    return outside


@pytest.mark.parametrize("lang", ["bo", "zh-hans"])
def test_application_and_tracking_pages_have_no_serious_violations(phone, live_server, lang):
    commission()
    page = phone
    outside = _offline(page, live_server)
    page.goto(f"/disputes/apply/arbitration/?lang={lang}")
    axe_check(page, f"arbitration application ({lang})")

    data = answers(facts="")
    fill_application(page, {**data, "applicant.id_number": WRONG_ID}, lang, "arbitration")
    send(page, lang)
    wait_for_errors(page)
    axe_check(page, f"arbitration application with errors ({lang})")

    field(_in(page, "applicant"), "Resident ID number", lang).fill(RIGHT_ID)
    field(_in(page, "claims_text"), "Facts and reasons", lang).fill("工资未发。")
    send(page, lang)
    page.wait_for_url(re.compile(r"/disputes/receipt/$"))
    axe_check(page, f"receipt ({lang})")
    case_number, code = receipt_numbers(page)

    page.goto("/track/")
    axe_check(page, f"tracking form ({lang})")
    track(page, case_number, code, lang)
    axe_check(page, f"tracking result ({lang})")
    shot(page, f"disputes-14-a11y-tracked-{lang}")
    assert outside == []
