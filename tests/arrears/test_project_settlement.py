"""Completion and wage settlement of a construction project (arrears.services_settlement; spec §11; MWR arts. 27,
28, 32; 人社部发〔2021〕65号): completion, the settlement notice and its period on the legal clock (last day refused,
next day allowed), objections, what blocks settlement, closing the account, the guarantee refund (four eyes, one
refund when two heads press at once), roster retention, the exemption page, the pages and the API."""
import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from arrears import services_settlement as ss
from arrears.findings import project_findings
from arrears.imports import payroll_import
from arrears.models_projects import SettlementObjection, WageAccount, WageGuarantee
from arrears.selectors_projects import project_public_view
from arrears.services_projects import guarantee_exemption_claim, guarantee_record
from casework.errors import Conflict, DomainError, NotAllowed
from casework.models import Complaint, DeadlineRule, Project, ProjectAccess
from casework.services.clock import compute_due
from tests.factories import make_user, png_bytes, submit

from ._projects import OTHER_GC_USCC, Upload, compliant, gc_user, make_project, payroll_csv, roster

pytestmark = pytest.mark.django_db

COMPLETED = dt.date(2026, 2, 27)
POSTED = dt.date(2026, 3, 2)          # Monday
ENDS = dt.date(2026, 4, 1)            # + 30 calendar days, a Wednesday (a working day: not rolled)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def last_user(obj):
    return type(obj).history.filter(id=obj.pk).order_by("-history_id").first().history_user


@pytest.fixture
def today(monkeypatch):
    """Set the services' "today" (ss._today): today(dt.date(...))."""
    def set_today(day):
        monkeypatch.setattr(ss, "_today", lambda: day)
        return day
    return set_today


@pytest.fixture
def gc(db):
    return gc_user()


@pytest.fixture
def project(gc):
    p = make_project(gc)  # contract signed 2025-06-02, 10,000,000 yuan, region 540102
    compliant(gc, p)
    return p


def notice(gc, project, posted=POSTED, photo=None, commitment=None):
    return ss.settlement_notice_post(user=gc, project=project, posted_on=posted,
                                     photo=photo or Upload(png_bytes()),
                                     commitment=commitment or Upload(PDF, "commitment.pdf"))


def to_notice(gc, project, today, posted=POSTED):
    today(posted)
    ss.project_complete(user=gc, project=project, completed_on=COMPLETED)
    return notice(gc, project, posted)


def settled(gc, project, today):
    to_notice(gc, project, today)
    today(ENDS + dt.timedelta(days=1))
    return ss.project_settle(user=gc, project=project)


def login(user):
    c = Client()
    c.force_login(user)
    return c


# --- rule rows ---------------------------------------------------------------------------------------------------

def test_the_rule_rows_are_loaded_with_their_citations():
    notice_rule = DeadlineRule.objects.get(rule_id="PROJ-SETTLE-NOTICE")
    assert (notice_rule.n, notice_rule.unit) == (30, "CD")
    assert "第二十七条" in notice_rule.citation and "人社部发〔2021〕65号" in notice_rule.citation
    keep = DeadlineRule.objects.get(rule_id="PROJ-ROSTER-KEEP")
    assert (keep.n, keep.unit) == (3, "YEAR") and "第二十八条" in keep.citation


# --- 1. completion -----------------------------------------------------------------------------------------------

def test_the_contractor_records_the_completion(gc, project, today):
    today(dt.date(2026, 3, 1))
    ss.project_complete(user=gc, project=project, completed_on="2026-02-27")
    project.refresh_from_db()
    assert project.state == Project.State.COMPLETED and project.completed_on == COMPLETED
    assert last_user(project) == gc
    with pytest.raises(Conflict):
        ss.project_complete(user=gc, project=project, completed_on=COMPLETED)


