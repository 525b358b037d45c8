"""Acts on a case outside the workflow steps, for every interface (pages, API): add an inspection record, verify an
arrears item, record a payment, add evidence; and complaint intake with uploaded evidence.

Each function checks *who may act* here (so pages and the API cannot drift apart), then calls the one service that
holds the legal rule (casework.services.inspection, arrears.services, casework.services.evidence), and writes a
CaseEvent for the timeline. They raise ``NotAllowed`` (403) when the user may not act on the case and
``DomainError`` (400, one message list per field) when the input breaks a rule.

Who may act [D]: the case-handling roles of the handling region (``casework.access.can_handle_complaint``; a lead
inspector always may). Investigative acts (inspection records, verification, payments) are for inspectors and
inspection heads; evidence may also be added by intake officers. Auditors and sysadmins never act on cases.

Callers decide what "not visible at all" means for them (the API answers 404 before calling these: see
``casework.selectors.case_get_for_user``).
"""
import datetime as dt
from typing import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import ArrearsLineItem, Payment
from arrears.services import item_verify, payment_record

from ..access import Role, can_handle_complaint, has_role
from ..audit import acting
from ..errors import DomainError, NotAllowed
from ..models import Attachment, Complaint, ComplaintState as S, InspectionRecord
from .common import lock
from .evidence import evidence_store
from .inspection import event, inspection_record_add
from .intake import SubmitResult, complaint_submit, intake_validate

__all__ = [
    "ACTION_ROLES", "can_act_on_case", "case_add_inspection_record", "case_verify_item", "case_record_payment",
    "case_add_evidence", "complaint_intake", "VERIFY_STATES", "PAYMENT_STATES", "EVIDENCE_STATES",
]

# Which roles may do which act (besides reach: the handling region, or being the lead inspector).
ACTION_ROLES = {
    "inspection_record": (Role.INSPECTOR, Role.INSPECTION_HEAD),
    "verify_item": (Role.INSPECTOR, Role.INSPECTION_HEAD),
    "record_payment": (Role.INSPECTOR, Role.INSPECTION_HEAD),
    "add_evidence": (Role.INTAKE_OFFICER, Role.INSPECTOR, Role.INSPECTION_HEAD),
}

# In which states each act makes sense [D]. Verification belongs to the investigation (the order copies the verified
# amounts); payments are recorded from the investigation (the employer may pay at once) until the case closes.
VERIFY_STATES = (S.INVESTIGATING, S.ACCEPTED_FILED)
PAYMENT_STATES = (S.INVESTIGATING, S.ACCEPTED_FILED, S.ORDER_ISSUED, S.DECISION_PENDING, S.DECIDED,
                  S.NON_COMPLIANT)
EVIDENCE_STATES = (S.RECEIVED, S.NEEDS_CORRECTION, S.INVESTIGATING, S.ACCEPTED_FILED, S.ORDER_ISSUED,
                   S.DECISION_PENDING, S.DECIDED, S.NON_COMPLIANT, S.COMPLIED)


def can_act_on_case(user, complaint: Complaint, action: str) -> bool:
    """May ``user`` do ``action`` (a key of ACTION_ROLES) on ``complaint``? Pages use it to show or hide buttons."""
    if not getattr(user, "is_authenticated", False):
        return False
    return has_role(user, *ACTION_ROLES[action]) and can_handle_complaint(user, complaint)


def _require(user, complaint, action):
    if not can_act_on_case(user, complaint, action):
        raise NotAllowed({"__all__": [_("You may not do this on this case.")]})


def _expect(complaint, states):
    if complaint.state not in states:
        raise DomainError({"__all__": [_("This case is now “%(state)s”; this is not possible any more.")
                                       % {"state": complaint.get_state_display()}]})


def _item_of(complaint, item_id) -> ArrearsLineItem:
    try:
        item = complaint.items.filter(pk=int(item_id)).first()
    except (TypeError, ValueError):
        item = None
    if item is None:
        raise DomainError({"item_id": [_("This case has no such arrears item.")]})
    return item


def _users(inspectors: Iterable) -> list:
    """Users from user objects or usernames; unknown usernames are a field error."""
    inspectors = list(inspectors or [])
    names = [u for u in inspectors if isinstance(u, str)]
    objs = [u for u in inspectors if not isinstance(u, str)]
    if names:
        found = {u.get_username(): u for u in get_user_model().objects.filter(username__in=names, is_active=True)}
        missing = [n for n in names if n not in found]
        if missing:
            raise DomainError({"inspectors": [_("Unknown user: %(names)s.") % {"names": ", ".join(missing)}]})
        objs += [found[n] for n in names]
    return objs


# --- acts on a case ------------------------------------------------------------------------------------------------

@transaction.atomic
def case_add_inspection_record(*, user, complaint: Complaint, kind: str, held_on: dt.date, place: str,
                               summary: str, inspectors: Iterable) -> InspectionRecord:
    """A site visit, inquiry or document review with at least the legal minimum of inspectors (Reg. 16).
    ``inspectors``: users or usernames. The event "inspection_record" is written by the inspection service."""
    _require(user, complaint, "inspection_record")
    with acting(user):
        complaint = lock(complaint, "handling_region")
        return inspection_record_add(complaint=complaint, user=user, kind=kind, held_on=held_on, place=place or "",
                                     summary=summary or "", inspectors=_users(inspectors))


@transaction.atomic
def case_verify_item(*, user, complaint: Complaint, item_id: int, amount_verified, note: str = "") \
        -> ArrearsLineItem:
    """Set the verified amount of one arrears item (per worker and month) during the investigation."""
    _require(user, complaint, "verify_item")
    with acting(user):
        complaint = lock(complaint, "handling_region")
        item = _item_of(complaint, item_id)
        _expect(complaint, VERIFY_STATES)
        item = item_verify(item=item, amount_verified=amount_verified, note=note or "", user=user)
        event(complaint, "item_verified", user=user, item=item.pk, amount_verified=str(item.amount_verified))
        return item


