"""What every disputes service shares: the timeline, case and document numbers, access codes, deadlines from the
rule table, state guards that cite the rule, and the refusal of fee fields (LDMAL art. 53).

Services are keyword-only functions; each legal act is one function, atomic, raising ``DomainError`` (400) with a
message that names the rule and its citation, ``NotAllowed`` (403) for the wrong user and ``Conflict`` (409) when
someone else was faster. They never call ``QuerySet.update()`` on audited models."""
import datetime as dt
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit import current
from casework.errors import DomainError
from casework.services.clock import compute_due
from casework.services.common import cite, lock
from casework.services.config import rule
from casework.services.deadlines import deadline_close, deadline_open, deadline_waive, open_deadline
from casework.services.intake import _luhn_digit, _new_access_code, access_code_hash
from casework.services.intake import check_access_code as _check_access_code

from ..models import DisputeCase, DisputeEvent, DisputeSequence, Track
from ..notices import dispute_event_notify

__all__ = [
    "today", "event", "cite", "lock", "due", "open_dl", "close_dl", "waive_dl", "current_due", "require_state",
    "next_case_number", "normalise_dispute_number", "new_access_code", "access_code_hash", "check_access_code",
    "next_doc_no", "refuse_fee_fields", "FEE_WORDS", "TRACK_DIGIT", "save", "PUBLIC_EVENTS", "next_docket_no",
]

TRACK_DIGIT = {Track.MEDIATION: "1", Track.ARBITRATION: "2"}

# Public events a party sees on the tracking page (others are staff-only).
PUBLIC_EVENTS = {
    "applied", "med_accepted", "med_refused", "med_session", "med_agreement", "med_failed", "med_unlocked",
    "med_performed", "med_not_performed", "instalment_paid", "instalment_overdue", "review_filed", "review_decided",
    "supplement_requested", "supplement_completed", "accepted", "not_accepted", "no_jurisdiction",
    "decision_overdue", "served", "defence_received", "tribunal_formed", "recusal_requested", "recusal_decided",
    "award_extended", "suspended", "resumed", "clock_restarted", "hearing_scheduled", "hearing_postponed",
    "hearing_held", "withdrawn", "deemed_withdrawn", "settled", "mediation_document_signed", "advance_execution",
    "award_issued", "award_effective", "court_action", "closed", "document_issued",
}


def today() -> dt.date:
    return timezone.localdate()


def event(case: DisputeCase, code: str, *, user=None, public: bool | None = None, **detail) -> DisputeEvent:
    """A timeline entry. Detail values must be JSON-serialisable (dates are turned into ISO strings). A public entry
    that matters to a party also writes its SMS to the outbox, in the same transaction (disputes.notices)."""
    clean = {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v) if hasattr(v, "as_tuple")
                 else v) for k, v in detail.items()}
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    ev = DisputeEvent.objects.create(case=case, code=code, actor=user, detail=clean,
                                     public=code in PUBLIC_EVENTS if public is None else public,
                                     request_id=current().request_id if current() else "")
    dispute_event_notify(ev)  # the parties' SMS, in this transaction (disputes.notices)
    return ev


def due(anchor: dt.date, rule_id: str, region_code: str) -> dt.date:
    """The due date of ``rule_id`` counted from ``anchor`` on the region's calendar (not stored)."""
    r = rule(rule_id, on=anchor)
    return compute_due(anchor, r.n, r.unit, region_code).due


def open_dl(case: DisputeCase, rule_id: str, anchor: dt.date):
    return deadline_open(case=case, rule_id=rule_id, anchor_date=anchor, region_code=case.region_id,
                         case_number=case.case_number)


def close_dl(case: DisputeCase, rule_id: str, on: dt.date | None = None):
    return deadline_close(case=case, rule_id=rule_id, on=on)


def waive_dl(case: DisputeCase, rule_id: str):
    return deadline_waive(case=case, rule_id=rule_id)


def current_due(case: DisputeCase, rule_id: str) -> dt.date | None:
    d = open_deadline(case, rule_id)
    return d.effective_due if d else None


def require_state(case: DisputeCase, *states, message: str | None = None):
    if case.state not in states:
        raise DomainError({"__all__": [message or _("This cannot be done now: the case is “%(state)s”.")
                                       % {"state": case.get_state_display()}]})


