"""Disclosure of major labour-security violations (人社部令第29号 [P]; spec §9). Each function is one act;
keyword-only, atomic; every refusal is a DomainError naming the rule and, where there is one, its citation.
Pages, the API and the beat job call these and nothing else.

Who (checked like blacklist.services: a role, and a guardian ``handle_cases`` grant on the record's region or
above it):
- a ``credit_officer`` or ``inspection_head`` drafts: queues a decision, edits the text, sends it to the privacy
  review, asks for an ad hoc batch, records an objection;
- an ``inspection_head`` or a ``publisher`` approves, never the drafter (four eyes; also a DB constraint);
- a ``publisher`` publishes and records media references;
- an ``inspection_head`` decides objections, approves ad hoc batches (never the one who asked) and withdraws.

Numbers are rows: the batch length ``disclosure.batch_months.<level>``, the optional ``disclosure.publish_within_wd``
(LegalParameter), the objection window DC-OBJECTION and the display period DC-DISPLAY (DeadlineRule), all
effective-dated (blacklist.reference_data_disclosure)."""
import calendar as pycal
import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.access import has_role, region_prefixes
from casework.errors import DomainError, NotAllowed
from casework.identity import contact_numbers_in_text, validate_uscc
from casework.models import Complaint, Employer, InspectionDocument, Region
from casework.services.clock import compute_due
from casework.services.common import cite, lock
from casework.services.config import MissingConfiguration, param, rule

from .cache import registry_bump
from .models_disclosure import (LIVE_DISCLOSURE_STATES, PUBLIC_DISCLOSURE_STATES, Disclosure, DisclosureBatch,
                                DisclosureCategory, DisclosureMediaRef, DisclosureState as D)
from .models_transfer import CriminalTransfer
from .services import _department, can_act

__all__ = [
    "DRAFTERS", "APPROVERS", "PUBLISHER", "HEAD", "DISCLOSURE_ROLES", "disclosures_for", "batches_for",
    "candidate_decisions_for", "candidate_transfers_for", "batch_months", "batch_period", "periodic_batch_for",
    "privacy_problems", "objection_due", "publish_due_for", "disclosure_queue", "disclosure_edit",
    "disclosure_submit", "disclosure_return", "disclosure_approve", "disclosure_publish", "batch_publish",
    "media_add", "disclosure_objection_record", "disclosure_objection_decide", "disclosure_withdraw",
    "disclosure_archive", "disclosure_sweep", "batch_adhoc_create", "batch_adhoc_approve", "disclosure_move",
    "EDITABLE_FIELDS",
]

CREDIT_OFFICER, PUBLISHER, HEAD = "credit_officer", "publisher", "inspection_head"
DRAFTERS = (CREDIT_OFFICER, HEAD)
APPROVERS = (HEAD, PUBLISHER)
DISCLOSURE_ROLES = (CREDIT_OFFICER, PUBLISHER, HEAD)
DECISION_TYPES = [InspectionDocument.DocType.HANDLING_DECISION, InspectionDocument.DocType.PENALTY_DECISION]
# a transfer the head approved (the states from APPROVED on, whatever the police did afterwards)
TRANSFER_APPROVED_STATES = ["APPROVED", "TRANSFERRED", "POLICE_DECISION", "FILED", "NOT_FILED", "RECONSIDERATION",
                            "CLOSED_NOT_FILED", "CONCLUDED"]
EDITABLE_FIELDS = ("category", "unit_name", "uscc", "address", "legal_rep_name", "facts", "handling")
PUBLISHED_TEXT_FIELDS = ("unit_name", "uscc", "address", "legal_rep_name", "facts", "handling")
NAME_SCANNED_FIELDS = ("address", "facts", "handling")
ORDER29 = "《重大劳动保障违法行为社会公布办法》（人社部令第29号）"


def _today() -> dt.date:
    return timezone.localdate()


def _prefix_q(prefixes, field) -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field}__startswith": p})
    return q


def _require(user, region_code: str, *roles: str):
    if not can_act(user, region_code, *roles):
        raise NotAllowed({"__all__": [_("You may not do this on this disclosure.")]})


def _save(obj, user):
    obj._history_user = user
    obj.full_clean()
    obj.save()
    return obj


def _expect(d, *states):
    if d.state not in states:
        raise DomainError({"__all__": [_("This disclosure is now “%(state)s”; this step is not possible any more.")
                                       % {"state": d.get_state_display()}]})


