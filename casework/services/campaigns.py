"""Enforcement campaigns (专项行动; spec §11 Tibet context: the "两清零" drives before the Spring Festival and before
Losar; issue #7). A head creates a campaign for regions in reach, with target rules from a registry; the targets
are generated (one per project, or per employer when no project is concerned), assigned to teams of inspectors
of the region with a checklist, and every visit is recorded with its answers and findings, opening an ex officio
inspection case (``casework.services.ex_officio.ex_officio_open``) where needed. ``campaign_progress`` gives the
campaign page and the API their figures.

The registry: ``register_target_rule(key, label, fn)``; ``fn(regions: list[Region], on: date)`` returns
``TargetSpec`` rows. casework's core does not import ``blacklist`` or ``arrears`` at import time: the rules that read
their records (grades, safeguard findings) import them inside the function, when the rule runs.

Who may act [D]: inspection heads create campaigns, generate targets, form teams and assign, within their regions;
team members (and heads of the region) record visits. Rules of law used: at least ``inspection.min_inspectors``
inspectors at a visit (Inspection Regulation art. 16)."""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ..access import Role, has_role, in_region, region_prefixes
from ..audit import acting
from ..errors import DomainError, NotAllowed
from ..models import (Campaign, CampaignTarget, CampaignTeam, CampaignVisit, Complaint, ComplaintState, Employer,
                      Project, Region, prefix_of)
from .config import param

__all__ = ["TargetSpec", "TARGET_RULES", "register_target_rule", "DEFAULT_CHECKLIST", "ANSWERS", "campaigns_for",
           "campaign_create", "campaign_generate_targets", "campaign_add_targets", "team_create", "targets_assign",
           "visit_record", "campaign_progress", "can_manage", "can_visit"]


@dataclass
class TargetSpec:
    employer: Employer
    region_code: str
    project: Project | None = None
    reason: str = ""
    due_label: str = ""
    detail: dict = field(default_factory=dict)


@dataclass
class _Rule:
    key: str
    label: object
    fn: Callable


TARGET_RULES: dict[str, _Rule] = {}


def register_target_rule(key: str, label, fn: Callable[[list, dt.date], Iterable[TargetSpec]]) -> None:
    """Add a rule to the registry (idempotent per key: registering again replaces it)."""
    TARGET_RULES[key] = _Rule(key, label, fn)


# Checklist items a campaign starts with (labels only: what to check, not a legal number). A campaign may carry its
# own list.
DEFAULT_CHECKLIST = [
    ("dedicated_account", _l("dedicated wage account opened")),
    ("guarantee", _l("wage guarantee deposited")),
    ("roster", _l("real-name roster kept")),
    ("payroll", _l("monthly payroll kept and signed")),
    ("notice_board", _l("rights notice board displayed")),
    ("wages_paid", _l("wages paid to date")),
]
ANSWERS = ("yes", "no", "na")


def _today() -> dt.date:
    return timezone.localdate()


def _regions_q(regions, field_name: str) -> Q:
    q = Q(pk__in=[])
    for r in regions:
        q |= Q(**{f"{field_name}__startswith": prefix_of(r.code)})
    return q


# --- the built-in rules --------------------------------------------------------------------------------------------

def _rule_active_projects(regions, on):
    for p in Project.objects.filter(_regions_q(regions, "region__code"), state=Project.State.ACTIVE) \
            .select_related("general_contractor"):
        yield TargetSpec(employer=p.general_contractor, project=p, region_code=p.region_id)


def _rule_open_complaints(regions, on):
    open_states = [ComplaintState.RECEIVED, ComplaintState.NEEDS_CORRECTION, ComplaintState.ACCEPTED_FILED,
                   ComplaintState.INVESTIGATING, ComplaintState.ORDER_ISSUED, ComplaintState.DECISION_PENDING,
                   ComplaintState.DECIDED, ComplaintState.NON_COMPLIANT]
    seen = set()
    for c in Complaint.objects.filter(_regions_q(regions, "handling_region__code"), state__in=open_states) \
            .select_related("employer", "project").order_by("id"):
        key = ("p", c.project_id) if c.project_id else ("e", c.employer_id)
        if key in seen:
            continue
        seen.add(key)
        yield TargetSpec(employer=c.project.general_contractor if c.project_id else c.employer, project=c.project,
                         region_code=c.project.region_id if c.project_id else c.handling_region_id)


