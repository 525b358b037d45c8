"""The mediation track's services (spec §5; disputes.services.mediation): every act and every refusal, the deadlines
on the real calendar (national 2025 calendar: 1-8 Oct off, make-up workdays Sun 28 Sep and Sat 11 Oct; Lhasa 2026:
15-26 Feb off, Sat 14 and Sat 28 Feb workdays), idempotent sweeps, history with the acting user and regional reach.

Cases come from ``make_case(track="mediation")``; ``applied`` also opens MED-ACCEPT and MED-END from the receipt
date, as disputes.services.applications does when an application is submitted."""
import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from casework.errors import DomainError, NotAllowed
from casework.models import Deadline
from casework.services.deadlines import deadlines_for
from disputes.models import (CaseDocument, DisputeCase, DisputeEvent, DisputeState as S, Instalment, JointReview,
                             MediationAgreement, MediationDocument, MediationSession)
from disputes.services import mediation as m
from disputes.services.common import current_due, open_dl

pytestmark = pytest.mark.django_db

D = dt.date
MON_0609 = D(2025, 6, 9)


@pytest.fixture(autouse=True)
def _media(private_media):
    return private_media


@pytest.fixture
def applied(make_case):
    def make(received_at=MON_0609, **fields):
        case = make_case(track="mediation", received_at=received_at, **fields)
        open_dl(case, "MED-ACCEPT", received_at)
        open_dl(case, "MED-END", received_at)
        return case

    return make


@pytest.fixture
def mediating(applied, dstaff):
    def make(received_at=MON_0609, **fields):
        case = applied(received_at=received_at, **fields)
        return m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True,
                                  on=received_at + dt.timedelta(days=1))

    return make


SCHEDULE = [{"due_on": D(2025, 6, 30), "amount": "2000.00"}, {"due_on": D(2025, 7, 31), "amount": "4000.00"}]


def _agree(case, user, *, signed_on=D(2025, 6, 16), instalments=SCHEDULE, total="6000.00", **over):
    kw = dict(signed_by_applicant=True, signed_by_respondent=True, signed_by_mediator=True, sealed_by_body=True)
    kw.update(over)
    return m.agreement_record(case=case, user=user, text="被申请人分两期支付拖欠工资6000元。", total_amount=total,
                              signed_on=signed_on, instalments=instalments, **kw)


@pytest.fixture
def agreed(mediating, dstaff):
    def make(received_at=MON_0609, signed_on=D(2025, 6, 16), instalments=SCHEDULE, total="6000.00", **fields):
        case = mediating(received_at=received_at, **fields)
        _agree(case, dstaff["mediator"], signed_on=signed_on, instalments=instalments, total=total)
        case.refresh_from_db()
        return case

    return make


def _dl(case, rule_id):
    return deadlines_for(case).filter(rule_id=rule_id).order_by("-pk").first()


def _events(case, code):
    return list(DisputeEvent.objects.filter(case=case, code=code))


def _msg(exc) -> str:
    return " ".join(m for msgs in exc.value.errors.values() for m in msgs)


# --- acceptance ---------------------------------------------------------------------------------------------------

def test_med_accept_due_counts_the_sunday_make_up_workday_and_accept_on_time(applied, dstaff):
    # Received Fri 2025-09-26, MED-ACCEPT = 3 working days (EMR 22). The day of receipt is not counted; Sat 27 is a
    # rest day; Sun 28 Sep is a make-up working day (调休) -> day 1; Mon 29 -> day 2; Tue 30 -> day 3. The national
    # holiday (1-8 Oct) starts after the period ends, so the calendar gives Tue 2025-09-30 (not 2025-10-09, and not
    # Wed 2025-10-01, which a weekday-only count would give).
    case = applied(received_at=D(2025, 9, 26))
    assert _dl(case, "MED-ACCEPT").due_date == D(2025, 9, 30)
    case = m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True,
                              on=D(2025, 9, 30))
    assert case.state == S.MED_IN_MEDIATION and case.mediator == dstaff["mediator"]
    assert case.accepted_at == D(2025, 9, 30) and case.respondent_consented is True
    d = _dl(case, "MED-ACCEPT")
    assert d.status == Deadline.Status.MET and d.met_at == D(2025, 9, 30)
    ev = _events(case, "med_accepted")[0]
    assert ev.public and ev.actor == dstaff["mediator"] and ev.detail["late"] is False
    assert ev.detail["due"] == "2025-09-30"


def test_med_accept_one_day_after_the_due_date_is_recorded_late(applied, dstaff):
    case = applied(received_at=D(2025, 9, 26))
    case = m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True,
                              on=D(2025, 10, 9))  # first working day after the holiday: late
    assert _dl(case, "MED-ACCEPT").status == Deadline.Status.BREACHED
    assert _events(case, "med_accepted")[0].detail["late"] is True


