"""Who among a dispute's parties is told what (the disputes side of docs/notifications.md), the counterpart of
casework.services.notices for complaints. notifications knows channels, texts and delivery; this module knows the
case: its parties, their phones and languages.

``dispute_event_notify`` is called by ``disputes.services.common.event`` for every timeline entry, so each message
is written in the same transaction as the event that caused it (the outbox: a message exists iff the event
committed; a broker outage leaves it pending for redispatch). Only the public events below send anything; internal
ones (tasks, recusals, deliberation, documents of the internal file) never do.

Each party of the side concerned (applicant or respondent; third parties are not told) gets one SMS at its own phone
— a person's ``Person.phone`` in the person's preferred language (else the case's), an employer's
``Employer.contact_phone`` in Chinese — with the case number and where to follow the case. A text never carries an
identity number, a phone, an address, a name or the free-text reasons of the act: what is said about the other side
is in the documents the party downloads."""
from django.conf import settings
from django.urls import reverse

from notifications.services import Recipient, notify

from .models import CaseDocument, DisputeCase, DisputeParty

__all__ = ["PARTY_EVENTS", "DOCUMENT_EVENTS", "dispute_event_notify", "recipients_for", "NOTICE_PREFIX"]

APPLICANT, RESPONDENT = DisputeParty.Side.APPLICANT, DisputeParty.Side.RESPONDENT
BOTH = (APPLICANT, RESPONDENT)

# Event code → the sides told. The notification event is ``NOTICE_PREFIX + code`` (its texts in
# notifications/texts.py), so a dispute's "accepted" never borrows the complaint's text.
NOTICE_PREFIX = "dispute_"
PARTY_EVENTS = {
    "applied": (APPLICANT,),            # application received
    "med_accepted": BOTH,               # the mediation body accepted (the respondent had consented)
    "med_refused": (APPLICANT,),        # not accepted: the written notice gives the reasons
    "accepted": BOTH,                   # arbitration accepted: the respondent is served a copy (LDMAL 30)
    "not_accepted": (APPLICANT,),
    "no_jurisdiction": (APPLICANT,),
    "hearing_scheduled": BOTH,          # the hearing notice
    "hearing_postponed": BOTH,
    "med_agreement": BOTH,              # mediation agreement reached
    "med_failed": BOTH,                 # mediation ended without agreement
    "award_issued": BOTH,
    "suspended": BOTH,
    "resumed": BOTH,
}
# "document_issued" (a document of the main file ready to download) tells the sides below; the documents that come
# with an event above (receipt, acceptance and the notice to respond, hearing notice, award…) are announced by that
# event's own message.
DOCUMENT_EVENTS = {
    CaseDocument.Kind.SUPPLEMENT_NOTICE: (APPLICANT,),
    CaseDocument.Kind.COMPOSITION_NOTICE: BOTH,
    CaseDocument.Kind.EXTENSION_NOTICE: BOTH,
    CaseDocument.Kind.MEDIATION_DOCUMENT: BOTH,
    CaseDocument.Kind.HEARING_RECORD: BOTH,
}


def _sides(ev) -> tuple:
    if ev.code == "document_issued":
        return DOCUMENT_EVENTS.get((ev.detail or {}).get("kind"), ())
    return PARTY_EVENTS.get(ev.code, ())


def _url(name: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse(name)}"


def recipients_for(case: DisputeCase, sides) -> list[Recipient]:
    """One SMS recipient per party of ``sides`` that has a phone. The reference in the idempotency key is the party
    row, never the phone."""
    out = []
    for p in case.parties.filter(side__in=sides).select_related("person", "employer").order_by("id"):
        if p.person_id:
            phone, kind = p.person.phone, "worker"
            # the applicant chose a language on the application; another person party has its own
            language = ((case.preferred_language if p.side == APPLICANT else "") or p.person.preferred_language
                        or settings.LANGUAGE_CODE)
        else:
            phone, kind, language = p.employer.contact_phone, "employer", settings.LANGUAGE_CODE
        if phone:
            out.append(Recipient(kind=kind, channel="sms", address=phone, ref=f"{p.side[0]}{p.pk}",
                                 language=language))
    return out


def _context(ev) -> dict:
    d = ev.detail or {}
    ctx = {}
    if ev.code == "hearing_scheduled":
        starts = d.get("starts_at", "")
        ctx["date"] = starts[:16].replace("T", " ") if isinstance(starts, str) else starts
    elif ev.code == "document_issued":
        kind = d.get("kind", "")
        ctx["document"] = CaseDocument.Kind(kind).label if kind in CaseDocument.Kind.values else ""
    return ctx


def dispute_event_notify(ev) -> list:
    """The messages for one dispute timeline entry, written in the caller's transaction (none for an internal
    event, or for a party without a phone). Applicant and respondent get separate messages, each in its language,
    each pointing to its own way in: the applicant to the tracking page (case number and access code), the
    respondent to its party account."""
    if not ev.public:
        return []
    sides = _sides(ev)
    if not sides:
        return []
    case = ev.case
    context = _context(ev)
    sent = []
    for side in sides:
        recipients = recipients_for(case, (side,))
        if not recipients:
            continue
        url = _url("track") if side == APPLICANT else _url("disputes:my-cases")
        sent += notify(event=f"{NOTICE_PREFIX}{ev.code}", case_number=case.case_number, recipients=recipients,
                       context={**context, "url": url}, sequence=ev.pk, region_code=case.region_id)
    return sent
