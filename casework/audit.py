"""The audit context: who is acting, and one change id for everything a single action writes.

Services run inside ``acting(user)``; the web middleware opens one per request. Every history row written inside
it gets the acting user and the change id (casework.signals), so "what happened when the inspector pressed Accept"
reads as one event across complaint, deadlines and tasks.
"""
import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["AuditContext", "acting", "current"]


@dataclass
class AuditContext:
    user: object | None
    request_id: str
    channel: str = ""


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


@contextmanager
def acting(user, *, channel: str = "", request_id: str | None = None):
    outer = _current.get()
    if outer is not None and (user is None or getattr(user, "pk", None) == getattr(outer.user, "pk", None)):
        # Nested service call by the same actor: keep one change id.
        yield outer
        return
    ctx = AuditContext(user=user if getattr(user, "is_authenticated", False) else None,
                       request_id=request_id or (outer.request_id if outer else str(uuid.uuid4())),
                       channel=channel or (outer.channel if outer else ""))
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
