"""How the criminal-transfer track plugs into the core (imported by blacklist.apps.ready):
- its flow registers with the generic task engine (casework.workflow), so every step is in the staff inbox and
  queue, on the task page and on the task API (/api/v1/tasks/), like inspection's and the disputes';
- its rule rows are loaded again after a database flush.
Its beat job (alerts on late transfer deadlines) is blacklist.tasks.transfer_deadline_alerts."""
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.urls import reverse

from casework.access import region_prefixes
from casework.workflow import TaskSpec, TrackSpec, register_track

from . import services_transfer as svc
from .flows import TransferFlow
from .forms_transfer import (HeadDecisionForm, OutcomeForm, PoliceDecisionForm, PoliceReceiveForm,
                             PoliceReconsiderationForm, ReconsiderationForm, ReportForm, TransferSendForm)
from .models_transfer import CriminalTransfer, TransferOfficer
from .reference_data_transfer import reload_after_flush
from .selectors_transfer import transfers_for

__all__ = ["STEPS", "TRANSFER"]


def _h_report(t, u, d):
    officers = list(get_user_model().objects.filter(username__in=d["officers"]))
    svc.report_submit(transfer=t, user=u, officers=officers, report_text=d["report_text"],
                      evidence_list=d["evidence_list"], conduct=d["conduct"],
                      evasion_kinds=d.get("evasion_kinds") or [],
                      evasion_facts=d.get("evasion_facts", ""), consequence_kinds=d.get("consequence_kinds") or [],
                      consequence_facts=d.get("consequence_facts", ""), other_materials=d.get("other_materials", ""))


STEPS: dict[str, TaskSpec] = {
    "report": TaskSpec(ReportForm, _h_report),
    "head_decision": TaskSpec(HeadDecisionForm, lambda t, u, d: svc.head_decide(transfer=t, user=u, **d)),
    "transfer": TaskSpec(TransferSendForm, lambda t, u, d: svc.transfer_send(transfer=t, user=u, **d)),
    "police_receive": TaskSpec(PoliceReceiveForm, lambda t, u, d: svc.police_receive(transfer=t, user=u, **d)),
    "police_decision": TaskSpec(PoliceDecisionForm, lambda t, u, d: svc.police_decide(transfer=t, user=u, **d)),
    "reconsideration": TaskSpec(ReconsiderationForm,
                                lambda t, u, d: svc.reconsideration_request(transfer=t, user=u, **d)),
    "police_reconsideration": TaskSpec(PoliceReconsiderationForm,
                                       lambda t, u, d: svc.police_reconsider(transfer=t, user=u, **d)),
    "outcome": TaskSpec(OutcomeForm, lambda t, u, d: svc.outcome_record(transfer=t, user=u, **d)),
}


def _prefix_q(prefixes, field) -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"process__criminal_transfer__{field}__startswith": p})
    return q


def _queue_q(user, nodes: list[str]) -> Q:
    """Unassigned transfer tasks ``user`` may take: staff steps in their regions (the head's decision not on a report
    they are an officer of or submitted), police steps on transfers sent to the police of their regions."""
    prefixes = region_prefixes(user, "handle_cases")
    staff_q, police_q = _prefix_q(prefixes, "region__code"), _prefix_q(prefixes, "police_region__code")
    q = Q(pk__in=[])
    for path in nodes:
        node = getattr(TransferFlow, path.rsplit(".", 1)[1])
        node_q = Q(flow_task=path)
        if node.who == "police":
            q |= node_q & police_q
        elif node.who == "head":
            mine = TransferOfficer.objects.filter(user=user).values("transfer_id")
            q |= (node_q & staff_q & ~Q(process__criminal_transfer__reported_by=user)
                  & ~Q(process__criminal_transfer__pk__in=mine))
        else:
            q |= node_q & staff_q
    return q


def _event(case, code, *, user, **detail):
    """Nothing to add: the transfer's history (with the acting user) and the workflow tasks are its timeline."""


TRANSFER = register_track(TrackSpec(
    key="criminal_transfer", flow_class=TransferFlow, model=CriminalTransfer, accessor="criminal_transfer",
    steps=STEPS, visible=transfers_for, queue_q=_queue_q, event=_event,
    case_url=lambda t: reverse("transfer-staff-detail", args=[t.pk]),
    summary_template="blacklist/transfer/_task_side.html",
    select_related=("process__criminal_transfer__employer", "process__criminal_transfer__region"),
))

post_migrate.connect(reload_after_flush, sender=django_apps.get_app_config("blacklist"),
                     dispatch_uid="blacklist-reload-transfer-rules")
