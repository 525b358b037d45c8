"""The per-address rate limits (casework.ratelimits) and the project's Redis cache backend (casework.cache_redis):
budgets and windows, the client's address behind a proxy, one count per request, fail-open during an outage, and
one round trip for a count with reads. Redis tests run against a redis-server of their own (tests/conftest.py
own_redis), whatever cache the rest of the suite uses."""
import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from casework import ratelimits
from casework.ratelimits import client_address, limited, limited_with, rate_period

rf = RequestFactory()


def _req(addr="203.0.113.7", **meta):
    return rf.get("/", REMOTE_ADDR=addr, **meta)


def _redis_caches(url):
    return {"default": {"BACKEND": "casework.cache_redis.RedisCache", "LOCATION": url,
                        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


def test_rate_period():
    assert rate_period("120/m") == (120, 60)
    assert rate_period("10/5m") == (10, 300)
    assert rate_period(" 20 / h ") == (20, 3600)
    assert rate_period("1/d") == (1, 86400)
    with pytest.raises(ValueError, match="120/m"):
        rate_period("lots")


def test_client_address(settings):
    assert client_address(_req("198.51.100.4")) == "198.51.100.4"
    # IPv6: one budget per /64 (a subscriber holds the whole network)
    assert client_address(_req("2001:db8:1:2:aaaa::1")) == client_address(_req("2001:db8:1:2:bbbb::9")) \
        == "2001:db8:1:2::"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    # the last address of the list is the one the nearest proxy added; the first is whatever the client wrote
    assert client_address(_req("10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")) == "198.51.100.9"


def test_budget_window_group_and_address(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimits.time, "time", lambda: now[0])
    assert [limited(_req(), group="g", rate="3/m") for _ in range(4)] == [False, False, False, True]
    assert limited(_req(), group="other", rate="3/m") is False  # groups count separately
    assert limited(_req("198.51.100.5"), group="g", rate="3/m") is False  # so do addresses
    now[0] += 60  # the next minute of the clock: a fresh budget
    assert limited(_req(), group="g", rate="3/m") is False


def test_a_request_is_counted_once_per_group():
    request = _req()
    assert limited(request, group="once", rate="1/m") is False
    assert limited(request, group="once", rate="1/m") is False  # asked again: the first answer, not a second count
    assert limited(_req(), group="once", rate="1/m") is True  # the next request is the second


def test_disabled(settings):
    settings.RATELIMIT_ENABLE = False
    assert not any(limited(_req(), group="off", rate="1/m") for _ in range(3))


def test_redis_count_and_reads_in_one_round_trip(own_redis, monkeypatch):
    import redis.connection

    _proc, url = own_redis
    with override_settings(CACHES=_redis_caches(url)):
        cache = caches["default"]
        cache.set("a", {"x": 1})
        cache.set("n", 5)
        sent = []
        real = redis.connection.AbstractConnection.send_packed_command

        def counting(self, command, check_health=True):
            sent.append(command)
            return real(self, command, check_health)

        monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
        over, found = limited_with(_req(), group="rt", rate="2/m", keys=["a", "n", "missing"])
        assert len(sent) == 1  # the count, its expiry and three reads: one write to the socket, one reply
        assert over is False and found == {"a": {"x": 1}, "n": 5}
        assert limited(_req(), group="rt", rate="2/m") is False
        assert limited(_req(), group="rt", rate="2/m") is True
        # the window's counter expires on its own (period + a few seconds)
        key = next(k for k in cache._cache.get_client().keys("*rl:rt:*"))
        assert 60 < cache._cache.get_client().ttl(key) <= 60 + ratelimits.FUDGE


def test_redis_incr_contract(own_redis):
    _proc, url = own_redis
    with override_settings(CACHES=_redis_caches(url)):
        cache = caches["default"]
        with pytest.raises(ValueError):
            cache.incr("absent")
        assert cache.get("absent") is None  # a failed incr leaves no key behind
        cache.set("counter", 41)
        assert cache.incr("counter") == 42 and cache.get("counter") == 42
        assert cache.incr("counter", 8) == 50
        # one client object per pool, not one per call
        assert cache._cache.get_client() is cache._cache.get_client()


def test_outage_fails_open_or_raises_when_configured(own_redis, settings):
    proc, url = own_redis
    with override_settings(CACHES=_redis_caches(url)):
        proc.terminate()
        proc.wait(5)
        assert limited_with(_req(), group="down", rate="1/m", keys=["k"]) == (False, {})
        assert limited(_req(), group="down", rate="1/m") is False
        settings.RATELIMIT_FAIL_OPEN = False
        with pytest.raises(Exception):
            limited(_req(), group="down2", rate="1/m")