def _pub_date(d) -> dt.date:
    return timezone.localdate(d.published_at)


# --- reach ---------------------------------------------------------------------------------------------------------

def disclosures_for(user):
    """Disclosures ``user`` may see and act on: the disclosure roles, in the regions of their grants."""
    if not has_role(user, *DISCLOSURE_ROLES):
        return Disclosure.objects.none()
    return Disclosure.objects.filter(_prefix_q(region_prefixes(user, "handle_cases"), "region__code"))


def batches_for(user):
    if not has_role(user, *DISCLOSURE_ROLES):
        return DisclosureBatch.objects.none()
    return DisclosureBatch.objects.filter(_prefix_q(region_prefixes(user, "handle_cases"), "region__code"))


def candidate_decisions_for(user):
    """Handling and penalty decisions of inspection cases in the drafter's regions that are not disclosed (nor being
    disclosed). Whether a decision falls in one of the 8 categories is the drafter's judgment."""
    if not has_role(user, *DRAFTERS):
        return InspectionDocument.objects.none()
    live = Disclosure.objects.filter(document__isnull=False).exclude(state=D.WITHDRAWN).values("document_id")
    return (InspectionDocument.objects.filter(doc_type__in=DECISION_TYPES)
            .filter(_prefix_q(region_prefixes(user, "handle_cases"), "complaint__handling_region__code"))
            .exclude(pk__in=live).select_related("complaint__employer", "complaint__handling_region")
            .order_by("-issued_at", "-id"))


def candidate_transfers_for(user):
    """Criminal transfers approved by the head (category 2) in the drafter's regions, not disclosed."""
    if not has_role(user, *DRAFTERS):
        return CriminalTransfer.objects.none()
    live = Disclosure.objects.filter(transfer__isnull=False).exclude(state=D.WITHDRAWN).values("transfer_id")
    return (CriminalTransfer.objects.filter(state__in=TRANSFER_APPROVED_STATES, head_approved=True)
            .filter(_prefix_q(region_prefixes(user, "handle_cases"), "region__code"))
            .exclude(pk__in=live).select_related("employer", "region").order_by("-head_decided_at", "-id"))


# --- batches -------------------------------------------------------------------------------------------------------

def batch_months(region: Region, on: dt.date) -> int:
    """Months per periodic batch of a department at ``region``'s level, in force on ``on`` (a region row beats the
    general one): 3 (quarterly) for prefectures and counties, 6 (half-yearly) for the province [P]."""
    key = f"disclosure.batch_months.{region.level}"
    months = int(param(key, on=on, region_code=region.code))
    if months < 1 or months > 12 or 12 % months:
        raise MissingConfiguration(_("Configuration error: legal parameter %(key)s must divide the year (1, 2, 3, "
                                     "4, 6 or 12 months).") % {"key": key})
    return months


def _label(start: dt.date, months: int) -> str:
    if months == 3:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if months == 6:
        return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    if months == 12:
        return f"{start.year}年"
    return f"{start.year}年{start.month}–{start.month + months - 1}月"


def batch_period(region: Region, decision_date: dt.date) -> tuple[dt.date, dt.date, int, str]:
    """The periodic batch a decision belongs to: the period (starting 1 January, of the department's batch length)
    that contains the decision date. It is published after the period ends: a decision on the last day of a quarter
    is in that quarter's batch, one on the next day in the next quarter's."""
    months = batch_months(region, decision_date)
    first_month = (decision_date.month - 1) // months * months + 1
    start = dt.date(decision_date.year, first_month, 1)
    last_month = first_month + months - 1
    end = dt.date(decision_date.year, last_month, pycal.monthrange(decision_date.year, last_month)[1])
    return start, end, months, _label(start, months)


def periodic_batch_for(region: Region, decision_date: dt.date, user=None) -> DisclosureBatch:
    start, end, months, label = batch_period(region, decision_date)
    batch = DisclosureBatch.objects.filter(region=region, kind=DisclosureBatch.Kind.PERIODIC,
                                           period_start=start).first()
    if batch is None:
        batch = _save(DisclosureBatch(region=region, kind=DisclosureBatch.Kind.PERIODIC, period_start=start,
                                      period_end=end, months=months, label=label, created_by=user), user)
    return batch


