"""Background jobs with progress: the one API every long operation uses (exports, imports of configuration
tables, bulk operations). See docs/dashboards.md.

    register_job("holidays.import", fn, title=_l("Import holidays"), roles=("sysadmin",))
    job = start_job("holidays.import", user, {"year": 2027})       # -> BackgroundJob, queued
    # fn(job, progress) runs in a Celery worker (casework.tasks.run_job):
    def fn(job, progress):
        for i, row in enumerate(rows, 1):
            ...
            progress(i, len(rows), _l("Importing"))               # throttled: not one UPDATE per row
        return "holidays.csv", b"..."                              # or None: nothing to download

Progress inside one transaction: a job whose work is one transaction (the yearly grading run) cannot show its
progress through its own database row, which nobody sees before the commit. ``progress`` therefore also writes to
the shared cache (Redis, or the file cache every process on the machine shares), and while the job runs
``job_for_user`` reads the live figures from there; outside a transaction the row is updated as well (throttled).

A kind may give ``link(job) -> url | None``: where its result is (the grading run it made), shown on the job page
and in the API as ``result_url`` once the job is done.

Delivery: ``start_job`` enqueues ``casework.tasks.run_job`` after the transaction commits. If the broker is down
(kombu ``OperationalError`` or any connection error) the row simply stays ``queued``: the beat task
``casework.tasks.sweep_jobs`` (every minute) enqueues every job still queued after ``JOBS_REQUEUE_AFTER`` seconds.
``run_job`` claims a job with one conditional UPDATE (queued → running), so a job delivered twice runs once.

``message`` and ``error`` are shown to the user: write them as translatable texts (gettext_lazy msgids, with no
personal data); they are stored as the msgid and translated when shown. An exception's own text is logged for the
administrator, never shown.
"""
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from ..access import has_role
from ..errors import DomainError, NotAllowed
from ..models import BackgroundJob

__all__ = ["register_job", "start_job", "job_for_user", "save_result", "run_job_now", "enqueue_job",
           "jobs_sweep", "job_kinds", "JobKind", "JobFailed", "job_text", "GENERIC_FAILURE", "result_url"]

log = logging.getLogger(__name__)

GENERIC_FAILURE = _l("The job failed. Please try again; if it fails again, tell the system administrator.")
SYSADMIN = "sysadmin"


class JobFailed(Exception):
    """Raise from a job function to fail it with a message for the user (a translatable text, no personal data)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.user_message = message


@dataclass(frozen=True)
class JobKind:
    kind: str
    fn: Callable
    title: object
    roles: tuple
    link: Callable | None = None


_KINDS: dict[str, JobKind] = {}


def register_job(kind: str, fn, *, title: str, roles: tuple[str, ...], link=None) -> None:
    """Declare a kind of job. ``fn(job, progress)`` does the work; ``roles`` may start it; ``link(job)`` gives the
    address of its result, if it has one besides a file. Registering the same kind again replaces it (module reloads
    in development)."""
    _KINDS[kind] = JobKind(kind=kind, fn=fn, title=title, roles=tuple(roles), link=link)


def result_url(job: BackgroundJob) -> str:
    """Where a finished job's result is (its kind's ``link``), or ""."""
    spec = _KINDS.get(job.kind)
    if job.state != BackgroundJob.State.DONE or spec is None or spec.link is None:
        return ""
    try:
        return spec.link(job) or ""
    except Exception:  # a link that cannot be made is no reason to fail the page
        log.warning("no result link for job %s", job.pk, exc_info=True)
        return ""


def _live_key(job_id) -> str:
    return f"jobs:progress:{job_id}"


def _with_live_progress(job: BackgroundJob) -> BackgroundJob:
    """A running job's figures from the cache, where they are newer than the row (see the module's docstring)."""
    if job.state != BackgroundJob.State.RUNNING:
        return job
    try:
        live = cache.get(_live_key(job.pk))
    except Exception:  # the cache is down: the row's figures are what we have
        log.warning("job progress: cache unavailable", exc_info=True)
        return job
    if live and live[0] >= job.done:
        job.done, job.total, job.message = live
    return job


def job_kinds() -> dict[str, JobKind]:
    return dict(_KINDS)


def _msgid(text) -> str:
    """What is stored for a user-facing text: the msgid of a lazy translation (translated again when shown), a
    plain string as it is."""
    if text is None:
        return ""
    args = getattr(text, "_args", None)
    if isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return str(text)


def job_text(stored: str) -> str:
    """A stored message or error in the current language."""
    from django.utils.translation import gettext

    return gettext(stored) if stored else ""


def enqueue_job(job_id) -> bool:
    """Hand the job to the workers. Never raises: with the broker down the job stays queued for the sweep."""
    from ..tasks import run_job

    try:
        run_job.apply_async(args=[str(job_id)], retry=False)
        return True
    except Exception as e:  # kombu.exceptions.OperationalError, connection errors: the row is the durable record
        log.warning("broker unavailable, job %s stays queued for the sweep: %s", job_id, e.__class__.__name__)
        return False


def start_job(kind: str, user, params: dict, *, title=None) -> BackgroundJob:
    """Create a queued job for ``user`` and enqueue it once the surrounding transaction commits."""
    spec = _KINDS.get(kind)
    if spec is None:
        raise DomainError({"__all__": [_l("Unknown kind of job.")]})
    if not has_role(user, *spec.roles):
        raise NotAllowed({"__all__": [_l("You may not start this job.")]})
    job = BackgroundJob.objects.create(kind=kind, title=_msgid(title or spec.title)[:200], created_by=user,
                                       params=params or {})
    transaction.on_commit(lambda pk=job.pk: enqueue_job(pk))
    return job


def job_for_user(user, job_id) -> BackgroundJob:
    """The job, if ``user`` started it (or is a sysadmin); NotAllowed otherwise, as for a job that does not exist."""
    job = None
    if getattr(user, "is_authenticated", False):
        job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None or (job.created_by_id != user.pk and not has_role(user, SYSADMIN)):
        raise NotAllowed({"__all__": [_l("No such job, or it is not yours to see.")]})
    return _with_live_progress(job)


def save_result(job: BackgroundJob, filename: str, content: bytes) -> BackgroundJob:
    """Store the job's downloadable result in private storage (under jobs/)."""
    if job.result_file:
        job.result_file.delete(save=False)
    job.result_file.save(filename, ContentFile(content), save=False)
    job.result_name = filename[:255]
    BackgroundJob.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_name=job.result_name)
    return job


