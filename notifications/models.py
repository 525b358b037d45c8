"""Notifications: the in-app inbox of staff users (``Notification``) and the outbox (``Message``), one row per
message to one recipient on one channel, written in the same transaction as the change that causes it.

The outbox is an operational log, not an audited domain record (no django-simple-history): each row records its
own attempts (``attempts``, ``attempt_log``, ``last_error``) and is changed only by notifications.outbox."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.fields import EncryptedCharField

__all__ = ["Notification", "Message"]


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


class Message(models.Model):
    """One message to one recipient by one channel. ``idempotency_key`` is unique: writing the same message twice
    (a retried request, a sweep run twice) is a no-op, and the SMS gateway receives the key so that a resend after a
    crash is not delivered twice."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("worker")
        STAFF = "staff", _("staff")
        EMPLOYER = "employer", _("employer")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("email")
        INAPP = "inapp", _("in-app")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("not delivered")
        CANCELLED = "cancelled", _("no longer relevant")

    idempotency_key = models.CharField(max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=48)
    case_number = models.CharField(_("case number"), max_length=24, blank=True, db_index=True)
    region_code = models.CharField(_("region"), max_length=6, blank=True)
    recipient_kind = models.CharField(_("recipient"), max_length=10, choices=Kind.choices)
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    address = EncryptedCharField(_("address"), max_length=254, blank=True)  # phone or e-mail: personal data
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    # A dotted path to ``f(message) -> bool`` asked just before sending: False cancels a message that is no longer
    # true (a reminder for a deadline met or extended meanwhile). Empty: always send.
    guard = models.CharField(max_length=120, blank=True)
    guard_args = models.JSONField(default=dict, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    attempt_log = models.JSONField(default=list, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # the redispatch sweep: pending and due, or sending with an expired lease
            models.Index(fields=["status", "next_attempt_at"], name="msg_status_next_idx"),
            models.Index(fields=["status", "lease_until"], name="msg_status_lease_idx"),
        ]

    def __str__(self):
        return self.idempotency_key