def test_completion_date_not_in_the_future_nor_before_the_contract(gc, project, today):
    today(dt.date(2026, 3, 1))
    with pytest.raises(DomainError) as e:
        ss.project_complete(user=gc, project=project, completed_on=dt.date(2026, 3, 2))
    assert "completed_on" in e.value.errors
    with pytest.raises(DomainError) as e:
        ss.project_complete(user=gc, project=project, completed_on=dt.date(2025, 6, 1))  # the day before signing
    assert "completed_on" in e.value.errors
    ss.project_complete(user=gc, project=project, completed_on=dt.date(2026, 3, 1))  # today itself: allowed
    project.refresh_from_db()
    assert project.completed_on == dt.date(2026, 3, 1)


def test_completion_on_the_contract_date_is_allowed(gc, project):
    ss.project_complete(user=gc, project=project, completed_on=project.contract_signed_on)
    assert Project.objects.get(pk=project.pk).state == "completed"


def test_an_inspector_with_reach_may_record_completion_others_may_not(gc, project, staff):
    other = gc_user("gc_other")
    make_project(other, name="别人的项目", gc_uscc=OTHER_GC_USCC)
    for user in (other, staff["shigatse"], staff["auditor"], staff["intake"]):
        with pytest.raises(NotAllowed):
            ss.project_complete(user=user, project=project, completed_on=COMPLETED)
    ss.project_complete(user=staff["inspector"], project=project, completed_on=COMPLETED)
    project.refresh_from_db()
    assert project.state == "completed" and last_user(project) == staff["inspector"]


def test_findings_ask_no_payroll_after_the_completion_month(gc, project):
    roster(gc, project, n=2, entered=dt.date(2025, 6, 1))
    payroll_import(project=project, user=gc, file_name="p.csv",
                   data=payroll_csv([("2025-06", i, 22, "6000", "0", "6000") for i in range(2)]))
    on = dt.date(2025, 12, 15)
    before = sorted(f.evidence["month"] for f in project_findings(project, on=on) if f.code == "month_without_payroll")
    assert before == ["2025-07", "2025-08", "2025-09", "2025-10"]
    ss.project_complete(user=gc, project=project, completed_on=dt.date(2025, 7, 15))
    after = sorted(f.evidence["month"] for f in project_findings(project, on=on) if f.code == "month_without_payroll")
    assert after == ["2025-07"]  # the completion month is still owed, later months are not


# --- 2. the notice and its period --------------------------------------------------------------------------------

def test_the_notice_period_is_computed_by_the_legal_clock(gc, project, today):
    n = to_notice(gc, project, today)
    assert (n.posted_on, n.ends_on) == (POSTED, ENDS)
    assert last_user(n) == gc and n.photo and n.commitment
    # posted again on 5 March: + 30 days = Saturday 4 April, in the Qingming holiday (4-6 April 2026): rolled to 7 April
    today(dt.date(2026, 3, 5))
    n = notice(gc, project, posted=dt.date(2026, 3, 5))
    assert n.ends_on == dt.date(2026, 4, 7) == compute_due(dt.date(2026, 3, 5), 30, "CD", "540102").due
    assert ss.notice_days_left(n, dt.date(2026, 4, 7)) == 0 and ss.notice_days_left(n, dt.date(2026, 4, 8)) is None


def test_the_notice_is_refused_before_completion_and_before_the_completion_date(gc, project, today):
    today(POSTED)
    with pytest.raises(DomainError) as e:
        notice(gc, project)
    assert "完工" in e.value.message  # "Record the project's completion before …"
    ss.project_complete(user=gc, project=project, completed_on=COMPLETED)
    with pytest.raises(DomainError) as e:
        notice(gc, project, posted=COMPLETED - dt.timedelta(days=1))
    assert "posted_on" in e.value.errors
    with pytest.raises(DomainError) as e:
        notice(gc, project, posted=POSTED + dt.timedelta(days=1))  # future
    assert "posted_on" in e.value.errors


