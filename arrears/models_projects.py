"""A construction project's wage safeguards (spec §11, Migrant Wage Regulation arts. 24–34): the dedicated wage
account, the wage guarantee, the rights notice board, the real-name roster and the monthly payroll ledger. The
project itself is ``casework.Project`` (the core record complaints and campaigns refer to)."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.fields import EncryptedCharField
from casework.models.base import AuditedModel, TimeStamped

__all__ = ["WageAccount", "WageGuarantee", "NoticeBoard", "RosterEntry", "PayrollBatch", "PayrollLine",
           "SettlementNotice", "SettlementObjection"]


class WageAccount(AuditedModel, TimeStamped):
    """农民工工资专用账户 (art. 26): one per project, opened within the configured period of the contract."""

    project = models.OneToOneField("casework.Project", on_delete=models.CASCADE, related_name="wage_account")
    bank_name = models.CharField(_("bank"), max_length=100)
    account_name = models.CharField(_("account name"), max_length=255)
    account_number = EncryptedCharField(_("account number"), max_length=40)
    account_last4 = models.CharField(_("account number (last 4)"), max_length=4)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("dedicated wage account")
        verbose_name_plural = _("dedicated wage accounts")

    @property
    def masked_number(self) -> str:
        return f"****{self.account_last4}"


class WageGuarantee(AuditedModel, TimeStamped):
    """工资保证金 (art. 32): a cash deposit or a bank guarantee (保函)."""

    class Form(models.TextChoices):
        CASH = "cash", _("cash deposit")
        BANK_GUARANTEE = "bank_guarantee", _("bank guarantee (保函)")

    class State(models.TextChoices):
        HELD = "held", pgettext_lazy("wage guarantee state", "held")
        REFUNDED = "refunded", _("refunded")
        EXEMPT = "exempt", _("exempt")

    project = models.OneToOneField("casework.Project", on_delete=models.CASCADE, related_name="wage_guarantee")
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    required_amount = models.DecimalField(_("required amount"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    ratio_applied = models.DecimalField(_("ratio applied"), max_digits=6, decimal_places=4, null=True, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    reference = models.CharField(_("guarantee or deposit reference"), max_length=100, blank=True)
    deposited_on = models.DateField(_("deposited on"), null=True, blank=True)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=0)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.HELD)
    exemption_reason = models.CharField(_("exemption reason"), max_length=255, blank=True)
    # refund after completion, settlement and the public notice (人社部发〔2021〕65号; arrears.services_settlement)
    refund_applied_on = models.DateField(_("refund applied for on"), null=True, blank=True)
    refund_applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+", verbose_name=_("refund applied for by"))
    refund_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+", verbose_name=_("refund approved by"))
    refunded_on = models.DateField(_("refunded on"), null=True, blank=True)
    refunded_amount = models.DecimalField(_("amount refunded"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)

    class Meta:
        verbose_name = _("wage guarantee")
        verbose_name_plural = _("wage guarantees")
        constraints = [
            # the head who approves a refund is never the account that applied for it (four eyes)
            models.CheckConstraint(condition=Q(refund_approved_by__isnull=True)
                                   | ~Q(refund_approved_by=F("refund_applied_by")),
                                   name="guarantee_refund_other_approver"),
            models.CheckConstraint(condition=~Q(state="refunded")
                                   | (Q(refunded_on__isnull=False) & Q(refund_approved_by__isnull=False)),
                                   name="guarantee_refunded_has_approval"),
        ]


class NoticeBoard(AuditedModel, TimeStamped):
    """维权信息告示牌 (art. 34): a photo and the required contents."""

    project = models.OneToOneField("casework.Project", on_delete=models.CASCADE, related_name="notice_board")
    photo = models.FileField(_("photo"), upload_to="projects/boards/%Y/%m/", blank=True)
    photo_taken_on = models.DateField(_("photo taken on"), null=True, blank=True)
    shows_parties = models.BooleanField(_("developer, contractor and subcontractors"), default=False)
    shows_minimum_wage = models.BooleanField(_("local minimum wage"), default=False)
    shows_pay_date = models.BooleanField(_("pay date"), default=False)
    pay_day_of_month = models.PositiveSmallIntegerField(_("pay day of the month"), null=True, blank=True)
    hotline = models.CharField(_("complaint hotline"), max_length=32, blank=True)
    mediation_channel = models.CharField(_("mediation and arbitration channels"), max_length=255, blank=True)
    legal_aid = models.CharField(_("legal aid"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("rights notice board")
        verbose_name_plural = _("rights notice boards")


class RosterEntry(AuditedModel, TimeStamped):
    """实名制 (art. 28): a worker on the project's real-name roster."""

    project = models.ForeignKey("casework.Project", on_delete=models.CASCADE, related_name="roster")
    worker = models.ForeignKey("casework.Person", on_delete=models.PROTECT, related_name="roster_entries")
    employer = models.ForeignKey("casework.Employer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("employing unit"))
    trade = models.CharField(_("trade"), max_length=64, blank=True)
    entered_on = models.DateField(_("entered on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    bank_last4 = models.CharField(_("worker's bank card (last 4)"), max_length=4, blank=True)

    class Meta:
        ordering = ["entered_on", "id"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [models.UniqueConstraint(fields=["project", "worker", "entered_on"], name="roster_once")]


class PayrollBatch(AuditedModel, TimeStamped):
    """One month's payroll (工资支付台账, art. 15 and 31) of one employing unit on the project, signed by the
    subcontractor; kept at least the configured number of years."""

    project = models.ForeignKey("casework.Project", on_delete=models.CASCADE, related_name="payrolls")
    employer = models.ForeignKey("casework.Employer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("employing unit"))
    period = models.DateField(_("month"), help_text=_("the first day of the month paid"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    signed_by_subcontractor = models.BooleanField(_("signed by the subcontractor"), default=False)
    source_file = models.FileField(_("uploaded file"), upload_to="projects/payroll/%Y/%m/", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    keep_until = models.DateField(_("keep until"), null=True, blank=True)

    class Meta:
        ordering = ["period", "id"]
        verbose_name = _("payroll")
        verbose_name_plural = _("payrolls")
        constraints = [models.UniqueConstraint(fields=["project", "employer", "period"], name="payroll_month_once")]


class PayrollLine(AuditedModel):
    batch = models.ForeignKey(PayrollBatch, on_delete=models.CASCADE, related_name="lines")
    worker = models.ForeignKey("casework.Person", on_delete=models.PROTECT, related_name="payroll_lines")
    days_worked = models.DecimalField(_("days worked"), max_digits=5, decimal_places=1)
    gross = models.DecimalField(_("gross pay"), max_digits=12, decimal_places=2)
    deductions = models.DecimalField(_("deductions"), max_digits=12, decimal_places=2, default=0)
    net = models.DecimalField(_("net pay"), max_digits=12, decimal_places=2)
    paid_to_own_account = models.BooleanField(_("paid into the worker's own account"), default=True)
    payee_last4 = models.CharField(_("payee account (last 4)"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("payroll line")
        verbose_name_plural = _("payroll lines")
        constraints = [
            models.UniqueConstraint(fields=["batch", "worker"], name="payroll_line_once"),
            models.CheckConstraint(condition=models.Q(gross__gte=0) & models.Q(deductions__gte=0)
                                   & models.Q(net__gte=0), name="payroll_line_not_negative"),
        ]


class SettlementNotice(AuditedModel, TimeStamped):
    """工资结算公示: the wage-settlement public notice the general contractor posts on site after completion (MWR
    art. 27; 人社部发〔2021〕65号). Its period (rule PROJ-SETTLE-NOTICE) is computed by the legal clock when it is
    posted; re-posting starts it again."""

    project = models.OneToOneField("casework.Project", on_delete=models.CASCADE, related_name="settlement_notice")
    posted_on = models.DateField(_("posted on"))
    ends_on = models.DateField(_("notice period ends on"))
    ends_on_provisional = models.BooleanField(_("end date provisional (calendar not loaded)"), default=False)
    photo = models.FileField(_("photo of the posted notice"), upload_to="projects/settlement/%Y/%m/")
    commitment = models.FileField(_("signed no-arrears commitment (承诺书)"), upload_to="projects/settlement/%Y/%m/")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("wage-settlement notice")
        verbose_name_plural = _("wage-settlement notices")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gt=F("posted_on")),
                                              name="settlement_notice_ends_after_posting")]


class SettlementObjection(AuditedModel, TimeStamped):
    """A worker's objection to the settlement notice (he says he is unpaid), recorded by an inspector; it must be
    resolved (paid / unfounded, with a note) before the project is settled."""

    class Resolution(models.TextChoices):
        PAID = "paid", _("resolved: paid")
        UNFOUNDED = "unfounded", _("resolved: unfounded")

    notice = models.ForeignKey(SettlementNotice, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("received on"))
    text = models.TextField(_("objection"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    resolution = models.CharField(_("resolution"), max_length=12, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(_("resolution note"), max_length=2000, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("settlement objection")
        verbose_name_plural = _("settlement objections")
        constraints = [models.CheckConstraint(
            condition=(Q(resolution="") & Q(resolved_on__isnull=True))
            | (~Q(resolution="") & Q(resolved_on__isnull=False) & ~Q(resolution_note="")),
            name="settlement_objection_resolved_whole")]

    @property
    def is_open(self) -> bool:
        return not self.resolution
