"""The mediation track (spec §5) and the arbitration track (spec §6.1) as Viewflow flows. The flows decide the
order of the main steps and who may take each; what a step does legally lives in disputes.services.*, reached
through disputes.steps and casework.workflow. Acts that may happen at any time (service of documents, recusal,
suspension, extension, postponement, withdrawal, advance execution...) are case actions, not flow nodes.

Row-level reach is checked by ``DisputeTask`` itself (stack.md gotchas 3-5): a Lhasa clerk can neither assign nor
execute a Shigatse task, and only the sitting presiding or sole arbitrator may record the award."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from casework.access import has_role, in_region
from casework.flows import CaseTask

from .models import DisputeCase, DisputeState as S, TribunalMember

__all__ = ["MediationFlow", "ArbitrationFlow", "DisputeTask", "flow_for", "process_cancel"]


class DisputeTask(CaseTask):
    """A human step of a disputes flow. ``who`` says who may take it besides the role:
    "region" (staff of the case's region), "mediator" (the case's mediator, else the region's mediators),
    "presiding" (the sitting presiding or sole arbitrator). A chair of the region may release a taken step."""

    def __init__(self, *, roles, title, who="region"):
        super().__init__(roles=roles, title=title)
        self.who = who

    @staticmethod
    def case_of(task) -> DisputeCase:
        return DisputeCase.objects.select_related("region").get(process_id=task.process_id)

    def user_may_take(self, user, case: DisputeCase) -> bool:
        if not self.has_task_role(user):
            return False
        if self.who == "presiding":
            return TribunalMember.objects.filter(case=case, arbitrator=user, active=True,
                                                 role__in=[TribunalMember.Role.PRESIDING,
                                                           TribunalMember.Role.SOLE]).exists()
        if self.who == "mediator" and case.mediator_id:
            return case.mediator_id == user.pk
        return in_region(user, case.region_id)

    def may_release(self, user, case: DisputeCase) -> bool:
        return has_role(user, "arbitration_chair") and in_region(user, case.region_id)


def _state(activation):
    return DisputeCase.objects.values_list("state", flat=True).get(process_id=activation.process.pk)


def _has_joint_review(activation):
    return DisputeCase.objects.filter(process_id=activation.process.pk, joint_review__isnull=False,
                                      state=S.MED_JOINT_REVIEW).exists()


_LOCK = lock.select_for_update_lock if settings.IS_POSTGRES else lock.no_lock


class MediationFlow(flow.Flow):
    process_title = _("Labour-dispute mediation")
    process_description = _("A mediation application, from receipt to agreement, performance or failure.")
    lock_impl = _LOCK

    start = flow.StartHandle(this.start_process).Next(this.accept)

    accept = DisputeTask(roles=["mediator"], title=_("Accept or refuse the mediation application")) \
        .Next(this.after_accept)
    after_accept = (
        flow.Switch()
        .Case(this.mediate, lambda a: _state(a) == S.MED_IN_MEDIATION)
        .Default(this.end)
    )
    mediate = DisputeTask(roles=["mediator"], title=_("Mediate: record the agreement, or that mediation failed"),
                          who="mediator").Next(this.after_mediate)
    after_mediate = (
        flow.Switch()
        .Case(this.performance, lambda a: _state(a) == S.MED_AGREEMENT)
        .Default(this.end)
    )
    performance = DisputeTask(roles=["mediator"], title=_("Follow the agreement: performed, not performed, or "
                                                          "joint arbitral review"), who="mediator") \
        .Next(this.after_performance)
    after_performance = (
        flow.Switch()
        .Case(this.review, _has_joint_review)
        .Default(this.end)
    )
    review = DisputeTask(roles=["arbitration_clerk", "arbitration_chair"],
                         title=_("Joint arbitral review of the mediation agreement")).Next(this.after_review)
    after_review = (
        flow.Switch()
        .Case(this.performance, lambda a: _state(a) == S.MED_AGREEMENT)  # review refused: the agreement stands
        .Default(this.end)
    )
    end = flow.End()

    def start_process(self, activation):
        return activation.process


class ArbitrationFlow(flow.Flow):
    process_title = _("Labour-dispute arbitration")
    process_description = _("An arbitration application, from receipt to the award and what follows it.")
    lock_impl = _LOCK

    start = flow.StartHandle(this.start_process).Next(this.review)

    review = DisputeTask(roles=["arbitration_clerk"],
                         title=_("Review the application: accept, ask for materials, refuse or explain "
                                 "jurisdiction")).Next(this.after_review)
    after_review = (
        flow.Switch()
        .Case(this.form_tribunal, lambda a: _state(a) == S.ARB_ACCEPTED)
        .Case(this.await_supplement, lambda a: _state(a) == S.ARB_NEEDS_SUPPLEMENT)
        .Default(this.end)
    )
    await_supplement = flow.Handle().Next(this.review)

    form_tribunal = DisputeTask(roles=["arbitration_chair"], title=_("Form the tribunal")) \
        .Next(this.schedule_hearing)
    schedule_hearing = DisputeTask(roles=["arbitration_clerk"], title=_("Schedule the hearing and send the notice")) \
        .Next(this.hold_hearing)
    hold_hearing = DisputeTask(roles=["arbitration_clerk"], title=_("Record the hearing and its outcome")) \
        .Next(this.after_hearing)
    after_hearing = (
        flow.Switch()
        .Case(this.award, lambda a: _state(a) == S.ARB_HEARD)
        .Case(this.schedule_hearing, lambda a: _state(a) == S.ARB_ACCEPTED)
        .Default(this.end)
    )
    award = DisputeTask(roles=["arbitrator"], title=_("Record the award"), who="presiding").Next(this.after_award)
    after_award = (
        flow.Switch()
        .Case(this.post_award, lambda a: _state(a) == S.ARB_AWARDED)
        .Default(this.end)
    )
    post_award = DisputeTask(roles=["arbitration_clerk"],
                             title=_("After the award: service, court actions, effect and closure")) \
        .Next(this.end)
    end = flow.End()

    def start_process(self, activation):
        return activation.process


def flow_for(case: DisputeCase):
    return MediationFlow if case.track == "mediation" else ArbitrationFlow


def process_cancel(case: DisputeCase) -> None:
    """End the case's workflow early (withdrawal, deemed withdrawal, settlement outside a step, court accepted):
    its open tasks are cancelled, so they leave every inbox and queue."""
    if case.process_id is None:
        return
    from viewflow.workflow.models import Process

    process = Process.objects.get(pk=case.process_id)
    if process.status in ("DONE", "CANCELED"):
        return
    flow_for(case).instance.cancel(process)
