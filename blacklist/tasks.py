"""Beat job (settings.CELERY_BEAT_SCHEDULE["blacklist-expiry-sweep"]): listings past their 3-year period expire and
leave the public registry. Idempotent, one audit context per run (like casework.tasks)."""
import logging

from celery import shared_task

from casework.audit import acting

__all__ = ["expire_listings", "start_grading_runs", "transfer_deadline_alerts", "disclosure_sweep"]

log = logging.getLogger(__name__)


@shared_task(name="blacklist.tasks.expire_listings")
def expire_listings() -> int:
    from .services import listing_expire_sweep

    with acting(None, channel="task"):
        n = listing_expire_sweep()
    if n:
        log.info("blacklist expiry sweep: %s listing(s) expired and removed", n)
    return n


@shared_task(name="blacklist.tasks.start_grading_runs")
def start_grading_runs(year: int | None = None) -> int:
    """Beat job (settings.CELERY_BEAT_SCHEDULE["grading-yearly-runs"], daily in January): the integrity grading
    of the year (spec §10) for every prefecture, from the previous year's records. Idempotent
    (services_grading.grading_run_start): a second run only adds employers newly in scope and updates grades nobody
    has reviewed yet. Returns the number of runs touched."""
    from django.utils import timezone

    from casework.models import Region

    from .services_grading import grading_run_start

    year = year or timezone.localdate().year
    n = 0
    for region in Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code"):
        with acting(None, channel="task"):
            run = grading_run_start(year=year, region_code=region.code, user=None)
        log.info("integrity grading %s %s: %s employer(s)", year, region.code, run.proposals.count())
        n += 1
    return n


@shared_task(name="blacklist.tasks.transfer_deadline_alerts")
def transfer_deadline_alerts() -> dict:
    """Beat job (settings.CELERY_BEAT_SCHEDULE["transfer-deadline-alerts"], hourly): reminders and breach alerts for
    the criminal-transfer deadlines (services_transfer.transfer_deadline_alerts); breaches are marked first by the
    generic sweep, so one run sees them. Idempotent: each stage is sent once per deadline."""
    from casework.services.deadlines import deadline_sweep

    from .services_transfer import transfer_deadline_alerts as run

    with acting(None, channel="task"):
        deadline_sweep()
        stats = run()
    if any(stats.values()):
        log.info("criminal-transfer deadline alerts: %s", stats)
    return stats


@shared_task(name="blacklist.tasks.disclosure_sweep")
def disclosure_sweep() -> dict:
    """Beat job (settings.CELERY_BEAT_SCHEDULE["disclosure-sweep"], hourly): disclosures whose objection period passed
    are archived to the integrity file; those whose display period ended leave the public page
    (services_disclosure.disclosure_sweep; idempotent)."""
    from .services_disclosure import disclosure_sweep as run

    with acting(None, channel="task"):
        stats = run()
    if any(stats.values()):
        log.info("disclosure sweep: %s", stats)
    return stats
