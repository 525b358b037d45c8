"""The arbitration procedure up to the hearing (spec §6.1-6.3, §2.2 rules 6-7): acceptance, service and defence,
the tribunal and recusal, the award period (extension, suspension, restarts), withdrawal, advance execution and
closing. Every deadline is checked on the real calendar loaded by the migrations (national 2025: 1-8 Oct off,
Sun 28 Sep and Sat 11 Oct worked; Lhasa 2026: 15-26 Feb off, Sat 14 and Sat 28 Feb worked)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from casework.errors import Conflict, DomainError, NotAllowed
from casework.models import Attachment, Deadline
from casework.services.deadlines import deadline_sweep, deadlines_for
from disputes.models import (AdvanceExecution, AwardExtension, CaseDocument, ClockRestart, DisputeCase, DisputeEvent,
                             DisputeParty, DisputeState as S, RecusalRequest, ServiceRecord, Suspension,
                             TribunalMember)
from disputes.services import arbitration as arb
from tests.factories import make_user

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


# --- helpers ------------------------------------------------------------------------------------------------------

def dl(case, rule_id, *statuses):
    """The case's deadline ``rule_id`` (the latest one, or the latest with one of ``statuses``)."""
    qs = deadlines_for(case).filter(rule_id=rule_id)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-id").first()


def events(case, code):
    return list(DisputeEvent.objects.filter(case=case, code=code))


def docs(case, kind):
    return list(case.documents.filter(kind=kind))


def accepted(make_case, dstaff, on=D(2025, 6, 13), **fields):
    case = make_case(received_at=fields.pop("received_at", on - dt.timedelta(days=4)), **fields)
    arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=on)
    case.refresh_from_db()
    return case


def formed(case, dstaff, procedure="ordinary", on=None):
    on = on or case.accepted_at
    if procedure == "simple":
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="simple", sole=dstaff["arb1"], on=on)
    else:
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure=procedure, presiding=dstaff["arb1"],
                          members=[dstaff["arb2"], dstaff["arb3"]], on=on)
    case.refresh_from_db()
    return case


def photo(mime="image/jpeg"):
    return Attachment.objects.create(file=ContentFile(b"\xff\xd8photo", name="posting.jpg"),
                                     original_name="posting.jpg", sha256="0" * 64, mime=mime, size=7,
                                     uploaded_at=timezone.now(), audience="internal")


def party(case, side):
    return case.parties.get(side=side)


# --- acceptance: the 5-WD decision across the National Day holiday --------------------------------------------------

def test_accept_on_the_due_date_across_national_day_and_the_makeup_day(make_case, dstaff):
    # Received Fri 2025-09-26: 5 WD on the real calendar end Fri 2025-10-10 (not Fri 2025-10-03).
    case = make_case(received_at=D(2025, 9, 26))
    arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=D(2025, 10, 10))
    case.refresh_from_db()
    acc = dl(case, "ARB-ACCEPT")
    assert acc.due_date == D(2025, 10, 10) and acc.status == Deadline.Status.MET and acc.met_at == D(2025, 10, 10)
    assert case.state == S.ARB_ACCEPTED and case.accepted_at == case.clock_start == D(2025, 10, 10)
    assert case.docket_no == "拉劳人仲案字〔2025〕1号"
    # award 45 CD: Mon 2025-11-24; service and tribunal 5 WD, the make-up Saturday 2025-10-11 counts: Thu 10-16
    assert dl(case, "ARB-AWARD").due_date == D(2025, 11, 24)
    assert dl(case, "ARB-SERVE").due_date == D(2025, 10, 16)
    assert dl(case, "ARB-TRIBUNAL").due_date == D(2025, 10, 16)
    assert len(docs(case, "acceptance_notice")) == 1 and len(docs(case, "respondent_notice")) == 1
    assert events(case, "accepted")[0].public and events(case, "accepted")[0].detail["late"] is False


def test_accept_one_working_day_late_is_recorded_as_breached(make_case, dstaff):
    case = make_case(received_at=D(2025, 9, 26))
    arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=D(2025, 10, 11))  # make-up Saturday
    case.refresh_from_db()
    assert case.state == S.ARB_ACCEPTED
    assert dl(case, "ARB-ACCEPT").status == Deadline.Status.BREACHED
    assert events(case, "accepted")[0].detail["late"] is True


def test_docket_numbers_are_serial_per_commission_and_year(make_case, dstaff):
    a = accepted(make_case, dstaff, on=D(2025, 6, 13))
    b = accepted(make_case, dstaff, on=D(2025, 6, 16))
    c = accepted(make_case, dstaff, on=D(2026, 1, 5))
    assert (a.docket_no, b.docket_no, c.docket_no) == ("拉劳人仲案字〔2025〕1号", "拉劳人仲案字〔2025〕2号",
                                                       "拉劳人仲案字〔2026〕1号")


def test_lhasa_losar_2026_moves_the_decision_deadline_but_not_in_shigatse(make_case, dstaff):
    # Received Fri 2026-02-13. Lhasa: Sat 14 (worked), 27, Sat 28 (worked), Mar 2, Mar 3 -> Tue 2026-03-03.
    # Shigatse has only the national layer: Sat 14, 24, 25, 26, 27 -> Fri 2026-02-27.
    lhasa = make_case(received_at=D(2026, 2, 13))
    shigatse = make_case(received_at=D(2026, 2, 13), region="540200")
    arb.review_decide(case=lhasa, user=dstaff["clerk"], decision="accept", on=D(2026, 3, 3))
    arb.review_decide(case=shigatse, user=dstaff["clerk_shigatse"], decision="accept", on=D(2026, 3, 2))
    assert (dl(lhasa, "ARB-ACCEPT").due_date, dl(lhasa, "ARB-ACCEPT").status) == (D(2026, 3, 3), "MET")
    assert (dl(shigatse, "ARB-ACCEPT").due_date, dl(shigatse, "ARB-ACCEPT").status) == (D(2026, 2, 27), "BREACHED")


