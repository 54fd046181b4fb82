"""Django's Redis cache, with one Redis client per connection pool instead of one per operation.

Django's RedisCacheClient.get_client makes a new `redis.Redis` for every cache operation, and making one builds
its table of response callbacks (~170 entries): 0.12 ms, more than the GET it is made for (0.07 ms on the
loopback). A page reads the cache three to five times (the session, the versions, the workbench count), so that
was ~0.5 ms of every request, a fifth of a bare logged-in view. A `redis.Redis` is safe to share: it holds no
connection, its pool lends one per command (and makes itself afresh in a forked process, as under gunicorn's
--preload). The pools are Django's, chosen as Django chooses them (writes to the first server, reads from the
others).
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    """settings.CACHES' backend when REDIS_URL is set (config/settings/base.py)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClient
