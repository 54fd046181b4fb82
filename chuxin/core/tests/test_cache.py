"""The Redis cache keeps one client per pool (chuxin.core.cache): the same answers as Django's, without making a
client for every operation. Against the Redis of REDIS_URL when there is one (CI), else skipped."""

from __future__ import annotations

import os
import uuid

import pytest

from chuxin.core.cache import KeptClient, RedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a Redis server)")
def test_one_client_per_pool_and_the_cache_answers_as_before():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"chuxin-test-{uuid.uuid4().hex}"})
    client = cache._cache
    assert isinstance(client, KeptClient)
    assert client.get_client(write=True) is client.get_client(write=True) is client.get_client()
    assert cache.get("missing") is None and cache.add("n", 1) and not cache.add("n", 5)
    assert cache.incr("n") == 2 and cache.get_many(["n", "missing"]) == {"n": 2}
    cache.set("thing", {"a": [1, "二"]}, 30)
    assert cache.get("thing") == {"a": [1, "二"]}
    cache.delete_many(["n", "thing"])
    assert cache.get("n") is None and cache.get("thing") is None

