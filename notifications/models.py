"""In-app notifications for staff. Issue #5 adds the outbox, SMS and email channels on top of this table."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Notification"]


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=48)
    case_number = models.CharField(_("case number"), max_length=24, blank=True)
    message = models.CharField(_("message"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
