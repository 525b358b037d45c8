"""Django's Redis cache backend, made cheaper per call (settings CACHES when REDIS_URL is set).

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache call. In redis-py 8
that constructor costs more than the network round trip it serves (measured: 0.17 ms of Python per call; the public
registry's cached search made four cache calls per request, docs/blacklist.md "Registry benchmark"). A
``redis.Redis`` object holds no connection of its own — it borrows from the pool — and is safe to share between
threads, so one per connection pool per process is enough. The pool itself notices a fork (gunicorn, Celery
prefork) and opens fresh connections in the child.

``count_and_get_many`` counts a rate-limit window and reads keys in one round trip (casework.ratelimits).

``incr`` is also one round trip instead of two (Django checks ``EXISTS`` and then ``INCRBY``): a server-side script
does both atomically, with the same contract (a missing key raises ``ValueError``). Everything else — the
serializer, the errors a Redis outage raises, the key format — is Django's own, so code that handles a cache outage
(casework.ratelimits, the outbox, blacklist.cache) behaves exactly as before."""
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

__all__ = ["RedisCache"]

# A rate-limit window's counter: incremented, and given its expiry when this request opened it (casework.ratelimits)
_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return n
"""

_INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._incr_script = None

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        if self._incr_script is None:
            self._incr_script = client.register_script(_INCR_IF_EXISTS)
        value = self._incr_script(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError("Key '%s' not found." % key)
        return value


    def count_and_get_many(self, counter, timeout, keys):
        """One round trip: count ``counter`` (expiring ``timeout`` seconds after its first count) and read ``keys``.
        EVAL with the script's text, not EVALSHA: a pipeline holding a registered script first asks the server
        whether it knows the script, a round trip of its own."""
        client = self.get_client(counter, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.eval(_COUNT, 1, counter, int(timeout))
        if keys:
            pipe.mget(keys)
        results = pipe.execute()
        found = {}
        if keys:
            for key, value in zip(keys, results[1]):
                if value is not None:
                    found[key] = self._serializer.loads(value)
        return int(results[0]), found


class RedisCache(DjangoRedisCache):
    """See the module's docstring; adds ``count_and_get_many`` for casework.ratelimits."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    def count_and_get_many(self, counter: str, timeout: int, keys=()) -> tuple[int, dict]:
        made = {self.make_and_validate_key(k): k for k in keys}
        count, found = self._cache.count_and_get_many(self.make_and_validate_key(counter), timeout, list(made))
        return count, {made[k]: v for k, v in found.items()}