def test_only_the_clerk_of_the_region_decides(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    for user in (dstaff["clerk_shigatse"], dstaff["chair"], dstaff["mediator"], dstaff["arb1"]):
        with pytest.raises(NotAllowed):
            arb.review_decide(case=case, user=user, decision="accept", on=D(2025, 6, 13))
    case.refresh_from_db()
    assert case.state == S.ARB_RECEIVED and not case.docket_no


def test_unknown_decision_and_future_date_refused(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    with pytest.raises(DomainError) as e:
        arb.review_decide(case=case, user=dstaff["clerk"], decision="maybe", on=D(2025, 6, 13))
    assert "decision" in e.value.errors
    with pytest.raises(DomainError) as e:
        arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=D(2025, 6, 6))
    assert "on" in e.value.errors  # before receipt
    with pytest.raises(DomainError):
        arb.review_decide(case=case, user=dstaff["clerk"], decision="accept",
                          on=timezone.localdate() + dt.timedelta(days=1))


# --- the one-time supplement notice and completion ---------------------------------------------------------------

def test_supplement_late_is_recorded_and_acceptance_clock_waits_for_completion(make_case, dstaff):
    case = make_case(received_at=D(2025, 9, 26))
    arb.review_decide(case=case, user=dstaff["clerk"], decision="supplement", on=D(2025, 10, 13),
                      missing="劳动合同复印件；工资条")
    case.refresh_from_db()
    assert case.state == S.ARB_NEEDS_SUPPLEMENT and case.supplement_notice_at == D(2025, 10, 13)
    assert case.supplement_items == "劳动合同复印件；工资条"
    sup = dl(case, "ARB-SUPPLEMENT")
    assert (sup.due_date, sup.status) == (D(2025, 10, 10), Deadline.Status.BREACHED)  # late, still given
    assert dl(case, "ARB-ACCEPT").status == Deadline.Status.WAIVED
    assert len(docs(case, "supplement_notice")) == 1
    assert events(case, "supplement_requested")[0].detail["late"] is True

    arb.supplement_complete(case=case, user=dstaff["clerk"], on=D(2025, 10, 20), note="已补齐")
    case.refresh_from_db()
    assert case.state == S.ARB_RECEIVED and case.complete_at == D(2025, 10, 20)
    assert case.received_at == D(2025, 9, 26)  # the original receipt is kept
    acc = dl(case, "ARB-ACCEPT", Deadline.Status.OPEN)
    assert (acc.anchor_date, acc.due_date) == (D(2025, 10, 20), D(2025, 10, 27))
    assert events(case, "supplement_completed")[0].public


def test_a_second_supplement_notice_is_refused(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    arb.review_decide(case=case, user=dstaff["clerk"], decision="supplement", on=D(2025, 6, 10), missing="身份证明")
    arb.supplement_complete(case=case, user=dstaff["clerk"], on=D(2025, 6, 12))
    with pytest.raises(DomainError) as e:
        arb.review_decide(case=case, user=dstaff["clerk"], decision="supplement", on=D(2025, 6, 13),
                          missing="证据清单")
    assert "第二十九条" in e.value.message and "2025-06-10" in e.value.message
    case.refresh_from_db()
    assert case.state == S.ARB_RECEIVED and case.supplement_items == "身份证明"
    assert len(docs(case, "supplement_notice")) == 1
    # decided from completion: accept on the 5th WD after 2025-06-12 is in time
    arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=D(2025, 6, 19))
    assert dl(case, "ARB-ACCEPT").status == Deadline.Status.MET


def test_supplement_needs_the_list_of_what_is_missing(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    with pytest.raises(DomainError) as e:
        arb.review_decide(case=case, user=dstaff["clerk"], decision="supplement", on=D(2025, 6, 10), missing=" ")
    assert "missing" in e.value.errors
    case.refresh_from_db()
    assert case.state == S.ARB_RECEIVED and case.supplement_notice_at is None and not case.documents.exists()


def test_supplement_complete_only_when_asked_and_by_staff_or_a_party(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    with pytest.raises(DomainError):
        arb.supplement_complete(case=case, user=dstaff["clerk"], on=D(2025, 6, 10))
    arb.review_decide(case=case, user=dstaff["clerk"], decision="supplement", on=D(2025, 6, 10), missing="身份证明")
    with pytest.raises(NotAllowed):
        arb.supplement_complete(case=case, user=dstaff["clerk_shigatse"], on=D(2025, 6, 11))
    with pytest.raises(DomainError):  # before the notice
        arb.supplement_complete(case=case, user=None, on=D(2025, 6, 9))
    arb.supplement_complete(case=case, user=None, on=D(2025, 6, 11))  # the applicant on line
    case.refresh_from_db()
    assert case.state == S.ARB_RECEIVED


# --- refusal and jurisdiction ------------------------------------------------------------------------------------

def test_not_accept_needs_reasons_and_closes_with_five_year_retention(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    with pytest.raises(DomainError) as e:
        arb.review_decide(case=case, user=dstaff["clerk"], decision="not_accept", on=D(2025, 6, 12))
    assert "reason" in e.value.errors and "第二十九条" in e.value.message
    case.refresh_from_db()
    assert case.state == S.ARB_RECEIVED and not case.documents.exists()

    arb.review_decide(case=case, user=dstaff["clerk"], decision="not_accept", on=D(2025, 6, 12),
                      reason="不属于劳动争议")
    case.refresh_from_db()
    assert case.state == S.ARB_NOT_ACCEPTED and case.not_accepted_at == D(2025, 6, 12)
    assert case.closure == "not_accepted" and case.closed_at == D(2025, 6, 12)
    assert case.retention_until == D(2030, 6, 12)
    assert case.refusal_reason == "不属于劳动争议"
    assert dl(case, "ARB-ACCEPT").status == Deadline.Status.MET
    assert len(docs(case, "non_acceptance_notice")) == 1
    assert not deadlines_for(case).filter(status__in=["OPEN", "EXTENDED", "PAUSED"]).exists()


def test_no_jurisdiction_names_the_competent_commission(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    with pytest.raises(DomainError) as e:
        arb.review_decide(case=case, user=dstaff["clerk"], decision="no_jurisdiction", on=D(2025, 6, 12))
    assert "competent_commission" in e.value.errors
    arb.review_decide(case=case, user=dstaff["clerk"], decision="no_jurisdiction", on=D(2025, 6, 12),
                      competent_commission="日喀则市劳动人事争议仲裁委员会", reason="用人单位所在地及劳动合同履行地均在日喀则")
    case.refresh_from_db()
    assert case.state == S.ARB_NO_JURISDICTION and case.closure == "no_jurisdiction"
    assert case.competent_commission == "日喀则市劳动人事争议仲裁委员会"
    assert len(docs(case, "no_jurisdiction_notice")) == 1
    assert events(case, "no_jurisdiction")[0].public


def test_a_decision_is_made_once(make_case, dstaff):
    case = accepted(make_case, dstaff)
    with pytest.raises(DomainError):
        arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=D(2025, 6, 13))
    assert DisputeCase.objects.get(pk=case.pk).docket_no == "拉劳人仲案字〔2025〕1号"


# --- the overdue sweep (LDMAL 29) ---------------------------------------------------------------------------------

def test_overdue_sweep_flags_once_after_the_due_date(make_case, dstaff):
    late = make_case(received_at=D(2025, 9, 26))          # due Fri 2025-10-10
    decided = make_case(received_at=D(2025, 9, 26))
    arb.review_decide(case=decided, user=dstaff["clerk"], decision="accept", on=D(2025, 10, 9))
    assert arb.acceptance_overdue_sweep(today=D(2025, 10, 10)) == 0  # the due date itself is still in time
    assert arb.acceptance_overdue_sweep(today=D(2025, 10, 11)) == 1
    assert arb.acceptance_overdue_sweep(today=D(2025, 10, 12)) == 0  # idempotent
    late.refresh_from_db()
    assert late.decision_overdue and late.state == S.ARB_RECEIVED
    ev = events(late, "decision_overdue")
    assert len(ev) == 1 and ev[0].public and ev[0].actor is None and "第二十九条" in ev[0].detail["citation"]
    assert ev[0].detail["court"] == "拉萨市城关区人民法院"
    assert late.history.latest().history_type == "~"
    decided.refresh_from_db()
    assert not decided.decision_overdue
    # the commission may still decide afterwards; the deadline shows it was late
    arb.review_decide(case=late, user=dstaff["clerk"], decision="accept", on=D(2025, 10, 13))
    assert dl(late, "ARB-ACCEPT").status == Deadline.Status.BREACHED


def test_overdue_sweep_counts_from_completion_after_a_supplement(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))
    arb.review_decide(case=case, user=dstaff["clerk"], decision="supplement", on=D(2025, 6, 10), missing="工资条")
    arb.supplement_complete(case=case, user=dstaff["clerk"], on=D(2025, 9, 26))
    assert arb.acceptance_overdue_sweep(today=D(2025, 10, 10)) == 0
    assert arb.acceptance_overdue_sweep(today=D(2025, 10, 11)) == 1


# --- service (Rules 20, 59) ---------------------------------------------------------------------------------------

def test_posting_is_served_three_working_days_later_across_the_holiday(make_case, dstaff):
    case = accepted(make_case, dstaff, on=D(2025, 9, 26), received_at=D(2025, 9, 22))
    resp = party(case, "respondent")
    # posted Tue 2025-09-30: Oct 1-8 off; Thu 9, Fri 10, Sat 11 (make-up) -> served Sat 2025-10-11
    rec = arb.service_record(case=case, user=dstaff["clerk"], party_id=resp.pk, doc_kind="respondent_notice",
                             method="posting", sent_on=D(2025, 9, 30), refused_to_sign=True, evidence=photo(),
                             note="被申请人拒绝签收，已张贴并拍照")
    assert rec.served_on == D(2025, 10, 11) and rec.recorded_by == dstaff["clerk"]
    # the only respondent is served: ARB-SERVE (5 WD from Fri 09-26, the make-up Sunday 09-28 counting: Fri 10-10)
    # is met late; the defence period runs from the deemed date
    serve = dl(case, "ARB-SERVE")
    assert serve.due_date == D(2025, 10, 10) and serve.status == Deadline.Status.BREACHED
    defence = dl(case, "ARB-DEFENCE")
    assert defence.anchor_date == D(2025, 10, 11) and defence.due_date == D(2025, 10, 24)
    assert events(case, "served")[0].detail["served_on"] == "2025-10-11"


def test_posting_needs_photo_or_video_evidence(make_case, dstaff):
    case = accepted(make_case, dstaff)
    resp = party(case, "respondent")
    kw = dict(case=case, user=dstaff["clerk"], party_id=resp.pk, doc_kind="respondent_notice", method="posting",
              sent_on=D(2025, 6, 16), refused_to_sign=True, note="拒签")
    with pytest.raises(DomainError) as e:
        arb.service_record(**kw)
    assert "evidence" in e.value.errors and "第二十条" in e.value.message
    with pytest.raises(DomainError) as e:
        arb.service_record(**kw, evidence=photo(mime="application/pdf"))
    assert "evidence" in e.value.errors
    assert arb.service_record(**kw, evidence=photo(mime="video/mp4")).served_on == D(2025, 6, 19)
    with pytest.raises(DomainError) as e:  # a stated date other than the deemed one
        arb.service_record(**{**kw, "sent_on": D(2025, 6, 17)}, evidence=photo(), served_on=D(2025, 6, 18))
    assert "served_on" in e.value.errors and "2025-06-20" in e.value.message


def test_posting_only_on_refusal_or_a_stopped_business_with_enough_workers(make_case, dstaff):
    small = accepted(make_case, dstaff, workers_count=9)
    kw = dict(user=dstaff["clerk"], doc_kind="respondent_notice", method="posting", sent_on=D(2025, 6, 16),
              note="企业已停业", evidence=None)
    with pytest.raises(DomainError) as e:
        arb.service_record(case=small, party_id=party(small, "respondent").pk, **{**kw, "evidence": photo()})
    assert "method" in e.value.errors and "10" in e.value.message
    with pytest.raises(DomainError):
        arb.service_record(case=small, party_id=party(small, "respondent").pk, business_stopped=True,
                           **{**kw, "evidence": photo()})
    assert not ServiceRecord.objects.exists()
    big = accepted(make_case, dstaff, workers_count=10, on=D(2025, 6, 16))
    rec = arb.service_record(case=big, party_id=party(big, "respondent").pk, business_stopped=True,
                             **{**kw, "evidence": photo()})
    assert rec.served_on == D(2025, 6, 19)
    with pytest.raises(DomainError) as e:  # the reason must be said
        arb.service_record(case=big, party_id=party(big, "respondent").pk, business_stopped=True,
                           **{**kw, "evidence": photo(), "note": ""})
    assert "note" in e.value.errors


def test_electronic_service_only_in_the_simple_procedure_and_never_for_awards(make_case, dstaff):
    case = accepted(make_case, dstaff)
    app = party(case, "applicant")
    kw = dict(case=case, user=dstaff["clerk"], party_id=app.pk, method="electronic", sent_on=D(2025, 6, 16),
              served_on=D(2025, 6, 16), confirmed=True)
    with pytest.raises(DomainError) as e:
        arb.service_record(doc_kind="hearing_notice", **kw)
    assert "第五十九条" in e.value.message
    formed(case, dstaff, procedure="simple")
    assert case.procedure == "simple"
    assert arb.service_record(doc_kind="hearing_notice", **kw).method == "electronic"
    for kind in ("award", "mediation_document"):
        with pytest.raises(DomainError) as e:
            arb.service_record(doc_kind=kind, **kw)
        assert "第五十九条" in e.value.message
    assert ServiceRecord.objects.count() == 1


def test_service_cannot_precede_sending_and_needs_a_party_of_the_case(make_case, dstaff):
    case = accepted(make_case, dstaff)
    other = make_case()
    with pytest.raises(DomainError) as e:
        arb.service_record(case=case, user=dstaff["clerk"], party_id=party(case, "respondent").pk,
                           doc_kind="respondent_notice", method="post", sent_on=D(2025, 6, 16),
                           served_on=D(2025, 6, 15))
    assert "served_on" in e.value.errors
    with pytest.raises(DomainError) as e:
        arb.service_record(case=case, user=dstaff["clerk"], party_id=party(other, "respondent").pk,
                           doc_kind="respondent_notice", method="post", sent_on=D(2025, 6, 16))
    assert "party_id" in e.value.errors
    with pytest.raises(DomainError) as e:  # a document of another kind
        arb.service_record(case=case, user=dstaff["clerk"], party_id=party(case, "respondent").pk,
                           doc_kind="hearing_notice", method="post", sent_on=D(2025, 6, 16),
                           document_id=case.documents.get(kind="respondent_notice").pk)
    assert "document_id" in e.value.errors
    with pytest.raises(NotAllowed):
        arb.service_record(case=case, user=dstaff["chair"], party_id=party(case, "respondent").pk,
                           doc_kind="respondent_notice", method="post", sent_on=D(2025, 6, 16))


def test_every_respondent_must_be_served_before_the_service_deadline_is_met(make_case, dstaff):
    from casework.models import Employer

    case = accepted(make_case, dstaff)  # accepted Fri 2025-06-13: ARB-SERVE due Fri 2025-06-20
    second = DisputeParty.objects.create(case=case, side="respondent",
                                         employer=Employer.objects.create(name="拉萨某劳务派遣有限公司"))
    notice = case.documents.get(kind="respondent_notice")
    first = case.parties.filter(side="respondent").order_by("id").first()
    arb.service_record(case=case, user=dstaff["clerk"], party_id=first.pk, doc_kind="respondent_notice",
                       method="in_person", sent_on=D(2025, 6, 16), served_on=D(2025, 6, 16), confirmed=True,
                       document_id=notice.pk)
    assert dl(case, "ARB-SERVE").status == Deadline.Status.OPEN and dl(case, "ARB-DEFENCE") is None
    arb.service_record(case=case, user=dstaff["clerk"], party_id=second.pk, doc_kind="respondent_notice",
                       method="post", sent_on=D(2025, 6, 17), served_on=D(2025, 6, 20), confirmed=True)
    serve = dl(case, "ARB-SERVE")
    assert serve.status == Deadline.Status.MET and serve.met_at == D(2025, 6, 20)
    assert dl(case, "ARB-DEFENCE").anchor_date == D(2025, 6, 20)


# --- defence (LDMAL 30) -------------------------------------------------------------------------------------------

def test_a_late_defence_is_still_recorded_and_copied(make_case, dstaff):
    case = accepted(make_case, dstaff)
    arb.service_record(case=case, user=dstaff["clerk"], party_id=party(case, "respondent").pk,
                       doc_kind="respondent_notice", method="in_person", sent_on=D(2025, 6, 16),
                       served_on=D(2025, 6, 16), confirmed=True)
    assert dl(case, "ARB-DEFENCE").due_date == D(2025, 6, 30)  # 10 WD from Mon 2025-06-16
    arb.defence_record(case=case, user=dstaff["clerk"], received_on=D(2025, 7, 1), text="工资已部分支付")
    case.refresh_from_db()
    assert case.defence_received_at == D(2025, 7, 1) and case.defence_text == "工资已部分支付"
    assert dl(case, "ARB-DEFENCE").status == Deadline.Status.BREACHED
    assert events(case, "defence_received")[0].detail["late"] is True
    copy = dl(case, "ARB-DEFENCE-COPY")
    assert copy.due_date == D(2025, 7, 8)
    with pytest.raises(Conflict):
        arb.defence_record(case=case, user=dstaff["clerk"], received_on=D(2025, 7, 2), text="补充")
    with pytest.raises(DomainError):
        arb.defence_copy(case=case, user=dstaff["clerk"], on=D(2025, 6, 30))  # before it was received
    arb.defence_copy(case=case, user=dstaff["clerk"], on=D(2025, 7, 8))
    case.refresh_from_db()
    assert case.defence_copied_at == D(2025, 7, 8) and dl(case, "ARB-DEFENCE-COPY").status == Deadline.Status.MET


def test_defence_needs_text_and_an_accepted_case(make_case, dstaff):
    received = make_case()
    with pytest.raises(DomainError):
        arb.defence_record(case=received, user=dstaff["clerk"], received_on=D(2025, 6, 20), text="答辩")
    case = accepted(make_case, dstaff)
    with pytest.raises(DomainError) as e:
        arb.defence_record(case=case, user=dstaff["clerk"], received_on=D(2025, 6, 20), text="  ")
    assert "text" in e.value.errors


# --- the tribunal (LDMAL 31-33; Rules 65) ---------------------------------------------------------------------------

def test_ordinary_tribunal_of_three(make_case, dstaff):
    case = accepted(make_case, dstaff)
    seated = arb.tribunal_form(case=case, user=dstaff["chair"], procedure="ordinary", presiding=dstaff["arb1"],
                               members=[dstaff["arb2"].pk, dstaff["arb3"]], on=D(2025, 6, 20))
    case.refresh_from_db()
    assert [(m.arbitrator.username, m.role) for m in seated] == [("arb1", "presiding"), ("arb2", "member"),
                                                                  ("arb3", "member")]
    assert case.procedure == "ordinary" and case.composition_notified_at == D(2025, 6, 20)
    assert dl(case, "ARB-TRIBUNAL").status == Deadline.Status.MET  # due Fri 2025-06-20
    assert len(docs(case, "composition_notice")) == 1
    assert events(case, "tribunal_formed")[0].detail["members"] == ["arb1", "arb2", "arb3"]
    with pytest.raises(Conflict):
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="simple", sole=dstaff["arb4"], on=D(2025, 6, 20))


def test_simple_procedure_has_one_sole_arbitrator(make_case, dstaff):
    case = accepted(make_case, dstaff)
    with pytest.raises(DomainError):
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="simple", sole=dstaff["arb1"],
                          members=[dstaff["arb2"]], on=D(2025, 6, 23))
    arb.tribunal_form(case=case, user=dstaff["chair"], procedure="simple", sole=dstaff["arb1"], on=D(2025, 6, 23))
    case.refresh_from_db()
    assert case.procedure == "simple"
    assert list(case.tribunal.values_list("role", flat=True)) == ["sole"]
    assert dl(case, "ARB-TRIBUNAL").status == Deadline.Status.BREACHED  # Mon 06-23 is after Fri 06-20


def test_a_collective_case_refuses_the_simple_procedure(make_case, dstaff):
    case = accepted(make_case, dstaff, workers_count=10)
    assert case.priority
    with pytest.raises(DomainError) as e:
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="simple", sole=dstaff["arb1"], on=D(2025, 6, 16))
    assert "第六十五条" in e.value.message and not case.tribunal.exists()
    formed(case, dstaff)
    assert case.procedure == "collective" and case.tribunal.count() == 3
    declared = accepted(make_case, dstaff, procedure="collective")
    with pytest.raises(DomainError):
        arb.tribunal_form(case=declared, user=dstaff["chair"], procedure="simple", sole=dstaff["arb1"],
                          on=D(2025, 6, 16))


