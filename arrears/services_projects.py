"""Construction projects' safeguards (spec §11; 《保障农民工工资支付条例》 arts. 15, 24–34): every write the general
contractor's account makes, and the rule calculators the findings use. Every number (periods, ratios, thresholds)
is an effective-dated row (arrears/reference_data_projects.py), read through ``casework.services.config`` and
the legal clock; nothing here is a legal constant.

All writes run inside ``acting(user)`` and save instances (django-simple-history records the acting user and one
change id). Callers (pages, API) check reach with arrears.selectors_projects; the services check it again."""
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import DomainError, NotAllowed
from casework.identity import validate_id_number, validate_uscc
from casework.models import Employer, Project, ProjectAccess, Region, SubcontractRole
from casework.services.clock import WorkingCalendar, add_months, compute_due
from casework.services.config import param, rule

from .models_projects import NoticeBoard, RosterEntry, WageAccount, WageGuarantee
from .selectors_projects import GC_ROLE, can_edit_project

__all__ = [
    "project_register", "subcontractor_add", "account_record", "guarantee_record", "guarantee_exemption_claim",
    "board_record", "roster_add", "roster_exit", "account_due", "guarantee_due", "guarantee_requirement",
    "GuaranteeRequirement", "cycle_limit", "payroll_keep_until", "employer_for_uscc", "BOARD_REQUIRED",
    "board_missing", "contractor_had_arrears", "money",
]

CENT = Decimal("0.01")


def money(value, *, field: str, allow_zero: bool = True) -> Decimal:
    raw = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise DomainError({field: [_("Enter an amount in yuan, for example 3500 or 3500.50.")]})
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise DomainError({field: [_("Enter an amount in yuan with at most two decimals.")]})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError({field: [_("The amount must be more than zero.")]})
    return amount.quantize(CENT)


def _save(obj, user):
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    obj.full_clean()
    obj.save()
    return obj


def _check_edit(user, project):
    if not can_edit_project(user, project):
        raise NotAllowed(_("You do not act for this project's general contractor."))


def _check_not_settled(project):
    """Once the wages are settled (arrears.services_settlement) the account and guarantee records are final: the
    account is closed and the guarantee refunded through their own steps."""
    if project.state == Project.State.SETTLED:
        raise DomainError({"__all__": [_("The project is settled: its dedicated account and wage guarantee are no "
                                         "longer changed here.")]})


def _not_future(d: dt.date | None, field: str):
    if d and d > timezone.localdate():
        raise DomainError({field: [_("This date is in the future.")]})


def employer_for_uscc(uscc: str, name: str, *, field: str) -> Employer:
    """The employer with this unified social credit code (checked, GB 32100), created with ``name`` if new."""
    try:
        code = validate_uscc(uscc).code
    except ValidationError as e:
        raise DomainError({field: e.messages})
    employer = Employer.objects.filter(uscc=code).first()
    if employer is None:
        name = (name or "").strip()
        if not name:
            raise DomainError({field.replace("uscc", "name"): [_("This field is required.")]})
        employer = Employer(name=name[:200], uscc=code, registration_region_code=code[2:8], is_construction=True)
        employer.full_clean(exclude=["uscc"])
        employer.save()
    return employer


# --- rule calculators (read configuration; no writes) -------------------------------------------------------------

def cycle_limit(project, *, on: dt.date | None = None) -> int:
    """The longest allowed labour-cost allocation cycle in days (art. 24: not over one month)."""
    return int(param("project.labour_cycle_max_days", on=on or project.contract_signed_on,
                     region_code=project.region_id))


def account_due(project, cal: WorkingCalendar | None = None) -> dt.date:
    """Last day to open the dedicated wage account: the contract date + the configured calendar days (rolled past a
    rest day, spec §2.2 rule 3)."""
    r = rule("PROJ-ACCOUNT-OPEN", on=project.contract_signed_on)
    return compute_due(project.contract_signed_on, r.n, r.unit, project.region_id, cal).due


def guarantee_anchor(project) -> dt.date:
    return project.started_on or project.contract_signed_on


