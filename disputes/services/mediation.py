"""The mediation track's legal acts (spec §5): acceptance or refusal, sessions, the agreement and its instalments,
failure, performance, and the joint arbitral review of an agreement.

Law implemented (citations in the rule table, disputes.reference_data):
- LDMAL (《劳动争议调解仲裁法》) art. 10 (mediation bodies), 14 (a binding agreement is signed or sealed by both
  parties, signed by the mediator and sealed by the body; no agreement within 15 days: arbitration may be applied
  for), 15 (an agreement not performed: arbitration), 16 (an agreement on remuneration, work-injury medical costs,
  economic compensation or damages not performed in time: the worker may apply to the basic court for a payment
  order, 支付令).
- Enterprise Mediation Rules (《企业劳动争议协商调解规定》) art. 22 (accept within 3 working days, only when both
  sides consent and the matter is within scope; a refusal is recorded and notified in writing), art. 31 (failure and
  non-performance interrupt the limitation period: disputes.services.applications reads the dates written here).
- Arbitration Rules (《劳动人事争议仲裁办案规则》) art. 74 (joint application for arbitral review within 15 days of
  the agreement taking effect), 75 (what is not reviewed: an agreement that only confirms a labour relationship, or
  that a court has already confirmed), 76 (review concluded within 5 working days, extended once by 5 with the
  chair's approval), 77-79 (a mediation document, 调解书, whose terms are those of the agreement; a refusal is
  notified in writing).

Every function is one act: keyword-only, atomic, run inside ``casework.audit.acting(user)`` so every history row
carries the acting user, and writes one timeline event (``common.event``). Refusals are ``DomainError`` messages that
name the rule and its citation; the wrong user gets ``NotAllowed``. Deadlines live in the casework Deadline table
(MED-ACCEPT and MED-END are opened at receipt by disputes.services.applications; this module closes, waives and
opens the rest). Every closure sets ``retention_until`` with ARB-RETENTION-OTHER (Rules 24: 5 years)."""
import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from arrears.models import Category
from casework.access import has_role, in_region
from casework.audit import acting
from casework.errors import DomainError, NotAllowed
from casework.services.config import param, rule
from casework.services.deadlines import deadline_extend, deadlines_for, open_deadline

from ..access import Role, can_handle
from ..documents import document_issue
from ..models import (ArbitrationCommission, DisputeCase, DisputeEvent, DisputeParty, DisputeState as S, Instalment,
                      JointReview, MediationAgreement, MediationDocument, MediationSession, Track)
from .common import (cite, lock, close_dl, current_due, due, event, next_doc_no, open_dl, require_state, save, today,
                     waive_dl)

__all__ = [
    "mediation_accept", "session_add", "agreement_record", "mediation_fail", "mediation_overdue_sweep",
    "instalment_pay", "agreement_overview", "instalments_overdue_sweep", "performance_conclude",
    "joint_review_extend", "joint_review_decide", "mediation_close_retention", "PAYMENT_ORDER_CATEGORIES",
    "PERFORMANCE_OUTCOMES",
]

LDMAL_14 = "《劳动争议调解仲裁法》第十四条"
LDMAL_15 = "《劳动争议调解仲裁法》第十五条"
LDMAL_16 = "《劳动争议调解仲裁法》第十六条"
RULES_75 = "《劳动人事争议仲裁办案规则》第七十五条"
RULES_76 = "《劳动人事争议仲裁办案规则》第七十六条"
RULES_77_79 = "《劳动人事争议仲裁办案规则》第七十七条至第七十九条"
CENT = Decimal("0.01")

# LDMAL 16: 拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金. Claim categories (arrears.Category) that fall under it.
# Double wages for want of a written contract (double_wages) are left out: whether they are "damages" in the sense
# of art. 16 is disputed, so the system does not promise a payment order for them.
PAYMENT_ORDER_CATEGORIES = (Category.WAGES, Category.OVERTIME, Category.MIN_WAGE_GAP, Category.INJURY_MEDICAL,
                            Category.SEVERANCE, Category.UNLAWFUL_TERMINATION, Category.ADDITIONAL_COMPENSATION)

PERFORMANCE_OUTCOMES = ("performed", "not_performed", "joint_review")


# --- guards -------------------------------------------------------------------------------------------------------

def _require_mediation(case: DisputeCase):
    if case.track != Track.MEDIATION:
        raise DomainError({"__all__": [_("This is not a mediation case.")]})


