"""The arbitration procedure up to the award (spec §6.1-6.3; the time rules of spec §2.2, rules 6 and 7).

One function per legal act, in the order a case meets them:

- acceptance: ``review_decide`` (accept, ask once for missing materials, refuse, explain lack of jurisdiction;
  LDMAL 29, Rules 29-31), ``supplement_complete`` (Rules 46(2)), ``acceptance_overdue_sweep`` (LDMAL 29: silence
  lets the applicant sue);
- service and defence: ``service_record`` (Rules 20, 59), ``defence_record``, ``defence_copy`` (LDMAL 30);
- the tribunal: ``tribunal_form`` (LDMAL 31-33, Rules 37, 56, 65), ``recusal_request`` / ``recusal_decide``
  (LDMAL 33-34, Rules 11-12) and the selectors ``member_may_act`` / ``pending_recusal``;
- the award period: ``extension_approve`` (LDMAL 43), ``suspend`` / ``resume`` (Rules 47; excluded days, Rules 46),
  ``clock_restart`` (Rules 46);
- hearings: ``hearing_schedule``, ``postponement_request`` (LDMAL 35), ``hearing_record`` (LDMAL 40, 42; Rules 39,
  42, 59), ``mediation_document_sign`` (LDMAL 42);
- ``withdraw`` (LDMAL 41), ``advance_execution_apply`` / ``advance_execution_decide`` (LDMAL 44, Rules 51) and
  ``case_close`` (retention, Rules 24).

Conventions (disputes.services.common): keyword-only, atomic, run inside ``casework.audit.acting(user)`` so every
history row names the actor; every refusal is a ``DomainError`` whose message names the rule (citations of the
rule-table rows come from the table itself); ``NotAllowed`` for the wrong user, ``Conflict`` when the act was
already done. Legal numbers come from the rule table (``rule``/``due``) and ``param``; none is written here.

Choices this module makes, and why:

- **"At least N working days before the hearing"** (the hearing notice, LDMAL 35 / Rules 38: 5 WD; a postponement
  request, LDMAL 35: 3 WD) is read as N *whole* working days lying between the day of the notice (or request) and
  the day of the hearing, neither of them counted: the hearing date must be **after** ``due(sent_on, rule)``. This
  follows the civil-procedure reading of "开庭X日前" (the first day of a period is not counted, spec §2.2 rule 1,
  and the hearing day itself is not a day "before" the hearing). A notice sent Mon 2025-06-16 allows a hearing on
  Tue 2025-06-24 at the earliest (the 5th working day, Mon 2025-06-23, is refused).
- **The award period and suspension** (Rules 46: suspended days are excluded): while suspended, the ARB-AWARD
  deadline is ``PAUSED`` (no breach or reminder while nothing may happen). On resume its ``paused_days`` grow by the
  calendar days suspended and its due date is recounted from the anchor as ``n + paused_days`` calendar days,
  rolled forward past rest days once; an approved extension is then counted again from that new due date. Pushing
  an already rolled date would roll twice (accepted Thu 2025-06-19: 45 CD end Sun 2025-08-03 -> Mon 2025-08-04;
  one suspended day gives Mon 2025-08-04, not Tue 2025-08-05).
- **A restart of the award period** (Rules 46: added party, changed claims, counterclaim, transfer) waives the
  running ARB-AWARD deadline and opens a new 45-day one; an extension approved on the old period does not carry
  over, and the one extension the law allows stays used (AwardExtension is one per case).
- **Settlement at a hearing** leaves the case ``ARB_HEARD``: the flow goes on to the award step, which is exactly
  what the law asks if a party refuses to sign for the mediation document before it takes effect (LDMAL 42 ¶3).
  When both parties have signed for it, ``mediation_document_sign`` makes it effective, the case becomes
  ``ARB_SETTLED`` and closes (closure mediation_doc), and the open award task is cancelled.
- **The hearing record** (庭审笔录) belongs to the main file the parties may read (正卷): it is signed by them and
  they may ask to correct it (LDMAL 40; Rules 42). The tribunal's deliberation notes (合议笔录), when given, go to
  the internal file (副卷) as an ``internal_note``.
- **A recusal request** may be made until the end of the hearing's debate (Rules 11): it is refused once the case is
  ``ARB_HEARD``. While one is pending the challenged arbitrator cannot act (Rules 12) and no hearing is recorded.
- Acts that close a flow step outside a task (``supplement_complete``, ``withdraw``, ``mediation_document_sign``)
  keep the flow consistent themselves; acts run *as* a step (``review_decide``, ``tribunal_form``,
  ``hearing_schedule``, ``hearing_record``) only set the state that the flow's Switch reads.
"""
import datetime as dt
import functools
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.access import has_role
from casework.audit import acting
from casework.errors import Conflict, DomainError, NotAllowed
from casework.models import Attachment, Deadline, TimeUnit
from casework.services.clock import compute_due
from casework.services.config import param, rule
from casework.services.deadlines import deadlines_for

from ..access import Role, can_handle, is_sitting_arbitrator, party_of
from ..models import (AdvanceExecution, AwardCategory, AwardExtension, CaseDocument, ClockRestart, DisputeCase,
                      DisputeParty, DisputeState as S, Hearing, HearingCorrection, HearingSignature,
                      MediationDocument, RecusalRequest, ServiceRecord, Suspension, Track, TribunalMember)
from ..reference_data import LDMAL, RULES_ARB
from .common import (cite, close_dl, due, event, lock, next_docket_no, open_dl, require_state, save, today, waive_dl)

__all__ = [
    "REVIEW_DECISIONS", "HEARING_OUTCOMES", "ADVANCE_CATEGORIES", "BEFORE_AWARD", "LIVE",
    "review_decide", "supplement_complete", "acceptance_overdue_sweep",
    "service_record", "defence_record", "defence_submit_by_party", "defence_copy",
    "tribunal_form", "recusal_request", "recusal_decide", "member_may_act", "pending_recusal",
    "extension_approve", "suspend", "resume", "clock_restart", "award_deadline",
    "hearing_schedule", "earliest_hearing_date", "postponement_request", "hearing_record",
    "withdraw", "mediation_document_sign", "advance_execution_apply", "advance_execution_decide",
    "case_close", "is_collective",
]

REVIEW_DECISIONS = ("supplement", "accept", "not_accept", "no_jurisdiction")
HEARING_OUTCOMES = ("heard", "adjourned", "deemed_withdrawn", "settled", "withdrawn")
# LDMAL 44: advance execution only in claims for remuneration, work-injury medical costs, compensation, damages.
ADVANCE_CATEGORIES = (AwardCategory.WAGES, AwardCategory.WORK_INJURY_MEDICAL, AwardCategory.ECONOMIC_COMPENSATION,
                      AwardCategory.DAMAGES)
# After acceptance and before the award.
LIVE = (S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD, S.ARB_SUSPENDED)
BEFORE_AWARD = (S.ARB_RECEIVED, S.ARB_NEEDS_SUPPLEMENT, *LIVE)

CLERK = (Role.CLERK,)
CHAIR = (Role.CHAIR,)
STAFF = (Role.CLERK, Role.CHAIR)

_LIVE_DL = (Deadline.Status.OPEN, Deadline.Status.EXTENDED, Deadline.Status.PAUSED, Deadline.Status.BREACHED)

# Texts of articles that are not rows of the rule table (the rows cite themselves through ``_cite``).
LDMAL_26 = f"{LDMAL}第二十六条"
LDMAL_29 = f"{LDMAL}第二十九条"
LDMAL_31 = f"{LDMAL}第三十一条"
LDMAL_33 = f"{LDMAL}第三十三条"
LDMAL_41 = f"{LDMAL}第四十一条"
LDMAL_42 = f"{LDMAL}第四十二条"
LDMAL_43 = f"{LDMAL}第四十三条"
LDMAL_44 = f"{LDMAL}第四十四条"
RULES_11 = f"{RULES_ARB}第十一条"
RULES_12 = f"{RULES_ARB}第十二条"
RULES_20 = f"{RULES_ARB}第二十条"
RULES_29 = f"{RULES_ARB}第二十九条"
RULES_39 = f"{RULES_ARB}第三十九条"
RULES_42 = f"{RULES_ARB}第四十二条"
RULES_47 = f"{RULES_ARB}第四十七条"
RULES_59 = f"{RULES_ARB}第五十九条"
RULES_65 = f"{RULES_ARB}第六十五条"


# --- shared pieces ------------------------------------------------------------------------------------------------

def _service(fn):
    """One legal act: atomic (a refusal leaves nothing half-written) and inside ``acting(user)`` (every history row
    names the actor and shares one change id)."""

    @functools.wraps(fn)
    def run(**kwargs):
        with transaction.atomic(), acting(kwargs.get("user")):
            return fn(**kwargs)

    return run


def _period(rule_id: str, on: dt.date | None = None) -> str:
    """A rule's period in words ("5 working days"), from the rule table."""
    r = rule(rule_id, on=on)
    words = {TimeUnit.WORKING_DAYS: _("%(n)s working days"), TimeUnit.CALENDAR_DAYS: _("%(n)s days"),
             TimeUnit.MONTHS: _("%(n)s months"), TimeUnit.YEARS: _("%(n)s years")}
    return words.get(r.unit, "%(n)s " + r.unit) % {"n": r.n}


