"""Celery tasks of the outbox. Both are idempotent (a redelivered job finds the message sent or leased and does
nothing)."""
from celery import shared_task

__all__ = ["dispatch_message", "redispatch_pending"]


@shared_task(name="notifications.tasks.dispatch_message", acks_late=True)
def dispatch_message(message_id: int) -> str:
    from .outbox import dispatch

    return dispatch(message_id)


@shared_task(name="notifications.tasks.redispatch_pending")
def redispatch_pending() -> int:
    """Beat, every minute: whatever is pending and due, or stuck in an expired lease, is sent again."""
    from .outbox import redispatch_due

    return redispatch_due()
