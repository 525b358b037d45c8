"""Completion and wage settlement of a construction project (spec §11; 《保障农民工工资支付条例》 arts. 27, 28, 32;
人社部发〔2021〕65号). The steps, in order (docs/construction.md "Completion and settlement"):

1. ``project_complete``: the contractor (or an inspector/head with handling reach) records the completion date
   → ``COMPLETED``. Findings stop asking for payroll after the completion month (arrears.findings).
2. ``settlement_notice_post``: the contractor posts the wage-settlement public notice on site (photo checked by
   content, the signed no-arrears commitment as PDF or image). Its period is the rule row ``PROJ-SETTLE-NOTICE``
   counted by the legal clock. ``objection_record`` / ``objection_resolve``: inspectors record a worker's
   objection and resolve it (paid / unfounded, with a note).
3. ``project_settle``: only after the notice period has run, with no open objection, no open inspection case
   naming the project and no unperformed remedy or order on it → ``SETTLED`` with ``settled_on``.
4. ``account_close``: the dedicated wage account is closed (art. 27), only after settlement.
5. ``guarantee_refund_apply`` (contractor) / ``guarantee_refund_approve`` (an inspection head of the region, never
   the applicant: service check and a database constraint): the guarantee's balance is refunded → ``REFUNDED``.
6. ``roster_keep_until``: the roster is kept until settlement + the rule row ``PROJ-ROSTER-KEEP`` (art. 28).

Every write runs in ``transaction.atomic`` + ``acting(user)``, takes the row lock before checking the state (two
clerks pressing the same button act one after the other) and saves instances with the acting user. A refusal is a
DomainError/NotAllowed/Conflict whose message cites the rule (``casework.services.common.cite``)."""
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.access import Role, has_role
from casework.audit import acting
from casework.errors import Conflict, DomainError, NotAllowed
from casework.identity import mask_numbers_in_text
from casework.models import Complaint, ComplaintState, Project, TimeUnit
from casework.services.clock import compute_due
from casework.services.common import cite, lock
from casework.services.config import rule

from .models_projects import SettlementNotice, SettlementObjection, WageAccount, WageGuarantee
from .selectors_projects import can_edit_project, can_inspect_project
from .services_projects import PHOTO_TYPES, _date, _save

__all__ = [
    "RULE_NOTICE", "RULE_ROSTER", "project_complete", "settlement_notice_post", "objection_record",
    "objection_resolve", "settlement_blockers", "project_settle", "account_close", "guarantee_refund_apply",
    "guarantee_refund_approve", "roster_keep_until", "notice_days_left", "mask_contact", "settlement_panel",
    "exemption_status",
]

RULE_NOTICE = "PROJ-SETTLE-NOTICE"
RULE_ROSTER = "PROJ-ROSTER-KEEP"
COMMITMENT_TYPES = [*PHOTO_TYPES, "application/pdf"]
S = Project.State


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(d: dt.date, field: str):
    if d > _today():
        raise DomainError({field: [_("This date is in the future.")]})


def _unit_label(unit: str) -> str:
    return str(TimeUnit(unit).label)


def _may_record(user, project) -> bool:
    """Completion and settlement are recorded by the contractor's account or by an inspector/head with handling
    reach over the project's region."""
    return can_edit_project(user, project) or can_inspect_project(user, project)


def _is_head(user, project) -> bool:
    return has_role(user, Role.INSPECTION_HEAD) and can_inspect_project(user, project)


def _read(upload, *, field: str, types: list[str], message: str) -> bytes:
    if upload is None:
        raise DomainError({field: [_("This field is required.")]})
    data = upload.read(settings.EVIDENCE_MAX_BYTES + 1)
    if not data:
        raise DomainError({field: [_("This field is required.")]})
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise DomainError({field: [_("The file is larger than %(mb)s MB.")
                                   % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}]})
    from casework.services.evidence import sniff_mime

    if sniff_mime(data[:8192]) not in types:
        raise DomainError({field: [message]})
    return data


# --- reads ------------------------------------------------------------------------------------------------------

def _notice(project) -> SettlementNotice | None:
    return SettlementNotice.objects.filter(project=project).first()