def test_med_accept_due_on_the_lhasa_calendar_over_losar(applied):
    # Lhasa 2026: Sat 14 Feb is a make-up workday (day 1), 15-26 Feb off, Fri 27 (day 2), Sat 28 Feb make-up
    # workday (day 3). A Shigatse case follows the national calendar (15-23 Feb off, Sat 14 Feb a make-up
    # workday): Sat 14 (1), Tue 24 (2), Wed 25 Feb (3).
    lhasa = applied(received_at=D(2026, 2, 13))
    assert _dl(lhasa, "MED-ACCEPT").due_date == D(2026, 2, 28)
    shigatse = applied(received_at=D(2026, 2, 13), region="540200")
    assert _dl(shigatse, "MED-ACCEPT").due_date == D(2026, 2, 25)


def test_accept_refused_without_the_respondents_consent(applied, dstaff):
    case = applied()
    with pytest.raises(DomainError) as exc:
        m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=False)
    assert "第二十二条" in _msg(exc) and "respondent_consented" in exc.value.errors
    # consent neither given now nor recorded on the application: also refused
    with pytest.raises(DomainError):
        m.mediation_accept(case=case, user=dstaff["mediator"], accept=True)
    case.refresh_from_db()
    assert case.state == S.MED_APPLIED and case.mediator is None and case.respondent_consented is None
    assert not _events(case, "med_accepted")
    assert _dl(case, "MED-ACCEPT").status == Deadline.Status.OPEN


def test_accept_uses_consent_recorded_on_the_application(applied, dstaff):
    case = applied(respondent_consented=True)
    case = m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, on=D(2025, 6, 10))
    assert case.state == S.MED_IN_MEDIATION


def test_refuse_needs_a_reason_then_closes_notifies_and_waives_med_end(applied, dstaff):
    case = applied()
    with pytest.raises(DomainError) as exc:
        m.mediation_accept(case=case, user=dstaff["mediator"], accept=False, reason="  ")
    assert "reason" in exc.value.errors and "第二十二条" in _msg(exc)
    case = m.mediation_accept(case=case, user=dstaff["mediator"], accept=False, respondent_consented=False,
                              reason="被申请人不同意调解", on=D(2025, 6, 11))
    assert case.state == S.MED_REFUSED and case.closure == DisputeCase.Closure.MED_REFUSED
    assert case.closed_at == D(2025, 6, 11) and case.retention_until == D(2030, 6, 11)
    assert case.refusal_reason == "被申请人不同意调解"
    doc = CaseDocument.objects.get(case=case, kind="mediation_refusal")
    assert doc.audience == CaseDocument.Audience.MAIN and doc.issued_by == dstaff["mediator"]
    assert _dl(case, "MED-END").status == Deadline.Status.WAIVED
    assert _dl(case, "MED-ACCEPT").status == Deadline.Status.MET
    ev = _events(case, "med_refused")[0]
    assert ev.public and ev.detail["may_apply_arbitration"] is True and ev.detail["reason"] == "被申请人不同意调解"


def test_accept_only_once_and_not_before_receipt(applied, dstaff):
    case = applied()
    with pytest.raises(DomainError):
        m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True,
                           on=D(2025, 6, 8))
    m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True, on=MON_0609)
    with pytest.raises(DomainError):
        m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True)


def test_accept_on_a_future_date_is_refused(applied, dstaff):
    case = applied()
    with freeze_time("2025-06-10 10:00:00+08:00"):
        with pytest.raises(DomainError) as exc:
            m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True,
                               on=D(2025, 6, 11))
        assert "on" in exc.value.errors
        case = m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True)
    assert case.accepted_at == D(2025, 6, 10)


def test_accept_keeps_a_mediator_already_assigned(applied, dstaff):
    case = applied(mediator=dstaff["mediator_b"])
    with pytest.raises(NotAllowed):
        m.mediation_accept(case=case, user=dstaff["mediator"], accept=True, respondent_consented=True)
    case = m.mediation_accept(case=case, user=dstaff["mediator_b"], accept=True, respondent_consented=True,
                              on=D(2025, 6, 10))
    assert case.mediator == dstaff["mediator_b"]


# --- permissions --------------------------------------------------------------------------------------------------

def test_a_shigatse_mediator_cannot_act_on_a_lhasa_case(applied, dstaff):
    case = applied()
    with pytest.raises(NotAllowed):
        m.mediation_accept(case=case, user=dstaff["mediator_shigatse"], accept=True, respondent_consented=True)
    case.refresh_from_db()
    assert case.state == S.MED_APPLIED and not DisputeEvent.objects.filter(case=case).exists()


@pytest.mark.parametrize("who", ["clerk", "chair", "auditor", "inspector", "arb1"])
def test_other_roles_cannot_mediate(applied, dstaff, who):
    case = applied()
    with pytest.raises(NotAllowed):
        m.mediation_accept(case=case, user=dstaff[who], accept=True, respondent_consented=True)


def test_once_a_mediator_is_set_another_mediator_of_the_region_cannot_act(mediating, dstaff):
    case = mediating()
    with pytest.raises(NotAllowed):
        m.session_add(case=case, user=dstaff["mediator_b"], held_on=D(2025, 6, 11), place="调解室", summary="x")
    with pytest.raises(NotAllowed):
        m.mediation_fail(case=case, user=dstaff["mediator_b"], on=D(2025, 6, 20))
    with pytest.raises(NotAllowed):
        _agree(case, dstaff["mediator_b"])