def _require_mediator(user, case: DisputeCase):
    """Mediators act: the case's mediator, or any mediator of the region while none is set."""
    if not has_role(user, Role.MEDIATOR) or not can_handle(user, case):
        raise NotAllowed(_("Only a mediator of this case's region may do this."))
    if case.mediator_id and case.mediator_id != user.pk:
        raise NotAllowed(_("Only the case's mediator may do this."))


def _require_commission_staff(user, commission: ArbitrationCommission, *roles):
    """The joint review is the commission's work: its clerks and chair (Rules 74-79)."""
    if not has_role(user, *roles) or not in_region(user, commission.region_id):
        raise NotAllowed(_("Only the staff of %(commission)s may do this.") % {"commission": commission.name})


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise DomainError({field: [_("Enter a valid date.")]}) from None


def _check_date(value, field: str, *, not_before: dt.date | None = None, not_before_label: str = "",
                now: dt.date | None = None) -> dt.date:
    """A date of an act: not in the future, and not before the act it follows."""
    value = _date(value, field)
    now = now or today()
    if value > now:
        raise DomainError({field: [_("This date is in the future.")]})
    if not_before is not None and value < not_before:
        raise DomainError({field: [_("This date is before %(what)s (%(date)s).")
                                   % {"what": not_before_label, "date": not_before}]})
    return value