@transaction.atomic
def batch_adhoc_create(*, user, region_code: str, reason: str, today: dt.date | None = None) -> DisclosureBatch:
    """Ask for an ad hoc release (临时公布, allowed by Order 29 [P]); it needs a head's approval."""
    today = today or _today()
    _require(user, region_code, *DRAFTERS)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise DomainError({"region_code": [_("Unknown region.")]})
    if not (reason or "").strip():
        raise DomainError({"reason": [_("This field is required.")]})
    return _save(DisclosureBatch(region=region, kind=DisclosureBatch.Kind.AD_HOC, period_start=today,
                                 period_end=today, months=0, label=f"{today.isoformat()} 临时公布",
                                 reason=reason.strip(), created_by=user), user)


@transaction.atomic
def batch_adhoc_approve(*, batch: DisclosureBatch, user) -> DisclosureBatch:
    _require(user, batch.region_id, HEAD)
    batch = DisclosureBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.kind != DisclosureBatch.Kind.AD_HOC or batch.approved_by_id:
        raise DomainError({"__all__": [_("Only an ad hoc batch waiting for approval can be approved.")]})
    if batch.created_by_id == user.pk:
        raise NotAllowed({"__all__": [_("The person who asked for the ad hoc release cannot approve it (four "
                                        "eyes).")]})
    batch.approved_by, batch.approved_at = user, timezone.now()
    return _save(batch, user)


# --- privacy review ------------------------------------------------------------------------------------------------

def case_person_names(d: Disclosure) -> set[str]:
    """Names of the workers, complainant or informant and representatives of the underlying case (decrypted in
    memory only)."""
    complaint = d.complaint or (d.transfer.complaint if d.transfer_id else None)
    if complaint is None:
        return set()
    people = []
    if complaint.complainant_id:
        people.append(complaint.complainant)
    people += [r.person for r in complaint.representatives.select_related("person")]
    people += [i.worker for i in complaint.items.filter(worker__isnull=False).select_related("worker")]
    return {unicodedata.normalize("NFKC", p.name).strip().upper() for p in people
            if p is not None and len((p.name or "").strip()) >= 2}


def privacy_problems(d: Disclosure) -> dict[str, list[str]]:
    """What stops publication, per field: anything shaped like an 18-character ID number or a mobile number, or the
    name of a worker, complainant, informant or representative of the case. Messages name the field and the kind
    of data, never the data itself."""
    problems: dict[str, list[str]] = {}
    names = case_person_names(d)
    for field in PUBLISHED_TEXT_FIELDS:
        raw = getattr(d, field) or ""
        if field == "uscc" and raw:
            try:
                validate_uscc(raw)
                continue  # a valid credit code is published on purpose
            except ValidationError:
                pass  # not a credit code: scanned like any other text below
        kinds = {kind for kind, _number in contact_numbers_in_text(raw)}  # spaced, dashed, full-width too
        text = unicodedata.normalize("NFKC", raw).upper()
        label = str(Disclosure._meta.get_field(field).verbose_name)
        found = []
        if "id" in kinds:
            found.append(_("%(field)s: contains something shaped like an ID number.") % {"field": label})
        if "phone" in kinds:
            found.append(_("%(field)s: contains something shaped like a mobile phone number.") % {"field": label})
        if field in NAME_SCANNED_FIELDS and any(n in text for n in names):
            found.append(_("%(field)s: contains the name of a worker, complainant or informant of the case (write "
                           "the surname followed by 某).") % {"field": label})
        if found:
            problems[field] = found
    return problems


def _privacy_check(d: Disclosure):
    problems = privacy_problems(d)
    if problems:
        hint = _("Personal privacy, state secrets and business secrets must not be published (%(cite)s).") % {
            "cite": ORDER29}
        problems.setdefault("__all__", []).append(hint)
        raise DomainError(problems)


# --- deadlines -----------------------------------------------------------------------------------------------------

def objection_due(d: Disclosure) -> dt.date | None:
    """Last day of the employer's objection: DC-OBJECTION (15 WD [M]) from the publication date, legal clock."""
    if d.published_at is None:
        return None
    on = _pub_date(d)
    r = rule("DC-OBJECTION", on=on)
    return compute_due(on, r.n, r.unit, d.region_id).due


