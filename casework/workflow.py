"""Workflow tasks as one service for every interface and every track: what a user's inbox and queue hold, what a
task's completion accepts (described field by field for the API), and assign / complete with the flow lock, the
permission checks Viewflow leaves to us (stack.md gotcha 5) and a clear conflict answer when someone was faster.

Each track (inspection, mediation, arbitration) registers a ``TrackSpec``: its flow, the case model the flow's
process belongs to, the form and service of each human step, and who may see its cases and take its tasks. The
engine below knows nothing of any track's law."""
from dataclasses import dataclass, field
from typing import Callable

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .access import has_role
from .audit import acting
from .errors import Conflict, DomainError, NotAllowed

__all__ = ["TaskSpec", "TrackSpec", "register_track", "tracks", "track_of", "case_of_task", "step_spec",
           "inbox_for", "queue_for", "task_for_user", "task_assign", "task_unassign", "task_complete",
           "describe_fields", "task_form"]


@dataclass(frozen=True)
class TaskSpec:
    """One human step: the form its completion takes and the service call ``handler(case, user, cleaned_data)``."""

    form: type[forms.Form]
    handler: Callable


@dataclass(frozen=True)
class TrackSpec:
    key: str
    flow_class: type
    model: type                      # the case model; it has ``process`` (OneToOne) and ``case_number``
    accessor: str                    # reverse name of that OneToOne on viewflow's Process
    steps: dict                      # node name -> TaskSpec
    visible: Callable                # user -> queryset of cases the user may view
    queue_q: Callable                # (user, node paths the user's roles allow) -> Q on Task for the queue
    event: Callable                  # (case, code, *, user, **detail) -> timeline entry
    case_url: Callable               # case -> staff page URL
    summary_template: str            # side panel of the task page (context: case)
    after_complete: Callable | None = None
    select_related: tuple = field(default_factory=tuple)


_TRACKS: dict[str, TrackSpec] = {}


def register_track(spec: TrackSpec) -> TrackSpec:
    _TRACKS[spec.key] = spec
    return spec


def tracks() -> list[TrackSpec]:
    return list(_TRACKS.values())


def _flow_path(flow_class) -> str:
    return f"{flow_class.__module__.replace('.flows', '')}/flows.{flow_class.__name__}"


def track_of(task) -> TrackSpec:
    for spec in _TRACKS.values():
        if task.flow_task.flow_class is spec.flow_class:
            return spec
    raise NotAllowed({"__all__": [_("This step is not done by hand.")]})


def case_of_task(task):
    """The case (Complaint, DisputeCase...) a task belongs to."""
    return getattr(task.process, track_of(task).accessor)


def step_spec(task) -> TaskSpec | None:
    return track_of(task).steps.get(task.flow_task.name)


FIELD_TYPES = {forms.ChoiceField: "choice", forms.TypedChoiceField: "choice", forms.DateField: "date",
               forms.DecimalField: "decimal", forms.BooleanField: "boolean", forms.CharField: "string",
               forms.IntegerField: "integer", forms.DateTimeField: "datetime",
               forms.MultipleChoiceField: "multiple_choice", forms.ModelChoiceField: "choice",
               forms.TypedMultipleChoiceField: "multiple_choice"}


def describe_fields(form_class) -> list[dict]:
    """Each field of a form (a class, or an instance whose choices depend on the case) for API clients."""
    form = form_class() if isinstance(form_class, type) else form_class
    out = []
    for name, f in form.fields.items():
        kind = next((v for k, v in FIELD_TYPES.items() if type(f) is k), "string")
        d = {"name": name, "type": kind, "required": f.required, "label": str(f.label or name)}
        if hasattr(f, "choices"):
            d["choices"] = [{"value": str(v), "label": str(lbl)} for v, lbl in f.choices if v != ""]
        if f.help_text:
            d["help"] = str(f.help_text)
        out.append(d)
    return out


# --- selectors -----------------------------------------------------------------------------------------------------

