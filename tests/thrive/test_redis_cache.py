import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches

from thrive.redis_cache import RedisCache

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis: set REDIS_URL"),
]


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-redis-cache"})
    yield cache
    cache.clear()


def test_every_command_goes_through_one_client_per_pool(redis_cache):
    first = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b", write=True) is first
    redis_cache.set("visits", 1)
    assert redis_cache.incr("visits") == 2
    assert redis_cache._cache.get_client("c") is first


def test_threads_sharing_the_client_each_get_their_own_answers(redis_cache):
    def round_trip(n):
        redis_cache.set(f"key-{n}", n)
        return redis_cache.get(f"key-{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(round_trip, range(200))) == list(range(200))


def test_the_site_uses_it_when_redis_is_configured():
    assert isinstance(caches["default"], RedisCache)
