"""Order 45 due process (spec §8): each function is one legal act. Keyword-only, atomic; every refusal is a
DomainError naming the rule and its citation. Pages, the admin and the beat task call these and nothing else.

Who: a ``credit_officer`` drafts (proposes, serves the notice, records objections and parties), an
``inspection_head`` approves (extension, decision, revocation) and never a listing they drafted, a ``publisher``
publishes. Reach is per region exactly like casework.access: a guardian ``handle_cases`` grant on a region covers
the region and everything below it."""
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.services import complaint_totals
from casework.access import has_role, region_prefixes
from casework.errors import DomainError, NotAllowed
from casework.fields import pii_hash
from casework.identity import mask_id_public, validate_id_number
from casework.models import Complaint, ComplaintState, InspectionDocument
from casework.services.clock import compute_due
from casework.services.common import cite, lock
from casework.services.config import rule
from casework.services.deadlines import deadline_close, deadline_extend, deadline_open

from .cache import registry_bump
from .models import LIVE_STATES, BlacklistEntry, EarlyRemovalApplication, ListingDecision, ListingState as S

__all__ = [
    "CREDIT_OFFICER", "PUBLISHER", "HEAD", "listings_for", "candidates_for", "can_act", "listing_propose",
    "listing_party_add", "notice_serve", "objection_record", "objection_verify", "extension_approve",
    "listing_decide", "listing_publish", "listing_revoke", "listing_expire_sweep", "order_for",
    "early_removal_earliest", "early_removal_pending", "criminal_proceedings_set", "criminal_proceedings_record",
    "early_removal_apply", "early_removal_decide", "early_removal_revoke",
]

CREDIT_OFFICER, PUBLISHER, HEAD = "credit_officer", "publisher", "inspection_head"
BL_ROLES = (CREDIT_OFFICER, PUBLISHER, HEAD)
ORDER_TYPES = [InspectionDocument.DocType.PAYMENT_ORDER, InspectionDocument.DocType.HANDLING_DECISION,
               InspectionDocument.DocType.PENALTY_DECISION]
PERSON_ROLES = [BlacklistEntry.Role.LEGAL_REP, BlacklistEntry.Role.PRINCIPAL, BlacklistEntry.Role.SUPERVISOR,
                BlacklistEntry.Role.OTHER]


def _today() -> dt.date:
    return timezone.localdate()


# --- reach ---------------------------------------------------------------------------------------------------------

def _prefix_q(prefixes, field) -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field}__startswith": p})
    return q


def listings_for(user):
    """Listings ``user`` may see and act on: their region grants, for the blacklist roles only."""
    if not has_role(user, *BL_ROLES):
        return ListingDecision.objects.none()
    return ListingDecision.objects.filter(_prefix_q(region_prefixes(user, "handle_cases"), "region__code"))


def candidates_for(user):
    """Complaints flagged blacklist candidates in the credit officer's regions, without a live listing."""
    if not has_role(user, CREDIT_OFFICER):
        return Complaint.objects.none()
    return (Complaint.objects.filter(blacklist_candidate=True)
            .filter(_prefix_q(region_prefixes(user, "handle_cases"), "handling_region__code"))
            .exclude(listings__state__in=LIVE_STATES).select_related("employer", "handling_region"))


def can_act(user, region_code: str, *roles: str) -> bool:
    return has_role(user, *roles) and any(region_code.startswith(p) for p in region_prefixes(user, "handle_cases"))


def _require(user, region_code: str, *roles: str):
    if not can_act(user, region_code, *roles):
        raise NotAllowed({"__all__": [_("You may not do this on this listing.")]})


def _save(obj, user):
    obj._history_user = user
    obj.full_clean()
    obj.save()
    return obj


def _expect(listing, *states):
    if listing.state not in states:
        raise DomainError({"__all__": [_("This listing is now “%(state)s”; this step is not possible any more.")
                                       % {"state": listing.get_state_display()}]})


