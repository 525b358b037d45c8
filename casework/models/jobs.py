"""Background jobs with progress (exports, imports of configuration tables, bulk operations).

An operational record, not a legal one: not audited (no django-simple-history), and it never holds personal data
in ``message`` or ``error`` (those are plain-words texts written for the user, stored as translatable msgids and
translated when shown). ``params`` holds what the job needs to run again (filters, not data); the result file,
which may hold what the user was allowed to see, lives in private storage under ``jobs/`` and is only served to
the job's creator (or a sysadmin) through ``/staff/jobs/<id>/download/``. See docs/dashboards.md.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["BackgroundJob", "job_result_path"]


def job_result_path(instance, filename):
    return f"jobs/{instance.created_at:%Y/%m}/{instance.pk.hex}-{uuid.uuid4().hex[:8]}"


class BackgroundJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED, db_index=True)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to=job_result_path, max_length=255, null=True,
                                   blank=True)
    result_name = models.CharField(_("result file name"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.kind} {self.pk}"

    @property
    def percent(self) -> int | None:
        """0-100, or None while the total is unknown (a done job is 100)."""
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return None
        return max(0, min(100, int(self.done * 100 // self.total)))

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