def _latest_grades(employer_ids=None, *, regions=None) -> dict[int, tuple[str, str]]:
    """{employer id: (final grade, region code of the grading run)}: the latest decided grade of each employer.
    Reads blacklist's grading records when the rule runs (never at import time)."""
    from django.apps import apps

    if not apps.is_installed("blacklist"):
        return {}
    from blacklist.models_grading import DECIDED_STATES, GradeProposal

    qs = GradeProposal.objects.filter(state__in=DECIDED_STATES).exclude(final_grade="")
    if employer_ids is not None:
        qs = qs.filter(employer_id__in=employer_ids)
    if regions is not None:
        qs = qs.filter(_regions_q(regions, "run__region__code"))
    out: dict[int, tuple[str, str]] = {}
    for p in qs.order_by("employer_id", "-year", "-id").values("employer_id", "final_grade", "run__region_id"):
        out.setdefault(p["employer_id"], (p["final_grade"], p["run__region_id"]))
    return out


def _rule_grade_c(regions, on):
    grades = _latest_grades(regions=regions)
    employers = Employer.objects.in_bulk([e for e, (g, _r) in grades.items() if g == "C"])
    for eid, (g, region_code) in sorted(grades.items()):
        if g == "C" and eid in employers:
            yield TargetSpec(employer=employers[eid], region_code=region_code)


def _rule_safeguard_findings(regions, on):
    from arrears.findings import projects_with_findings

    for r in regions:
        for project, findings in projects_with_findings(prefix_of(r.code), on=on):
            yield TargetSpec(employer=project.general_contractor, project=project, region_code=project.region_id,
                             detail={"findings": [f.code for f in findings]})


register_target_rule("active_projects", _l("all active construction projects"), _rule_active_projects)
register_target_rule("grade_c", _l("employers graded C"), _rule_grade_c)
register_target_rule("open_complaints", _l("employers with open complaints"), _rule_open_complaints)
register_target_rule("safeguard_findings", _l("projects with safeguard findings"), _rule_safeguard_findings)


# --- reach ---------------------------------------------------------------------------------------------------------

def campaigns_for(user):
    """Campaigns with at least one region in the user's reach (handle or view)."""
    if not has_role(user, Role.INSPECTOR, Role.INSPECTION_HEAD, Role.AUDITOR):
        return Campaign.objects.none()
    prefixes = region_prefixes(user, "handle_cases") + region_prefixes(user, "view_cases")
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(regions__code__startswith=p)
    return Campaign.objects.filter(q).distinct()


def can_manage(user, campaign: Campaign) -> bool:
    return has_role(user, Role.INSPECTION_HEAD) and all(in_region(user, r.code) for r in campaign.regions.all())


def can_visit(user, target: CampaignTarget) -> bool:
    if not has_role(user, Role.INSPECTOR, Role.INSPECTION_HEAD) or not in_region(user, target.region_id):
        return False
    if has_role(user, Role.INSPECTION_HEAD):
        return True
    return target.team_id is not None and target.team.members.filter(pk=user.pk).exists()


def _require_manage(user, campaign):
    if not can_manage(user, campaign):
        raise NotAllowed({"__all__": [_("Only an inspection head of the campaign's regions may do this.")]})


# --- writes --------------------------------------------------------------------------------------------------------

def _checklist(items) -> list[dict]:
    if not items:
        return [{"key": k, "label": str(label)} for k, label in DEFAULT_CHECKLIST]
    out, seen = [], set()
    for it in items:
        key = str(it.get("key", "") if isinstance(it, dict) else it).strip()[:40]
        label = str(it.get("label", "") if isinstance(it, dict) else "").strip()[:200]
        if not key or key in seen:
            raise DomainError({"checklist": [_("Each checklist item needs its own key.")]})
        seen.add(key)
        default = dict(DEFAULT_CHECKLIST).get(key)
        out.append({"key": key, "label": label or (str(default) if default else key)})
    return out