def _deadline(listing, rule_id, anchor):
    return deadline_open(case=listing, rule_id=rule_id, anchor_date=anchor, region_code=listing.region_id,
                         case_number=listing.complaint.case_number)


def order_for(complaint):
    """The latest order or decision to pay with a payment deadline (责令限期支付, art. 5)."""
    return (complaint.documents.filter(doc_type__in=ORDER_TYPES).exclude(payment_deadline=None)
            .order_by("-issued_at", "-id").first())


def _department(region) -> str:
    return f"{region.name_zh}人力资源和社会保障局" if region.level != "province" else "西藏自治区人力资源和社会保障厅"


# --- the steps -----------------------------------------------------------------------------------------------------

@transaction.atomic
def listing_propose(*, complaint: Complaint, user, basis_limb: str, incident_note: str = "",
                    today: dt.date | None = None) -> ListingDecision:
    """Propose a listing (art. 5). Refused unless: the complaint is flagged a blacklist candidate; an order or
    decision to pay with a payment deadline was issued; that deadline has passed; arrears are still outstanding;
    and the chosen limb holds (amount: the provincial threshold was met; incident: described)."""
    today = today or _today()
    _require(user, complaint.handling_region_id, CREDIT_OFFICER)
    cite = _("Order 45 art. 5")
    errors = []
    if not complaint.blacklist_candidate:
        errors.append(_("The case is not flagged as a blacklist candidate (%(cite)s).") % {"cite": cite})
    order = order_for(complaint)
    if order is None:
        errors.append(_("No order to pay with a payment deadline was issued in this case (%(cite)s).")
                      % {"cite": cite})
    elif today <= order.payment_deadline:
        errors.append(_("The payment deadline (%(d)s) has not passed yet (%(cite)s).")
                      % {"d": order.payment_deadline, "cite": cite})
    outstanding = complaint_totals(complaint)["outstanding"]
    if outstanding <= 0:
        errors.append(_("Nothing is outstanding: the wages were paid (%(cite)s).") % {"cite": cite})
    if basis_limb == ListingDecision.Limb.AMOUNT:
        if not complaint.suspected_crime:
            errors.append(_("The amount limb needs the outstanding amount to reach the provincial threshold "
                            "(%(cite)s(1)).") % {"cite": cite})
    elif basis_limb == ListingDecision.Limb.INCIDENT:
        if not incident_note.strip():
            errors.append(_("Describe the mass or extreme incident and its impact (%(cite)s(2)).") % {"cite": cite})
    else:
        errors.append(_("Choose one of the listed options."))
    if errors:
        raise DomainError({"__all__": errors})
    if ListingDecision.objects.filter(complaint=complaint, state__in=LIVE_STATES).exists():
        raise DomainError({"__all__": [_("A listing of this case is already in progress.")]})
    employer = complaint.employer
    listing = ListingDecision(
        complaint=complaint, employer=employer, region=complaint.handling_region, basis_limb=basis_limb,
        incident_note=incident_note.strip(), order_document=order, order_doc_no=order.doc_no,
        payment_deadline=order.payment_deadline, arrears_amount=outstanding,
        workers_affected=complaint.workers_affected, unit_name=employer.name, uscc=employer.uscc or "",
        deciding_department=_department(complaint.handling_region), drafted_by=user)
    note = _criminal_proceedings_of(employer)
    if note:  # art. 13(2): a listing proposed after the police filed carries the flag from the start
        listing.criminal_proceedings_pending, listing.criminal_proceedings_note = True, note
    _save(listing, user)
    _save(BlacklistEntry(listing=listing, subject_type="UNIT", role="UNIT", employer=employer,
                         public_display_name=employer.name), user)
    _deadline(listing, "BL-DECISION", order.payment_deadline)
    return listing


