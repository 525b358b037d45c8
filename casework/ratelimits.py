"""Per-IP rate limits for the public pages and endpoints, counted in the shared cache (Redis when REDIS_URL is set,
else the file cache every web process on the machine shares), so that a limit holds across web processes.

A fixed window per group and client address: ``"120/m"`` allows 120 requests in each minute of the clock. On the
project's Redis backend (casework.cache_redis) a request costs one round trip (count and expiry in one server-side
step), and ``limited_with`` adds the reads a caller needs next to that same round trip — the public registry answers
a cached search with one round trip in all (blacklist.api). django-ratelimit, used before, cost three (add, exists,
incr) and offered no way to combine them.

A cache outage never blocks anyone: any cache error means "not limited" (logged), so that a Redis outage never stops
a worker from filing or tracking a complaint (RATELIMIT_FAIL_OPEN, on by default).

Settings: RATELIMIT_ENABLE (default on); RATELIMIT_FAIL_OPEN; RATELIMIT_IP_META_KEY — behind a reverse proxy, the
request header that carries the client's address (e.g. ``HTTP_X_REAL_IP``; with a list such as X-Forwarded-For the
last address, the one the nearest proxy added, counts); RATELIMIT_IPV6_MASK (default 64: one budget per IPv6
network, since a single subscriber holds a whole /64)."""
import ipaddress
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache

__all__ = ["limited", "limited_with", "rate_period", "client_address"]

log = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*")
FUDGE = 5  # seconds a window's counter outlives its window (clock differences between web servers)


def _cache_errors() -> tuple:
    errors: tuple = (OSError, ConnectionError, TimeoutError)
    try:
        from redis.exceptions import RedisError

        errors += (RedisError,)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return errors


def rate_period(rate: str) -> tuple[int, int]:
    """``"120/m"`` → (120, 60); ``"10/5m"`` → (10, 300). A malformed rate is a configuration error."""
    m = _RATE.fullmatch(rate or "")
    if not m:
        raise ValueError(f"rate limit {rate!r}: expected a count and a period, such as 120/m or 10/5m")
    return int(m.group(1)), int(m.group(2) or 1) * _PERIODS[m.group(3)]


def client_address(request) -> str:
    """The address a budget belongs to: REMOTE_ADDR, or the header RATELIMIT_IP_META_KEY names; IPv6 addresses
    reduced to their network (RATELIMIT_IPV6_MASK)."""
    meta = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    raw = (request.META.get(meta) if meta else request.META.get("REMOTE_ADDR")) or ""
    raw = raw.split(",")[-1].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        # every such request shares one budget: behind a proxy on a Unix socket REMOTE_ADDR is empty, and
        # RATELIMIT_IP_META_KEY must name the header with the client's address
        log.warning("rate limit: no client address in %s (%r); set RATELIMIT_IP_META_KEY",
                    meta or "REMOTE_ADDR", raw[:60])
        return raw or "unknown"
    if address.version == 6:
        mask = int(getattr(settings, "RATELIMIT_IPV6_MASK", 64))
        return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)
    return str(address)


def _count_generic(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this request opens the window again
        cache.add(key, 1, timeout)
        return 1


def limited_with(request, *, group: str, rate: str, keys=()) -> tuple[bool, dict]:
    """Count this request against ``group``'s per-address budget and read the cache ``keys`` in the same round trip
    (on Redis); returns (budget spent?, the keys found). A request is counted once per group: asking again (a fast
    path that hands over to the full view) gives the first answer without counting again, and reads the keys
    alone."""
    seen = request.__dict__.setdefault("_ratelimit_seen", {})
    if group in seen or not getattr(settings, "RATELIMIT_ENABLE", True):
        try:
            found = cache.get_many(list(keys)) if keys else {}
        except _cache_errors():
            log.warning("cache unavailable", exc_info=True)
            found = {}
        return seen.get(group, False), found
    limit, period = rate_period(rate)
    try:
        key = f"rl:{group}:{period}:{client_address(request)}:{int(time.time()) // period}"
        if hasattr(cache, "count_and_get_many"):
            count, found = cache.count_and_get_many(key, period + FUDGE, list(keys))
        else:
            count = _count_generic(key, period + FUDGE)
            found = cache.get_many(list(keys)) if keys else {}
    except _cache_errors():  # the cache is unreachable: fail open, loudly in the log
        if not getattr(settings, "RATELIMIT_FAIL_OPEN", True):
            raise
        log.warning("rate limit %s not checked: cache unavailable", group, exc_info=True)
        seen[group] = False
        return False, {}
    seen[group] = count > limit
    return seen[group], found


def limited(request, *, group: str, rate: str) -> bool:
    """Count this request against ``group``'s per-address budget; True when the budget is spent."""
    return limited_with(request, group=group, rate=rate)[0]