def publish_due_for(region_code: str, decision_date: dt.date) -> dt.date | None:
    """The optional provincial rule "publish within N working days of the decision" (``disclosure.publish_within_wd``;
    0 = off, the default)."""
    n = int(param("disclosure.publish_within_wd", on=decision_date, region_code=region_code))
    if n <= 0:
        return None
    return compute_due(decision_date, n, "WD", region_code).due


# --- queue ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def disclosure_queue(*, user, source: str, category: int, facts: str, handling: str,
                     document: InspectionDocument | None = None, transfer: CriminalTransfer | None = None,
                     employer: Employer | None = None, region_code: str = "", decision_no: str = "",
                     decision_date: dt.date | None = None, complaint: Complaint | None = None,
                     today: dt.date | None = None) -> Disclosure:
    """A final decision in one of the 8 categories becomes a disclosure, queued in its department's next batch
    (Order 29 [P]: disclosure of these categories is mandatory)."""
    today = today or _today()
    try:
        category = int(category)
        DisclosureCategory(category)
    except (TypeError, ValueError):
        raise DomainError({"category": [_("Choose one of the listed options.")]})
    if source == Disclosure.Source.DECISION:
        if document is None or document.doc_type not in DECISION_TYPES:
            raise DomainError({"document": [_("Choose a handling decision or a penalty decision.")]})
        complaint = document.complaint
        region, employer = complaint.handling_region, complaint.employer
        decision_no, decision_date = document.doc_no, document.issued_at
        if Disclosure.objects.filter(document=document).exclude(state=D.WITHDRAWN).exists():
            raise DomainError({"__all__": [_("This decision is already disclosed or queued.")]})
    elif source == Disclosure.Source.TRANSFER:
        if transfer is None or transfer.state not in TRANSFER_APPROVED_STATES or not transfer.head_approved:
            raise DomainError({"transfer": [_("Only a criminal transfer approved by the head can be disclosed.")]})
        if category != DisclosureCategory.WAGES_REFUSED_CRIMINAL:
            raise DomainError({"category": [_("A criminal transfer is disclosed in category 2 (refusing to pay "
                                              "remuneration, transferred to the judicial organs).")]})
        complaint, region, employer = transfer.complaint, transfer.region, transfer.employer
        decision_no = transfer.transfer_doc_no or transfer.case_number
        decision_date = timezone.localdate(transfer.head_decided_at)
        if Disclosure.objects.filter(transfer=transfer).exclude(state=D.WITHDRAWN).exists():
            raise DomainError({"__all__": [_("This transfer is already disclosed or queued.")]})
    elif source == Disclosure.Source.MANUAL:
        errors = {}
        if employer is None:
            errors["employer"] = [_("This field is required.")]
        region = Region.objects.filter(code=region_code).first() if region_code else None
        if region is None:
            errors["region_code"] = [_("Unknown region.")]
        if not (decision_no or "").strip():
            errors["decision_no"] = [_("This field is required.")]
        if decision_date is None:
            errors["decision_date"] = [_("This field is required.")]
        if errors:
            raise DomainError(errors)
        decision_no = decision_no.strip()
        if complaint is not None and complaint.employer_id != employer.pk:
            raise DomainError({"complaint": [_("The case is not against this employer.")]})
    else:
        raise DomainError({"source": [_("Choose one of the listed options.")]})
    _require(user, region.code, *DRAFTERS)
    if decision_date > today:
        raise DomainError({"decision_date": [_("The decision must already have been made (Order 29: violations "
                                               "already decided).")]})
    d = Disclosure(
        category=category, source=source, complaint=complaint, document=document, transfer=transfer,
        employer=employer, region=region, batch=periodic_batch_for(region, decision_date, user),
        deciding_department=_department(region), decision_no=decision_no, decision_date=decision_date,
        unit_name=employer.name, uscc=employer.uscc or "", address=employer.address or "",
        legal_rep_name=employer.legal_rep_name or "", facts=(facts or "").strip(), handling=(handling or "").strip(),
        drafted_by=user, publish_due=publish_due_for(region.code, decision_date))
    errors = {f: [_("This field is required.")] for f in ("facts", "handling") if not getattr(d, f)}
    if errors:
        raise DomainError(errors)
    return _save(d, user)


