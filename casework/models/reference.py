"""Reference and configuration tables: regions, the layered holiday calendar, the rule table of deadlines and
effective-dated legal parameters. None of their values live in code: they are rows, each with its source."""
from decimal import Decimal

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .base import AuditedModel

__all__ = ["prefix_of", "region_chain", "Region", "Holiday", "CalendarCoverage", "DeadlineRule", "LegalParameter", "TimeUnit"]


class Region(AuditedModel):
    """GB/T 2260 administrative division. ``prefix`` is the code without its trailing zero pairs, so that
    "every case in Lhasa" is ``region_id__startswith='5401'``: one indexed range query, whatever the depth."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")
        COUNTY = "county", _("county")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    name_bo = models.CharField(_("Tibetan name"), max_length=128, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        permissions = [
            ("handle_cases", _("Handle cases in this region")),
            ("view_cases", _("Read cases in this region")),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.code})"

    @property
    def display_name(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        if lang.startswith("en") and self.name_en:
            return self.name_en
        if lang.startswith("bo") and self.name_bo:
            return self.name_bo
        return self.name_zh

    @property
    def prefix(self) -> str:
        return prefix_of(self.code)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    def chain(self) -> list[str]:
        """Codes from this region up to the province: county → prefecture → province."""
        return region_chain(self.code)


def region_chain(code: str) -> list[str]:
    """A code and the codes above it, most specific first: county → prefecture → province (no duplicates)."""
    return list(dict.fromkeys([code, code[:4] + "00", code[:2] + "0000"]))


def prefix_of(code: str) -> str:
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class Holiday(AuditedModel):
    """One row of the layered working-day calendar (spec §2.2 rule 5). ``region`` empty = the national layer.
    The most specific layer that has a row for a date decides it: county → prefecture → province → national."""

    class Kind(models.TextChoices):
        OFF = "off", _("rest day (holiday)")
        MAKEUP_WORKDAY = "workday", _("make-up working day")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True)
    source_doc = models.CharField(_("source document"), max_length=255)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(fields=["region", "date"], name="holiday_unique_region_date"),
            models.UniqueConstraint(fields=["date"], condition=models.Q(region__isnull=True),
                                    name="holiday_unique_national_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarCoverage(AuditedModel):
    """Says that a layer's calendar for a year has been loaded from its official notice. A deadline that runs
    into a year with no national coverage is computed on plain weekdays and marked provisional."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    source_doc = models.CharField(_("source document"), max_length=255)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year loaded")
        verbose_name_plural = _("calendar years loaded")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="coverage_unique_region_year"),
            models.UniqueConstraint(fields=["year"], condition=models.Q(region__isnull=True),
                                    name="coverage_unique_national_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.region_id or 'national'}"


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "WD", _("working days")
    CALENDAR_DAYS = "CD", _("calendar days")
    MONTHS = "MONTH", _("months")
    YEARS = "YEAR", _("years")


class DeadlineRule(AuditedModel):
    """The rule table: every deadline the system computes comes from one row here (spec §2, §4.2)."""

    rule_id = models.CharField(_("rule id"), max_length=64)
    n = models.PositiveIntegerField(_("number"))
    unit = models.CharField(_("unit"), max_length=5, choices=TimeUnit.choices)
    anchor_event = models.CharField(_("anchor event"), max_length=64)
    citation = models.CharField(_("citation"), max_length=255)
    description = models.CharField(_("description"), max_length=255)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        ordering = ["rule_id", "-effective_from"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [models.UniqueConstraint(fields=["rule_id", "effective_from"], name="rule_unique_version")]

    def __str__(self):
        return f"{self.rule_id}: {self.n} {self.unit}"


class LegalParameter(AuditedModel):
    """An effective-dated legal number (an amount, a rate, a count), with its citation, optionally per region
    (``region`` empty = everywhere). Examples: the refusal fine range, the additional-compensation rate range."""

    key = models.CharField(_("key"), max_length=64)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    effective_from = models.DateField(_("effective from"))
    citation = models.CharField(_("citation"), max_length=255)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["key", "-effective_from"]
        verbose_name = _("legal parameter")
        verbose_name_plural = _("legal parameters")
        constraints = [
            models.UniqueConstraint(fields=["key", "region", "effective_from"], name="param_unique_version"),
        ]

    def __str__(self):
        return f"{self.key}={self.value} from {self.effective_from}"

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.value)