def test_three_different_arbitrators_are_required(make_case, dstaff):
    case = accepted(make_case, dstaff)
    kw = dict(case=case, user=dstaff["chair"], procedure="ordinary", on=D(2025, 6, 16))
    with pytest.raises(DomainError):
        arb.tribunal_form(presiding=dstaff["arb1"], members=[dstaff["arb2"]], **kw)
    with pytest.raises(DomainError):
        arb.tribunal_form(presiding=dstaff["arb1"], members=[dstaff["arb2"], dstaff["arb1"]], **kw)
    with pytest.raises(DomainError) as e:
        arb.tribunal_form(presiding=dstaff["arb1"], members=[dstaff["arb2"], dstaff["clerk"]], **kw)
    assert "clerk" in e.value.message
    with pytest.raises(NotAllowed):
        arb.tribunal_form(**{**kw, "user": dstaff["clerk"]}, presiding=dstaff["arb1"],
                          members=[dstaff["arb2"], dstaff["arb3"]])
    assert not case.tribunal.exists()


def test_an_arbitrator_who_declared_a_relative_is_refused_and_nothing_is_saved(make_case, dstaff):
    case = accepted(make_case, dstaff)
    before_docs = case.documents.count()
    with pytest.raises(DomainError) as e:
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="ordinary", presiding=dstaff["arb1"],
                          members=[dstaff["arb2"], dstaff["arb3"]], on=D(2025, 6, 16),
                          declared_conflicts={dstaff["arb3"].pk: "relative", dstaff["arb4"].pk: "interest"})
    assert "arb3" in e.value.message and "第三十三条" in e.value.message and "arb4" not in e.value.message
    case.refresh_from_db()
    assert not TribunalMember.objects.filter(case=case).exists()
    assert case.documents.count() == before_docs and case.composition_notified_at is None
    assert dl(case, "ARB-TRIBUNAL").status == Deadline.Status.OPEN
    assert not events(case, "tribunal_formed")
    with pytest.raises(DomainError):  # an unknown ground is not silently dropped
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="ordinary", presiding=dstaff["arb1"],
                          members=[dstaff["arb2"], dstaff["arb3"]], on=D(2025, 6, 16),
                          declared_conflicts={dstaff["arb4"].pk: "cousin"})
    # arb4 (declared a conflict, not seated) does not stand in the way of the others
    arb.tribunal_form(case=case, user=dstaff["chair"], procedure="ordinary", presiding=dstaff["arb1"],
                      members=[dstaff["arb2"], dstaff["arb3"]], on=D(2025, 6, 16),
                      declared_conflicts={dstaff["arb4"].pk: "relative"})
    assert case.tribunal.count() == 3