@transaction.atomic
def disclosure_edit(*, disclosure: Disclosure, user, **fields) -> Disclosure:
    """Edit the text while the disclosure is queued (before the privacy review)."""
    d = disclosure
    _require(user, d.region_id, *DRAFTERS)
    lock(d)
    _expect(d, D.QUEUED)
    for k, v in fields.items():
        if k not in EDITABLE_FIELDS:
            raise DomainError({k: [_("This field cannot be changed.")]})
        setattr(d, k, int(v) if k == "category" else (v or "").strip())
    if d.source == Disclosure.Source.TRANSFER and d.category != DisclosureCategory.WAGES_REFUSED_CRIMINAL:
        raise DomainError({"category": [_("A criminal transfer is disclosed in category 2 (refusing to pay "
                                          "remuneration, transferred to the judicial organs).")]})
    return _save(d, user)


@transaction.atomic
def disclosure_move(*, disclosure: Disclosure, user, batch: DisclosureBatch) -> Disclosure:
    """Put a disclosure not yet published in an ad hoc batch of its department (or back in its periodic one)."""
    d = disclosure
    _require(user, d.region_id, *DRAFTERS)
    lock(d)
    _expect(d, D.QUEUED, D.PRIVACY_REVIEW, D.APPROVED)
    own_periodic = periodic_batch_for(d.region, d.decision_date, user)
    if batch.region_id != d.region_id or (batch.kind == DisclosureBatch.Kind.PERIODIC and batch.pk != own_periodic.pk):
        raise DomainError({"batch": [_("Choose an ad hoc batch of the same department, or the disclosure's own "
                                       "periodic batch.")]})
    d.batch = batch
    return _save(d, user)


# --- review, approval, publication ---------------------------------------------------------------------------------

@transaction.atomic
def disclosure_submit(*, disclosure: Disclosure, user) -> Disclosure:
    """Send the text to the privacy review. Refused while it shows an ID number, a phone number or a worker's
    name (which field and what kind, never the data)."""
    d = disclosure
    _require(user, d.region_id, *DRAFTERS)
    lock(d)
    _expect(d, D.QUEUED)
    missing = {f: [_("This field is required.")] for f in ("unit_name", "legal_rep_name", "facts", "handling")
               if not getattr(d, f).strip()}
    if missing:
        raise DomainError(missing)
    _privacy_check(d)
    d.set_state(D.PRIVACY_REVIEW)
    d.submitted_at = timezone.now()
    return _save(d, user)


@transaction.atomic
def disclosure_return(*, disclosure: Disclosure, user, note: str) -> Disclosure:
    """Send the text back to the drafter (from the privacy review or after approval, before publication)."""
    d = disclosure
    _require(user, d.region_id, *APPROVERS)
    lock(d)
    _expect(d, D.PRIVACY_REVIEW, D.APPROVED)
    if not (note or "").strip():
        raise DomainError({"note": [_("This field is required.")]})
    d.set_state(D.QUEUED)
    d.return_note = note.strip()
    d.approved_by, d.approved_at, d.no_secrets_confirmed = None, None, False
    return _save(d, user)


@transaction.atomic
def disclosure_approve(*, disclosure: Disclosure, user, no_secrets: bool) -> Disclosure:
    """The reviewer confirms no state secret, business secret or personal privacy is in the text and approves it;
    never the drafter (four eyes)."""
    d = disclosure
    _require(user, d.region_id, *APPROVERS)
    lock(d)
    _expect(d, D.PRIVACY_REVIEW)
    if user.pk == d.drafted_by_id:
        raise NotAllowed({"__all__": [_("The person who drafted the disclosure cannot approve it (four eyes).")]})
    if not no_secrets:
        raise DomainError({"no_secrets": [_("Confirm that the text contains no state secret, business secret or "
                                            "personal privacy (%(cite)s).") % {"cite": ORDER29}]})
    _privacy_check(d)
    d.set_state(D.APPROVED)
    d.no_secrets_confirmed = True
    d.approved_by, d.approved_at = user, timezone.now()
    return _save(d, user)