def _require(user, case: DisputeCase, roles, what: str):
    if not case.is_arbitration:
        raise DomainError({"__all__": [_("This is not an arbitration case.")]})
    if not (has_role(user, *roles) and can_handle(user, case)):
        raise NotAllowed({"__all__": [_("Only %(roles)s of this case's commission may %(what)s.")
                                      % {"roles": " / ".join(_role_names(roles)), "what": what}]})


def _role_names(roles) -> list[str]:
    names = {Role.CLERK: _("the arbitration clerk"), Role.CHAIR: _("the commission's chair"),
             Role.ARBITRATOR: _("an arbitrator")}
    return [names.get(r, r) for r in roles]


def _user(value, field: str):
    """A user given as an instance or a primary key."""
    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return value
    found = get_user_model().objects.filter(pk=value).first()
    if found is None:
        raise DomainError({field: [_("Unknown user.")]})
    return found


def _party(case: DisputeCase, party_id, field: str = "party_id") -> DisputeParty:
    party = case.parties.filter(pk=party_id).first() if party_id not in (None, "") else None
    if party is None:
        raise DomainError({field: [_("Choose a party of this case.")]})
    return party


def _not_future(day: dt.date, field: str):
    if day > today():
        raise DomainError({field: [_("This date is in the future.")]})


def _not_before(day: dt.date, earliest: dt.date | None, field: str, what: str):
    if earliest is not None and day < earliest:
        raise DomainError({field: [_("This date is before %(what)s (%(date)s).") % {"what": what, "date": earliest}]})


def _local_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _issue(case: DisputeCase, kind: str, user, *, context: dict, audience: str = CaseDocument.Audience.MAIN):
    from ..documents import document_issue  # the renderer imports services.common: import late

    return document_issue(case, kind, user=user, audience=audience, context=context)


def _ensure_dl(case: DisputeCase, rule_id: str, anchor: dt.date):
    """Open ``rule_id`` from ``anchor`` unless the case already has that deadline from that anchor (intake opens
    ARB-ACCEPT; a case written straight to the database, or an older one, may lack it). Whether the act was in time
    is then always on record."""
    if not deadlines_for(case).filter(rule_id=rule_id, anchor_date=anchor).exists():
        open_dl(case, rule_id, anchor)


def is_collective(case: DisputeCase, on: dt.date | None = None) -> bool:
    """A collective case (Rules 63, 65): declared so, or as many workers with a common claim as the parameter."""
    if case.procedure == DisputeCase.Procedure.COLLECTIVE:
        return True
    return case.workers_count >= int(param("arbitration.collective_min_workers", on=on or case.received_at))


def award_deadline(case: DisputeCase) -> Deadline | None:
    """The running ARB-AWARD deadline (open, extended, paused during a suspension, or already breached)."""
    return deadlines_for(case).filter(rule_id="ARB-AWARD", status__in=_LIVE_DL).order_by("-id").first()


def _award_recount(case: DisputeCase, d: Deadline):
    """Recount the award deadline from its anchor with the excluded (suspended) days: n + paused_days in the
    period's own unit, rolled forward once; an approved extension counted again from the new due date."""
    result = compute_due(d.anchor_date, d.n + d.paused_days, d.unit, d.region_id)
    d.due_date = result.due
    provisional = result.provisional
    if d.extended_to is not None:
        ext = AwardExtension.objects.filter(case=case).first()
        if ext is not None:
            ext_result = compute_due(d.due_date, ext.days, TimeUnit.CALENDAR_DAYS, d.region_id)
            d.extended_to = ext_result.due
            provisional = provisional or ext_result.provisional
    d.provisional = provisional
    d.reminder_stage = None  # the new date gets its own reminders


def _close(case: DisputeCase, user, closure: str, on: dt.date, reason: str = "") -> DisputeCase:
    """Close the file: closing date, closure, retention (Rules 24: 10 years for an award, 5 otherwise, from the
    closing date) and every deadline still running waived (a breached one too: its breach stays in the
    deadline's history)."""
    if case.closed_at is not None:
        raise Conflict({"__all__": [_("This case was already closed on %(date)s.") % {"date": case.closed_at}]})
    if closure not in DisputeCase.Closure.values:
        raise DomainError({"closure": [_("Choose one of the listed options.")]})
    retention = rule("ARB-RETENTION-AWARD" if closure == DisputeCase.Closure.AWARD else "ARB-RETENTION-OTHER", on=on)
    case.closure = closure
    case.closed_at = on
    case.closure_reason = (reason or "").strip()
    case.retention_until = compute_due(on, retention.n, retention.unit, case.region_id).due
    save(case, user)
    for d in deadlines_for(case).filter(Q(status__in=[Deadline.Status.OPEN, Deadline.Status.EXTENDED,
                                                      Deadline.Status.PAUSED])
                                        | Q(status=Deadline.Status.BREACHED, met_at__isnull=True)):
        d.status = Deadline.Status.WAIVED
        d.save()
    event(case, "closed", user=user, closure=closure, on=on, retention_until=case.retention_until)
    return case


@_service
def case_close(*, case: DisputeCase, user, closure: str, on: dt.date | None = None, reason: str = "") -> DisputeCase:
    """Close an arbitration case (the state is set by the act that ends it): ``closed_at``, ``closure``,
    ``retention_until`` (ARB-RETENTION-AWARD, 10 years, for a case closed by award; ARB-RETENTION-OTHER, 5 years,
    otherwise: Rules 24) and every running deadline waived. Callers decide who may close."""
    lock(case)
    return _close(case, user, closure, on or today(), reason)


# --- acceptance (LDMAL 29; Rules 29-31, 46) -------------------------------------------------------------------------

@_service
def review_decide(*, case: DisputeCase, user, decision: str, on: dt.date | None = None, missing: str = "",
                  reason: str = "", competent_commission: str = "") -> DisputeCase:
    """The commission's decision on an application within 5 WD of receipt (LDMAL 29; Rules 29-31):

    - ``supplement``: one written notice listing everything missing, once per case (Rules 29) -> ARB_NEEDS_SUPPLEMENT;
      ARB-SUPPLEMENT is closed (late is recorded) and ARB-ACCEPT waived (it restarts from completion, Rules 46(2));
    - ``accept``: -> ARB_ACCEPTED, docket number, award period counted from acceptance (ARB-AWARD 45 CD), service on
      the respondent (ARB-SERVE) and the tribunal (ARB-TRIBUNAL) within 5 WD; acceptance notice to the applicant and
      the notice to respond (应诉通知书, with the application) to the respondent. For a collective case Rules 64
      asks for the tribunal, the defence and evidence periods and the hearing in one notice within 5 WD:
      ARB-TRIBUNAL tracks it;
    - ``not_accept``: reasons required -> ARB_NOT_ACCEPTED and closed; the notice says the applicant may sue;
    - ``no_jurisdiction``: the competent commission required -> ARB_NO_JURISDICTION and closed (书面说明, Rules 31).

    Every decision other than ``supplement`` closes ARB-ACCEPT, met or late."""
    _require(user, case, CLERK, _("decide on an application"))
    lock(case)
    require_state(case, S.ARB_RECEIVED)
    on = on or today()
    anchor = case.complete_at or case.received_at
    _not_future(on, "on")
    _not_before(on, anchor, "on", _("the application was received or completed"))
    if decision not in REVIEW_DECISIONS:
        raise DomainError({"decision": [_("Choose one of the listed options.")]})
    _ensure_dl(case, "ARB-ACCEPT", anchor)

    if decision == "supplement":
        if case.supplement_notice_at is not None:
            raise DomainError({"decision": [
                _("Missing materials are asked for once, in one written notice listing everything (%(cite)s); "
                  "that notice was given on %(date)s. Decide on the application now.")
                % {"cite": RULES_29, "date": case.supplement_notice_at}]})
        if not missing.strip():
            raise DomainError({"missing": [_("List everything that is missing, in one notice (%(cite)s).")
                                           % {"cite": RULES_29}]})
        _ensure_dl(case, "ARB-SUPPLEMENT", case.received_at)
        d = close_dl(case, "ARB-SUPPLEMENT", on)
        waive_dl(case, "ARB-ACCEPT")
        case.state = S.ARB_NEEDS_SUPPLEMENT
        case.supplement_notice_at = on
        case.supplement_items = missing.strip()
        save(case, user)
        _issue(case, CaseDocument.Kind.SUPPLEMENT_NOTICE, user, context={"missing_items": case.supplement_items})
        event(case, "supplement_requested", user=user, on=on, missing=case.supplement_items,
              late=bool(d and d.status == Deadline.Status.BREACHED))
        return case

    d = close_dl(case, "ARB-ACCEPT", on)
    waive_dl(case, "ARB-SUPPLEMENT")
    late = bool(d and d.status == Deadline.Status.BREACHED)
    if decision == "accept":
        case.state = S.ARB_ACCEPTED
        case.accepted_at = on
        case.clock_start = on
        case.docket_no = next_docket_no(case, year=on.year)
        if is_collective(case, on):
            case.priority = True  # Rules 5: collective cases are accepted and heard first
        save(case, user)
        for rule_id in ("ARB-AWARD", "ARB-SERVE", "ARB-TRIBUNAL"):
            open_dl(case, rule_id, on)
        award_due = deadlines_for(case).filter(rule_id="ARB-AWARD", anchor_date=on).order_by("-id").first()
        _issue(case, CaseDocument.Kind.ACCEPTANCE_NOTICE, user,
               context={"accepted_at": on, "award_due": award_due.due_date if award_due else None})
        # 应诉通知书 with the application copy: the template prints the claims and the defence period (ARB-DEFENCE);
        # the defence due date is known only once the respondent is served
        _issue(case, CaseDocument.Kind.RESPONDENT_NOTICE, user, context={"accepted_at": on})
        event(case, "accepted", user=user, on=on, docket_no=case.docket_no, late=late)
    elif decision == "not_accept":
        if not reason.strip():
            raise DomainError({"reason": [_("Give the reasons for not accepting (%(cite)s).")
                                          % {"cite": cite("ARB-ACCEPT", on)}]})
        case.state = S.ARB_NOT_ACCEPTED
        case.not_accepted_at = on
        case.refusal_reason = reason.strip()
        save(case, user)
        # prints the reasons and the right to sue at the basic court (LDMAL 29)
        _issue(case, CaseDocument.Kind.NON_ACCEPTANCE_NOTICE, user, context={"reason": case.refusal_reason})
        event(case, "not_accepted", user=user, on=on, reason=case.refusal_reason, late=late)
        _close(case, user, DisputeCase.Closure.NOT_ACCEPTED, on, case.refusal_reason)
    else:  # no_jurisdiction
        if not competent_commission.strip():
            raise DomainError({"competent_commission": [
                _("Name the commission that is competent: the applicant is told in writing where to apply "
                  "(%(cite)s).") % {"cite": f"{RULES_ARB}第三十一条"}]})
        case.state = S.ARB_NO_JURISDICTION
        case.competent_commission = competent_commission.strip()[:200]
        case.refusal_reason = reason.strip()
        save(case, user)
        _issue(case, CaseDocument.Kind.NO_JURISDICTION_NOTICE, user,
               context={"competent_commission": case.competent_commission, "reason": case.refusal_reason})
        event(case, "no_jurisdiction", user=user, on=on, competent=case.competent_commission, late=late)
        _close(case, user, DisputeCase.Closure.NO_JURISDICTION, on, case.refusal_reason)
    return case