# --- recusal (LDMAL 33; Rules 11-12) --------------------------------------------------------------------------------

@pytest.fixture
def chair_b(dstaff):
    return make_user("chair_b", "arbitration_chair")


def test_recusal_pending_stops_the_member_then_a_replacement_takes_the_seat(make_case, dstaff, chair_b):
    case = formed(accepted(make_case, dstaff), dstaff)
    member = case.tribunal.get(arbitrator=dstaff["arb2"])
    req = arb.recusal_request(case=case, user=dstaff["clerk"], member_id=member.pk, ground="contact",
                              details="庭前与被申请人代理人私下会见", requested_on=D(2025, 6, 20),
                              party_id=party(case, "applicant").pk)
    recusal = dl(case, "ARB-RECUSAL")
    assert recusal.due_date == D(2025, 6, 25)  # 3 WD from Fri 2025-06-20
    assert not arb.member_may_act(member) and arb.pending_recusal(case, dstaff["arb2"])
    assert not arb.pending_recusal(case, dstaff["arb1"])
    with pytest.raises(Conflict):
        arb.recusal_request(case=case, user=dstaff["clerk"], member_id=member.pk, ground="interest",
                            requested_on=D(2025, 6, 20))
    with pytest.raises(DomainError):  # upheld needs a replacement
        arb.recusal_decide(case=case, user=chair_b, request_id=req.pk, upheld=True, reason="查证属实",
                           on=D(2025, 6, 24))
    arb.recusal_decide(case=case, user=chair_b, request_id=req.pk, upheld=True, reason="查证属实",
                       replacement=dstaff["arb4"], on=D(2025, 6, 24))
    member.refresh_from_db()
    req.refresh_from_db()
    assert not member.active and member.left_on == D(2025, 6, 24) and member.left_reason
    new = case.tribunal.get(active=True, arbitrator=dstaff["arb4"])
    assert new.role == "member" and new.appointed_on == D(2025, 6, 24) and arb.member_may_act(new)
    assert (req.upheld, req.decided_by, req.decided_on) == (True, chair_b, D(2025, 6, 24))
    assert dl(case, "ARB-RECUSAL").status == Deadline.Status.MET
    assert not arb.pending_recusal(case, dstaff["arb2"])
    assert len(docs(case, "composition_notice")) == 2
    with pytest.raises(Conflict):
        arb.recusal_decide(case=case, user=chair_b, request_id=req.pk, upheld=False, reason="x", on=D(2025, 6, 24))