def _human_tasks():
    related = ["process", "owner"]
    for spec in _TRACKS.values():
        related += [f"process__{spec.accessor}", *spec.select_related]
    return (Task.objects.filter(flow_task_type="HUMAN", process__flow_class__in=[t.flow_class for t in _TRACKS.values()])
            .select_related(*related))


def inbox_for(user):
    """Tasks assigned to ``user`` and not done, in every track."""
    return _human_tasks().filter(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED]).order_by("created")


def queue_for(user):
    """Unassigned tasks ``user`` may take: the nodes their roles allow, within each track's reach rule. Set-based:
    one query whatever the number of cases (no per-row permission checks)."""
    q = Q(pk__in=[])
    for spec in _TRACKS.values():
        nodes = [f"{_flow_path(spec.flow_class)}.{name}" for name in spec.steps
                 if has_role(user, *getattr(spec.flow_class, name).roles)]
        if nodes:
            q |= Q(flow_task__in=nodes) & spec.queue_q(user, nodes)
    return _human_tasks().filter(status=STATUS.NEW, owner__isnull=True).filter(q).order_by("created")


def task_for_user(user, task_id: int) -> Task:
    """A task the user may see: in their inbox, their queue, or on a case they may view. Otherwise 404-like."""
    task = _human_tasks().filter(pk=task_id).first()
    if task is None:
        raise NotAllowed({"__all__": [_("No such task, or it is not yours to see.")]})
    spec = track_of(task)
    if not spec.visible(user).filter(process_id=task.process_id).exists():
        raise NotAllowed({"__all__": [_("No such task, or it is not yours to see.")]})
    return task


def task_form(task, data=None):
    return step_spec(task).form(data)


# --- actions -------------------------------------------------------------------------------------------------------

class _RequestLike:
    def __init__(self, user):
        self.user = user


def _busy():
    return Conflict({"__all__": [_("Someone else is working on this case right now. Reload and try again.")]})


def task_assign(*, user, task_id: int) -> Task:
    try:
        return _task_assign(user=user, task_id=task_id)
    except FlowLockFailed:
        raise _busy()


def _task_assign(*, user, task_id: int) -> Task:
    task = task_for_user(user, task_id)
    spec = track_of(task)
    with acting(user), task.activation() as activation:
        task = activation.task
        if task.status != STATUS.NEW or task.owner_id:
            if task.owner_id == user.pk:
                return task
            raise Conflict({"__all__": [_("Someone else has already taken this task.")]})
        if not task.flow_task.can_assign(user, task):
            raise NotAllowed({"__all__": [_("You may not take this task.")]})
        activation.assign(user)
        spec.event(spec.model.objects.get(process_id=task.process_id), "task_assigned", user=user,
                   step=task.flow_task.name)
    return task


def task_unassign(*, user, task_id: int) -> Task:
    task = task_for_user(user, task_id)
    with acting(user), task.activation() as activation:
        task = activation.task
        if task.status != STATUS.ASSIGNED or not task.flow_task.can_unassign(user, task):
            raise Conflict({"__all__": [_("This task cannot be released now.")]})
        activation.unassign()
    return task


def task_complete(*, user, task_id: int, data: dict):
    """Validate ``data`` with the step's form, run the step's service, move the flow on. One transaction.
    Returns the case, reloaded."""
    try:
        return _task_complete(user=user, task_id=task_id, data=data)
    except FlowLockFailed:
        raise _busy()


def _task_complete(*, user, task_id: int, data: dict):
    task = task_for_user(user, task_id)
    spec = track_of(task)
    name = task.flow_task.name
    if name not in spec.steps:
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
        form = spec.steps[name].form(data)
        if not form.is_valid():
            raise DomainError({k: [str(m) for m in v] for k, v in form.errors.items()})
        case = spec.model.objects.select_for_update().get(process_id=task.process_id)
        spec.steps[name].handler(case, user, form.cleaned_data)
        if task.status == STATUS.ASSIGNED:
            activation.start(_RequestLike(user))
        activation.execute()
        spec.event(case, "task_done", user=user, step=name)
        if spec.after_complete:
            spec.after_complete(case, user)
    return spec.model.objects.get(pk=case.pk)