@transaction.atomic
def campaign_create(*, user, name: str, starts_on: dt.date, ends_on: dt.date, region_codes: list[str],
                    target_rules: list[str] = (), checklist=None, kind: str = Campaign.Kind.SPECIAL) -> Campaign:
    errors = {}
    if not has_role(user, Role.INSPECTION_HEAD):
        raise NotAllowed({"__all__": [_("Only an inspection head may create a campaign.")]})
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    if starts_on is None or ends_on is None or ends_on < starts_on:
        errors["ends_on"] = [_("The campaign must end on or after its first day.")]
    regions = list(Region.objects.filter(code__in=set(region_codes or [])))
    if not regions or len(regions) != len(set(region_codes)):
        errors["regions"] = [_("Choose one or more regions.")]
    elif any(not in_region(user, r.code) for r in regions):
        errors["regions"] = [_("You may only choose regions in your reach.")]
    unknown = [k for k in target_rules if k not in TARGET_RULES]
    if unknown:
        errors["target_rules"] = [_("Unknown target rule: %(keys)s.") % {"keys": ", ".join(unknown)}]
    if errors:
        raise DomainError(errors)
    with acting(user):
        c = Campaign(name=name[:200], kind=kind, starts_on=starts_on, ends_on=ends_on,
                     target_rules=list(dict.fromkeys(target_rules)), checklist=_checklist(checklist),
                     created_by=user)
        c._history_user = user
        c.full_clean()
        c.save()
        c.regions.set(regions)
    return c


def _target_key(spec: TargetSpec) -> str:
    """A project, else an employer; a plan target also by its due month (a C employer is visited several times)."""
    key = f"p{spec.project.pk}" if spec.project is not None else f"e{spec.employer.pk}"
    return f"{key}@{spec.due_label}" if spec.due_label else key


def campaign_add_targets(*, user, campaign: Campaign, specs: Iterable[TargetSpec], reason: str = "") -> int:
    """Add targets (deduplicated by project, or by employer where no project): an existing target gains the new
    reason. Only targets inside the campaign's regions are kept. Returns the number of new targets."""
    _require_manage(user, campaign)
    prefixes = [prefix_of(r.code) for r in campaign.regions.all()]
    existing = {t.key: t for t in campaign.targets.all()}
    created = 0
    with acting(user), transaction.atomic():
        for spec in specs:
            if not any(spec.region_code.startswith(p) for p in prefixes):
                continue
            why = spec.reason or reason
            key = _target_key(spec)
            t = existing.get(key)
            if t is None:
                t = CampaignTarget(campaign=campaign, key=key, employer=spec.employer, project=spec.project,
                                   region_id=spec.region_code, reasons=[why] if why else [],
                                   due_label=spec.due_label)
                t._history_user = user
                t.save()
                existing[key] = t
                created += 1
            elif why and why not in t.reasons:
                t.reasons = [*t.reasons, why]
                t._history_user = user
                t.save(update_fields=["reasons", "updated_at"])
    return created


def campaign_generate_targets(*, user, campaign: Campaign, on: dt.date | None = None) -> int:
    """Run the campaign's rules over its regions and add what they select. Idempotent: running again adds only
    new targets (and new reasons to existing ones)."""
    _require_manage(user, campaign)
    on = on or _today()
    regions = list(campaign.regions.all())
    n = 0
    for key in campaign.target_rules:
        rule = TARGET_RULES.get(key)
        if rule is None:
            raise DomainError({"target_rules": [_("Unknown target rule: %(keys)s.") % {"keys": key}]})
        n += campaign_add_targets(user=user, campaign=campaign, specs=rule.fn(regions, on), reason=key)
    with acting(user):
        campaign.targets_generated_at = timezone.now()
        campaign._history_user = user
        campaign.save(update_fields=["targets_generated_at", "updated_at"])
    return n


