"""Faults survived with real processes: a private redis-server on a spare port, a real Celery worker
(``celery -A casework worker -P solo``) on the test database, an SMS gateway that is slow or times out.
The machine's shared Redis and PostgreSQL are never stopped or touched (only the test database is used).

Run alone: .venv/bin/python -m pytest -q -m services tests/notifications/test_faults.py"""
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from casework.models import Complaint
from notifications import outbox
from notifications.models import Message, Notification
from tests.factories import submit

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(pred, timeout=30.0, step=0.1, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


class RedisServer:
    def __init__(self, tmp):
        self.exe = shutil.which("redis-server")
        self.port = _free_port()
        self.tmp = tmp
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen([self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.tmp)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return True
            except OSError:
                return False

        _wait(up, 10, 0.05, "redis-server")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)


class Worker:
    def __init__(self, tmp, broker_url, **env):
        self.log = tmp / f"worker-{time.monotonic_ns()}.log"
        e = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
        db = connection.settings_dict
        if db["ENGINE"].endswith("sqlite3"):
            e["SQLITE_PATH"] = str(db["NAME"])
        else:
            auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            e["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        e.update(DJANGO_SETTINGS_MODULE="casework.settings", REDIS_URL=broker_url, PYTHONPATH=str(ROOT),
                 NOTIFY_ENQUEUE="1", LOG_LEVEL="INFO", **{k: str(v) for k, v in env.items()})
        self.env = e
        self.proc = None

    def start(self):
        self._fh = open(self.log, "ab")
        self.proc = subprocess.Popen([str(CELERY), "-A", "casework", "worker", "-P", "solo", "--without-gossip",
                                      "--without-mingle", "--without-heartbeat", "-l", "INFO"],
                                     cwd=ROOT, env=self.env, stdout=self._fh, stderr=subprocess.STDOUT)
        _wait(lambda: b"ready." in self.log.read_bytes() or self.proc.poll() is not None, 30, 0.1, "celery worker")
        assert self.proc.poll() is None, self.log.read_text()

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(5)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._fh.close()


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed on this machine")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers():
    started = []
    yield started
    for w in started:
        w.stop()
    connection.close()


@pytest.fixture
def producer(redis_server, settings, monkeypatch):
    """The test process (the "web server") enqueues to the private Redis."""
    app = Celery("test-producer", broker=redis_server.url, set_as_current=False)
    app.conf.broker_connection_timeout = 1
    app.conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 2}
    settings.NOTIFY_ENQUEUE = True
    monkeypatch.setattr(outbox, "_celery_app", lambda: app)
    return app


def _lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def _receipts(numbers):
    return Message.objects.filter(case_number__in=numbers, event="received", recipient_kind="worker")


def _phone(i):
    return {"name": f"工人{i}", "id_number": ["540102199001011233", "11010519491231002X"][i % 2],
            "phone": f"1380000{i:04d}", "preferred_language": "zh-hans"}


def test_redis_down_while_complaints_are_submitted(tmp_path, redis_server, producer, workers):
    sms = tmp_path / "sms.jsonl"
    w = Worker(tmp_path, redis_server.url, SMS_OUTBOX_FILE=sms, SMS_BACKEND="notifications.channels.FileSmsGateway")
    workers.append(w)
    w.start()
    first = submit(complainant=_phone(0)).complaint.case_number
    _wait(lambda: _receipts([first]).filter(status="sent").exists(), 20, 0.1, "first receipt sent")

    redis_server.stop()
    t0 = time.monotonic()
    during = [submit(complainant=_phone(i)).complaint.case_number for i in range(1, 4)]
    assert time.monotonic() - t0 < 15  # the request does not hang on the broker
    assert Complaint.objects.filter(case_number__in=during).count() == 3  # every complaint saved
    assert set(_receipts(during).values_list("status", flat=True)) == {"pending"}

    redis_server.start()  # same port: the worker reconnects
    producer.send_task("notifications.tasks.redispatch_pending")  # what beat does every minute
    _wait(lambda: _receipts(during).filter(status="sent").count() == 3, 40, 0.2, "receipts after Redis is back")
    keys = [x["idempotency_key"] for x in _lines(sms)]
    assert len(keys) == len(set(keys)) == 4  # each receipt delivered exactly once
    assert set(keys) == set(_receipts([first, *during]).values_list("idempotency_key", flat=True))