def _next_serial(key: str, year: int) -> int:
    with transaction.atomic():
        seq, _created = DisputeSequence.objects.select_for_update().get_or_create(key=key, year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
        return seq.last


def next_case_number(track: str, region_code: str, year: int) -> str:
    """YYYY-PPPP-T-NNNNN-C: year, prefecture, track digit (1 mediation, 2 arbitration), serial, check digit. Digits
    only, like complaint numbers (14 digits), but 15 digits long, so a number says which kind of case it is."""
    prefix = region_code[:4]
    digit = TRACK_DIGIT[track]
    serial = _next_serial(f"case:{prefix}:{digit}", year)
    body = f"{year}{prefix}{digit}{serial:05d}"
    return f"{year}-{prefix}-{digit}-{serial:05d}-{_luhn_digit(body)}"


def normalise_dispute_number(value: str) -> str | None:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) != 15 or digits[8] not in TRACK_DIGIT.values() or _luhn_digit(digits[:14]) != digits[14]:
        return None
    return f"{digits[:4]}-{digits[4:8]}-{digits[8]}-{digits[9:14]}-{digits[14]}"


def new_access_code() -> str:
    """The same 8-digit access codes as complaints (one tracking page serves every track)."""
    return _new_access_code()


def check_access_code(case: DisputeCase, code: str) -> bool:
    """Any case with an ``access_code_hash`` is checked the way complaints are."""
    return _check_access_code(case, code)


DOC_LABEL = {
    "receipt": "收件回执", "supplement_notice": "补正通知", "acceptance_notice": "受理通知",
    "non_acceptance_notice": "不予受理通知", "no_jurisdiction_notice": "书面说明", "respondent_notice": "应诉通知",
    "service_record": "送达回证", "hearing_notice": "开庭通知", "composition_notice": "组庭通知",
    "extension_notice": "延期通知", "award": "裁决", "mediation_agreement": "调解协议", "mediation_document": "调解书",
    "mediation_refusal": "不予受理调解通知", "mediation_failed": "调解终止通知", "hearing_record": "庭审笔录",
    "internal_note": "内部记录",
}


def next_doc_no(case: DisputeCase, kind: str, *, year: int | None = None) -> str:
    """A document number that says whose case and what it is: the case's docket number once the commission has
    accepted it (拉劳人仲案字〔2026〕12号-开庭通知), else the case number (2026-5401-2-00012-3-收件回执), with 2, 3, ...
    appended when a case has several documents of one kind (a second hearing notice). Unique by construction."""
    year = year or today().year
    base = case.docket_no or case.case_number
    label = DOC_LABEL.get(kind, kind)
    serial = _next_serial(f"doc:{case.pk}:{kind}", year)
    number = f"{base}-{label}" if serial == 1 else f"{base}-{label}{serial}"
    from ..models import CaseDocument

    while CaseDocument.objects.filter(doc_no=number).exists():  # a year change restarts the serial
        serial = _next_serial(f"doc:{case.pk}:{kind}", year)
        number = f"{base}-{label}{serial}"
    return number


FEE_WORDS = re.compile(r"(^|_)(fee|fees|payment_due|invoice|charge|cost|price|收费|费用|发票)($|_)", re.I)


def refuse_fee_fields(data) -> None:
    """Arbitration is free (LDMAL art. 53: 劳动争议仲裁不收费). Any attempt to send a fee, invoice or charge into the
    arbitration track is refused with the reason, rather than silently dropped."""
    keys = list(data.keys()) if hasattr(data, "keys") else []
    bad = [k for k in keys if FEE_WORDS.search(str(k))]
    if bad:
        raise DomainError({k: [_("Labour-dispute arbitration is free of charge: no fee, payment or invoice can be "
                                 "recorded (《劳动争议调解仲裁法》第五十三条).")] for k in bad})


def save(obj, user=None, *, clean: bool = True):
    """Validate and save one audited row, stamping the acting user on its history."""
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user
    if clean:
        obj.full_clean(validate_constraints=False)
    obj.save()
    return obj


def next_docket_no(case: DisputeCase, *, year: int) -> str:
    """The arbitration docket number given on acceptance (spec §12.6 ``case_no``): the commission's prefix, the
    year in 〔〕 and a serial per commission and year, e.g. 拉劳人仲案字〔2025〕7号. Serials come from the locked
    sequence table, so two clerks accepting at the same time never share one."""
    serial = _next_serial(f"docket:{case.commission_id}", year)
    return f"{case.commission.docket_prefix}〔{year}〕{serial}号"
