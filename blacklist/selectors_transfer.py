"""Reads for the criminal-transfer track: who may see which transfers (one set-based queryset, like
casework.access.complaints_for), and a transfer's timeline (history with the acting users, workflow tasks)."""
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from viewflow.workflow.models import Task

from casework.access import Role, has_role, region_prefixes
from casework.models import Deadline
from casework.selectors import _diffs, _labeller

from .models_transfer import TRANSFER_SENT_STATES, CriminalTransfer, TransferOfficer

__all__ = ["transfers_for", "transfer_list_for_user", "transfer_timeline", "sees_complaint"]

POLICE = "police_liaison"
LIVE = [Deadline.Status.OPEN, Deadline.Status.EXTENDED, Deadline.Status.BREACHED]


def _prefix_q(prefixes, field) -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field}__startswith": p})
    return q


def transfers_for(user):
    """The transfers ``user`` may see: inspection staff and auditors of the case's region (handle or view grants);
    a police liaison only the transfers sent to the police of a region in their reach, from the moment they were
    sent. Nobody else (credit officers see the effect on their listings, not the file)."""
    qs = CriminalTransfer.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    q = Q(pk__in=[])
    handle = region_prefixes(user, "handle_cases")
    if has_role(user, Role.INSPECTOR, Role.INSPECTION_HEAD, Role.AUDITOR):
        q |= _prefix_q(handle + region_prefixes(user, "view_cases"), "region__code")
    if has_role(user, POLICE):
        q |= Q(state__in=TRANSFER_SENT_STATES) & _prefix_q(handle, "police_region__code")
    return qs.filter(q)


def sees_complaint(user) -> bool:
    """Whether the viewer is case staff (links to the complaint page and evidence make sense); the police are not."""
    return has_role(user, *Role.STAFF_CASE_ROLES)


def transfer_list_for_user(user):
    """The transfers in reach with their next live deadline and an overdue flag: a constant number of queries."""
    today = timezone.localdate()
    deadlines = Deadline.objects.filter(content_type=ContentType.objects.get_for_model(CriminalTransfer),
                                        object_id=OuterRef("pk"), status__in=LIVE, met_at__isnull=True)
    return (transfers_for(user).select_related("employer", "region", "threshold")
            .annotate(next_due=Subquery(deadlines.annotate(due=Coalesce("extended_to", "due_date"))
                                        .order_by("due").values("due")[:1]),
                      is_overdue=Exists(deadlines.filter(Q(status=Deadline.Status.BREACHED)
                                                         | Q(status=Deadline.Status.OPEN, due_date__lt=today))))
            .order_by("-created_at", "-id"))


def transfer_timeline(transfer: CriminalTransfer) -> list[dict]:
    """Who did what and when on the transfer, old → new values, workflow tasks included; oldest first."""
    entries = []
    ct = ContentType.objects.get_for_model(CriminalTransfer)
    sources = [
        (_l("criminal transfer"), CriminalTransfer.history.filter(id=transfer.pk)),
        (_l("task-team officer"), TransferOfficer.history.filter(transfer_id=transfer.pk)),
        (_l("deadline"), Deadline.history.filter(content_type_id=ct.pk, object_id=transfer.pk)),
    ]
    for label, qs in sources:
        records = list(qs.select_related("history_user").order_by("history_date", "history_id"))
        label_of = _labeller(qs.model.instance_type) if records else None
        for rec, changes in _diffs(records):
            rows = []
            for f, o, n in changes:
                name, old = label_of(f, o)
                rows.append({"field": name, "old": old, "new": label_of(f, n)[1]})
            entries.append({
                "at": rec.history_date, "actor": rec.history_user.get_username() if rec.history_user else "",
                "kind": "change", "object": str(label), "object_id": rec.id,
                "action": {"+": _("created"), "~": _("changed"), "-": _("deleted")}[rec.history_type],
                "changes": rows, "request_id": rec.request_id})
    if transfer.process_id:
        for t in (Task.objects.filter(process_id=transfer.process_id, flow_task_type="HUMAN")
                  .select_related("owner").order_by("created")):
            title = str(getattr(t.flow_task, "task_title", "") or t.flow_task.name)
            entries.append({"at": t.created, "actor": "", "kind": "workflow", "object": title, "object_id": t.pk,
                            "action": _("task created"), "changes": [], "request_id": ""})
            if t.finished:
                entries.append({"at": t.finished, "actor": t.owner.get_username() if t.owner else "",
                                "kind": "workflow", "object": title, "object_id": t.pk,
                                "action": _("task completed"), "changes": [], "request_id": ""})
    entries.sort(key=lambda x: (x["at"], x["kind"] != "change"))
    return entries
