"""Disclosure of major labour-security violations (重大劳动保障违法行为社会公布, 人社部令第29号; spec §9).

A final decision (an inspection case's handling or penalty decision, a criminal transfer approved by the head, or a
decision entered by hand for what the system does not track) in one of the 8 categories of Order 29 becomes a
``Disclosure`` queued in a ``DisclosureBatch`` (quarterly for prefectures and counties, half-yearly for the province,
or ad hoc with approval; the batch length is the effective-dated legal parameter ``disclosure.batch_months.<level>``).
Its life is an explicit transition table (like ``ListingDecision``): ``Disclosure.set_state`` refuses anything
else. Every model is audited (django-simple-history)."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.errors import DomainError
from casework.models import AuditedModel, Complaint, Employer, InspectionDocument, Region, TimeStamped

from .models_transfer import CriminalTransfer

__all__ = ["DisclosureCategory", "DisclosureState", "DISCLOSURE_TRANSITIONS", "PUBLIC_DISCLOSURE_STATES",
           "LIVE_DISCLOSURE_STATES", "DisclosureBatch", "Disclosure", "DisclosureMediaRef"]


class DisclosureCategory(models.IntegerChoices):
    """Order 29 art. 5 [P], in the spec's order (§9)."""
    WAGES_WITHHELD = 1, _("withholding or unjustifiably delaying remuneration, a large amount")
    WAGES_REFUSED_CRIMINAL = 2, _("refusing to pay remuneration, transferred to the judicial organs for criminal "
                                  "liability")
    SOCIAL_INSURANCE = 3, _("not joining social insurance or not paying contributions, serious")
    WORKING_TIME = 4, _("breaching working-time or rest rules, serious")
    SPECIAL_PROTECTION = 5, _("breaching the special protection of female or juvenile workers, serious")
    CHILD_LABOUR = 6, _("child labour")
    SOCIAL_IMPACT = 7, _("serious adverse social impact caused by a labour-security violation")
    OTHER = 8, _("other major violations")


# the Chinese wording published on the public page (the legal text stays Chinese)
CATEGORY_ZH = {
    1: "克扣、无故拖欠劳动者劳动报酬，数额较大的",
    2: "拒不支付劳动报酬，依法移送司法机关追究刑事责任的",
    3: "不依法参加社会保险或者不依法缴纳社会保险费，情节严重的",
    4: "违反工作时间和休息休假规定，情节严重的",
    5: "违反女职工和未成年工特殊劳动保护规定，情节严重的",
    6: "违反禁止使用童工规定的",
    7: "因劳动保障违法行为造成严重不良社会影响的",
    8: "其他重大劳动保障违法行为",
}


class DisclosureState(models.TextChoices):
    QUEUED = "QUEUED", _("queued for its batch")
    PRIVACY_REVIEW = "PRIVACY_REVIEW", _("privacy review")
    APPROVED = "APPROVED", _("approved for publication")
    PUBLISHED = "PUBLISHED", _("published")
    OBJECTED = "OBJECTED", _("objection under review")
    ARCHIVED = "ARCHIVED", _("archived to the integrity file")
    WITHDRAWN = "WITHDRAWN", _("withdrawn")
    UNPUBLISHED = "UNPUBLISHED", _("display period ended")


D = DisclosureState

# spec §9: QUEUED → PRIVACY_REVIEW → APPROVED → PUBLISHED → [OBJECTION → UPHELD | CORRECTED | WITHDRAWN]
#          → ARCHIVED_TO_INTEGRITY_FILE → (display_until reached) UNPUBLISHED.
# UPHELD and CORRECTED return to PUBLISHED (the objection's outcome is a field); WITHDRAWN is final and may also be
# reached before publication (e.g. the decision was revoked). ARCHIVED stays public until display_until.
DISCLOSURE_TRANSITIONS: dict[str, set[str]] = {
    D.QUEUED: {D.PRIVACY_REVIEW, D.WITHDRAWN},
    D.PRIVACY_REVIEW: {D.APPROVED, D.QUEUED, D.WITHDRAWN},
    D.APPROVED: {D.PUBLISHED, D.QUEUED, D.WITHDRAWN},
    D.PUBLISHED: {D.OBJECTED, D.ARCHIVED, D.WITHDRAWN, D.UNPUBLISHED},
    D.OBJECTED: {D.PUBLISHED, D.WITHDRAWN},
    D.ARCHIVED: {D.UNPUBLISHED, D.WITHDRAWN},
    D.WITHDRAWN: set(),
    D.UNPUBLISHED: set(),
}
PUBLIC_DISCLOSURE_STATES = [D.PUBLISHED, D.OBJECTED, D.ARCHIVED]
LIVE_DISCLOSURE_STATES = [D.QUEUED, D.PRIVACY_REVIEW, D.APPROVED, D.PUBLISHED, D.OBJECTED, D.ARCHIVED]