def test_the_notice_files_are_checked_by_content(gc, project, today):
    today(POSTED)
    ss.project_complete(user=gc, project=project, completed_on=COMPLETED)
    with pytest.raises(DomainError) as e:
        notice(gc, project, photo=Upload(PDF, "photo.jpg"))  # a PDF named .jpg is not a photo
    assert "photo" in e.value.errors
    with pytest.raises(DomainError) as e:
        notice(gc, project, commitment=Upload("我承诺".encode(), "commitment.pdf"))
    assert "commitment" in e.value.errors
    with pytest.raises(DomainError) as e:
        ss.settlement_notice_post(user=gc, project=project, posted_on=POSTED, photo=Upload(png_bytes()),
                                  commitment=None)
    assert "commitment" in e.value.errors
    n = notice(gc, project, commitment=Upload(png_bytes(), "commitment.png"))  # a photo of the signed paper is fine
    assert n.ends_on == ENDS


def test_only_the_contractor_posts_the_notice(gc, project, staff, today):
    today(POSTED)
    ss.project_complete(user=gc, project=project, completed_on=COMPLETED)
    with pytest.raises(NotAllowed):
        notice(staff["inspector"], project)


# --- objections --------------------------------------------------------------------------------------------------

def test_objections_are_recorded_by_inspectors_and_must_be_resolved(gc, project, staff, today):
    to_notice(gc, project, today)
    with pytest.raises(NotAllowed):
        ss.objection_record(user=gc, project=project, received_on=POSTED, text="工人称未结清")
    with pytest.raises(NotAllowed):
        ss.objection_record(user=staff["shigatse"], project=project, received_on=POSTED, text="工人称未结清")
    with pytest.raises(DomainError) as e:
        ss.objection_record(user=staff["inspector"], project=project, received_on=POSTED - dt.timedelta(days=1),
                            text="工人称未结清")
    assert "received_on" in e.value.errors
    today(dt.date(2026, 3, 10))
    o = ss.objection_record(user=staff["inspector"], project=project, received_on=dt.date(2026, 3, 10),
                            text="钢筋班组工人称12月工资3000元未付")
    assert o.is_open and last_user(o) == staff["inspector"]
    today(ENDS + dt.timedelta(days=1))
    with pytest.raises(DomainError) as e:
        ss.project_settle(user=gc, project=project)
    assert "异议" in e.value.message  # an unresolved objection
    with pytest.raises(DomainError) as e:
        ss.objection_resolve(user=staff["inspector_b"], objection=o, resolution="paid", note="")
    assert "note" in e.value.errors
    ss.objection_resolve(user=staff["inspector_b"], objection=o, resolution="paid", note="已补发，银行流水附卷")
    o.refresh_from_db()
    assert o.resolution == "paid" and o.resolved_by == staff["inspector_b"] and last_user(o) == staff["inspector_b"]
    with pytest.raises(Conflict):
        ss.objection_resolve(user=staff["inspector"], objection=o, resolution="unfounded", note="x")
    assert ss.project_settle(user=gc, project=project).state == "settled"


def test_a_resolution_without_date_and_note_is_refused_by_the_database(gc, project, staff, today):
    to_notice(gc, project, today)
    o = ss.objection_record(user=staff["inspector"], project=project, received_on=POSTED, text="称未付")
    o.resolution = "paid"  # no date, no note
    with pytest.raises(IntegrityError), transaction.atomic():
        o.save()


def test_objection_text_is_masked_on_the_list(gc, project, staff, today):
    to_notice(gc, project, today)
    ss.objection_record(user=staff["inspector"], project=project, received_on=POSTED,
                        text="扎西 540102199001011233 电话13812345678 称未付")
    panel = ss.settlement_panel(gc, project, on=POSTED)
    text = panel["objections"][0]["text"]
    assert "540102199001011233" not in text and "13812345678" not in text
    assert "540102********1233" in text and "138****5678" in text
    page = login(gc).get(f"/projects/{project.pk}/").content.decode()
    assert "540102199001011233" not in page and "13812345678" not in page
    api = login(gc).get(f"/api/v1/projects/{project.pk}/objections/").content.decode()
    assert "540102199001011233" not in api and "13812345678" not in api


# --- 3. settlement -----------------------------------------------------------------------------------------------