def _criminal_proceedings_of(employer) -> str:
    """The note for Order 45 art. 13(2) when criminal proceedings are pending against ``employer`` — a transfer the
    police filed (directly or on reconsideration) that has no outcome yet, or that ended in a conviction — else "".
    The same rule as blacklist.services_transfer._proceedings_flag, which flags listings that exist at the filing."""
    from .models_transfer import CriminalTransfer, TransferState

    transfer = (CriminalTransfer.objects.filter(employer=employer)
                .filter(Q(state=TransferState.FILED)
                        | Q(state=TransferState.CONCLUDED, outcome=CriminalTransfer.Outcome.CONVICTED))
                .order_by("-id").first())
    if transfer is None:
        return ""
    if transfer.state == TransferState.CONCLUDED:
        return (f"已被判处刑罚：拒不支付劳动报酬罪（{transfer.judgment_no}，{transfer.outcome_on.isoformat()}），"
                f"不予提前移出（人社部令第45号第十三条）")
    if transfer.reconsideration_result == CriminalTransfer.ReconsiderationResult.FILED:
        return (f"公安机关经复议已立案（{transfer.police_agency}，{transfer.reconsideration_notice_no}，"
                f"{transfer.reconsideration_decided_on.isoformat()}；移送书{transfer.transfer_doc_no}）")
    return (f"公安机关已立案（{transfer.police_agency}，{transfer.police_notice_no}，"
            f"{transfer.police_decided_on.isoformat()}；移送书{transfer.transfer_doc_no}）")


@transaction.atomic
def listing_party_add(*, listing: ListingDecision, user, role: str, name: str, id_number: str) -> BlacklistEntry:
    """Add a co-listed person (art. 5: legal representative or principal, directly responsible persons)."""
    _require(user, listing.region_id, CREDIT_OFFICER)
    lock(listing)
    _expect(listing, S.CANDIDATE, S.NOTICE_SERVED)
    errors = {}
    if role not in PERSON_ROLES:
        errors["role"] = [_("Choose one of the listed options.")]
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    try:
        info = validate_id_number(id_number)
    except ValidationError as e:
        errors["id_number"] = list(e.messages)
        info = None
    if errors:
        raise DomainError(errors)
    entry = BlacklistEntry(listing=listing, subject_type="PERSON", role=role, public_display_name=name.strip(),
                           id_number=info.number, id_number_hash=pii_hash(info.number),
                           public_id_masked=mask_id_public(info.number))
    return _save(entry, user)


@transaction.atomic
def notice_serve(*, listing: ListingDecision, user, received_on: dt.date) -> ListingDecision:
    """The prior notice (art. 6) was received by the employer on ``received_on``: the 5-WD objection window
    opens."""
    _require(user, listing.region_id, CREDIT_OFFICER)
    lock(listing)
    _expect(listing, S.CANDIDATE)
    if received_on > _today():
        raise DomainError({"received_on": [_("The date cannot be in the future.")]})
    listing.set_state(S.NOTICE_SERVED)
    listing.notice_served_at = received_on
    _save(listing, user)
    _deadline(listing, "BL-OBJECTION", received_on)
    return listing


def objection_due(listing) -> dt.date | None:
    if listing.notice_served_at is None:
        return None
    r = rule("BL-OBJECTION", on=listing.notice_served_at)
    return compute_due(listing.notice_served_at, r.n, r.unit, listing.region_id).due


@transaction.atomic
def objection_record(*, listing: ListingDecision, user, received_on: dt.date, text: str) -> ListingDecision:
    """An objection (art. 6): accepted only within 5 working days of the notice's receipt."""
    _require(user, listing.region_id, CREDIT_OFFICER)
    lock(listing)
    _expect(listing, S.NOTICE_SERVED)
    if listing.objection_received_at:
        raise DomainError({"__all__": [_("An objection is already recorded.")]})
    if not text.strip():
        raise DomainError({"text": [_("This field is required.")]})
    due = objection_due(listing)
    if received_on > due or received_on < listing.notice_served_at:
        raise DomainError({"received_on": [
            _("The objection window closed on %(due)s: 5 working days from receipt of the notice (%(cite)s).")
            % {"due": due, "cite": cite("BL-OBJECTION", listing.notice_served_at)}]})
    listing.objection_received_at = received_on
    listing.objection_text = text.strip()
    _save(listing, user)
    deadline_close(case=listing, rule_id="BL-OBJECTION", on=received_on)
    _deadline(listing, "BL-OBJECTION-VERIFY", received_on)
    return listing