def test_a_chair_sitting_on_the_case_may_not_decide_its_recusal(make_case, dstaff):
    chair = dstaff["chair"]
    chair.groups.add(Group.objects.get(name="arbitrator"))
    case = accepted(make_case, dstaff)
    arb.tribunal_form(case=case, user=chair, procedure="ordinary", presiding=chair,
                      members=[dstaff["arb2"], dstaff["arb3"]], on=D(2025, 6, 16))
    member = case.tribunal.get(arbitrator=dstaff["arb3"])
    req = arb.recusal_request(case=case, user=dstaff["clerk"], member_id=member.pk, ground="relative",
                              requested_on=D(2025, 6, 17))
    with pytest.raises(NotAllowed) as e:
        arb.recusal_decide(case=case, user=chair, request_id=req.pk, upheld=False, reason="不成立",
                           on=D(2025, 6, 18))
    assert "第十二条" in e.value.message
    req.refresh_from_db()
    assert req.decided_on is None and dl(case, "ARB-RECUSAL").status == Deadline.Status.OPEN
    with pytest.raises(NotAllowed):  # a clerk does not decide either
        arb.recusal_decide(case=case, user=dstaff["clerk"], request_id=req.pk, upheld=False, reason="不成立",
                           on=D(2025, 6, 18))


