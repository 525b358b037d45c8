"""Remedies when an order to pay wages on a construction project goes unperformed (spec §11, Migrant Wage
Regulation arts. 30, 32, 63): the general contractor pays first (先行清偿), the wage guarantee is drawn (a notice to
the bank, which pays within the rule table's period; the contractor tops the guarantee up within its period), the
county's emergency revolving fund (应急周转金) advances wages and keeps a claim to recover them.

One row per remedy step taken on one order (``InspectionDocument`` with a payment deadline). The rules are in
``arrears.services_remedies``; every payment a remedy brings reaches the worker's arrears line items as
``arrears.Payment`` rows with their ``source`` and ``remedy``."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from casework.models.base import AuditedModel, TimeStamped


__all__ = ["Remedy"]


class Remedy(AuditedModel, TimeStamped):
    class Kind(models.TextChoices):
        CONTRACTOR_PAYS_FIRST = "contractor_pays_first", _("general contractor pays first (先行清偿)")
        GUARANTEE_DRAW = "guarantee_draw", _("wage guarantee drawn (工资保证金)")
        EMERGENCY_FUND = "emergency_fund", _("emergency revolving fund advance (应急周转金)")

    class State(models.TextChoices):
        ISSUED = "issued", _("notice issued, awaiting payment")
        PAID = "paid", _("paid")
        TOPPED_UP = "topped_up", _("paid; guarantee topped up")
        RECOVERED = "recovered", _("advance recovered from the employer")

    complaint = models.ForeignKey("casework.Complaint", on_delete=models.PROTECT, related_name="remedies",
                                  verbose_name=_("case"))
    order = models.ForeignKey("casework.InspectionDocument", on_delete=models.PROTECT, related_name="remedies",
                              verbose_name=_("unperformed order"))
    kind = models.CharField(_("remedy"), max_length=24, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ISSUED)
    notice_no = models.CharField(_("notice number"), max_length=64, unique=True)
    notice_text = models.TextField(_("notice text"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    issued_on = models.DateField(_("issued on"))
    amount = models.DecimalField(_("amount demanded"), max_digits=14, decimal_places=2)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2, default=0)
    payer = models.ForeignKey("casework.Employer", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("who must pay"))
    # guarantee draw
    guarantee = models.ForeignKey("arrears.WageGuarantee", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="draws", verbose_name=_("wage guarantee"))
    bank_name = models.CharField(_("bank notified"), max_length=100, blank=True)
    bank_paid_on = models.DateField(_("bank paid on"), null=True, blank=True)
    topped_up_on = models.DateField(_("guarantee topped up on"), null=True, blank=True)
    topped_up_amount = models.DecimalField(_("amount topped up"), max_digits=14, decimal_places=2, default=0)
    # emergency fund: the claim to recover
    fund_name = models.CharField(_("fund"), max_length=100, blank=True)
    recovered_amount = models.DecimalField(_("amount recovered from the employer"), max_digits=14,
                                           decimal_places=2, default=0)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        constraints = [
            # One guarantee draw per order (Migrant Wage Reg. art. 32; 人社部发〔2021〕65号): a second is refused by
            # the service with the rule cited, and by the database if two clerks press at once.
            models.UniqueConstraint(fields=["order"], condition=Q(kind="guarantee_draw"),
                                    name="remedy_one_guarantee_draw_per_order"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="remedy_amount_positive"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0) & Q(amount_paid__lte=models.F("amount")),
                                   name="remedy_paid_within_amount"),
            models.CheckConstraint(condition=~Q(kind="guarantee_draw") | Q(guarantee__isnull=False),
                                   name="remedy_draw_has_guarantee"),
            models.CheckConstraint(condition=Q(recovered_amount__gte=0) & Q(topped_up_amount__gte=0),
                                   name="remedy_recovered_topup_nonneg"),
        ]

    def __str__(self):
        return self.notice_no

    @property
    def outstanding(self):
        return max(self.amount - self.amount_paid, 0)

    @property
    def recovery_outstanding(self):
        """Emergency fund: what the county still has to recover from the employer."""
        return max(self.amount_paid - self.recovered_amount, 0)


def _reload_rules(sender, using="default", **kwargs):
    """After a flush (transactional tests) the rule rows migration loaded are gone: load them again. Idempotent."""
    if getattr(sender, "name", "") != "arrears":
        return
    from django.apps import apps

    from .reference_remedies import load_rules

    if not apps.get_model("casework", "DeadlineRule").objects.using(using).filter(
            rule_id="REM-GUARANTEE-BANK-PAY").exists():
        load_rules(apps.get_model)


post_migrate.connect(_reload_rules, dispatch_uid="arrears-remedies-reload-rules")
