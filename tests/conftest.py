import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from tests.factories import make_user


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(worker_id="master"):
    """Each pytest process gets its own cache (rate-limit counters), so that parallel workers (and parallel test
    runs on one machine) never clear or count each other's: a Redis database of its own when REDIS_URL is set,
    otherwise a file cache in a temporary folder."""
    from django.conf import settings
    from django.test.utils import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw-1")
    index = int(worker[2:]) + 2 if worker[2:].lstrip("-").isdigit() else 1
    if os.environ.get("REDIS_URL"):
        base = os.environ["REDIS_URL"].rsplit("/", 1)[0]
        caches = {"default": {**settings.CACHES["default"], "LOCATION": f"{base}/{min(index, 15)}"}}
    else:
        caches = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                              "LOCATION": tempfile.mkdtemp(prefix="casework-test-cache-")}}
    override = override_settings(CACHES=caches)
    override.enable()
    yield
    override.disable()


@pytest.fixture
def staff(db):
    """One user per role: Lhasa inspectors and head, a Shigatse inspector, an auditor, an intake officer."""
    return {
        "inspector": make_user("insp_a", "inspector", "540100"),
        "inspector_b": make_user("insp_b", "inspector", "540100"),
        "head": make_user("head_lhasa", "inspection_head", "540100"),
        "shigatse": make_user("insp_shigatse", "inspector", "540200"),
        "shigatse_head": make_user("head_shigatse", "inspection_head", "540200"),
        "intake": make_user("intake", "intake_officer", "540100"),
        "auditor": make_user("auditor", "auditor", "540000", perm="view_cases"),
        "sysadmin": make_user("sysadmin", "sysadmin", None, perm=None),
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 with a million rounds costs ~0.3 s per user; tests use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """A request with ?lang=bo activates Tibetan in this thread; the next test must start in the default language
    (otherwise a test's outcome would depend on which test ran before it in the same process)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache: every test starts with a clean one."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # a test that stops Redis on purpose must not fail here
        pass
    yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Evidence files of every test go to a folder of that test only (never to var/private)."""
    root = tmp_path / "private"
    root.mkdir(exist_ok=True)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


@pytest.fixture
def media(private_media):
    return private_media


@pytest.fixture(autouse=True)
def _outbox_not_enqueued(settings):
    """Messages written by the services stay in the outbox (no broker in unit tests); tests drain it with
    notifications.outbox.drain. The fault tests with real workers (tests/notifications) turn this back on."""
    settings.NOTIFY_ENQUEUE = False


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own on a spare port (for tests that stop it or must count its commands); the
    machine's shared Redis is never touched. Yields (process, url)."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed on this machine")
    port = _free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield proc, f"redis://127.0.0.1:{port}/0"
    if proc.poll() is None:
        proc.terminate()
        proc.wait(5)
