"""Channels behind one interface: ``send(message) -> provider message id``. A channel raises ``TransientError`` for
what a retry may fix (timeouts, 5xx, connection refused) and ``PermanentError`` for what it cannot (an invalid
number); anything else is treated as transient.

SMS goes through a pluggable gateway (settings.SMS_BACKEND):
- ``FileSmsGateway`` (default): one JSON line per message appended to settings.SMS_OUTBOX_FILE
  (var/sms-outbox.jsonl). It deduplicates on the idempotency key, as a real gateway must: a message resent after a
  worker died between the gateway's acceptance and our record of it is accepted again, with the same id, and not
  written twice.
- ``HttpSmsGateway``: POSTs JSON to SMS_GATEWAY_URL with a bearer token (SMS_GATEWAY_TOKEN), the idempotency key in
  the ``Idempotency-Key`` header and in the body, and a timeout (SMS_GATEWAY_TIMEOUT seconds).
E-mail goes through Django's e-mail backend (console by default). In-app messages are delivered when written
(notifications.outbox.notify), so they never reach a channel here."""
import fcntl
import json
import os
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

__all__ = ["TransientError", "PermanentError", "FileSmsGateway", "HttpSmsGateway", "sms_gateway", "send"]


class TransientError(Exception):
    """A retry may succeed."""


class PermanentError(Exception):
    """A retry cannot succeed (bad address, rejected content)."""


class FileSmsGateway:
    """Development and test gateway: one JSON line per accepted message. Deduplicates on the key under a file lock,
    so two workers racing on one message write one line."""

    def __init__(self, path=None):
        self.path = Path(path or settings.SMS_OUTBOX_FILE)

    def send(self, *, to: str, text: str, idempotency_key: str) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                f.seek(0)
                for line in f:
                    try:
                        row = json.loads(line)
                    except ValueError:
                        continue
                    if row.get("idempotency_key") == idempotency_key:
                        return row["id"]
                msg_id = uuid.uuid4().hex
                f.write(json.dumps({"id": msg_id, "idempotency_key": idempotency_key, "to": to, "text": text,
                                    "at": timezone.now().isoformat()}, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
                self.after_accept(idempotency_key)
                return msg_id
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def after_accept(self, idempotency_key: str) -> None:
        """Hook for tests (a gateway that is slow to answer after accepting)."""


class HttpSmsGateway:
    """A real SMS gateway over HTTPS. It must deduplicate on ``idempotency_key`` (most commercial gateways accept a
    client message id for that); if yours cannot, a crash between its acceptance and our record of it may deliver
    one SMS twice."""

    def __init__(self, url=None, token=None, timeout=None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = float(timeout or settings.SMS_GATEWAY_TIMEOUT)

    def send(self, *, to: str, text: str, idempotency_key: str) -> str:
        body = json.dumps({"to": to, "text": text, "client_message_id": idempotency_key}).encode()
        req = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": idempotency_key})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                data = json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as e:
            if 400 <= e.code < 500 and e.code not in (408, 409, 425, 429):
                raise PermanentError(f"gateway refused the message: HTTP {e.code}") from e
            raise TransientError(f"gateway error: HTTP {e.code}") from e
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            raise TransientError(f"gateway unreachable: {e}") from e
        except ValueError as e:
            raise TransientError("gateway answered with something that is not JSON") from e
        return str(data.get("id") or data.get("message_id") or "")


def sms_gateway():
    return import_string(settings.SMS_BACKEND)()


def send(message) -> str:
    """Send one outbox row through its channel; returns the provider's message id."""
    if message.channel == "sms":
        if not message.address:
            raise PermanentError("no phone number")
        return sms_gateway().send(to=message.address, text=message.body, idempotency_key=message.idempotency_key)
    if message.channel == "email":
        if not message.address:
            raise PermanentError("no e-mail address")
        mail = EmailMessage(subject=message.subject, body=message.body, to=[message.address],
                            headers={"Message-ID": f"<{message.idempotency_key.replace(':', '.')}@casework>"})
        try:
            mail.send(fail_silently=False)
        except (OSError, TimeoutError) as e:
            raise TransientError(f"mail server: {e}") from e
        return mail.extra_headers["Message-ID"]
    raise PermanentError(f"channel {message.channel} is not sent by a worker")