@transaction.atomic
def team_create(*, user, campaign: Campaign, name: str, region_code: str, members: list) -> CampaignTeam:
    _require_manage(user, campaign)
    errors = {}
    region = Region.objects.filter(code=region_code).first()
    if region is None or not any(region.code.startswith(prefix_of(r.code)) for r in campaign.regions.all()):
        errors["region"] = [_("Choose a region of the campaign.")]
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    members = list(members)
    if not members:
        errors["members"] = [_("A team needs at least one inspector.")]
    elif region is not None:
        bad = [m for m in members if not has_role(m, Role.INSPECTOR, Role.INSPECTION_HEAD)
               or not in_region(m, region.code)]
        if bad:
            errors["members"] = [_("Not an inspector of this region: %(who)s.")
                                 % {"who": ", ".join(m.get_username() for m in bad)}]
    if errors:
        raise DomainError(errors)
    if campaign.teams.filter(name=name).exists():
        raise DomainError({"name": [_("The campaign already has a team of this name.")]})
    with acting(user):
        team = CampaignTeam(campaign=campaign, name=name[:100], region=region)
        team._history_user = user
        team.save()
        team.members.set(members)
    return team


@transaction.atomic
def targets_assign(*, user, campaign: Campaign, target_ids: list[int], team: CampaignTeam) -> int:
    _require_manage(user, campaign)
    if team.campaign_id != campaign.pk:
        raise DomainError({"team": [_("Choose a team of this campaign.")]})
    targets = list(campaign.targets.filter(pk__in=target_ids).select_for_update())
    if len(targets) != len(set(target_ids)):
        raise DomainError({"target_ids": [_("No such target in this campaign.")]})
    outside = [t for t in targets if not t.region_id.startswith(prefix_of(team.region_id))]
    if outside:
        raise DomainError({"team": [_("The team's region does not cover %(n)s of these targets.")
                                    % {"n": len(outside)}]})
    with acting(user):
        for t in targets:
            t.team = team
            if t.state == CampaignTarget.State.PENDING:
                t.state = CampaignTarget.State.ASSIGNED
            t._history_user = user
            t.save(update_fields=["team", "state", "updated_at"])
    return len(targets)


def visit_record(*, user, target: CampaignTarget, visited_on: dt.date, inspectors: list, answers: dict,
                 findings: str = "", open_case: bool = False, evidence=()) -> CampaignVisit:
    """Record a visit with its checklist answers; with ``open_case`` an ex officio inspection case is opened on the
    target (``ex_officio_open``, origin "campaign:<id>:target:<id>") and linked to the visit."""
    target = CampaignTarget.objects.select_related("campaign", "team").get(pk=target.pk)
    if not can_visit(user, target):
        raise NotAllowed({"__all__": [_("Only the target's team or a head of its region may record a visit.")]})
    campaign = target.campaign
    errors = {}
    if visited_on is None or visited_on > _today():
        errors["visited_on"] = [_("Enter the date of the visit (not in the future).")]
    elif not (campaign.starts_on <= visited_on <= campaign.ends_on):
        errors["visited_on"] = [_("The visit must fall within the campaign (%(a)s – %(b)s).")
                                % {"a": campaign.starts_on, "b": campaign.ends_on}]
    keys = [i["key"] for i in campaign.checklist]
    answers = {str(k): str(v) for k, v in (answers or {}).items()}
    missing = [k for k in keys if answers.get(k) not in ANSWERS]
    extra = [k for k in answers if k not in keys]
    if missing or extra:
        errors["answers"] = [_("Answer every checklist item with yes, no or not applicable.")]
    inspectors = list(dict.fromkeys(inspectors))
    min_n = int(param("inspection.min_inspectors", on=visited_on or _today()))
    if len(inspectors) < min_n:
        errors["inspectors"] = [_("At least %(n)s inspectors take part in an inspection (Inspection Regulation art. "
                                  "16).") % {"n": min_n}]
    elif any(not has_role(u, Role.INSPECTOR, Role.INSPECTION_HEAD) or not in_region(u, target.region_id)
             for u in inspectors):
        errors["inspectors"] = [_("Every inspector must be an inspector of the target's region.")]
    findings = (findings or "").strip()
    has_findings = bool(findings) or any(answers.get(k) == "no" for k in keys)
    if open_case and not has_findings:
        errors["open_case"] = [_("A case is opened on findings: record what was found.")]
    if errors:
        raise DomainError(errors)
    with acting(user), transaction.atomic():
        target = CampaignTarget.objects.select_for_update().get(pk=target.pk)
        complaint = None
        if open_case:
            from .ex_officio import ex_officio_open

            failed = [next(i["label"] for i in campaign.checklist if i["key"] == k) for k in keys
                      if answers.get(k) == "no"]
            facts = _("Found during the campaign “%(campaign)s” on %(date)s. Checklist items not met: %(items)s. "
                      "%(findings)s") % {"campaign": campaign.name, "date": visited_on,
                                         "items": "; ".join(failed) or "—", "findings": findings}
            complaint = ex_officio_open(user=user, employer=target.employer, region=target.region_id, facts=facts,
                                        project=target.project, origin=f"campaign:{campaign.pk}:target:{target.pk}",
                                        evidence=evidence)
        v = CampaignVisit(target=target, visited_on=visited_on, answers=answers, findings=findings,
                          has_findings=has_findings, complaint=complaint, recorded_by=user)
        v._history_user = user
        v.save()
        v.inspectors.set(inspectors)
        target.state = CampaignTarget.State.VISITED
        target._history_user = user
        target.save(update_fields=["state", "updated_at"])
    return v