def notice_days_left(notice: SettlementNotice, on: dt.date | None = None) -> int | None:
    """Calendar days from ``on`` to the last day of the notice period (0 on the last day); None once it has run."""
    on = on or _today()
    return (notice.ends_on - on).days if on <= notice.ends_on else None


def roster_keep_until(project) -> dt.date | None:
    """The real-name roster is kept until completion and full settlement + the rule's period (art. 28); None while
    the project is not settled (then it is kept "until settlement + N years")."""
    if not project.settled_on:
        return None
    r = rule(RULE_ROSTER, on=project.settled_on)
    return compute_due(project.settled_on, r.n, r.unit, None).due


def roster_keep_text(project) -> str:
    keep = roster_keep_until(project)
    if keep:
        return keep.isoformat()
    r = rule(RULE_ROSTER, on=_today())
    return _("until settlement + %(n)s %(unit)s") % {"n": r.n, "unit": _unit_label(r.unit)}


def mask_contact(text: str) -> str:
    """An objection as the project pages and the API list it: any ID number or mobile number in the text masked,
    however it is written (spec §14; casework.identity.mask_numbers_in_text): the contractor reads this page too."""
    return mask_numbers_in_text(text)


def _open_cases(project):
    """Inspection cases naming the project that are not finished: linked to it, or (unlinked) giving exactly its
    name in the same prefecture (as the worker's tracking page matches them)."""
    from casework.services.notices import TERMINAL

    names = Q(project=project) | Q(project__isnull=True, project_name=project.name,
                                   handling_region__code__startswith=project.region_id[:4])
    return Complaint.objects.filter(names).exclude(state__in=[*TERMINAL, ComplaintState.DRAFT])


def _unperformed(project, on: dt.date) -> list[str]:
    """Notice numbers of remedies still awaiting payment and case numbers with an order to pay past its deadline
    and money owed, on the project."""
    from .models_remedies import Remedy
    from .services_remedies import unperformed_order

    out = list(Remedy.objects.filter(complaint__project=project, state=Remedy.State.ISSUED)
               .values_list("notice_no", flat=True))
    for c in Complaint.objects.filter(project=project):
        if unperformed_order(c, on=on) is not None:
            out.append(c.case_number)
    return out


def _pending_draws(g: WageGuarantee) -> list[str]:
    from .models_remedies import Remedy

    return list(g.draws.filter(state=Remedy.State.ISSUED).values_list("notice_no", flat=True))


def settlement_blockers(project, *, on: dt.date | None = None) -> list[str]:
    """Why the project may not be settled on ``on`` (empty: it may)."""
    on = on or _today()
    if project.state == S.ACTIVE:
        return [_("The project's completion is not recorded yet.")]
    if project.state == S.SETTLED:
        return [_("The project was settled on %(date)s.") % {"date": project.settled_on}]
    notice = _notice(project)
    if notice is None:
        r = rule(RULE_NOTICE, on=on)
        return [_("Post the wage-settlement public notice first: %(n)s %(unit)s of public notice (%(cite)s).")
                % {"n": r.n, "unit": _unit_label(r.unit), "cite": cite(r)}]
    out = []
    if on <= notice.ends_on:
        r = rule(RULE_NOTICE, on=notice.posted_on)
        out.append(_("The public notice period (%(n)s %(unit)s from %(posted)s, %(cite)s) ends on %(end)s: the "
                     "project may be settled from %(next)s.")
                   % {"n": r.n, "unit": _unit_label(r.unit), "posted": notice.posted_on, "cite": cite(r),
                      "end": notice.ends_on, "next": notice.ends_on + dt.timedelta(days=1)})
    n = notice.objections.filter(resolution="").count()
    if n:
        out.append(_("%(n)s objection(s) to the notice are not resolved.") % {"n": n})
    cases = list(_open_cases(project).values_list("case_number", flat=True))
    if cases:
        out.append(_("Inspection cases naming this project are still open: %(cases)s.") % {"cases": "、".join(cases)})
    unperformed = _unperformed(project, on)
    if unperformed:
        out.append(_("Orders to pay or remedies on this project are not performed: %(refs)s.")
                   % {"refs": "、".join(unperformed)})
    return out


def exemption_status(project) -> dict:
    """Whether the project qualifies for the guarantee exemption today, and why not."""
    from .services_projects import guarantee_requirement

    req = guarantee_requirement(project, on=_today())
    why = ""
    if not req.exempt_eligible:
        if project.contract_value >= req.exempt_below:
            why = _("The contract value is %(limit)s yuan or more.") % {"limit": f"{req.exempt_below:,.0f}"}
        else:
            why = _("An amount was ordered on the general contractor in the look-back period.")
    return {"eligible": req.exempt_eligible, "why_not": why, "exempt_below": req.exempt_below,
            "required": req.required}


def _rel(obj, name):
    try:
        return getattr(obj, name)
    except Exception:
        return None


def settlement_panel(user, project, *, on: dt.date | None = None) -> dict:
    """What the project pages and the API show of completion and settlement, and the steps ``user`` may take now
    (each action True only when the service would accept it from this user now)."""
    on = on or _today()
    notice = _notice(project)
    objections = list(notice.objections.all()) if notice else []
    account = _rel(project, "wage_account")
    g = _rel(project, "wage_guarantee")
    contractor = can_edit_project(user, project)
    inspector = can_inspect_project(user, project)
    head = inspector and has_role(user, Role.INSPECTION_HEAD)
    blockers = settlement_blockers(project, on=on)
    settled = project.state == S.SETTLED
    pending = _pending_draws(g) if g is not None else []
    refundable = (g is not None and g.state == WageGuarantee.State.HELD and settled and not pending)
    actions = {
        "complete": (contractor or inspector) and project.state == S.ACTIVE,
        "post_notice": contractor and project.state == S.COMPLETED,
        "record_objection": inspector and project.state == S.COMPLETED and notice is not None,
        "resolve_objection": inspector and project.state == S.COMPLETED,
        "settle": (contractor or inspector) and not blockers,
        "close_account": contractor and settled and account is not None and account.closed_on is None,
        "refund_apply": contractor and refundable and g.refund_applied_on is None,
        "refund_approve": head and refundable and g.refund_applied_on is not None
        and g.refund_applied_by_id != user.pk,
        "exemption": contractor and project.state == S.ACTIVE
        and (g is None or g.state == WageGuarantee.State.HELD),
    }
    r_notice = rule(RULE_NOTICE, on=notice.posted_on if notice else on)
    return {
        "state": project.state, "state_label": project.get_state_display(), "completed_on": project.completed_on,
        "settled_on": project.settled_on, "notice": notice,
        "notice_rule": {"n": r_notice.n, "unit": r_notice.unit, "unit_label": _unit_label(r_notice.unit),
                        "citation": cite(r_notice)},
        "days_left": notice_days_left(notice, on) if notice else None,
        "objections": [{"obj": o, "text": mask_contact(o.text)} for o in objections],
        "open_objections": sum(1 for o in objections if o.is_open),
        "blockers": blockers, "account": account, "guarantee": g, "pending_draws": pending,
        "roster_keep_until": roster_keep_until(project), "roster_keep_text": roster_keep_text(project),
        "actions": actions,
    }


# --- writes -----------------------------------------------------------------------------------------------------

@transaction.atomic
def project_complete(*, user, project, completed_on) -> Project:
    """Record the completion (竣工): a date not in the future and not before the contract date → COMPLETED."""
    if not _may_record(user, project):
        raise NotAllowed(_("You may not record the completion of this project."))
    completed = _date(completed_on, "completed_on")
    _not_future(completed, "completed_on")
    if completed < project.contract_signed_on:
        raise DomainError({"completed_on": [_("The completion date is before the construction contract was signed "
                                              "(%(date)s).") % {"date": project.contract_signed_on}]})
    with acting(user):
        lock(project)
        if project.state != S.ACTIVE:
            raise Conflict(_("The project's completion was already recorded (%(date)s).")
                           % {"date": project.completed_on})
        project.state, project.completed_on = S.COMPLETED, completed
        return _save(project, user)