@transaction.atomic
def objection_verify(*, listing: ListingDecision, user, result: str, note: str,
                     on: dt.date | None = None) -> ListingDecision:
    """Verification of the objection and the answer to the party (art. 6: within 5 working days)."""
    _require(user, listing.region_id, CREDIT_OFFICER)
    lock(listing)
    _expect(listing, S.NOTICE_SERVED)
    on = on or _today()
    if not listing.objection_received_at or listing.objection_verified_at:
        raise DomainError({"__all__": [_("There is no objection waiting for verification.")]})
    if result not in ListingDecision.ObjectionResult.values:
        raise DomainError({"result": [_("Choose one of the listed options.")]})
    if not note.strip():
        raise DomainError({"note": [_("This field is required.")]})
    listing.objection_verified_at = on
    listing.objection_result = result
    listing.objection_result_note = note.strip()
    _save(listing, user)
    deadline_close(case=listing, rule_id="BL-OBJECTION-VERIFY", on=on)
    return listing


def decision_due(listing) -> dt.date:
    """Last day of the listing decision: 20 WD after the payment deadline expired, +20 WD with an approved
    extension (art. 8)."""
    r = rule("BL-DECISION", on=listing.payment_deadline)
    due = compute_due(listing.payment_deadline, r.n, r.unit, listing.region_id).due
    if listing.extension_approved_by_id:
        ext = rule("BL-DECISION-EXT", on=due)
        due = compute_due(due, ext.n, ext.unit, listing.region_id).due
    return due


@transaction.atomic
def extension_approve(*, listing: ListingDecision, user, reason: str,
                      on: dt.date | None = None) -> ListingDecision:
    """The head approves 20 more working days for a complex case (art. 8); never the drafter; only while the
    first 20 have not run out."""
    _require(user, listing.region_id, HEAD)
    lock(listing)
    _expect(listing, S.CANDIDATE, S.NOTICE_SERVED)
    on = on or _today()
    citation = cite("BL-DECISION", listing.payment_deadline)
    if user.pk == listing.drafted_by_id:
        raise NotAllowed({"__all__": [_("The person who drafted the listing cannot approve it (four eyes).")]})
    if listing.extension_approved_by_id:
        raise DomainError({"__all__": [_("The decision period was already extended once (%(cite)s).")
                                       % {"cite": citation}]})
    if not reason.strip():
        raise DomainError({"reason": [_("This field is required.")]})
    if on > decision_due(listing):
        raise DomainError({"__all__": [_("The decision period ended on %(due)s; it can no longer be extended "
                                         "(%(cite)s).") % {"due": decision_due(listing), "cite": citation}]})
    listing.extension_approved_by = user
    listing.extension_reason = reason.strip()
    _save(listing, user)
    deadline_extend(case=listing, rule_id="BL-DECISION", extension_rule_id="BL-DECISION-EXT")
    return listing


