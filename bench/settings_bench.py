"""Settings for benchmarks: the project's settings plus a bare JSON view to compare against, and rate limits
lifted so that the load generator measures the server, not the limiter."""
from casework.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
INTAKE_RATE = "1000000/s"
TRACKING_RATE = "1000000/s"
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