@transaction.atomic
def settlement_notice_post(*, user, project, posted_on, photo=None, commitment=None) -> SettlementNotice:
    """The contractor posts the wage-settlement public notice on site: the posting date, a photo of the posted
    notice (checked by content) and the signed no-arrears commitment (PDF or image). Posting again (a new photo
    and date) starts the period again."""
    if not can_edit_project(user, project):
        raise NotAllowed(_("You do not act for this project's general contractor."))
    posted = _date(posted_on, "posted_on")
    _not_future(posted, "posted_on")
    photo_data = _read(photo, field="photo", types=PHOTO_TYPES,
                       message=_("This file is not a photo (JPEG, PNG, WebP, HEIC), whatever its name says."))
    commitment_data = _read(commitment, field="commitment", types=COMMITMENT_TYPES,
                            message=_("The commitment must be a PDF or a photo (JPEG, PNG, WebP, HEIC), whatever "
                                      "its name says."))
    with acting(user):
        lock(project)
        if project.state == S.ACTIVE:
            raise DomainError(_("Record the project's completion before posting the settlement notice."))
        if project.state == S.SETTLED:
            raise Conflict(_("The project was settled on %(date)s.") % {"date": project.settled_on})
        if posted < project.completed_on:
            raise DomainError({"posted_on": [_("The notice is posted after completion (%(date)s).")
                                             % {"date": project.completed_on}]})
        r = rule(RULE_NOTICE, on=posted)
        end = compute_due(posted, r.n, r.unit, project.region_id)
        notice = _notice(project) or SettlementNotice(project=project)
        notice.posted_on, notice.ends_on, notice.ends_on_provisional = posted, end.due, end.provisional
        notice.posted_by = user
        notice.photo.save("notice", ContentFile(photo_data), save=False)
        notice.commitment.save("commitment", ContentFile(commitment_data), save=False)
        return _save(notice, user)


@transaction.atomic
def objection_record(*, user, project, received_on, text: str) -> SettlementObjection:
    """An inspector records a worker's objection to the notice (he says he is unpaid)."""
    if not can_inspect_project(user, project):
        raise NotAllowed(_("Only an inspector or head with reach over the project's region records objections."))
    text = (text or "").strip()
    if not text:
        raise DomainError({"text": [_("This field is required.")]})
    if len(text) > 2000:
        raise DomainError({"text": [_("At most %(n)s characters.") % {"n": 2000}]})
    received = _date(received_on, "received_on")
    _not_future(received, "received_on")
    with acting(user):
        lock(project)
        if project.state != S.COMPLETED:
            raise DomainError(_("Objections are recorded while a completed project awaits settlement."))
        notice = _notice(project)
        if notice is None:
            raise DomainError(_("No settlement notice has been posted on this project."))
        if received < notice.posted_on:
            raise DomainError({"received_on": [_("This is before the notice was posted (%(date)s).")
                                               % {"date": notice.posted_on}]})
        return _save(SettlementObjection(notice=notice, received_on=received, text=text, recorded_by=user), user)


@transaction.atomic
def objection_resolve(*, user, objection: SettlementObjection, resolution: str, note: str) -> SettlementObjection:
    """An inspector records how an objection was resolved: the worker was paid, or it was unfounded (with a note)."""
    project = objection.notice.project
    if not can_inspect_project(user, project):
        raise NotAllowed(_("Only an inspector or head with reach over the project's region resolves objections."))
    if resolution not in SettlementObjection.Resolution.values:
        raise DomainError({"resolution": [_("Choose one of the listed options.")]})
    note = (note or "").strip()
    if not note:
        raise DomainError({"note": [_("This field is required.")]})
    with acting(user):
        lock(objection)
        if objection.resolution:
            raise Conflict(_("This objection was already resolved (%(date)s).") % {"date": objection.resolved_on})
        objection.resolution, objection.resolution_note = resolution, note[:2000]
        objection.resolved_on, objection.resolved_by = _today(), user
        return _save(objection, user)


@transaction.atomic
def project_settle(*, user, project) -> Project:
    """Record the full wage settlement today → SETTLED, only when ``settlement_blockers`` is empty."""
    if not _may_record(user, project):
        raise NotAllowed(_("You may not record the settlement of this project."))
    with acting(user):
        lock(project)
        if project.state == S.SETTLED:
            raise Conflict(_("The project was settled on %(date)s.") % {"date": project.settled_on})
        on = _today()
        blockers = settlement_blockers(project, on=on)
        if blockers:
            raise DomainError({"__all__": blockers})
        project.state, project.settled_on = S.SETTLED, on
        return _save(project, user)


