"""Mediation (spec §5) and arbitration (spec §6, §12.6-12.7) as records.

One ``DisputeCase`` row per application, whichever the track: both tracks share parties, claims (the arrears
line items inspection uses too), the timeline, served documents and public tracking. Track-specific acts live in
their own tables (agreement and instalments; tribunal, hearings, awards...). A failed mediation hands over to a new
arbitration case that points back at it (``source_case``); a complaint redirected from inspection is pointed at by
``source_complaint``.

There is deliberately no fee, payment or invoice field anywhere in the arbitration track: 劳动争议仲裁不收费
(LDMAL art. 53). ``disputes.services.common.refuse_fee_fields`` turns any attempt to send one into a clear error.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.models import (AuditedModel, Complaint, Employer, Language, Person, Region, TimelineEvent,
                             TimeStamped)

__all__ = [
    "Track", "DisputeState", "MediationBody", "ArbitrationCommission", "DisputeCase", "DisputeParty",
    "DisputeEvent", "DisputeSequence", "MediationSession", "MediationAgreement", "Instalment", "JointReview",
    "CaseDocument", "ServiceRecord", "TribunalMember", "RecusalRequest", "Suspension", "AwardExtension",
    "ClockRestart", "Hearing", "HearingCorrection", "HearingSignature", "AdvanceExecution", "AwardCategory",
    "Finality", "AwardDocument", "AwardItem", "CourtAction", "MediationDocument", "PartyAccess",
]


class Track(models.TextChoices):
    MEDIATION = "mediation", _("mediation")
    ARBITRATION = "arbitration", _("arbitration")


class DisputeState(models.TextChoices):
    # mediation (spec §5)
    MED_APPLIED = "MED_APPLIED", _("mediation applied for")
    MED_REFUSED = "MED_REFUSED", _("mediation refused")
    MED_IN_MEDIATION = "MED_IN_MEDIATION", _("in mediation")
    MED_AGREEMENT = "MED_AGREEMENT", _("mediation agreement signed")
    MED_FAILED = "MED_FAILED", _("mediation failed: arbitration may be applied for")
    MED_PERFORMED = "MED_PERFORMED", _("agreement performed")
    MED_NOT_PERFORMED = "MED_NOT_PERFORMED", _("agreement not performed")
    MED_JOINT_REVIEW = "MED_JOINT_REVIEW", _("agreement under joint arbitral review")
    # arbitration (spec §6.1)
    ARB_RECEIVED = "ARB_RECEIVED", _("application received")
    ARB_NEEDS_SUPPLEMENT = "ARB_NEEDS_SUPPLEMENT", _("materials to be supplemented")
    ARB_NOT_ACCEPTED = "ARB_NOT_ACCEPTED", _("not accepted")
    ARB_NO_JURISDICTION = "ARB_NO_JURISDICTION", _("no jurisdiction: another commission is competent")
    ARB_ACCEPTED = "ARB_ACCEPTED", _("accepted")
    ARB_HEARING_SCHEDULED = "ARB_HEARING_SCHEDULED", _("hearing scheduled")
    ARB_HEARD = "ARB_HEARD", _("heard: award pending")
    ARB_SUSPENDED = "ARB_SUSPENDED", _("suspended")
    ARB_SETTLED = "ARB_SETTLED", _("settled by a mediation document")
    ARB_WITHDRAWN = "ARB_WITHDRAWN", _("withdrawn")
    ARB_DEEMED_WITHDRAWN = "ARB_DEEMED_WITHDRAWN", _("deemed withdrawn")
    ARB_TERMINATED_COURT = "ARB_TERMINATED_COURT", _("terminated: the court accepted a suit")
    ARB_AWARDED = "ARB_AWARDED", _("award issued")
    CLOSED = "CLOSED", _("closed")


OPEN_STATES = [DisputeState.MED_APPLIED, DisputeState.MED_IN_MEDIATION, DisputeState.MED_AGREEMENT,
               DisputeState.MED_JOINT_REVIEW, DisputeState.ARB_RECEIVED, DisputeState.ARB_NEEDS_SUPPLEMENT,
               DisputeState.ARB_ACCEPTED, DisputeState.ARB_HEARING_SCHEDULED, DisputeState.ARB_HEARD,
               DisputeState.ARB_SUSPENDED]


class MediationBody(AuditedModel):
    """A labour-dispute mediation organisation (LDMAL art. 10)."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise labour-dispute mediation committee")
        GRASSROOTS = "grassroots", _("grassroots people's mediation organisation")
        TOWNSHIP = "township", _("township or street labour-dispute mediation organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("enterprise (enterprise committees)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("mediation body")
        verbose_name_plural = _("mediation bodies")

    def __str__(self):
        return self.name


class ArbitrationCommission(AuditedModel):
    """A labour-dispute arbitration commission (劳动人事争议仲裁委员会) and its docket prefix."""

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    docket_prefix = models.CharField(_("docket prefix"), max_length=32,
                                     help_text=_("e.g. 拉劳人仲案字: the award number reads 拉劳人仲案字〔2026〕12号"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    court_name = models.CharField(_("intermediate court of the place"), max_length=200, blank=True)
    basic_court_name = models.CharField(_("basic court of the place"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("arbitration commission")
        verbose_name_plural = _("arbitration commissions")

    def __str__(self):
        return self.name


class DisputeCase(AuditedModel, TimeStamped):
    class ApplicantSide(models.TextChoices):
        WORKER = "worker", _("worker")
        EMPLOYER = "employer", _("employer")

    class Procedure(models.TextChoices):
        ORDINARY = "ordinary", _("ordinary procedure")
        SIMPLE = "simple", _("simple procedure (简易处理)")
        COLLECTIVE = "collective", _("collective case")

    class Closure(models.TextChoices):
        AWARD = "award", _("award")
        MEDIATION_DOC = "mediation_doc", _("mediation document")
        WITHDRAWAL = "withdrawal", _("withdrawal")
        DEEMED_WITHDRAWAL = "deemed_withdrawal", _("deemed withdrawal")
        COURT_ACCEPTED = "court_accepted", _("terminated: court accepted a suit")
        NOT_ACCEPTED = "not_accepted", _("not accepted")
        NO_JURISDICTION = "no_jurisdiction", _("no jurisdiction")
        MED_PERFORMED = "med_performed", _("agreement performed")
        MED_FAILED = "med_failed", _("mediation failed")
        MED_REFUSED = "med_refused", _("mediation refused")
        MED_NOT_PERFORMED = "med_not_performed", _("agreement not performed")
        MED_REVIEWED = "med_reviewed", _("agreement confirmed by a mediation document")

    class EmploymentStatus(models.TextChoices):
        EMPLOYED = "employed", _("still employed")
        LEFT = "left", _("left")

    track = models.CharField(_("track"), max_length=12, choices=Track.choices, db_index=True)
    case_number = models.CharField(_("case number"), max_length=24, unique=True)
    docket_no = models.CharField(_("docket number"), max_length=64, blank=True, db_index=True)
    access_code_hash = models.CharField(max_length=64, editable=False)
    state = models.CharField(_("state"), max_length=24, choices=DisputeState.choices, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    body = models.ForeignKey(MediationBody, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                             verbose_name=_("mediation body"))
    commission = models.ForeignKey(ArbitrationCommission, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name=_("arbitration commission"))
    applicant_side = models.CharField(_("applicant"), max_length=8, choices=ApplicantSide.choices,
                                      default=ApplicantSide.WORKER)
    procedure = models.CharField(_("procedure"), max_length=12, choices=Procedure.choices,
                                 default=Procedure.ORDINARY)
    workers_count = models.PositiveIntegerField(_("workers"), default=1)
    priority = models.BooleanField(_("priority (collective case)"), default=False)
    preferred_language = models.CharField(_("preferred language"), max_length=8, choices=Language.choices,
                                          default=Language.ZH)
    channel = models.CharField(_("channel"), max_length=12, default="online")
    oral_application = models.BooleanField(_("oral application recorded on the spot"), default=False)
    source_complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="dispute_cases", verbose_name=_("redirected from complaint"))
    source_case = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="follow_ups", verbose_name=_("follows case"))

    # the application (Arbitration Rules art. 29)
    claims_text = models.TextField(_("claims (仲裁请求)"))
    facts_text = models.TextField(_("facts and reasons"))
    evidence_text = models.TextField(_("evidence and its sources"), blank=True)
    witnesses_text = models.TextField(_("witnesses (names and addresses)"), blank=True)
    employment_status = models.CharField(_("employment status"), max_length=10, choices=EmploymentStatus.choices,
                                         default=EmploymentStatus.LEFT)
    employment_start = models.DateField(_("employment start"), null=True, blank=True)
    employment_end = models.DateField(_("employment end"), null=True, blank=True)
    knew_on = models.DateField(_("knew of the infringement on"), null=True, blank=True)
    limitation_warning = models.TextField(_("limitation warning"), blank=True)
    hearing_private_requested = models.BooleanField(_("non-public hearing requested"), default=False)
    mediation_public_requested = models.BooleanField(_("both parties ask for public mediation"), default=False)

    received_at = models.DateField(_("received on"), db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("registered by"))
    process = models.OneToOneField("viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="dispute", verbose_name=_("workflow process"))

    # mediation
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="mediated_cases", verbose_name=_("mediator"))
    respondent_consented = models.BooleanField(_("respondent consents to mediation"), null=True, blank=True)
    mediation_failed_at = models.DateField(_("mediation failed on"), null=True, blank=True)

    # arbitration acceptance (spec §6.1)
    supplement_notice_at = models.DateField(_("supplement notice on"), null=True, blank=True)
    supplement_items = models.TextField(_("materials missing"), blank=True)
    complete_at = models.DateField(_("file complete on"), null=True, blank=True)
    accepted_at = models.DateField(_("accepted on"), null=True, blank=True)
    not_accepted_at = models.DateField(_("not accepted on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reasons"), blank=True)
    competent_commission = models.CharField(_("competent commission"), max_length=200, blank=True)
    decision_overdue = models.BooleanField(_("acceptance decision overdue: applicant may sue"), default=False)
    composition_notified_at = models.DateField(_("tribunal composition notified on"), null=True, blank=True)
    defence_received_at = models.DateField(_("defence received on"), null=True, blank=True)
    defence_text = models.TextField(_("defence"), blank=True)
    defence_copied_at = models.DateField(_("defence copied to the applicant on"), null=True, blank=True)
    clock_start = models.DateField(_("award period counted from"), null=True, blank=True)

    closure = models.CharField(_("closure"), max_length=20, choices=Closure.choices, blank=True)
    closure_reason = models.TextField(_("closure note"), blank=True)
    closed_at = models.DateField(_("closed on"), null=True, blank=True)
    retention_until = models.DateField(_("keep the file until"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("dispute case")
        verbose_name_plural = _("dispute cases")
        indexes = [models.Index(fields=["region", "state"]), models.Index(fields=["track", "state"])]
        constraints = [
            models.CheckConstraint(condition=Q(workers_count__gte=1), name="dispute_workers_ge_1"),
            models.CheckConstraint(condition=Q(track="mediation", body__isnull=False, commission__isnull=True)
                                   | Q(track="arbitration", commission__isnull=False, body__isnull=True),
                                   name="dispute_body_or_commission"),
            models.CheckConstraint(condition=Q(employment_end__isnull=True) | Q(employment_start__isnull=True)
                                   | Q(employment_end__gte=F("employment_start")),
                                   name="dispute_employment_dates_ordered"),
        ]

    def __str__(self):
        return self.case_number

    @property
    def is_arbitration(self) -> bool:
        return self.track == Track.ARBITRATION

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def respondent_label(self) -> str:
        """The respondent's name for staff lists (an employer's name; a worker respondent is not named in lists)."""
        party = next((p for p in self.parties.all() if p.side == "respondent"), None)
        if party is None:
            return ""
        return party.employer.name if party.employer_id else ""


class DisputeParty(AuditedModel):
    """A party: the applicant(s), respondent(s) (several for dispatch situations and unlicensed employers: LDMAL
    22; Rules 6-7) and third parties. A person or an employer, possibly with an agent acting under a power of
    attorney whose scope is recorded."""

    class Side(models.TextChoices):
        APPLICANT = "applicant", _("applicant")
        RESPONDENT = "respondent", _("respondent")
        THIRD = "third", _("third party")

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occupation = models.CharField(_("occupation"), max_length=64, blank=True)
    work_unit = models.CharField(_("work unit"), max_length=200, blank=True)
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("agent"))
    agent_scope = models.CharField(_("scope of the power of attorney"), max_length=255, blank=True)
    poa_attachment = models.ForeignKey("casework.Attachment", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("power of attorney"))
    added_at = models.DateField(_("added on"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "side", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False, employer__isnull=True)
                                   | Q(person__isnull=True, employer__isnull=False), name="party_person_xor_employer"),
        ]

    def __str__(self):
        return f"{self.get_side_display()} #{self.pk}"


class PartyAccess(AuditedModel):
    """A user account that acts for a party on line: the worker themself, a representative (``worker_rep``, with
    a power of attorney) or an employer's clerk (``employer_user``). Gives access to that case's main file only."""

    party = models.ForeignKey(DisputeParty, on_delete=models.CASCADE, related_name="accounts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dispute_access")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("party account")
        verbose_name_plural = _("party accounts")
        constraints = [models.UniqueConstraint(fields=["party", "user"], name="party_access_unique")]


class DisputeEvent(TimelineEvent):
    """A dispute's timeline entry in plain words (append-only), like casework.CaseEvent."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="events")


class DisputeSequence(models.Model):
    """Serial numbers: case numbers per year, prefecture and track; document numbers per commission and kind."""

    key = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="dispute_seq_unique")]


# --- mediation -----------------------------------------------------------------------------------------------------

class MediationSession(AuditedModel):
    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=255)
    summary = models.TextField(_("summary"))
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")


class MediationAgreement(AuditedModel):
    """调解协议书: binding once signed or sealed by both parties, signed by the mediator and sealed by the body
    (LDMAL art. 14)."""

    case = models.OneToOneField(DisputeCase, on_delete=models.CASCADE, related_name="agreement")
    text = models.TextField(_("terms"))
    total_amount = models.DecimalField(_("total amount"), max_digits=14, decimal_places=2)
    signed_on = models.DateField(_("signed on"))
    signed_by_applicant = models.BooleanField(_("signed by the applicant"), default=False)
    signed_by_respondent = models.BooleanField(_("signed or sealed by the respondent"), default=False)
    signed_by_mediator = models.BooleanField(_("signed by the mediator"), default=False)
    sealed_by_body = models.BooleanField(_("sealed by the mediation body"), default=False)
    effective_on = models.DateField(_("effective on"))

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")
        constraints = [
            models.CheckConstraint(condition=Q(signed_by_applicant=True, signed_by_respondent=True,
                                               signed_by_mediator=True, sealed_by_body=True),
                                   name="agreement_fully_signed"),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="agreement_total_nonneg"),
        ]


class Instalment(AuditedModel):
    agreement = models.ForeignKey(MediationAgreement, on_delete=models.CASCADE, related_name="instalments")
    seq = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["agreement_id", "seq"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "seq"], name="instalment_seq_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_positive"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="instalment_paid_nonneg"),
        ]

    def status(self, today) -> str:
        if self.paid_amount >= self.amount:
            return "paid"
        return "overdue" if today > self.due_on else "pending"


class JointReview(AuditedModel):
    """仲裁审查 of a mediation agreement (Rules 74-76): filed jointly within 15 days of the agreement taking effect;
    concluded within 5 working days (+5)."""

    class Result(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed: a mediation document is issued")
        REFUSED = "refused", _("refused")

    case = models.OneToOneField(DisputeCase, on_delete=models.CASCADE, related_name="joint_review")
    commission = models.ForeignKey(ArbitrationCommission, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("filed jointly on"))
    extended = models.BooleanField(_("extended by 5 working days"), default=False)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    refusal_reason = models.TextField(_("reasons"), blank=True)

    class Meta:
        verbose_name = _("joint arbitral review")
        verbose_name_plural = _("joint arbitral reviews")


# --- documents and service ----------------------------------------------------------------------------------------

def document_path(instance, filename):
    return f"dispute-docs/{instance.issued_at:%Y/%m}/{instance.doc_no_slug}.pdf"


class CaseDocument(AuditedModel):
    """A generated, numbered PDF in the case file. ``audience`` says whether it belongs to the main file the
    parties see (正卷) or the internal file (副卷)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("receipt (收件回执)")
        SUPPLEMENT_NOTICE = "supplement_notice", _("notice to supplement materials (补正通知书)")
        ACCEPTANCE_NOTICE = "acceptance_notice", _("notice of acceptance (受理通知书)")
        NON_ACCEPTANCE_NOTICE = "non_acceptance_notice", _("notice of non-acceptance (不予受理通知书)")
        NO_JURISDICTION_NOTICE = "no_jurisdiction_notice", _("written explanation of jurisdiction (书面说明)")
        RESPONDENT_NOTICE = "respondent_notice", _("notice to respond (应诉通知书)")
        SERVICE_RECORD = "service_record", _("service record (送达回证)")
        HEARING_NOTICE = "hearing_notice", _("hearing notice (开庭通知书)")
        COMPOSITION_NOTICE = "composition_notice", _("tribunal composition notice (仲裁庭组成通知书)")
        EXTENSION_NOTICE = "extension_notice", _("extension notice (延期通知书)")
        AWARD = "award", _("award (裁决书)")
        MEDIATION_AGREEMENT = "mediation_agreement", _("mediation agreement (调解协议书)")
        MEDIATION_DOCUMENT = "mediation_document", _("mediation document (调解书)")
        MEDIATION_REFUSAL = "mediation_refusal", _("notice of refusal to mediate")
        MEDIATION_FAILED = "mediation_failed", _("notice that mediation ended without agreement")
        HEARING_RECORD = "hearing_record", _("hearing record (庭审笔录)")
        INTERNAL_NOTE = "internal_note", _("internal note (副卷)")

    class Audience(models.TextChoices):
        MAIN = "main", _("main file (正卷): the parties may see it")
        INTERNAL = "internal", _("internal file (副卷): staff only")

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    doc_no = models.CharField(_("document number"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("file"), max_length=8, choices=Audience.choices, default=Audience.MAIN)
    file = models.FileField(upload_to=document_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    @property
    def doc_no_slug(self) -> str:
        import re

        return re.sub(r"[^0-9A-Za-z-]", "_", f"{self.case_id}-{self.kind}-{self.pk or 'new'}")


class ServiceRecord(AuditedModel):
    """Service of one document on one party (送达), including deemed service by leaving or posting it at the
    address, recorded with a photo or video (Rules 20: served 3 days after posting)."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("handed over and signed for")
        POST = "post", _("registered post")
        ELECTRONIC = "electronic", _("phone, SMS or e-mail (simple procedure only)")
        POSTING = "posting", _("left or posted at the address (留置/张贴), photo or video")
        PUBLIC_NOTICE = "public_notice", _("public notice (公告送达)")

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="services")
    document = models.ForeignKey(CaseDocument, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="services")
    doc_kind = models.CharField(_("document"), max_length=24, choices=CaseDocument.Kind.choices)
    party = models.ForeignKey(DisputeParty, on_delete=models.PROTECT, related_name="services")
    method = models.CharField(_("method"), max_length=14, choices=Method.choices)
    sent_on = models.DateField(_("sent or posted on"))
    served_on = models.DateField(_("served on"), null=True, blank=True)
    confirmed = models.BooleanField(_("receipt confirmed"), default=False)
    refused_to_sign = models.BooleanField(_("recipient refused to sign"), default=False)
    evidence = models.ForeignKey("casework.Attachment", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("photo or video of the posting"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [
            models.CheckConstraint(condition=Q(served_on__isnull=True) | Q(served_on__gte=F("sent_on")),
                                   name="service_dates_ordered"),
        ]


# --- arbitration ---------------------------------------------------------------------------------------------------

class TribunalMember(AuditedModel):
    class Role(models.TextChoices):
        PRESIDING = "presiding", _("presiding arbitrator (首席)")
        MEMBER = "member", _("arbitrator")
        SOLE = "sole", _("sole arbitrator (独任)")

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="tribunal")
    arbitrator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tribunal_seats")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    appointed_on = models.DateField(_("appointed on"))
    active = models.BooleanField(_("sitting"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=255, blank=True)

    class Meta:
        ordering = ["case_id", "role", "id"]
        verbose_name = _("tribunal member")
        verbose_name_plural = _("tribunal members")
        constraints = [
            models.UniqueConstraint(fields=["case", "arbitrator"], condition=Q(active=True),
                                    name="tribunal_member_once"),
        ]


class RecusalRequest(AuditedModel):
    """回避 (LDMAL 33; Rules 11-12): decided within 3 WD; the challenged arbitrator cannot act meanwhile."""

    class Ground(models.TextChoices):
        PARTY_OR_RELATIVE = "relative", _("is a party, or a close relative of a party or agent")
        INTEREST = "interest", _("has an interest in the case")
        OTHER_RELATION = "relation", _("has another relationship that may affect fairness")
        PRIVATE_CONTACT = "contact", _("met a party or agent privately, or accepted gifts or hospitality")

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(TribunalMember, on_delete=models.PROTECT, related_name="recusals")
    requested_by = models.ForeignKey(DisputeParty, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    ground = models.CharField(_("ground"), max_length=10, choices=Ground.choices)
    details = models.TextField(_("details"), blank=True)
    requested_on = models.DateField(_("requested on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)

    class Meta:
        ordering = ["requested_on", "id"]
        verbose_name = _("recusal request")
        verbose_name_plural = _("recusal requests")


class Suspension(AuditedModel):
    """中止 (Rules 47): approved by the chair; the days are excluded from the award period."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="suspensions")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    ground = models.TextField(_("ground"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    previous_state = models.CharField(_("state before the suspension"), max_length=24,
                                      choices=DisputeState.choices, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="suspension_dates_ordered"),
        ]


class AwardExtension(AuditedModel):
    """The one extension of the award period (LDMAL 43): at most the configured number of days (15), approved in
    writing by the chair, with written notice to the parties."""

    case = models.OneToOneField(DisputeCase, on_delete=models.CASCADE, related_name="award_extension")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("approved on"))
    new_due = models.DateField(_("new award deadline"))

    class Meta:
        verbose_name = _("award extension")
        verbose_name_plural = _("award extensions")
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="award_ext_days_positive"),
        ]


class ClockRestart(AuditedModel):
    """Events that restart the award period (Rules 46; spec §2.2 rule 6)."""

    class Kind(models.TextChoices):
        ADDED_PARTY = "added_party", _("party or third party added")
        CHANGED_CLAIMS = "changed_claims", _("claims added or changed")
        COUNTERCLAIM = "counterclaim", _("counterclaim merged")
        TRANSFER = "transfer", _("transfer of jurisdiction received")

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="clock_restarts")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("clock restart")
        verbose_name_plural = _("clock restarts")


