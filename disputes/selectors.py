"""Reads for the disputes pages and API: the party's tracking view (no staff names, no internal file), the staff
case view (personal data as the viewer may see it), lists, and plain-words texts for states and events."""
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.access import has_role, in_region
from casework.identity import mask_id_for_employer as mask_id, mask_phone
from casework.models import Deadline, DeadlineRule, TimeUnit
from casework.services.config import param, rule

from .access import Role, disputes_for
from .models import CaseDocument, DisputeCase, DisputeParty, DisputeState as S, Track

__all__ = ["STATUS_TEXT", "EVENT_TEXT", "status_text", "event_text", "rule_text", "periods", "public_periods",
           "tracking_view", "case_view", "case_list_for_user", "deadlines_of", "party_display", "sees_dispute_pii",
           "timeline"]

STATUS_TEXT = {
    S.MED_APPLIED: _("Your mediation application was received. The mediation body decides within %(n)s %(unit)s "
                     "whether to accept it."),
    S.MED_REFUSED: _("The mediation body did not accept the application. You may apply for arbitration."),
    S.MED_IN_MEDIATION: _("Mediation is under way."),
    S.MED_AGREEMENT: _("A mediation agreement was signed. Its payments are followed here."),
    S.MED_FAILED: _("Mediation ended without an agreement. You may apply for arbitration."),
    S.MED_PERFORMED: _("The mediation agreement was performed."),
    S.MED_NOT_PERFORMED: _("The agreement was not performed. You may apply for arbitration, or for wages ask the "
                           "court for a payment order."),
    S.MED_JOINT_REVIEW: _("The arbitration commission is reviewing the mediation agreement."),
    S.ARB_RECEIVED: _("Your arbitration application was received. The commission decides within %(n)s %(unit)s "
                      "whether to accept it."),
    S.ARB_NEEDS_SUPPLEMENT: _("The commission asked you for missing materials (see the notice below)."),
    S.ARB_NOT_ACCEPTED: _("The commission did not accept the case. You may sue at the people's court."),
    S.ARB_NO_JURISDICTION: _("Another arbitration commission is competent (see the written explanation)."),
    S.ARB_ACCEPTED: _("The case was accepted. The tribunal is formed and a hearing will be set."),
    S.ARB_HEARING_SCHEDULED: _("A hearing is scheduled (see the hearing notice)."),
    S.ARB_HEARD: _("The hearing was held. The tribunal will make its award."),
    S.ARB_SUSPENDED: _("The case is suspended for now."),
    S.ARB_SETTLED: _("The case was settled by a mediation document."),
    S.ARB_WITHDRAWN: _("The application was withdrawn."),
    S.ARB_DEEMED_WITHDRAWN: _("The application is treated as withdrawn (absent from the hearing after written "
                              "notice)."),
    S.ARB_TERMINATED_COURT: _("The arbitration ended because a court accepted a suit."),
    S.ARB_AWARDED: _("The award was made (see the award documents and what you may do next)."),
    S.CLOSED: _("The case is closed."),
}

