"""Scheduled jobs (Celery; the beat schedule is in settings.CELERY_BEAT_SCHEDULE). Each is a thin wrapper over one
service and is idempotent: with a Redis broker a job can be delivered twice (stack.md gotcha 13), and beat may run
late and catch up, so running a job again must change nothing that the first run already did.

Every run is one audit context (channel "task"), so the history rows one sweep writes share one change id."""
import logging

from celery import shared_task

from .audit import acting

__all__ = ["sweep_deadlines", "fire_workflow_timers", "recompute_provisional_deadlines", "deadline_reminders", "purge_expired_drafts",
           "run_job", "sweep_jobs"]

log = logging.getLogger(__name__)


@shared_task(name="casework.tasks.sweep_deadlines")
def sweep_deadlines() -> int:
    """Mark OPEN/EXTENDED deadlines whose due date has passed as BREACHED. Returns how many changed."""
    from .services.deadlines import deadline_sweep

    with acting(None, channel="task"):
        n = deadline_sweep()
    if n:
        log.info("deadline sweep: %s deadline(s) breached", n)
    return n


@shared_task(name="casework.tasks.fire_workflow_timers")
def fire_workflow_timers() -> int:
    """Fire Viewflow's database-backed timers (``flow.Timer``, ``.OnTimeout``) and armed conditional events that
    are due. Viewflow's own dispatchers lock each task and skip what another dispatcher holds, so concurrent or
    repeated runs are safe. Start timers (``fire_due_start_timers``) are deliberately not fired here: Viewflow
    documents them as single-dispatcher only, and no flow of this project has one."""
    try:
        from viewflow.workflow import timers
    except ImportError:  # an installed viewflow without database timers
        log.info("viewflow.workflow.timers is not available: no workflow timers to fire")
        return 0
    fired = 0
    with acting(None, channel="task"):
        for name in ("fire_due_timers", "fire_due_conditions"):
            dispatcher = getattr(timers, name, None)
            if dispatcher is None:
                log.info("viewflow.workflow.timers.%s is not available: skipped", name)
                continue
            fired += dispatcher() or 0
    return fired


@shared_task(name="casework.tasks.recompute_provisional_deadlines")
def recompute_provisional_deadlines() -> int:
    """Recount deadlines computed on plain weekdays once the missing year's calendar has been loaded."""
    from .services.deadlines import deadlines_recompute_provisional

    with acting(None, channel="task"):
        return deadlines_recompute_provisional()


@shared_task(name="casework.tasks.deadline_reminders")
def deadline_reminders() -> dict:
    """Reminders at T-3 and T-1 working days, breach alerts to the region's heads and the supervision flag
    (casework.services.notices.deadline_reminders). Breaches are marked first, so one run sees them."""
    from .services.deadlines import deadline_sweep
    from .services.notices import deadline_reminders as run

    with acting(None, channel="task"):
        deadline_sweep()
        return run()


@shared_task(name="casework.tasks.purge_expired_drafts")
def purge_expired_drafts() -> int:
    from .services.evidence import drafts_purge_expired

    with acting(None, channel="task"):
        return drafts_purge_expired()


@shared_task(name="casework.tasks.run_job", acks_late=True)
def run_job(job_id: str) -> str:
    """Run one background job (casework.services.jobs). Idempotent: a job already claimed is skipped."""
    from .services.jobs import run_job_now

    return run_job_now(job_id)


@shared_task(name="casework.tasks.sweep_jobs")
def sweep_jobs() -> int:
    """Beat, every minute: jobs still queued (their first enqueue was lost, e.g. the broker was down) go again."""
    from .services.jobs import jobs_sweep

    return jobs_sweep()