def _after_settlement(project, message: str):
    """``message``: a text with %(n)s %(unit)s %(cite)s (the notice rule's period and citation)."""
    if project.state != S.SETTLED:
        r = rule(RULE_NOTICE, on=_today())
        raise DomainError(message % {"n": r.n, "unit": _unit_label(r.unit), "cite": cite(r)})


@transaction.atomic
def account_close(*, user, project, closed_on) -> WageAccount:
    """The dedicated wage account is closed (art. 27): after completion, the notice and settlement."""
    if not can_edit_project(user, project):
        raise NotAllowed(_("You do not act for this project's general contractor."))
    closed = _date(closed_on, "closed_on")
    _not_future(closed, "closed_on")
    with acting(user):
        lock(project)
        _after_settlement(project, _("The dedicated wage account is closed only after completion, %(n)s %(unit)s "
                                     "of public notice and the settlement (%(cite)s)."))
        account = WageAccount.objects.filter(project=project).first()
        if account is None:
            raise DomainError(_("No dedicated wage account is recorded on this project."))
        lock(account)
        if account.closed_on:
            raise Conflict(_("The account was already closed on %(date)s.") % {"date": account.closed_on})
        if closed < project.settled_on:
            raise DomainError({"closed_on": [_("The account is closed after the settlement (%(date)s).")
                                             % {"date": project.settled_on}]})
        account.closed_on = closed
        return _save(account, user)


def _guarantee_for_refund(project) -> WageGuarantee:
    g = WageGuarantee.objects.filter(project=project).first()
    if g is None:
        raise DomainError(_("No wage guarantee is recorded on this project: there is nothing to refund."))
    lock(g)
    if g.state == WageGuarantee.State.EXEMPT:
        raise DomainError(_("The project was exempt from the wage guarantee: there is nothing to refund."))
    if g.state == WageGuarantee.State.REFUNDED:
        raise Conflict(_("The guarantee was already refunded on %(date)s.") % {"date": g.refunded_on})
    pending = _pending_draws(g)
    if pending:
        raise DomainError(_("A draw on the guarantee is not paid yet (%(refs)s): it is refunded after the bank "
                            "has paid.") % {"refs": "、".join(pending)})
    return g


@transaction.atomic
def guarantee_refund_apply(*, user, project) -> WageGuarantee:
    """The contractor applies for the refund of the guarantee (after settlement)."""
    if not can_edit_project(user, project):
        raise NotAllowed(_("You do not act for this project's general contractor."))
    with acting(user):
        lock(project)
        _after_settlement(project, _("The wage guarantee is refunded only after completion, %(n)s %(unit)s of "
                                     "public notice and the settlement (%(cite)s)."))
        g = _guarantee_for_refund(project)
        if g.refund_applied_on:
            raise Conflict(_("The refund was already applied for on %(date)s.") % {"date": g.refund_applied_on})
        g.refund_applied_on, g.refund_applied_by = _today(), user
        return _save(g, user)


@transaction.atomic
def guarantee_refund_approve(*, user, project) -> WageGuarantee:
    """An inspection head of the project's region approves the refund: the balance is refunded → REFUNDED. The
    approver is never the applicant. Two heads approving at once: the row lock makes the second see REFUNDED."""
    if not _is_head(user, project):
        raise NotAllowed(_("Only an inspection head with reach over the project's region approves a refund."))
    with acting(user):
        lock(project)
        _after_settlement(project, _("The wage guarantee is refunded only after completion, %(n)s %(unit)s of "
                                     "public notice and the settlement (%(cite)s)."))
        g = _guarantee_for_refund(project)
        if not g.refund_applied_on:
            raise DomainError(_("The general contractor has not applied for the refund."))
        if g.refund_applied_by_id == user.pk:
            raise NotAllowed(_("The refund is approved by someone other than the account that applied for it."))
        g.refunded_amount, g.balance = g.balance, Decimal("0.00")
        g.refunded_on, g.refund_approved_by = _today(), user
        g.state = WageGuarantee.State.REFUNDED
        return _save(g, user)