def test_a_rejected_recusal_keeps_the_member_and_a_late_decision_is_recorded(make_case, dstaff, chair_b):
    case = formed(accepted(make_case, dstaff), dstaff)
    member = case.tribunal.get(arbitrator=dstaff["arb1"])
    req = arb.recusal_request(case=case, user=dstaff["chair"], member_id=member.pk, ground="relation",
                              requested_on=D(2025, 6, 20))
    with pytest.raises(DomainError):
        arb.recusal_decide(case=case, user=chair_b, request_id=req.pk, upheld=False, reason="", on=D(2025, 6, 26))
    with pytest.raises(DomainError):
        arb.recusal_decide(case=case, user=chair_b, request_id=req.pk, upheld=False, reason="理由不成立",
                           replacement=dstaff["arb4"], on=D(2025, 6, 26))
    arb.recusal_decide(case=case, user=chair_b, request_id=req.pk, upheld=False, reason="理由不成立",
                       on=D(2025, 6, 26))
    member.refresh_from_db()
    assert member.active and arb.member_may_act(member)
    assert dl(case, "ARB-RECUSAL").status == Deadline.Status.BREACHED  # due Wed 2025-06-25


def test_no_recusal_request_after_the_hearing_debate(make_case, dstaff):
    case = formed(accepted(make_case, dstaff), dstaff)
    case.state = S.ARB_HEARD
    case.save()
    with pytest.raises(DomainError) as e:
        arb.recusal_request(case=case, user=dstaff["clerk"], member_id=case.tribunal.first().pk, ground="interest",
                            requested_on=D(2025, 7, 10))
    assert "第十一条" in e.value.message
    assert not RecusalRequest.objects.exists()


# --- extension (LDMAL 43) -----------------------------------------------------------------------------------------

def test_extension_of_fifteen_days(make_case, dstaff):
    case = accepted(make_case, dstaff)  # Fri 2025-06-13: award due Mon 2025-07-28
    assert dl(case, "ARB-AWARD").due_date == D(2025, 7, 28)
    ext = arb.extension_approve(case=case, user=dstaff["chair"], requested_by=dstaff["arb1"], days=15,
                                reason="案情复杂，需要鉴定", on=D(2025, 7, 28))
    d = dl(case, "ARB-AWARD")
    assert (d.due_date, d.extended_to, d.status) == (D(2025, 7, 28), D(2025, 8, 12), Deadline.Status.EXTENDED)
    assert (ext.days, ext.new_due, ext.approved_by, ext.requested_by) == (15, D(2025, 8, 12), dstaff["chair"],
                                                                          dstaff["arb1"])
    assert len(docs(case, "extension_notice")) == 1
    assert events(case, "award_extended")[0].public
    with pytest.raises(DomainError) as e:  # once per case
        arb.extension_approve(case=case, user=dstaff["chair"], requested_by=dstaff["arb1"], days=1, reason="再延",
                              on=D(2025, 8, 1))
    assert "第四十三条" in e.value.message
    assert AwardExtension.objects.filter(case=case).count() == 1


def test_extension_of_sixteen_days_is_refused(make_case, dstaff):
    case = accepted(make_case, dstaff)
    for days in (16, 0):
        with pytest.raises(DomainError) as e:
            arb.extension_approve(case=case, user=dstaff["chair"], requested_by=dstaff["arb1"], days=days,
                                  reason="复杂", on=D(2025, 7, 1))
        assert "days" in e.value.errors and "15" in e.value.message and "第四十三条" in e.value.message
    assert not AwardExtension.objects.exists() and dl(case, "ARB-AWARD").status == Deadline.Status.OPEN
    assert not docs(case, "extension_notice")


def test_extension_rolls_past_a_weekend(make_case, dstaff):
    case = accepted(make_case, dstaff)
    arb.extension_approve(case=case, user=dstaff["chair"], requested_by=dstaff["clerk"], days=12, reason="复杂",
                          on=D(2025, 7, 1))
    assert dl(case, "ARB-AWARD").extended_to == D(2025, 8, 11)  # 07-28 + 12 = Sat 08-09 -> Mon 08-11


def test_the_requester_cannot_approve_and_only_the_chair_approves(make_case, dstaff):
    chair = dstaff["chair"]
    case = accepted(make_case, dstaff)
    with pytest.raises(NotAllowed):
        arb.extension_approve(case=case, user=chair, requested_by=chair, days=10, reason="复杂", on=D(2025, 7, 1))
    with pytest.raises(NotAllowed):
        arb.extension_approve(case=case, user=dstaff["clerk"], requested_by=dstaff["arb1"], days=10, reason="复杂",
                              on=D(2025, 7, 1))
    assert not AwardExtension.objects.exists()


def test_no_extension_after_the_award_period_ran_out(make_case, dstaff):
    case = accepted(make_case, dstaff)
    with pytest.raises(DomainError) as e:
        arb.extension_approve(case=case, user=dstaff["chair"], requested_by=dstaff["arb1"], days=5, reason="复杂",
                              on=D(2025, 7, 29))
    assert "2025-07-28" in e.value.message


# --- suspension (Rules 46-47) ---------------------------------------------------------------------------------------

def test_suspended_days_are_added_to_the_award_period_counted_from_acceptance(make_case, dstaff):
    # accepted Thu 2025-06-19: 45 CD end Sun 2025-08-03 -> Mon 2025-08-04
    case = accepted(make_case, dstaff, on=D(2025, 6, 19))
    assert dl(case, "ARB-AWARD").due_date == D(2025, 8, 4)
    s = arb.suspend(case=case, user=dstaff["chair"], ground="等待工伤认定结论", on=D(2025, 6, 20))
    case.refresh_from_db()
    assert case.state == S.ARB_SUSPENDED and s.previous_state == S.ARB_ACCEPTED
    assert dl(case, "ARB-AWARD").status == Deadline.Status.PAUSED
    assert deadline_sweep(today=D(2025, 12, 31)) >= 0 and dl(case, "ARB-AWARD").status == Deadline.Status.PAUSED
    arb.resume(case=case, user=dstaff["chair"], on=D(2025, 6, 21))
    case.refresh_from_db()
    d = dl(case, "ARB-AWARD")
    # one day excluded: 46 CD from 06-19 = Mon 08-04 (pushing the rolled date would wrongly give Tue 08-05)
    assert (d.paused_days, d.due_date, d.status) == (1, D(2025, 8, 4), Deadline.Status.OPEN)
    assert case.state == S.ARB_ACCEPTED
    assert Suspension.objects.get(case=case).ended_on == D(2025, 6, 21)


