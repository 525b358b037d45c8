"""Who sees which construction projects (reads only).

- A ``general_contractor_user`` account sees the projects it is linked to through ``ProjectAccess`` (its own
  general contractor's projects), and nothing else.
- Staff with case reach (inspectors, heads, intake officers with ``handle_cases``; auditors with ``view_cases``)
  see the projects whose region lies under one of their region grants, as for complaints (casework.access).
"""
from django.db.models import Q
from django.utils import timezone

from casework.access import Role, _prefix_q, has_role, region_prefixes
from casework.models import Project

__all__ = ["GC_ROLE", "INSPECTION_ROLES", "projects_for", "project_get", "can_edit_project", "can_inspect_project",
           "project_public_view"]

GC_ROLE = "general_contractor_user"
INSPECTION_ROLES = (Role.INSPECTOR, Role.INSPECTION_HEAD)


def projects_for(user, action: str = "view"):
    """Projects ``user`` may see (``view``), edit as the contractor (``edit``) or inspect (``inspect``: open cases
    on findings)."""
    qs = Project.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if action == "edit":
        if not has_role(user, GC_ROLE):
            return qs.none()
        return qs.filter(accounts__user=user)
    if action == "inspect":
        if not has_role(user, *INSPECTION_ROLES):
            return qs.none()
        return qs.filter(_prefix_q(region_prefixes(user, "handle_cases"), "region__code"))
    q = Q(pk__in=[])
    if has_role(user, GC_ROLE):
        q |= Q(accounts__user=user)
    if has_role(user, *Role.STAFF_CASE_ROLES):
        q |= _prefix_q(region_prefixes(user, "handle_cases") + region_prefixes(user, "view_cases"), "region__code")
    return qs.filter(q).distinct()


def project_get(user, pk: int, action: str = "view") -> Project | None:
    return (projects_for(user, action).select_related("region", "developer", "general_contractor")
            .filter(pk=pk).first())


def can_edit_project(user, project) -> bool:
    return projects_for(user, "edit").filter(pk=project.pk).exists()


def can_inspect_project(user, project) -> bool:
    return projects_for(user, "inspect").filter(pk=project.pk).exists()


def project_public_view(project) -> dict | None:
    """What a worker tracking their own case may see of its project (spec §14 and issue #7): whether it has a
    dedicated wage account and a guarantee (yes/no only: never numbers, amounts or banks) and, from the notice
    board, the hotline and the mediation/arbitration channels."""
    if project is None:
        return None
    from arrears.models_projects import NoticeBoard, WageAccount, WageGuarantee

    has_account = WageAccount.objects.filter(project=project, closed_on__isnull=True).exists()
    has_guarantee = WageGuarantee.objects.filter(project=project, state=WageGuarantee.State.HELD).exists()
    board = NoticeBoard.objects.filter(project=project).only("hotline", "mediation_channel", "legal_aid").first()
    # the wage-settlement notice (arrears.services_settlement): its end date while it runs, or the settlement date —
    # a worker still owed wages should know that the notice is the time to speak up, and that after settlement the
    # account is closed and the guarantee refunded (so "no" there does not mean the contractor never had them)
    notice_ends_on = settled_on = None
    if project.state == Project.State.SETTLED:
        settled_on = project.settled_on
    elif project.state == Project.State.COMPLETED:
        from arrears.models_projects import SettlementNotice

        notice = SettlementNotice.objects.filter(project=project).only("ends_on").first()
        if notice and notice.ends_on >= timezone.localdate():
            notice_ends_on = notice.ends_on
    return {"name": project.name, "has_account": has_account, "has_guarantee": has_guarantee,
            "hotline": board.hotline if board else "", "mediation_channel": board.mediation_channel if board else "",
            "legal_aid": board.legal_aid if board else "", "notice_ends_on": notice_ends_on, "settled_on": settled_on}


def project_for_complaint(complaint) -> Project | None:
    """The complaint's linked project, else a project of exactly the name the worker gave in the complaint's
    region (prefecture) — one indexed query."""
    if complaint.project_id:
        return complaint.project
    name = (complaint.project_name or "").strip()
    if not name:
        return None
    return Project.objects.filter(name=name, region__code__startswith=complaint.region_id[:4]).first()


STAFF_ROLES = ("inspector", "inspection_head", "intake_officer", "auditor")


def staff_project_rows(user) -> list[dict]:
    """The inspectors' list (/staff/projects/ and its export): projects in the user's reach that have findings,
    each with its findings and the number of high-severity ones; a narrower grant inside a wider one is read once."""
    from .findings import projects_with_findings

    prefixes = region_prefixes(user, "handle_cases") + region_prefixes(user, "view_cases")
    rows, seen = [], set()
    for prefix in sorted(set(prefixes)):
        if any(prefix.startswith(p) and p != prefix for p in prefixes):
            continue  # covered by a wider grant
        for project, found in projects_with_findings(prefix):
            if project.pk not in seen:
                seen.add(project.pk)
                rows.append({"project": project, "findings": found,
                             "high": sum(1 for f in found if f.severity == "high")})
    return rows