@_service
def supplement_complete(*, case: DisputeCase, user=None, on: dt.date | None = None, note: str = "") -> DisputeCase:
    """The applicant completed the materials (Rules 29; 46(2): the date of receipt becomes the completion date):
    ARB_NEEDS_SUPPLEMENT -> ARB_RECEIVED, ``complete_at`` = ``on`` (``received_at`` keeps the original date), a new
    ARB-ACCEPT counted from completion; the flow's waiting step returns to the review. ``user`` is None when the
    applicant completes on line (the interface checked who they are); staff must handle the case or act for a
    party of it."""
    if getattr(user, "is_authenticated", False):
        if not ((has_role(user, *STAFF) and can_handle(user, case)) or party_of(user, case) is not None):
            raise NotAllowed({"__all__": [_("Only the commission's staff or a party may record this.")]})
    lock(case)
    require_state(case, S.ARB_NEEDS_SUPPLEMENT)
    on = on or today()
    _not_future(on, "on")
    _not_before(on, case.supplement_notice_at, "on", _("the supplement notice"))
    case.state = S.ARB_RECEIVED
    case.complete_at = on
    save(case, user)
    open_dl(case, "ARB-ACCEPT", on)
    event(case, "supplement_completed", user=user, on=on, note=note.strip()[:500])
    if case.process_id:
        from ..flows import ArbitrationFlow

        task = case.process.task_set.filter(flow_task=ArbitrationFlow.await_supplement, status="NEW").first()
        if task is not None:
            ArbitrationFlow.await_supplement.run(task)
    return case


def acceptance_overdue_sweep(*, today: dt.date | None = None) -> int:
    """LDMAL 29: when the commission has not decided within 5 WD of receipt (or completion), the applicant may sue
    at the people's court. Flags each such case ``decision_overdue`` once and tells the applicant (public timeline).
    The decision may still be made afterwards. Idempotent: returns how many cases were flagged now."""
    from . import common

    today = today or common.today()
    candidates = list(DisputeCase.objects.filter(track=Track.ARBITRATION, state=S.ARB_RECEIVED,
                                                 decision_overdue=False).select_related("commission"))
    if not candidates:
        return 0
    ct = ContentType.objects.get_for_model(DisputeCase)
    stored = {}
    for d in Deadline.objects.filter(content_type=ct, object_id__in=[c.pk for c in candidates], rule_id="ARB-ACCEPT",
                                     status__in=_LIVE_DL).order_by("id"):
        stored[d.object_id] = d.effective_due
    n = 0
    for case in candidates:
        anchor = case.complete_at or case.received_at
        due_on = stored.get(case.pk) or due(anchor, "ARB-ACCEPT", case.region_id)
        if due_on >= today:
            continue
        with transaction.atomic(), acting(None, channel="system"):
            lock(case)
            if case.state != S.ARB_RECEIVED or case.decision_overdue:
                continue
            case.decision_overdue = True
            save(case, None)
            event(case, "decision_overdue", public=True, due=due_on, court=case.commission.basic_court_name,
                  citation=LDMAL_29)
            n += 1
    return n


# --- service and defence (LDMAL 30; Rules 20, 33, 59) -------------------------------------------------------------

@_service
def service_record(*, case: DisputeCase, user, party_id: int, doc_kind: str, method: str, sent_on: dt.date,
                   served_on: dt.date | None = None, confirmed: bool = False, refused_to_sign: bool = False,
                   evidence=None, document_id: int | None = None, note: str = "",
                   business_stopped: bool = False) -> ServiceRecord:
    """Service of one document on one party (spec §2.2 rule 7).

    - ``posting`` (留置/张贴, Rules 20): only when the recipient refused to sign, or the business has stopped and at
      least ``arbitration.posting_min_workers`` workers are involved (``business_stopped``), said in ``note``, with
      a photo or video as ``evidence``; served when ARB-DEEMED-SERVICE (3 WD) has passed after posting;
    - ``electronic`` (phone, SMS, e-mail): only in the simple procedure, never for an award or a mediation document
      (Rules 59);
    - serving the notice to respond (the application copy) on the last respondent closes ARB-SERVE and starts the
      defence period ARB-DEFENCE (LDMAL 30) from that date."""
    _require(user, case, CLERK, _("record service"))
    lock(case)
    party = _party(case, party_id)
    errors = {}
    if doc_kind not in CaseDocument.Kind.values:
        errors["doc_kind"] = [_("Choose one of the listed options.")]
    if method not in ServiceRecord.Method.values:
        errors["method"] = [_("Choose one of the listed options.")]
    if errors:
        raise DomainError(errors)
    document = None
    if document_id not in (None, ""):
        document = case.documents.filter(pk=document_id).first()
        if document is None or document.kind != doc_kind:
            raise DomainError({"document_id": [_("Choose a document of this kind in this case's file.")]})
    if sent_on is None:
        raise DomainError({"sent_on": [_("This field is required.")]})
    _not_future(sent_on, "sent_on")
    if isinstance(evidence, (int, str)) and evidence != "":
        evidence = Attachment.objects.filter(pk=evidence).first()
    if method == ServiceRecord.Method.POSTING:
        minimum = int(param("arbitration.posting_min_workers", on=sent_on))
        if not (refused_to_sign or (business_stopped and case.workers_count >= minimum)):
            errors["method"] = [_("A document may be left or posted at the address only when the recipient refused "
                                  "to sign, or when the business has stopped and at least %(n)s workers are "
                                  "involved (%(cite)s).") % {"n": minimum, "cite": RULES_20}]
        if not note.strip():
            errors["note"] = [_("Say why the document was left or posted (refusal to sign, or business stopped) "
                                "(%(cite)s).") % {"cite": RULES_20}]
        if evidence is None:
            errors["evidence"] = [_("A photo or video of the posting is required (%(cite)s).") % {"cite": RULES_20}]
        elif not (evidence.mime or "").startswith(("image/", "video/")):
            errors["evidence"] = [_("The record of the posting must be a photo or a video (%(cite)s).")
                                  % {"cite": RULES_20}]
        deemed = due(sent_on, "ARB-DEEMED-SERVICE", case.region_id)
        if served_on is not None and served_on != deemed:
            errors["served_on"] = [_("A posted document is served when %(period)s have passed: on %(date)s "
                                     "(%(cite)s).") % {"period": _period("ARB-DEEMED-SERVICE", sent_on), "date": deemed,
                                                       "cite": cite("ARB-DEEMED-SERVICE", sent_on)}]
        served_on = deemed
    elif method == ServiceRecord.Method.ELECTRONIC:
        if doc_kind in (CaseDocument.Kind.AWARD, CaseDocument.Kind.MEDIATION_DOCUMENT):
            errors["method"] = [_("An award or a mediation document is never served by phone, SMS or e-mail "
                                  "(%(cite)s).") % {"cite": RULES_59}]
        elif case.procedure != DisputeCase.Procedure.SIMPLE:
            errors["method"] = [_("Service by phone, SMS or e-mail is allowed only in the simple procedure "
                                  "(%(cite)s).") % {"cite": RULES_59}]
    if method != ServiceRecord.Method.POSTING and served_on is not None:
        if served_on < sent_on:
            errors["served_on"] = [_("A document cannot be served before it was sent.")]
        else:
            try:
                _not_future(served_on, "served_on")
            except DomainError as e:
                errors.update(e.errors)
    if errors:
        raise DomainError(errors)
    record = save(ServiceRecord(case=case, document=document, doc_kind=doc_kind, party=party, method=method,
                                sent_on=sent_on, served_on=served_on, confirmed=confirmed,
                                refused_to_sign=refused_to_sign, evidence=evidence, note=note.strip()[:255],
                                recorded_by=user), user)
    if (doc_kind == CaseDocument.Kind.RESPONDENT_NOTICE and party.side == DisputeParty.Side.RESPONDENT
            and served_on is not None):
        _respondents_served(case)
    event(case, "served", user=user, party=party.side, doc_kind=doc_kind, method=method, sent_on=sent_on,
          served_on=served_on)
    return record


