"""Who may see and do what in the disputes tracks (spec §1 roles 2, 4, 9-12).

Reach follows casework.access: a guardian ``handle_cases`` grant on a region covers the region and everything below
it (never one grant per case). On top of that:
- a mediator handles the mediation cases of their region (and any case assigned to them);
- an arbitration clerk and the chair handle the arbitration cases of their commission's region, and joint reviews;
- an **arbitrator sees only the cases whose tribunal they sit on** (spec #3);
- an auditor reads (``view_cases``) but never acts;
- a party's account (the worker, a representative under a power of attorney, an employer's clerk) sees its own
  case's main file (正卷) through ``PartyAccess``, never the internal file (副卷) and never staff pages.
"""
from django.db.models import Q

from casework.access import has_role, region_prefixes

from .models import DisputeCase, PartyAccess, Track, TribunalMember

__all__ = ["Role", "STAFF_ROLES", "disputes_for", "can_view", "can_handle", "party_cases_for", "party_of",
           "is_sitting_arbitrator", "is_staff_for_disputes"]


class Role:
    MEDIATOR = "mediator"
    CLERK = "arbitration_clerk"
    ARBITRATOR = "arbitrator"
    CHAIR = "arbitration_chair"
    WORKER = "worker"
    WORKER_REP = "worker_rep"
    EMPLOYER_USER = "employer_user"
    AUDITOR = "auditor"


STAFF_ROLES = (Role.MEDIATOR, Role.CLERK, Role.ARBITRATOR, Role.CHAIR, Role.AUDITOR)


def _prefix_q(prefixes, field="region__code") -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field}__startswith": p})
    return q


def is_staff_for_disputes(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def disputes_for(user, action: str = "view"):
    """The dispute cases ``user`` may see (``view``) or act on (``handle``) as staff. One query, set-based."""
    qs = DisputeCase.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    handle = region_prefixes(user, "handle_cases")
    q = Q(pk__in=[])
    if has_role(user, Role.MEDIATOR):
        q |= Q(track=Track.MEDIATION) & (_prefix_q(handle) | Q(mediator=user))
    if has_role(user, Role.CLERK, Role.CHAIR):
        q |= Q(track=Track.ARBITRATION) & _prefix_q(handle)
        # joint arbitral review of a mediation agreement is the commission's work
        q |= Q(track=Track.MEDIATION, joint_review__isnull=False) & _prefix_q(handle)
    if has_role(user, Role.ARBITRATOR):
        seats = TribunalMember.objects.filter(arbitrator=user, active=True).values("case_id")
        q |= Q(track=Track.ARBITRATION, pk__in=seats)
    if action == "view" and has_role(user, Role.AUDITOR):
        q |= _prefix_q(region_prefixes(user, "view_cases") + handle)
    return qs.filter(q)


def can_view(user, case: DisputeCase) -> bool:
    return disputes_for(user, "view").filter(pk=case.pk).exists()


def can_handle(user, case: DisputeCase) -> bool:
    return disputes_for(user, "handle").filter(pk=case.pk).exists()


def is_sitting_arbitrator(user, case: DisputeCase, *, roles=None) -> bool:
    qs = case.tribunal.filter(arbitrator=user, active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return getattr(user, "is_authenticated", False) and qs.exists()


def party_cases_for(user):
    """Cases where ``user`` acts for a party (their own, as representative, or as the employer's clerk)."""
    if not getattr(user, "is_authenticated", False):
        return DisputeCase.objects.none()
    return DisputeCase.objects.filter(pk__in=PartyAccess.objects.filter(user=user).values("party__case_id"))


def party_of(user, case: DisputeCase):
    """The party ``user`` acts for in ``case``, or None."""
    access = PartyAccess.objects.select_related("party").filter(user=user, party__case=case).first()
    return access.party if access else None
