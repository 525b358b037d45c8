"""Campaign targets (/staff/campaigns/<id>/) and the routine inspection plan (/staff/inspection-plan/) as CSV /
Excel (casework.services.exports): the same reach and columns as the pages; employers and projects only, no
person. Registered from CaseworkConfig.ready."""
from django.utils.translation import gettext_lazy as _l

from .access import Role
from .services.exports import register_export


def _targets(user, params):
    from .services.campaigns import campaigns_for

    c = str(params.get("campaign") or "")
    campaign = campaigns_for(user).filter(pk=int(c)).first() if c.isdigit() else None
    if campaign is None:
        return []
    return campaign.targets.select_related("employer", "project", "team").order_by("state", "region_id", "id")


def _target_rows(user, params):
    from .services.campaigns import TARGET_RULES

    for t in _targets(user, params):
        yield {"employer": t.employer.name, "project": t.project.name if t.project else "", "region": t.region_id,
               "why": "；".join(str(TARGET_RULES[k].label) if k in TARGET_RULES else k for k in (t.reasons or [])),
               "due": t.due_label, "team": t.team.name if t.team else "", "state": t.get_state_display()}


register_export(
    "campaign.targets", title=_l("Campaign targets"), roles=(Role.INSPECTOR, Role.INSPECTION_HEAD, Role.AUDITOR),
    columns=[("employer", _l("Employer")), ("project", _l("construction project")), ("region", _l("Region")),
             ("why", _l("Why")), ("due", _l("due")), ("team", _l("Team")), ("state", _l("State"))],
    rows=_target_rows, count=lambda user, params: len(list(_targets(user, params))))


def _plan(user, params):
    from .errors import DomainError
    from .services.inspection_plan import plan_generate

    try:
        year = int(params.get("year") or 0)
        quarter = int(params["quarter"]) if str(params.get("quarter") or "").isdigit() else None
        return plan_generate(user=user, region_code=str(params.get("region") or ""), year=year, quarter=quarter)
    except (DomainError, ValueError):
        return []


def _plan_rows(user, params):
    for r in _plan(user, params):
        yield {"due": r.due_month, "employer": r.employer.name, "region": r.region_code, "grade": r.grade or "—",
               "visits": r.visits_per_year, "reason": r.reason}


register_export(
    "inspection.plan", title=_l("Routine inspection plan"), roles=(Role.INSPECTION_HEAD,),
    columns=[("due", _l("Due")), ("employer", _l("Employer")), ("region", _l("Region")), ("grade", _l("grade")),
             ("visits", _l("visits per year")), ("reason", _l("Reason"))],
    rows=_plan_rows, count=lambda user, params: len(_plan(user, params)))