# --- mediation end (LDMAL 14) -------------------------------------------------------------------------------------

def test_med_end_ending_on_a_saturday_rolls_to_monday_and_the_sweep_unlocks_once(mediating, dstaff):
    # Received Fri 2025-06-06 + 15 calendar days = Sat 2025-06-21, a rest day: the period ends Mon 2025-06-23.
    case = mediating(received_at=D(2025, 6, 6))
    assert current_due(case, "MED-END") == D(2025, 6, 23)
    assert m.mediation_overdue_sweep(today=D(2025, 6, 23)) == 0  # the last day itself: not yet passed
    assert m.mediation_overdue_sweep(today=D(2025, 6, 24)) == 1
    assert m.mediation_overdue_sweep(today=D(2025, 6, 24)) == 0
    assert m.mediation_overdue_sweep(today=D(2025, 6, 30)) == 0
    (ev,) = _events(case, "med_unlocked")
    assert ev.public and ev.actor is None and ev.detail["ended_on"] == "2025-06-23"
    assert "第十四条" in ev.detail["notice"]
    case.refresh_from_db()
    assert case.state == S.MED_IN_MEDIATION  # both parties may agree to go on mediating


def test_overdue_sweep_covers_unaccepted_applications_and_skips_agreements_and_closed_cases(applied, agreed,
                                                                                          dstaff):
    waiting = applied(received_at=D(2025, 6, 6))
    with_agreement = agreed(received_at=D(2025, 6, 6), signed_on=D(2025, 6, 16))
    refused = applied(received_at=D(2025, 6, 6))
    m.mediation_accept(case=refused, user=dstaff["mediator"], accept=False, reason="不属于受理范围",
                       on=D(2025, 6, 9))
    assert m.mediation_overdue_sweep(today=D(2025, 7, 1)) == 1
    assert _events(waiting, "med_unlocked") and not _events(with_agreement, "med_unlocked")
    assert not _events(refused, "med_unlocked")


def test_overdue_sweep_counts_from_receipt_when_no_deadline_was_opened(make_case):
    case = make_case(track="mediation", received_at=D(2025, 6, 6))
    assert m.mediation_overdue_sweep(today=D(2025, 6, 23)) == 0
    assert m.mediation_overdue_sweep(today=D(2025, 6, 24)) == 1


# --- sessions -----------------------------------------------------------------------------------------------------

def test_session_add_and_its_date_guards(mediating, applied, dstaff):
    case = mediating()
    s = m.session_add(case=case, user=dstaff["mediator"], held_on=D(2025, 6, 11), place="城关区调解中心",
                      summary="双方陈述，被申请人承认欠薪")
    assert MediationSession.objects.get(pk=s.pk).mediator == dstaff["mediator"]
    assert _events(case, "med_session")[0].detail["held_on"] == "2025-06-11"
    with pytest.raises(DomainError) as exc:
        m.session_add(case=case, user=dstaff["mediator"], held_on=D(2025, 6, 8), place="x", summary="y")
    assert "held_on" in exc.value.errors
    with freeze_time("2025-06-12 09:00:00+08:00"):
        with pytest.raises(DomainError) as exc:
            m.session_add(case=case, user=dstaff["mediator"], held_on=D(2025, 6, 13), place="x", summary="y")
        assert "held_on" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        m.session_add(case=case, user=dstaff["mediator"], held_on=D(2025, 6, 11), place=" ", summary="")
    assert set(exc.value.errors) == {"place", "summary"}
    not_accepted = applied()
    with pytest.raises(DomainError):
        m.session_add(case=not_accepted, user=dstaff["mediator"], held_on=D(2025, 6, 11), place="x", summary="y")
    assert MediationSession.objects.count() == 1


# --- the agreement (LDMAL 14) -------------------------------------------------------------------------------------

def test_agreement_record_creates_schedule_waives_med_end_and_opens_the_review_window(mediating, dstaff):
    case = mediating()
    agreement = _agree(case, dstaff["mediator"], signed_on=D(2025, 6, 16))
    case.refresh_from_db()
    assert case.state == S.MED_AGREEMENT
    assert agreement.effective_on == D(2025, 6, 16) and agreement.total_amount == Decimal("6000.00")
    assert [(i.seq, i.due_on, i.amount) for i in agreement.instalments.all()] == [
        (1, D(2025, 6, 30), Decimal("2000.00")), (2, D(2025, 7, 31), Decimal("4000.00"))]
    assert _dl(case, "MED-END").status == Deadline.Status.WAIVED
    # 2025-06-16 + 15 CD = Tue 2025-07-01 (a working day)
    assert current_due(case, "MED-REVIEW-FILE") == D(2025, 7, 1)
    assert CaseDocument.objects.filter(case=case, kind="mediation_agreement", audience="main").count() == 1
    ev = _events(case, "med_agreement")[0]
    assert ev.public and ev.detail["total"] == "6000.00" and ev.detail["instalments"] == 2


