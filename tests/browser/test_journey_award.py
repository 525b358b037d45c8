"""An arbitrator records an award in a real browser (Debian's Chromium driven by Playwright against a live server),
and the worker reads it on a phone in Tibetan (spec §6.4; issue #6 "an arbitrator records an award").

The case is built through the real services and workflow steps, with the clock set back a month so that the
hearing has been held with proper notice (LDMAL 35): the application received and accepted by the clerk, the
tribunal formed by the chair, the hearing scheduled. Then, in the browser:

(1) the clerk records the hearing (a clerk's step in this system; the arbitrator has no hearing task);
(2) the presiding arbitrator logs in (desktop, Chinese), finds the award step in the task queue, opens the case
    from it, and records the award: one wages item under the cap (final) and one compensation item over it
    (not final), each classified per item against 12 × the Tibet minimum wage; two award documents are issued,
    one per finality class, and both PDFs are linked on the case page and download as real PDFs;
(3) the worker, whose account the clerk linked to the case, logs in on a 360 px phone in Tibetan and reads both
    awards with their rights on the party page; the award PDF downloads there too;
(4) axe-core on the award form, the case page with the awards and the party page: no serious or critical
    violation. Screenshots: test-artifacts/award-*.png."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from .conftest import shot
from .journey import T, assert_no_hscroll, axe_check, login, staff_page, tap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIBETAN = re.compile("[\u0F00-\u0FFF]")
PASSWORD = "pw-12345678"


# --- data: a heard arbitration case built through the services ------------------------------------------------------

def _accepted_case_with_hearing_held():
    """Returns (case, users). Everything before the hearing record happens a month ago on the real calendar."""
    from freezegun import freeze_time

    from disputes.demo import _step, demo_application, seed_bodies
    from disputes.models import DisputeParty, DisputeState
    from disputes.services.applications import application_submit
    from disputes.services.parties import party_account_link
    from tests.factories import make_user

    seed_bodies()
    users = {"clerk": make_user("clerk_award", "arbitration_clerk"),
             "chair": make_user("chair_award", "arbitration_chair"),
             "arb1": make_user("arb_presiding", "arbitrator", perm=None),
             "arb2": make_user("arb_member_a", "arbitrator", perm=None),
             "arb3": make_user("arb_member_b", "arbitrator", perm=None),
             "worker": make_user("worker_dorje", "worker", region=None, perm=None)}
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    with freeze_time(dt.datetime.combine(start, dt.time(10, 0))):
        payload = demo_application(region_code="540102", items=[
            {"category": "wages", "period_start": (start - dt.timedelta(days=150)).replace(day=1).isoformat(),
             "period_end": (start - dt.timedelta(days=60)).isoformat(), "amount": "18000"},
            {"category": "severance", "period_start": (start - dt.timedelta(days=60)).isoformat(),
             "period_end": (start - dt.timedelta(days=60)).isoformat(), "amount": "24000"}],
            claims_text="请求裁决被申请人支付拖欠工资18000元及经济补偿24000元。")
        case = application_submit(track="arbitration", payload=payload).case
        _step(case, users["clerk"], {"decision": "accept"})
        _step(case, users["chair"], {"procedure": "ordinary", "presiding": users["arb1"].username,
                                     "member_1": users["arb2"].username, "member_2": users["arb3"].username})
        hearing_at = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=3), dt.time(9, 30)))
        _step(case, users["clerk"], {"starts_at": hearing_at.strftime("%Y-%m-%d %H:%M"),
                                     "place": "拉萨市劳动人事争议仲裁院第一仲裁庭", "notice_sent_on": start.isoformat(),
                                     "notice_method": "written", "public": True})
        applicant = case.parties.get(side=DisputeParty.Side.APPLICANT)
        party_account_link(case=case, user=users["clerk"], party_id=applicant.pk, username="worker_dorje")
    case.refresh_from_db()
    assert case.state == DisputeState.ARB_HEARING_SCHEDULED
    return case, users


def _task_row(page, heading_msgid, case_number):
    section = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile(
        re.escape(T(heading_msgid)))))
    return section.locator("tbody tr").filter(has=page.get_by_role("link", name=case_number, exact=True))


def _pdf(page, href) -> bytes:
    response = page.request.get(href)
    assert response.status == 200, (href, response.status)
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-") and b"%%EOF" in body[-1024:]
    return body


def test_arbitrator_records_the_award_and_the_worker_reads_it_in_tibetan(browser, live_server):
    from disputes.flows import ArbitrationFlow
    from disputes.models import AwardDocument, DisputeState, Hearing

    case, users = _accepted_case_with_hearing_held()
    number = case.case_number

    # (1) the clerk records the hearing that was held three days ago
    with staff_page(browser, live_server) as page:
        login(page, users["clerk"].username)
        row = _task_row(page, "Queue: tasks you may take", number)
        assert T(ArbitrationFlow.hold_hearing.task_title) in row.inner_text()
        tap(row.get_by_role("button", name=re.compile("^" + re.escape(T("Take")))))
        page.wait_for_url(re.compile(r"/staff/tasks/\d+/$"))
        page.get_by_label(T("Outcome"), exact=True).select_option("heard")
        page.get_by_label(T("Hearing record (庭审笔录)"), exact=True).fill(
            "首席仲裁员宣布开庭。申请人陈述：2025年工资未发。被申请人对欠薪数额无异议，对经济补偿有异议。调解未成。")
        page.get_by_label(T("Applicant present"), exact=True).check()
        page.get_by_label(T("Respondent present"), exact=True).check()
        page.get_by_label(T("Mediation was attempted before the award"), exact=True).check()
        tap(page.get_by_role("button", name=T("Complete this step"), exact=True))
        page.wait_for_url(re.compile(rf"/staff/disputes/{re.escape(number)}/$"))
        case.refresh_from_db()
        assert case.state == DisputeState.ARB_HEARD
        assert case.hearings.get().status == Hearing.Status.HELD

    # (2) the presiding arbitrator records the award
    with staff_page(browser, live_server) as page:
        login(page, users["arb1"].username)
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        row = _task_row(page, "Queue: tasks you may take", number)
        assert row.count() == 1, page.locator("main").inner_text()
        assert T(ArbitrationFlow.award.task_title) in row.inner_text()
        shot(page, "award-01-arbitrator-queue")
        # the case itself opens from the task list: the file the arbitrator decides on
        tap(row.get_by_role("link", name=number, exact=True))
        page.wait_for_url(re.compile(rf"/staff/disputes/{re.escape(number)}/$"))
        assert "工资未发" in page.locator("#hearings").inner_text()
        page.go_back()
        row = _task_row(page, "Queue: tasks you may take", number)
        tap(row.get_by_role("button", name=re.compile("^" + re.escape(T("Take")))))
        page.wait_for_url(re.compile(r"/staff/tasks/\d+/$"))
        assert number in page.locator("h1").inner_text()
        assert T(ArbitrationFlow.award.task_title) in page.locator("h1").inner_text()
        axe_check(page, "award form")
        shot(page, "award-02-award-form")

        today = timezone.localdate()
        page.get_by_label(T("Award date"), exact=True).fill(today.isoformat())
        items = page.get_by_label(T("Award items"), exact=True)
        items.fill("劳动报酬 | 2025年拖欠工资 | 18000 | 支持 | 被申请人对欠薪数额无异议\n"
                   "经济补偿 | 解除劳动合同经济补偿 | 24000 | 支持 | 被申请人违法解除劳动合同")
        page.get_by_label(T("Facts found"), exact=True).fill("申请人在被申请人处做钢筋工，最后三个月工资未付，被申请人解除劳动合同未支付经济补偿。")
        page.get_by_label(T("Reasons"), exact=True).fill("用人单位应当按时足额支付劳动报酬，解除劳动合同应当依法支付经济补偿。")
        shot(page, "award-03-award-filled")
        tap(page.get_by_role("button", name=T("Complete this step"), exact=True))
        page.wait_for_url(re.compile(rf"/staff/disputes/{re.escape(number)}/$"))

        case.refresh_from_db()
        assert case.state == DisputeState.ARB_AWARDED
        final, non_final = (AwardDocument.objects.get(case=case, finality="final"),
                            AwardDocument.objects.get(case=case, finality="non_final"))
        assert final.cap_amount == Decimal("22200.00")  # 12 × 1,850 yuan, the Tibet minimum wage
        assert [(i.category, i.amount) for i in final.items.all()] == [("wages", Decimal("18000.00"))]
        assert [(i.category, i.amount) for i in non_final.items.all()] == [("compensation", Decimal("24000.00"))]
        assert final.effective_on == today and non_final.effective_on is None

        awards = page.locator("#awards")
        for award, label in ((final, "final award (终局裁决)"), (non_final, "non-final award (非终局裁决)")):
            card = awards.locator("article").filter(has_text=award.award_no)
            assert card.count() == 1 and T(label) in card.locator("h3").inner_text()
        # the award documents are in the file, each a real PDF
        for award in (final, non_final):
            link = page.locator("#documents li").filter(has_text=award.award_no).get_by_role("link")
            assert link.count() == 1, page.locator("#documents").inner_text()
            _pdf(page, link.get_attribute("href"))
        axe_check(page, "case page with the awards")
        shot(page, "award-04-case-awarded")

    # (3) the worker reads the awards on a phone, in Tibetan
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=live_server.url,
                              is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.goto("/staff/login/?lang=bo")
        assert page.locator("html").get_attribute("lang") == "bo"
        page.locator("input[name=username]").fill("worker_dorje")
        page.locator("input[name=password]").fill(PASSWORD)
        tap(page.get_by_role("button", name=T("Log in", "bo"), exact=True))
        page.wait_for_url(re.compile(r"/my/disputes/$"))
        tap(page.get_by_role("link", name=re.compile(re.escape(number))))
        page.wait_for_url(re.compile(rf"/my/disputes/{re.escape(number)}/$"))
        assert page.locator("html").get_attribute("lang") == "bo"
        awards = page.locator("#awards")
        text = awards.inner_text()
        assert T("Awards", "bo") in text and TIBETAN.search(awards.locator("h2").inner_text())
        assert final.award_no in text and non_final.award_no in text
        # the rights are those of each award, printed in Chinese like the award itself
        assert "向拉萨市中级人民法院申请撤销裁决" in text  # the employer's remedy against a final award
        assert "期满不起诉的，本裁决书发生法律效力" in text   # a non-final award
        assert_no_hscroll(page, 360)
        axe_check(page, "party page with the awards (bo)")
        shot(page, "award-05-worker-bo")
        link = page.locator("#documents li").filter(has_text=final.award_no).get_by_role("link")
        assert link.count() == 1, page.locator("#documents").inner_text()
        _pdf(page, link.get_attribute("href"))
    finally:
        ctx.close()


def test_award_items_may_name_their_category_in_chinese_as_the_award_prints_it():
    """The form an arbitrator fills in Chinese accepts 劳动报酬 as well as the code ``wages`` (disputes.steps)."""
    from casework.errors import DomainError
    from disputes.services.awards import CATEGORY_ZH
    from disputes.steps import parse_award_items

    items = parse_award_items("劳动报酬 | 拖欠工资 | 18000 | 支持 | 理由\nwages | 加班费 | 2,000 | no | 驳回\n"
                              "休息休假 ｜ 带薪年休假 ｜ - ｜ 是 ｜ 理由 ｜ 国家标准")
    assert [(i["category"], i["amount"], i["granted"]) for i in items] == [
        ("wages", Decimal("18000.00"), True), ("wages", Decimal("2000.00"), False), ("rest_leave", None, True)]
    assert items[2]["national_standard_dispute"] is True
    with pytest.raises(DomainError) as e:
        parse_award_items("工钱 | x | 1 | 支持")
    assert all(zh in str(e.value.errors["items"][0]) for zh in CATEGORY_ZH.values())