@transaction.atomic
def listing_decide(*, listing: ListingDecision, user, decision: str, decision_no: str = "",
                   decided_on: dt.date | None = None, commitment_signed_on: dt.date | None = None,
                   reason: str = "") -> ListingDecision:
    """The listing decision (arts. 7-8), by the head, never by the drafter.

    - within 20 WD of the payment deadline's expiry (+20 WD with an approved extension);
    - not before the objection window closed, nor while an objection waits for verification;
    - art. 7: an employer that paid in full and signed a credit commitment before the decision is not listed;
    - an upheld objection means the grounds do not hold: not listed."""
    _require(user, listing.region_id, HEAD)
    lock(listing)
    _expect(listing, S.NOTICE_SERVED)
    decided_on = decided_on or _today()
    if user.pk == listing.drafted_by_id:
        raise NotAllowed({"__all__": [_("The person who drafted the listing cannot approve it (four eyes).")]})
    due = decision_due(listing)
    if decided_on > due:
        raise DomainError({"__all__": [
            _("The decision was due by %(due)s: 20 working days after the payment deadline, 20 more with an "
              "approved extension (%(cite)s).") % {"due": due, "cite": cite("BL-DECISION", listing.payment_deadline)}]})
    window = objection_due(listing)
    if listing.objection_received_at is None and decided_on <= window:
        raise DomainError({"__all__": [_("The objection window is open until %(due)s (%(cite)s).")
                                       % {"due": window, "cite": cite("BL-OBJECTION", listing.notice_served_at)}]})
    if listing.objection_received_at and not listing.objection_verified_at:
        raise DomainError({"__all__": [_("Verify the objection first (%(cite)s).")
                                       % {"cite": cite("BL-OBJECTION-VERIFY", listing.objection_received_at)}]})
    paid = complaint_totals(listing.complaint)["outstanding"] <= 0
    if commitment_signed_on and commitment_signed_on > decided_on:
        raise DomainError({"commitment_signed_on": [_("The commitment must be signed before the decision.")]})
    art7 = paid and commitment_signed_on is not None
    if decision == "list":
        if art7:
            raise DomainError({"__all__": [_("The employer paid in full and signed a credit commitment before the "
                                             "decision: it may not be listed (Order 45 art. 7).")]})
        if listing.objection_result == ListingDecision.ObjectionResult.UPHELD:
            raise DomainError({"__all__": [_("The objection was upheld: the grounds for listing do not hold "
                                             "(Order 45 art. 6).")]})
        if not decision_no.strip():
            raise DomainError({"decision_no": [_("This field is required.")]})
        if ListingDecision.objects.filter(decision_no=decision_no.strip()).exclude(pk=listing.pk).exists():
            raise DomainError({"decision_no": [_("This decision number is already used.")]})
        if not listing.entries.filter(role__in=[BlacklistEntry.Role.LEGAL_REP, BlacklistEntry.Role.PRINCIPAL],
                                      removed_at__isnull=True).exists():
            raise DomainError({"__all__": [_("Add the legal representative or principal first: they are listed "
                                             "with the unit (Order 45 art. 5).")]})
        r = rule("BL-PERIOD", on=decided_on)
        listing.set_state(S.LISTED)
        listing.decision_no = decision_no.strip()
        listing.decided_at = decided_on
        listing.period_end = compute_due(decided_on, r.n, r.unit, listing.region_id).due
    elif decision == "not_list":
        if art7:
            reason = reason.strip() or _("Paid in full and signed a credit commitment before the decision "
                                         "(Order 45 art. 7).")
        if not reason.strip():
            raise DomainError({"reason": [_("Give the reason for not listing.")]})
        listing.set_state(S.NOT_LISTED)
        listing.decided_at = decided_on
        listing.non_listing_reason = reason.strip()
    else:
        raise DomainError({"decision": [_("Choose one of the listed options.")]})
    listing.commitment_signed_on = commitment_signed_on
    listing.approved_by = user
    _save(listing, user)
    deadline_close(case=listing, rule_id="BL-DECISION", on=decided_on)
    return listing


@transaction.atomic
def listing_publish(*, listing: ListingDecision, user) -> ListingDecision:
    """Publish a decided listing on the public registry (art. 9)."""
    _require(user, listing.region_id, PUBLISHER)
    lock(listing)
    _expect(listing, S.LISTED)
    listing.set_state(S.PUBLISHED)
    listing.published_at = timezone.now()
    listing.published_by = user
    _save(listing, user)
    registry_bump()
    return listing


def _remove_entries(listing, user, reason):
    now = timezone.now()
    for entry in listing.entries.filter(removed_at__isnull=True):
        entry.removed_at = now
        entry.removal_reason = reason
        _save(entry, user)


def _removal_done(listing, anchor: dt.date, on: dt.date):
    """Removal is done at once; the BL-REMOVAL deadline (art. 17: ≤10 WD) is recorded and met."""
    _deadline(listing, "BL-REMOVAL", anchor)
    deadline_close(case=listing, rule_id="BL-REMOVAL", on=on)


