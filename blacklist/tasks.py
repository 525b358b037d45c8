"""Beat job (settings.CELERY_BEAT_SCHEDULE["blacklist-expiry-sweep"]): listings past their 3-year period expire and
leave the public registry. Idempotent, one audit context per run (like casework.tasks)."""
import logging

from celery import shared_task

from casework.audit import acting

__all__ = ["expire_listings"]

log = logging.getLogger(__name__)


@shared_task(name="blacklist.tasks.expire_listings")
def expire_listings() -> int:
    from .services import listing_expire_sweep

    with acting(None, channel="task"):
        n = listing_expire_sweep()
    if n:
        log.info("blacklist expiry sweep: %s listing(s) expired and removed", n)
    return n