def _amount(value, field: str, *, positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError({field: [_("Enter an amount in yuan.")]}) from None
    if not amount.is_finite():
        raise DomainError({field: [_("Enter an amount in yuan.")]})
    if amount != amount.quantize(CENT):
        raise DomainError({field: [_("Amounts have at most two decimal places (fen).")]})
    if positive and amount <= 0:
        raise DomainError({field: [_("The amount must be more than zero.")]})
    return amount.quantize(CENT)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _applicant_name(case: DisputeCase) -> str:
    party = case.parties.filter(side=DisputeParty.Side.APPLICANT).select_related("person", "employer").first()
    if party is None:
        return ""
    return party.person.name if party.person_id else party.employer.name


def mediation_close_retention(*, case: DisputeCase, on: dt.date) -> dt.date:
    """Keep the file of a mediation case closed on ``on`` for ARB-RETENTION-OTHER (Rules 24: cases not closed by
    an award, 5 years). Sets ``case.retention_until`` (the caller saves) and returns it."""
    case.retention_until = due(on, "ARB-RETENTION-OTHER", case.region_id)
    return case.retention_until


def _close(case: DisputeCase, closure: str, on: dt.date, reason: str = ""):
    case.closure = closure
    case.closed_at = on
    if reason:
        case.closure_reason = reason
    mediation_close_retention(case=case, on=on)


def _waive_if_open(case: DisputeCase, rule_id: str):
    if open_deadline(case, rule_id) is not None:
        waive_dl(case, rule_id)


# --- acceptance ---------------------------------------------------------------------------------------------------

@transaction.atomic
def mediation_accept(*, case: DisputeCase, user, accept: bool, respondent_consented: bool | None = None,
                     reason: str = "", on: dt.date | None = None) -> DisputeCase:
    """EMR art. 22: the mediation body accepts an application within 3 working days (MED-ACCEPT) when the matter is
    within its scope and both parties consent, or refuses it, records why and tells the applicant in writing.

    Accept -> MED_IN_MEDIATION, the acting mediator becomes the case's mediator (unless one is set), MED-ACCEPT is
    closed (met or late). Refuse -> MED_REFUSED and closed (closure "med_refused"), a refusal notice to the
    applicant (who may apply for arbitration), MED-END waived. ``respondent_consented`` None means "as recorded on
    the application"; acceptance needs it to be True."""
    with acting(user):
        case = lock(case)
        _require_mediation(case)
        _require_mediator(user, case)
        require_state(case, S.MED_APPLIED)
        on = _check_date(on or today(), "on", not_before=case.received_at,
                         not_before_label=_("the application was received"))
        reason = (reason or "").strip()
        if respondent_consented is not None:
            case.respondent_consented = respondent_consented
        accept_due = current_due(case, "MED-ACCEPT") or due(case.received_at, "MED-ACCEPT", case.region_id)
        late = on > accept_due
        if accept:
            if case.respondent_consented is not True:
                raise DomainError({"respondent_consented": [
                    _("Mediation is accepted only when both parties agree to it, and the respondent has not "
                      "consented (%(cite)s). Refuse the application in writing instead: the applicant may then "
                      "apply for arbitration.") % {"cite": cite("MED-ACCEPT", on)}]})
            case.state = S.MED_IN_MEDIATION
            case.accepted_at = on
            if not case.mediator_id:
                case.mediator = user
            save(case, user)
            close_dl(case, "MED-ACCEPT", on=on)
            # MED-END runs from receipt (LDMAL 14); applications opens it. Open it here only if it never was.
            if not deadlines_for(case).filter(rule_id="MED-END").exists():
                open_dl(case, "MED-END", case.received_at)
            event(case, "med_accepted", user=user, on=on, due=accept_due, late=late,
                  mediation_ends=current_due(case, "MED-END"), citation=cite("MED-ACCEPT", on))
            return case
        if not reason:
            raise DomainError({"reason": [_("Give the reason for refusing: it is recorded and sent to the "
                                            "applicant in writing (%(cite)s).") % {"cite": cite("MED-ACCEPT", on)}]})
        case.state = S.MED_REFUSED
        case.refusal_reason = reason
        _close(case, DisputeCase.Closure.MED_REFUSED, on, reason)
        save(case, user)
        close_dl(case, "MED-ACCEPT", on=on)
        _waive_if_open(case, "MED-END")
        document_issue(case, "mediation_refusal", user=user, context={
            "addressee": _applicant_name(case), "reason": reason, "refused_on": on,
            "may_apply_arbitration": True, "citation": cite("MED-ACCEPT", on)})
        event(case, "med_refused", user=user, on=on, reason=reason, late=late, may_apply_arbitration=True,
              citation=cite("MED-ACCEPT", on))
        return case


# --- mediating ----------------------------------------------------------------------------------------------------

@transaction.atomic
def session_add(*, case: DisputeCase, user, held_on, place: str, summary: str) -> MediationSession:
    """A mediation session (EMR: the mediator hears both sides and records it). Only while mediating."""
    with acting(user):
        case = lock(case)
        _require_mediation(case)
        _require_mediator(user, case)
        require_state(case, S.MED_IN_MEDIATION)
        held_on = _check_date(held_on, "held_on", not_before=case.received_at,
                              not_before_label=_("the application was received"))
        errors = {}
        if not (place or "").strip():
            errors["place"] = [_("This field is required.")]
        if not (summary or "").strip():
            errors["summary"] = [_("This field is required.")]
        if errors:
            raise DomainError(errors)
        session = save(MediationSession(case=case, held_on=held_on, place=place.strip(), summary=summary.strip(),
                                        mediator=user), user)
        event(case, "med_session", user=user, held_on=held_on, place=session.place)
        return session


def _check_instalments(instalments, *, total: Decimal, signed_on: dt.date) -> list[tuple[dt.date, Decimal]]:
    rows = list(instalments or [])
    if not rows:
        raise DomainError({"instalments": [_("The agreement must say when the amount is paid: give at least one "
                                             "instalment.")]})
    most = int(param("mediation.agreement_max_instalments", on=signed_on))
    if len(rows) > most:
        raise DomainError({"instalments": [_("An agreement has at most %(n)s instalments (configured legal "
                                             "parameter mediation.agreement_max_instalments).") % {"n": most}]})
    out, previous = [], None
    for i, row in enumerate(rows):
        row = row or {}
        due_on = _date(row.get("due_on"), f"instalments.{i}.due_on")
        amount = _amount(row.get("amount"), f"instalments.{i}.amount")
        if due_on < signed_on:
            raise DomainError({f"instalments.{i}.due_on": [
                _("An instalment cannot fall due before the agreement is signed (%(date)s).") % {"date": signed_on}]})
        if previous is not None and due_on <= previous:
            raise DomainError({f"instalments.{i}.due_on": [
                _("Instalments must fall due one after another: this one is due on or before the previous one "
                  "(%(date)s).") % {"date": previous}]})
        previous = due_on
        out.append((due_on, amount))
    added = sum((a for _d, a in out), Decimal("0.00"))
    if added != total:
        raise DomainError({"instalments": [
            _("The instalments add up to %(sum)s yuan but the agreement's total is %(total)s yuan: they must be "
              "equal.") % {"sum": _yuan(added), "total": _yuan(total)}]})
    return out


@transaction.atomic
def agreement_record(*, case: DisputeCase, user, text: str, total_amount, signed_on, instalments: list,
                     signed_by_applicant: bool, signed_by_respondent: bool, signed_by_mediator: bool,
                     sealed_by_body: bool) -> MediationAgreement:
    """调解协议书 (LDMAL 14): binding once signed or sealed by both parties, signed by the mediator and sealed by the
    body; it takes effect on signature. Records the agreement and its instalment schedule (each > 0, due dates
    strictly increasing and not before signature, adding up exactly to the total), sets MED_AGREEMENT, waives
    MED-END, opens MED-REVIEW-FILE (Rules 74: joint review within 15 days of effect) and issues the agreement to
    the main file."""
    with acting(user):
        case = lock(case)
        _require_mediation(case)
        _require_mediator(user, case)
        require_state(case, S.MED_IN_MEDIATION)
        missing = [label for ok, label in (
            (signed_by_applicant, _("the applicant's signature or seal")),
            (signed_by_respondent, _("the respondent's signature or seal")),
            (signed_by_mediator, _("the mediator's signature")),
            (sealed_by_body, _("the mediation body's seal"))) if not ok]
        if missing:
            raise DomainError({"signatures": [
                _("A mediation agreement binds the parties only when signed or sealed by both parties, signed by "
                  "the mediator and sealed by the mediation body (%(cite)s). Missing: %(missing)s.")
                % {"cite": LDMAL_14, "missing": "; ".join(missing)}]})
        text = (text or "").strip()
        if not text:
            raise DomainError({"text": [_("Write the terms of the agreement.")]})
        signed_on = _check_date(signed_on, "signed_on", not_before=case.received_at,
                                not_before_label=_("the application was received"))
        total = _amount(total_amount, "total_amount")
        schedule = _check_instalments(instalments, total=total, signed_on=signed_on)
        agreement = save(MediationAgreement(
            case=case, text=text, total_amount=total, signed_on=signed_on, signed_by_applicant=True,
            signed_by_respondent=True, signed_by_mediator=True, sealed_by_body=True, effective_on=signed_on), user)
        for seq, (due_on, amount) in enumerate(schedule, start=1):
            save(Instalment(agreement=agreement, seq=seq, due_on=due_on, amount=amount), user)
        case.state = S.MED_AGREEMENT
        save(case, user)
        _waive_if_open(case, "MED-END")
        review_file = open_dl(case, "MED-REVIEW-FILE", agreement.effective_on)
        document_issue(case, "mediation_agreement", user=user, context={
            "terms": text, "total_amount": total, "signed_on": signed_on, "effective_on": agreement.effective_on,
            "instalments": [{"seq": seq, "due_on": d, "amount": a} for seq, (d, a) in enumerate(schedule, 1)],
            "mediator_name": user.get_full_name() or user.get_username(),
            "body_name": case.body.name if case.body_id else "", "citation": LDMAL_14,
            "review_file_by": review_file.effective_due})
        event(case, "med_agreement", user=user, signed_on=signed_on, total=total, instalments=len(schedule),
              joint_review_by=review_file.effective_due, citation=LDMAL_14)
        return agreement


@transaction.atomic
def mediation_fail(*, case: DisputeCase, user, on: dt.date | None = None, reason: str = "") -> DisputeCase:
    """Mediation ends without agreement (LDMAL 14; EMR 29): MED_FAILED and closed (closure "med_failed"); the
    worker is told in writing that they may apply for arbitration. The failure date is what interrupts the
    limitation period (EMR 31)."""
    with acting(user):
        case = lock(case)
        _require_mediation(case)
        _require_mediator(user, case)
        require_state(case, S.MED_IN_MEDIATION)
        on = _check_date(on or today(), "on", not_before=case.received_at,
                         not_before_label=_("the application was received"))
        reason = (reason or "").strip()
        case.state = S.MED_FAILED
        case.mediation_failed_at = on
        _close(case, DisputeCase.Closure.MED_FAILED, on, reason)
        save(case, user)
        close_dl(case, "MED-END", on=on)
        document_issue(case, "mediation_failed", user=user, context={
            "addressee": _applicant_name(case), "failed_on": on, "reason": reason, "may_apply_arbitration": True,
            "citation": LDMAL_14})
        event(case, "med_failed", user=user, on=on, reason=reason, may_apply_arbitration=True, citation=LDMAL_14)
        return case


def mediation_overdue_sweep(*, today: dt.date | None = None) -> int:
    """LDMAL 14: when no agreement is reached within 15 days of receipt (MED-END), the parties may apply for
    arbitration. For every mediation case still applied for or in mediation, without agreement, whose MED-END date
    has passed, write the public event "med_unlocked" once. The state does not change: both parties may agree to go
    on mediating. Idempotent (a second run writes nothing); returns the number of events written."""
    from .common import today as _today

    now = today or _today()
    ids = list(DisputeCase.objects.filter(track=Track.MEDIATION, state__in=[S.MED_APPLIED, S.MED_IN_MEDIATION],
                                          agreement__isnull=True, received_at__lt=now)
               .exclude(events__code="med_unlocked").values_list("pk", flat=True))
    written = 0
    for pk in ids:
        with transaction.atomic(), acting(None, channel="task"):
            # Lock the row alone (no join: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join),
            # then re-check what the selection saw: an agreement may have been signed since.
            case = DisputeCase.objects.select_for_update().filter(
                pk=pk, state__in=[S.MED_APPLIED, S.MED_IN_MEDIATION]).first()
            if (case is None or MediationAgreement.objects.filter(case=case).exists()
                    or DisputeEvent.objects.filter(case=case, code="med_unlocked").exists()):
                continue
            end = current_due(case, "MED-END") or due(case.received_at, "MED-END", case.region_id)
            if now <= end:
                continue
            period = rule("MED-END", on=case.received_at)
            event(case, "med_unlocked", ended_on=end, may_apply_arbitration=True, citation=period.citation,
                  notice=f"自收到调解申请之日起{period.n}日内未达成调解协议，当事人可以依法申请仲裁"
                         f"（{LDMAL_14}）。")
            written += 1
    return written


# --- the agreement and its performance ------------------------------------------------------------------------------

def _agreement(case: DisputeCase) -> MediationAgreement:
    agreement = MediationAgreement.objects.filter(case=case).first()
    if agreement is None:
        raise DomainError({"__all__": [_("This case has no mediation agreement.")]})
    return agreement


@transaction.atomic
def instalment_pay(*, case: DisputeCase, user, seq: int, amount, paid_on) -> Instalment:
    """A payment under the agreement: partial payments add up, never beyond the instalment's amount; the date is
    not in the future and not before the agreement. Allowed while the agreement is followed and after it was found
    not performed (a late payment is still recorded)."""
    with acting(user):
        case = lock(case)
        _require_mediation(case)
        _require_mediator(user, case)
        require_state(case, S.MED_AGREEMENT, S.MED_NOT_PERFORMED)
        agreement = _agreement(case)
        instalment = Instalment.objects.select_for_update().filter(agreement=agreement, seq=seq).first()
        if instalment is None:
            raise DomainError({"seq": [_("The agreement has no instalment number %(seq)s.") % {"seq": seq}]})
        amount = _amount(amount, "amount")
        paid_on = _check_date(paid_on, "paid_on", not_before=agreement.signed_on,
                              not_before_label=_("the agreement was signed"))
        outstanding = instalment.amount - instalment.paid_amount
        if amount > outstanding:
            raise DomainError({"amount": [
                _("Instalment %(seq)s is %(amount)s yuan, of which %(paid)s yuan is already paid: at most "
                  "%(outstanding)s yuan can be recorded, not %(given)s yuan.")
                % {"seq": seq, "amount": _yuan(instalment.amount), "paid": _yuan(instalment.paid_amount),
                   "outstanding": _yuan(outstanding), "given": _yuan(amount)}]})
        instalment.paid_amount += amount
        instalment.paid_on = paid_on
        save(instalment, user)
        event(case, "instalment_paid", user=user, seq=seq, amount=amount, paid_on=paid_on,
              outstanding=instalment.amount - instalment.paid_amount,
              late=paid_on > instalment.due_on)
        return instalment


def agreement_overview(case: DisputeCase, today: dt.date | None = None) -> dict | None:
    """For pages: the agreement's instalments with their status on ``today`` (paid, overdue the day after the due
    date, otherwise pending), the total paid, what is outstanding, the next instalment due and whether any is
    overdue. None when the case has no agreement."""
    from .common import today as _today

    now = today or _today()
    agreement = MediationAgreement.objects.filter(case=case).first()
    if agreement is None:
        return None
    rows = []
    for inst in agreement.instalments.all():
        status = inst.status(now)
        rows.append({"seq": inst.seq, "due_on": inst.due_on, "amount": inst.amount, "paid_amount": inst.paid_amount,
                     "paid_on": inst.paid_on, "outstanding": inst.amount - inst.paid_amount, "status": status,
                     "instalment": inst})
    paid = sum((r["paid_amount"] for r in rows), Decimal("0.00"))
    unpaid = [r for r in rows if r["status"] != "paid"]
    return {
        "agreement": agreement, "instalments": rows, "total": agreement.total_amount, "paid_total": paid,
        "outstanding": agreement.total_amount - paid, "next_due": unpaid[0] if unpaid else None,
        "any_overdue": any(r["status"] == "overdue" for r in rows),
        "overdue_count": sum(1 for r in rows if r["status"] == "overdue"),
        "all_paid": not unpaid,
    }


def instalments_overdue_sweep(*, today: dt.date | None = None) -> int:
    """An instalment not fully paid by its due date is overdue from the next day: write the public event
    "instalment_overdue" once per instalment (for agreements still being followed or under joint review).
    Idempotent; returns the number of events written."""
    from django.db.models import F

    from .common import today as _today

    now = today or _today()
    candidates = list(Instalment.objects.filter(
        agreement__case__track=Track.MEDIATION, agreement__case__state__in=[S.MED_AGREEMENT, S.MED_JOINT_REVIEW],
        due_on__lt=now, paid_amount__lt=F("amount")).values_list("pk", "agreement__case_id", "seq"))
    written = 0
    for pk, case_id, seq in candidates:
        with transaction.atomic(), acting(None, channel="task"):
            case = DisputeCase.objects.select_for_update().get(pk=case_id)
            inst = Instalment.objects.get(pk=pk)
            if inst.status(now) != "overdue":
                continue
            if DisputeEvent.objects.filter(case=case, code="instalment_overdue", detail__seq=seq).exists():
                continue
            event(case, "instalment_overdue", seq=seq, due_on=inst.due_on, amount=inst.amount,
                  outstanding=inst.amount - inst.paid_amount)
            written += 1
    return written


def _payment_order_categories(case: DisputeCase) -> list[str]:
    if case.applicant_side != DisputeCase.ApplicantSide.WORKER:
        return []
    found = set(case.items.filter(category__in=PAYMENT_ORDER_CATEGORIES).values_list("category", flat=True))
    return [c for c in PAYMENT_ORDER_CATEGORIES if c in found]


def _default_commission(case: DisputeCase) -> ArbitrationCommission | None:
    prefecture = case.region_id[:4] + "00"
    return (ArbitrationCommission.objects.filter(region_id=prefecture).order_by("pk").first()
            or ArbitrationCommission.objects.filter(region_id=case.region_id).order_by("pk").first())


@transaction.atomic
def performance_conclude(*, case: DisputeCase, user, outcome: str, on: dt.date | None = None, filed_on=None,
                         commission: ArbitrationCommission | None = None) -> DisputeCase:
    """What became of the agreement.

    - "performed": every instalment fully paid -> MED_PERFORMED, then CLOSED (closure "med_performed").
    - "not_performed": at least one instalment overdue on ``on`` -> MED_NOT_PERFORMED and closed; the worker may
      apply for arbitration (LDMAL 15) or, for remuneration, work-injury medical costs, economic compensation or
      damages, apply to the basic court for a payment order (LDMAL 16).
    - "joint_review": both parties filed jointly for arbitral review on ``filed_on``, within MED-REVIEW-FILE (Rules
      74: 15 days of the agreement taking effect) -> JointReview at ``commission`` (default: the commission of the
      case's prefecture), MED_JOINT_REVIEW, MED-REVIEW opened (Rules 76: 5 working days)."""
    with acting(user):
        case = lock(case)
        _require_mediation(case)
        _require_mediator(user, case)
        require_state(case, S.MED_AGREEMENT)
        agreement = _agreement(case)
        instalments = list(agreement.instalments.all())
        if outcome == "performed":
            on = _check_date(on or today(), "on", not_before=agreement.signed_on,
                             not_before_label=_("the agreement was signed"))
            unpaid = [i.seq for i in instalments if i.status(on) != "paid"]
            if unpaid:
                raise DomainError({"outcome": [
                    _("The agreement is not performed yet: instalment(s) %(seqs)s are not fully paid.")
                    % {"seqs": ", ".join(map(str, unpaid))}]})
            case.state = S.MED_PERFORMED
            save(case, user)
            event(case, "med_performed", user=user, on=on, total=agreement.total_amount)
            case.state = S.CLOSED
            _close(case, DisputeCase.Closure.MED_PERFORMED, on)
            save(case, user)
            _waive_if_open(case, "MED-REVIEW-FILE")
            event(case, "closed", user=user, on=on, closure=case.closure)
            return case
        if outcome == "not_performed":
            on = _check_date(on or today(), "on", not_before=agreement.signed_on,
                             not_before_label=_("the agreement was signed"))
            overdue = [i for i in instalments if i.status(on) == "overdue"]
            if not overdue:
                raise DomainError({"outcome": [
                    _("No instalment is overdue on %(date)s: the agreement cannot be found not performed yet "
                      "(%(cite)s). An instalment is overdue from the day after its due date.")
                    % {"date": on, "cite": LDMAL_15}]})
            categories = _payment_order_categories(case)
            case.state = S.MED_NOT_PERFORMED
            _close(case, DisputeCase.Closure.MED_NOT_PERFORMED, on)
            save(case, user)
            _waive_if_open(case, "MED-REVIEW-FILE")
            notice = "用人单位未按调解协议约定履行，劳动者可以依法申请仲裁（《劳动争议调解仲裁法》第十五条）。"
            if categories:
                notice += ("本协议涉及支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项，劳动者也可以持调解协议书"
                           "依法向人民法院申请支付令（《劳动争议调解仲裁法》第十六条）。")
            event(case, "med_not_performed", user=user, on=on, overdue=[i.seq for i in overdue],
                  outstanding=sum((i.amount - i.paid_amount for i in instalments), Decimal("0.00")),
                  may_apply_arbitration=True, arbitration_basis=LDMAL_15,
                  payment_order=bool(categories), payment_order_categories=[str(c) for c in categories],
                  payment_order_basis=LDMAL_16 if categories else "", notice=notice)
            return case
        if outcome == "joint_review":
            if filed_on in (None, ""):
                raise DomainError({"filed_on": [_("Give the date the parties filed their joint application for "
                                                  "arbitral review.")]})
            filed_on = _check_date(filed_on, "filed_on", not_before=agreement.effective_on,
                                   not_before_label=_("the agreement took effect"))
            window = rule("MED-REVIEW-FILE", on=agreement.effective_on)
            last_day = (current_due(case, "MED-REVIEW-FILE")
                        or due(agreement.effective_on, "MED-REVIEW-FILE", case.region_id))
            if filed_on > last_day:
                raise DomainError({"filed_on": [
                    _("The joint application for arbitral review must be filed within %(n)s days of the agreement "
                      "taking effect (%(effective)s), that is by %(last)s; filed on %(filed)s it is too late "
                      "(%(cite)s).") % {"n": window.n, "effective": agreement.effective_on, "last": last_day,
                                         "filed": filed_on, "cite": window.citation}]})
            if JointReview.objects.filter(case=case).exists():
                raise DomainError({"outcome": [_("This agreement has already been reviewed by the arbitration "
                                                 "commission.")]})
            commission = commission or _default_commission(case)
            if commission is None:
                raise DomainError({"commission": [_("No arbitration commission is configured for this prefecture: "
                                                    "choose the commission.")]})
            review = save(JointReview(case=case, commission=commission, filed_on=filed_on), user)
            case.state = S.MED_JOINT_REVIEW
            save(case, user)
            close_dl(case, "MED-REVIEW-FILE", on=filed_on)
            deadline = open_dl(case, "MED-REVIEW", filed_on)
            event(case, "review_filed", user=user, filed_on=filed_on, commission=commission.name,
                  review_due=deadline.effective_due, citation=window.citation)
            return case
        raise DomainError({"outcome": [_("Choose one of: performed, not performed, joint arbitral review.")]})


# --- joint arbitral review (the commission's work) ------------------------------------------------------------------

def _review(case: DisputeCase) -> JointReview:
    review = JointReview.objects.select_related("commission").filter(case=case).first()
    if review is None:
        raise DomainError({"__all__": [_("No joint application for arbitral review was filed.")]})
    return review


@transaction.atomic
def joint_review_extend(*, case: DisputeCase, user) -> JointReview:
    """Rules 76: in special circumstances the review period is extended once by 5 working days (MED-REVIEW-EXT),
    approved by the commission's chair. A second extension is refused."""
    with acting(user):
        case = lock(case)
        _require_mediation(case)
        require_state(case, S.MED_JOINT_REVIEW)
        review = _review(case)
        ext = rule("MED-REVIEW-EXT", on=review.filed_on)
        if not has_role(user, Role.CHAIR) or not in_region(user, review.commission.region_id):
            raise NotAllowed(_("The review period is extended only with the approval of the chair of %(commission)s "
                               "(%(cite)s).") % {"commission": review.commission.name, "cite": ext.citation})
        if review.extended:
            raise DomainError({"__all__": [_("The review period can be extended only once, by %(n)s working days "
                                             "(%(cite)s).") % {"n": ext.n, "cite": ext.citation}]})
        if open_deadline(case, "MED-REVIEW") is None:
            open_dl(case, "MED-REVIEW", review.filed_on)
        deadline = deadline_extend(case=case, rule_id="MED-REVIEW", extension_rule_id="MED-REVIEW-EXT")
        review.extended = True
        save(review, user)
        event(case, "review_extended", user=user, public=True, new_due=deadline.effective_due,
              citation=ext.citation)
        return review


@transaction.atomic
def joint_review_decide(*, case: DisputeCase, user, confirmed: bool, reason: str = "",
                        on: dt.date | None = None) -> JointReview:
    """The commission concludes the review (Rules 76-79). Confirmed: a mediation document (调解书) with the
    agreement's terms and amount is made and issued to the main file, and the case is CLOSED (closure
    "med_reviewed"). Refused (Rules 75: e.g. an agreement that only confirms a labour relationship, or one a court
    has already confirmed; Rules 78): the reason is required and the case goes back to MED_AGREEMENT: the agreement
    stays binding and, if it is not performed, the worker may still apply for arbitration. MED-REVIEW is closed
    (met or late) either way."""
    with acting(user):
        case = lock(case)
        _require_mediation(case)
        require_state(case, S.MED_JOINT_REVIEW)
        review = _review(case)
        _require_commission_staff(user, review.commission, Role.CLERK, Role.CHAIR)
        on = _check_date(on or today(), "on", not_before=review.filed_on,
                         not_before_label=_("the joint application was filed"))
        reason = (reason or "").strip()
        review_due = current_due(case, "MED-REVIEW")
        review.concluded_on = on
        if confirmed:
            agreement = _agreement(case)
            md = MediationDocument(case=case, doc_no=next_doc_no(case, "mediation_document", year=on.year),
                                   text=agreement.text, amount=agreement.total_amount, made_on=on, issued_by=user)
            save(md, user)
            doc = document_issue(case, "mediation_document", user=user, doc_no=md.doc_no, context={
                "terms": agreement.text, "amount": agreement.total_amount, "made_on": on,
                "commission_name": review.commission.name, "agreement_signed_on": agreement.signed_on,
                "instalments": [{"seq": i.seq, "due_on": i.due_on, "amount": i.amount}
                                for i in agreement.instalments.all()],
                "joint_review": True, "citation": RULES_77_79})
            md.document = doc
            save(md, user)
            review.result = JointReview.Result.CONFIRMED
            save(review, user)
            case.state = S.CLOSED
            _close(case, DisputeCase.Closure.MED_REVIEWED, on)
            save(case, user)
        else:
            if not reason:
                raise DomainError({"reason": [
                    _("Give the reason for refusing the review (for example an agreement that only confirms a "
                      "labour relationship, or one a court has already confirmed: %(cite)s); the parties are told "
                      "in writing.") % {"cite": RULES_75}]})
            review.result = JointReview.Result.REFUSED
            review.refusal_reason = reason
            save(review, user)
            case.state = S.MED_AGREEMENT
            save(case, user)
        close_dl(case, "MED-REVIEW", on=on)
        event(case, "review_decided", user=user, on=on, confirmed=confirmed, reason=reason,
              late=bool(review_due and on > review_due), citation=RULES_76,
              **({} if confirmed else {"may_apply_arbitration_if_not_performed": True}))
        return review
