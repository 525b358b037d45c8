"""Workflow tasks as one service for every interface: what a user's inbox and queue hold, what a task's
completion accepts (described field by field for the API), and assign / complete with the flow lock, the
permission checks Viewflow leaves to us (stack.md gotcha 5) and a clear conflict answer when someone was faster."""
import datetime as dt
from dataclasses import dataclass
from typing import Callable

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .access import Role, has_role, region_prefixes
from .audit import acting
from .errors import Conflict, DomainError, NotAllowed
from .flows import InspectionFlow
from .models import Complaint, InspectionDocument, StatementDefence
from .services import inspection as svc

__all__ = ["TaskSpec", "SPECS", "inbox_for", "queue_for", "task_for_user", "task_assign", "task_unassign",
           "task_complete", "describe_fields", "task_form"]


class TriageForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Decision"), choices=[
        ("accept", _l("Accept and file the case")),
        ("needs_correction", _l("Ask the complainant to correct or add information")),
        ("refuse_limitation", _l("Refuse: the 2-year limitation has run out (written notice)")),
        ("redirect_dispute", _l("Redirect to mediation/arbitration (an open dispute exists)")),
        ("forward", _l("Forward to the competent region or department")),
    ])
    note = forms.CharField(label=_l("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    correction_request = forms.CharField(label=_l("What must be corrected"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))
    forward_region_code = forms.ChoiceField(label=_l("Forward to region (within this system)"), required=False,
                                            choices=())
    forwarded_to = forms.CharField(label=_l("Forward to department (outside this system)"), required=False,
                                   max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forward_region_code"].choices = region_choices()


def region_choices():
    from .models import Region

    return [("", "—")] + [(r.code, f"{r.name_zh} {r.code}") for r in
                          Region.objects.exclude(level=Region.Level.PROVINCE).order_by("code")]


class InvestigateForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Conclusion"), choices=[
        ("issue_order", _l("Issue an order to pay / rectify")),
        ("request_extension", _l("Request the 30-working-day extension (head approves)")),
        ("withdraw_case", _l("Withdraw the case (minor and corrected)")),
        ("transfer", _l("Transfer: not an inspection matter")),
        ("no_violation", _l("No violation found")),
    ])
    doc_type = forms.ChoiceField(label=_l("Order type"), required=False, choices=[
        ("payment_order", _l("order to pay (责令支付)")), ("rectification", _l("rectification order (限期整改指令书)"))])
    payment_deadline = forms.DateField(label=_l("Payment deadline"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_l("Order text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=_l("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    transfer_to = forms.CharField(label=_l("Transfer to"), required=False, max_length=255)


class ExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_l("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _l("Approve")), ("no", _l("Refuse"))])
    note = forms.CharField(label=_l("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DefenceForm(forms.Form):
    mode = forms.ChoiceField(label=_l("How"), choices=StatementDefence.Mode.choices)
    received_on = forms.DateField(label=_l("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(label=_l("What the employer stated"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    doc_type = forms.ChoiceField(label=_l("Decision type"), choices=[
        (InspectionDocument.DocType.HANDLING_DECISION, InspectionDocument.DocType.HANDLING_DECISION.label),
        (InspectionDocument.DocType.PENALTY_DECISION, InspectionDocument.DocType.PENALTY_DECISION.label)])
    text = forms.CharField(label=_l("Decision text"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_l("The reconsideration and lawsuit rights are added automatically."))
    payment_deadline = forms.DateField(label=_l("Payment deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class ComplianceForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Outcome"), choices=[
        ("complied", _l("Paid in full")), ("non_compliant", _l("Not paid by the deadline"))])
    compensation_rate = forms.DecimalField(label=_l("Additional compensation rate (0.50-1.00 of the unpaid amount)"),
                                           required=False, max_digits=4, decimal_places=2)
    fine_amount = forms.DecimalField(label=_l("Fine for refusing the order (yuan)"), required=False,
                                     max_digits=12, decimal_places=2)
    request_court_enforcement = forms.BooleanField(label=_l("Apply to the court for enforcement"), required=False)
    incident_limb = forms.BooleanField(label=_l("Caused a mass or extreme incident with serious impact"),
                                       required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_l("Outcome"), required=False,
                                choices=[("", _l("(derived from the case)"))] + list(Complaint.Outcome.choices))
    note = forms.CharField(label=_l("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@dataclass(frozen=True)
class TaskSpec:
    form: type[forms.Form]
    handler: Callable


def _h_triage(c, u, d):
    svc.complaint_triage(complaint=c, user=u, **d)


def _h_investigate(c, u, d):
    svc.investigation_conclude(complaint=c, user=u, decision=d["decision"], doc_type=d.get("doc_type") or
                               "payment_order", payment_deadline=d.get("payment_deadline"), text=d.get("text", ""),
                               reason=d.get("reason", ""), transfer_to=d.get("transfer_to", ""))


SPECS: dict[str, TaskSpec] = {
    "triage": TaskSpec(TriageForm, _h_triage),
    "investigate": TaskSpec(InvestigateForm, _h_investigate),
    "approve_extension": TaskSpec(ExtensionForm, lambda c, u, d: svc.extension_decide(complaint=c, user=u, **d)),
    "record_defence": TaskSpec(DefenceForm, lambda c, u, d: svc.defence_record(complaint=c, user=u, **d)),
    "decide": TaskSpec(DecisionForm, lambda c, u, d: svc.decision_issue(complaint=c, user=u, **d)),
    "compliance": TaskSpec(ComplianceForm, lambda c, u, d: svc.compliance_conclude(complaint=c, user=u, **d)),
    "close": TaskSpec(CloseForm, lambda c, u, d: svc.complaint_close(complaint=c, user=u, **d)),
}

FIELD_TYPES = {forms.ChoiceField: "choice", forms.TypedChoiceField: "choice", forms.DateField: "date",
               forms.DecimalField: "decimal", forms.BooleanField: "boolean", forms.CharField: "string",
               forms.IntegerField: "integer"}


def describe_fields(form_class) -> list[dict]:
    out = []
    for name, field in form_class().fields.items():
        kind = next((v for k, v in FIELD_TYPES.items() if type(field) is k), "string")
        d = {"name": name, "type": kind, "required": field.required, "label": str(field.label or name)}
        if hasattr(field, "choices"):
            d["choices"] = [{"value": v, "label": str(lbl)} for v, lbl in field.choices if v != ""]
        if field.help_text:
            d["help"] = str(field.help_text)
        out.append(d)
    return out


# --- selectors -----------------------------------------------------------------------------------------------------

def _human_tasks():
    return (Task.objects.filter(flow_task_type="HUMAN", process__flow_class=InspectionFlow)
            .select_related("process", "owner", "process__complaint", "process__complaint__handling_region",
                            "process__complaint__employer"))


def inbox_for(user):
    """Tasks assigned to ``user`` and not done."""
    return _human_tasks().filter(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED]).order_by("created")


def queue_for(user):
    """Unassigned tasks ``user`` may take: the nodes their roles allow, in their regions. Set-based: one query
    whatever the number of cases (no per-row permission checks)."""
    nodes = [f"casework/flows.InspectionFlow.{name}" for name in SPECS
             if has_role(user, *getattr(InspectionFlow, name).roles)]
    prefixes = region_prefixes(user, "handle_cases")
    if not nodes or not prefixes:
        return _human_tasks().none()
    region_q = Q(pk__in=[])
    for p in prefixes:
        region_q |= Q(process__complaint__handling_region__code__startswith=p)
    lead_nodes = [n for n in nodes if getattr(InspectionFlow, n.rsplit(".", 1)[1]).lead_only]
    # a lead-only step with a lead inspector belongs to that inspector (or the head), not to every colleague
    lead_q = Q(flow_task__in=lead_nodes) & Q(process__complaint__lead_inspector__isnull=False) \
        & ~Q(process__complaint__lead_inspector=user)
    if has_role(user, Role.INSPECTION_HEAD):
        lead_q = Q(pk__in=[])
    return (_human_tasks().filter(status=STATUS.NEW, owner__isnull=True, flow_task__in=nodes)
            .filter(region_q).exclude(lead_q).order_by("created"))


def task_for_user(user, task_id: int) -> Task:
    """A task the user may see: in their inbox, their queue, or on a case they may view. Otherwise 404-like."""
    from .access import complaints_for

    task = _human_tasks().filter(pk=task_id).first()
    if task is None or not complaints_for(user, "view").filter(process_id=task.process_id).exists():
        raise NotAllowed({"__all__": [_("No such task, or it is not yours to see.")]})
    return task


def task_form(task, data=None):
    spec = SPECS[task.flow_task.name]
    return spec.form(data)


# --- actions -------------------------------------------------------------------------------------------------------

class _RequestLike:
    def __init__(self, user):
        self.user = user


def task_assign(*, user, task_id: int) -> Task:
    try:
        return _task_assign(user=user, task_id=task_id)
    except FlowLockFailed:
        raise Conflict({"__all__": [_("Someone else is working on this case right now. Reload and try again.")]})


def _task_assign(*, user, task_id: int) -> Task:
    task = task_for_user(user, task_id)
    with acting(user), task.activation() as activation:
        task = activation.task
        if task.status != STATUS.NEW or task.owner_id:
            if task.owner_id == user.pk:
                return task
            raise Conflict({"__all__": [_("Someone else has already taken this task.")]})
        if not task.flow_task.can_assign(user, task):
            raise NotAllowed({"__all__": [_("You may not take this task.")]})
        activation.assign(user)
        svc.event(StaffTaskComplaint(task), "task_assigned", user=user, step=task.flow_task.name)
    return task


def task_unassign(*, user, task_id: int) -> Task:
    task = task_for_user(user, task_id)
    with acting(user), task.activation() as activation:
        task = activation.task
        if task.status != STATUS.ASSIGNED or not task.flow_task.can_unassign(user, task):
            raise Conflict({"__all__": [_("This task cannot be released now.")]})
        activation.unassign()
    return task


def StaffTaskComplaint(task) -> Complaint:
    return Complaint.objects.get(process_id=task.process_id)


def task_complete(*, user, task_id: int, data: dict) -> Complaint:
    """Validate ``data`` with the step's form, run the step's service, move the flow on. One transaction."""
    try:
        return _task_complete(user=user, task_id=task_id, data=data)
    except FlowLockFailed:
        raise Conflict({"__all__": [_("Someone else is working on this case right now. Reload and try again.")]})


def _task_complete(*, user, task_id: int, data: dict) -> Complaint:
    task = task_for_user(user, task_id)
    name = task.flow_task.name
    if name not in SPECS:
        raise NotAllowed({"__all__": [_("This step is not done by hand.")]})
    with acting(user), task.activation() as activation:
        task = activation.task  # refreshed under the flow lock
        if task.status in (STATUS.DONE, STATUS.CANCELED):
            raise Conflict({"__all__": [_("This task has already been completed by %(who)s.")
                                        % {"who": task.owner.get_username() if task.owner else _("someone")}]})
        if task.status == STATUS.NEW and task.owner_id is None:
            if not task.flow_task.can_assign(user, task):
                raise NotAllowed({"__all__": [_("You may not take this task.")]})
            activation.assign(user)
        if task.owner_id != user.pk:
            raise Conflict({"__all__": [_("This task is assigned to %(who)s.") % {"who": task.owner.get_username()}]})
        if not task.flow_task.can_execute(user, task):
            raise NotAllowed({"__all__": [_("You may not complete this task.")]})
        form = SPECS[name].form(data)
        if not form.is_valid():
            raise DomainError({k: [str(m) for m in v] for k, v in form.errors.items()})
        complaint = Complaint.objects.select_for_update().get(process_id=task.process_id)
        SPECS[name].handler(complaint, user, form.cleaned_data)
        if task.status == STATUS.ASSIGNED:
            activation.start(_RequestLike(user))
        activation.execute()
        svc.event(complaint, "task_done", user=user, step=name)
        from .services.notices import tasks_assigned_notify

        tasks_assigned_notify(complaint, actor=user)  # the lead inspector's next step, if someone else caused it
    return Complaint.objects.get(pk=complaint.pk)