def guarantee_due(project, cal: WorkingCalendar | None = None) -> dt.date:
    """Last day to deposit the guarantee: the configured working days on the project region's calendar."""
    anchor = guarantee_anchor(project)
    r = rule("PROJ-GUARANTEE-DEPOSIT", on=anchor)
    return compute_due(anchor, r.n, r.unit, project.region_id, cal).due


def contractor_had_arrears(employer_id: int, *, since: dt.date, until: dt.date) -> bool:
    """Whether a complaint on this employer had an amount ordered (责令支付 / handling decision) in the window."""
    from casework.models import Complaint, InspectionDocument

    return Complaint.objects.filter(
        employer_id=employer_id, items__amount_ordered__gt=0,
        documents__doc_type__in=[InspectionDocument.DocType.PAYMENT_ORDER,
                                 InspectionDocument.DocType.HANDLING_DECISION],
        documents__issued_at__gte=since, documents__issued_at__lte=until).exists()


@dataclass(frozen=True)
class GuaranteeRequirement:
    ratio: Decimal
    required: Decimal
    exempt_eligible: bool
    exempt_below: Decimal


def guarantee_amount(contract_value: Decimal, ratio: Decimal, floor: Decimal) -> tuple[Decimal, Decimal]:
    """The one rule of art. 32's amount: the configured ratio, never below the floor ratio, times the contract value,
    to the cent. Returns (ratio applied, amount required)."""
    applied = max(ratio, floor)
    return applied, (contract_value * applied).quantize(CENT, rounding=ROUND_HALF_UP)


def guarantee_requirement(project, *, on: dt.date | None = None, had_arrears: bool | None = None
                          ) -> GuaranteeRequirement:
    """The amount the guarantee must reach: contract value × the region's configured ratio, never below the floor
    ratio; and whether the contract qualifies for the exemption (below the threshold and no amount ordered on the
    general contractor in the look-back period)."""
    on = on or timezone.localdate()
    region = project.region_id
    ratio, required = guarantee_amount(project.contract_value,
                                       param("project.guarantee_ratio", on=on, region_code=region),
                                       param("project.guarantee_ratio_floor", on=on, region_code=region))
    below = param("project.guarantee_exempt_below", on=on, region_code=region)
    eligible = project.contract_value < below
    if eligible:
        if had_arrears is None:
            months = int(param("project.guarantee_exempt_lookback_months", on=on, region_code=region))
            had_arrears = contractor_had_arrears(project.general_contractor_id, since=add_months(on, -months),
                                                 until=on)
        eligible = not had_arrears
    return GuaranteeRequirement(ratio=ratio, required=required, exempt_eligible=eligible, exempt_below=below)


def payroll_keep_until(period: dt.date, paid_on: dt.date | None = None) -> dt.date:
    """The payroll ledger is kept at least the configured years (art. 15), counted from the payment (or from the
    end of the month paid when no payment date is recorded)."""
    anchor = paid_on or add_months(period, 1) - dt.timedelta(days=1)
    r = rule("PROJ-PAYROLL-KEEP", on=anchor)
    return compute_due(anchor, r.n, r.unit, None).due


# Art. 34: what the rights notice board must show. The list is the article's own, not a number.
BOARD_REQUIRED = [
    ("shows_parties", "parties"), ("shows_minimum_wage", "minimum_wage"), ("shows_pay_date", "pay_date"),
    ("hotline", "hotline"), ("mediation_channel", "mediation_channel"), ("legal_aid", "legal_aid"),
]


def board_missing(board) -> list[str]:
    if board is None:
        return ["board"]
    missing = [code for field, code in BOARD_REQUIRED if not getattr(board, field)]
    if not board.photo:
        missing.insert(0, "photo")
    return missing


# --- writes ------------------------------------------------------------------------------------------------------

def _date(value, field, *, required=True) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    raw = str(value or "").strip()
    if not raw:
        if required:
            raise DomainError({field: [_("This field is required.")]})
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DomainError({field: [_("Enter a date as YYYY-MM-DD.")]})


