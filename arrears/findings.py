"""What inspectors see per construction project: the safeguards that are missing or late (issue #7; spec §11).

The contract other modules rely on (enforcement campaigns, the inspection plan):

    @dataclass Finding(code, label, severity ('high'|'medium'|'low'), detail, evidence: dict)
    project_findings(project, *, on=None) -> list[Finding]
    projects_with_findings(region_code_prefix, *, on=None) -> list[tuple[Project, list[Finding]]]

``projects_with_findings`` returns the projects (not yet settled) under the region prefix that have at least one
finding, in a fixed number of queries whatever the number of projects: the safeguards, roster and payroll lines are
prefetched; the configuration rows (legal parameters, deadline rules, minimum wages) are read once and resolved in
memory with the same precedence as ``casework.services.config.param``; the working-day calendar is loaded once per
region. ``evidence`` holds no personal data in clear: workers appear as roster-entry ids with masked ID numbers
(spec §14 public mask) and surname + 某.

Codes, rules and their configuration (see docs/construction.md):
- no_account / account_late: the dedicated wage account (art. 26), rule PROJ-ACCOUNT-OPEN (calendar days).
- no_guarantee / guarantee_late / guarantee_short: the wage guarantee (art. 32), rule PROJ-GUARANTEE-DEPOSIT
  (working days) and parameters project.guarantee_ratio (regional) and project.guarantee_ratio_floor.
- cycle_too_long: the labour-cost allocation cycle (art. 24), parameter project.labour_cycle_max_days.
- board_incomplete: the rights notice board and its contents (art. 34).
- month_without_payroll / roster_worker_missing_from_payroll: a month is due once the month after it has ended
  (art. 14 lets the pay date fall in the next period); a month with roster workers but no payroll at all is
  month_without_payroll, otherwise every roster worker active in the month without a payroll line is listed.
  After completion (``Project.completed_on``) no month later than the completion month is due.
- below_minimum_wage: a worker's net pay in a month (all employing units of the project together) against the
  region's MinimumWageStandard in force on the month's first day, pro-rated by days worked: monthly standard ×
  min(days worked, wages.monthly_pay_days) ÷ wages.monthly_pay_days (the table has monthly and hourly rates, no
  daily one; 21.75 monthly pay days is the national conversion rule). Net is compared, as the brief asks: it is
  the stricter reading for the employer, and a deduction that takes pay below the minimum is itself a finding.
- paid_to_other_account: a payroll line not paid into the worker's own account, or paid into an account whose
  last 4 digits differ from the bank card on the roster (art. 31).
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.identity import mask_id_public, mask_name
from casework.models import DeadlineRule, LegalParameter, Project, region_chain
from casework.services.clock import WorkingCalendar, add_months, compute_due
from casework.services.config import MissingConfiguration, pick_param

from .models import MinimumWageStandard
from .models_projects import PayrollBatch, PayrollLine, RosterEntry
from .services_projects import board_missing, guarantee_amount

__all__ = ["Finding", "project_findings", "projects_with_findings", "LABELS", "SEVERITY", "finding_origin"]


@dataclass
class Finding:
    code: str
    label: str
    severity: str  # 'high' | 'medium' | 'low'
    detail: str
    evidence: dict


LABELS = {
    "no_account": _l("No dedicated wage account"),
    "account_late": _l("Dedicated wage account opened late"),
    "no_guarantee": _l("No wage guarantee"),
    "guarantee_short": _l("Wage guarantee below the required amount"),
    "guarantee_late": _l("Wage guarantee deposited late"),
    "cycle_too_long": _l("Labour-cost allocation cycle longer than allowed"),
    "board_incomplete": _l("Rights notice board missing or incomplete"),
    "roster_worker_missing_from_payroll": _l("Roster workers missing from the payroll"),
    "month_without_payroll": _l("A month without payroll"),
    "below_minimum_wage": _l("Pay below the minimum wage"),
    "paid_to_other_account": _l("Wages paid to someone other than the worker"),
}
SEVERITY = {
    "no_account": "high", "account_late": "medium", "no_guarantee": "high", "guarantee_short": "medium",
    "guarantee_late": "low", "cycle_too_long": "medium", "board_incomplete": "low",
    "roster_worker_missing_from_payroll": "high", "month_without_payroll": "high", "below_minimum_wage": "high",
    "paid_to_other_account": "high",
}
PARAM_KEYS = ["project.labour_cycle_max_days", "project.guarantee_ratio", "project.guarantee_ratio_floor",
              "project.guarantee_exempt_below", "project.guarantee_exempt_lookback_months",
              "wages.monthly_pay_days"]
RULE_IDS = ["PROJ-ACCOUNT-OPEN", "PROJ-GUARANTEE-DEPOSIT"]
BOARD_LABELS = {
    "board": _l("no notice board recorded"), "photo": _l("no photo"),
    "parties": _l("developer, contractor and subcontractors"), "minimum_wage": _l("the local minimum wage"),
    "pay_date": _l("the pay date"), "hotline": _l("the complaint hotline"),
    "mediation_channel": _l("mediation and arbitration channels"), "legal_aid": _l("legal aid"),
}


def finding_origin(finding: Finding) -> str:
    """A stable key of one finding on one project ("finding:<code>[:<month>]"): the ex officio case opened on it
    records it, so that a second case for the same finding is refused while the first is open."""
    month = finding.evidence.get("month")
    return f"finding:{finding.code}" + (f":{month}" if month else "")


def _f(code: str, detail: str, **evidence) -> Finding:
    return Finding(code=code, label=str(LABELS[code]), severity=SEVERITY[code], detail=detail, evidence=evidence)


class _Config:
    """Configuration read once for a run, resolved like config.param / config.rule (region chain, dates)."""

    def __init__(self):
        self.params = defaultdict(list)
        for row in LegalParameter.objects.filter(key__in=PARAM_KEYS).order_by("-effective_from", "-id"):
            self.params[row.key].append(row)
        self.rules = defaultdict(list)
        for row in DeadlineRule.objects.filter(rule_id__in=RULE_IDS).order_by("-effective_from"):
            self.rules[row.rule_id].append(row)
        self.min_wages = list(MinimumWageStandard.objects.order_by("-effective_from"))
        self.calendars: dict[str, WorkingCalendar] = {}

    def param(self, key: str, on: dt.date, region_code: str) -> Decimal:
        return pick_param([r for r in self.params[key] if r.effective_from <= on], key=key, on=on,
                          region_code=region_code)

    def due(self, rule_id: str, anchor: dt.date, region_code: str) -> dt.date:
        r = next((r for r in self.rules[rule_id] if r.effective_from <= anchor), None)
        if r is None:
            raise MissingConfiguration(_("Configuration missing: deadline rule %(rule)s for %(date)s.")
                                       % {"rule": rule_id, "date": anchor})
        cal = self.calendars.setdefault(region_code, WorkingCalendar(region_code))
        return compute_due(anchor, r.n, r.unit, region_code, cal).due

    def min_wage(self, region_code: str, on: dt.date) -> Decimal | None:
        rows = [r for r in self.min_wages if r.effective_from <= on]
        for code in region_chain(region_code):
            specific = [r for r in rows if r.region_code == code]
            if specific:
                return specific[0].monthly_yuan
        return None


def _month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def _months(first: dt.date, last: dt.date):
    m = first.replace(day=1)
    while m <= last:
        yield m
        m = add_months(m, 1)


def _worker_ref(entry_or_line, person) -> dict:
    return {"ref": entry_or_line.pk, "worker": mask_name(person.name), "id_masked": mask_id_public(person.id_number)}


def _get(obj, attr):
    try:
        return getattr(obj, attr)
    except Exception:  # RelatedObjectDoesNotExist for a reverse one-to-one not recorded
        return None


def _queryset():
    return (Project.objects.select_related("region", "general_contractor", "wage_account", "wage_guarantee",
                                           "notice_board")
            .prefetch_related(Prefetch("roster", queryset=RosterEntry.objects.select_related("worker")),
                              Prefetch("payrolls", queryset=PayrollBatch.objects.prefetch_related(
                                  Prefetch("lines", queryset=PayrollLine.objects.select_related("worker"))))))


def _had_arrears(projects, cfg: _Config, on: dt.date) -> set[int]:
    """General contractors (ids) with an amount ordered in the exemption look-back period (one query)."""
    from casework.models import Complaint, InspectionDocument

    ids = {p.general_contractor_id for p in projects}
    if not ids:
        return set()
    months = max(int(cfg.param("project.guarantee_exempt_lookback_months", on, p.region_id)) for p in projects)
    return set(Complaint.objects.filter(
        employer_id__in=ids, items__amount_ordered__gt=0,
        documents__doc_type__in=[InspectionDocument.DocType.PAYMENT_ORDER,
                                 InspectionDocument.DocType.HANDLING_DECISION],
        documents__issued_at__gte=add_months(on, -months), documents__issued_at__lte=on)
        .values_list("employer_id", flat=True).distinct())


def _evaluate(project, cfg: _Config, on: dt.date, had_arrears: set[int]) -> list[Finding]:
    out: list[Finding] = []
    region = project.region_id

    # art. 24: labour-cost allocation cycle
    limit = int(cfg.param("project.labour_cycle_max_days", project.contract_signed_on, region))
    if project.labour_cost_cycle_days > limit:
        out.append(_f("cycle_too_long", _("The allocation cycle is %(days)s days; at most %(max)s days are allowed.")
                      % {"days": project.labour_cost_cycle_days, "max": limit},
                      cycle_days=project.labour_cost_cycle_days, max_days=limit))

    # art. 26: dedicated wage account
    account = _get(project, "wage_account")
    due = cfg.due("PROJ-ACCOUNT-OPEN", project.contract_signed_on, region)
    if account is None:
        if on > due:
            out.append(_f("no_account", _("No dedicated wage account recorded; it was due by %(due)s.")
                          % {"due": due.isoformat()}, due=due.isoformat()))
    elif account.opened_on > due:
        out.append(_f("account_late", _("Opened on %(opened)s; it was due by %(due)s.")
                      % {"opened": account.opened_on.isoformat(), "due": due.isoformat()},
                      opened_on=account.opened_on.isoformat(), due=due.isoformat()))

    # art. 32: wage guarantee
    g = _get(project, "wage_guarantee")
    anchor = project.started_on or project.contract_signed_on
    gdue = cfg.due("PROJ-GUARANTEE-DEPOSIT", anchor, region)
    if g is None or (g.state == g.State.HELD and g.deposited_on is None):
        if on > gdue:
            below = cfg.param("project.guarantee_exempt_below", on, region)
            may_be_exempt = project.contract_value < below and project.general_contractor_id not in had_arrears
            detail = _("No wage guarantee recorded; it was due by %(due)s.") % {"due": gdue.isoformat()}
            if may_be_exempt:
                detail += " " + _("The contract may qualify for the exemption, but none was recorded.")
            out.append(_f("no_guarantee", detail, due=gdue.isoformat(), may_be_exempt=may_be_exempt))
    elif g.state == g.State.HELD:
        if g.deposited_on > gdue:
            out.append(_f("guarantee_late", _("Deposited on %(dep)s; it was due by %(due)s.")
                          % {"dep": g.deposited_on.isoformat(), "due": gdue.isoformat()},
                          deposited_on=g.deposited_on.isoformat(), due=gdue.isoformat()))
        ratio, required = guarantee_amount(project.contract_value,
                                           cfg.param("project.guarantee_ratio", g.deposited_on, region),
                                           cfg.param("project.guarantee_ratio_floor", g.deposited_on, region))
        if g.amount < required:
            out.append(_f("guarantee_short", _("%(amount)s yuan held; %(required)s yuan required (%(pct)s%% of the "
                                               "contract value).")
                          % {"amount": g.amount, "required": required, "pct": (ratio * 100).normalize()},
                          amount=str(g.amount), required=str(required), ratio=str(ratio)))

    # art. 34: rights notice board
    missing = board_missing(_get(project, "notice_board"))
    if missing:
        out.append(_f("board_incomplete", _("Missing: %(what)s.") % {"what": "、".join(str(BOARD_LABELS[m])
                                                                                    for m in missing)},
                      missing=missing))

    # arts. 14, 15, 28, 31: roster and payroll by month
    roster = list(project.roster.all())
    batches = list(project.payrolls.all())
    lines_by_month: dict[dt.date, list] = defaultdict(list)
    for b in batches:
        lines_by_month[b.period].extend(b.lines.all())
    due_until = add_months(on.replace(day=1), -2)  # month M is due once month M+1 has ended
    if project.completed_on:  # no payroll is owed for months after the completion month
        due_until = min(due_until, project.completed_on.replace(day=1))
    if roster:
        first = min(e.entered_on for e in roster)
        for month in _months(first, due_until):
            start, end = month, _month_end(month)
            active = [e for e in roster if e.entered_on <= end and (e.left_on is None or e.left_on >= start)]
            if not active:
                continue
            key = f"{month:%Y-%m}"
            lines = lines_by_month.get(month)
            if not lines:
                out.append(_f("month_without_payroll", _("No payroll for %(month)s although %(n)s roster workers "
                                                         "were on site.") % {"month": key, "n": len(active)},
                              month=key, workers_on_site=len(active)))
                continue
            paid = {ln.worker_id for ln in lines}
            absent = [e for e in active if e.worker_id not in paid]
            if absent:
                out.append(_f("roster_worker_missing_from_payroll",
                              _("%(n)s roster workers have no pay recorded for %(month)s.")
                              % {"n": len(absent), "month": key},
                              month=key, workers=[_worker_ref(e, e.worker) for e in absent]))
    bank_of = {e.worker_id: e.bank_last4 for e in roster if e.bank_last4}
    pay_days = None
    for month in sorted(lines_by_month):
        key = f"{month:%Y-%m}"
        lines = lines_by_month[month]
        standard = cfg.min_wage(region, month)
        if standard is not None:
            pay_days = pay_days or cfg.param("wages.monthly_pay_days", month, region)
            per_worker: dict[int, list] = defaultdict(lambda: [Decimal(0), Decimal(0), None])
            for ln in lines:
                acc = per_worker[ln.worker_id]
                acc[0] += ln.net
                acc[1] += ln.days_worked
                acc[2] = ln
            below = []
            for worker_id, (net, days, ln) in per_worker.items():
                required = (standard * min(days, pay_days) / pay_days).quantize(Decimal("0.01"),
                                                                                  rounding=ROUND_HALF_UP)
                if net < required:
                    below.append({**_worker_ref(ln, ln.worker), "net": str(net), "days": str(days),
                                  "required": str(required)})
            if below:
                out.append(_f("below_minimum_wage", _("%(n)s workers were paid less than the minimum wage "
                                                      "(%(std)s yuan a month) in %(month)s.")
                              % {"n": len(below), "std": standard, "month": key},
                              month=key, monthly_standard=str(standard), pay_days=str(pay_days), workers=below))
        other = [ln for ln in lines if not ln.paid_to_own_account
                 or (ln.payee_last4 and bank_of.get(ln.worker_id) and ln.payee_last4 != bank_of[ln.worker_id])]
        if other:
            out.append(_f("paid_to_other_account", _("%(n)s payments in %(month)s did not go to the worker's own "
                                                     "account.") % {"n": len(other), "month": key},
                          month=key, workers=[_worker_ref(ln, ln.worker) for ln in other]))
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(out, key=lambda f: order[f.severity])


def project_findings(project, *, on: dt.date | None = None) -> list[Finding]:
    on = on or timezone.localdate()
    loaded = _queryset().get(pk=project.pk)
    cfg = _Config()
    return _evaluate(loaded, cfg, on, _had_arrears([loaded], cfg, on))


def projects_with_findings(region_code_prefix: str, *, on=None) -> list[tuple[Project, list[Finding]]]:
    on = on or timezone.localdate()
    projects = list(_queryset().filter(region__code__startswith=region_code_prefix)
                    .exclude(state=Project.State.SETTLED).order_by("region_id", "name", "id"))
    cfg = _Config()
    had = _had_arrears(projects, cfg, on)
    out = []
    for p in projects:
        found = _evaluate(p, cfg, on, had)
        if found:
            out.append((p, found))
    return out
