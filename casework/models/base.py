"""Cross-cutting model pieces: every domain model is audited (django-simple-history) and each history row
carries the request id that ties together everything one action changed (NetBox's change-record idea)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["HistoryBase", "AuditedModel", "TimeStamped", "clean_local", "AppendOnly", "TimelineEvent"]


def clean_local(obj, *, exclude=()):
    """``full_clean`` without the checks that cost a query each and that the database enforces anyway: foreign
    keys exist, unique values are unique, check constraints hold (Django runs a SELECT per constraint). For hot
    paths (intake) where the input was already validated; anything the database refuses still raises."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=[*relations, *exclude], validate_unique=False, validate_constraints=False)


class HistoryBase(models.Model):
    """Extra columns on every historical table."""

    request_id = models.CharField(_("change id"), max_length=36, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # History is append-only: a history row is written once and never changed (the database refuses too,
        # see casework.signals.install_append_only_triggers).
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise PermissionError("history rows are append-only")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("history rows are append-only")


class AuditedModel(models.Model):
    history = HistoricalRecords(inherit=True, bases=[HistoryBase])

    class Meta:
        abstract = True


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnly(models.Model):
    """A log row: written once, never changed or deleted (case timelines, the personal-data access log)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self._meta.verbose_name} rows are append-only")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name} rows are append-only")


class TimelineEvent(AppendOnly):
    """A timeline entry in plain words: what happened, who did it, whether the parties may see it, and the change id
    that ties it to the history rows of the same action. Each track adds the foreign key to its case."""

    code = models.CharField(max_length=48)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    public = models.BooleanField(default=False)
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=36, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
