"""The criminal-transfer track (spec §7.2, Track D) as a Viewflow flow: report → head decision → transfer → police
receipt → police decision, then either the outcome of the criminal proceedings or, when the police do not file,
the reconsideration. The flow decides the order of the steps and who may take each; what a step does legally lives
in blacklist.services_transfer, reached through blacklist.registration_transfer and casework.workflow.

Row-level reach is checked by ``TransferTask`` itself (stack.md gotchas 3-5): inspection staff act in the case's
region; a police liaison only on transfers sent to the police of a region in their reach; the head's decision is
never offered to an officer of the report nor to the one who submitted it (four eyes)."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from casework.access import Role, has_role, in_region
from casework.flows import CaseTask

from .models_transfer import TRANSFER_SENT_STATES, CriminalTransfer, TransferState as T

__all__ = ["TransferFlow", "TransferTask"]

POLICE = "police_liaison"


class TransferTask(CaseTask):
    """A human step of the transfer flow. ``who``: "region" (staff of the transfer's region), "head" (a head of the
    region who is not an officer of the report nor its submitter), "police" (a police liaison of the police region
    the transfer was sent to). A head of the region may release a taken inspection-side step."""

    def __init__(self, *, roles, title, who="region"):
        super().__init__(roles=roles, title=title)
        self.who = who

    @staticmethod
    def case_of(task) -> CriminalTransfer:
        return CriminalTransfer.objects.get(process_id=task.process_id)

    def user_may_take(self, user, transfer: CriminalTransfer) -> bool:
        if not self.has_task_role(user):
            return False
        if self.who == "police":
            return (transfer.police_region_id is not None and transfer.state in TRANSFER_SENT_STATES
                    and in_region(user, transfer.police_region_id))
        if not in_region(user, transfer.region_id):
            return False
        if self.who == "head":
            return user.pk != transfer.reported_by_id and user.pk not in transfer.officer_ids()
        return True

    def may_release(self, user, transfer: CriminalTransfer) -> bool:
        return self.who != "police" and has_role(user, Role.INSPECTION_HEAD) and in_region(user, transfer.region_id)


def _state(activation):
    return CriminalTransfer.objects.values_list("state", flat=True).get(process_id=activation.process.pk)


_LOCK = lock.select_for_update_lock if settings.IS_POSTGRES else lock.no_lock
STAFF = [Role.INSPECTOR, Role.INSPECTION_HEAD]


class TransferFlow(flow.Flow):
    process_title = _("Criminal transfer: refusal to pay wages")
    process_description = _("A flagged case handed to the police: report, head's decision, transfer, filing "
                            "decision, reconsideration and outcome.")
    lock_impl = _LOCK

    start = flow.StartHandle(this.start_process).Next(this.report)

    report = TransferTask(roles=STAFF, title=_("Task team: write and submit the transfer report")) \
        .Next(this.head_decision)
    head_decision = TransferTask(roles=[Role.INSPECTION_HEAD], who="head",
                                 title=_("Head: approve or refuse the transfer (3 days)")).Next(this.after_head)
    after_head = (
        flow.Switch()
        .Case(this.transfer, lambda a: _state(a) == T.APPROVED)
        .Default(this.end)
    )
    transfer = TransferTask(roles=STAFF, title=_("Transfer to the police within 24 hours")) \
        .Next(this.police_receive)
    police_receive = TransferTask(roles=[POLICE], who="police", title=_("Police: acknowledge receipt")) \
        .Next(this.police_decision)
    police_decision = TransferTask(roles=[POLICE], who="police",
                                   title=_("Police: file the case or not (3 days)")).Next(this.after_police)
    after_police = (
        flow.Switch()
        .Case(this.outcome, lambda a: _state(a) == T.FILED)
        .Case(this.reconsideration, lambda a: _state(a) == T.NOT_FILED)
        .Default(this.end)
    )
    reconsideration = TransferTask(roles=[Role.INSPECTION_HEAD],
                                   title=_("Not filed: request reconsideration (3 days) or accept")) \
        .Next(this.after_reconsideration)
    after_reconsideration = (
        flow.Switch()
        .Case(this.police_reconsideration, lambda a: _state(a) == T.RECONSIDERATION)
        .Default(this.end)
    )
    police_reconsideration = TransferTask(roles=[POLICE], who="police",
                                          title=_("Police: decide on the reconsideration (3 days)")) \
        .Next(this.after_police_reconsideration)
    after_police_reconsideration = (
        flow.Switch()
        .Case(this.outcome, lambda a: _state(a) == T.FILED)
        .Default(this.end)
    )
    outcome = TransferTask(roles=STAFF, title=_("Record the outcome of the criminal proceedings")).Next(this.end)
    end = flow.End()

    def start_process(self, activation):
        """Started by blacklist.services_transfer.transfer_open, which then links the transfer (the artifact)."""
        return activation.process