@pytest.mark.parametrize("missing", ["signed_by_applicant", "signed_by_respondent", "signed_by_mediator",
                                     "sealed_by_body"])
def test_agreement_needs_all_four_signatures(mediating, dstaff, missing):
    case = mediating()
    with pytest.raises(DomainError) as exc:
        _agree(case, dstaff["mediator"], **{missing: False})
    assert "第十四条" in _msg(exc) and "signatures" in exc.value.errors
    case.refresh_from_db()
    assert case.state == S.MED_IN_MEDIATION and not MediationAgreement.objects.exists()
    assert _dl(case, "MED-END").status == Deadline.Status.OPEN
    assert not CaseDocument.objects.filter(case=case).exists()


def test_instalments_one_cent_short_are_refused_with_both_figures(mediating, dstaff):
    case = mediating()
    with pytest.raises(DomainError) as exc:
        _agree(case, dstaff["mediator"], instalments=[{"due_on": D(2025, 6, 30), "amount": "2000.00"},
                                                      {"due_on": D(2025, 7, 31), "amount": "3999.99"}])
    assert "5,999.99" in _msg(exc) and "6,000.00" in _msg(exc)
    assert not MediationAgreement.objects.exists() and not Instalment.objects.exists()
    # adding up exactly (Decimal, strings, floats-as-strings all the same) is accepted
    _agree(case, dstaff["mediator"], instalments=[{"due_on": D(2025, 6, 30), "amount": Decimal("1999.99")},
                                                  {"due_on": "2025-07-31", "amount": "4000.01"}])
    assert Instalment.objects.count() == 2


@pytest.mark.parametrize("instalments, field", [
    ([], "instalments"),
    ([{"due_on": D(2025, 6, 30), "amount": "0"}, {"due_on": D(2025, 7, 31), "amount": "6000"}],
     "instalments.0.amount"),
    ([{"due_on": D(2025, 6, 30), "amount": "-1"}, {"due_on": D(2025, 7, 31), "amount": "6001"}],
     "instalments.0.amount"),
    ([{"due_on": D(2025, 7, 31), "amount": "2000"}, {"due_on": D(2025, 7, 31), "amount": "4000"}],
     "instalments.1.due_on"),
    ([{"due_on": D(2025, 7, 31), "amount": "2000"}, {"due_on": D(2025, 6, 30), "amount": "4000"}],
     "instalments.1.due_on"),
    ([{"due_on": D(2025, 6, 15), "amount": "6000"}], "instalments.0.due_on"),
    ([{"due_on": D(2025, 6, 30), "amount": "6000.001"}], "instalments.0.amount"),
    ([{"due_on": "not a date", "amount": "6000"}], "instalments.0.due_on"),
    ([{"due_on": D(2025, 6, 30), "amount": "abc"}], "instalments.0.amount"),
])
def test_bad_instalment_schedules_are_refused(mediating, dstaff, instalments, field):
    case = mediating()
    with pytest.raises(DomainError) as exc:
        _agree(case, dstaff["mediator"], signed_on=D(2025, 6, 16), instalments=instalments)
    assert field in exc.value.errors
    assert not MediationAgreement.objects.exists()


def test_instalment_on_the_signing_day_is_allowed(mediating, dstaff):
    case = mediating()
    _agree(case, dstaff["mediator"], signed_on=D(2025, 6, 16),
           instalments=[{"due_on": D(2025, 6, 16), "amount": "6000.00"}])
    assert Instalment.objects.get().due_on == D(2025, 6, 16)


def test_more_instalments_than_the_configured_maximum_are_refused(mediating, dstaff):
    from casework.services.config import param

    most = int(param("mediation.agreement_max_instalments", on=D(2025, 6, 16)))
    case = mediating()
    start = D(2025, 7, 1)
    too_many = [{"due_on": start + dt.timedelta(days=30 * i), "amount": "100.00"} for i in range(most + 1)]
    with pytest.raises(DomainError) as exc:
        _agree(case, dstaff["mediator"], instalments=too_many, total=f"{100 * (most + 1)}.00")
    assert "mediation.agreement_max_instalments" in _msg(exc)
    _agree(case, dstaff["mediator"], instalments=too_many[:most], total=f"{100 * most}.00")
    assert Instalment.objects.count() == most


def test_agreement_date_and_state_guards(mediating, applied, dstaff):
    case = mediating()
    with pytest.raises(DomainError) as exc:
        _agree(case, dstaff["mediator"], signed_on=D(2025, 6, 1))
    assert "signed_on" in exc.value.errors
    with freeze_time("2025-06-16 09:00:00+08:00"):
        with pytest.raises(DomainError) as exc:
            _agree(case, dstaff["mediator"], signed_on=D(2025, 6, 17))
        assert "signed_on" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        m.agreement_record(case=case, user=dstaff["mediator"], text=" ", total_amount="6000", signed_on=D(2025, 6, 16),
                           instalments=SCHEDULE, signed_by_applicant=True, signed_by_respondent=True,
                           signed_by_mediator=True, sealed_by_body=True)
    assert "text" in exc.value.errors
    with pytest.raises(DomainError):
        _agree(applied(), dstaff["mediator"])  # not accepted yet
    _agree(case, dstaff["mediator"])
    with pytest.raises(DomainError):
        _agree(case, dstaff["mediator"])  # only once
    assert MediationAgreement.objects.count() == 1