EVENT_TEXT = {
    "applied": _("Application received"),
    "med_accepted": _("Mediation accepted"),
    "med_refused": _("Mediation not accepted"),
    "med_session": _("Mediation session held"),
    "med_agreement": _("Mediation agreement signed"),
    "med_failed": _("Mediation ended without agreement: you may apply for arbitration"),
    "med_unlocked": _("No agreement within %(n)s %(unit)s: you may apply for arbitration"),
    "med_performed": _("Agreement performed"),
    "med_not_performed": _("Agreement not performed"),
    "instalment_paid": _("Payment under the agreement recorded"),
    "instalment_overdue": _("An instalment is overdue"),
    "review_filed": _("Joint application for arbitral review received"),
    "review_decided": _("Arbitral review decided"),
    "supplement_requested": _("Missing materials requested"),
    "supplement_completed": _("Materials complete"),
    "accepted": _("Case accepted"),
    "not_accepted": _("Case not accepted"),
    "no_jurisdiction": _("Another commission is competent"),
    "decision_overdue": _("No acceptance decision in time: you may sue at the court"),
    "served": _("A document was served"),
    "defence_received": _("The respondent's defence was received"),
    "tribunal_formed": _("The arbitration tribunal was formed"),
    "recusal_requested": _("A recusal request was made"),
    "recusal_decided": _("The recusal request was decided"),
    "award_extended": _("The award period was extended"),
    "suspended": _("The case was suspended"),
    "resumed": _("The case was resumed"),
    "clock_restarted": _("The award period restarted (claims, parties or jurisdiction changed)"),
    "hearing_scheduled": _("Hearing scheduled"),
    "hearing_postponed": _("Hearing postponed"),
    "hearing_held": _("Hearing held"),
    "withdrawn": _("Application withdrawn"),
    "deemed_withdrawn": _("Application deemed withdrawn"),
    "settled": _("Settled by mediation"),
    "mediation_document_signed": _("Mediation document signed for"),
    "advance_execution": _("Advance execution decided"),
    "award_issued": _("Award made"),
    "award_effective": _("Award took effect"),
    "court_action": _("Court action recorded"),
    "closed": _("Case closed"),
    "document_issued": _("Document issued"),
    "defence_copied": _("A copy of the defence was sent to the applicant"),
    "postponement_refused": _("The request to postpone the hearing was refused"),
    "mediation_document_made": _("A mediation document (调解书) was made"),
    "mediation_document_refused": _("A party refused to sign for the mediation document"),
    "advance_execution_applied": _("Application for advance execution received"),
    "account_linked": _("A party's account was linked to the case"),
    "review_extended": _("The arbitral review was extended by %(n)s %(unit)s"),
    "task_assigned": _("Task taken"),
    "task_done": _("Step completed"),
}

RULE_TEXT = {
    "MED-ACCEPT": _("decision on accepting mediation"),
    "MED-END": _("end of the mediation period of %(n)s %(unit)s"),
    "MED-REVIEW": _("decision of the arbitral review"),
    "ARB-ACCEPT": _("decision on accepting your application"),
    "ARB-AWARD": _("the award"),
    "ARB-DEFENCE": _("the respondent's defence"),
}
# Texts that state a legal period take its number and unit from the rule table (never written into the msgid):
# which row fills the ``%(n)s %(unit)s`` of each.
STATUS_PERIOD = {S.MED_APPLIED: "MED-ACCEPT", S.ARB_RECEIVED: "ARB-ACCEPT"}
EVENT_PERIOD = {"med_unlocked": "MED-END", "review_extended": "MED-REVIEW-EXT"}
RULE_PERIOD = {"MED-END": "MED-END"}


def periods(*rule_ids: str, on=None) -> dict[str, dict]:
    """``{rule_id: {"n": number, "unit": its unit in the current language}}`` for the rows in force on ``on``
    (today by default), in one query; a missing row is the configuration error the services raise too."""
    on = on or timezone.localdate()
    found = {}
    for r in (DeadlineRule.objects.filter(rule_id__in=rule_ids, effective_from__lte=on)
              .order_by("rule_id", "-effective_from")):
        found.setdefault(r.rule_id, {"n": r.n, "unit": str(r.get_unit_display())})
    for rule_id in rule_ids:
        if rule_id not in found:
            rule(rule_id, on=on)  # raises MissingConfiguration with the usual message
    return found


def _with_period(text, rule_id, on=None) -> str:
    return str(text) % periods(rule_id, on=on)[rule_id] if rule_id else str(text)


def status_text(case: DisputeCase) -> str:
    """The plain-words status of ``case`` for a party, its periods as in force when the application came in."""
    text = STATUS_TEXT.get(case.state)
    if text is None:
        return str(case.get_state_display())
    return _with_period(text, STATUS_PERIOD.get(case.state), on=case.received_at)


def event_text(code: str, *, on=None) -> str:
    text = EVENT_TEXT.get(code)
    return code if text is None else _with_period(text, EVENT_PERIOD.get(code), on=on)


def rule_text(rule_id: str, *, on=None) -> str:
    return _with_period(RULE_TEXT[rule_id], RULE_PERIOD.get(rule_id), on=on)


