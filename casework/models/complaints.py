"""The inspection track's records (spec §4, §12.4, §12.8)."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedTextField
from .base import AppendOnly, AuditedModel, TimelineEvent, TimeStamped
from .parties import Employer, Language, Person
from .reference import Region

__all__ = [
    "Complaint", "ComplaintState", "Representative", "ComplaintDraft", "Attachment", "InspectionRecord",
    "ExtensionRequest", "InspectionDocument", "StatementDefence", "CaseEvent", "CaseNumberSequence", "SystemAlert",
    "PiiAccess",
]


class ComplaintState(models.TextChoices):
    DRAFT = "DRAFT", _("draft")
    RECEIVED = "RECEIVED", _("received")
    NEEDS_CORRECTION = "NEEDS_CORRECTION", _("needs correction")
    ACCEPTED_FILED = "ACCEPTED_FILED", _("accepted and filed")
    REJECTED_LIMITATION = "REJECTED_LIMITATION", _("refused: limitation period")
    REDIRECTED_DISPUTE = "REDIRECTED_DISPUTE", _("redirected to mediation/arbitration")
    FORWARDED_JURISDICTION = "FORWARDED_JURISDICTION", _("forwarded to the competent department")
    INVESTIGATING = "INVESTIGATING", _("investigating")
    ORDER_ISSUED = "ORDER_ISSUED", _("order issued")
    DECISION_PENDING = "DECISION_PENDING", _("decision pending")
    DECIDED = "DECIDED", _("decided")
    COMPLIED = "COMPLIED", _("complied")
    NON_COMPLIANT = "NON_COMPLIANT", _("not complied")
    CLOSED_WITHDRAWN_CASE = "CLOSED_WITHDRAWN_CASE", _("case withdrawn")
    TRANSFERRED_OTHER_DEPT = "TRANSFERRED_OTHER_DEPT", _("transferred to another department")
    CLOSED = "CLOSED", _("closed")


class Complaint(AuditedModel, TimeStamped):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("complaint (identified)")
        REPORT = "report", _("report (may be anonymous)")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PHONE_12333 = "phone_12333", _("12333 hotline")
        LETTER = "letter", _("letter")
        WALK_IN = "walk_in", _("in person")
        NATIONAL_PLATFORM = "national_platform", _("national wage-arrears clue platform")
        OTHER_DEPT = "other_dept", _("transferred from another department")
        EX_OFFICIO = "ex_officio", _("opened by the inspectorate (routine inspection, campaign or safeguard finding)")

    class Sector(models.TextChoices):
        CONSTRUCTION = "construction", _("construction")
        OTHER = "other", _("other sector")

    class EmploymentStatus(models.TextChoices):
        EMPLOYED = "employed", _("still employed")
        LEFT = "left", _("left")

    class Outcome(models.TextChoices):
        PAID_IN_FULL = "paid_in_full", _("paid in full")
        PAID_IN_PART = "paid_in_part", _("paid in part")
        NOT_PAID = "not_paid", _("not paid; enforcement measures taken")
        NO_VIOLATION = "no_violation", _("no violation found")
        CASE_WITHDRAWN = "case_withdrawn", _("case withdrawn (minor, corrected)")
        TRANSFERRED = "transferred", _("transferred to another department")
        REFUSED = "refused", _("not accepted")

    case_number = models.CharField(_("case number"), max_length=24, unique=True)
    access_code_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    national_clue_id = models.CharField(_("national platform clue id"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=32, choices=ComplaintState.choices,
                             default=ComplaintState.RECEIVED, db_index=True)

    complainant = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="complaints", verbose_name=_("complainant"))
    confidential_informant = models.BooleanField(_("confidential informant"), default=False)
    is_collective = models.BooleanField(_("collective complaint"), default=False)
    preferred_language = models.CharField(_("preferred language"), max_length=8, choices=Language.choices,
                                          default=Language.ZH)

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="complaints",
                                 verbose_name=_("employer"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("workplace region"))
    handling_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="handled_complaints",
                                        verbose_name=_("handling region"))
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    project_name = models.CharField(_("project name"), max_length=200, blank=True)
    project = models.ForeignKey("casework.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="complaints", verbose_name=_("construction project"))
    project_location = models.CharField(_("project location"), max_length=255, blank=True)
    employment_status = models.CharField(_("employment status"), max_length=10, choices=EmploymentStatus.choices)
    employment_end_date = models.DateField(_("employment end date"), null=True, blank=True)
    violation_start = models.DateField(_("violation start"))
    violation_end = models.DateField(_("violation end"), null=True, blank=True)
    is_continuing = models.BooleanField(_("violation continuing"), default=False)
    workers_affected = models.PositiveIntegerField(_("workers affected"), default=1)
    facts = models.TextField(_("facts"))
    requests = models.TextField(_("requests"), blank=True)

    received_at = models.DateField(_("received on"), db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("registered by"))
    process = models.OneToOneField("viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="complaint", verbose_name=_("workflow process"))

    # triage
    triage_note = models.TextField(_("triage note"), blank=True)
    correction_request = models.TextField(_("what to correct"), blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=255, blank=True)
    filed_at = models.DateField(_("filed on"), null=True, blank=True)
    lead_inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="lead_cases", verbose_name=_("lead inspector"))

    # non-compliance consequences
    additional_compensation_rate = models.DecimalField(_("additional compensation rate"), max_digits=4,
                                                       decimal_places=2, null=True, blank=True)
    additional_compensation_amount = models.DecimalField(_("additional compensation"), max_digits=14,
                                                         decimal_places=2, null=True, blank=True)
    fine_amount = models.DecimalField(_("fine"), max_digits=14, decimal_places=2, null=True, blank=True)
    suspected_crime = models.BooleanField(_("suspected refusal to pay wages"), default=False)
    blacklist_candidate = models.BooleanField(_("blacklist candidate"), default=False)
    court_enforcement_requested = models.BooleanField(_("court enforcement requested"), default=False)

    # closure
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    amount_recovered = models.DecimalField(_("amount recovered"), max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    closed_at = models.DateField(_("closed on"), null=True, blank=True)

    # supervision (挂牌督办): set when a deadline of the case is breached, cleared when it is dealt with
    under_supervision = models.BooleanField(_("under supervision"), default=False, db_index=True)
    supervision_since = models.DateField(_("under supervision since"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["handling_region", "state"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(workers_affected__gte=1), name="complaint_workers_ge_1"),
            models.CheckConstraint(
                condition=models.Q(kind="report") | models.Q(complainant__isnull=False),
                name="complaint_identified_has_complainant"),
            models.CheckConstraint(
                condition=models.Q(violation_end__isnull=True) | models.Q(violation_end__gte=models.F("violation_start")),
                name="complaint_violation_dates_ordered"),
            models.CheckConstraint(
                condition=models.Q(additional_compensation_rate__isnull=True)
                | (models.Q(additional_compensation_rate__gte=0) & models.Q(additional_compensation_rate__lte=1)),
                name="complaint_comp_rate_0_1"),
        ]

    def __str__(self):
        return self.case_number


class Representative(AuditedModel):
    """One of up to N elected representatives of a collective complaint (N is a legal parameter)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="representatives")
    person = models.ForeignKey(Person, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [models.UniqueConstraint(fields=["complaint", "person"], name="rep_unique")]


class ComplaintDraft(TimeStamped):
    """A half-filled online complaint, resumable with its token. The form data (with personal data) is encrypted.
    Not audited: it is the worker's own scratch pad, deleted on submit or expiry."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data = EncryptedTextField(default="{}")
    step = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("complaint draft")
        verbose_name_plural = _("complaint drafts")


def evidence_path(instance, filename):
    return f"evidence/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(AuditedModel):
    class Audience(models.TextChoices):
        PARTIES = "parties", _("parties may see (正卷)")
        INTERNAL = "internal", _("staff only (副卷)")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="attachments")
    draft = models.ForeignKey(ComplaintDraft, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="attachments")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    mime = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PARTIES)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class InspectionRecord(AuditedModel):
    """Site visit or inquiry record; at least the configured number of inspectors (2: Reg. 16) took part."""

    class Kind(models.TextChoices):
        SITE_VISIT = "site_visit", _("site visit")
        INQUIRY = "inquiry", _("inquiry (询问笔录)")
        DOCUMENT_REVIEW = "document_review", _("document review")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="inspection_records")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255)
    summary = models.TextField(_("summary"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("inspectors"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")


class ExtensionRequest(AuditedModel):
    """The one investigation extension (Reg. 17). One row per complaint: a second is impossible by constraint."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="extension")
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    approved = models.BooleanField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.CheckConstraint(condition=~models.Q(decided_by=models.F("requested_by")),
                                   name="extension_four_eyes"),
        ]