def test_settlement_refused_on_the_last_day_allowed_the_next(gc, project, today):
    to_notice(gc, project, today)
    today(ENDS)
    with pytest.raises(DomainError) as e:
        ss.project_settle(user=gc, project=project)
    msg = e.value.message
    assert "2026-04-01" in msg and "2026-04-02" in msg
    assert "《保障农民工工资支付条例》（国务院令第724号）第二十七条" in msg and "[C]" not in msg
    assert Project.objects.get(pk=project.pk).state == "completed"
    today(ENDS + dt.timedelta(days=1))
    p = ss.project_settle(user=gc, project=project)
    p.refresh_from_db()
    assert p.state == "settled" and p.settled_on == dt.date(2026, 4, 2) and last_user(p) == gc
    with pytest.raises(Conflict):
        ss.project_settle(user=gc, project=project)


def test_settlement_needs_completion_and_a_notice(gc, project, today):
    today(POSTED)
    with pytest.raises(DomainError):
        ss.project_settle(user=gc, project=project)
    ss.project_complete(user=gc, project=project, completed_on=COMPLETED)
    with pytest.raises(DomainError) as e:
        ss.project_settle(user=gc, project=project)
    assert "第二十七条" in e.value.message


def test_an_open_case_naming_the_project_blocks_settlement(gc, project, today):
    c = submit().complaint
    Complaint.objects.filter(pk=c.pk).update(project=project)
    to_notice(gc, project, today)
    today(ENDS + dt.timedelta(days=1))
    with pytest.raises(DomainError) as e:
        ss.project_settle(user=gc, project=project)
    assert c.case_number in e.value.message
    Complaint.objects.filter(pk=c.pk).update(state="CLOSED")
    assert ss.project_settle(user=gc, project=project).state == "settled"


def test_an_unnamed_case_with_the_project_name_in_the_prefecture_blocks_too(gc, project, today):
    c = submit().complaint
    Complaint.objects.filter(pk=c.pk).update(project=None, project_name=project.name)
    to_notice(gc, project, today)
    today(ENDS + dt.timedelta(days=1))
    assert any(c.case_number in b for b in ss.settlement_blockers(project))


def test_an_unperformed_order_on_the_project_blocks_settlement(gc, project, staff, today):
    from tests.arrears.test_remedies import unperformed_case

    c = unperformed_case(staff, project=project, employer_is_gc=True, deadline=dt.date(2026, 3, 1))
    Complaint.objects.filter(pk=c.pk).update(state="CLOSED")  # even a closed case: the money is still owed
    to_notice(gc, project, today)
    today(ENDS + dt.timedelta(days=1))
    with pytest.raises(DomainError) as e:
        ss.project_settle(user=gc, project=project)
    assert "尚未履行" in e.value.message and c.case_number in e.value.message


# --- 4. account closure ------------------------------------------------------------------------------------------

def test_the_account_is_closed_only_after_settlement(gc, project, today):
    to_notice(gc, project, today)
    with pytest.raises(DomainError) as e:
        ss.account_close(user=gc, project=project, closed_on=POSTED)
    assert "第二十七条" in e.value.message
    today(ENDS + dt.timedelta(days=1))
    ss.project_settle(user=gc, project=project)
    with pytest.raises(DomainError) as e:
        ss.account_close(user=gc, project=project, closed_on=ENDS)  # before the settlement date
    assert "closed_on" in e.value.errors
    a = ss.account_close(user=gc, project=project, closed_on=dt.date(2026, 4, 2))
    assert a.closed_on == dt.date(2026, 4, 2) and last_user(a) == gc
    assert project_public_view(project)["has_account"] is False
    with pytest.raises(Conflict):
        ss.account_close(user=gc, project=project, closed_on=dt.date(2026, 4, 2))
    with pytest.raises(DomainError):  # the account record is final now
        from arrears.services_projects import account_record
        account_record(project=project, user=gc, bank_name="x", account_number="6228480012345678",
                       opened_on=dt.date(2025, 6, 5))
    assert WageAccount.objects.get(project=project).closed_on == dt.date(2026, 4, 2)


# --- 5. guarantee refund -----------------------------------------------------------------------------------------

