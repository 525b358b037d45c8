"""The outbox: ``notify`` writes messages in the caller's transaction; ``dispatch`` sends one; the beat task
``redispatch_pending`` picks up whatever is due (never enqueued because the broker was down, retry due, or a lease
that expired because a worker died mid-send).

Guarantees (docs/notifications.md):
- A message exists iff the change that caused it committed (same transaction).
- Broker down: the request still succeeds; the row stays pending and the next redispatch sends it.
- At most one worker sends a message at a time: a worker claims it (pending → sending, with a lease) under a row
  lock; a claim whose lease expired is taken over. The gateway receives the idempotency key, so a takeover after a
  crash between the gateway's acceptance and our record does not deliver twice.
- Transient failures are retried with exponential backoff up to NOTIFY_MAX_ATTEMPTS, then the message is FAILED,
  shown on the case page and announced to the case's staff in-app. Nothing is dropped silently."""
import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from . import channels
from .models import Message, Notification
from .texts import has_text, render

__all__ = ["Recipient", "notify", "notify_batch", "dispatch", "due_ids", "redispatch_due", "drain", "enqueue"]

log = logging.getLogger(__name__)

DISPATCH_TASK = "notifications.tasks.dispatch_message"


@dataclass
class Recipient:
    kind: str  # Message.Kind
    channel: str  # Message.Channel
    address: str = ""  # phone or e-mail (sms/email)
    user: object = None  # staff user (inapp, email)
    language: str = "zh-hans"
    ref: str = ""  # a stable id of the recipient for the idempotency key (never the phone itself)


def _key(event, case_number, recipient: Recipient, sequence) -> str:
    ref = recipient.ref or (f"u{recipient.user.pk}" if recipient.user is not None else recipient.kind)
    return f"{event}:{case_number}:{recipient.kind}-{ref}:{recipient.channel}:{sequence}"[:200]


def notify(*, event: str, case_number: str = "", recipients: list[Recipient], context: dict | None = None,
           sequence="", region_code: str = "", guard: str = "", guard_args: dict | None = None) -> list[Message]:
    """Write one message per recipient in the caller's transaction; in-app messages are delivered at once (the
    Notification row is written in the same transaction), SMS and e-mail are enqueued after commit. Writing the
    same (event, case, recipient, channel, sequence) again changes nothing."""
    return notify_batch([dict(event=event, case_number=case_number, recipients=recipients, context=context,
                              sequence=sequence, region_code=region_code, guard=guard, guard_args=guard_args)])


def notify_batch(items: list[dict]) -> list[Message]:
    """``notify`` for many events at once (sweeps): a fixed number of queries whatever the number of items."""
    now = timezone.now()
    rows, inapp = [], []
    for it in items:
        event, case_number = it["event"], it.get("case_number", "")
        context = {"case": case_number, **(it.get("context") or {})}
        for r in it["recipients"]:
            if not has_text(r.kind, event):
                continue
            if r.channel in (Message.Channel.SMS, Message.Channel.EMAIL) and not r.address:
                continue
            if r.channel == Message.Channel.INAPP and r.user is None:
                continue
            subject, body = render(r.kind, event, r.language, context)
            m = Message(idempotency_key=_key(event, case_number, r, it.get("sequence", "")), event=event,
                        case_number=case_number, region_code=it.get("region_code", ""), recipient_kind=r.kind,
                        recipient_user=r.user, address=r.address, channel=r.channel, language=r.language,
                        subject=subject[:200], body=body, guard=it.get("guard") or "",
                        guard_args=it.get("guard_args") or {}, next_attempt_at=now)
            if r.channel == Message.Channel.INAPP:
                m.status, m.delivered_at, m.next_attempt_at, m.attempts = Message.Status.SENT, now, None, 1
                inapp.append((m, r.user))
            rows.append(m)
    if not rows:
        return []
    keys = list(dict.fromkeys(m.idempotency_key for m in rows))
    with transaction.atomic():
        existing = set(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
        seen = set(existing)
        new = []
        for m in rows:
            if m.idempotency_key not in seen:
                seen.add(m.idempotency_key)
                new.append(m)
        Message.objects.bulk_create(new, ignore_conflicts=True)
        new_keys = {m.idempotency_key for m in new}
        Notification.objects.bulk_create([
            Notification(recipient=u, event=m.event, case_number=m.case_number, message=m.body[:255])
            for m, u in inapp if m.idempotency_key in new_keys])
        if any(m.status == Message.Status.PENDING for m in new):
            created = list(Message.objects.filter(idempotency_key__in=new_keys, status=Message.Status.PENDING)
                           .values_list("pk", flat=True))
            transaction.on_commit(lambda ids=tuple(created): enqueue(ids))
    return new


def _celery_app():
    from celery import current_app

    return current_app


def enqueue(ids, *, countdown: float | None = None) -> int:
    """Hand messages to the workers. Never raises: if the broker is down the rows stay pending and the beat task
    ``redispatch_pending`` sends them later."""
    if not getattr(settings, "NOTIFY_ENQUEUE", True):
        return 0
    n = 0
    app = _celery_app()
    for pk in ids:
        try:
            app.send_task(DISPATCH_TASK, args=[pk], countdown=countdown, retry=False)
            n += 1
        except Exception as e:  # broker outage: the outbox row is the durable record
            log.warning("broker unavailable, message %s stays pending for redispatch: %s", pk, e)
            break
    return n


def _claimable(now) -> Q:
    return (Q(status=Message.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))) \
        | Q(status=Message.Status.SENDING, lease_until__lt=now)


def _backoff(attempts: int) -> dt.timedelta:
    base = float(settings.NOTIFY_RETRY_BASE_SECONDS)
    return dt.timedelta(seconds=min(base * (2 ** max(attempts - 1, 0)), float(settings.NOTIFY_RETRY_MAX_SECONDS)))


def _log(m, outcome, error=""):
    m.attempt_log = [*m.attempt_log, {"at": timezone.now().isoformat(), "attempt": m.attempts, "outcome": outcome,
                                      **({"error": error[:300]} if error else {})}][-20:]


def dispatch(message_id: int) -> str:
    """Claim, send, record. Returns what happened: sent, retry, failed, cancelled or skipped (not claimable: sent
    already, or another worker holds a live lease, or not due yet)."""
    now = timezone.now()
    with transaction.atomic():
        m = Message.objects.select_for_update().filter(_claimable(now), pk=message_id).first()
        if m is None:
            return "skipped"
        if m.guard:
            try:
                still = import_string(m.guard)(m)
            except Exception as e:  # a broken guard must not send a possibly stale message
                log.exception("guard %s failed for message %s", m.guard, m.pk)
                still, m.last_error = False, f"guard failed: {e}"[:500]
            if not still:
                m.status, m.lease_until, m.next_attempt_at = Message.Status.CANCELLED, None, None
                _log(m, "cancelled")
                m.save()
                return "cancelled"
        m.status = Message.Status.SENDING
        m.attempts += 1
        m.lease_until = now + dt.timedelta(seconds=float(settings.NOTIFY_LEASE_SECONDS))
        m.save(update_fields=["status", "attempts", "lease_until"])
        attempt = m.attempts
    try:
        provider_id = channels.send(m)
    except Exception as e:
        permanent = isinstance(e, channels.PermanentError)
        return _record_failure(m.pk, attempt, f"{type(e).__name__}: {e}", permanent)
    with transaction.atomic():
        m = Message.objects.select_for_update().get(pk=m.pk)
        if m.status == Message.Status.SENT:
            return "sent"  # another worker that took over an expired lease recorded it (same provider id)
        m.status, m.delivered_at, m.provider_message_id = Message.Status.SENT, timezone.now(), str(provider_id)[:128]
        m.lease_until = m.next_attempt_at = None
        m.last_error = ""
        _log(m, "sent")
        m.save()
    return "sent"


def _record_failure(pk, attempt, error, permanent) -> str:
    with transaction.atomic():
        m = Message.objects.select_for_update().get(pk=pk)
        if m.status != Message.Status.SENDING or m.attempts != attempt:
            return "skipped"  # taken over meanwhile: the newer attempt decides
        m.last_error = error[:500]
        m.lease_until = None
        if permanent or m.attempts >= int(settings.NOTIFY_MAX_ATTEMPTS):
            m.status, m.next_attempt_at = Message.Status.FAILED, None
            _log(m, "failed", error)
            m.save()
            _announce_failure(m)
            log.error("message %s failed after %s attempts: %s", m.pk, m.attempts, error)
            return "failed"
        delay = _backoff(m.attempts)
        m.status, m.next_attempt_at = Message.Status.PENDING, timezone.now() + delay
        _log(m, "retry", error)
        m.save()
        transaction.on_commit(lambda: enqueue([pk], countdown=delay.total_seconds()))
    return "retry"


def _announce_failure(m):
    """Tell the staff who handle the case (settings.NOTIFY_FAILURE_RECIPIENTS resolves them) in-app."""
    resolver = getattr(settings, "NOTIFY_FAILURE_RECIPIENTS", "")
    if not resolver or m.recipient_kind == Message.Kind.STAFF:
        return
    try:
        users = import_string(resolver)(m)
    except Exception:
        log.exception("could not resolve who to tell about failed message %s", m.pk)
        return
    notify(event="message_failed", case_number=m.case_number, region_code=m.region_code, sequence=m.pk,
           context={"who": m.get_recipient_kind_display(), "channel": m.get_channel_display(), "n": m.attempts},
           recipients=[Recipient(kind="staff", channel="inapp", user=u, language=settings.LANGUAGE_CODE)
                       for u in users])


def due_ids(now=None, limit: int = 500) -> list[int]:
    """Messages to (re)send now: one indexed query."""
    now = now or timezone.now()
    return list(Message.objects.filter(_claimable(now)).order_by("next_attempt_at", "id")
                .values_list("pk", flat=True)[:limit])


def redispatch_due(now=None) -> int:
    """Enqueue every due message; what cannot be enqueued (broker down) is dispatched here, in this process."""
    ids = due_ids(now)
    sent = enqueue(ids)
    for pk in ids[sent:]:
        dispatch(pk)
    return len(ids)


def drain(now=None, rounds: int = 10) -> int:
    """Dispatch every due message in this process (tests, a management command, a worker without a broker)."""
    n = 0
    for _ in range(rounds):
        ids = due_ids(now)
        if not ids:
            break
        for pk in ids:
            n += dispatch(pk) in ("sent", "failed", "cancelled", "retry")
    return n