@transaction.atomic
def listing_revoke(*, listing: ListingDecision, user, reason: str, on: dt.date | None = None) -> ListingDecision:
    """The underlying order was revoked: the listing is revoked and every party removed (art. 16)."""
    _require(user, listing.region_id, HEAD)
    lock(listing)
    _expect(listing, S.LISTED, S.PUBLISHED)
    on = on or _today()
    if not reason.strip():
        raise DomainError({"reason": [_("This field is required.")]})
    listing.set_state(S.REVOKED)
    listing.ended_at = on
    listing.revocation_reason = reason.strip()
    _save(listing, user)
    _remove_entries(listing, user, BlacklistEntry.RemovalReason.REVOKED)
    _removal_done(listing, on, on)
    registry_bump()
    return listing


def listing_expire_sweep(*, today: dt.date | None = None) -> int:
    """Listings whose 3-year period has ended (the day after ``period_end``) expire and every party is removed at
    once (art. 17 allows 10 WD). Each listing is locked and re-checked; running it again changes nothing."""
    today = today or _today()
    n = 0
    due = list(ListingDecision.objects.filter(state__in=[S.LISTED, S.PUBLISHED], period_end__lt=today)
               .values_list("pk", flat=True))
    for pk in due:
        with transaction.atomic():
            listing = (ListingDecision.objects.select_for_update()
                       .filter(pk=pk, state__in=[S.LISTED, S.PUBLISHED], period_end__lt=today).first())
            if listing is None:
                continue
            listing.set_state(S.EXPIRED)
            listing.ended_at = listing.period_end
            _save(listing, None)
            _remove_entries(listing, None, BlacklistEntry.RemovalReason.EXPIRED)
            _removal_done(listing, listing.period_end, today)
            n += 1
    if n:
        registry_bump()
    return n


# --- early removal (arts. 12-15) -----------------------------------------------------------------------------------

ACTIVE_STATES = (S.LISTED, S.PUBLISHED)
# a complaint in one of these states is over: it no longer shows arrears outstanding during the listing
_CLOSED_COMPLAINT = [ComplaintState.COMPLIED, ComplaintState.CLOSED, ComplaintState.CLOSED_WITHDRAWN_CASE,
                     ComplaintState.REJECTED_LIMITATION, ComplaintState.REDIRECTED_DISPUTE,
                     ComplaintState.FORWARDED_JURISDICTION, ComplaintState.TRANSFERRED_OTHER_DEPT,
                     ComplaintState.DRAFT]


def early_removal_earliest(listing, correction_date: dt.date) -> dt.date:
    """First day an early-removal application is accepted: the day after BL-EARLY-WAIT (6 months, completed)
    counted from the correction (spec §2.3: corrected 2025-09-10 → complete 2026-03-10 → from 2026-03-11)."""
    r = rule("BL-EARLY-WAIT", on=correction_date)
    return compute_due(correction_date, r.n, r.unit, listing.region_id).due + dt.timedelta(days=1)


def early_removal_pending(listing) -> EarlyRemovalApplication | None:
    return listing.early_removals.filter(result="").first()


def _new_arrears(listing):
    """Complaints against the same employer, opened after the listing, that show unpaid arrears: flagged a blacklist
    candidate and still open, or concluded not complied (art. 13(1))."""
    return (Complaint.objects.filter(employer=listing.employer, created_at__gt=listing.created_at)
            .exclude(pk=listing.complaint_id)
            .filter(Q(state=ComplaintState.NON_COMPLIANT) | (Q(blacklist_candidate=True)
                                                             & ~Q(state__in=_CLOSED_COMPLAINT))))


