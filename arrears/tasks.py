"""Scheduled jobs of the arrears app (Celery, autodiscovered). Thin wrappers over one service each, idempotent.

The beat entry lives in settings.CELERY_BEAT_SCHEDULE:
    "remedy-overdue-alerts": {"task": "arrears.tasks.remedy_overdue_alerts", "schedule": timedelta(minutes=15)}"""
import logging

from celery import shared_task

from casework.audit import acting

__all__ = ["remedy_overdue_alerts"]

log = logging.getLogger(__name__)


@shared_task(name="arrears.tasks.remedy_overdue_alerts")
def remedy_overdue_alerts() -> int:
    """A system alert for every guarantee draw whose bank payment or top-up is past its legal due date."""
    from .services_remedies import remedy_overdue_alerts as sweep

    with acting(None, channel="task"):
        n = sweep()
    if n:
        log.info("remedies: %s new overdue alert(s)", n)
    return n