def public_periods(on=None) -> dict:
    """The periods the disputes landing page and the application form state, from the rule table and the legal
    parameters (the award extension's maximum is the parameter the extension service enforces, in calendar days)."""
    on = on or timezone.localdate()
    rows = periods("MED-ACCEPT", "MED-END", "ARB-ACCEPT", "ARB-AWARD", "ARB-LIMITATION", on=on)
    return {"med_accept": rows["MED-ACCEPT"], "med_end": rows["MED-END"], "arb_accept": rows["ARB-ACCEPT"],
            "arb_award": rows["ARB-AWARD"], "limitation": rows["ARB-LIMITATION"],
            "award_ext": {"n": int(param("arbitration.max_extension_days", on=on)),
                          "unit": str(TimeUnit.CALENDAR_DAYS.label)},
            "collective": int(param("arbitration.collective_min_workers", on=on))}


# A party's own periods: once passed they are no longer "next" (the case goes on without a defence; after the
# mediation period the arbitration route opens, which the page says on its own).
PARTY_RULES = {"ARB-DEFENCE", "MED-END"}
LIVE = [Deadline.Status.OPEN, Deadline.Status.EXTENDED, Deadline.Status.BREACHED, Deadline.Status.PAUSED]


def deadlines_of(case: DisputeCase):
    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(DisputeCase),
                                   object_id=case.pk).order_by("due_date", "id")


def party_display(p: DisputeParty, *, full: bool) -> dict:
    """A party as a page shows it: the name always (parties and staff need it); ID number and phone in full only
    for ``full`` viewers, masked otherwise."""
    if p.employer_id:
        e = p.employer
        return {"id": p.pk, "side": p.side, "side_display": str(p.get_side_display()), "kind": "employer",
                "name": e.name, "uscc": e.uscc or "", "address": e.address, "legal_rep": e.legal_rep_name,
                "agent": _agent(p, full)}
    person = p.person
    return {"id": p.pk, "side": p.side, "side_display": str(p.get_side_display()), "kind": "person",
            "name": person.name, "id_number": person.id_number if full else mask_id(person.id_number),
            "phone": person.phone if full else mask_phone(person.phone),
            "address": person.address if full else "", "occupation": p.occupation, "work_unit": p.work_unit,
            "agent": _agent(p, full)}


def _agent(p: DisputeParty, full: bool):
    if not p.agent_id:
        return None
    a = p.agent
    return {"name": a.name, "phone": a.phone if full else mask_phone(a.phone), "scope": p.agent_scope}


def sees_dispute_pii(user, case: DisputeCase) -> bool:
    """Full ID numbers and phones: the handling staff of the case's region (mediators, clerks, the chair) and the
    arbitrators sitting on it. Auditors and others see masks."""
    if has_role(user, Role.MEDIATOR, Role.CLERK, Role.CHAIR) and in_region(user, case.region_id):
        return True
    if case.mediator_id and case.mediator_id == getattr(user, "pk", None):
        return True
    return has_role(user, Role.ARBITRATOR) and case.tribunal.filter(arbitrator=user, active=True).exists()


def _events(case, *, public_only: bool):
    qs = case.events.select_related("actor").order_by("at", "id")
    if public_only:
        qs = qs.filter(public=True)
    # ``notice``: what the law lets the party do now, written by the service for the party (LDMAL 14-16)
    return [{"at": e.at, "code": e.code, "text": event_text(e.code, on=timezone.localdate(e.at)),
             "notice": str(e.detail.get("notice", "")),
             "actor": e.actor.get_username() if (e.actor and not public_only) else "",
             "detail": e.detail if not public_only else {k: v for k, v in e.detail.items()
                                                         if k in ("message", "reason", "until", "on", "date")}}
            for e in qs]


def timeline(case):
    return _events(case, public_only=False)


def _next_deadline(case: DisputeCase):
    """The next date that matters to a party of an open case: a running period of the body or commission (an
    overdue decision still matters: the applicant may then sue), or a party's own period that has not yet passed.
    A closed case has none."""
    if not case.is_open:
        return None
    today = timezone.localdate()
    live = deadlines_of(case).filter(status__in=LIVE, rule_id__in=list(RULE_TEXT))
    return next((d for d in live.order_by("due_date", "id")
                 if d.rule_id not in PARTY_RULES or d.effective_due >= today), None)