def _respondents_served(case: DisputeCase):
    """When every respondent has been served the notice to respond, ARB-SERVE is met on the last of those dates and
    the defence period runs from it (each respondent has at least its own 10 WD)."""
    last = None
    for respondent in case.parties.filter(side=DisputeParty.Side.RESPONDENT):
        first = (ServiceRecord.objects.filter(case=case, party=respondent, doc_kind=CaseDocument.Kind.RESPONDENT_NOTICE,
                                              served_on__isnull=False).order_by("served_on")
                 .values_list("served_on", flat=True).first())
        if first is None:
            return
        last = first if last is None or first > last else last
    close_dl(case, "ARB-SERVE", last)
    if not deadlines_for(case).filter(rule_id="ARB-DEFENCE").exists():
        open_dl(case, "ARB-DEFENCE", last)


def _defence(case: DisputeCase, user, received_on: dt.date, text: str, *, by_party: bool) -> DisputeCase:
    lock(case)
    require_state(case, *LIVE)
    if case.defence_received_at is not None:
        raise Conflict({"__all__": [_("The defence was already recorded (received on %(date)s).")
                                    % {"date": case.defence_received_at}]})
    if not (text or "").strip():
        raise DomainError({"text": [_("This field is required.")]})
    _not_future(received_on, "received_on")
    _not_before(received_on, case.accepted_at, "received_on", _("the case was accepted"))
    d = close_dl(case, "ARB-DEFENCE", received_on)
    case.defence_received_at = received_on
    case.defence_text = text.strip()
    save(case, user)
    open_dl(case, "ARB-DEFENCE-COPY", received_on)
    event(case, "defence_received", user=user, on=received_on, online=by_party,
          late=bool(d and d.status == Deadline.Status.BREACHED))
    return case


@_service
def defence_record(*, case: DisputeCase, user, received_on: dt.date, text: str) -> DisputeCase:
    """The respondent's defence (答辩书, LDMAL 30; Rules 33) received on paper and recorded by the clerk: closes
    ARB-DEFENCE (a late defence is still recorded, and no defence does not stop the case) and opens
    ARB-DEFENCE-COPY (a copy to the applicant within 5 WD)."""
    _require(user, case, CLERK, _("record the defence"))
    return _defence(case, user, received_on, text, by_party=False)


@_service
def defence_submit_by_party(*, case: DisputeCase, user, text: str) -> DisputeCase:
    """The respondent files its defence on line from its own account (an employer's clerk linked to the respondent
    party through PartyAccess): received today, with the same effects as ``defence_record``."""
    if not case.is_arbitration:
        raise DomainError({"__all__": [_("This is not an arbitration case.")]})
    party = party_of(user, case)
    if party is None or party.side != DisputeParty.Side.RESPONDENT:
        raise NotAllowed({"__all__": [_("Only the respondent files a defence (《劳动争议调解仲裁法》第三十条).")]})
    return _defence(case, user, today(), text, by_party=True)


@_service
def defence_copy(*, case: DisputeCase, user, on: dt.date) -> DisputeCase:
    """A copy of the defence was sent to the applicant (LDMAL 30: within 5 WD of receipt): closes ARB-DEFENCE-COPY."""
    _require(user, case, CLERK, _("record that the defence was copied"))
    lock(case)
    if case.defence_received_at is None:
        raise DomainError({"__all__": [_("No defence has been recorded.")]})
    if case.defence_copied_at is not None:
        raise Conflict({"__all__": [_("The defence was already copied on %(date)s.")
                                    % {"date": case.defence_copied_at}]})
    _not_future(on, "on")
    _not_before(on, case.defence_received_at, "on", _("the defence was received"))
    d = close_dl(case, "ARB-DEFENCE-COPY", on)
    case.defence_copied_at = on
    save(case, user)
    event(case, "defence_copied", user=user, public=True, on=on,
          late=bool(d and d.status == Deadline.Status.BREACHED))
    return case


# --- the tribunal (LDMAL 31-34; Rules 11-12, 37, 56, 65) ----------------------------------------------------------

@_service
def tribunal_form(*, case: DisputeCase, user, procedure: str, presiding=None, members=(), sole=None,
                  on: dt.date | None = None, declared_conflicts: dict | None = None) -> list[TribunalMember]:
    """The chair forms the tribunal and notifies its composition in writing within 5 WD of acceptance (LDMAL 31-32;
    Rules 37): ``ordinary`` = a presiding arbitrator and two arbitrators, three different users; ``simple`` = one
    sole arbitrator (Rules 56). A collective case must have three (Rules 65). An arbitrator who declared a ground
    for recusal (``declared_conflicts``: user id -> RecusalRequest.Ground) cannot sit (LDMAL 33); then nothing is
    saved. Members change later only through a recusal."""
    _require(user, case, CHAIR, _("form the tribunal"))
    lock(case)
    require_state(case, S.ARB_ACCEPTED)
    if case.tribunal.filter(active=True).exists():
        raise Conflict({"__all__": [_("The tribunal is already formed; a member is replaced only when a recusal is "
                                      "upheld (%(cite)s).") % {"cite": LDMAL_33}]})
    on = on or today()
    _not_future(on, "on")
    _not_before(on, case.accepted_at, "on", _("the case was accepted"))
    collective = is_collective(case, on)
    members = [m for m in (members or ()) if m not in (None, "")]
    if procedure == DisputeCase.Procedure.SIMPLE:
        if collective:
            raise DomainError({"procedure": [
                _("A collective case (at least %(n)s workers with a common claim) must be heard by three "
                  "arbitrators (%(cite)s).")
                % {"n": int(param("arbitration.collective_min_workers", on=on)), "cite": RULES_65}]})
        if sole in (None, "") or presiding not in (None, "") or members:
            raise DomainError({"sole": [_("The simple procedure has one sole arbitrator, and only one "
                                          "(%(cite)s).") % {"cite": LDMAL_31}]})
        seats = [(_user(sole, "sole"), TribunalMember.Role.SOLE)]
    elif procedure in (DisputeCase.Procedure.ORDINARY, DisputeCase.Procedure.COLLECTIVE):
        if presiding in (None, "") or len(members) != 2:
            raise DomainError({"members": [_("A tribunal of three: a presiding arbitrator and exactly two "
                                             "arbitrators (%(cite)s).") % {"cite": LDMAL_31}]})
        seats = [(_user(presiding, "presiding"), TribunalMember.Role.PRESIDING)]
        seats += [(_user(m, "members"), TribunalMember.Role.MEMBER) for m in members]
    else:
        raise DomainError({"procedure": [_("Choose one of the listed options.")]})
    users = [u for u, _role in seats]
    if len({u.pk for u in users}) != len(users):
        raise DomainError({"members": [_("Each seat needs a different arbitrator.")]})
    not_arbitrators = [u.get_username() for u in users if not (u.is_active and has_role(u, Role.ARBITRATOR))]
    if not_arbitrators:
        raise DomainError({"members": [_("Not an arbitrator of the commission: %(names)s.")
                                       % {"names": ", ".join(not_arbitrators)}]})
    conflicts = {}
    for key, ground in (declared_conflicts or {}).items():
        if ground not in RecusalRequest.Ground.values:
            raise DomainError({"declared_conflicts": [_("Unknown ground for recusal “%(g)s”.") % {"g": ground}]})
        conflicts[int(getattr(key, "pk", key))] = ground
    conflicted = [(u, conflicts[u.pk]) for u in users if u.pk in conflicts]
    if conflicted:
        raise DomainError({"members": [
            _("%(name)s declared a ground for recusal (%(ground)s) and must not sit on this case (%(cite)s).")
            % {"name": u.get_username(), "ground": RecusalRequest.Ground(g).label, "cite": LDMAL_33}
            for u, g in conflicted]})
    seated = [save(TribunalMember(case=case, arbitrator=u, role=role, appointed_on=on), user) for u, role in seats]
    if procedure == DisputeCase.Procedure.SIMPLE:
        case.procedure = DisputeCase.Procedure.SIMPLE
    else:
        case.procedure = DisputeCase.Procedure.COLLECTIVE if collective else DisputeCase.Procedure.ORDINARY
    case.composition_notified_at = on
    save(case, user)
    d = close_dl(case, "ARB-TRIBUNAL", on)
    _issue(case, CaseDocument.Kind.COMPOSITION_NOTICE, user, context={})  # prints the sitting members
    event(case, "tribunal_formed", user=user, on=on, procedure=case.procedure,
          members=[m.arbitrator.get_username() for m in seated],
          late=bool(d and d.status == Deadline.Status.BREACHED))
    return seated


