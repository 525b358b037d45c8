"""Parties: persons (workers, representatives) and employers. Personal data is encrypted at rest; lookups go
through keyed hashes; displays go through casework.privacy."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedCharField
from .base import AuditedModel, TimeStamped
from .reference import Region

__all__ = ["Person", "Employer", "Language"]


class Language(models.TextChoices):
    ZH = "zh-hans", "中文"
    BO = "bo", "བོད་ཡིག"
    EN = "en", "English"


class Person(AuditedModel, TimeStamped):
    class IdType(models.TextChoices):
        RESIDENT = "resident", _("resident identity card")
        HK_MO = "hkmo", _("Hong Kong/Macao residence permit")
        TW = "tw", _("Taiwan residence permit")
        FOREIGN_PR = "foreign_pr", _("foreign permanent residence card")
        PASSPORT = "passport", _("passport")
        OTHER = "other", _("other")

    class Household(models.TextChoices):
        RURAL = "rural", _("rural")
        URBAN = "urban", _("urban")
        UNKNOWN = "unknown", _("unknown")

    name = EncryptedCharField(_("name"), max_length=64, blank=True)
    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = EncryptedCharField(_("ID number"), max_length=32, blank=True)
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    household_type = models.CharField(_("household"), max_length=8, choices=Household.choices,
                                      default=Household.UNKNOWN)
    phone = EncryptedCharField(_("phone"), max_length=16, blank=True)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True, db_index=True)
    address = EncryptedCharField(_("address"), max_length=255, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    preferred_language = models.CharField(_("preferred language"), max_length=8, choices=Language.choices,
                                          default=Language.ZH)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):  # never the name or ID: spec §12 keeps PII out of __str__
        return f"Person #{self.pk}"


class Employer(AuditedModel, TimeStamped):
    name = models.CharField(_("employer name"), max_length=200, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, null=True, blank=True, unique=True)
    registration_region_code = models.CharField(_("registration region"), max_length=6, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    legal_rep_name = models.CharField(_("legal representative"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    is_construction = models.BooleanField(_("construction"), default=False)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self):
        return self.name