def test_suspension_returns_to_the_previous_state_and_pushes_the_extended_date(make_case, dstaff):
    case = accepted(make_case, dstaff)  # due Mon 2025-07-28
    case.state = S.ARB_HEARING_SCHEDULED
    case.save()
    arb.extension_approve(case=case, user=dstaff["chair"], requested_by=dstaff["arb1"], days=15, reason="复杂",
                          on=D(2025, 6, 18))
    arb.suspend(case=case, user=dstaff["chair"], ground="当事人死亡，等待继承人参加仲裁", on=D(2025, 6, 20))
    arb.resume(case=case, user=dstaff["chair"], on=D(2025, 6, 30))
    case.refresh_from_db()
    d = dl(case, "ARB-AWARD")
    assert case.state == S.ARB_HEARING_SCHEDULED
    # 45 + 10 CD from 06-13 = Thu 08-07; the 15-day extension from there: Fri 08-22
    assert (d.paused_days, d.due_date, d.extended_to, d.status) == (10, D(2025, 8, 7), D(2025, 8, 22),
                                                                    Deadline.Status.EXTENDED)
    assert events(case, "resumed")[0].detail["days"] == 10


def test_suspend_needs_the_chair_a_ground_and_a_live_case(make_case, dstaff):
    case = accepted(make_case, dstaff)
    with pytest.raises(NotAllowed):
        arb.suspend(case=case, user=dstaff["clerk"], ground="x", on=D(2025, 6, 20))
    with pytest.raises(DomainError) as e:
        arb.suspend(case=case, user=dstaff["chair"], ground=" ", on=D(2025, 6, 20))
    assert "第四十七条" in e.value.message
    with pytest.raises(DomainError):
        arb.resume(case=case, user=dstaff["chair"], on=D(2025, 6, 20))
    received = make_case()
    with pytest.raises(DomainError):
        arb.suspend(case=received, user=dstaff["chair"], ground="x", on=D(2025, 6, 20))
    arb.suspend(case=case, user=dstaff["chair"], ground="等待另案结果", on=D(2025, 6, 20))
    with pytest.raises(DomainError):  # resumed before it started
        arb.resume(case=case, user=dstaff["chair"], on=D(2025, 6, 19))


# --- restarts of the award period (Rules 46) -----------------------------------------------------------------------

def test_changed_claims_restart_the_award_period(make_case, dstaff):
    case = accepted(make_case, dstaff)
    old = dl(case, "ARB-AWARD")
    restart = arb.clock_restart(case=case, user=dstaff["clerk"], kind="changed_claims", on=D(2025, 7, 1),
                                note="增加经济补偿请求")
    case.refresh_from_db()
    old.refresh_from_db()
    new = dl(case, "ARB-AWARD", Deadline.Status.OPEN)
    assert old.status == Deadline.Status.WAIVED
    assert (new.anchor_date, new.due_date) == (D(2025, 7, 1), D(2025, 8, 15))
    assert case.clock_start == D(2025, 7, 1) and case.accepted_at == D(2025, 6, 13)
    assert (restart.kind, restart.recorded_by) == ("changed_claims", dstaff["clerk"])


def test_a_counterclaim_opens_its_acceptance_deadline_and_an_added_party_is_dated(make_case, dstaff):
    case = accepted(make_case, dstaff)
    arb.clock_restart(case=case, user=dstaff["clerk"], kind="counterclaim", on=D(2025, 9, 26))
    assert dl(case, "ARB-COUNTERCLAIM").due_date == D(2025, 10, 10)
    assert dl(case, "ARB-AWARD", "OPEN").due_date == D(2025, 11, 10)
    third = DisputeParty.objects.create(case=case, side="third", employer=party(case, "respondent").employer)
    arb.clock_restart(case=case, user=dstaff["chair"], kind="added_party", on=D(2025, 10, 13), party_id=third.pk)
    third.refresh_from_db()
    assert third.added_at == D(2025, 10, 13)
    assert ClockRestart.objects.filter(case=case).count() == 2
    assert deadlines_for(case).filter(rule_id="ARB-AWARD", status="OPEN").count() == 1
    with pytest.raises(DomainError):
        arb.clock_restart(case=case, user=dstaff["clerk"], kind="weather", on=D(2025, 10, 14))


def test_no_restart_while_suspended(make_case, dstaff):
    case = accepted(make_case, dstaff)
    arb.suspend(case=case, user=dstaff["chair"], ground="等待另案", on=D(2025, 6, 20))
    with pytest.raises(DomainError):
        arb.clock_restart(case=case, user=dstaff["clerk"], kind="transfer", on=D(2025, 6, 25))
    assert not ClockRestart.objects.exists()


# --- withdrawal (LDMAL 41) ----------------------------------------------------------------------------------------

def test_withdrawal_before_the_award_closes_and_waives_the_deadlines(make_case, dstaff):
    case = formed(accepted(make_case, dstaff), dstaff)
    arb.suspend(case=case, user=dstaff["chair"], ground="和解中", on=D(2025, 6, 20))
    arb.withdraw(case=case, user=dstaff["clerk"], on=D(2025, 6, 25), reason="双方和解")
    case.refresh_from_db()
    assert case.state == S.ARB_WITHDRAWN and case.closure == "withdrawal" and case.closed_at == D(2025, 6, 25)
    assert case.retention_until == D(2030, 6, 25) and case.closure_reason == "双方和解"
    assert not deadlines_for(case).filter(status__in=["OPEN", "EXTENDED", "PAUSED"]).exists()
    assert dl(case, "ARB-AWARD").status == Deadline.Status.WAIVED
    assert Suspension.objects.get(case=case).ended_on == D(2025, 6, 25)
    assert [e.code for e in DisputeEvent.objects.filter(case=case)][-2:] == ["withdrawn", "closed"]


def test_no_withdrawal_after_the_award(make_case, dstaff):
    case = make_case(state=S.ARB_AWARDED)
    with pytest.raises(DomainError) as e:
        arb.withdraw(case=case, user=dstaff["clerk"], on=D(2025, 8, 1))
    assert "第四十一条" in e.value.message
    case.refresh_from_db()
    assert case.state == S.ARB_AWARDED and case.closed_at is None


# --- advance execution (LDMAL 44) ---------------------------------------------------------------------------------

