"""The public registry's cache: every entry is stored with the registry version it was computed under, and the
version number is kept in the cache; a publication or removal bumps it (after commit), so the next request finds an
entry of an older version and reads the database. Invalidation is immediate and needs no list of keys. A lost
version key restarts from the clock (never reusing an old number); a cache outage only means no caching.

The version and the entry are read together (``get_many``: one round trip to Redis), which is why the version is
inside the entry rather than in its key."""
import hashlib
import logging
import time

from django.core.cache import cache
from django.db import transaction

__all__ = ["registry_bump", "registry_cached", "registry_peek", "VERSION_KEY"]

log = logging.getLogger(__name__)
VERSION_KEY = "blacklist:registry:version"
TTL = 300  # seconds; a display choice, invalidation does not depend on it


def _version(got: dict) -> int:
    """The current version, from ``got`` (a ``get_many`` that asked for VERSION_KEY); set from the clock when the key
    is missing (first use, or Redis lost it)."""
    v = got.get(VERSION_KEY)
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


def _key(name: str, params: dict) -> str:
    raw = repr(sorted(params.items())).encode()
    return f"blacklist:registry:{name}:{hashlib.sha256(raw).hexdigest()[:32]}"


def _lookup(key: str, fetch=None):
    """(version, cached value or None); raises what the cache raises when it is down."""
    got = (fetch or cache.get_many)([VERSION_KEY, key])
    version = _version(got)
    entry = got.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
        return version, entry[1]
    return version, None


def registry_peek(name: str, params: dict, fetch=None):
    """The cached value of ``name``/``params`` under the current version, or None (a miss, or the cache is down):
    for a caller that serves hits itself and leaves misses to the full path. ``fetch(keys) -> {key: value}`` reads
    the keys (default ``cache.get_many``); the public API passes the rate limiter's, which reads them in the same
    round trip as it counts the request (casework.ratelimits.limited_with)."""
    try:
        return _lookup(_key(name, params), fetch)[1]
    except Exception:
        log.warning("registry cache unavailable", exc_info=True)
        return None


def registry_cached(name: str, params: dict, compute):
    """``compute()`` cached under the current registry version."""
    key = _key(name, params)
    try:
        version, hit = _lookup(key)
    except Exception:
        log.warning("registry cache unavailable", exc_info=True)
        return compute()
    if hit is not None:
        return hit
    value = compute()
    try:
        cache.set(key, (version, value), timeout=TTL)
    except Exception:  # pragma: no cover
        log.warning("registry cache unavailable", exc_info=True)
    return value