def member_may_act(member: TribunalMember) -> bool:
    """A member acts on the case only while sitting and while no recusal request against them is pending
    (Rules 12: the challenged person stops work on the case until the decision)."""
    return member.active and not member.recusals.filter(decided_on__isnull=True).exists()


def pending_recusal(case: DisputeCase, user) -> bool:
    """Whether ``user`` sits on ``case`` and a recusal request against them is pending (they cannot act)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return RecusalRequest.objects.filter(case=case, member__arbitrator=user, member__active=True,
                                         decided_on__isnull=True).exists()


@_service
def recusal_request(*, case: DisputeCase, user, member_id: int, ground: str, details: str = "",
                    requested_on: dt.date | None = None, party_id: int | None = None) -> RecusalRequest:
    """A party asks, orally or in writing, that an arbitrator withdraw (LDMAL 33; Rules 11): at the start of the
    hearing, or until the end of its debate if the ground was learned later; so not once the case is heard.
    ARB-RECUSAL (3 WD) opens; the challenged member stops work on the case until the decision (Rules 12)."""
    _require(user, case, STAFF, _("record a recusal request"))
    lock(case)
    if case.state == S.ARB_HEARD or (case.state == S.ARB_SUSPENDED and _suspended_from(case) == S.ARB_HEARD):
        raise DomainError({"__all__": [_("The hearing's debate has ended: a recusal can no longer be requested "
                                         "(%(cite)s).") % {"cite": RULES_11}]})
    require_state(case, S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_SUSPENDED)
    member = case.tribunal.filter(pk=member_id, active=True).first()
    if member is None:
        raise DomainError({"member_id": [_("Choose a sitting member of this case's tribunal.")]})
    if ground not in RecusalRequest.Ground.values:
        raise DomainError({"ground": [_("Choose one of the grounds of %(cite)s.") % {"cite": LDMAL_33}]})
    party = _party(case, party_id) if party_id not in (None, "") else None
    if member.recusals.filter(decided_on__isnull=True).exists():
        raise Conflict({"member_id": [_("A recusal request against this arbitrator is already pending.")]})
    requested_on = requested_on or today()
    _not_future(requested_on, "requested_on")
    _not_before(requested_on, member.appointed_on, "requested_on", _("the arbitrator was appointed"))
    req = save(RecusalRequest(case=case, member=member, requested_by=party, ground=ground,
                              details=(details or "").strip(), requested_on=requested_on), user)
    open_dl(case, "ARB-RECUSAL", requested_on)
    event(case, "recusal_requested", user=user, on=requested_on, ground=ground,
          arbitrator=member.arbitrator.get_username())
    return req


@_service
def recusal_decide(*, case: DisputeCase, user, request_id: int, upheld: bool, reason: str, replacement=None,
                   on: dt.date | None = None) -> RecusalRequest:
    """The chair decides a recusal request within 3 WD (Rules 11-12). A chair who sits on this case's tribunal may
    not decide (separation of duties, spec §1; Rules 12: the commission decides when the chair is an arbitrator of
    the case). Upheld: the member leaves and a replacement arbitrator takes the same seat; the parties are told the
    new composition."""
    if not (has_role(user, Role.CHAIR) and can_handle(user, case)):
        raise NotAllowed({"__all__": [_("Only the chair of this case's commission decides a recusal (%(cite)s).")
                                      % {"cite": RULES_12}]})
    if is_sitting_arbitrator(user, case):
        raise NotAllowed({"__all__": [
            _("You sit on this case's tribunal, so you may not decide a recusal on it: the same person must not be "
              "arbitrator and decide on the tribunal's recusal (separation of duties; %(cite)s: the commission "
              "decides when the chair is an arbitrator of the case).") % {"cite": RULES_12}]})
    lock(case)
    req = case.recusals.select_related("member", "member__arbitrator").filter(pk=request_id).first()
    if req is None:
        raise DomainError({"request_id": [_("No such recusal request on this case.")]})
    if req.decided_on is not None:
        raise Conflict({"request_id": [_("This request was already decided on %(date)s.") % {"date": req.decided_on}]})
    if not (reason or "").strip():
        raise DomainError({"reason": [_("Give the reasons for the decision (%(cite)s).") % {"cite": RULES_12}]})
    on = on or today()
    _not_future(on, "on")
    _not_before(on, req.requested_on, "on", _("the request"))
    member = req.member
    replacement = _user(replacement, "replacement")
    new_member = None
    if upheld:
        if replacement is None:
            raise DomainError({"replacement": [_("Appoint the arbitrator who takes the seat.")]})
        if not (replacement.is_active and has_role(replacement, Role.ARBITRATOR)):
            raise DomainError({"replacement": [_("Not an arbitrator of the commission.")]})
        if replacement.pk == member.arbitrator_id or case.tribunal.filter(arbitrator=replacement, active=True).exists():
            raise DomainError({"replacement": [_("Choose an arbitrator who does not already sit on this case.")]})
        member.active = False
        member.left_on = on
        member.left_reason = (_("recusal upheld: %(ground)s") % {"ground": req.get_ground_display()})[:255]
        save(member, user)
        new_member = save(TribunalMember(case=case, arbitrator=replacement, role=member.role, appointed_on=on), user)
    elif replacement is not None:
        raise DomainError({"replacement": [_("A replacement is appointed only when the request is upheld.")]})
    req.decided_on = on
    req.decided_by = user
    req.upheld = bool(upheld)
    req.decision_reason = reason.strip()
    save(req, user)
    d = (deadlines_for(case).filter(rule_id="ARB-RECUSAL", anchor_date=req.requested_on, status__in=_LIVE_DL)
         .order_by("id").first())
    if d is not None:
        d.met_at = on
        if d.status != Deadline.Status.BREACHED:
            d.status = Deadline.Status.MET if on <= d.effective_due else Deadline.Status.BREACHED
        d.save()
    if new_member is not None:
        _issue(case, CaseDocument.Kind.COMPOSITION_NOTICE, user, context={})  # the new composition
    event(case, "recusal_decided", user=user, on=on, upheld=bool(upheld),
          arbitrator=member.arbitrator.get_username(),
          replacement=replacement.get_username() if new_member else "")
    return req


# --- the award period (LDMAL 43; Rules 45-47) ----------------------------------------------------------------------

@_service
def extension_approve(*, case: DisputeCase, user, requested_by, days: int, reason: str,
                      on: dt.date | None = None) -> AwardExtension:
    """The one extension of the award period (LDMAL 43): approved in writing by the chair, never by the person who
    asked for it (four eyes, spec §1), at most ``arbitration.max_extension_days`` calendar days, before the period
    runs out, with written notice to the parties. The new due date is the current one plus ``days``, rolled forward
    past rest days; the deadline becomes EXTENDED (it stays PAUSED while the case is suspended)."""
    _require(user, case, CHAIR, _("approve an extension"))
    requester = _user(requested_by, "requested_by")
    if requester is None:
        raise DomainError({"requested_by": [_("Say who asked for the extension.")]})
    if requester.pk == user.pk:
        raise NotAllowed({"requested_by": [_("The person who asked for the extension may not approve it "
                                             "(separation of duties).")]})
    lock(case)
    require_state(case, *LIVE)
    on = on or today()
    if AwardExtension.objects.filter(case=case).exists():
        raise DomainError({"__all__": [_("The award period can be extended only once (%(cite)s).")
                                       % {"cite": cite("ARB-AWARD-EXT", on)}]})
    maximum = int(param("arbitration.max_extension_days", on=on))
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= maximum:
        raise DomainError({"days": [_("The extension is at most %(n)s days (%(cite)s).")
                                    % {"n": maximum, "cite": cite("ARB-AWARD-EXT", on)}]})
    if not (reason or "").strip():
        raise DomainError({"reason": [_("Say why the case needs more time (%(cite)s).") % {"cite": LDMAL_43}]})
    _not_future(on, "on")
    d = award_deadline(case)
    if d is None:
        raise DomainError({"__all__": [_("No award period is running on this case.")]})
    if d.status == Deadline.Status.BREACHED or on > d.effective_due:
        raise DomainError({"on": [_("The award period ended on %(date)s: it can be extended only before it runs "
                                    "out (%(cite)s).") % {"date": d.effective_due, "cite": LDMAL_43}]})
    result = compute_due(d.due_date, days, TimeUnit.CALENDAR_DAYS, d.region_id)
    d.extended_to = result.due
    if d.status != Deadline.Status.PAUSED:
        d.status = Deadline.Status.EXTENDED
    d.reminder_stage = None
    d.provisional = d.provisional or result.provisional
    d.save()
    ext = save(AwardExtension(case=case, days=days, reason=reason.strip(), requested_by=requester, approved_by=user,
                              approved_on=on, new_due=result.due), user)
    _issue(case, CaseDocument.Kind.EXTENSION_NOTICE, user,  # to every party (各方当事人)
           context={"days": days, "new_due": result.due, "reason": ext.reason, "approved_on": on})
    event(case, "award_extended", user=user, days=days, new_due=result.due)
    return ext


def _suspended_from(case: DisputeCase) -> str:
    s = case.suspensions.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
    return s.previous_state if s else ""


@_service
def suspend(*, case: DisputeCase, user, ground: str, on: dt.date | None = None) -> Suspension:
    """中止 (Rules 47), approved by the chair: ARB_SUSPENDED, remembering the state to return to. The award period
    stops running (Rules 46: suspended days are excluded): its deadline is PAUSED until ``resume``."""
    _require(user, case, CHAIR, _("suspend a case"))
    lock(case)
    require_state(case, S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD)
    if not (ground or "").strip():
        raise DomainError({"ground": [_("State the ground for suspending (%(cite)s).") % {"cite": RULES_47}]})
    on = on or today()
    _not_future(on, "on")
    _not_before(on, case.clock_start or case.accepted_at, "on", _("the award period started"))
    s = save(Suspension(case=case, started_on=on, ground=ground.strip(), approved_by=user,
                        previous_state=case.state), user)
    d = award_deadline(case)
    if d is not None and d.status in (Deadline.Status.OPEN, Deadline.Status.EXTENDED):
        d.status = Deadline.Status.PAUSED
        d.save()
    case.state = S.ARB_SUSPENDED
    save(case, user)
    event(case, "suspended", user=user, on=on, ground=s.ground)
    return s


@_service
def resume(*, case: DisputeCase, user, on: dt.date | None = None) -> Suspension:
    """The suspension ends (Rules 47): back to the state before it; the calendar days suspended are added to the
    award deadline's ``paused_days`` and its due date (and extension) recounted (see the module's notes)."""
    _require(user, case, CHAIR, _("resume a case"))
    lock(case)
    require_state(case, S.ARB_SUSPENDED)
    s = case.suspensions.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
    if s is None:
        raise DomainError({"__all__": [_("No open suspension on this case.")]})
    on = on or today()
    _not_future(on, "on")
    _not_before(on, s.started_on, "on", _("the suspension started"))
    s.ended_on = on
    save(s, user)
    days = (on - s.started_on).days
    d = award_deadline(case)
    if d is not None:
        d.paused_days += days
        _award_recount(case, d)
        if d.status == Deadline.Status.PAUSED:
            d.status = Deadline.Status.EXTENDED if d.extended_to else Deadline.Status.OPEN
        d.save()
    case.state = s.previous_state or S.ARB_ACCEPTED
    save(case, user)
    event(case, "resumed", user=user, on=on, days=days, award_due=d.effective_due if d else None)
    return s


@_service
def clock_restart(*, case: DisputeCase, user, kind: str, on: dt.date, note: str = "",
                  party_id: int | None = None) -> ClockRestart:
    """Events after which the award period is counted again (Rules 46; spec §2.2 rule 6): a party or third party
    added (from the decision to add it; ``party_id`` names the party already recorded), claims added or changed
    (from acceptance of the change), a counterclaim merged (from its acceptance; ARB-COUNTERCLAIM opens too), a
    transfer received (from receipt). The running ARB-AWARD deadline is waived and a new one opened from ``on``."""
    _require(user, case, STAFF, _("record a change to the award period"))
    lock(case)
    if case.state == S.ARB_SUSPENDED:
        raise DomainError({"__all__": [_("The case is suspended: resume it first.")]})
    require_state(case, S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD)
    if kind not in ClockRestart.Kind.values:
        raise DomainError({"kind": [_("Choose one of the listed options.")]})
    if on is None:
        raise DomainError({"on": [_("This field is required.")]})
    _not_future(on, "on")
    _not_before(on, case.clock_start or case.accepted_at, "on", _("the award period started"))
    party = None
    if party_id not in (None, ""):
        if kind != ClockRestart.Kind.ADDED_PARTY:
            raise DomainError({"party_id": [_("A party is named only when a party was added.")]})
        party = _party(case, party_id)
    old = award_deadline(case)
    if old is not None:
        old.status = Deadline.Status.WAIVED
        old.save()
    new = open_dl(case, "ARB-AWARD", on)
    if kind == ClockRestart.Kind.COUNTERCLAIM:
        open_dl(case, "ARB-COUNTERCLAIM", on)
    if party is not None and party.added_at is None:
        party.added_at = on
        save(party, user)
    restart = save(ClockRestart(case=case, kind=kind, on=on, note=(note or "").strip(), recorded_by=user), user)
    case.clock_start = on
    save(case, user)
    event(case, "clock_restarted", user=user, kind=kind, on=on, award_due=new.due_date,
          citation=f"{RULES_ARB}第四十六条")
    return restart


# --- hearings (LDMAL 26, 35, 39-42; Rules 38-39, 42, 59) -----------------------------------------------------------

def earliest_hearing_date(notice_sent_on: dt.date, region_code: str) -> dt.date:
    """The first day a hearing may be held after a notice sent on ``notice_sent_on``: the day after the 5th
    working day (ARB-HEARING-NOTICE, 5 WD in the rule table), so that the whole period lies between notice and
    hearing."""
    return due(notice_sent_on, "ARB-HEARING-NOTICE", region_code) + dt.timedelta(days=1)


def _schedule(case: DisputeCase, user, *, starts_at, place: str, notice_sent_on: dt.date, notice_method: str,
              public: bool) -> Hearing:
    errors = {}
    if not isinstance(starts_at, dt.datetime):
        raise DomainError({"starts_at": [_("Give the date and time of the hearing.")]})
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if notice_sent_on is None:
        raise DomainError({"notice_sent_on": [_("This field is required.")]})
    if notice_method not in Hearing.NoticeMethod.values:
        errors["notice_method"] = [_("Choose one of the listed options.")]
    elif notice_method == Hearing.NoticeMethod.SMS and case.procedure != DisputeCase.Procedure.SIMPLE:
        errors["notice_method"] = [_("Notice by phone or SMS is allowed only in the simple procedure; otherwise the "
                                     "hearing notice is written (%(cite)s).") % {"cite": RULES_59}]
    if not (place or "").strip():
        errors["place"] = [_("This field is required.")]
    if not public and not case.hearing_private_requested:
        errors["public"] = [_("Hearings are public unless the parties agreed otherwise or the case involves state "
                              "secrets, business secrets or personal privacy; record the request for a non-public "
                              "hearing on the case first (%(cite)s).") % {"cite": LDMAL_26}]
    try:
        _not_future(notice_sent_on, "notice_sent_on")
        _not_before(notice_sent_on, case.accepted_at, "notice_sent_on", _("the case was accepted"))
    except DomainError as e:
        errors.update(e.errors)
    if "notice_sent_on" not in errors:
        earliest = earliest_hearing_date(notice_sent_on, case.region_id)
        if _local_date(starts_at) < earliest:
            errors["starts_at"] = [
                _("The written notice must reach the parties at least %(period)s before the hearing: after a "
                  "notice sent on %(sent)s the hearing can be on %(date)s at the earliest (%(cite)s).")
                % {"period": _period("ARB-HEARING-NOTICE", notice_sent_on), "sent": notice_sent_on, "date": earliest,
                   "cite": cite("ARB-HEARING-NOTICE", notice_sent_on)}]
    if errors:
        raise DomainError(errors)
    hearing = save(Hearing(case=case, starts_at=starts_at, place=place.strip()[:255], public=bool(public),
                           notice_sent_on=notice_sent_on, notice_method=notice_method,
                           notice_confirmed=notice_method == Hearing.NoticeMethod.WRITTEN, scheduled_by=user), user)
    _issue(case, CaseDocument.Kind.HEARING_NOTICE, user, context={"hearing": hearing})
    event(case, "hearing_scheduled", user=user, starts_at=timezone.localtime(starts_at), place=hearing.place,
          public=hearing.public, hearing=hearing.pk)
    return hearing


@_service
def hearing_schedule(*, case: DisputeCase, user, starts_at, place: str, notice_sent_on: dt.date,
                     notice_method: str, public: bool = True) -> Hearing:
    """Schedule the hearing with a written notice at least 5 WD before it (LDMAL 35; Rules 38, 80; see the module's
    notes for how "before" is counted): ARB_ACCEPTED with a tribunal -> ARB_HEARING_SCHEDULED. Public unless a
    non-public hearing was requested (LDMAL 26). Notice by phone or SMS only in the simple procedure (Rules 59)."""
    _require(user, case, CLERK, _("schedule a hearing"))
    lock(case)
    require_state(case, S.ARB_ACCEPTED)
    if not case.tribunal.filter(active=True).exists():
        raise DomainError({"__all__": [_("Form the tribunal first (%(cite)s).") % {"cite": LDMAL_31}]})
    hearing = _schedule(case, user, starts_at=starts_at, place=place, notice_sent_on=notice_sent_on,
                        notice_method=notice_method, public=public)
    case.state = S.ARB_HEARING_SCHEDULED
    save(case, user)
    return hearing


@_service
def postponement_request(*, case: DisputeCase, user, hearing_id: int, requested_on: dt.date, granted: bool,
                         new_starts_at=None, reason: str = "", notice_sent_on: dt.date | None = None,
                         notice_method: str = Hearing.NoticeMethod.WRITTEN, place: str = "") -> Hearing:
    """A party asks to postpone the hearing (LDMAL 35: with good reason, at least 3 WD before it; the commission
    decides). A request made later is flagged ``postponement_late`` and still decided. Granted: the hearing is
    POSTPONED; with ``new_starts_at`` a new hearing is scheduled at once under the notice rule (notice sent on
    ``notice_sent_on``, default today, at the same place unless ``place``), else the case returns to ARB_ACCEPTED to
    be scheduled again. Returns the hearing asked about."""
    _require(user, case, STAFF, _("decide on a postponement"))
    lock(case)
    require_state(case, S.ARB_HEARING_SCHEDULED)
    hearing = case.hearings.filter(pk=hearing_id, status=Hearing.Status.SCHEDULED).first()
    if hearing is None:
        raise DomainError({"hearing_id": [_("Choose a scheduled hearing of this case.")]})
    if requested_on is None:
        raise DomainError({"requested_on": [_("This field is required.")]})
    _not_future(requested_on, "requested_on")
    last_on_time = due(requested_on, "ARB-POSTPONE", case.region_id)
    hearing.postponement_requested_on = requested_on
    hearing.postponement_late = _local_date(hearing.starts_at) <= last_on_time
    if not granted:
        save(hearing, user)
        event(case, "postponement_refused", user=user, public=True, hearing=hearing.pk, late=hearing.postponement_late,
              reason=(reason or "").strip())
        return hearing
    hearing.status = Hearing.Status.POSTPONED
    save(hearing, user)
    new = None
    if new_starts_at is not None:
        new = _schedule(case, user, starts_at=new_starts_at, place=place or hearing.place,
                        notice_sent_on=notice_sent_on or today(), notice_method=notice_method, public=hearing.public)
    else:
        case.state = S.ARB_ACCEPTED
        save(case, user)
    event(case, "hearing_postponed", user=user, hearing=hearing.pk, late=hearing.postponement_late,
          reason=(reason or "").strip(), new_hearing=new.pk if new else None,
          citation=cite("ARB-POSTPONE", requested_on))
    return hearing


def _bool(value, field: str, errors: dict, where: str) -> bool:
    if not isinstance(value, bool):
        errors.setdefault(field, []).append(_("%(where)s: say yes or no.") % {"where": where})
        return False
    return value


@_service
def hearing_record(*, case: DisputeCase, user, hearing_id: int, outcome: str, record_text: str,
                   applicant_present: bool, respondent_present: bool, mediation_attempted: bool, corrections=(),
                   signatures=(), mediation_text: str = "", mediation_amount=None,
                   deliberation_notes: str = "") -> Hearing:
    """Record a hearing (LDMAL 40; Rules 42): the record itself (required; a main-file document the parties may
    read), every correction request a party made to its own statements, granted or refused (a refused one with its
    reason), and who signed; a refusal to sign is noted. No hearing is recorded while a recusal is pending
    (Rules 12). Outcomes:

    - ``heard`` -> ARB_HEARD (the award is next);
    - ``adjourned`` -> ARB_ACCEPTED (another hearing is scheduled);
    - ``deemed_withdrawn``: only when the applicant was absent and had a written notice whose receipt is confirmed,
      never after an unconfirmed or SMS/phone notice (Rules 39, 59) -> ARB_DEEMED_WITHDRAWN, closed;
    - ``settled``: a mediation document (调解书, LDMAL 42) is made from ``mediation_text``; the case stays
      ARB_HEARD until both parties sign for it (``mediation_document_sign``);
    - ``withdrawn`` -> ARB_WITHDRAWN, closed (LDMAL 41).

    Run as the flow's hold_hearing step: the Switch after it reads the state (the flow ends by itself on the
    closing outcomes)."""
    _require(user, case, CLERK, _("record a hearing"))
    lock(case)
    require_state(case, S.ARB_HEARING_SCHEDULED)
    hearing = case.hearings.filter(pk=hearing_id, status=Hearing.Status.SCHEDULED).first()
    if hearing is None:
        raise DomainError({"hearing_id": [_("Choose a scheduled hearing of this case.")]})
    held_on = _local_date(hearing.starts_at)
    if held_on > today():
        raise DomainError({"__all__": [_("The hearing is on %(date)s: record it once it has been held.")
                                       % {"date": held_on}]})
    if RecusalRequest.objects.filter(case=case, member__active=True, decided_on__isnull=True).exists():
        raise DomainError({"__all__": [_("A recusal request is pending: the challenged arbitrator stops work on the "
                                         "case until it is decided (%(cite)s).") % {"cite": RULES_12}]})
    errors: dict = {}
    if outcome not in HEARING_OUTCOMES:
        errors["outcome"] = [_("Choose one of the listed options.")]
    if not (record_text or "").strip():
        errors["record_text"] = [_("Every hearing is recorded (%(cite)s).") % {"cite": f"{LDMAL}第四十条"}]
    applicant_present = _bool(applicant_present, "applicant_present", errors, _("Applicant present"))
    respondent_present = _bool(respondent_present, "respondent_present", errors, _("Respondent present"))
    mediation_attempted = _bool(mediation_attempted, "mediation_attempted", errors, _("Mediation attempted"))
    if outcome == "deemed_withdrawn":
        if applicant_present:
            errors["outcome"] = [_("The applicant was present: the application cannot be deemed withdrawn.")]
        elif not (hearing.notice_method == Hearing.NoticeMethod.WRITTEN and hearing.notice_confirmed):
            errors["outcome"] = [_("The application can be deemed withdrawn only after a written hearing notice whose "
                                   "receipt is confirmed, never after an unconfirmed notice or one by phone or SMS "
                                   "(%(cite)s; %(cite59)s).") % {"cite": RULES_39, "cite59": RULES_59}]
    amount = None
    if outcome == "settled":
        if not (mediation_text or "").strip():
            errors["mediation_text"] = [_("Write the terms of the mediation document (%(cite)s).")
                                        % {"cite": LDMAL_42}]
        if mediation_amount not in (None, ""):
            try:
                amount = Decimal(str(mediation_amount)).quantize(Decimal("0.01"))
                if amount < 0:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors["mediation_amount"] = [_("Give an amount in yuan, zero or more.")]
    parties = {p.pk: p for p in case.parties.all()}
    clean_corrections = []
    for i, c in enumerate(corrections or (), start=1):
        party = parties.get(c.get("party_id"))
        text = (c.get("request_text") or "").strip()
        granted = c.get("granted")
        why = (c.get("reason") or "").strip()
        if party is None:
            errors.setdefault("corrections", []).append(_("Correction %(n)s: choose a party of this case.") % {"n": i})
        if not text:
            errors.setdefault("corrections", []).append(_("Correction %(n)s: say what the party asked to correct.")
                                                        % {"n": i})
        if not isinstance(granted, bool):
            errors.setdefault("corrections", []).append(_("Correction %(n)s: say whether it was granted.") % {"n": i})
        elif not granted and not why:
            errors.setdefault("corrections", []).append(
                _("Correction %(n)s: a refused correction is kept in the record with the reason for refusing "
                  "(%(cite)s).") % {"n": i, "cite": RULES_42})
        clean_corrections.append((party, text, granted, why))
    clean_signatures = []
    for i, s in enumerate(signatures or (), start=1):
        who = s.get("who")
        name = (s.get("name") or "").strip()
        signed = s.get("signed")
        note = (s.get("refusal_note") or "").strip()
        party = None
        if who not in HearingSignature.Who.values:
            errors.setdefault("signatures", []).append(_("Signature %(n)s: who signs?") % {"n": i})
        if not name:
            errors.setdefault("signatures", []).append(_("Signature %(n)s: the name is required.") % {"n": i})
        if s.get("party_id") not in (None, ""):
            party = parties.get(s.get("party_id"))
            if party is None:
                errors.setdefault("signatures", []).append(_("Signature %(n)s: choose a party of this case.")
                                                           % {"n": i})
        if not isinstance(signed, bool):
            errors.setdefault("signatures", []).append(_("Signature %(n)s: say whether they signed.") % {"n": i})
        elif not signed and not note:
            errors.setdefault("signatures", []).append(
                _("Signature %(n)s: a refusal to sign is noted in the file (%(cite)s).")
                % {"n": i, "cite": RULES_42})
        clean_signatures.append((who, name[:64], party, signed, note[:255]))
    if errors:
        raise DomainError(errors)

    hearing.status = Hearing.Status.HELD
    hearing.record_text = record_text.strip()
    hearing.applicant_present = applicant_present
    hearing.respondent_present = respondent_present
    hearing.mediation_attempted = mediation_attempted
    save(hearing, user)
    for party, text, granted, why in clean_corrections:
        save(HearingCorrection(hearing=hearing, party=party, request_text=text, granted=granted, reason=why,
                               recorded_by=user), user)
    for who, name, party, signed, note in clean_signatures:
        save(HearingSignature(hearing=hearing, who=who, name=name, party=party, signed=signed,
                              refusal_note="" if signed else note), user)
    _issue(case, CaseDocument.Kind.HEARING_RECORD, user, context={"hearing": hearing})
    if (deliberation_notes or "").strip():
        _issue(case, CaseDocument.Kind.INTERNAL_NOTE, user, audience=CaseDocument.Audience.INTERNAL,
               context={"subject": "合议笔录", "text": deliberation_notes.strip()})
    event(case, "hearing_held", user=user, hearing=hearing.pk, outcome=outcome, on=held_on,
          corrections=len(clean_corrections), refused_signatures=sum(1 for s in clean_signatures if not s[3]))

    if outcome == "heard":
        case.state = S.ARB_HEARD
        save(case, user)
    elif outcome == "adjourned":
        case.state = S.ARB_ACCEPTED
        save(case, user)
    elif outcome == "settled":
        doc = _issue(case, CaseDocument.Kind.MEDIATION_DOCUMENT, user,
                     context={"terms": mediation_text.strip(), "amount": amount, "made_on": held_on})
        md = save(MediationDocument(case=case, doc_no=doc.doc_no, text=mediation_text.strip(), amount=amount,
                                    made_on=held_on, document=doc, issued_by=user), user)
        case.state = S.ARB_HEARD
        save(case, user)
        event(case, "mediation_document_made", user=user, public=True, mediation_document=md.doc_no,
              amount=amount)
    elif outcome == "deemed_withdrawn":
        case.state = S.ARB_DEEMED_WITHDRAWN
        save(case, user)
        event(case, "deemed_withdrawn", user=user, on=held_on, citation=RULES_39)
        _close(case, user, DisputeCase.Closure.DEEMED_WITHDRAWAL, held_on,
               _("applicant absent after a confirmed written notice (%(cite)s)") % {"cite": RULES_39})
    else:  # withdrawn at the hearing
        case.state = S.ARB_WITHDRAWN
        save(case, user)
        event(case, "withdrawn", user=user, on=held_on, citation=LDMAL_41)
        _close(case, user, DisputeCase.Closure.WITHDRAWAL, held_on, _("withdrawn at the hearing"))
    return hearing


@_service
def withdraw(*, case: DisputeCase, user, on: dt.date | None = None, reason: str = "") -> DisputeCase:
    """The applicant withdraws the application (LDMAL 41), at any time before the award: ARB_WITHDRAWN, closed
    (closure withdrawal), running deadlines waived, a scheduled hearing cancelled, an open suspension ended, the
    workflow cancelled."""
    _require(user, case, STAFF, _("record a withdrawal"))
    lock(case)
    require_state(case, *BEFORE_AWARD,
                  message=_("An application can be withdrawn only before the award (%(cite)s); the case is "
                            "“%(state)s”.") % {"cite": LDMAL_41, "state": case.get_state_display()})
    on = on or today()
    _not_future(on, "on")
    _not_before(on, case.received_at, "on", _("the application was received"))
    for s in case.suspensions.filter(ended_on__isnull=True):
        s.ended_on = max(on, s.started_on)
        save(s, user)
    for h in case.hearings.filter(status=Hearing.Status.SCHEDULED):
        h.status = Hearing.Status.CANCELLED
        save(h, user)
    case.state = S.ARB_WITHDRAWN
    save(case, user)
    event(case, "withdrawn", user=user, on=on, reason=(reason or "").strip(), citation=LDMAL_41)
    _close(case, user, DisputeCase.Closure.WITHDRAWAL, on, reason)
    from ..flows import process_cancel

    process_cancel(case)
    return case


@_service
def mediation_document_sign(*, case: DisputeCase, user, document_id: int, side: str, on: dt.date,
                            refused: bool = False) -> MediationDocument:
    """A party signs for the mediation document (调解书, LDMAL 42): it takes effect when both have, on the later
    date; the case is then ARB_SETTLED and closed (closure mediation_doc) and its workflow cancelled. With
    ``refused`` the party refused to sign for it before it took effect: it never takes effect and the tribunal must
    award (LDMAL 42 ¶3). The state is left as it is: after a settlement at a hearing that is ARB_HEARD, where the
    flow waits for the award."""
    _require(user, case, CLERK, _("record signing for a mediation document"))
    lock(case)
    require_state(case, S.ARB_HEARD, S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED)
    md = case.mediation_documents.filter(pk=document_id).first()
    if md is None:
        raise DomainError({"document_id": [_("No such mediation document on this case.")]})
    if side not in (DisputeParty.Side.APPLICANT, DisputeParty.Side.RESPONDENT):
        raise DomainError({"side": [_("Choose the applicant or the respondent.")]})
    if md.effective_on is not None:
        raise Conflict({"document_id": [_("This mediation document took effect on %(date)s.")
                                        % {"date": md.effective_on}]})
    if md.refused_on is not None:
        raise DomainError({"document_id": [_("A party refused to sign for this mediation document on %(date)s: it "
                                             "cannot take effect and the tribunal must award (%(cite)s).")
                                           % {"date": md.refused_on, "cite": LDMAL_42}]})
    if on is None:
        raise DomainError({"on": [_("This field is required.")]})
    _not_future(on, "on")
    _not_before(on, md.made_on, "on", _("the mediation document was made"))
    if refused:
        md.refused_on = on
        md.refused_side = side
        save(md, user)
        event(case, "mediation_document_refused", user=user, public=True, side=side, on=on, citation=LDMAL_42)
        return md
    field = "signed_applicant_on" if side == DisputeParty.Side.APPLICANT else "signed_respondent_on"
    if getattr(md, field) is not None:
        raise Conflict({"side": [_("This party already signed for it on %(date)s.") % {"date": getattr(md, field)}]})
    setattr(md, field, on)
    if md.signed_applicant_on and md.signed_respondent_on:
        md.effective_on = max(md.signed_applicant_on, md.signed_respondent_on)
    save(md, user)
    event(case, "mediation_document_signed", user=user, side=side, on=on)
    if md.effective_on:
        case.state = S.ARB_SETTLED
        save(case, user)
        event(case, "settled", user=user, public=True, mediation_document=md.doc_no, effective_on=md.effective_on)
        _close(case, user, DisputeCase.Closure.MEDIATION_DOC, md.effective_on, md.doc_no)
        from ..flows import process_cancel

        process_cancel(case)
    return md


# --- advance execution (LDMAL 44; Rules 51) ------------------------------------------------------------------------

@_service
def advance_execution_apply(*, case: DisputeCase, user, party_id: int, categories: list, amount,
                            applied_on: dt.date, reasons: str, security_required: bool = False) -> AdvanceExecution:
    """An application for advance execution (先予执行, LDMAL 44; Rules 51): only on a party's application, only in
    claims for labour remuneration, work-injury medical costs, economic compensation or damages; a worker gives no
    security."""
    _require(user, case, CLERK, _("record an application for advance execution"))
    lock(case)
    require_state(case, S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD)
    party = _party(case, party_id)
    errors: dict = {}
    categories = list(categories or [])
    bad = [c for c in categories if c not in ADVANCE_CATEGORIES]
    if not categories or bad:
        errors["categories"] = [_("Advance execution is possible only in claims for labour remuneration, "
                                  "work-injury medical costs, economic compensation or damages (%(cite)s).")
                                % {"cite": LDMAL_44}]
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        if amount <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["amount"] = [_("Give an amount in yuan, more than zero.")]
    if not (reasons or "").strip():
        errors["reasons"] = [_("Say why not executing in advance would seriously affect the applicant's living "
                               "(%(cite)s).") % {"cite": LDMAL_44}]
    if security_required and party.person_id is not None:
        errors["security_required"] = [_("A worker who applies for advance execution need not give security "
                                         "(%(cite)s).") % {"cite": LDMAL_44}]
    if applied_on is None:
        errors["applied_on"] = [_("This field is required.")]
    else:
        try:
            _not_future(applied_on, "applied_on")
            _not_before(applied_on, case.accepted_at, "applied_on", _("the case was accepted"))
        except DomainError as e:
            errors.update(e.errors)
    if errors:
        raise DomainError(errors)
    app = save(AdvanceExecution(case=case, applicant=party, categories=categories, amount=amount,
                                applied_on=applied_on, reasons=reasons.strip(),
                                security_required=bool(security_required)), user)
    event(case, "advance_execution_applied", user=user, public=True, amount=amount, categories=categories,
          on=applied_on)
    return app


@_service
def advance_execution_decide(*, case: DisputeCase, user, request_id: int, granted: bool, on: dt.date,
                             court_name: str = "") -> AdvanceExecution:
    """The decision on advance execution (LDMAL 44): by the chair of the commission or the case's sitting presiding
    or sole arbitrator (who may act: no recusal pending). Granted: sent to the court for execution (court
    required)."""
    allowed = has_role(user, Role.CHAIR) and can_handle(user, case)
    if not allowed and has_role(user, Role.ARBITRATOR):
        seat = case.tribunal.filter(arbitrator=user, active=True,
                                    role__in=[TribunalMember.Role.PRESIDING, TribunalMember.Role.SOLE]).first()
        allowed = seat is not None and member_may_act(seat)
    if not allowed:
        raise NotAllowed({"__all__": [_("Only the chair or the case's presiding or sole arbitrator may decide on "
                                        "advance execution.")]})
    lock(case)
    require_state(case, S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD)
    app = case.advance_executions.filter(pk=request_id).first()
    if app is None:
        raise DomainError({"request_id": [_("No such application on this case.")]})
    if app.granted is not None:
        raise Conflict({"request_id": [_("This application was already decided on %(date)s.")
                                       % {"date": app.decided_on}]})
    if on is None:
        raise DomainError({"on": [_("This field is required.")]})
    _not_future(on, "on")
    _not_before(on, app.applied_on, "on", _("the application"))
    if granted and not (court_name or "").strip():
        raise DomainError({"court_name": [_("Name the court the order is sent to for execution (%(cite)s).")
                                          % {"cite": LDMAL_44}]})
    app.granted = bool(granted)
    app.decided_on = on
    if granted:
        app.sent_to_court_on = on
        app.court_name = court_name.strip()[:200]
    save(app, user)
    event(case, "advance_execution", user=user, granted=bool(granted), on=on, court=app.court_name,
          amount=app.amount)
    return app