# --- failure ------------------------------------------------------------------------------------------------------

def test_mediation_fail_closes_and_tells_the_worker_to_apply_for_arbitration(mediating, dstaff):
    case = mediating()
    case = m.mediation_fail(case=case, user=dstaff["mediator"], on=D(2025, 6, 20), reason="双方分歧过大")
    assert case.state == S.MED_FAILED and case.mediation_failed_at == D(2025, 6, 20)
    assert case.closure == DisputeCase.Closure.MED_FAILED and case.closed_at == D(2025, 6, 20)
    assert case.retention_until == D(2030, 6, 20)
    assert CaseDocument.objects.filter(case=case, kind="mediation_failed", audience="main").count() == 1
    ev = _events(case, "med_failed")[0]
    assert ev.public and ev.detail["may_apply_arbitration"] is True and "第十四条" in ev.detail["citation"]
    assert _dl(case, "MED-END").status == Deadline.Status.MET  # 2025-06-09 + 15 = Tue 2025-06-24


def test_mediation_fail_only_after_acceptance(applied, agreed, dstaff):
    with pytest.raises(DomainError):
        m.mediation_fail(case=applied(), user=dstaff["mediator"], on=D(2025, 6, 20))
    with pytest.raises(DomainError):
        m.mediation_fail(case=agreed(), user=dstaff["mediator"], on=D(2025, 6, 20))


# --- instalments --------------------------------------------------------------------------------------------------

def test_partial_payments_add_up_and_cannot_exceed_the_instalment(agreed, dstaff):
    case = agreed()
    i1 = m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="500.00", paid_on=D(2025, 6, 20))
    assert i1.paid_amount == Decimal("500.00") and i1.status(D(2025, 7, 1)) == "overdue"
    with pytest.raises(DomainError) as exc:
        m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="1500.01", paid_on=D(2025, 6, 25))
    assert "1,500.00" in _msg(exc) and "1,500.01" in _msg(exc) and "500.00" in _msg(exc)
    i1 = m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="1500.00", paid_on=D(2025, 6, 25))
    assert i1.paid_amount == Decimal("2000.00") and i1.paid_on == D(2025, 6, 25) and i1.status(D(2025, 9, 1)) == "paid"
    with pytest.raises(DomainError):
        m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="0.01", paid_on=D(2025, 6, 25))
    evs = _events(case, "instalment_paid")
    assert [e.detail["amount"] for e in evs] == ["500.00", "1500.00"] and evs[-1].detail["outstanding"] == "0.00"
    assert evs[0].actor == dstaff["mediator"]


def test_payment_guards(agreed, mediating, dstaff):
    case = agreed()
    pay = dict(case=case, user=dstaff["mediator"])
    for bad in ("0", "-5", "x", "1.005"):
        with pytest.raises(DomainError) as exc:
            m.instalment_pay(**pay, seq=1, amount=bad, paid_on=D(2025, 6, 20))
        assert "amount" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        m.instalment_pay(**pay, seq=3, amount="10", paid_on=D(2025, 6, 20))
    assert "seq" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        m.instalment_pay(**pay, seq=1, amount="10", paid_on=D(2025, 6, 15))  # before the agreement (06-16)
    assert "paid_on" in exc.value.errors
    with freeze_time("2025-06-20 09:00:00+08:00"):
        with pytest.raises(DomainError) as exc:
            m.instalment_pay(**pay, seq=1, amount="10", paid_on=D(2025, 6, 21))
        assert "paid_on" in exc.value.errors
    with pytest.raises(DomainError):
        m.instalment_pay(case=mediating(), user=dstaff["mediator"], seq=1, amount="10", paid_on=D(2025, 6, 20))
    assert Instalment.objects.filter(paid_amount__gt=0).count() == 0


def test_instalment_is_overdue_the_day_after_its_due_date_not_on_it(agreed):
    case = agreed()
    on_due = m.agreement_overview(case, today=D(2025, 6, 30))
    assert on_due["instalments"][0]["status"] == "pending" and on_due["any_overdue"] is False
    assert on_due["next_due"]["seq"] == 1
    after = m.agreement_overview(case, today=D(2025, 7, 1))
    assert after["instalments"][0]["status"] == "overdue" and after["any_overdue"] is True
    assert after["overdue_count"] == 1 and after["instalments"][1]["status"] == "pending"
    assert after["paid_total"] == Decimal("0.00") and after["outstanding"] == Decimal("6000.00")


