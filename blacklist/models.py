"""Order 45 (人社部令第45号) listing records (spec §8, §12.9): one ``ListingDecision`` per proposal and one
``BlacklistEntry`` per listed party. The decision's lifecycle is an explicit transition table (django-oscar's
pipeline pattern, style.md): ``ListingDecision.set_state`` refuses anything the table does not allow. Every model
is audited (django-simple-history)."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.errors import DomainError
from casework.fields import EncryptedCharField
from casework.models import AuditedModel, Complaint, Employer, InspectionDocument, Region, TimeStamped

__all__ = ["ListingState", "TRANSITIONS", "LIVE_STATES", "ListingDecision", "BlacklistEntry",
           "EarlyRemovalApplication"]


class ListingState(models.TextChoices):
    CANDIDATE = "CANDIDATE", _("proposed")
    NOTICE_SERVED = "NOTICE_SERVED", _("prior notice served")
    NOT_LISTED = "NOT_LISTED", _("decided: not listed")
    LISTED = "LISTED", _("decided: listed")
    PUBLISHED = "PUBLISHED", _("published")
    EXPIRED = "EXPIRED", _("expired and removed")
    REVOKED = "REVOKED", _("listing revoked and removed")
    EARLY_REMOVED = "EARLY_REMOVED", _("removed early")


S = ListingState

# status -> the statuses it may move to (spec §8.1). EXPIRED, REVOKED and NOT_LISTED are final; the removal that
# follows expiry or revocation (art. 17, ≤10 WD) is done at once, on the entries (removed_at).
TRANSITIONS: dict[str, set[str]] = {
    S.CANDIDATE: {S.NOTICE_SERVED},
    S.NOTICE_SERVED: {S.LISTED, S.NOT_LISTED},
    S.LISTED: {S.PUBLISHED, S.EXPIRED, S.REVOKED, S.EARLY_REMOVED},
    S.PUBLISHED: {S.EXPIRED, S.REVOKED, S.EARLY_REMOVED},
    # art. 15: an early removal obtained by fraud is revoked: back to the state it left (LISTED or PUBLISHED)
    S.EARLY_REMOVED: {S.LISTED, S.PUBLISHED},
    S.NOT_LISTED: set(),
    S.EXPIRED: set(),
    S.REVOKED: set(),
}
LIVE_STATES = [S.CANDIDATE, S.NOTICE_SERVED, S.LISTED, S.PUBLISHED]


class ListingDecision(AuditedModel, TimeStamped):
    class Limb(models.TextChoices):
        AMOUNT = "amount", _("art. 5(1): amount at or above the provincial threshold")
        INCIDENT = "incident", _("art. 5(2): mass or extreme incident with serious impact")

    class ObjectionResult(models.TextChoices):
        UPHELD = "upheld", _("upheld: the grounds do not hold")
        REJECTED = "rejected", _("rejected: the grounds hold")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="listings",
                                  verbose_name=_("complaint"))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="listings",
                                 verbose_name=_("employer"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("deciding region"))
    state = models.CharField(_("state"), max_length=16, choices=ListingState.choices, default=S.CANDIDATE,
                             db_index=True)
    basis_limb = models.CharField(_("basis"), max_length=10, choices=Limb.choices)
    incident_note = models.TextField(_("incident"), blank=True)

    order_document = models.ForeignKey(InspectionDocument, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("order to pay"))
    order_doc_no = models.CharField(_("order number"), max_length=64)
    payment_deadline = models.DateField(_("payment deadline"))
    arrears_amount = models.DecimalField(_("arrears outstanding"), max_digits=14, decimal_places=2)
    workers_affected = models.PositiveIntegerField(_("workers affected"), default=1)

    # public copies (spec §8.2): what the registry shows, frozen at the proposal
    unit_name = models.CharField(_("unit name"), max_length=200, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    deciding_department = models.CharField(_("deciding department"), max_length=200)

    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drafted by"))
    notice_served_at = models.DateField(_("notice received by the employer on"), null=True, blank=True)

    objection_received_at = models.DateField(_("objection received on"), null=True, blank=True)
    objection_text = models.TextField(_("objection"), blank=True)
    objection_verified_at = models.DateField(_("objection verified on"), null=True, blank=True)
    objection_result = models.CharField(_("objection result"), max_length=10, choices=ObjectionResult.choices,
                                        blank=True)
    objection_result_note = models.TextField(_("verification note"), blank=True)

    commitment_signed_on = models.DateField(_("credit commitment signed on"), null=True, blank=True)
    non_listing_reason = models.TextField(_("reason for not listing"), blank=True)

    extension_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+", verbose_name=_("extension approved by"))
    extension_reason = models.TextField(_("extension reason"), blank=True)

    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("decided by"))
    decision_no = models.CharField(_("decision number"), max_length=64, null=True, blank=True, unique=True)
    decided_at = models.DateField(_("decided on"), null=True, blank=True)
    period_end = models.DateField(_("listing period ends"), null=True, blank=True, db_index=True)

    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    ended_at = models.DateField(_("expired or revoked on"), null=True, blank=True)
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    # art. 15: when an early removal is revoked the 3-year period restarts from the revocation date
    period_restarted_on = models.DateField(_("listing period restarted on"), null=True, blank=True)
    # art. 13(2): criminal proceedings for refusal to pay wages (刑法 art. 276-1) pending against a party; set by
    # blacklist.services.criminal_proceedings_set until the criminal-transfer track (spec §7) has its own model
    criminal_proceedings_pending = models.BooleanField(_("criminal proceedings pending"), default=False)
    criminal_proceedings_note = models.TextField(_("criminal proceedings"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("listing decision")
        verbose_name_plural = _("listing decisions")
        constraints = [
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("drafted_by")),
                                   name="listing_drafter_not_approver"),
            models.CheckConstraint(condition=Q(extension_approved_by__isnull=True)
                                   | ~Q(extension_approved_by=F("drafted_by")),
                                   name="listing_extension_not_drafter"),
            models.UniqueConstraint(fields=["complaint"], condition=Q(state__in=LIVE_STATES),
                                    name="listing_one_live_per_complaint"),
            models.CheckConstraint(condition=~Q(state__in=[S.LISTED, S.PUBLISHED])
                                   | (Q(decided_at__isnull=False) & Q(period_end__isnull=False)
                                      & Q(decision_no__isnull=False)),
                                   name="listing_listed_has_decision"),
        ]
        indexes = [
            models.Index(fields=["state", "region"]),
            # the public registry (blacklist.selectors): its order (newest decision first) and "last updated"
            models.Index(fields=["-decided_at", "-id"], condition=Q(state="PUBLISHED", published_at__isnull=False),
                         name="listing_public_order"),
            models.Index(fields=["updated_at"], condition=Q(published_at__isnull=False),
                         name="listing_published_updated"),
        ]

    def __str__(self):
        return self.decision_no or f"Listing #{self.pk}"

    def set_state(self, new: str) -> None:
        """Move to ``new`` if the transition table allows it; the caller saves."""
        if new not in TRANSITIONS.get(self.state, set()):
            raise DomainError({"__all__": [
                _("This listing is now “%(state)s”; it cannot become “%(new)s”.")
                % {"state": self.get_state_display(), "new": ListingState(new).label}]})
        self.state = new


class BlacklistEntry(AuditedModel, TimeStamped):
    """One listed party (art. 5): the unit, its legal representative or principal, directly responsible persons.
    The full ID number is encrypted; the registry only ever reads ``public_id_masked``."""

    class Role(models.TextChoices):
        UNIT = "UNIT", _("employer (unit)")
        LEGAL_REP = "LEGAL_REP", _("legal representative")
        PRINCIPAL = "PRINCIPAL", _("principal")
        SUPERVISOR = "SUPERVISOR", _("directly responsible supervisor")
        OTHER = "OTHER", _("other directly responsible person")

    class SubjectType(models.TextChoices):
        UNIT = "UNIT", _("unit")
        PERSON = "PERSON", _("person")

    class RemovalReason(models.TextChoices):
        EXPIRED = "EXPIRED", _("listing period ended")
        EARLY = "EARLY", _("early removal")
        REVOKED = "REVOKED", _("listing revoked")

    listing = models.ForeignKey(ListingDecision, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("listing decision"))
    subject_type = models.CharField(_("subject"), max_length=6, choices=SubjectType.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("employer"))
    public_display_name = models.CharField(_("published name"), max_length=200)
    id_number = EncryptedCharField(_("ID number"), max_length=32, blank=True)
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, blank=True, db_index=True)
    public_id_masked = models.CharField(_("published ID number (masked)"), max_length=32, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, db_index=True)
    removal_reason = models.CharField(_("removal reason"), max_length=8, choices=RemovalReason.choices, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        constraints = [
            models.CheckConstraint(condition=(Q(role="UNIT") & Q(subject_type="UNIT") & Q(employer__isnull=False))
                                   | (~Q(role="UNIT") & Q(subject_type="PERSON")),
                                   name="entry_role_matches_subject"),
            models.UniqueConstraint(fields=["listing"], condition=Q(role="UNIT"), name="entry_one_unit_per_listing"),
            models.CheckConstraint(condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                                   name="entry_removed_has_reason"),
        ]
        # the registry's "unit entry not removed" test (blacklist.selectors.public_listings), index-only
        indexes = [models.Index(fields=["listing"], condition=Q(role="UNIT", removed_at__isnull=True),
                                name="entry_live_unit")]

    def __str__(self):  # never the ID number
        return f"{self.get_role_display()} #{self.pk}"


class EarlyRemovalApplication(AuditedModel, TimeStamped):
    """An application for early removal (信用修复, Order 45 arts. 12-15): recorded by a credit officer, decided by
    the head (never the recorder) within 15 WD; an approval removes every party of the listing; an approval
    obtained by fraud may be revoked (art. 15), which restores the listing and restarts its period."""

    class Result(models.TextChoices):
        REMOVED = "REMOVED", _("removed early")
        REFUSED = "REFUSED", _("refused")

    listing = models.ForeignKey(ListingDecision, on_delete=models.PROTECT, related_name="early_removals",
                                verbose_name=_("listing decision"))
    applied_at = models.DateField(_("application received on"))
    correction_date = models.DateField(_("arrears corrected on"))
    commitment = models.BooleanField(_("written commitment not to default again"), default=False)
    commitment_text = models.TextField(_("commitment"), blank=True)
    evidence_note = models.TextField(_("proof of correction"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    decided_at = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, blank=True)
    refusal_reason = models.TextField(_("reasons for refusal"), blank=True)
    state_before = models.CharField(_("listing state before removal"), max_length=16, choices=ListingState.choices,
                                    blank=True)
    revoked_at = models.DateField(_("removal revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("removal revoked by"))
    revocation_reason = models.TextField(_("reason for revoking the removal"), blank=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("early-removal application")
        verbose_name_plural = _("early-removal applications")
        constraints = [
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recorded_by")),
                                   name="early_removal_recorder_not_decider"),
            models.UniqueConstraint(fields=["listing"], condition=Q(result=""),
                                    name="early_removal_one_pending_per_listing"),
            models.CheckConstraint(condition=~Q(result="REFUSED") | ~Q(refusal_reason=""),
                                   name="early_removal_refusal_has_reason"),
            models.CheckConstraint(condition=Q(result="") | (Q(decided_at__isnull=False)
                                                             & Q(decided_by__isnull=False)),
                                   name="early_removal_decided_has_decider"),
            models.CheckConstraint(condition=Q(revoked_at__isnull=True) | (Q(result="REMOVED")
                                                                           & ~Q(revocation_reason="")),
                                   name="early_removal_revoked_was_removed"),
        ]

    def __str__(self):
        return f"Early removal #{self.pk} ({self.listing})"

    @property
    def pending(self) -> bool:
        return not self.result
from .models_grading import *  # noqa
from .models_transfer import *  # noqa
from .models_disclosure import *  # noqa
