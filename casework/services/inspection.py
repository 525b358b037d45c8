"""The inspection track's rules (spec §4). Each function is one legal act; the task registry
(casework.workflow) maps the flow's steps onto them, so pages and the API run exactly the same rules.
Callers have already checked that ``user`` may act on the task; the four-eyes and legal guards are here."""
import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.calculators import additional_compensation_bounds, money
from arrears.models import ArrearsLineItem
from arrears.services import complaint_totals, criminal_test

from ..access import Role, has_role, in_region
from ..errors import DomainError
from ..models import (CaseEvent, Complaint, ComplaintState as S, Deadline, ExtensionRequest, InspectionDocument,
                      InspectionRecord, Region, StatementDefence)
from .clock import compute_due
from .config import param, rule
from .deadlines import deadline_close, deadline_extend, deadline_open, deadline_waive, deadlines_for
from . import tracks

__all__ = [
    "limitation_end", "limitation_expired", "complaint_triage", "complaint_resubmit", "inspection_record_add",
    "investigation_conclude", "extension_decide", "defence_record", "decision_issue", "compliance_conclude",
    "complaint_close", "rights_notice_text", "event",
]


def _today() -> dt.date:
    return timezone.localdate()


def event(complaint, code, *, user=None, public=False, **detail):
    from ..audit import current

    ctx = current()
    ev = CaseEvent.objects.create(complaint=complaint, code=code, actor=user if getattr(user, "pk", None) else None,
                                  public=public, detail=detail, request_id=ctx.request_id if ctx else "")
    if public:  # the worker (and for some events the employer) is told, in this same transaction
        from .notices import case_event_notify

        case_event_notify(ev)
    return ev


def _save(obj, user):
    obj._history_user = user
    obj.full_clean()
    obj.save()
    return obj


def _expect(complaint, *states):
    if complaint.state not in states:
        raise DomainError({"__all__": [_("This case is now “%(state)s”; this step is not possible any more.")
                                       % {"state": complaint.get_state_display()}]})


def _doc_no(complaint, code):
    n = complaint.documents.filter(doc_type=code).count() + 1
    abbrev = {"rectification": "ZG", "payment_order": "ZZ", "handling_decision": "CL", "penalty_decision": "CF",
              "refusal_notice": "BS"}[code]
    return f"{complaint.case_number}-{abbrev}{n}"


# --- limitation ---------------------------------------------------------------------------------------------------

def limitation_end(complaint) -> dt.date | None:
    """Last day a complaint may be pursued (Reg. 20: 2 years from the violation; a continuing violation counts
    from its end, so while it continues there is no end)."""
    if complaint.is_continuing or complaint.violation_end is None:
        return None
    r = rule("INSP-LIMITATION", on=complaint.received_at)
    return compute_due(complaint.violation_end, r.n, r.unit, None).due


def limitation_expired(complaint) -> bool:
    end = limitation_end(complaint)
    return end is not None and complaint.received_at > end


def rights_notice_text(on: dt.date) -> str:
    """The reconsideration/lawsuit rights every decision must carry (Reg. 19). Operative legal text stays in
    Chinese; the periods come from the rule table."""
    rec = rule("INSP-RECONSIDERATION", on=on)
    suit = rule("INSP-LAWSUIT", on=on)
    unit = {"CD": "日", "WD": "个工作日", "MONTH": "个月", "YEAR": "年"}
    return (f"如不服本决定，可以在收到本决定书之日起{rec.n}{unit[rec.unit]}内依法申请行政复议，"
            f"或者在{suit.n}{unit[suit.unit]}内依法向人民法院提起行政诉讼。")


# --- triage -------------------------------------------------------------------------------------------------------

TRIAGE_DECISIONS = ("accept", "needs_correction", "refuse_limitation", "redirect_dispute", "forward")