def test_agreement_overview_totals_and_none_without_agreement(agreed, mediating, dstaff):
    assert m.agreement_overview(mediating(), today=D(2025, 7, 1)) is None
    case = agreed()
    m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="2000.00", paid_on=D(2025, 6, 30))
    m.instalment_pay(case=case, user=dstaff["mediator"], seq=2, amount="1000.00", paid_on=D(2025, 7, 10))
    ov = m.agreement_overview(case, today=D(2025, 7, 15))
    assert ov["paid_total"] == Decimal("3000.00") and ov["outstanding"] == Decimal("3000.00")
    assert [r["status"] for r in ov["instalments"]] == ["paid", "pending"]
    assert ov["next_due"]["seq"] == 2 and ov["next_due"]["outstanding"] == Decimal("3000.00")
    assert ov["all_paid"] is False


def test_instalments_overdue_sweep_is_idempotent(agreed, dstaff):
    case = agreed()
    assert m.instalments_overdue_sweep(today=D(2025, 6, 30)) == 0  # due today: not overdue yet
    assert m.instalments_overdue_sweep(today=D(2025, 7, 1)) == 1
    assert m.instalments_overdue_sweep(today=D(2025, 7, 1)) == 0
    assert m.instalments_overdue_sweep(today=D(2025, 8, 1)) == 1  # the second instalment now
    assert m.instalments_overdue_sweep(today=D(2025, 8, 2)) == 0
    assert sorted(e.detail["seq"] for e in _events(case, "instalment_overdue")) == [1, 2]
    assert all(e.public and e.actor is None for e in _events(case, "instalment_overdue"))


def test_instalments_overdue_sweep_skips_paid_instalments(agreed, dstaff):
    case = agreed()
    m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="2000.00", paid_on=D(2025, 6, 30))
    assert m.instalments_overdue_sweep(today=D(2025, 7, 1)) == 0
    m.instalment_pay(case=case, user=dstaff["mediator"], seq=2, amount="3999.99", paid_on=D(2025, 7, 31))
    assert m.instalments_overdue_sweep(today=D(2025, 8, 1)) == 1  # one cent short is still overdue


# --- performance ----------------------------------------------------------------------------------------------------

def test_performed_needs_every_instalment_paid_then_closes(agreed, dstaff):
    case = agreed()
    m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="2000.00", paid_on=D(2025, 6, 30))
    with pytest.raises(DomainError) as exc:
        m.performance_conclude(case=case, user=dstaff["mediator"], outcome="performed", on=D(2025, 7, 1))
    assert "2" in _msg(exc)
    m.instalment_pay(case=case, user=dstaff["mediator"], seq=2, amount="4000.00", paid_on=D(2025, 7, 20))
    case = m.performance_conclude(case=case, user=dstaff["mediator"], outcome="performed", on=D(2025, 7, 21))
    assert case.state == S.CLOSED and case.closure == DisputeCase.Closure.MED_PERFORMED
    assert case.closed_at == D(2025, 7, 21) and case.retention_until == D(2030, 7, 21)
    states = list(case.history.order_by("history_id").values_list("state", flat=True))
    assert states[-2:] == [S.MED_PERFORMED, S.CLOSED]
    assert _events(case, "med_performed") and _events(case, "closed")
    assert _dl(case, "MED-REVIEW-FILE").status == Deadline.Status.WAIVED


def test_not_performed_needs_an_overdue_instalment_and_points_to_arbitration_and_payment_order(agreed, dstaff):
    case = agreed()
    with pytest.raises(DomainError) as exc:
        m.performance_conclude(case=case, user=dstaff["mediator"], outcome="not_performed", on=D(2025, 6, 30))
    assert "第十五条" in _msg(exc)
    case = m.performance_conclude(case=case, user=dstaff["mediator"], outcome="not_performed", on=D(2025, 7, 1))
    assert case.state == S.MED_NOT_PERFORMED and case.closure == DisputeCase.Closure.MED_NOT_PERFORMED
    assert case.closed_at == D(2025, 7, 1) and case.retention_until == D(2030, 7, 1)
    ev = _events(case, "med_not_performed")[0]
    assert ev.public and ev.detail["may_apply_arbitration"] is True and ev.detail["overdue"] == [1]
    assert ev.detail["payment_order"] is True and ev.detail["payment_order_categories"] == ["wages"]
    assert "第十五条" in ev.detail["notice"] and "支付令" in ev.detail["notice"] and "第十六条" in ev.detail["notice"]
    assert ev.detail["outstanding"] == "6000.00"
    # a late payment after the finding is still recorded
    m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="2000.00", paid_on=D(2025, 7, 3))
    assert Instalment.objects.get(agreement__case=case, seq=1).paid_amount == Decimal("2000.00")


def test_not_performed_without_payment_order_categories(agreed, dstaff):
    case = agreed(items=[{"category": "social_insurance", "amount": Decimal("6000.00")}])
    case = m.performance_conclude(case=case, user=dstaff["mediator"], outcome="not_performed", on=D(2025, 7, 1))
    ev = _events(case, "med_not_performed")[0]
    assert ev.detail["payment_order"] is False and "支付令" not in ev.detail["notice"]