@transaction.atomic
def disclosure_publish(*, disclosure: Disclosure, user, today: dt.date | None = None) -> Disclosure:
    """Publish on the public page. A periodic batch is released after its period ended (quarterly or half-yearly
    publication); an ad hoc batch once approved; with the optional ``disclosure.publish_within_wd`` rule on, at any
    time (a publication after that period is recorded as late). ``display_until`` = publication + DC-DISPLAY."""
    d = disclosure
    _require(user, d.region_id, PUBLISHER)
    lock(d)
    _expect(d, D.APPROVED)
    today = today or _today()
    batch = d.batch
    if batch.kind == DisclosureBatch.Kind.AD_HOC and not batch.approved_by_id:
        raise DomainError({"__all__": [_("The ad hoc release has not been approved yet.")]})
    if batch.kind == DisclosureBatch.Kind.PERIODIC and today <= batch.period_end and d.publish_due is None:
        raise DomainError({"__all__": [_("The batch %(batch)s is published after its period ends on %(end)s "
                                         "(%(cite)s: quarterly for prefecture and county departments, half-yearly "
                                         "for the province); for an earlier release use an approved ad hoc batch.")
                                       % {"batch": batch.label, "end": batch.period_end, "cite": ORDER29}]})
    _privacy_check(d)
    r = rule("DC-DISPLAY", on=today)
    d.set_state(D.PUBLISHED)
    d.published_at, d.published_by = timezone.now(), user
    d.display_until = compute_due(today, r.n, r.unit, d.region_id).due
    d.published_late = d.publish_due is not None and today > d.publish_due
    _save(d, user)
    registry_bump()
    return d


def batch_publish(*, batch: DisclosureBatch, user, today: dt.date | None = None) -> dict:
    """Publish every approved disclosure of a batch, each in its own transaction (one refusal does not undo the
    others). Returns the ids published and the messages per id refused."""
    done, errors = [], {}
    for d in batch.disclosures.filter(state=D.APPROVED).order_by("pk"):
        try:
            disclosure_publish(disclosure=d, user=user, today=today)
            done.append(d.pk)
        except DomainError as e:
            errors[d.pk] = [m for v in e.errors.values() for m in v]
    return {"done": done, "errors": errors}


@transaction.atomic
def media_add(*, disclosure: Disclosure, user, medium: str, name: str, published_on: dt.date) -> DisclosureMediaRef:
    """Record a publication in a newspaper, on TV or another site (Order 29 [P]: the region's main media)."""
    d = disclosure
    _require(user, d.region_id, PUBLISHER, CREDIT_OFFICER)
    lock(d)
    _expect(d, *PUBLIC_DISCLOSURE_STATES)
    if medium not in DisclosureMediaRef.Medium.values:
        raise DomainError({"medium": [_("Choose one of the listed options.")]})
    if not (name or "").strip():
        raise DomainError({"name": [_("This field is required.")]})
    if published_on < _pub_date(d) or published_on > _today():
        raise DomainError({"published_on": [_("The date must lie between the publication and today.")]})
    return _save(DisclosureMediaRef(disclosure=d, medium=medium, name=name.strip(), published_on=published_on,
                                    recorded_by=user), user)


# --- objection -----------------------------------------------------------------------------------------------------

@transaction.atomic
def disclosure_objection_record(*, disclosure: Disclosure, user, received_on: dt.date, text: str) -> Disclosure:
    """The employer asks for review within DC-OBJECTION (15 WD from publication [M]); later is refused citing the
    rule."""
    d = disclosure
    _require(user, d.region_id, *DRAFTERS)
    lock(d)
    _expect(d, D.PUBLISHED, D.ARCHIVED)
    if d.objection_received_at:
        raise DomainError({"__all__": [_("An objection is already recorded.")]})
    if not (text or "").strip():
        raise DomainError({"text": [_("This field is required.")]})
    if received_on > _today():
        raise DomainError({"received_on": [_("The date cannot be in the future.")]})
    due = objection_due(d)
    if received_on > due:
        raise DomainError({"received_on": [
            _("The objection period ended on %(due)s: %(n)s working days from the publication (%(cite)s).")
            % {"due": due, "n": rule("DC-OBJECTION", on=_pub_date(d)).n, "cite": cite("DC-OBJECTION", _pub_date(d))}]})
    if received_on < _pub_date(d):
        raise DomainError({"received_on": [_("The date lies before the publication.")]})
    _expect(d, D.PUBLISHED)
    d.set_state(D.OBJECTED)
    d.objection_received_at, d.objection_text = received_on, text.strip()
    return _save(d, user)


