"""The inspection track (spec §4.1) as a Viewflow flow. The flow decides the order of steps and who may take
each; what each step does legally lives in casework.services.inspection, reached through casework.workflow.

Row-level reach (region, assignment) is checked by ``StaffTask`` itself, because Viewflow's own permission model is
per model (stack.md gotchas 3-5): a Lhasa inspector can neither assign nor execute a Shigatse task."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from .access import Role, has_role, in_region
from .models import ComplaintState as S, ExtensionRequest, Complaint

__all__ = ["InspectionFlow", "CaseTask", "StaffTask", "task_view"]


def task_view(request, **kwargs):  # pragma: no cover - our own pages drive tasks (casework.views.staff)
    from django.shortcuts import redirect

    return redirect("staff-task", task_id=kwargs.get("task_pk"))


class CaseTask(flow.View):
    """The base of every human step of every track (inspection, disputes, criminal transfer): the roles that may
    take it, its title, and Viewflow's assign / execute / unassign checks built on the track's own row-level reach
    (stack.md gotchas 3-5: Viewflow's permissions are per model, ours per region and assignment).

    A track subclasses it with ``case_of(task)`` (the case row of the task's process), ``user_may_take(user, case)``
    (who may assign and execute it) and, optionally, ``may_release(user, case)`` (who besides the owner may put a
    taken task back in the queue)."""

    def __init__(self, *, roles, title):
        super().__init__(task_view)
        self.roles = list(roles)
        self.task_title = title
        self.lead_only = False

    @staticmethod
    def case_of(task):  # pragma: no cover - every track defines it
        raise NotImplementedError

    def user_may_take(self, user, case) -> bool:  # pragma: no cover - every track defines it
        raise NotImplementedError

    def may_release(self, user, case) -> bool:
        return False

    def has_task_role(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and has_role(user, *self.roles)

    def can_assign(self, user, task):
        if task.owner_id:
            return False
        return self.user_may_take(user, self.case_of(task))

    def can_execute(self, user, task):
        return (task.owner_id is not None and task.owner_id == getattr(user, "pk", None)
                and self.user_may_take(user, self.case_of(task)))

    def can_unassign(self, user, task):
        if task.owner_id is None or not getattr(user, "is_authenticated", False):
            return False
        return task.owner_id == user.pk or self.may_release(user, self.case_of(task))


class StaffTask(CaseTask):
    """A human step of the inspection track: who may take it (roles, in the case's handling region) and,
    optionally, who gets it (``lead_only``: the case's lead inspector, or a head of its region)."""

    def __init__(self, *, roles, title, lead_only=False):
        super().__init__(roles=roles, title=title)
        self.lead_only = lead_only
        if lead_only:
            self.Assign(lambda activation: activation.process.artifact.lead_inspector)

    @staticmethod
    def case_of(task) -> Complaint:
        return Complaint.objects.select_related("handling_region").get(process_id=task.process_id)

    complaint_of = case_of

    def user_may_take(self, user, complaint) -> bool:
        if not self.has_task_role(user):
            return False
        if self.lead_only and complaint.lead_inspector_id:
            return complaint.lead_inspector_id == user.pk or (
                has_role(user, Role.INSPECTION_HEAD) and in_region(user, complaint.handling_region_id))
        return in_region(user, complaint.handling_region_id)

    def may_release(self, user, complaint) -> bool:
        return has_role(user, Role.INSPECTION_HEAD) and in_region(user, complaint.handling_region_id)


def _state(activation):
    return Complaint.objects.values_list("state", flat=True).get(process_id=activation.process.pk)


def _extension_pending(activation):
    return ExtensionRequest.objects.filter(complaint__process_id=activation.process.pk, approved__isnull=True).exists()


class InspectionFlow(flow.Flow):
    process_title = _("Labour inspection complaint")
    process_description = _("A wage complaint or report, from receipt through inspection to closure.")
    lock_impl = lock.select_for_update_lock if settings.IS_POSTGRES else lock.no_lock

    start = flow.StartHandle(this.start_process).Next(this.triage)

    triage = StaffTask(roles=[Role.INSPECTOR, Role.INSPECTION_HEAD], title=_("Triage: accept or refuse")) \
        .Next(this.after_triage)
    after_triage = (
        flow.Switch()
        .Case(this.investigate, lambda a: _state(a) == S.INVESTIGATING)
        .Case(this.await_correction, lambda a: _state(a) == S.NEEDS_CORRECTION)
        .Case(this.triage, lambda a: _state(a) == S.RECEIVED)  # forwarded within the system: triage there
        .Default(this.end)
    )
    await_correction = flow.Handle().Next(this.triage)

    investigate = StaffTask(roles=[Role.INSPECTOR], title=_("Investigate and conclude"), lead_only=True) \
        .Next(this.after_investigation)
    after_investigation = (
        flow.Switch()
        .Case(this.approve_extension, _extension_pending)
        .Case(this.record_defence, lambda a: _state(a) == S.ORDER_ISSUED)
        .Default(this.close)
    )
    approve_extension = StaffTask(roles=[Role.INSPECTION_HEAD], title=_("Approve the 30-working-day extension")) \
        .Next(this.investigate)
    record_defence = StaffTask(roles=[Role.INSPECTOR], title=_("Record the employer's statement and defence"),
                               lead_only=True).Next(this.decide)
    decide = StaffTask(roles=[Role.INSPECTION_HEAD], title=_("Issue the decision")).Next(this.compliance)
    compliance = StaffTask(roles=[Role.INSPECTOR], title=_("Compliance: paid, or not paid by the deadline"),
                           lead_only=True).Next(this.close)
    close = StaffTask(roles=[Role.INSPECTOR, Role.INSPECTION_HEAD], title=_("Close the case"), lead_only=True) \
        .Next(this.end)
    end = flow.End()

    def start_process(self, activation):
        """Started by casework.services.intake.complaint_submit, which then links the complaint (the artifact)."""
        return activation.process
