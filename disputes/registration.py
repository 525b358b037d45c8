"""How the disputes tracks plug into the core (imported by disputes.apps.ready):
- both flows register with the generic task engine (casework.workflow), so their steps appear in the same inbox,
  queue, task page and task API as inspection's;
- the open-dispute checker (inspection triage may redirect a complaint to an open dispute) and the public tracking
  lookup register with casework.services.tracks."""
from django.db.models import Q
from django.urls import reverse

from casework.access import region_prefixes
from casework.services import tracks as core_tracks
from casework.workflow import TrackSpec, register_track

from .access import disputes_for
from .flows import ArbitrationFlow, MediationFlow
from .models import DisputeCase, RecusalRequest, TribunalMember
from .services.common import event
from .steps import ARBITRATION_STEPS, MEDIATION_STEPS

__all__ = ["MEDIATION", "ARBITRATION"]


def _queue_q_for(flow_class):
    def queue_q(user, nodes: list[str]) -> Q:
        q = Q(pk__in=[])
        prefixes = region_prefixes(user, "handle_cases")
        region_q = Q(pk__in=[])
        for p in prefixes:
            region_q |= Q(process__dispute__region__code__startswith=p)
        for path in nodes:
            node = getattr(flow_class, path.rsplit(".", 1)[1])
            node_q = Q(flow_task=path)
            if node.who == "presiding":
                seats = (TribunalMember.objects.filter(arbitrator=user, active=True,
                                                       role__in=[TribunalMember.Role.PRESIDING,
                                                                 TribunalMember.Role.SOLE])
                         .exclude(pk__in=RecusalRequest.objects.filter(decided_on__isnull=True)
                                  .values("member_id"))
                         .values("case_id"))
                q |= node_q & Q(process__dispute__pk__in=seats)
            elif node.who == "mediator":
                q |= node_q & ((Q(process__dispute__mediator__isnull=True) & region_q)
                               | Q(process__dispute__mediator=user))
            else:
                q |= node_q & region_q
        return q

    return queue_q


def _event(case, code, *, user, **detail):
    event(case, code, user=user, public=False, **detail)


def _case_url(case):
    return reverse("disputes:staff-case", args=[case.case_number])


_COMMON = dict(model=DisputeCase, accessor="dispute", visible=lambda user: disputes_for(user, "view"),
               event=_event, case_url=_case_url, summary_template="disputes/staff/_task_side.html",
               select_related=("process__dispute__region",))

MEDIATION = register_track(TrackSpec(key="mediation", flow_class=MediationFlow, steps=MEDIATION_STEPS,
                                     queue_q=_queue_q_for(MediationFlow), **_COMMON))
ARBITRATION = register_track(TrackSpec(key="arbitration", flow_class=ArbitrationFlow, steps=ARBITRATION_STEPS,
                                       queue_q=_queue_q_for(ArbitrationFlow), **_COMMON))


def _open_dispute(complaint) -> bool:
    from .services.applications import open_dispute_for

    return open_dispute_for(complaint)


def _track(number: str, code: str):
    from .services.applications import dispute_for_tracking

    return dispute_for_tracking(number, code)


def _tracking_page(request, case) -> str:
    from .views import remember_tracked

    remember_tracked(request, case)
    return reverse("disputes:track-result")


core_tracks.register_open_dispute_checker(_open_dispute)
core_tracks.register_tracker(_track)
core_tracks.register_tracking_page(DisputeCase, _tracking_page)
