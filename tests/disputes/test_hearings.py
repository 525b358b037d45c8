"""Hearings (LDMAL 26, 35, 40-42; Rules 38-39, 42, 59): the notice period counted on the real calendar, postponement,
the record with its corrections and signatures, the outcomes (heard, adjourned, deemed withdrawn, withdrawn,
settled) and the mediation document signed for by both parties."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from casework.errors import Conflict, DomainError, NotAllowed
from casework.models import Deadline
from casework.services.deadlines import deadlines_for
from disputes.models import (DisputeEvent, DisputeState as S, Hearing, HearingCorrection, HearingSignature,
                             MediationDocument)
from disputes.services import arbitration as arb

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def real_pdf():
    """Requested by a test that makes the real PDFs (see ``_html_only_documents``)."""
    return True


@pytest.fixture(autouse=True)
def _html_only_documents(request, monkeypatch):
    """The documents these acts issue are still rendered from their templates with the context the services pass
    (a wrong key or value still fails here) and stored as CaseDocument rows, but not turned into PDF: WeasyPrint
    costs about 0.3-1 s a document, and the PDFs themselves are tested in test_documents.py. A test that asks for
    ``real_pdf`` gets the real renderer."""
    if "real_pdf" not in request.fixturenames:
        monkeypatch.setattr("disputes.documents.render_pdf",
                            lambda html, **kw: b"%PDF-1.4\n% html only: " + str(len(html)).encode())


def at(day: dt.date, hour=9, minute=30) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def ready(make_case, dstaff, on=D(2025, 6, 13), procedure="ordinary", **fields):
    """An accepted case with its tribunal, ready for a hearing."""
    case = make_case(received_at=on - dt.timedelta(days=4), **fields)
    arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=on)
    if procedure == "simple":
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="simple", sole=dstaff["arb1"], on=on)
    else:
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="ordinary", presiding=dstaff["arb1"],
                          members=[dstaff["arb2"], dstaff["arb3"]], on=on)
    case.refresh_from_db()
    return case


def scheduled(case, dstaff, day=D(2025, 6, 24), sent=D(2025, 6, 16), method="written", **kw):
    h = arb.hearing_schedule(case=case, user=dstaff["clerk"], starts_at=at(day), place="仲裁院第一仲裁庭",
                             notice_sent_on=sent, notice_method=method, **kw)
    case.refresh_from_db()
    return h


def record(case, dstaff, hearing, outcome="heard", **kw):
    base = dict(case=case, user=dstaff["clerk"], hearing_id=hearing.pk, outcome=outcome,
                record_text="仲裁员：现在开庭。申请人陈述仲裁请求……", applicant_present=True, respondent_present=True,
                mediation_attempted=True)
    base.update(kw)
    h = arb.hearing_record(**base)
    case.refresh_from_db()
    return h


def party(case, side):
    return case.parties.get(side=side)


# --- the notice period (LDMAL 35; Rules 38, 80) -------------------------------------------------------------------

def test_a_hearing_on_the_fifth_working_day_is_refused_and_the_next_day_accepted(make_case, dstaff):
    case = ready(make_case, dstaff)
    # notice Mon 2025-06-16: the 5th working day after it is Mon 06-23; five whole working days lie between the
    # notice and a hearing on Tue 06-24 at the earliest
    assert arb.earliest_hearing_date(D(2025, 6, 16), "540100") == D(2025, 6, 24)
    with pytest.raises(DomainError) as e:
        scheduled(case, dstaff, day=D(2025, 6, 23))
    assert "starts_at" in e.value.errors and "第三十五条" in e.value.message and "2025-06-24" in e.value.message
    assert not Hearing.objects.exists() and case.state == S.ARB_ACCEPTED
    h = scheduled(case, dstaff, day=D(2025, 6, 24))
    assert case.state == S.ARB_HEARING_SCHEDULED
    assert (h.status, h.public, h.notice_method, h.notice_confirmed, h.scheduled_by) == (
        "scheduled", True, "written", True, dstaff["clerk"])
    assert case.documents.filter(kind="hearing_notice").count() == 1
    assert DisputeEvent.objects.get(case=case, code="hearing_scheduled").public


def test_the_notice_period_runs_over_the_national_day_holiday(make_case, dstaff):
    case = ready(make_case, dstaff, on=D(2025, 9, 22))
    # notice Fri 2025-09-26: Sun 28 (worked), 29, 30, Oct 9, Oct 10 -> the hearing can be on Sat 10-11 (worked)
    with pytest.raises(DomainError):
        scheduled(case, dstaff, day=D(2025, 10, 10), sent=D(2025, 9, 26))
    assert scheduled(case, dstaff, day=D(2025, 10, 11), sent=D(2025, 9, 26)).starts_at == at(D(2025, 10, 11))


def test_the_notice_period_in_lhasa_runs_over_losar_2026(make_case, dstaff):
    case = ready(make_case, dstaff, on=D(2026, 2, 10))
    # notice Fri 2026-02-13 in Lhasa: Sat 14, Fri 27, Sat 28, Mon 2 Mar, Tue 3 Mar -> earliest Wed 2026-03-04
    assert arb.earliest_hearing_date(D(2026, 2, 13), "540100") == D(2026, 3, 4)
    assert arb.earliest_hearing_date(D(2026, 2, 13), "540200") == D(2026, 2, 28)  # national layer only
    with pytest.raises(DomainError):
        scheduled(case, dstaff, day=D(2026, 3, 3), sent=D(2026, 2, 13))
    scheduled(case, dstaff, day=D(2026, 3, 4), sent=D(2026, 2, 13))


def test_a_hearing_needs_a_tribunal_and_a_clerk(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=D(2025, 6, 13))
    with pytest.raises(DomainError) as e:
        scheduled(case, dstaff)
    assert "第三十一条" in e.value.message
    case = ready(make_case, dstaff)
    with pytest.raises(NotAllowed):
        arb.hearing_schedule(case=case, user=dstaff["chair"], starts_at=at(D(2025, 6, 24)), place="第一仲裁庭",
                             notice_sent_on=D(2025, 6, 16), notice_method="written")
    with pytest.raises(NotAllowed):
        arb.hearing_schedule(case=case, user=dstaff["clerk_shigatse"], starts_at=at(D(2025, 6, 24)),
                             place="第一仲裁庭", notice_sent_on=D(2025, 6, 16), notice_method="written")


def test_sms_notice_only_in_the_simple_procedure(make_case, dstaff):
    ordinary = ready(make_case, dstaff)
    with pytest.raises(DomainError) as e:
        scheduled(ordinary, dstaff, method="sms")
    assert "notice_method" in e.value.errors and "第五十九条" in e.value.message
    simple = ready(make_case, dstaff, procedure="simple")
    h = scheduled(simple, dstaff, method="sms")
    assert h.notice_method == "sms" and not h.notice_confirmed


def test_hearings_are_public_unless_a_non_public_hearing_was_requested(make_case, dstaff):
    case = ready(make_case, dstaff)
    with pytest.raises(DomainError) as e:
        scheduled(case, dstaff, public=False)
    assert "public" in e.value.errors and "第二十六条" in e.value.message
    private = ready(make_case, dstaff, hearing_private_requested=True)
    assert scheduled(private, dstaff, public=False).public is False


# --- postponement (LDMAL 35) --------------------------------------------------------------------------------------

def test_a_request_three_whole_working_days_before_is_in_time_and_may_be_refused(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff, day=D(2025, 7, 1))
    # requested Wed 06-25: 3 WD -> Mon 06-30, the hearing Tue 07-01 is after it: in time
    arb.postponement_request(case=case, user=dstaff["clerk"], hearing_id=h.pk, requested_on=D(2025, 6, 25),
                             granted=False, reason="理由不充分")
    h.refresh_from_db()
    case.refresh_from_db()
    assert (h.status, h.postponement_late, h.postponement_requested_on) == ("scheduled", False, D(2025, 6, 25))
    assert case.state == S.ARB_HEARING_SCHEDULED
    assert DisputeEvent.objects.get(case=case, code="postponement_refused").public


def test_a_late_request_is_flagged_and_still_granted_then_the_hearing_is_scheduled_again(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff, day=D(2025, 7, 1))
    # requested Thu 06-26: 3 WD -> Tue 07-01, the hearing day itself: late
    arb.postponement_request(case=case, user=dstaff["clerk"], hearing_id=h.pk, requested_on=D(2025, 6, 26),
                             granted=True, reason="申请人住院")
    h.refresh_from_db()
    case.refresh_from_db()
    assert (h.status, h.postponement_late) == ("postponed", True)
    assert case.state == S.ARB_ACCEPTED  # the flow's schedule step comes back
    again = scheduled(case, dstaff, day=D(2025, 7, 8), sent=D(2025, 6, 30))
    assert again.status == "scheduled" and case.state == S.ARB_HEARING_SCHEDULED


def test_a_granted_postponement_with_a_new_date_applies_the_notice_rule_again(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff, day=D(2025, 7, 1))
    with pytest.raises(DomainError) as e:  # notice Wed 06-25: earliest Thu 07-03
        arb.postponement_request(case=case, user=dstaff["clerk"], hearing_id=h.pk, requested_on=D(2025, 6, 25),
                                 granted=True, new_starts_at=at(D(2025, 7, 2)), notice_sent_on=D(2025, 6, 25))
    assert "2025-07-03" in e.value.message
    h.refresh_from_db()
    assert h.status == "scheduled" and h.postponement_requested_on is None and case.hearings.count() == 1
    arb.postponement_request(case=case, user=dstaff["clerk"], hearing_id=h.pk, requested_on=D(2025, 6, 25),
                             granted=True, new_starts_at=at(D(2025, 7, 3), 14, 0), notice_sent_on=D(2025, 6, 25))
    case.refresh_from_db()
    h.refresh_from_db()
    new = case.hearings.get(status="scheduled")
    assert h.status == "postponed" and new.starts_at == at(D(2025, 7, 3), 14, 0) and new.place == h.place
    assert case.state == S.ARB_HEARING_SCHEDULED
    assert case.documents.filter(kind="hearing_notice").count() == 2


# --- the record (LDMAL 40; Rules 42) --------------------------------------------------------------------------------

def test_the_record_keeps_refused_corrections_and_refusals_to_sign(make_case, dstaff, real_pdf):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    app, resp = party(case, "applicant"), party(case, "respondent")
    record(case, dstaff, h, corrections=[
        {"party_id": app.pk, "request_text": "第3页“五月”应为“六月”", "granted": True},
        {"party_id": resp.pk, "request_text": "删去关于加班的陈述", "granted": False,
         "reason": "该陈述系当庭所作，记录无误"},
    ], signatures=[
        {"who": "arbitrator", "name": "arb1", "signed": True},
        {"who": "clerk", "name": "clerk", "signed": True},
        {"who": "party", "name": "次仁", "party_id": app.pk, "signed": True},
        {"who": "party", "name": "被申请人代理人", "party_id": resp.pk, "signed": False,
         "refusal_note": "代理人拒绝在笔录上签字"},
    ], deliberation_notes="合议：支持工资请求。")
    h.refresh_from_db()
    assert h.status == "held" and case.state == S.ARB_HEARD
    assert h.applicant_present and h.respondent_present and h.mediation_attempted
    corrections = list(HearingCorrection.objects.filter(hearing=h).order_by("id"))
    assert [(c.granted, c.reason) for c in corrections] == [(True, ""), (False, "该陈述系当庭所作，记录无误")]
    assert all(c.recorded_by == dstaff["clerk"] for c in corrections)
    refused = HearingSignature.objects.get(hearing=h, signed=False)
    assert refused.refusal_note == "代理人拒绝在笔录上签字" and refused.party == resp
    assert case.documents.get(kind="hearing_record").audience == "main"
    assert case.documents.get(kind="internal_note").audience == "internal"
    ev = DisputeEvent.objects.get(case=case, code="hearing_held")
    assert ev.detail["outcome"] == "heard" and ev.detail["corrections"] == 2 and ev.detail["refused_signatures"] == 1


def test_a_refused_correction_needs_its_reason_and_nothing_is_saved_without_it(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    with pytest.raises(DomainError) as e:
        record(case, dstaff, h, corrections=[
            {"party_id": party(case, "applicant").pk, "request_text": "更正金额", "granted": True},
            {"party_id": party(case, "respondent").pk, "request_text": "删去陈述", "granted": False}])
    assert "第四十二条" in e.value.message and "corrections" in e.value.errors
    h.refresh_from_db()
    assert h.status == "scheduled" and not h.record_text and not HearingCorrection.objects.exists()
    assert case.state == S.ARB_HEARING_SCHEDULED and not case.documents.filter(kind="hearing_record").exists()


def test_a_refusal_to_sign_needs_a_note_and_the_record_its_text(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    with pytest.raises(DomainError) as e:
        record(case, dstaff, h, signatures=[{"who": "party", "name": "被申请人", "signed": False}])
    assert "signatures" in e.value.errors
    with pytest.raises(DomainError) as e:
        record(case, dstaff, h, record_text="  ")
    assert "record_text" in e.value.errors and "第四十条" in e.value.message
    with pytest.raises(DomainError):
        record(case, dstaff, h, outcome="closed")
    assert not HearingSignature.objects.exists() and Hearing.objects.get(pk=h.pk).status == "scheduled"


def test_no_record_while_a_recusal_is_pending(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    arb.recusal_request(case=case, user=dstaff["clerk"], member_id=case.tribunal.get(role="presiding").pk,
                        ground="interest", requested_on=D(2025, 6, 24))
    with pytest.raises(DomainError) as e:
        record(case, dstaff, h)
    assert "第十二条" in e.value.message


def test_a_hearing_is_recorded_once_it_has_been_held(make_case, dstaff):
    case = ready(make_case, dstaff)
    today = timezone.localdate()
    h = scheduled(case, dstaff, day=arb.earliest_hearing_date(today, "540100") + dt.timedelta(days=7), sent=today)
    with pytest.raises(DomainError):
        record(case, dstaff, h)
    assert Hearing.objects.get(pk=h.pk).status == "scheduled"


def test_an_adjourned_hearing_returns_to_scheduling(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    record(case, dstaff, h, outcome="adjourned", mediation_attempted=False)
    assert case.state == S.ARB_ACCEPTED and Hearing.objects.get(pk=h.pk).status == "held"
    second = scheduled(case, dstaff, day=D(2025, 7, 8), sent=D(2025, 6, 27))
    record(case, dstaff, second)
    assert case.state == S.ARB_HEARD and case.hearings.filter(status="held").count() == 2


# --- deemed withdrawal (Rules 39, 59) -----------------------------------------------------------------------------

def test_deemed_withdrawal_is_refused_after_an_unconfirmed_sms_notice(make_case, dstaff):
    case = ready(make_case, dstaff, procedure="simple")
    h = scheduled(case, dstaff, method="sms")
    with pytest.raises(DomainError) as e:
        record(case, dstaff, h, outcome="deemed_withdrawn", applicant_present=False)
    assert "第三十九条" in e.value.message and "第五十九条" in e.value.message
    case.refresh_from_db()
    assert case.state == S.ARB_HEARING_SCHEDULED and case.closed_at is None


def test_deemed_withdrawal_is_refused_after_an_unconfirmed_written_notice_or_when_present(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff, method="written_unconfirmed")
    with pytest.raises(DomainError):
        record(case, dstaff, h, outcome="deemed_withdrawn", applicant_present=False)
    other = ready(make_case, dstaff)
    h2 = scheduled(other, dstaff)
    with pytest.raises(DomainError) as e:
        record(other, dstaff, h2, outcome="deemed_withdrawn", applicant_present=True)
    assert "outcome" in e.value.errors


def test_deemed_withdrawal_after_a_confirmed_written_notice_closes_the_case(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    record(case, dstaff, h, outcome="deemed_withdrawn", applicant_present=False, mediation_attempted=False,
           record_text="申请人经书面通知，无正当理由拒不到庭。")
    assert case.state == S.ARB_DEEMED_WITHDRAWN and case.closure == "deemed_withdrawal"
    assert case.closed_at == D(2025, 6, 24) and case.retention_until == D(2030, 6, 24)
    assert not deadlines_for(case).filter(status__in=["OPEN", "EXTENDED", "PAUSED"]).exists()
    assert deadlines_for(case).get(rule_id="ARB-AWARD").status == Deadline.Status.WAIVED
    assert DisputeEvent.objects.get(case=case, code="deemed_withdrawn").public


def test_withdrawal_at_the_hearing(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    record(case, dstaff, h, outcome="withdrawn")
    assert case.state == S.ARB_WITHDRAWN and case.closure == "withdrawal" and case.closed_at == D(2025, 6, 24)


# --- settlement: the mediation document (LDMAL 42) -----------------------------------------------------------------

def test_a_mediation_document_takes_effect_when_both_have_signed_for_it(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    with pytest.raises(DomainError) as e:
        record(case, dstaff, h, outcome="settled")
    assert "mediation_text" in e.value.errors
    record(case, dstaff, h, outcome="settled", mediation_text="被申请人于2025年7月10日前支付工资5000元。",
           mediation_amount=Decimal("5000"))
    assert case.state == S.ARB_HEARD  # the award stays possible until both have signed
    md = MediationDocument.objects.get(case=case)
    assert md.amount == Decimal("5000.00") and md.made_on == D(2025, 6, 24) and md.document.kind == "mediation_document"
    assert md.doc_no == md.document.doc_no and md.issued_by == dstaff["clerk"]

    arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="applicant",
                                on=D(2025, 6, 25))
    md.refresh_from_db()
    case.refresh_from_db()
    assert md.signed_applicant_on == D(2025, 6, 25) and md.effective_on is None and case.state == S.ARB_HEARD
    with pytest.raises(Conflict):
        arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="applicant",
                                    on=D(2025, 6, 26))
    arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="respondent",
                                on=D(2025, 6, 27))
    md.refresh_from_db()
    case.refresh_from_db()
    assert md.effective_on == D(2025, 6, 27)
    assert case.state == S.ARB_SETTLED and case.closure == "mediation_doc" and case.closed_at == D(2025, 6, 27)
    assert case.retention_until == D(2030, 6, 27)
    codes = [e.code for e in DisputeEvent.objects.filter(case=case)]
    assert codes[-3:] == ["mediation_document_signed", "settled", "closed"]


def test_a_party_refusing_to_sign_means_the_tribunal_must_award(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    record(case, dstaff, h, outcome="settled", mediation_text="分期支付工资")
    md = MediationDocument.objects.get(case=case)
    arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="applicant",
                                on=D(2025, 6, 25))
    arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="respondent",
                                on=D(2025, 6, 26), refused=True)
    md.refresh_from_db()
    case.refresh_from_db()
    assert (md.refused_on, md.refused_side, md.effective_on) == (D(2025, 6, 26), "respondent", None)
    assert case.state == S.ARB_HEARD and case.closed_at is None
    with pytest.raises(DomainError) as e:
        arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="respondent",
                                    on=D(2025, 6, 27))
    assert "第四十二条" in e.value.message
    assert DisputeEvent.objects.get(case=case, code="mediation_document_refused").public


def test_signing_checks_the_document_the_side_and_the_date(make_case, dstaff):
    case = ready(make_case, dstaff)
    h = scheduled(case, dstaff)
    record(case, dstaff, h, outcome="settled", mediation_text="一次性支付")
    md = MediationDocument.objects.get(case=case)
    with pytest.raises(DomainError):
        arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="third",
                                    on=D(2025, 6, 25))
    with pytest.raises(DomainError):
        arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk + 999, side="applicant",
                                    on=D(2025, 6, 25))
    with pytest.raises(DomainError):  # before it was made
        arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="applicant",
                                    on=D(2025, 6, 23))
    with pytest.raises(NotAllowed):
        arb.mediation_document_sign(case=case, user=dstaff["arb1"], document_id=md.pk, side="applicant",
                                    on=D(2025, 6, 25))


# --- through the workflow -----------------------------------------------------------------------------------------

def test_settlement_through_the_flow_cancels_the_award_task_once_effective(make_case, dstaff, real_pdf):
    from viewflow.workflow.models import Process, Task

    from casework.workflow import task_complete
    from disputes.flows import ArbitrationFlow

    def human_task():
        return Task.objects.get(process_id=case.process_id, flow_task_type="HUMAN",
                                status__in=["NEW", "ASSIGNED", "STARTED"])

    case = make_case(received_at=D(2025, 6, 9))
    case.process = ArbitrationFlow.start.run()
    case.save()
    with freeze_time("2025-06-13 10:00:00"):
        task_complete(user=dstaff["clerk"], task_id=human_task().pk, data={"decision": "accept"})
        task_complete(user=dstaff["chair"], task_id=human_task().pk,
                      data={"procedure": "ordinary", "presiding": "arb1", "member_1": "arb2", "member_2": "arb3"})
    with freeze_time("2025-06-16 10:00:00"):
        task_complete(user=dstaff["clerk"], task_id=human_task().pk,
                      data={"starts_at": "2025-06-24T09:30", "place": "第一仲裁庭", "notice_sent_on": "2025-06-16",
                            "notice_method": "written", "public": "on"})
    case.refresh_from_db()
    assert case.state == S.ARB_HEARING_SCHEDULED and human_task().flow_task.name == "hold_hearing"
    with freeze_time("2025-06-24 16:00:00"):
        task_complete(user=dstaff["clerk"], task_id=human_task().pk,
                      data={"outcome": "settled", "record_text": "当庭调解达成协议", "applicant_present": "on",
                            "respondent_present": "on", "mediation_attempted": "on",
                            "mediation_text": "被申请人支付工资6000元", "mediation_amount": "6000"})
    case.refresh_from_db()
    assert case.state == S.ARB_HEARD and human_task().flow_task.name == "award"
    md = MediationDocument.objects.get(case=case)
    arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="applicant",
                                on=D(2025, 6, 25))
    arb.mediation_document_sign(case=case, user=dstaff["clerk"], document_id=md.pk, side="respondent",
                                on=D(2025, 6, 25))
    case.refresh_from_db()
    assert case.state == S.ARB_SETTLED
    assert Process.objects.get(pk=case.process_id).status == "CANCELED"
    assert not Task.objects.filter(process_id=case.process_id, status__in=["NEW", "ASSIGNED", "STARTED"]).exists()