class _Progress:
    """``progress(done, total=None, message="")``: saves at most every ``JOBS_PROGRESS_SECONDS`` (0.5 s) or every
    1 % of the total, and always the last step (done == total)."""

    def __init__(self, job: BackgroundJob):
        self.job = job
        self.every = float(getattr(settings, "JOBS_PROGRESS_SECONDS", 0.5))
        self.last_at = 0.0
        self.last_done = None
        self.writes = 0
        # transactions already open when the job started (a test's own); one the job opens hides the row
        self.depth = len(transaction.get_connection().atomic_blocks)

    def __call__(self, done: int, total: int | None = None, message="") -> None:
        job = self.job
        if total is not None:
            job.total = max(0, int(total))
        job.done = max(0, int(done))
        if message:
            job.message = _msgid(message)
        now = time.monotonic()
        due = (self.last_done is None or now - self.last_at >= self.every
               or (job.total and (job.done - self.last_done >= max(1, job.total // 100) or job.done >= job.total)))
        if not due:
            return
        self.last_at, self.last_done = now, job.done
        self.writes += 1
        try:
            cache.set(_live_key(job.pk), (job.done, job.total, job.message), timeout=24 * 3600)
        except Exception:  # the cache is down: the row below (if it can be written) is all there is
            log.warning("job progress: cache unavailable", exc_info=True)
        if len(transaction.get_connection().atomic_blocks) <= self.depth:  # in the job's own transaction nobody
            # would see the row before the commit
            BackgroundJob.objects.filter(pk=job.pk).update(done=job.done, total=job.total, message=job.message)


def run_job_now(job_id) -> str:
    """Run one job in this process (the Celery task calls this). Idempotent: only a queued job is claimed."""
    from ..audit import acting

    now = timezone.now()
    claimed = BackgroundJob.objects.filter(pk=job_id, state=BackgroundJob.State.QUEUED).update(
        state=BackgroundJob.State.RUNNING, started_at=now)
    if not claimed:
        return "skipped"
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id)
    spec = _KINDS.get(job.kind)
    progress = _Progress(job)
    try:
        if spec is None:
            raise JobFailed(_l("This kind of job is no longer available."))
        with acting(job.created_by, channel="task"):
            result = spec.fn(job, progress)
        if result:
            filename, content = result
            save_result(job, filename, content)
    except JobFailed as e:
        _fail(job, _msgid(e.user_message))
        return "failed"
    except Exception:  # the traceback goes to the log, never to the user
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(job, _msgid(GENERIC_FAILURE))
        return "failed"
    total = job.total if job.total is not None else job.done
    BackgroundJob.objects.filter(pk=job.pk).update(state=BackgroundJob.State.DONE, finished_at=timezone.now(),
                                                   done=max(job.done, total), total=total, message=job.message)
    return "done"


def _fail(job, error: str):
    BackgroundJob.objects.filter(pk=job.pk).update(state=BackgroundJob.State.FAILED, finished_at=timezone.now(),
                                                   error=error, message=job.message)


def jobs_sweep(*, now=None) -> int:
    """Enqueue again every job still queued ``JOBS_REQUEUE_AFTER`` seconds (60) after it was created: its first
    enqueue was lost (broker down) or its worker never started it. Returns how many were handed over."""
    now = now or timezone.now()
    after = float(getattr(settings, "JOBS_REQUEUE_AFTER", 60))
    stale = BackgroundJob.objects.filter(state=BackgroundJob.State.QUEUED,
                                         created_at__lte=now - dt.timedelta(seconds=after))
    n = 0
    for pk in stale.values_list("pk", flat=True)[:500]:
        if not enqueue_job(pk):
            break
        n += 1
    return n
