"""Deadlines stored per case (spec §12.10). Generic over the case type so every track uses the same table and
the same sweeps."""
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import AuditedModel
from .reference import Region, TimeUnit

__all__ = ["Deadline"]


class Deadline(AuditedModel):
    class Status(models.TextChoices):
        OPEN = "OPEN", _("open")
        MET = "MET", _("met")
        BREACHED = "BREACHED", _("breached")
        EXTENDED = "EXTENDED", _("extended")
        PAUSED = "PAUSED", _("paused")
        WAIVED = "WAIVED", _("no longer applies")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("content_type", "object_id")
    case_number = models.CharField(_("case number"), max_length=24, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("calendar region"))

    rule_id = models.CharField(_("rule"), max_length=64)
    n = models.PositiveIntegerField(_("number"))
    unit = models.CharField(_("unit"), max_length=5, choices=TimeUnit.choices)
    anchor_event = models.CharField(_("anchor event"), max_length=64)
    anchor_date = models.DateField(_("anchor date"))
    due_date = models.DateField(_("due date"), db_index=True)
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("days paused"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    provisional = models.BooleanField(_("provisional"), default=False,
                                      help_text=_("computed on plain weekdays: a year's holidays are not loaded"))
    citation = models.CharField(_("citation"), max_length=255)
    met_at = models.DateField(_("met on"), null=True, blank=True)
    reminded_at = models.DateField(_("reminded on"), null=True, blank=True)
    # Last reminder stage sent for the current due date: 3 or 1 (working days before), 0 = breach alerted.
    # Reset when the deadline is extended (a new due date gets its own reminders).
    reminder_stage = models.PositiveSmallIntegerField(_("last reminder (working days before)"), null=True,
                                                      blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self):
        return f"{self.case_number} {self.rule_id} {self.effective_due}"

    @property
    def effective_due(self):
        return self.extended_to or self.due_date
