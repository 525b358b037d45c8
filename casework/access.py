"""Who may see and do what (spec §1). Roles are groups; reach is granted per region with django-guardian object
permissions on ``Region`` rows (never one row per case), and applied as a queryset constraint that every list,
page and API call uses (NetBox's ``restrict``). A region grant covers the region and everything below it."""
from django.db.models import Q
from guardian.shortcuts import get_objects_for_user

from .models import Complaint, Region, prefix_of

__all__ = [
    "Role", "has_role", "region_prefixes", "complaints_for", "can_view_complaint", "can_handle_complaint",
    "in_region", "sees_pii", "regions_within",
]


class Role:
    WORKER = "worker"
    INTAKE_OFFICER = "intake_officer"
    INSPECTOR = "inspector"
    INSPECTION_HEAD = "inspection_head"
    AUDITOR = "auditor"
    SYSADMIN = "sysadmin"
    ALL = [WORKER, INTAKE_OFFICER, INSPECTOR, INSPECTION_HEAD, AUDITOR, SYSADMIN]
    STAFF_CASE_ROLES = [INTAKE_OFFICER, INSPECTOR, INSPECTION_HEAD, AUDITOR]


def _groups(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_casework_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._casework_groups = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(_groups(user) & set(roles))


def region_prefixes(user, perm: str = "handle_cases") -> list[str]:
    """Code prefixes of the regions where ``user`` holds ``perm`` (one query, cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_casework_prefixes", None)
    if cache is None:
        cache = {}
        user._casework_prefixes = cache
    if perm not in cache:
        codes = get_objects_for_user(user, f"casework.{perm}", klass=Region, accept_global_perms=False,
                                     with_superuser=False).values_list("code", flat=True)
        cache[perm] = sorted({prefix_of(c) for c in codes})
    return cache[perm]


def _prefix_q(prefixes, field="handling_region__code") -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field}__startswith": p})
    return q


def regions_within(user, perm: str = "handle_cases"):
    """The regions under the prefixes where ``user`` holds ``perm``, by code (the region pickers of staff forms;
    one query)."""
    from .models import Region

    return Region.objects.filter(_prefix_q(region_prefixes(user, perm), "code")).order_by("code")


def in_region(user, region_code: str, perm: str = "handle_cases") -> bool:
    return any(region_code.startswith(p) for p in region_prefixes(user, perm))


def complaints_for(user, action: str = "view"):
    """The complaints ``user`` may see (action="view") or act on (action="handle"). Sysadmins see none: they keep
    configuration, not cases (spec §1 #20)."""
    qs = Complaint.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if action == "handle":
        if not has_role(user, Role.INTAKE_OFFICER, Role.INSPECTOR, Role.INSPECTION_HEAD):
            return qs.none()
        return qs.filter(_prefix_q(region_prefixes(user, "handle_cases")) | Q(lead_inspector=user))
    prefixes = region_prefixes(user, "handle_cases") + region_prefixes(user, "view_cases")
    if not has_role(user, *Role.STAFF_CASE_ROLES):
        return qs.none()
    return qs.filter(_prefix_q(prefixes) | Q(lead_inspector=user))


def can_view_complaint(user, complaint: Complaint) -> bool:
    return complaints_for(user, "view").filter(pk=complaint.pk).exists()


def can_handle_complaint(user, complaint: Complaint) -> bool:
    return complaints_for(user, "handle").filter(pk=complaint.pk).exists()


def sees_pii(user, complaint: Complaint | None = None) -> bool:
    """Full ID numbers and phones: case-handling staff of the region. Auditors and sysadmins see masks."""
    if not has_role(user, Role.INTAKE_OFFICER, Role.INSPECTOR, Role.INSPECTION_HEAD):
        return False
    if complaint is None:
        return True
    return in_region(user, complaint.handling_region_id) or complaint.lead_inspector_id == user.pk