@transaction.atomic
def complaint_triage(*, complaint: Complaint, user, decision: str, note: str = "", correction_request: str = "",
                     forward_region_code: str = "", forwarded_to: str = "") -> Complaint:
    _expect(complaint, S.RECEIVED)
    today = _today()
    expired = limitation_expired(complaint)
    open_dispute = tracks.open_dispute_exists(complaint)
    if decision == "accept":
        if expired:
            raise DomainError({"decision": [_("The violation ended more than the limitation period before the "
                                              "complaint was received (%(end)s): it must be refused in writing.")
                                            % {"end": limitation_end(complaint)}]})
        if open_dispute:
            raise DomainError({"decision": [_("This worker and employer already have an open mediation or "
                                              "arbitration case: the complaint must be redirected, not accepted.")]})
        complaint.state = S.INVESTIGATING
        complaint.filed_at = today
        complaint.lead_inspector = user if has_role(user, Role.INSPECTOR) else complaint.lead_inspector
        complaint.triage_note = note
        _save(complaint, user)
        deadline_close(case=complaint, rule_id="INSP-ACCEPT", on=today)
        deadline_open(case=complaint, rule_id="INSP-INVESTIGATION", anchor_date=today,
                      region_code=complaint.handling_region_id, case_number=complaint.case_number)
        event(complaint, "accepted", user=user, public=True)
    elif decision == "needs_correction":
        if not correction_request.strip():
            raise DomainError({"correction_request": [_("Say what the complainant must add or correct.")]})
        complaint.state = S.NEEDS_CORRECTION
        complaint.correction_request = correction_request.strip()
        complaint.triage_note = note
        _save(complaint, user)
        deadline_close(case=complaint, rule_id="INSP-ACCEPT", on=today)
        event(complaint, "needs_correction", user=user, public=True, request=complaint.correction_request)
    elif decision == "refuse_limitation":
        if not expired:
            raise DomainError({"decision": [_("The limitation period has not run out (the violation is continuing "
                                              "or ended less than the limitation period before receipt).")]})
        complaint.state = S.REJECTED_LIMITATION
        complaint.triage_note = note
        complaint.outcome = Complaint.Outcome.REFUSED
        complaint.closed_at = today
        _save(complaint, user)
        InspectionDocument.objects.create(
            complaint=complaint, doc_type=InspectionDocument.DocType.REFUSAL_NOTICE,
            doc_no=_doc_no(complaint, "refusal_notice"), issued_at=today, addressed_to_worker=True, issued_by=user,
            text=(f"经审查，你反映的违法行为已超过《劳动保障监察条例》第二十条规定的二年期限（截至"
                  f"{limitation_end(complaint):%Y年%m月%d日}），本机构决定不予受理。{note}".strip()))
        deadline_close(case=complaint, rule_id="INSP-ACCEPT", on=today)
        event(complaint, "refused_limitation", user=user, public=True)
    elif decision == "redirect_dispute":
        complaint.state = S.REDIRECTED_DISPUTE
        complaint.triage_note = note
        complaint.outcome = Complaint.Outcome.REFUSED
        complaint.closed_at = today
        _save(complaint, user)
        deadline_close(case=complaint, rule_id="INSP-ACCEPT", on=today)
        event(complaint, "redirected_dispute", user=user, public=True, note=note)
    elif decision == "forward":
        if forward_region_code:
            region = Region.objects.filter(code=forward_region_code).exclude(level=Region.Level.PROVINCE).first()
            if region is None:
                raise DomainError({"forward_region_code": [_("Choose a prefecture or county.")]})
            if region.code == complaint.handling_region_id:
                raise DomainError({"forward_region_code": [_("The case is already handled there.")]})
            deadline_close(case=complaint, rule_id="INSP-ACCEPT", on=today)
            complaint.handling_region = region
            complaint.received_at = today
            complaint.triage_note = note
            _save(complaint, user)
            deadline_open(case=complaint, rule_id="INSP-ACCEPT", anchor_date=today, region_code=region.code,
                          case_number=complaint.case_number)
            event(complaint, "forwarded", user=user, public=True, region=region.code)
        else:
            if not forwarded_to.strip():
                raise DomainError({"forwarded_to": [_("Say which department the complaint goes to.")]})
            complaint.state = S.FORWARDED_JURISDICTION
            complaint.forwarded_to = forwarded_to.strip()
            complaint.triage_note = note
            complaint.outcome = Complaint.Outcome.TRANSFERRED
            complaint.closed_at = today
            _save(complaint, user)
            deadline_close(case=complaint, rule_id="INSP-ACCEPT", on=today)
            event(complaint, "forwarded_outside", user=user, public=True, to=complaint.forwarded_to)
    else:
        raise DomainError({"decision": [_("Choose one of the listed options.")]})
    return complaint