def test_the_refund_is_applied_for_after_settlement_and_approved_by_a_head(gc, project, staff, today):
    to_notice(gc, project, today)
    with pytest.raises(DomainError) as e:
        ss.guarantee_refund_apply(user=gc, project=project)
    assert "人社部发〔2021〕65号" in e.value.message
    today(ENDS + dt.timedelta(days=1))
    ss.project_settle(user=gc, project=project)
    balance = WageGuarantee.objects.get(project=project).balance
    assert balance > 0
    with pytest.raises(DomainError):  # nothing applied for yet
        ss.guarantee_refund_approve(user=staff["head"], project=project)
    with pytest.raises(NotAllowed):
        ss.guarantee_refund_apply(user=staff["head"], project=project)
    g = ss.guarantee_refund_apply(user=gc, project=project)
    assert g.refund_applied_on == dt.date(2026, 4, 2) and last_user(g) == gc
    with pytest.raises(Conflict):
        ss.guarantee_refund_apply(user=gc, project=project)
    for user in (staff["inspector"], staff["shigatse_head"], gc):
        with pytest.raises(NotAllowed):
            ss.guarantee_refund_approve(user=user, project=project)
    g = ss.guarantee_refund_approve(user=staff["head"], project=project)
    g.refresh_from_db()
    assert (g.state, g.refunded_amount, g.balance, g.refunded_on) == ("refunded", balance, Decimal("0.00"),
                                                                     dt.date(2026, 4, 2))
    assert g.refund_approved_by == staff["head"] and last_user(g) == staff["head"]
    assert project_public_view(project)["has_guarantee"] is False
    with pytest.raises(Conflict):  # a second head pressing after the first: one refund
        ss.guarantee_refund_approve(user=make_user("head2", "inspection_head", "540100"), project=project)
    with pytest.raises(DomainError):  # the guarantee record is final now
        guarantee_record(project=project, user=gc, form="cash", amount="1", deposited_on=dt.date(2025, 6, 5))


def test_the_approver_is_never_the_applicant(gc, project, staff, today):
    settled(gc, project, today)
    both = make_user("gc_and_head", "inspection_head", "540100")
    from django.contrib.auth.models import Group
    both.groups.add(Group.objects.get(name="general_contractor_user"))
    ProjectAccess.objects.create(project=project, user=both)
    ss.guarantee_refund_apply(user=both, project=project)
    with pytest.raises(NotAllowed) as e:
        ss.guarantee_refund_approve(user=both, project=project)
    assert "申请人以外" in e.value.message
    g = WageGuarantee.objects.get(project=project)
    g.refund_approved_by = both  # the database refuses it as well
    with pytest.raises(IntegrityError), transaction.atomic():
        g.save()


def test_a_pending_draw_blocks_the_refund(gc, project, staff, today):
    from arrears import services_remedies as rem
    from tests.arrears.test_remedies import unperformed_case

    settled(gc, project, today)
    c = unperformed_case(staff, project=project, employer_is_gc=True)  # a case after settlement
    draw = rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c, amount="1000")
    with pytest.raises(DomainError) as e:
        ss.guarantee_refund_apply(user=gc, project=project)
    assert draw.notice_no in e.value.message


def test_an_exempt_guarantee_has_nothing_to_refund(gc, today):
    p = make_project(gc, contract_value="2000000")
    guarantee_exemption_claim(project=p, user=gc)
    settled(gc, p, today)
    with pytest.raises(DomainError) as e:
        ss.guarantee_refund_apply(user=gc, project=p)
    assert "免缴" in e.value.message and "无可退还" in e.value.message