class DisclosureBatch(AuditedModel, TimeStamped):
    """One publication batch of a department (its region): a periodic one per period (quarter or half-year, from
    ``disclosure.batch_months.<level>``), created when the first record is queued in it; or an ad hoc release
    (临时公布), which needs a head's approval (never the person who asked for it)."""

    class Kind(models.TextChoices):
        PERIODIC = "PERIODIC", _("periodic")
        AD_HOC = "AD_HOC", _("ad hoc")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("publishing department (region)"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERIODIC)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    months = models.PositiveSmallIntegerField(_("months per batch"), default=3)
    label = models.CharField(_("batch"), max_length=64)
    reason = models.TextField(_("reason for the ad hoc release"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("ad hoc release approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "region_id", "-id"]
        verbose_name = _("disclosure batch")
        verbose_name_plural = _("disclosure batches")
        constraints = [
            models.UniqueConstraint(fields=["region", "period_start"], condition=Q(kind="PERIODIC"),
                                    name="disclosure_batch_one_periodic_per_period"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                                   name="disclosure_batch_creator_not_approver"),
            models.CheckConstraint(condition=Q(kind="PERIODIC") | ~Q(reason=""),
                                   name="disclosure_batch_adhoc_has_reason"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="disclosure_batch_period_ordered"),
        ]

    def __str__(self):
        return f"{self.region_id} {self.label}"

    @property
    def ready(self) -> bool:
        """An ad hoc batch may be published once approved; a periodic one is released by the publisher."""
        return self.kind == self.Kind.PERIODIC or self.approved_by_id is not None


class Disclosure(AuditedModel, TimeStamped):
    """One disclosed violation: its source decision, its category, and the published text — exactly the four field
    groups of Order 29 (entity; legal representative; main facts; handling) plus the decision's metadata."""

    class Source(models.TextChoices):
        DECISION = "DECISION", _("handling or penalty decision of an inspection case")
        TRANSFER = "TRANSFER", _("criminal transfer approved by the head")
        MANUAL = "MANUAL", _("decision entered by hand")

    class ObjectionResult(models.TextChoices):
        UPHELD = "UPHELD", _("disclosure upheld")
        CORRECTED = "CORRECTED", _("published text corrected")
        WITHDRAWN = "WITHDRAWN", _("disclosure withdrawn")

    state = models.CharField(_("state"), max_length=16, choices=DisclosureState.choices, default=D.QUEUED,
                             db_index=True)
    category = models.PositiveSmallIntegerField(_("category"), choices=DisclosureCategory.choices)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("inspection case"))
    document = models.ForeignKey(InspectionDocument, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("decision document"))
    transfer = models.ForeignKey(CriminalTransfer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("criminal transfer"))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="disclosures",
                                 verbose_name=_("employer"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("deciding region"))
    batch = models.ForeignKey(DisclosureBatch, on_delete=models.PROTECT, related_name="disclosures",
                              verbose_name=_("batch"))

    # the decision's metadata (published)
    deciding_department = models.CharField(_("deciding department"), max_length=200)
    decision_no = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decided on"))
    # the four field groups (published)
    unit_name = models.CharField(_("entity's full name"), max_length=200, db_index=True)
    uscc = models.CharField(_("unified social credit code or registration number"), max_length=32, blank=True,
                            db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    legal_rep_name = models.CharField(_("legal representative or person in charge"), max_length=64)
    facts = models.TextField(_("main facts of the violation"))
    handling = models.TextField(_("how it was handled"))

    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drafted by"))
    submitted_at = models.DateTimeField(_("sent to privacy review at"), null=True, blank=True)
    no_secrets_confirmed = models.BooleanField(_("no state or business secret or personal privacy"), default=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    return_note = models.TextField(_("sent back because"), blank=True)
    publish_due = models.DateField(_("to be published by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    published_late = models.BooleanField(_("published after the configured period"), default=False)
    display_until = models.DateField(_("displayed until"), null=True, blank=True, db_index=True)

    objection_received_at = models.DateField(_("objection received on"), null=True, blank=True)
    objection_text = models.TextField(_("objection"), blank=True)
    objection_result = models.CharField(_("objection result"), max_length=10, choices=ObjectionResult.choices,
                                        blank=True)
    objection_decided_at = models.DateField(_("objection decided on"), null=True, blank=True)
    objection_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name=_("objection decided by"))
    objection_note = models.TextField(_("answer to the objection"), blank=True)
    corrected_at = models.DateTimeField(_("text last corrected at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived to the integrity file at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    unpublished_at = models.DateTimeField(_("taken off the public page at"), null=True, blank=True)

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("disclosure of a major violation")
        verbose_name_plural = _("disclosures of major violations")
        constraints = [
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("drafted_by")),
                                   name="disclosure_drafter_not_approver"),
            models.CheckConstraint(condition=(Q(source="DECISION") & Q(document__isnull=False)
                                              & Q(complaint__isnull=False))
                                   | (Q(source="TRANSFER") & Q(transfer__isnull=False) & Q(category=2))
                                   | (Q(source="MANUAL") & Q(document__isnull=True) & Q(transfer__isnull=True)),
                                   name="disclosure_source_complete"),
            models.CheckConstraint(condition=Q(category__gte=1) & Q(category__lte=8),
                                   name="disclosure_category_1_to_8"),
            models.UniqueConstraint(fields=["document"], condition=~Q(state="WITHDRAWN") & Q(document__isnull=False),
                                    name="disclosure_one_live_per_document"),
            models.UniqueConstraint(fields=["transfer"], condition=~Q(state="WITHDRAWN") & Q(transfer__isnull=False),
                                    name="disclosure_one_live_per_transfer"),
            models.CheckConstraint(condition=~Q(state__in=PUBLIC_DISCLOSURE_STATES + [D.UNPUBLISHED])
                                   | (Q(published_at__isnull=False) & Q(display_until__isnull=False)
                                      & Q(approved_by__isnull=False) & Q(no_secrets_confirmed=True)),
                                   name="disclosure_published_is_complete"),
            models.CheckConstraint(condition=~Q(state="WITHDRAWN") | ~Q(withdrawal_reason=""),
                                   name="disclosure_withdrawn_has_reason"),
        ]
        indexes = [models.Index(fields=["state", "region"]), models.Index(fields=["employer", "state"])]

    def __str__(self):
        return f"{self.decision_no} ({self.get_category_display()})"

    def set_state(self, new: str) -> None:
        """Move to ``new`` if the transition table allows it; the caller saves."""
        if new not in DISCLOSURE_TRANSITIONS.get(self.state, set()):
            raise DomainError({"__all__": [
                _("This disclosure is now “%(state)s”; it cannot become “%(new)s”.")
                % {"state": self.get_state_display(), "new": DisclosureState(new).label}]})
        self.state = new

    @property
    def category_zh(self) -> str:
        return CATEGORY_ZH[self.category]


class DisclosureMediaRef(AuditedModel, TimeStamped):
    """Where else it was published (Order 29: the department's portal plus the region's main newspapers or TV)."""

    class Medium(models.TextChoices):
        NEWSPAPER = "newspaper", _("newspaper")
        TV = "tv", _("television")
        WEBSITE = "website", _("other website")

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="media",
                                   verbose_name=_("disclosure"))
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices)
    name = models.CharField(_("name of the newspaper, station or site"), max_length=200)
    published_on = models.DateField(_("published on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        ordering = ["published_on", "id"]
        verbose_name = _("media reference")
        verbose_name_plural = _("media references")