@transaction.atomic
def project_register(*, user, name: str, region_code: str, developer_uscc: str, developer_name: str = "",
                     contractor_uscc: str, contractor_name: str = "", contract_value, contract_signed_on,
                     labour_cost_cycle_days, location: str = "", started_on=None,
                     subcontractors: list[dict] | None = None) -> Project:
    """Register a project as the general contractor's account; that account then acts for it (ProjectAccess)."""
    from casework.access import has_role

    if not has_role(user, GC_ROLE):
        raise NotAllowed(_("Only a general contractor's account registers projects."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    region = Region.objects.filter(code=(region_code or "").strip()).exclude(level=Region.Level.PROVINCE).first()
    if region is None:
        errors["region_code"] = [_("Choose the prefecture or county of the project.")]
    try:
        cycle = int(str(labour_cost_cycle_days).strip())
        if cycle < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["labour_cost_cycle_days"] = [_("Enter a whole number of days.")]
        cycle = None
    for call in (lambda: money(contract_value, field="contract_value", allow_zero=False),
                 lambda: _date(contract_signed_on, "contract_signed_on"),
                 lambda: _date(started_on, "started_on", required=False)):
        try:
            call()
        except DomainError as e:
            errors.update(e.errors)
    if errors:
        raise DomainError(errors)
    value = money(contract_value, field="contract_value", allow_zero=False)
    signed = _date(contract_signed_on, "contract_signed_on")
    started = _date(started_on, "started_on", required=False)
    _not_future(signed, "contract_signed_on")
    with acting(user):
        developer = employer_for_uscc(developer_uscc, developer_name, field="developer_uscc")
        contractor = employer_for_uscc(contractor_uscc, contractor_name, field="contractor_uscc")
        if developer.pk == contractor.pk:
            raise DomainError({"contractor_uscc": [_("The developer and the general contractor are different "
                                                     "units.")]})
        project = _save(Project(name=name[:200], region=region, location=(location or "")[:255],
                                developer=developer, general_contractor=contractor, contract_value=value,
                                contract_signed_on=signed, labour_cost_cycle_days=cycle, started_on=started,
                                registered_by=user), user)
        ProjectAccess.objects.create(project=project, user=user)
        for i, sub in enumerate(subcontractors or []):
            try:
                subcontractor_add(project=project, user=user, uscc=sub.get("uscc", ""), name=sub.get("name", ""),
                                  scope=sub.get("scope", ""))
            except DomainError as e:
                raise DomainError({f"subcontractors.{i}.{k.split('.')[-1]}": v for k, v in e.errors.items()})
    return project


@transaction.atomic
def subcontractor_add(*, project, user, uscc: str, name: str = "", scope: str = "") -> SubcontractRole:
    _check_edit(user, project)
    with acting(user):
        employer = employer_for_uscc(uscc, name, field="uscc")
        if employer.pk == project.general_contractor_id:
            raise DomainError({"uscc": [_("This is the general contractor itself.")]})
        role = SubcontractRole.objects.filter(project=project, subcontractor=employer).first()
        if role is not None:
            return role
        return _save(SubcontractRole(project=project, subcontractor=employer, scope=(scope or "")[:200]), user)


@transaction.atomic
def account_record(*, project, user, bank_name: str, account_number: str, opened_on, account_name: str = ""
                   ) -> WageAccount:
    """The dedicated wage account (art. 26). The number is stored encrypted; only its last 4 digits are shown."""
    _check_edit(user, project)
    _check_not_settled(project)
    number = "".join(ch for ch in str(account_number or "") if not ch.isspace() and ch != "-")
    errors = {}
    if not (8 <= len(number) <= 40) or not number.isdigit():
        errors["account_number"] = [_("Enter the account number: 8 to 40 digits.")]
    if not (bank_name or "").strip():
        errors["bank_name"] = [_("This field is required.")]
    if errors:
        raise DomainError(errors)
    opened = _date(opened_on, "opened_on")
    _not_future(opened, "opened_on")
    if opened < project.contract_signed_on - dt.timedelta(days=366):
        raise DomainError({"opened_on": [_("This date is long before the contract was signed: please check.")]})
    account_name = (account_name or "").strip() or \
        f"{project.general_contractor.name}{project.name}农民工工资专用账户"
    with acting(user):
        account = WageAccount.objects.filter(project=project).first() or WageAccount(project=project)
        account.bank_name = bank_name.strip()[:100]
        account.account_name = account_name[:255]
        account.account_number = number
        account.account_last4 = number[-4:]
        account.opened_on = opened
        return _save(account, user)


@transaction.atomic
def guarantee_record(*, project, user, form: str, amount, deposited_on, bank_name: str = "",
                     reference: str = "") -> WageGuarantee:
    """The wage guarantee (art. 32). The required amount and the ratio applied are stored with it as computed on
    the deposit date, so the finding and the record agree."""
    _check_edit(user, project)
    _check_not_settled(project)
    if form not in WageGuarantee.Form.values:
        raise DomainError({"form": [_("Choose one of the listed options.")]})
    value = money(amount, field="amount", allow_zero=False)
    deposited = _date(deposited_on, "deposited_on")
    _not_future(deposited, "deposited_on")
    req = guarantee_requirement(project, on=deposited)
    with acting(user):
        g = WageGuarantee.objects.filter(project=project).first() or WageGuarantee(project=project)
        g.form, g.amount, g.deposited_on = form, value, deposited
        g.bank_name, g.reference = (bank_name or "")[:100], (reference or "")[:100]
        g.required_amount, g.ratio_applied = req.required, req.ratio
        g.balance = value
        g.state, g.exemption_reason = WageGuarantee.State.HELD, ""
        return _save(g, user)


@transaction.atomic
def guarantee_exemption_claim(*, project, user, reason: str = "") -> WageGuarantee:
    """Record the exemption, only where the rule allows it (contract below the threshold, no arrears)."""
    _check_edit(user, project)
    _check_not_settled(project)
    today = timezone.localdate()
    req = guarantee_requirement(project, on=today)
    if not req.exempt_eligible:
        raise DomainError({"__all__": [_("This project does not qualify for the exemption: the contract value is "
                                         "%(limit)s yuan or more, or an amount was ordered on the contractor "
                                         "recently.") % {"limit": f"{req.exempt_below:,.0f}"}]})
    with acting(user):
        g = WageGuarantee.objects.filter(project=project).first() or WageGuarantee(project=project)
        g.form = g.form or WageGuarantee.Form.CASH
        g.amount, g.balance, g.required_amount, g.ratio_applied = Decimal(0), Decimal(0), Decimal(0), None
        g.state = WageGuarantee.State.EXEMPT
        g.exemption_reason = ((reason or "").strip() or _("contract below the threshold, no arrears"))[:255]
        return _save(g, user)


PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"]


@transaction.atomic
def board_record(*, project, user, photo=None, photo_taken_on=None, shows_parties=False, shows_minimum_wage=False,
                 shows_pay_date=False, pay_day_of_month=None, hotline: str = "", mediation_channel: str = "",
                 legal_aid: str = "") -> NoticeBoard:
    """The rights notice board (art. 34): a photo (checked by content, like evidence) and its required contents."""
    _check_edit(user, project)
    from django.conf import settings
    from django.core.files.base import ContentFile

    from casework.services.evidence import sniff_mime

    data = None
    if photo is not None:
        data = photo.read(settings.EVIDENCE_MAX_BYTES + 1)
        if len(data) > settings.EVIDENCE_MAX_BYTES:
            raise DomainError({"photo": [_("The photo is larger than %(mb)s MB.")
                                         % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}]})
        if sniff_mime(data[:8192]) not in PHOTO_TYPES:
            raise DomainError({"photo": [_("This file is not a photo (JPEG, PNG, WebP, HEIC), whatever its name "
                                           "says.")]})
    day = None
    if pay_day_of_month not in (None, ""):
        try:
            day = int(pay_day_of_month)
            if not 1 <= day <= 31:
                raise ValueError
        except (TypeError, ValueError):
            raise DomainError({"pay_day_of_month": [_("Enter a day of the month, 1 to 31.")]})
    taken = _date(photo_taken_on, "photo_taken_on", required=False)
    _not_future(taken, "photo_taken_on")
    with acting(user):
        board = NoticeBoard.objects.filter(project=project).first() or NoticeBoard(project=project)
        if data is not None:
            board.photo.save("board", ContentFile(data), save=False)
        board.photo_taken_on = taken or board.photo_taken_on
        board.shows_parties, board.shows_minimum_wage = bool(shows_parties), bool(shows_minimum_wage)
        board.shows_pay_date, board.pay_day_of_month = bool(shows_pay_date), day
        board.hotline = (hotline or "").strip()[:32]
        board.mediation_channel = (mediation_channel or "").strip()[:255]
        board.legal_aid = (legal_aid or "").strip()[:255]
        return _save(board, user)


def _worker(name: str, id_number: str, *, field_prefix: str = ""):
    from casework.services.intake import _person_get_or_create

    try:
        info = validate_id_number(id_number)
    except ValidationError as e:
        raise DomainError({f"{field_prefix}id_number": e.messages})
    name = (name or "").strip()
    if not name:
        raise DomainError({f"{field_prefix}name": [_("This field is required.")]})
    return _person_get_or_create({"name": name[:64], "id_number": info.number, "birth_date": info.birth_date,
                                  "gender": info.gender})


def project_employer(project, uscc: str = "") -> Employer:
    """The employing unit of a roster or payroll row: the general contractor or one of the project's
    subcontractors (by USCC); empty = the general contractor."""
    uscc = (uscc or "").strip()
    if not uscc:
        return project.general_contractor
    try:
        code = validate_uscc(uscc).code
    except ValidationError as e:
        raise DomainError({"employer_uscc": e.messages})
    if project.general_contractor.uscc == code:
        return project.general_contractor
    role = SubcontractRole.objects.filter(project=project, subcontractor__uscc=code).select_related(
        "subcontractor").first()
    if role is None:
        raise DomainError({"employer_uscc": [_("This unit is not the general contractor or a registered "
                                               "subcontractor of the project.")]})
    return role.subcontractor


@transaction.atomic
def roster_add(*, project, user, name: str, id_number: str, entered_on, employer_uscc: str = "", trade: str = "",
               bank_last4: str = "") -> RosterEntry:
    """Put a worker on the real-name roster (art. 28). Idempotent for the same worker and entry date."""
    _check_edit(user, project)
    entered = _date(entered_on, "entered_on")
    _not_future(entered, "entered_on")
    bank_last4 = (bank_last4 or "").strip()
    if bank_last4 and (len(bank_last4) != 4 or not bank_last4.isdigit()):
        raise DomainError({"bank_last4": [_("Enter the last 4 digits of the worker's bank card.")]})
    employer = project_employer(project, employer_uscc)
    with acting(user):
        worker = _worker(name, id_number)
        open_entry = RosterEntry.objects.filter(project=project, worker=worker, left_on__isnull=True).first()
        if open_entry is not None:
            if open_entry.entered_on == entered:
                return open_entry
            raise DomainError({"id_number": [_("This worker is already on the roster (since %(date)s).")
                                             % {"date": open_entry.entered_on.isoformat()}]})
        return _save(RosterEntry(project=project, worker=worker, employer=employer, trade=(trade or "")[:64],
                                 entered_on=entered, bank_last4=bank_last4), user)


@transaction.atomic
def roster_exit(*, entry: RosterEntry, user, left_on) -> RosterEntry:
    _check_edit(user, entry.project)
    left = _date(left_on, "left_on")
    _not_future(left, "left_on")
    if left < entry.entered_on:
        raise DomainError({"left_on": [_("The exit date is before the entry date.")]})
    with acting(user):
        entry = RosterEntry.objects.select_for_update().get(pk=entry.pk)
        entry.left_on = left
        return _save(entry, user)