# Row locks between two connections exist on PostgreSQL (SQLite serialises writers; the lock + state check is tested
# above on every database): the test exists only where the behaviour does, so it is never reported as skipped.
if connection.vendor == "postgresql":
    @pytest.mark.django_db(transaction=True)
    def test_two_heads_approving_at_once_make_one_refund(staff):
        gc = gc_user()
        p = make_project(gc)
        compliant(gc, p)
        day = dt.date(2026, 4, 2)
        orig = ss._today
        ss._today = lambda: POSTED
        try:
            ss.project_complete(user=gc, project=p, completed_on=COMPLETED)
            notice(gc, p)
            ss._today = lambda: day
            ss.project_settle(user=gc, project=p)
            ss.guarantee_refund_apply(user=gc, project=p)
            head2 = make_user("head_lhasa_2", "inspection_head", "540100")
            barrier = threading.Barrier(2)
            results = []

            def press(user):
                try:
                    barrier.wait(timeout=10)
                    ss.guarantee_refund_approve(user=user, project=Project.objects.get(pk=p.pk))
                    results.append("ok")
                except DomainError:
                    results.append("refused")
                finally:
                    connection.close()

            threads = [threading.Thread(target=press, args=(u,)) for u in (staff["head"], head2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        finally:
            ss._today = orig
        assert sorted(results) == ["ok", "refused"], results
        g = WageGuarantee.objects.get(project=p)
        assert g.state == "refunded" and g.history.filter(state="refunded").count() == 1


# --- 6. roster retention -----------------------------------------------------------------------------------------

def test_the_roster_is_kept_until_settlement_plus_three_years(gc, project, today):
    assert ss.roster_keep_until(project) is None
    assert "3" in ss.roster_keep_text(project)
    page = login(gc).get(f"/projects/{project.pk}/").content.decode()
    assert ss.roster_keep_text(project) in page
    settled(gc, project, today)
    project.refresh_from_db()
    assert ss.roster_keep_until(project) == dt.date(2029, 4, 2)
    assert "2029-04-02" in login(gc).get(f"/projects/{project.pk}/").content.decode()


# --- 7. guarantee exemption page ---------------------------------------------------------------------------------

def test_the_exemption_form_shows_eligibility_and_records_the_claim(gc):
    small = make_project(gc, name="小项目", contract_value="2000000")
    c = login(gc)
    page = c.get(f"/projects/{small.pk}/").content.decode()
    assert 'data-step="exemption"' in page
    r = c.post(f"/projects/{small.pk}/settlement/exemption/", {"reason": "合同额低于300万元"})
    assert r.status_code == 302
    g = WageGuarantee.objects.get(project=small)
    assert g.state == "exempt" and g.exemption_reason == "合同额低于300万元" and last_user(g) == gc


def test_an_ineligible_project_is_told_why_and_refused(gc, project):
    c = login(gc)
    page = c.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-step="exemption"' not in page and "3,000,000" in page
    r = c.post(f"/projects/{project.pk}/settlement/exemption/", {"reason": "x"})
    assert r.status_code == 400
    assert WageGuarantee.objects.get(project=project).state == "held"


# --- 8. pages ----------------------------------------------------------------------------------------------------

def steps_on(page: str) -> set[str]:
    import re

    return set(re.findall(r'data-step="([a-z-]+)"', page))


def test_pages_offer_each_role_only_the_steps_it_may_take_now(gc, project, staff, today):
    contractor, inspector, head, auditor = login(gc), login(staff["inspector"]), login(staff["head"]), \
        login(staff["auditor"])
    mine, theirs = f"/projects/{project.pk}/", f"/staff/projects/{project.pk}/"
    today(POSTED)
    assert steps_on(contractor.get(mine).content.decode()) == {"complete"}
    assert steps_on(inspector.get(theirs).content.decode()) == {"complete"}
    r = auditor.get(theirs)
    assert r.status_code == 200 and steps_on(r.content.decode()) == set()
    r = contractor.post(f"/projects/{project.pk}/settlement/complete/", {"completed_on": "2026-02-27"})
    assert r.status_code == 302
    assert steps_on(contractor.get(mine).content.decode()) == {"notice"}
    assert steps_on(inspector.get(theirs).content.decode()) == set()  # no notice yet: nothing to object to
    r = contractor.post(f"/projects/{project.pk}/settlement/notice/", {
        "posted_on": "2026-03-02", "photo": Upload(png_bytes()), "commitment": Upload(PDF, "c.pdf")})
    assert r.status_code == 302
    page = contractor.get(mine).content.decode()
    assert steps_on(page) == {"notice"} and "2026" in page and "30" in page
    assert steps_on(inspector.get(theirs).content.decode()) == {"objection"}
    r = inspector.post(f"/staff/projects/{project.pk}/settlement/objection/",
                       {"received_on": "2026-03-02", "text": "称未付工资"})
    assert r.status_code == 302
    o = SettlementObjection.objects.get()
    assert steps_on(inspector.get(theirs).content.decode()) == {"objection", "resolve"}
    assert "resolve" not in steps_on(contractor.get(mine).content.decode())
    r = inspector.post(f"/staff/projects/{project.pk}/settlement/objections/{o.pk}/resolve/",
                       {"resolution": "unfounded", "note": "经核查已结清"})
    assert r.status_code == 302 and SettlementObjection.objects.get().resolution == "unfounded"
    today(ENDS)  # the last day of the period: no settle button, the reason shown
    page = contractor.get(mine).content.decode()
    assert "settle" not in steps_on(page) and "settlement-blockers" in page
    r = contractor.post(f"/projects/{project.pk}/settlement/settle/")
    assert r.status_code == 400 and "第二十七条" in r.content.decode()
    today(ENDS + dt.timedelta(days=1))
    assert "settle" in steps_on(contractor.get(mine).content.decode())
    assert "settle" in steps_on(inspector.get(theirs).content.decode())
    assert contractor.post(f"/projects/{project.pk}/settlement/settle/").status_code == 302
    assert steps_on(contractor.get(mine).content.decode()) == {"close-account", "refund-apply"}
    assert steps_on(head.get(theirs).content.decode()) == set()
    assert contractor.post(f"/projects/{project.pk}/settlement/refund-apply/").status_code == 302
    assert steps_on(head.get(theirs).content.decode()) == {"refund-approve"}
    assert steps_on(inspector.get(theirs).content.decode()) == set()  # an inspector is not a head
    r = inspector.post(f"/staff/projects/{project.pk}/settlement/refund-approve/")
    assert r.status_code == 403
    assert head.post(f"/staff/projects/{project.pk}/settlement/refund-approve/").status_code == 302
    assert WageGuarantee.objects.get(project=project).state == "refunded"
    r = contractor.post(f"/projects/{project.pk}/settlement/close-account/", {"closed_on": "2026-04-02"})
    assert r.status_code == 302
    assert steps_on(contractor.get(mine).content.decode()) == set()


def test_another_contractor_and_other_regions_get_404(gc, project, staff):
    other = login(gc_user("gc_other"))
    assert other.get(f"/projects/{project.pk}/").status_code == 404
    assert other.post(f"/projects/{project.pk}/settlement/complete/", {"completed_on": "2026-02-27"}).status_code \
        == 404
    assert login(staff["shigatse"]).get(f"/staff/projects/{project.pk}/").status_code == 404
    assert login(staff["shigatse"]).post(f"/staff/projects/{project.pk}/settlement/complete/",
                                         {"completed_on": "2026-02-27"}).status_code == 404
    assert login(gc).get(f"/staff/projects/{project.pk}/").status_code == 404
    assert login(gc).get(f"/projects/{project.pk}/settlement/objection/").status_code == 404  # not its step
    assert Project.objects.get(pk=project.pk).state == "active"


# --- API ---------------------------------------------------------------------------------------------------------

def test_the_api_steps(gc, project, staff, today):
    api, insp = login(gc), login(staff["inspector"])
    base = f"/api/v1/projects/{project.pk}"
    today(POSTED)
    r = api.post(f"{base}/complete/", {"completed_on": "2026-02-27"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "completed"
    r = insp.post(f"{base}/settlement-notice/", {"posted_on": "2026-03-02", "photo": Upload(png_bytes()),
                                                 "commitment": Upload(PDF, "c.pdf")})
    assert r.status_code == 403
    r = api.post(f"{base}/settlement-notice/", {"posted_on": "2026-03-02", "photo": Upload(png_bytes()),
                                                "commitment": Upload(PDF, "c.pdf")})
    assert r.status_code == 200
    body = r.json()
    assert body["notice"]["ends_on"] == "2026-04-01" and body["notice"]["rule"]["n"] == 30
    assert body["notice"]["days_left"] == 30 and "post_notice" in body["actions"]
    r = insp.post(f"{base}/objections/", {"received_on": "2026-03-02", "text": "称未付"},
                  content_type="application/json")
    assert r.status_code == 201
    oid = r.json()["id"]
    r = insp.post(f"{base}/objections/{oid}/resolve/", {"resolution": "paid", "note": "已付"},
                  content_type="application/json")
    assert r.status_code == 200 and r.json()["resolution"] == "paid"
    today(ENDS)
    r = api.post(f"{base}/settle/", {}, content_type="application/json")
    assert r.status_code == 400 and "第二十七条" in r.content.decode()
    today(ENDS + dt.timedelta(days=1))
    r = api.post(f"{base}/settle/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["settled_on"] == "2026-04-02"
    assert r.json()["roster_keep_until"] == "2029-04-02"
    r = api.post(f"{base}/account/close/", {"closed_on": "2026-04-02"}, content_type="application/json")
    assert r.status_code == 200
    assert api.post(f"{base}/guarantee/refund/", {}, content_type="application/json").status_code == 200
    r = login(staff["head"]).post(f"{base}/guarantee/refund/approve/", {}, content_type="application/json")
    assert r.status_code == 200
    detail = api.get(f"{base}/").json()
    assert detail["guarantee"]["state"] == "refunded" and detail["account"]["closed_on"] == "2026-04-02"
    assert detail["settlement"]["state"] == "settled"
    other = login(gc_user("gc_other"))
    assert other.get(f"{base}/").status_code == 404
    assert other.post(f"{base}/settle/", {}, content_type="application/json").status_code == 404


def test_the_api_exemption_status(gc, project):
    r = login(gc).get(f"/api/v1/projects/{project.pk}/guarantee/exemption/")
    assert r.status_code == 200 and r.json()["eligible"] is False and r.json()["why_not"]
    r = login(gc).post(f"/api/v1/projects/{project.pk}/guarantee/exemption/", {}, content_type="application/json")
    assert r.status_code == 400


def test_the_worker_tracking_page_tells_of_the_notice_and_the_settlement(gc, project, today):
    """A worker tracking a complaint on the project sees, in Chinese and Tibetan, that the settlement notice is
    running (and that the complaint keeps the project from being settled), then that the wages were declared
    settled — never who posted it or any amount."""
    import re as _re

    from django.utils import timezone

    real = today(timezone.localdate())
    ss.project_complete(user=gc, project=project, completed_on=real - dt.timedelta(days=10))
    n = notice(gc, project, posted=real - dt.timedelta(days=5))
    r = submit(project_name=project.name, region_code="540102")
    c = Client()
    body = c.post("/track/", {"case_number": r.complaint.case_number, "access_code": r.access_code},
                  follow=True).content.decode()
    section = body.split('id="project-safeguards"')[1].split("</section>")[0]
    assert "异议期至" in section and f"{n.ends_on.year}年{n.ends_on.month}月{n.ends_on.day}日" in section
    bo = c.get("/track/result/", {"lang": "bo"}).content.decode().split('id="project-safeguards"')[1]
    bo = bo.split("</section>")[0]
    assert "ཡོངས་རྫོགས་སྤྲད་ཟིན་པའི་གསལ་བསྒྲགས" in bo and "The general contractor" not in bo
    assert not _re.search(r"\d{17}[\dX]|1[3-9]\d{9}", section + bo)
    # the open complaint is exactly what keeps the project from being settled
    today(n.ends_on + dt.timedelta(days=1))
    with pytest.raises(DomainError):
        ss.project_settle(user=gc, project=project)
    r.complaint.state = "CLOSED"  # test setup: the case was resolved (the inspection track is tested elsewhere)
    r.complaint.save()
    ss.project_settle(user=gc, project=project)
    body = c.get("/track/result/", {"lang": "zh-hans"}).content.decode()
    assert "公示办结工资结清" in body and "异议期至" not in body
