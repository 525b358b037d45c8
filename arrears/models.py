"""Money: arrears line items, payments, and the effective-dated money configuration (minimum wage, criminal
thresholds). All money is Decimal yuan with 2 places (spec §12)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.base import AuditedModel

__all__ = ["ArrearsLineItem", "Payment", "PaymentSource", "MinimumWageStandard", "CriminalThreshold", "Category"]


class Category(models.TextChoices):
    WAGES = "wages", _("wages")
    OVERTIME = "overtime", _("overtime pay")
    MIN_WAGE_GAP = "min_wage_gap", _("minimum-wage shortfall")
    SEVERANCE = "severance", _("economic compensation")
    DOUBLE_WAGES = "double_wages", _("double wages (no written contract)")
    UNLAWFUL_TERMINATION = "unlawful_termination", _("compensation for unlawful termination")
    NON_COMPETE = "non_compete", _("non-compete compensation")
    INJURY_MEDICAL = "injury_medical", _("work-injury medical costs")
    ADDITIONAL_COMPENSATION = "additional_comp", _("additional compensation")
    SOCIAL_INSURANCE = "social_insurance", _("social insurance")
    OTHER = "other", _("other")


# Categories that are "labour remuneration" for the criminal threshold (法释〔2013〕3号 art. 1).
REMUNERATION_CATEGORIES = {Category.WAGES, Category.OVERTIME, Category.MIN_WAGE_GAP}


class ArrearsLineItem(AuditedModel):
    """What one worker is owed for one period and category. Shared by complaints and (issue #3) disputes."""

    complaint = models.ForeignKey("casework.Complaint", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="items")
    dispute = models.ForeignKey("disputes.DisputeCase", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="items", verbose_name=_("dispute case"))
    worker = models.ForeignKey("casework.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="arrears_items")
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    amount_claimed = models.DecimalField(_("amount claimed"), max_digits=14, decimal_places=2)
    amount_verified = models.DecimalField(_("amount verified"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    amount_ordered = models.DecimalField(_("amount ordered"), max_digits=14, decimal_places=2, null=True,
                                         blank=True)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2, default=0)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    verification_note = models.CharField(_("verification note"), max_length=255, blank=True)
    basis_article = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("arrears line item")
        verbose_name_plural = _("arrears line items")
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="item_period_ordered"),
            models.CheckConstraint(condition=models.Q(amount_claimed__gt=0), name="item_claim_positive"),
            models.CheckConstraint(condition=models.Q(amount_paid__gte=0), name="item_paid_nonneg"),
            models.CheckConstraint(condition=models.Q(amount_verified__isnull=True) | models.Q(amount_verified__gte=0),
                                   name="item_verified_nonneg"),
        ]

    @property
    def amount_due(self):
        """What the employer must pay on this item: the ordered amount, else the verified one."""
        if self.amount_ordered is not None:
            return self.amount_ordered
        return self.amount_verified

    @property
    def outstanding(self):
        due = self.amount_due
        if due is None:
            return None
        return max(due - self.amount_paid, 0)


class PaymentSource(models.TextChoices):
    """Who paid a worker (spec §11: the employer, or a remedy when the employer's order goes unperformed)."""

    EMPLOYER = "employer", _("the employer")
    GENERAL_CONTRACTOR = "general_contractor", _("the general contractor (paying first)")
    GUARANTEE = "guarantee", _("the wage guarantee")
    EMERGENCY_FUND = "emergency_fund", _("the emergency revolving fund")


class Payment(AuditedModel):
    """A payment the employer made to a worker, recorded by staff (partial payments too)."""

    complaint = models.ForeignKey("casework.Complaint", on_delete=models.CASCADE, related_name="payments")
    item = models.ForeignKey(ArrearsLineItem, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=32, default="bank_transfer")
    reference = models.CharField(_("reference"), max_length=128, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # who paid (spec §11 remedies: arrears.models_remedies); the remedy step that brought the money, if any
    source = models.CharField(_("paid by"), max_length=20, choices=PaymentSource.choices,
                              default=PaymentSource.EMPLOYER)
    remedy = models.ForeignKey("arrears.Remedy", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="payments", verbose_name=_("remedy"))

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")]


class MinimumWageStandard(AuditedModel):
    region_code = models.CharField(_("region"), max_length=6)
    monthly_yuan = models.DecimalField(_("monthly (yuan)"), max_digits=10, decimal_places=2)
    hourly_yuan = models.DecimalField(_("hourly (yuan)"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    source_doc = models.CharField(_("source document"), max_length=255)

    class Meta:
        ordering = ["region_code", "-effective_from"]
        verbose_name = _("minimum wage standard")
        verbose_name_plural = _("minimum wage standards")
        constraints = [models.UniqueConstraint(fields=["region_code", "effective_from"], name="minwage_unique")]


class CriminalThreshold(AuditedModel):
    """The provincial high court's figures for 拒不支付劳动报酬罪 (法释〔2013〕3号 art. 3)."""

    province_code = models.CharField(_("province"), max_length=6)
    per_worker_min_yuan = models.DecimalField(_("one worker, ≥3 months (yuan)"), max_digits=12, decimal_places=2)
    min_months = models.PositiveSmallIntegerField(_("months, one worker"), default=3)
    ten_plus_total_min_yuan = models.DecimalField(_("10+ workers, cumulative (yuan)"), max_digits=12,
                                                  decimal_places=2)
    min_workers = models.PositiveSmallIntegerField(_("workers, cumulative limb"), default=10)
    effective_from = models.DateField(_("effective from"))
    source_doc = models.CharField(_("source document"), max_length=255)
    is_placeholder = models.BooleanField(_("placeholder (real figures unknown)"), default=False)

    class Meta:
        ordering = ["province_code", "-effective_from"]
        verbose_name = _("criminal threshold")
        verbose_name_plural = _("criminal thresholds")
        constraints = [models.UniqueConstraint(fields=["province_code", "effective_from"], name="crimthr_unique")]
from .models_projects import *  # noqa: E402,F401,F403  (construction safeguards, spec §11)
from .models_remedies import *  # noqa: E402,F401,F403  (remedies on unperformed orders, spec §11)