def test_worker_killed_mid_send_delivers_exactly_once(tmp_path, redis_server, producer, workers):
    sms = tmp_path / "sms.jsonl"
    marker = tmp_path / "accepted"
    common = dict(SMS_OUTBOX_FILE=sms, SMS_BACKEND="tests.notifications.fault_gateways.SlowAfterAcceptGateway",
                  NOTIFY_LEASE_SECONDS=2)
    a = Worker(tmp_path, redis_server.url, SMS_TEST_SLEEP=60, SMS_TEST_MARKER=marker, **common)
    workers.append(a)
    a.start()
    number = submit(complainant=_phone(5)).complaint.case_number
    _wait(marker.exists, 20, 0.05, "gateway accepted the SMS")
    a.kill9()  # the SMS left, the worker never recorded it
    m = _receipts([number]).get()
    assert m.status == "sending" and m.attempts == 1 and len(_lines(sms)) == 1

    b = Worker(tmp_path, redis_server.url, **common)
    workers.append(b)
    b.start()
    time.sleep(2.2)  # the dead worker's lease expires
    producer.send_task("notifications.tasks.redispatch_pending")
    _wait(lambda: _receipts([number]).filter(status="sent").exists(), 30, 0.2, "message sent after restart")
    m.refresh_from_db()
    assert m.attempts == 2
    lines = _lines(sms)
    assert len(lines) == 1 and lines[0]["idempotency_key"] == m.idempotency_key  # exactly once
    assert m.provider_message_id == lines[0]["id"]


class _SlowGateway(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        type(self).seen.append((time.monotonic(), self.headers.get("Idempotency-Key")))
        time.sleep(1.0)  # longer than the client's timeout
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"id": "late"}')
        except OSError:
            pass

    def log_message(self, *args):
        pass


def test_gateway_timeouts_are_retried_with_backoff_then_failed_and_visible(tmp_path, redis_server, producer,
                                                                           workers, staff):
    _SlowGateway.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowGateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        w = Worker(tmp_path, redis_server.url, SMS_GATEWAY_URL=f"http://127.0.0.1:{server.server_port}/sms",
                   SMS_BACKEND="notifications.channels.HttpSmsGateway", SMS_GATEWAY_TIMEOUT=0.3,
                   NOTIFY_MAX_ATTEMPTS=3, NOTIFY_RETRY_BASE_SECONDS=0.5)
        workers.append(w)
        w.start()
        c = submit(complainant=_phone(7)).complaint
        Complaint.objects.filter(pk=c.pk).update(lead_inspector=staff["inspector"])  # test setup
        _wait(lambda: _receipts([c.case_number]).filter(status="failed").exists(), 40, 0.2, "message failed")
    finally:
        server.shutdown()
    m = _receipts([c.case_number]).get()
    assert m.attempts == 3 and m.status == "failed"
    assert "timed out" in m.last_error.lower() or "timeout" in m.last_error.lower(), m.last_error
    assert [a["outcome"] for a in m.attempt_log] == ["retry", "retry", "failed"]
    times = [t for t, _ in _SlowGateway.seen]
    assert len(times) == 3 and {k for _, k in _SlowGateway.seen} == {m.idempotency_key}
    assert times[1] - times[0] >= 0.5 + 0.3 - 0.05 and times[2] - times[1] >= 1.0 + 0.3 - 0.05  # backoff doubles
    # visible to staff: the lead inspector is told in-app, and the case page lists it as not delivered
    assert Notification.objects.filter(recipient=staff["inspector"], event="message_failed",
                                       case_number=c.case_number).exists()