@transaction.atomic
def case_record_payment(*, user, complaint: Complaint, item_id: int, amount, paid_on: dt.date,
                        method: str = "bank_transfer", reference: str = "") -> Payment:
    """Record a payment the employer made on one arrears item; the worker sees "a payment was recorded"."""
    _require(user, complaint, "record_payment")
    with acting(user):
        complaint = lock(complaint, "handling_region")
        item = _item_of(complaint, item_id)
        _expect(complaint, PAYMENT_STATES)
        if paid_on is None:
            raise DomainError({"paid_on": [_("This field is required.")]})
        payment = payment_record(item=item, amount=amount, paid_on=paid_on, user=user,
                                 method=method or "bank_transfer", reference=reference or "")
        event(complaint, "payment_recorded", user=user, public=True, item=item.pk, amount=str(payment.amount),
              paid_on=payment.paid_on.isoformat())
        return payment


def case_add_evidence(*, user, complaint: Complaint, upload, description: str = "",
                      audience: str = Attachment.Audience.PARTIES, field: str = "file") -> Attachment:
    """Store one uploaded file as evidence of the case (type checked by content, size limited)."""
    _require(user, complaint, "add_evidence")
    if audience not in Attachment.Audience.values:
        raise DomainError({"audience": [_("Choose one of the listed options.")]})
    stored = []
    try:
        with acting(user), transaction.atomic():
            complaint = lock(complaint, "handling_region")
            _expect(complaint, EVIDENCE_STATES)
            if upload is None:
                raise DomainError({field: [_("Choose a file.")]})
            att = evidence_store(upload=upload, complaint=complaint, user=user, field=field, audience=audience,
                                 description=description or "")
            stored.append(att)
            event(complaint, "evidence_added", user=user, attachment=att.pk, name=att.original_name)
            return att
    except Exception:
        _delete_files(stored)
        raise


# --- intake with evidence ------------------------------------------------------------------------------------------

def _delete_files(attachments):
    for att in attachments:
        try:
            att.file.delete(save=False)
        except Exception:  # pragma: no cover - best effort: the row is gone with the transaction anyway
            pass


def _merge(errors: dict, more: dict):
    for k, v in more.items():
        errors.setdefault(k, []).extend(v)


def complaint_intake(*, payload: dict, uploads=(), attachments=(), actor=None, channel: str | None = None,
                     received_at: dt.date | str | None = None, national_clue_id: str = "") -> SubmitResult:
    """A complaint with its evidence files, all or nothing: each file is checked and stored, then the complaint is
    submitted with them, in one transaction. A bad file (or a bad field) rejects the whole submission: every error
    is reported at once, nothing is saved and files already written are removed.

    Only intake officers record a channel other than online, a receipt date other than today and a national
    platform clue id (a complaint by phone, letter or in person, or a clue transferred from the national platform).
    ``attachments`` are evidence files already stored (from a saved draft); ``uploads`` are new files.
    """
    errors: dict = {}
    staff_entry = has_role(actor, Role.INTAKE_OFFICER)
    channel = (channel or "").strip() or Complaint.Channel.ONLINE
    national_clue_id = (national_clue_id or "").strip()
    if received_at in ("", None):
        received_at = None
    if not staff_entry:
        if channel != Complaint.Channel.ONLINE:
            errors["channel"] = [_("Only intake officers record a complaint received another way.")]
        if received_at is not None:
            errors["received_at"] = [_("Only intake officers record the date a complaint was received.")]
        if national_clue_id:
            errors["national_clue_id"] = [_("Only intake officers record a national platform clue.")]
    else:
        if channel not in Complaint.Channel.values:
            errors["channel"] = [_("Choose one of the listed options.")]
        if isinstance(received_at, str):
            try:
                received_at = dt.date.fromisoformat(received_at.strip())
            except ValueError:
                errors["received_at"] = [_("Enter a date as YYYY-MM-DD.")]
                received_at = None
        if isinstance(received_at, dt.date) and received_at > timezone.localdate():
            errors["received_at"] = [_("This date is in the future.")]
        if channel == Complaint.Channel.NATIONAL_PLATFORM and not national_clue_id:
            errors["national_clue_id"] = [_("Give the clue number of the national platform.")]
        if len(national_clue_id) > 64:
            errors["national_clue_id"] = [_("At most 64 characters.")]
    uploads = list(uploads or [])
    from django.conf import settings

    if len(uploads) > settings.EVIDENCE_MAX_FILES:
        errors.setdefault("evidence", []).append(_("At most %(n)s files per case.")
                                                 % {"n": settings.EVIDENCE_MAX_FILES})
        uploads = []
    cleaned = None
    try:
        cleaned = intake_validate(payload)
    except DomainError as e:
        _merge(errors, e.errors)

    user = actor if getattr(actor, "is_authenticated", False) else None
    stored: list[Attachment] = []
    try:
        with acting(user), transaction.atomic():
            for upload in uploads:
                try:
                    stored.append(evidence_store(upload=upload, user=user, field="evidence"))
                except DomainError as e:
                    _merge(errors, e.errors)
            if errors:
                raise DomainError(errors)
            return complaint_submit(payload=payload, actor=user, channel=channel, received_at=received_at,
                                    attachments=stored + list(attachments), national_clue_id=national_clue_id,
                                    cleaned=cleaned)
    except Exception:
        _delete_files(stored)
        raise
