"""The public registry's cache: every key carries a version number kept in the cache; a publication or removal
bumps it (after commit), so the next request misses and reads the database. Invalidation is immediate and needs
no list of keys. A lost version key restarts from the clock (never reusing an old number); a cache outage only
means no caching."""
import hashlib
import logging
import time

from django.core.cache import cache
from django.db import transaction

__all__ = ["registry_bump", "registry_cached", "VERSION_KEY"]

log = logging.getLogger(__name__)
VERSION_KEY = "blacklist:registry:version"
TTL = 300  # seconds; a display choice, invalidation does not depend on it


def _version() -> int:
    v = cache.get(VERSION_KEY)
    if v is None:
        v = time.time_ns()
        cache.add(VERSION_KEY, v, timeout=None)
        v = cache.get(VERSION_KEY, v)
    return v


def _bump_now():
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # missing key
            cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # pragma: no cover - cache down: entries expire by TTL; logged
        log.warning("registry cache version not bumped: cache unavailable", exc_info=True)


def registry_bump() -> None:
    """Called by the services that publish or remove. Bumped at once and again when the transaction commits: a
    reader between the two may cache the old list under the first new version; the second bump discards it."""
    _bump_now()
    transaction.on_commit(_bump_now)


def registry_cached(name: str, params: dict, compute):
    """``compute()`` cached under the current registry version."""
    raw = repr(sorted(params.items())).encode()
    try:
        key = f"blacklist:registry:{_version()}:{name}:{hashlib.sha256(raw).hexdigest()[:32]}"
        hit = cache.get(key)
    except Exception:
        log.warning("registry cache unavailable", exc_info=True)
        return compute()
    if hit is not None:
        return hit
    value = compute()
    try:
        cache.set(key, value, timeout=TTL)
    except Exception:  # pragma: no cover
        log.warning("registry cache unavailable", exc_info=True)
    return value