class InspectionDocument(AuditedModel):
    class DocType(models.TextChoices):
        RECTIFICATION = "rectification", _("rectification order (限期整改指令书)")
        PAYMENT_ORDER = "payment_order", _("order to pay (责令支付)")
        HANDLING_DECISION = "handling_decision", _("administrative handling decision (行政处理决定书)")
        PENALTY_DECISION = "penalty_decision", _("administrative penalty decision (行政处罚决定书)")
        REFUSAL_NOTICE = "refusal_notice", _("notice of non-acceptance (不予受理通知书)")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocType.choices)
    doc_no = models.CharField(_("document number"), max_length=64, unique=True)
    issued_at = models.DateField(_("issued on"))
    served_at = models.DateField(_("served on"), null=True, blank=True)
    payment_deadline = models.DateField(_("payment deadline"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("text"))
    addressed_to_worker = models.BooleanField(default=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("inspection document")
        verbose_name_plural = _("inspection documents")


class StatementDefence(AuditedModel):
    """The employer's statement and defence (陈述申辩), required before any decision (Reg. 19)."""

    class Mode(models.TextChoices):
        WRITTEN = "written", _("written statement received")
        ORAL = "oral", _("oral statement recorded")
        WAIVED = "waived", _("employer declined / did not respond in time")

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="statement_defence")
    mode = models.CharField(_("how"), max_length=8, choices=Mode.choices)
    received_on = models.DateField(_("date"))
    content = models.TextField(_("content"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("statement and defence")
        verbose_name_plural = _("statements and defences")


class CaseEvent(TimelineEvent):
    """A complaint's timeline entry (written by services; append-only like history)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")


class CaseNumberSequence(models.Model):
    year = models.PositiveSmallIntegerField()
    prefix = models.CharField(max_length=4)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "prefix"], name="caseseq_unique")]


class SystemAlert(models.Model):
    """Something an administrator must act on, e.g. a deadline computed into a year whose calendar is missing."""

    code = models.CharField(max_length=48)
    key = models.CharField(max_length=128, unique=True)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class PiiAccess(AppendOnly):
    """Who saw unmasked personal data (or downloaded evidence) of which case, when (spec §12: every read of
    decrypted personal data is logged). Append-only like history."""

    class What(models.TextChoices):
        CASE_PAGE = "case_page", _("case page with full personal data")
        CASE_API = "case_api", _("case detail through the API with full personal data")
        EVIDENCE = "evidence", _("evidence file downloaded")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pii_accesses")
    what = models.CharField(max_length=16, choices=What.choices)
    detail = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    request_id = models.CharField(max_length=36, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