def test_unknown_outcome_and_wrong_state(agreed, mediating, dstaff):
    with pytest.raises(DomainError) as exc:
        m.performance_conclude(case=agreed(), user=dstaff["mediator"], outcome="maybe")
    assert "outcome" in exc.value.errors
    with pytest.raises(DomainError):
        m.performance_conclude(case=mediating(), user=dstaff["mediator"], outcome="performed")


# --- joint arbitral review (Rules 74-79) --------------------------------------------------------------------------

def test_joint_review_filed_on_day_15_is_accepted(agreed, dstaff, commission):
    # Agreement effective Mon 2025-06-09; +15 CD = Tue 2025-06-24, a working day.
    case = agreed(received_at=D(2025, 6, 2), signed_on=MON_0609)
    assert current_due(case, "MED-REVIEW-FILE") == D(2025, 6, 24)
    case = m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review", filed_on=D(2025, 6, 24))
    assert case.state == S.MED_JOINT_REVIEW
    review = JointReview.objects.get(case=case)
    assert review.commission == commission and review.filed_on == D(2025, 6, 24) and not review.extended
    assert _dl(case, "MED-REVIEW-FILE").status == Deadline.Status.MET
    # MED-REVIEW: 5 WD from Tue 06-24 -> Tue 2025-07-01
    assert current_due(case, "MED-REVIEW") == D(2025, 7, 1)
    assert _events(case, "review_filed")[0].detail["commission"] == commission.name


def test_joint_review_filed_on_day_16_is_refused_citing_rules_74(agreed, dstaff):
    case = agreed(received_at=D(2025, 6, 2), signed_on=MON_0609)
    with pytest.raises(DomainError) as exc:
        m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review", filed_on=D(2025, 6, 25))
    assert "第七十四条" in _msg(exc) and "2025-06-24" in _msg(exc) and "filed_on" in exc.value.errors
    case.refresh_from_db()
    assert case.state == S.MED_AGREEMENT and not JointReview.objects.exists()
    assert _dl(case, "MED-REVIEW-FILE").status == Deadline.Status.OPEN


def test_joint_review_window_ending_on_a_saturday_rolls_to_monday(agreed, dstaff):
    # Effective Fri 2025-06-06 + 15 = Sat 2025-06-21 -> Mon 2025-06-23.
    case = agreed(received_at=D(2025, 6, 2), signed_on=D(2025, 6, 6),
                  instalments=[{"due_on": D(2025, 7, 1), "amount": "6000.00"}])
    case = m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review", filed_on=D(2025, 6, 23))
    assert case.state == S.MED_JOINT_REVIEW


def test_joint_review_needs_a_filing_date_not_before_the_agreement(agreed, dstaff, commission_shigatse):
    case = agreed()
    with pytest.raises(DomainError) as exc:
        m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review")
    assert "filed_on" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review", filed_on=D(2025, 6, 15))
    assert "filed_on" in exc.value.errors
    case = m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review",
                                  filed_on=D(2025, 6, 17), commission=commission_shigatse)
    assert JointReview.objects.get(case=case).commission == commission_shigatse


def test_review_period_5_wd_over_the_national_holiday_extended_once_by_5_wd(agreed, dstaff):
    # Filed Fri 2025-09-26: Sun 28 (1), Mon 29 (2), Tue 30 (3), 1-8 Oct off, Thu 9 (4), Fri 10 Oct (5).
    # Extension +5 WD from Fri 10 Oct: Sat 11 Oct make-up workday (1), Mon 13 (2), Tue 14 (3), Wed 15 (4),
    # Thu 16 Oct (5).
    case = agreed(received_at=D(2025, 9, 10), signed_on=D(2025, 9, 15),
                  instalments=[{"due_on": D(2025, 12, 31), "amount": "6000.00"}])
    case = m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review",
                                  filed_on=D(2025, 9, 26))
    assert current_due(case, "MED-REVIEW") == D(2025, 10, 10)
    with pytest.raises(NotAllowed):
        m.joint_review_extend(case=case, user=dstaff["clerk"])  # the chair approves (Rules 76)
    review = m.joint_review_extend(case=case, user=dstaff["chair"])
    assert review.extended is True
    assert current_due(case, "MED-REVIEW") == D(2025, 10, 16)
    assert _dl(case, "MED-REVIEW").status == Deadline.Status.EXTENDED
    with pytest.raises(DomainError) as exc:
        m.joint_review_extend(case=case, user=dstaff["chair"])
    assert "第七十六条" in _msg(exc)
    assert current_due(case, "MED-REVIEW") == D(2025, 10, 16)
    ev = _events(case, "review_extended")[0]
    assert ev.public and ev.detail["new_due"] == "2025-10-16"
    # decided on the last day of the extended period: met
    m.joint_review_decide(case=case, user=dstaff["clerk"], confirmed=True, on=D(2025, 10, 16))
    assert _dl(case, "MED-REVIEW").status == Deadline.Status.MET


@pytest.fixture
def in_review(agreed, dstaff):
    def make():
        case = agreed()
        return m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review",
                                      filed_on=D(2025, 6, 20))

    return make