@transaction.atomic
def criminal_proceedings_set(*, listing: ListingDecision, user, pending: bool, note: str = "") -> ListingDecision:
    """Record that criminal proceedings for refusal to pay wages (刑法 art. 276-1) are pending against a party of
    the listing, or that they ended: while pending, early removal is barred (art. 13(2)). By hand (credit officer,
    head); the criminal-transfer track (blacklist.services_transfer) sets and clears it through
    ``criminal_proceedings_record`` when the police file the case and when the proceedings end."""
    _require(user, listing.region_id, CREDIT_OFFICER, HEAD)
    return criminal_proceedings_record(listing=listing, user=user, pending=pending, note=note)


@transaction.atomic
def criminal_proceedings_record(*, listing: ListingDecision, user, pending: bool, note: str = "") -> ListingDecision:
    """``criminal_proceedings_set`` without the role check, for the criminal-transfer track: the police liaison's
    filing decision (or the outcome recorded by the inspection staff) is what changes the flag, and the caller has
    checked that this user may record it. History records the acting user."""
    lock(listing)
    if pending and not note.strip():
        raise DomainError({"note": [_("This field is required.")]})
    listing.criminal_proceedings_pending = pending
    listing.criminal_proceedings_note = note.strip()
    return _save(listing, user)


@transaction.atomic
def early_removal_apply(*, listing: ListingDecision, user, applied_at: dt.date, correction_date: dt.date,
                        commitment: bool, commitment_text: str = "", evidence_note: str = "") -> EarlyRemovalApplication:
    """Record an application for early removal (arts. 12-14) received on ``applied_at``. Refused, each with its
    citation: the listing is not in force; the arrears are not corrected; less than 6 full months since the
    correction (BL-EARLY-WAIT); no written commitment not to default again; new arrears of the employer during the
    listing, or criminal proceedings pending (art. 13). Accepted: the BL-EARLY-DECISION deadline (15 WD) opens."""
    _require(user, listing.region_id, CREDIT_OFFICER)
    lock(listing)
    _expect(listing, *ACTIVE_STATES)
    if early_removal_pending(listing):
        raise DomainError({"__all__": [_("An early-removal application is already waiting for a decision.")]})
    if applied_at > _today():
        raise DomainError({"applied_at": [_("The date cannot be in the future.")]})
    if applied_at < listing.decided_at:
        raise DomainError({"applied_at": [_("The application cannot precede the listing decision.")]})
    if correction_date > applied_at:
        raise DomainError({"correction_date": [_("The correction cannot be after the application.")]})
    errors = []
    art12, art13 = cite("BL-EARLY-WAIT", correction_date), _("Order 45 art. 13")
    if complaint_totals(listing.complaint)["outstanding"] > 0:
        errors.append(_("The arrears of the listed case are not paid in full: nothing is corrected yet (%(cite)s).")
                      % {"cite": art12})
    earliest = early_removal_earliest(listing, correction_date)
    if applied_at < earliest:
        errors.append(_("Early removal can be applied for from %(d)s: 6 full months after the correction on "
                        "%(c)s (%(cite)s).") % {"d": earliest, "c": correction_date, "cite": art12})
    if not commitment:
        errors.append(_("A written commitment not to default on wages again is required (%(cite)s).")
                      % {"cite": art12})
    new = _new_arrears(listing).first()
    if new is not None:
        errors.append(_("The employer has new wage arrears during the listing (case %(case)s): early removal is "
                        "barred (%(cite)s(1)).") % {"case": new.case_number, "cite": art13})
    if listing.criminal_proceedings_pending:
        errors.append(_("Criminal proceedings for refusal to pay wages are pending: early removal is barred "
                        "(%(cite)s(2)).") % {"cite": art13})
    if errors:
        raise DomainError({"__all__": errors})
    app = EarlyRemovalApplication(listing=listing, applied_at=applied_at, correction_date=correction_date,
                                  commitment=True, commitment_text=commitment_text.strip(),
                                  evidence_note=evidence_note.strip(), recorded_by=user)
    _save(app, user)
    _deadline(listing, "BL-EARLY-DECISION", applied_at)
    return app


