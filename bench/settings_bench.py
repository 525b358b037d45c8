"""Settings for benchmarks: the project's settings plus a bare JSON view to compare against, and rate limits
lifted so that the load generator measures the server, not the limiter."""
from casework.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
INTAKE_RATE = "1000000/s"
TRACKING_RATE = "1000000/s"
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# bench/registry.py: the public registry's own rate limits lifted, and BENCH_CACHE=none serves every request from
# the database (no cache at all) to measure the uncached path.
import os as _os  # noqa: E402

REGISTRY_RATE = "1000000/s"
REGISTRY_EXPORT_RATE = "1000000/s"
if _os.environ.get("BENCH_CACHE") == "none":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    RATELIMIT_ENABLE = False