@transaction.atomic
def complaint_resubmit(*, complaint: Complaint, facts: str, employer_name: str = "", employer_address: str = "",
                       note: str = "") -> Complaint:
    """The complainant supplies what was asked; the complaint is received again and the clock restarts."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _expect(complaint, S.NEEDS_CORRECTION)
    if not facts.strip():
        raise DomainError({"facts": [_("This field is required.")]})
    today = _today()
    complaint.facts = facts.strip()
    if employer_name.strip():
        complaint.employer.name = employer_name.strip()[:200]
        if employer_address.strip():
            complaint.employer.address = employer_address.strip()[:255]
        complaint.employer.full_clean()
        complaint.employer.save()
    complaint.state = S.RECEIVED
    complaint.received_at = today
    complaint.full_clean()
    complaint.save()
    deadline_open(case=complaint, rule_id="INSP-ACCEPT", anchor_date=today, region_code=complaint.handling_region_id,
                  case_number=complaint.case_number)
    event(complaint, "resubmitted", public=True, note=note[:500])
    from ..flows import InspectionFlow

    task = complaint.process.task_set.filter(flow_task=InspectionFlow.await_correction, status="NEW").first()
    if task is not None:
        InspectionFlow.await_correction.run(task)
    return complaint


# --- investigation ------------------------------------------------------------------------------------------------

@transaction.atomic
def inspection_record_add(*, complaint: Complaint, user, kind: str, held_on: dt.date, place: str, summary: str,
                          inspectors) -> InspectionRecord:
    _expect(complaint, S.INVESTIGATING)
    inspectors = list(inspectors)
    minimum = int(param("inspection.min_inspectors", on=held_on))
    errors = {}
    if held_on > _today():
        errors["held_on"] = [_("This date is in the future.")]
    elif complaint.filed_at and held_on < complaint.filed_at:
        errors["held_on"] = [_("This date is before the case was filed.")]
    if len({u.pk for u in inspectors}) < minimum:
        errors["inspectors"] = [_("At least %(n)s inspectors must take part (Inspection Regulation art. 16).")
                                % {"n": minimum}]
    bad = [u for u in inspectors if not (has_role(u, Role.INSPECTOR, Role.INSPECTION_HEAD)
                                         and in_region(u, complaint.handling_region_id))]
    if bad:
        errors["inspectors"] = [_("Every participant must be an inspector of the handling region.")]
    if not summary.strip():
        errors["summary"] = [_("This field is required.")]
    if kind not in InspectionRecord.Kind.values:
        errors["kind"] = [_("Choose one of the listed options.")]
    if errors:
        raise DomainError(errors)
    record = _save(InspectionRecord(complaint=complaint, kind=kind, held_on=held_on, place=place[:255],
                                    summary=summary.strip(), recorded_by=user), user)
    record.inspectors.set(inspectors)
    event(complaint, "inspection_record", user=user, kind=kind, held_on=held_on.isoformat())
    return record


INVESTIGATION_DECISIONS = ("issue_order", "request_extension", "withdraw_case", "transfer", "no_violation")


@transaction.atomic
def investigation_conclude(*, complaint: Complaint, user, decision: str, doc_type: str = "payment_order",
                           payment_deadline: dt.date | None = None, text: str = "", reason: str = "",
                           transfer_to: str = "") -> Complaint:
    _expect(complaint, S.INVESTIGATING)
    today = _today()
    if decision == "request_extension":
        if ExtensionRequest.objects.filter(complaint=complaint).exists():
            raise DomainError({"decision": [_("The investigation period can be extended only once "
                                              "(Inspection Regulation art. 17).")]})
        if not reason.strip():
            raise DomainError({"reason": [_("Give the reason the case is complex.")]})
        _save(ExtensionRequest(complaint=complaint, reason=reason.strip(), requested_by=user), user)
        event(complaint, "extension_requested", user=user)
        return complaint
    if decision == "issue_order":
        totals = complaint_totals(complaint)
        errors = {}
        if not complaint.inspection_records.exists():
            errors["decision"] = [_("Record at least one site visit or inquiry before issuing an order.")]
        if not totals["all_verified"]:
            errors.setdefault("decision", []).append(
                str(_("Verify every worker's arrears (per month) before issuing an order.")))
        if doc_type not in ("payment_order", "rectification"):
            errors["doc_type"] = [_("Choose one of the listed options.")]
        if payment_deadline is None:
            errors["payment_deadline"] = [_("This field is required.")]
        elif payment_deadline <= today:
            errors["payment_deadline"] = [_("The payment deadline must be after today.")]
        if not text.strip():
            errors["text"] = [_("This field is required.")]
        if errors:
            raise DomainError(errors)
        for item in complaint.items.all():
            item.amount_ordered = item.amount_verified
            _save(item, user)
        InspectionDocument.objects.create(
            complaint=complaint, doc_type=doc_type, doc_no=_doc_no(complaint, doc_type), issued_at=today,
            payment_deadline=payment_deadline, amount=complaint_totals(complaint)["due"], text=text.strip(),
            addressed_to_worker=True, issued_by=user)
        complaint.state = S.ORDER_ISSUED
        _save(complaint, user)
        deadline_close(case=complaint, rule_id="INSP-INVESTIGATION", on=today)
        _open_fixed(complaint, "INSP-ORDER-PAYMENT", today, payment_deadline)
        event(complaint, "order_issued", user=user, public=True, payment_deadline=payment_deadline.isoformat())
        return complaint
    if decision in ("withdraw_case", "transfer", "no_violation"):
        if not reason.strip():
            raise DomainError({"reason": [_("This field is required.")]})
        if decision == "transfer" and not transfer_to.strip():
            raise DomainError({"transfer_to": [_("Say which department the case goes to.")]})
        complaint.state = {"withdraw_case": S.CLOSED_WITHDRAWN_CASE, "transfer": S.TRANSFERRED_OTHER_DEPT,
                           "no_violation": S.INVESTIGATING}[decision]
        complaint.triage_note = (complaint.triage_note + "\n" + reason.strip()).strip()
        complaint.forwarded_to = transfer_to.strip() if decision == "transfer" else complaint.forwarded_to
        complaint.outcome = {"withdraw_case": Complaint.Outcome.CASE_WITHDRAWN,
                             "transfer": Complaint.Outcome.TRANSFERRED,
                             "no_violation": Complaint.Outcome.NO_VIOLATION}[decision]
        _save(complaint, user)
        deadline_close(case=complaint, rule_id="INSP-INVESTIGATION", on=today)
        event(complaint, decision, user=user, public=True)
        return complaint
    raise DomainError({"decision": [_("Choose one of the listed options.")]})


def _open_fixed(complaint, rule_id, anchor, due):
    """A deadline fixed by a document (a payment deadline) rather than counted by a rule."""
    d = Deadline(case=complaint, case_number=complaint.case_number, region_id=complaint.handling_region_id,
                 rule_id=rule_id, n=(due - anchor).days, unit="CD", anchor_event="document issued",
                 anchor_date=anchor, due_date=due, citation=_("deadline set in the document"))
    d.full_clean()
    d.save()
    return d


@transaction.atomic
def extension_decide(*, complaint: Complaint, user, approve: bool, note: str = "") -> ExtensionRequest:
    req = ExtensionRequest.objects.select_for_update().filter(complaint=complaint, approved__isnull=True).first()
    if req is None:
        raise DomainError({"__all__": [_("There is no pending extension request.")]})
    if req.requested_by_id == user.pk:
        raise DomainError({"__all__": [_("The person who requested the extension cannot approve it.")]})
    req.approved = bool(approve)
    req.decided_by = user
    req.decided_at = timezone.now()
    req.decision_note = note
    _save(req, user)
    if approve:
        d = deadline_extend(case=complaint, rule_id="INSP-INVESTIGATION", extension_rule_id="INSP-EXTENSION")
        event(complaint, "investigation_extended", user=user, public=True, new_due=d.extended_to.isoformat())
    else:
        event(complaint, "extension_refused", user=user)
    return req


@transaction.atomic
def defence_record(*, complaint: Complaint, user, mode: str, received_on: dt.date, content: str = ""):
    _expect(complaint, S.ORDER_ISSUED)
    errors = {}
    if mode not in StatementDefence.Mode.values:
        errors["mode"] = [_("Choose one of the listed options.")]
    if received_on > _today():
        errors["received_on"] = [_("This date is in the future.")]
    if mode in ("written", "oral") and not content.strip():
        errors["content"] = [_("Record what the employer stated.")]
    if errors:
        raise DomainError(errors)
    sd = _save(StatementDefence(complaint=complaint, mode=mode, received_on=received_on, content=content.strip(),
                                recorded_by=user), user)
    complaint.state = S.DECISION_PENDING
    _save(complaint, user)
    event(complaint, "defence_recorded", user=user, mode=mode)
    return sd


@transaction.atomic
def decision_issue(*, complaint: Complaint, user, doc_type: str, text: str, payment_deadline: dt.date | None):
    _expect(complaint, S.DECISION_PENDING)
    if not StatementDefence.objects.filter(complaint=complaint).exists():
        raise DomainError({"__all__": [_("The employer's statement and defence must be recorded before a decision "
                                         "(Inspection Regulation art. 19).")]})
    today = _today()
    errors = {}
    if doc_type not in ("handling_decision", "penalty_decision"):
        errors["doc_type"] = [_("Choose one of the listed options.")]
    if not text.strip():
        errors["text"] = [_("This field is required.")]
    if payment_deadline is None:
        errors["payment_deadline"] = [_("This field is required.")]
    elif payment_deadline <= today:
        errors["payment_deadline"] = [_("The payment deadline must be after today.")]
    if errors:
        raise DomainError(errors)
    rights = rights_notice_text(today)
    body = text.strip()
    if rights not in body:
        body = f"{body}\n\n{rights}"
    InspectionDocument.objects.create(complaint=complaint, doc_type=doc_type, doc_no=_doc_no(complaint, doc_type),
                                      issued_at=today, payment_deadline=payment_deadline,
                                      amount=complaint_totals(complaint)["outstanding"], text=body,
                                      addressed_to_worker=True, issued_by=user)
    deadline_waive(case=complaint, rule_id="INSP-ORDER-PAYMENT")
    _open_fixed(complaint, "INSP-DECISION-PAYMENT", today, payment_deadline)
    complaint.state = S.DECIDED
    _save(complaint, user)
    event(complaint, "decided", user=user, public=True, payment_deadline=payment_deadline.isoformat())


def _payment_deadline(complaint) -> dt.date | None:
    doc = complaint.documents.filter(doc_type__in=["handling_decision", "penalty_decision"]) \
        .exclude(payment_deadline=None).order_by("-issued_at", "-id").first()
    return doc.payment_deadline if doc else None


@transaction.atomic
def compliance_conclude(*, complaint: Complaint, user, decision: str, compensation_rate: Decimal | None = None,
                        fine_amount: Decimal | None = None, request_court_enforcement: bool = False,
                        incident_limb: bool = False) -> Complaint:
    _expect(complaint, S.DECIDED)
    today = _today()
    totals = complaint_totals(complaint)
    deadline = _payment_deadline(complaint)
    if decision == "complied":
        if totals["outstanding"] > 0:
            raise DomainError({"decision": [_("%(left)s yuan is still unpaid: record the payments first, or "
                                              "conclude that the employer did not comply.")
                                            % {"left": totals["outstanding"]}]})
        complaint.state = S.COMPLIED
        _save(complaint, user)
        deadline_close(case=complaint, rule_id="INSP-DECISION-PAYMENT", on=today)
        event(complaint, "complied", user=user, public=True)
        return complaint
    if decision != "non_compliant":
        raise DomainError({"decision": [_("Choose one of the listed options.")]})
    errors = {}
    if deadline is None or today <= deadline:
        errors["decision"] = [_("The payment deadline (%(d)s) has not passed yet.") % {"d": deadline}]
    if totals["outstanding"] <= 0:
        errors["decision"] = [_("Nothing is outstanding: the employer complied.")]
    if errors:
        raise DomainError(errors)
    unpaid = totals["outstanding"]
    if compensation_rate is not None:
        rmin = param("inspection.additional_comp_rate_min", on=today)
        rmax = param("inspection.additional_comp_rate_max", on=today)
        if not (rmin <= compensation_rate <= rmax):
            errors["compensation_rate"] = [_("Additional compensation is between %(min)s%% and %(max)s%% of the "
                                             "unpaid amount (Inspection Regulation art. 26).")
                                           % {"min": f"{rmin * 100:g}", "max": f"{rmax * 100:g}"}]
        else:
            low, high = additional_compensation_bounds(unpaid, rmin, rmax)
            amount = money(unpaid * compensation_rate)
            complaint.additional_compensation_rate = compensation_rate
            complaint.additional_compensation_amount = min(max(amount, low), high)
    if fine_amount is not None:
        fmin = param("inspection.refusal_fine_min", on=today)
        fmax = param("inspection.refusal_fine_max", on=today)
        if not (fmin <= fine_amount <= fmax):
            errors["fine_amount"] = [_("The fine for refusing an order is between %(min)s and %(max)s yuan "
                                       "(Inspection Regulation art. 30).") % {"min": f"{fmin:,.0f}",
                                                                              "max": f"{fmax:,.0f}"}]
        else:
            complaint.fine_amount = money(fine_amount)
    if errors:
        raise DomainError(errors)
    # 法释〔2013〕3号 arts. 3-4: amount limb on what is outstanding, and ordered-and-still-unpaid (true here).
    met, limb, threshold = criminal_test(complaint, on=today)
    complaint.suspected_crime = met
    # Order 45 art. 5: amount limb (the same provincial threshold) or a mass/extreme incident; order unpaid.
    complaint.blacklist_candidate = met or bool(incident_limb)
    complaint.court_enforcement_requested = bool(request_court_enforcement)
    complaint.state = S.NON_COMPLIANT
    _save(complaint, user)
    deadline_close(case=complaint, rule_id="INSP-DECISION-PAYMENT", on=today)
    event(complaint, "non_compliant", user=user, public=True)
    if met:
        event(complaint, "flag_suspected_crime", user=user, limb=limb,
              placeholder=bool(threshold and threshold.is_placeholder))
    if complaint.blacklist_candidate:
        event(complaint, "flag_blacklist_candidate", user=user, incident_limb=bool(incident_limb))
    return complaint


CLOSABLE = (S.COMPLIED, S.NON_COMPLIANT, S.CLOSED_WITHDRAWN_CASE, S.TRANSFERRED_OTHER_DEPT, S.INVESTIGATING)


@transaction.atomic
def complaint_close(*, complaint: Complaint, user, outcome: str = "", note: str = "") -> Complaint:
    _expect(complaint, *CLOSABLE)
    totals = complaint_totals(complaint)
    if complaint.state == S.INVESTIGATING and complaint.outcome != Complaint.Outcome.NO_VIOLATION:
        raise DomainError({"__all__": [_("An investigation in progress is closed through its conclusion.")]})
    if not outcome:
        if complaint.state == S.COMPLIED:
            outcome = Complaint.Outcome.PAID_IN_FULL
        elif complaint.state == S.NON_COMPLIANT:
            outcome = Complaint.Outcome.PAID_IN_PART if totals["paid"] > 0 else Complaint.Outcome.NOT_PAID
        else:
            outcome = complaint.outcome
    if outcome not in Complaint.Outcome.values:
        raise DomainError({"outcome": [_("Choose one of the listed options.")]})
    if outcome == Complaint.Outcome.PAID_IN_FULL and totals["outstanding"] > 0:
        raise DomainError({"outcome": [_("Not everything is paid.")]})
    complaint.outcome = outcome
    complaint.amount_recovered = totals["paid"]
    complaint.closed_at = _today()
    complaint.state = S.CLOSED
    if note:
        complaint.triage_note = (complaint.triage_note + "\n" + note).strip()
    _save(complaint, user)
    for d in deadlines_for(complaint).filter(status__in=[Deadline.Status.OPEN, Deadline.Status.EXTENDED]):
        d.status = Deadline.Status.WAIVED
        d.save()
    event(complaint, "closed", user=user, public=True, outcome=outcome, recovered=str(totals["paid"]))
    return complaint


def assignable_inspectors(complaint):
    User = get_user_model()
    return [u for u in User.objects.filter(groups__name__in=[Role.INSPECTOR, Role.INSPECTION_HEAD], is_active=True)
            .distinct().order_by("username") if in_region(u, complaint.handling_region_id)]
