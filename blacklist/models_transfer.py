"""Criminal transfer for refusal to pay wages (spec §7, Track D; 刑法 art. 276-1, 法释〔2013〕3号, 国务院令第310号).

One ``CriminalTransfer`` per attempt to hand a flagged complaint to the police: the thresholds it met (the
effective-dated ``arrears.CriminalThreshold`` row and the limb, with the case's amounts), how the order to pay
reached the employer (served, or posted at the premises of an employer who fled, with a photo or video), the task
team's report (≥ 2 officers, ``TransferOfficer`` rows), the head's decision, the 移送书 with its materials, the
police's receipt and filing decision, a reconsideration, and the outcome of the criminal proceedings.

The lifecycle is an explicit transition table (like ``ListingDecision``): ``CriminalTransfer.set_state`` refuses
anything the table does not allow. The order of the steps and who takes each is the Viewflow flow
``blacklist.flows.TransferFlow``; the rules are in ``blacklist.services_transfer``. Every model is audited
(django-simple-history)."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.errors import DomainError
from casework.models import AuditedModel, Attachment, Complaint, Employer, InspectionDocument, Region, TimeStamped

__all__ = ["TransferState", "TRANSFER_TRANSITIONS", "TRANSFER_LIVE_STATES", "TRANSFER_SENT_STATES",
           "CriminalTransfer", "TransferOfficer"]


class TransferState(models.TextChoices):
    # spec §7.2: SUSPECTED is the complaint's flag (Complaint.suspected_crime); opening a transfer forms the task team
    TASK_TEAM = "TASK_TEAM", _("task team: transfer report in preparation")
    HEAD_DECISION = "HEAD_DECISION", _("report submitted: head's decision pending")
    REFUSED = "REFUSED", _("transfer not approved by the head")
    APPROVED = "APPROVED", _("approved: to be transferred within 24 hours")
    TRANSFERRED = "TRANSFERRED", _("transferred to the police")
    POLICE_DECISION = "POLICE_DECISION", _("received by the police: filing decision pending")
    FILED = "FILED", _("filed by the police: criminal proceedings")
    NOT_FILED = "NOT_FILED", _("not filed by the police")
    RECONSIDERATION = "RECONSIDERATION", _("reconsideration requested")
    CLOSED_NOT_FILED = "CLOSED_NOT_FILED", _("closed: not filed")
    CONCLUDED = "CONCLUDED", _("criminal proceedings ended: outcome recorded")


T = TransferState

# status -> the statuses it may move to (spec §7.2). REFUSED, CLOSED_NOT_FILED and CONCLUDED are final.
TRANSFER_TRANSITIONS: dict[str, set[str]] = {
    T.TASK_TEAM: {T.HEAD_DECISION},
    T.HEAD_DECISION: {T.APPROVED, T.REFUSED},
    T.APPROVED: {T.TRANSFERRED},
    T.TRANSFERRED: {T.POLICE_DECISION},
    T.POLICE_DECISION: {T.FILED, T.NOT_FILED},
    T.NOT_FILED: {T.RECONSIDERATION, T.CLOSED_NOT_FILED},
    T.RECONSIDERATION: {T.FILED, T.CLOSED_NOT_FILED},
    T.FILED: {T.CONCLUDED},
    T.REFUSED: set(),
    T.CLOSED_NOT_FILED: set(),
    T.CONCLUDED: set(),
}
TRANSFER_LIVE_STATES = [T.TASK_TEAM, T.HEAD_DECISION, T.APPROVED, T.TRANSFERRED, T.POLICE_DECISION, T.FILED,
                        T.NOT_FILED, T.RECONSIDERATION]
# what the police see: everything from the moment the transfer was sent to them
TRANSFER_SENT_STATES = [T.TRANSFERRED, T.POLICE_DECISION, T.FILED, T.NOT_FILED, T.RECONSIDERATION,
                        T.CLOSED_NOT_FILED, T.CONCLUDED]


class CriminalTransfer(AuditedModel, TimeStamped):
    class Limb(models.TextChoices):  # the values of arrears.calculators.criminal_threshold_met
        PER_WORKER = "per_worker", _("one worker, at least the months required, at or above the per-worker figure")
        CUMULATIVE = "cumulative", _("at least the number of workers required, at or above the cumulative figure")

    class OrderService(models.TextChoices):
        SERVED = "served", _("served on the employer")
        POSTED = "posted", _("posted at the residence or premises of an employer who fled (photo or video)")

    class Conduct(models.TextChoices):
        EVASION = "evasion", _("evaded payment by hiding or transferring property, absconding or similar means")
        ABLE_NOT_PAYING = "able_not_paying", _("able to pay but did not pay")

    class Evasion(models.TextChoices):  # 法释〔2013〕3号 art. 2; 人社部发〔2014〕100号
        HIDE_PROPERTY = "hide_property", _("hid, transferred or sold off property, or withdrew funds")
        ABSCOND = "abscond", _("absconded, or went into hiding, or ignored a confirmed summons")
        SHAM_CLOSURE = "sham_closure", _("sham bankruptcy or closure, or false liquidation")
        RECORDS = "records", _("hid, destroyed or falsified payroll, roster or attendance records")
        OTHER = "other", _("other means of evading payment")

    class Consequence(models.TextChoices):  # 法释〔2013〕3号 art. 5
        LIVELIHOOD = "livelihood", _("the basic living of workers or their dependants was seriously affected")
        ILLNESS_SCHOOL = "illness_school", _("serious illness went untreated or children dropped out of school")
        VIOLENCE = "violence", _("violence or threats against workers asking for their pay")
        OTHER = "other", _("other serious consequences")

    class PoliceDecision(models.TextChoices):
        FILED = "filed", _("filed (立案)")
        NOT_FILED = "not_filed", _("not filed (不予立案)")

    class ReconsiderationResult(models.TextChoices):
        FILED = "filed", _("filed on reconsideration")
        UPHELD = "upheld", _("non-filing upheld")

    class Outcome(models.TextChoices):
        CONVICTED = "convicted", _("convicted (refusal to pay wages)")
        ACQUITTED = "acquitted", _("acquitted")
        NOT_PROSECUTED = "not_prosecuted", _("not prosecuted")
        DROPPED = "dropped", _("case dropped by the police")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="criminal_transfers",
                                  verbose_name=_("complaint"))
    case_number = models.CharField(_("case number"), max_length=24, db_index=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="criminal_transfers",
                                 verbose_name=_("employer"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("transferring region"))
    state = models.CharField(_("state"), max_length=16, choices=TransferState.choices, default=T.TASK_TEAM,
                             db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    process = models.OneToOneField("viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="criminal_transfer", verbose_name=_("workflow process"))

    # the threshold test (法释〔2013〕3号 art. 3) on the province's effective-dated figures
    threshold = models.ForeignKey("arrears.CriminalThreshold", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("criminal threshold used"))
    threshold_on = models.DateField(_("threshold in force on"))
    threshold_placeholder = models.BooleanField(_("threshold is a placeholder"), default=False)
    limb = models.CharField(_("limb met"), max_length=12, choices=Limb.choices)
    remuneration_outstanding = models.DecimalField(_("labour remuneration outstanding"), max_digits=14,
                                                   decimal_places=2)
    workers_owed = models.PositiveIntegerField(_("workers owed remuneration"))
    worker_amount = models.DecimalField(_("largest amount owed to one worker"), max_digits=14, decimal_places=2)
    worker_months = models.PositiveSmallIntegerField(_("months owed to that worker"))

    # the order to pay and how it reached the employer (法释〔2013〕3号 art. 4)
    order_document = models.ForeignKey(InspectionDocument, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("order to pay"))
    order_doc_no = models.CharField(_("order number"), max_length=64)
    payment_deadline = models.DateField(_("payment deadline"))
    order_service = models.CharField(_("how the order reached the employer"), max_length=8,
                                     choices=OrderService.choices)
    order_served_on = models.DateField(_("order served on"), null=True, blank=True)
    posted_on = models.DateField(_("order posted on"), null=True, blank=True)
    posted_place = models.CharField(_("posted at"), max_length=255, blank=True)
    posted_evidence = models.ForeignKey(Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("photo or video of the posting"))

    # the task team's written report (国务院令第310号 art. 5)
    conduct = models.CharField(_("conduct"), max_length=16, choices=Conduct.choices, blank=True)
    evasion_kinds = models.JSONField(_("means of evasion"), default=list, blank=True)
    evasion_facts = models.TextField(_("facts of the evasion"), blank=True)
    consequence_kinds = models.JSONField(_("serious consequences"), default=list, blank=True)
    consequence_facts = models.TextField(_("facts of the serious consequences"), blank=True)
    report_text = models.TextField(_("investigation report"), blank=True)
    evidence_list = models.TextField(_("list of evidence and items"), blank=True)
    other_materials = models.TextField(_("other materials"), blank=True)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TransferOfficer", related_name="+",
                                      verbose_name=_("task team"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("report submitted by"))
    reported_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)

    # the head's decision (≤ 3 days from the report; a refusal's reasons are recorded)
    head_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("decided by"))
    head_decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    head_approved = models.BooleanField(_("transfer approved"), null=True, blank=True)
    head_reasons = models.TextField(_("reasons"), blank=True)
    head_decision_late = models.BooleanField(_("decided after the deadline"), default=False)

    # the transfer (≤ 24 hours after approval): the 移送书 and its materials
    transfer_doc_no = models.CharField(_("transfer letter number"), max_length=64, null=True, blank=True, unique=True)
    sent_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("transferred by"))
    police_agency = models.CharField(_("police agency"), max_length=200, blank=True)
    police_region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("police region"))
    materials = models.JSONField(_("materials transferred"), default=list, blank=True)
    transfer_letter = models.TextField(_("transfer letter (移送书)"), blank=True)
    procuratorate_copied = models.BooleanField(_("copy sent to the procuratorate"), default=False)
    transfer_late = models.BooleanField(_("transferred after the deadline"), default=False)

    # the police (≤ 3 days from receipt: file or not, with a written notice)
    police_received_on = models.DateField(_("received by the police on"), null=True, blank=True)
    police_receipt_no = models.CharField(_("receipt number"), max_length=64, blank=True)
    police_received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("receipt recorded by"))
    police_decision = models.CharField(_("police decision"), max_length=10, choices=PoliceDecision.choices,
                                       blank=True)
    police_notice_no = models.CharField(_("notice number"), max_length=64, blank=True)
    police_decided_on = models.DateField(_("police decided on"), null=True, blank=True)
    police_reasons = models.TextField(_("police reasons"), blank=True)
    police_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("decision recorded by"))
    police_decision_late = models.BooleanField(_("police decided after the deadline"), default=False)

    # not filed: reconsideration (≤ 3 days from the notice; the police answer within 3 days) [M]
    reconsideration_requested_on = models.DateField(_("reconsideration requested on"), null=True, blank=True)
    reconsideration_reasons = models.TextField(_("grounds for reconsideration"), blank=True)
    reconsideration_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+", verbose_name=_("non-filing handled by"))
    non_filing_note = models.TextField(_("why the non-filing is accepted"), blank=True)
    reconsideration_result = models.CharField(_("reconsideration result"), max_length=8,
                                              choices=ReconsiderationResult.choices, blank=True)
    reconsideration_notice_no = models.CharField(_("reconsideration notice number"), max_length=64, blank=True)
    reconsideration_decided_on = models.DateField(_("reconsideration decided on"), null=True, blank=True)
    reconsideration_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                                   blank=True, related_name="+",
                                                   verbose_name=_("reconsideration recorded by"))
    reconsideration_reasons_police = models.TextField(_("police reasons on reconsideration"), blank=True)
    reconsideration_late = models.BooleanField(_("reconsideration decided after the deadline"), default=False)

    # criminal proceedings and their outcome
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    judgment_no = models.CharField(_("judgment or decision number"), max_length=64, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("outcome recorded by"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("criminal transfer")
        verbose_name_plural = _("criminal transfers")
        constraints = [
            models.UniqueConstraint(fields=["complaint"], condition=Q(state__in=TRANSFER_LIVE_STATES),
                                    name="transfer_one_live_per_complaint"),
            # four eyes (spec §1): who submitted the report never decides it (officers: checked by the service)
            models.CheckConstraint(condition=Q(head_decided_by__isnull=True) | ~Q(head_decided_by=F("reported_by")),
                                   name="transfer_reporter_not_head"),
            models.CheckConstraint(condition=~Q(order_service="posted")
                                   | (Q(posted_evidence__isnull=False) & Q(posted_on__isnull=False)),
                                   name="transfer_posted_has_evidence"),
            models.CheckConstraint(condition=~Q(order_service="served") | Q(order_served_on__isnull=False),
                                   name="transfer_served_has_date"),
            models.CheckConstraint(condition=~Q(head_approved=False) | ~Q(head_reasons=""),
                                   name="transfer_refusal_has_reasons"),
            models.CheckConstraint(condition=~Q(state__in=TRANSFER_SENT_STATES)
                                   | (Q(sent_at__isnull=False) & Q(transfer_doc_no__isnull=False)
                                      & Q(police_region__isnull=False)),
                                   name="transfer_sent_has_letter"),
            models.CheckConstraint(condition=~Q(police_decision="not_filed") | ~Q(police_reasons=""),
                                   name="transfer_not_filed_has_reasons"),
        ]
        indexes = [models.Index(fields=["state", "region"]), models.Index(fields=["state", "police_region"])]

    def __str__(self):
        return self.transfer_doc_no or f"Transfer #{self.pk} ({self.case_number})"

    def set_state(self, new: str) -> None:
        """Move to ``new`` if the transition table allows it; the caller saves."""
        if new not in TRANSFER_TRANSITIONS.get(self.state, set()):
            raise DomainError({"__all__": [
                _("This transfer is now “%(state)s”; it cannot become “%(new)s”.")
                % {"state": self.get_state_display(), "new": TransferState(new).label}]})
        self.state = new

    @property
    def is_live(self) -> bool:
        return self.state in TRANSFER_LIVE_STATES

    def officer_ids(self) -> set[int]:
        return set(self.team.values_list("user_id", flat=True))

    def evasion_labels(self) -> list[str]:
        return [str(self.Evasion(k).label) for k in self.evasion_kinds if k in self.Evasion.values]

    def consequence_labels(self) -> list[str]:
        return [str(self.Consequence(k).label) for k in self.consequence_kinds if k in self.Consequence.values]


class TransferOfficer(AuditedModel):
    """One officer of the task team that wrote the transfer report (国务院令第310号 art. 5: at least 2)."""

    transfer = models.ForeignKey(CriminalTransfer, on_delete=models.CASCADE, related_name="team",
                                 verbose_name=_("criminal transfer"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("officer"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("task-team officer")
        verbose_name_plural = _("task-team officers")
        constraints = [models.UniqueConstraint(fields=["transfer", "user"], name="transfer_officer_unique")]

    def __str__(self):
        return f"{self.user} ({self.transfer_id})"
