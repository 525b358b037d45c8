"""SMS gateways for the fault tests, loaded by a real Celery worker through SMS_BACKEND."""
import os
import time
from pathlib import Path

from notifications.channels import FileSmsGateway

__all__ = ["SlowAfterAcceptGateway"]


class SlowAfterAcceptGateway(FileSmsGateway):
    """Accepts the message (writes its line), then takes SMS_TEST_SLEEP seconds to answer: a worker killed then
    has sent the SMS but not recorded it. Touches SMS_TEST_MARKER when it starts waiting."""

    def after_accept(self, idempotency_key: str) -> None:
        marker = os.environ.get("SMS_TEST_MARKER")
        if marker:
            Path(marker).write_text(idempotency_key)
        time.sleep(float(os.environ.get("SMS_TEST_SLEEP", "0")))