def test_advance_execution_only_for_the_listed_claims_and_without_security_for_a_worker(make_case, dstaff):
    case = formed(accepted(make_case, dstaff), dstaff)
    worker = party(case, "applicant")
    kw = dict(case=case, user=dstaff["clerk"], party_id=worker.pk, amount=Decimal("6000.00"),
              applied_on=D(2025, 6, 20), reasons="无其他收入来源，子女学费无着")
    with pytest.raises(DomainError) as e:
        arb.advance_execution_apply(categories=["wages", "working_time"], **kw)
    assert "第四十四条" in e.value.message and "categories" in e.value.errors
    with pytest.raises(DomainError):
        arb.advance_execution_apply(categories=[], **kw)
    with pytest.raises(DomainError) as e:
        arb.advance_execution_apply(categories=["wages"], security_required=True, **kw)
    assert "security_required" in e.value.errors
    assert not AdvanceExecution.objects.exists()
    app = arb.advance_execution_apply(categories=["wages", "injury_medical", "compensation", "damages"], **kw)
    assert app.security_required is False and app.granted is None

    with pytest.raises(NotAllowed):
        arb.advance_execution_decide(case=case, user=dstaff["clerk"], request_id=app.pk, granted=True,
                                     on=D(2025, 6, 23), court_name="拉萨市城关区人民法院")
    with pytest.raises(NotAllowed):  # a member, not the presiding arbitrator
        arb.advance_execution_decide(case=case, user=dstaff["arb2"], request_id=app.pk, granted=True,
                                     on=D(2025, 6, 23), court_name="拉萨市城关区人民法院")
    with pytest.raises(DomainError) as e:
        arb.advance_execution_decide(case=case, user=dstaff["arb1"], request_id=app.pk, granted=True,
                                     on=D(2025, 6, 23))
    assert "court_name" in e.value.errors
    arb.advance_execution_decide(case=case, user=dstaff["arb1"], request_id=app.pk, granted=True,
                                 on=D(2025, 6, 23), court_name="拉萨市城关区人民法院")
    app.refresh_from_db()
    assert (app.granted, app.sent_to_court_on, app.court_name) == (True, D(2025, 6, 23), "拉萨市城关区人民法院")
    with pytest.raises(Conflict):
        arb.advance_execution_decide(case=case, user=dstaff["chair"], request_id=app.pk, granted=False,
                                     on=D(2025, 6, 24))
    assert events(case, "advance_execution")[0].detail["granted"] is True


def test_an_employer_applicant_may_be_asked_for_security_and_the_chair_may_refuse(make_case, dstaff):
    case = accepted(make_case, dstaff)
    employer = party(case, "respondent")
    app = arb.advance_execution_apply(case=case, user=dstaff["clerk"], party_id=employer.pk, categories=["damages"],
                                      amount="1000", applied_on=D(2025, 6, 20), reasons="生产经营困难",
                                      security_required=True)
    assert app.security_required and app.amount == Decimal("1000.00")
    arb.advance_execution_decide(case=case, user=dstaff["chair"], request_id=app.pk, granted=False, on=D(2025, 6, 23))
    app.refresh_from_db()
    assert app.granted is False and app.sent_to_court_on is None


# --- closing and history --------------------------------------------------------------------------------------------

def test_a_case_closed_by_award_is_kept_ten_years_and_closes_once(make_case, dstaff):
    case = accepted(make_case, dstaff)
    case.state = S.ARB_AWARDED
    case.save()
    arb.case_close(case=case, user=dstaff["clerk"], closure="award", on=D(2025, 8, 1))
    case.refresh_from_db()
    assert case.retention_until == D(2035, 8, 1) and case.closure == "award"
    assert not deadlines_for(case).filter(status__in=["OPEN", "EXTENDED", "PAUSED"]).exists()
    with pytest.raises(Conflict):
        arb.case_close(case=case, user=dstaff["clerk"], closure="award", on=D(2025, 8, 2))


def test_history_rows_name_the_acting_user(make_case, dstaff, real_pdf):
    case = make_case(received_at=D(2025, 6, 9))
    arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=D(2025, 6, 13))
    arb.tribunal_form(case=case, user=dstaff["chair"], procedure="simple", sole=dstaff["arb1"], on=D(2025, 6, 16))
    case.refresh_from_db()
    rows = list(case.history.order_by("history_date"))
    assert rows[-2].history_user == dstaff["clerk"] and rows[-2].state == S.ARB_ACCEPTED
    assert rows[-1].history_user == dstaff["chair"] and rows[-1].procedure == "simple"
    assert rows[-1].request_id and rows[-1].request_id != rows[-2].request_id
    seat = case.tribunal.get()
    assert seat.history.get().history_user == dstaff["chair"]
    award = dl(case, "ARB-AWARD")
    assert award.history.earliest().history_user == dstaff["clerk"]
    assert DisputeEvent.objects.get(case=case, code="accepted").actor == dstaff["clerk"]
    assert CaseDocument.objects.get(case=case, kind="acceptance_notice").issued_by == dstaff["clerk"]


def test_a_refusal_leaves_nothing_half_written(make_case, dstaff):
    case = accepted(make_case, dstaff)
    counts = (case.history.count(), DisputeEvent.objects.filter(case=case).count(), case.documents.count(),
              Deadline.objects.count())
    with pytest.raises(DomainError):
        arb.extension_approve(case=case, user=dstaff["chair"], requested_by=dstaff["arb1"], days=20, reason="x",
                              on=D(2025, 7, 1))
    with pytest.raises(DomainError):
        arb.tribunal_form(case=case, user=dstaff["chair"], procedure="ordinary", presiding=dstaff["arb1"],
                          members=[dstaff["arb2"], dstaff["arb3"]], on=D(2025, 6, 16),
                          declared_conflicts={dstaff["arb2"].pk: "interest"})
    assert counts == (case.history.count(), DisputeEvent.objects.filter(case=case).count(), case.documents.count(),
                      Deadline.objects.count())


# --- the workflow is kept consistent -------------------------------------------------------------------------------

def _with_process(case):
    from disputes.flows import ArbitrationFlow

    case.process = ArbitrationFlow.start.run()
    case.save()
    return case


def _open_tasks(case):
    from viewflow.workflow.models import Task

    return sorted(t.flow_task.name for t in Task.objects.filter(process_id=case.process_id,
                                                                status__in=["NEW", "ASSIGNED", "STARTED"]))


def test_supplement_completion_sends_the_flow_back_to_review_and_withdrawal_cancels_it(make_case, dstaff, real_pdf):
    from casework.workflow import task_complete
    from viewflow.workflow.models import Process, Task

    case = _with_process(make_case(received_at=D(2025, 6, 9)))
    review = Task.objects.get(process_id=case.process_id, flow_task_type="HUMAN", status="NEW")
    task_complete(user=dstaff["clerk"], task_id=review.pk,
                  data={"decision": "supplement", "missing": "劳动合同"})
    case.refresh_from_db()
    assert case.state == S.ARB_NEEDS_SUPPLEMENT and _open_tasks(case) == ["await_supplement"]
    arb.supplement_complete(case=case, user=None, on=timezone.localdate())
    assert _open_tasks(case) == ["review"]
    arb.withdraw(case=case, user=dstaff["clerk"], on=timezone.localdate())
    assert _open_tasks(case) == []
    assert Process.objects.get(pk=case.process_id).status == "CANCELED"
