"""Per-IP rate limits (django-ratelimit) that survive a cache outage. The counters live in the shared cache
(Redis when REDIS_URL is set). If the cache is down, django-ratelimit's own fail-open setting does not help:
Django's Redis backend raises ConnectionError before the library can look at it. Here any cache error means
"not limited" (logged), so that a Redis outage never stops a worker from filing or tracking a complaint."""
import logging

from django.conf import settings
from django_ratelimit.core import is_ratelimited

__all__ = ["limited"]

log = logging.getLogger(__name__)


def _cache_errors() -> tuple:
    errors: tuple = (OSError, ConnectionError, TimeoutError)
    try:
        from redis.exceptions import RedisError

        errors += (RedisError,)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return errors


def limited(request, *, group: str, rate: str) -> bool:
    """Count this request against ``group``'s per-IP budget; True when the budget is spent."""
    try:
        return bool(is_ratelimited(request, group=group, key="ip", rate=rate, increment=True))
    except _cache_errors():  # the cache is unreachable: fail open, loudly in the log
        if not getattr(settings, "RATELIMIT_FAIL_OPEN", True):
            raise
        log.warning("rate limit %s not checked: cache unavailable", group, exc_info=True)
        return False
