"""The one entry point every layer calls to tell someone something. It imports no track."""
from django.contrib.auth import get_user_model

from .models import Notification

__all__ = ["notify_staff"]


def notify_staff(*, recipients, event: str, message: str, case_number: str = "") -> int:
    """In-app notification to staff users (written in the caller's transaction)."""
    User = get_user_model()
    rows = [Notification(recipient=u, event=event, message=str(message)[:255], case_number=case_number)
            for u in recipients if isinstance(u, User)]
    Notification.objects.bulk_create(rows)
    return len(rows)
