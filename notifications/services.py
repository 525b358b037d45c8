"""The one entry point every layer calls to tell someone something. It imports no track: callers say who (a
``Recipient``), what event and in which language; notifications.outbox does the rest."""
from django.conf import settings
from django.contrib.auth import get_user_model

from .outbox import Recipient, notify, notify_batch

__all__ = ["notify", "notify_batch", "Recipient", "notify_staff", "staff_recipients"]


def notify_staff(*, recipients, event: str, case_number: str = "", context: dict | None = None, sequence="",
                 region_code: str = "", email: bool = False) -> int:
    """In-app notification (and e-mail when ``email`` and the user has an address) to staff users, written in the
    caller's transaction."""
    rs = staff_recipients(recipients, email=email)
    return len(notify(event=event, case_number=case_number, recipients=rs, context=context, sequence=sequence,
                      region_code=region_code))


def staff_recipients(users, *, email: bool = False) -> list[Recipient]:
    User = get_user_model()
    lang = settings.LANGUAGE_CODE
    rs = []
    for u in users:
        if not isinstance(u, User):
            continue
        rs.append(Recipient(kind="staff", channel="inapp", user=u, language=lang))
        if email and u.email:
            rs.append(Recipient(kind="staff", channel="email", user=u, address=u.email, language=lang))
    return rs