def tracking_view(case: DisputeCase, *, side: str = DisputeParty.Side.APPLICANT) -> dict:
    """What a party sees with the case number and access code (the applicant: the code is given to whoever applies)
    or from its account (``side``: the side it acts for): plain-words status, the next date that matters to them,
    the public timeline and the main file's documents (never the internal file, never staff names, never anyone's
    ID number, phone or address). The limitation warning and the commission's request for missing materials are
    addressed to the applicant: another side never sees them (the commission does not raise limitation for the
    respondent, LDMAL art. 27)."""
    from .services.applications import arbitration_unlocked, arbitration_unlocked_reason

    nxt = _next_deadline(case)
    applicant = side == DisputeParty.Side.APPLICANT
    unlocked = case.track == Track.MEDIATION and arbitration_unlocked(case)
    return {
        "case": case,
        "case_number": case.case_number,
        "track": case.track,
        "track_display": str(case.get_track_display()),
        "body": str(case.body or case.commission or ""),
        "status": case.state,
        "status_display": status_text(case),
        "next_deadline": ({"date": nxt.effective_due, "what": rule_text(nxt.rule_id),
                           "provisional": nxt.provisional} if nxt else None),
        "limitation_warning": case.limitation_warning if applicant else "",
        "supplement_items": case.supplement_items if applicant and case.state == S.ARB_NEEDS_SUPPLEMENT else "",
        "arbitration_unlocked": unlocked,
        "arbitration_unlocked_reason": arbitration_unlocked_reason(case) if unlocked else "",
        "events": _events(case, public_only=True),
        "documents": list(case.documents.filter(audience=CaseDocument.Audience.MAIN).order_by("issued_at", "id")),
        "awards": list(case.awards.order_by("award_date", "id")),
        "instalments": list(case.agreement.instalments.all()) if hasattr(case, "agreement") else [],
        "today": timezone.localdate(),
    }


def case_view(user, case: DisputeCase) -> dict:
    full = sees_dispute_pii(user, case)
    parties = [party_display(p, full=full) for p in case.parties.select_related("person", "employer", "agent")]
    return {
        "case": case, "full_pii": full, "parties": parties,
        "items": list(case.items.order_by("id")),
        "deadlines": list(deadlines_of(case)),
        "events": timeline(case),
        "documents": list(case.documents.order_by("issued_at", "id")),
        "tribunal": list(case.tribunal.select_related("arbitrator").order_by("role", "id")),
        "recusals": list(case.recusals.select_related("member__arbitrator").order_by("requested_on", "id")),
        "hearings": list(case.hearings.prefetch_related("corrections", "signatures").order_by("starts_at", "id")),
        "services": list(case.services.select_related("party__person", "party__employer").order_by("sent_on", "id")),
        "sessions": list(case.sessions.order_by("held_on", "id")),
        "agreement": getattr(case, "agreement", None) if hasattr(case, "agreement") else None,
        "awards": list(case.awards.prefetch_related("items", "court_actions").order_by("award_date", "id")),
        "suspensions": list(case.suspensions.order_by("started_on", "id")),
        "restarts": list(case.clock_restarts.order_by("on", "id")),
        "advances": list(case.advance_executions.order_by("applied_on", "id")),
        "mediation_documents": list(case.mediation_documents.order_by("made_on", "id")),
        "extension": getattr(case, "award_extension", None) if hasattr(case, "award_extension") else None,
        "joint_review": getattr(case, "joint_review", None) if hasattr(case, "joint_review") else None,
    }


def case_list_for_user(user, *, track: str = "", state: str = "", q: str = ""):
    qs = disputes_for(user, "view").select_related("region", "commission", "body")
    if track:
        qs = qs.filter(track=track)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(case_number__icontains=q) | Q(docket_no__icontains=q)
                       | Q(parties__employer__name__icontains=q)).distinct()
    return qs.order_by("-priority", "-received_at", "-id")