def test_review_confirmed_makes_a_mediation_document_and_closes(in_review, dstaff):
    case = in_review()
    # 5 WD from Fri 2025-06-20: due Fri 2025-06-27
    assert current_due(case, "MED-REVIEW") == D(2025, 6, 27)
    review = m.joint_review_decide(case=case, user=dstaff["clerk"], confirmed=True, on=D(2025, 6, 27))
    assert review.result == JointReview.Result.CONFIRMED and review.concluded_on == D(2025, 6, 27)
    md = MediationDocument.objects.get(case=case)
    agreement = MediationAgreement.objects.get(case=case)
    assert md.text == agreement.text and md.amount == Decimal("6000.00") and md.made_on == D(2025, 6, 27)
    assert md.issued_by == dstaff["clerk"] and md.doc_no
    assert md.document.kind == "mediation_document" and md.document.doc_no == md.doc_no
    case.refresh_from_db()
    assert case.state == S.CLOSED and case.closure == DisputeCase.Closure.MED_REVIEWED
    assert case.closed_at == D(2025, 6, 27) and case.retention_until == D(2030, 6, 27)
    assert _dl(case, "MED-REVIEW").status == Deadline.Status.MET
    ev = _events(case, "review_decided")[0]
    assert ev.detail["confirmed"] is True and ev.detail["late"] is False and ev.public


def test_review_decided_late_is_recorded(in_review, dstaff):
    case = in_review()
    m.joint_review_decide(case=case, user=dstaff["chair"], confirmed=True, on=D(2025, 6, 30))
    assert _dl(case, "MED-REVIEW").status == Deadline.Status.BREACHED
    assert _events(case, "review_decided")[0].detail["late"] is True


def test_review_refused_needs_a_reason_and_returns_to_the_binding_agreement(in_review, dstaff):
    case = in_review()
    with pytest.raises(DomainError) as exc:
        m.joint_review_decide(case=case, user=dstaff["clerk"], confirmed=False, on=D(2025, 6, 25))
    assert "reason" in exc.value.errors and "第七十五条" in _msg(exc)
    review = m.joint_review_decide(case=case, user=dstaff["clerk"], confirmed=False, reason="协议仅确认劳动关系",
                                   on=D(2025, 6, 25))
    assert review.result == JointReview.Result.REFUSED and review.refusal_reason == "协议仅确认劳动关系"
    case.refresh_from_db()
    assert case.state == S.MED_AGREEMENT and case.closure == "" and not MediationDocument.objects.exists()
    assert _dl(case, "MED-REVIEW").status == Deadline.Status.MET
    # the agreement stays binding: followed as before, not reviewed twice
    with pytest.raises(DomainError):
        m.performance_conclude(case=case, user=dstaff["mediator"], outcome="joint_review", filed_on=D(2025, 6, 26))
    case = m.performance_conclude(case=case, user=dstaff["mediator"], outcome="not_performed", on=D(2025, 7, 1))
    assert case.state == S.MED_NOT_PERFORMED


def test_review_decided_only_by_the_commissions_staff(in_review, dstaff):
    case = in_review()
    for who in ("clerk_shigatse", "mediator", "arb1", "auditor"):
        with pytest.raises(NotAllowed):
            m.joint_review_decide(case=case, user=dstaff[who], confirmed=True, on=D(2025, 6, 25))
    with pytest.raises(NotAllowed):
        m.joint_review_extend(case=case, user=dstaff["clerk_shigatse"])
    case.refresh_from_db()
    assert case.state == S.MED_JOINT_REVIEW


def test_review_decision_date_guards(in_review, agreed, dstaff):
    case = in_review()
    with pytest.raises(DomainError) as exc:
        m.joint_review_decide(case=case, user=dstaff["clerk"], confirmed=True, on=D(2025, 6, 19))
    assert "on" in exc.value.errors
    with pytest.raises(DomainError):
        m.joint_review_decide(case=agreed(), user=dstaff["clerk"], confirmed=True, on=D(2025, 6, 25))


# --- history ------------------------------------------------------------------------------------------------------

def test_history_rows_carry_the_acting_user(mediating, dstaff):
    case = mediating()
    agreement = _agree(case, dstaff["mediator"])
    m.instalment_pay(case=case, user=dstaff["mediator"], seq=1, amount="2000.00", paid_on=D(2025, 6, 30))
    case.refresh_from_db()
    # every change after the fixture wrote the case (directly, with no actor) was made by the mediator
    assert {h.history_user for h in case.history.exclude(history_type="+")} == {dstaff["mediator"]}
    accepted = case.history.filter(state=S.MED_IN_MEDIATION).first()
    assert accepted.history_user == dstaff["mediator"] and accepted.request_id
    assert agreement.history.first().history_user == dstaff["mediator"]
    inst = Instalment.objects.get(agreement=agreement, seq=1)
    assert {h.history_user for h in inst.history.all()} == {dstaff["mediator"]}
    assert {h.history_user for h in _dl(case, "MED-REVIEW-FILE").history.all()} == {dstaff["mediator"]}
    # one change id for everything one act wrote
    pay_rid = inst.history.first().request_id
    assert DisputeEvent.objects.get(case=case, code="instalment_paid").request_id == pay_rid