@transaction.atomic
def disclosure_objection_decide(*, disclosure: Disclosure, user, result: str, note: str, facts: str = "",
                                handling: str = "", on: dt.date | None = None) -> Disclosure:
    """The answer to the objection: UPHELD (published as it is), CORRECTED (the published text changes; the
    history keeps the old text) or WITHDRAWN (it leaves the public page at once)."""
    d = disclosure
    _require(user, d.region_id, HEAD)
    lock(d)
    _expect(d, D.OBJECTED)
    on = on or _today()
    if not (note or "").strip():
        raise DomainError({"note": [_("This field is required.")]})
    if result == Disclosure.ObjectionResult.UPHELD:
        d.set_state(D.PUBLISHED)
    elif result == Disclosure.ObjectionResult.CORRECTED:
        facts, handling = (facts or "").strip() or d.facts, (handling or "").strip() or d.handling
        if facts == d.facts and handling == d.handling:
            raise DomainError({"facts": [_("Give the corrected text of the main facts or of the handling.")]})
        d.facts, d.handling = facts, handling
        _privacy_check(d)
        d.set_state(D.PUBLISHED)
        d.corrected_at = timezone.now()
    elif result == Disclosure.ObjectionResult.WITHDRAWN:
        d.set_state(D.WITHDRAWN)
        d.withdrawn_at, d.withdrawal_reason = timezone.now(), note.strip()
    else:
        raise DomainError({"result": [_("Choose one of the listed options.")]})
    d.objection_result, d.objection_note = result, note.strip()
    d.objection_decided_at, d.objection_decided_by = on, user
    _save(d, user)
    registry_bump()
    return d


@transaction.atomic
def disclosure_withdraw(*, disclosure: Disclosure, user, reason: str) -> Disclosure:
    """Withdraw a disclosure at any stage (e.g. the decision was revoked on reconsideration or in court): it never
    appears, or leaves the public page at once."""
    d = disclosure
    _require(user, d.region_id, HEAD)
    lock(d)
    _expect(d, *LIVE_DISCLOSURE_STATES)
    if not (reason or "").strip():
        raise DomainError({"reason": [_("This field is required.")]})
    d.set_state(D.WITHDRAWN)
    d.withdrawn_at, d.withdrawal_reason = timezone.now(), reason.strip()
    _save(d, user)
    registry_bump()
    return d


# --- integrity file and expiry -------------------------------------------------------------------------------------

@transaction.atomic
def disclosure_archive(*, disclosure: Disclosure, user, today: dt.date | None = None) -> Disclosure:
    """Archive in the employer's integrity file (守法诚信档案, Order 29 [P]) once the objection period has passed
    without an objection pending. It stays public until ``display_until``."""
    d = disclosure
    if user is not None:
        _require(user, d.region_id, *DISCLOSURE_ROLES)
    lock(d)
    _expect(d, D.PUBLISHED)
    today = today or _today()
    due = objection_due(d)
    if today <= due:
        raise DomainError({"__all__": [_("The objection period runs until %(due)s (%(cite)s).")
                                       % {"due": due, "cite": cite("DC-OBJECTION", _pub_date(d))}]})
    d.set_state(D.ARCHIVED)
    d.archived_at = timezone.now()
    return _save(d, user)


def disclosure_sweep(*, today: dt.date | None = None) -> dict:
    """The beat job: archive published disclosures whose objection period has passed, and take off the public page
    those whose display period ended (the day after ``display_until``). Each row is locked and re-checked;
    running it again changes nothing."""
    today = today or _today()
    archived = unpublished = 0
    for pk in list(Disclosure.objects.filter(state__in=[D.PUBLISHED, D.ARCHIVED], display_until__lt=today)
                   .values_list("pk", flat=True)):
        with transaction.atomic():
            d = (Disclosure.objects.select_for_update()
                 .filter(pk=pk, state__in=[D.PUBLISHED, D.ARCHIVED], display_until__lt=today).first())
            if d is None:
                continue
            if d.archived_at is None:
                d.archived_at = timezone.now()
            d.set_state(D.UNPUBLISHED)
            d.unpublished_at = timezone.now()
            _save(d, None)
            unpublished += 1
    for pk in list(Disclosure.objects.filter(state=D.PUBLISHED).values_list("pk", flat=True)):
        d = Disclosure.objects.get(pk=pk)
        if today > objection_due(d):
            try:
                disclosure_archive(disclosure=d, user=None, today=today)
                archived += 1
            except DomainError:  # changed meanwhile
                continue
    if unpublished:
        registry_bump()
    return {"archived": archived, "unpublished": unpublished}