# --- progress ------------------------------------------------------------------------------------------------------

def campaign_progress(campaign: Campaign) -> dict:
    """Targets visited / total, visits with findings, cases opened, workers paid and amounts recovered on those
    cases; overall and by region (the prefecture, or the county where the campaign is a county's)."""
    from django.apps import apps

    Payment = apps.get_model("arrears", "Payment")
    targets = list(campaign.targets.values("pk", "region_id", "state"))
    visits = list(CampaignVisit.objects.filter(target__campaign=campaign)
                  .values("target_id", "target__region_id", "has_findings", "complaint_id"))
    case_region = {v["complaint_id"]: v["target__region_id"] for v in visits if v["complaint_id"]}
    pays = list(Payment.objects.filter(complaint_id__in=list(case_region))
                .values("complaint_id", "amount", "item__worker_id", "item_id"))

    regions = list(campaign.regions.all())
    by_county = len(regions) == 1 and regions[0].level == Region.Level.COUNTY

    def group(code):
        return code if by_county else code[:4] + "00"

    rows: dict[str, dict] = {}

    def row(code):
        return rows.setdefault(group(code), {"region": group(code), "targets": 0, "visited": 0, "findings": 0,
                                             "cases": 0, "workers_paid": set(), "recovered": Decimal("0.00")})

    for t in targets:
        r = row(t["region_id"])
        r["targets"] += 1
        r["visited"] += int(t["state"] == CampaignTarget.State.VISITED)
    for v in visits:
        r = row(v["target__region_id"])
        r["findings"] += int(v["has_findings"])
        r["cases"] += int(v["complaint_id"] is not None)
    for p in pays:
        r = row(case_region[p["complaint_id"]])
        r["workers_paid"].add(p["item__worker_id"] or f"item{p['item_id']}")
        r["recovered"] += p["amount"]
    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name_zh"))
    out_rows = []
    for code in sorted(rows):
        r = rows[code]
        out_rows.append({**r, "region_name": names.get(code, code), "workers_paid": len(r["workers_paid"])})
    total = {k: sum(r[k] for r in out_rows) for k in ("targets", "visited", "findings", "cases", "workers_paid")}
    total["recovered"] = sum((r["recovered"] for r in out_rows), Decimal("0.00"))
    return {"total": total, "by_region": out_rows}