class Hearing(AuditedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        POSTPONED = "postponed", _("postponed")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    class NoticeMethod(models.TextChoices):
        WRITTEN = "written", _("written notice, receipt confirmed")
        WRITTEN_UNCONFIRMED = "written_unconfirmed", _("written notice, receipt not confirmed")
        SMS = "sms", _("SMS or phone (simple procedure)")

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="hearings")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=255)
    public = models.BooleanField(_("public hearing"), default=True)
    notice_sent_on = models.DateField(_("notice sent on"))
    notice_method = models.CharField(_("notice"), max_length=20, choices=NoticeMethod.choices)
    notice_confirmed = models.BooleanField(_("applicant confirmed receipt"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    postponement_requested_on = models.DateField(_("postponement requested on"), null=True, blank=True)
    postponement_late = models.BooleanField(_("postponement requested late"), default=False)
    record_text = models.TextField(_("hearing record (庭审笔录)"), blank=True)
    applicant_present = models.BooleanField(_("applicant present"), null=True, blank=True)
    respondent_present = models.BooleanField(_("respondent present"), null=True, blank=True)
    mediation_attempted = models.BooleanField(_("mediation attempted before the award"), default=False)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")


class HearingCorrection(AuditedModel):
    """A party's request to correct its own statements in the record; kept whether granted or refused."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="corrections")
    party = models.ForeignKey(DisputeParty, on_delete=models.PROTECT, related_name="+")
    request_text = models.TextField(_("correction requested"))
    granted = models.BooleanField(_("granted"))
    reason = models.TextField(_("reason if refused"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("record correction request")
        verbose_name_plural = _("record correction requests")


class HearingSignature(AuditedModel):
    class Who(models.TextChoices):
        ARBITRATOR = "arbitrator", _("arbitrator")
        CLERK = "clerk", _("clerk")
        PARTY = "party", _("party")
        OTHER = "other", _("other participant")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="signatures")
    who = models.CharField(_("who"), max_length=12, choices=Who.choices)
    name = models.CharField(_("name"), max_length=64)
    party = models.ForeignKey(DisputeParty, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed = models.BooleanField(_("signed or sealed"))
    refusal_note = models.CharField(_("refusal noted"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("record signature")
        verbose_name_plural = _("record signatures")
        constraints = [
            models.CheckConstraint(condition=Q(signed=True) | ~Q(refusal_note=""), name="signature_refusal_noted"),
        ]


class AdvanceExecution(AuditedModel):
    """先予执行 (LDMAL 44; Rules 51): only on application, only for remuneration, work-injury medical costs,
    economic compensation or damages; a worker gives no security; sent to the court."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="advance_executions")
    applicant = models.ForeignKey(DisputeParty, on_delete=models.PROTECT, related_name="+")
    categories = models.JSONField(_("claim categories"), default=list)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    applied_on = models.DateField(_("applied on"))
    reasons = models.TextField(_("why the applicant's living depends on it"))
    granted = models.BooleanField(_("granted"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    security_required = models.BooleanField(_("security required"), default=False)
    sent_to_court_on = models.DateField(_("sent to the court on"), null=True, blank=True)
    court_name = models.CharField(_("court"), max_length=200, blank=True)

    class Meta:
        ordering = ["applied_on", "id"]
        verbose_name = _("advance execution")
        verbose_name_plural = _("advance executions")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="advance_amount_positive")]


class AwardCategory(models.TextChoices):
    """Award item categories as LDMAL 47 sorts them (spec §6.4)."""

    WAGES = "wages", _("labour remuneration (劳动报酬)")
    WORK_INJURY_MEDICAL = "injury_medical", _("work-injury medical costs (工伤医疗费)")
    ECONOMIC_COMPENSATION = "compensation", _("economic compensation (经济补偿)")
    DAMAGES = "damages", _("damages (赔偿金)")
    WORKING_TIME = "working_time", _("working time (工作时间)")
    REST_AND_LEAVE = "rest_leave", _("rest and leave (休息休假)")
    SOCIAL_INSURANCE = "social_insurance", _("social insurance (社会保险)")
    CONFIRM_RELATIONSHIP = "relationship", _("confirmation of a labour relationship (确认劳动关系)")
    CONTRACT_VALIDITY = "contract", _("validity of termination or of the contract")
    OTHER = "other", _("other")


class Finality(models.TextChoices):
    FINAL = "final", _("final award (终局裁决)")
    NON_FINAL = "non_final", _("non-final award (非终局裁决)")


class AwardDocument(AuditedModel):
    """One award document per finality class (Rules 50 ¶4; spec §12.7)."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="awards")
    award_no = models.CharField(_("award number"), max_length=64, unique=True)
    finality = models.CharField(_("finality"), max_length=10, choices=Finality.choices)
    award_date = models.DateField(_("award date"))
    reference_date = models.DateField(_("minimum-wage reference date"))
    min_wage_monthly = models.DecimalField(_("monthly minimum wage applied"), max_digits=10, decimal_places=2)
    min_wage_source = models.CharField(_("minimum wage source"), max_length=255)
    cap_amount = models.DecimalField(_("final-award cap per item"), max_digits=14, decimal_places=2)
    facts = models.TextField(_("facts found"))
    reasons = models.TextField(_("reasons"))
    rights_notice = models.TextField(_("the parties' rights"))
    dissent = models.BooleanField(_("dissent recorded"), default=False)
    dissent_text = models.TextField(_("minority opinion"), blank=True)
    decided_by_presiding = models.BooleanField(_("no majority: the presiding arbitrator's opinion decided"),
                                               default=False)
    partial = models.BooleanField(_("partial award (先行裁决)"), default=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField(CaseDocument, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="award")
    effective_on = models.DateField(_("effective on"), null=True, blank=True)

    class Meta:
        ordering = ["award_date", "id"]
        verbose_name = _("award document")
        verbose_name_plural = _("award documents")


class AwardItem(AuditedModel):
    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="award_items")
    award = models.ForeignKey(AwardDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    claim = models.ForeignKey("arrears.ArrearsLineItem", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="award_items", verbose_name=_("claim"))
    category = models.CharField(_("category"), max_length=16, choices=AwardCategory.choices)
    description = models.CharField(_("item"), max_length=255)
    amount = models.DecimalField(_("amount awarded"), max_digits=14, decimal_places=2, null=True, blank=True)
    granted = models.BooleanField(_("claim granted"), default=True)
    national_standard_dispute = models.BooleanField(
        _("dispute over national working-time, rest or social-insurance standards"), default=False)
    reasons = models.TextField(_("reasons"), blank=True)
    finality = models.CharField(_("finality"), max_length=10, choices=Finality.choices, blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("award item")
        verbose_name_plural = _("award items")
        constraints = [models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                              name="award_item_amount_nonneg")]


class CourtAction(AuditedModel):
    """What happened at court after an award: a worker's suit, an employer's application to revoke a final award,
    an enforcement application; with dates and outcome."""

    class Kind(models.TextChoices):
        SUIT = "suit", _("suit at the basic court")
        REVOCATION = "revocation", _("application to revoke a final award (intermediate court)")
        ENFORCEMENT = "enforcement", _("application for enforcement")

    award = models.ForeignKey(AwardDocument, on_delete=models.CASCADE, related_name="court_actions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    by_side = models.CharField(_("by"), max_length=10, choices=DisputeParty.Side.choices)
    party = models.ForeignKey(DisputeParty, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("party"),
                              help_text=_("who went to court: with several workers a non-final award takes effect "
                                          "for those who did not sue (SPC Interp. I art. 17)"))
    filed_on = models.DateField(_("filed on"))
    late = models.BooleanField(_("filed after the period"), default=False,
                               help_text=_("recorded anyway: whether a late suit is heard is for the court"))
    court_name = models.CharField(_("court"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = _("court action")
        verbose_name_plural = _("court actions")


class MediationDocument(AuditedModel):
    """调解书: made by the tribunal (LDMAL 42) or after a joint review (Rules 76); effective when both parties have
    signed for it."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="mediation_documents")
    doc_no = models.CharField(_("number"), max_length=64, unique=True)
    text = models.TextField(_("terms"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    made_on = models.DateField(_("made on"))
    signed_applicant_on = models.DateField(_("applicant signed for it on"), null=True, blank=True)
    signed_respondent_on = models.DateField(_("respondent signed for it on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    refused_on = models.DateField(_("a party refused to sign for it on"), null=True, blank=True,
                                  help_text=_("before it took effect: the tribunal must award (LDMAL art. 42)"))
    refused_side = models.CharField(_("refused by"), max_length=10, blank=True)
    document = models.OneToOneField(CaseDocument, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="mediation_document")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["made_on", "id"]
        verbose_name = _("mediation document")
        verbose_name_plural = _("mediation documents")