@transaction.atomic
def early_removal_decide(*, listing: ListingDecision, user, approve: bool, reason: str = "",
                         on: dt.date | None = None) -> EarlyRemovalApplication:
    """The head decides the pending application (art. 14), never the officer who recorded it nor the listing's
    drafter. Approval: the listing becomes EARLY_REMOVED and every party of it is removed at once (reason EARLY),
    the public registry drops it immediately (cache version bumped); BL-REMOVAL (10 WD) recorded and met.
    Refusal: with reasons (art. 14; remedies art. 18)."""
    _require(user, listing.region_id, HEAD)
    lock(listing)
    _expect(listing, *ACTIVE_STATES)
    on = on or _today()
    app = early_removal_pending(listing)
    if app is None:
        raise DomainError({"__all__": [_("There is no early-removal application waiting for a decision.")]})
    if user.pk == listing.drafted_by_id:
        raise NotAllowed({"__all__": [_("The person who drafted the listing cannot approve it (four eyes).")]})
    if user.pk == app.recorded_by_id:
        raise NotAllowed({"__all__": [_("The person who recorded the application cannot decide it (four eyes).")]})
    if on < app.applied_at:
        raise DomainError({"__all__": [_("The decision cannot precede the application.")]})
    if on > _today():
        raise DomainError({"__all__": [_("The date cannot be in the future.")]})
    app.decided_at, app.decided_by = on, user
    if approve:
        app.result = EarlyRemovalApplication.Result.REMOVED
        app.state_before = listing.state
        listing.set_state(S.EARLY_REMOVED)
        listing.ended_at = on
        _save(listing, user)
        _save(app, user)
        _remove_entries(listing, user, BlacklistEntry.RemovalReason.EARLY)
        _removal_done(listing, on, on)
        registry_bump()
    else:
        if not reason.strip():
            raise DomainError({"reason": [_("Give the reasons for the refusal (%(cite)s).")
                                          % {"cite": cite("BL-EARLY-DECISION", app.applied_at)}]})
        app.result = EarlyRemovalApplication.Result.REFUSED
        app.refusal_reason = reason.strip()
        _save(app, user)
    deadline_close(case=listing, rule_id="BL-EARLY-DECISION", on=on)
    return app


@transaction.atomic
def early_removal_revoke(*, listing: ListingDecision, user, reason: str,
                         on: dt.date | None = None) -> EarlyRemovalApplication:
    """Art. 15: the early removal was obtained by fraud (serious): it is revoked, the listing returns to the state
    it left (LISTED or PUBLISHED), the 3-year period (BL-PERIOD) restarts from the revocation date, the parties the
    early removal took off are put back and the registry shows them again at once."""
    _require(user, listing.region_id, HEAD)
    lock(listing)
    _expect(listing, S.EARLY_REMOVED)
    on = on or _today()
    if not reason.strip():
        raise DomainError({"reason": [_("This field is required.")]})
    app = listing.early_removals.filter(result=EarlyRemovalApplication.Result.REMOVED,
                                        revoked_at__isnull=True).order_by("-decided_at", "-id").first()
    if app is None or on < app.decided_at:
        raise DomainError({"__all__": [_("There is no early removal to revoke.")]})
    back = app.state_before or S.PUBLISHED
    if back in LIVE_STATES and ListingDecision.objects.filter(complaint=listing.complaint_id, state__in=LIVE_STATES
                                                              ).exclude(pk=listing.pk).exists():
        raise DomainError({"__all__": [_("A listing of this case is already in progress.")]})
    r = rule("BL-PERIOD", on=on)
    listing.set_state(back)
    listing.ended_at = None
    listing.period_restarted_on = on
    listing.period_end = compute_due(on, r.n, r.unit, listing.region_id).due
    _save(listing, user)
    for entry in listing.entries.filter(removal_reason=BlacklistEntry.RemovalReason.EARLY):
        entry.removed_at = None
        entry.removal_reason = ""
        _save(entry, user)
    app.revoked_at, app.revoked_by, app.revocation_reason = on, user, reason.strip()
    _save(app, user)
    registry_bump()
    return app
