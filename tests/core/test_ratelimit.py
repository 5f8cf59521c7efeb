"""core.ratelimit: a per-IP fixed window in the cache; X-Forwarded-For only from trusted proxies."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core.ratelimit import client_ip, hit, is_rate_limited


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def request(remote="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_the_client_ip_is_remote_addr_when_no_proxy_is_trusted(settings):
    settings.CIVICDESK_TRUSTED_PROXIES = []
    assert client_ip(request(forwarded="1.2.3.4")) == "203.0.113.5"


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(settings):
    settings.CIVICDESK_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(request(remote="10.0.0.1", forwarded="198.51.100.7, 10.0.0.1")) == "198.51.100.7"
    # a client forging the header directly is not believed
    assert client_ip(request(remote="198.51.100.9", forwarded="1.1.1.1")) == "198.51.100.9"


def test_a_forged_leftmost_address_behind_a_trusted_proxy_is_ignored(settings):
    settings.CIVICDESK_TRUSTED_PROXIES = ["10.0.0.1"]
    # the client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the real address
    assert client_ip(request(remote="10.0.0.1", forwarded="1.1.1.1, 198.51.100.7")) == "198.51.100.7"


def test_the_limit_allows_n_hits_per_window_then_refuses():
    assert [hit("k", limit=3, window=3600) for _ in range(4)] == [True, True, True, False]


def test_each_ip_and_scope_has_its_own_counter(settings):
    settings.CIVICDESK_TRUSTED_PROXIES = []
    a, b = request(remote="192.0.2.1"), request(remote="192.0.2.2")
    assert not is_rate_limited(a, scope="file", limit=1)
    assert is_rate_limited(a, scope="file", limit=1)
    assert not is_rate_limited(b, scope="file", limit=1)
    assert not is_rate_limited(a, scope="track", limit=1)


def test_a_counter_in_redis_always_expires_with_its_window(settings):
    """The one-round-trip Redis path must still give every counter its expiry: a counter
    without one would stay in Redis for ever."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("needs the Redis cache (set REDIS_URL)")
    settings.CIVICDESK_TRUSTED_PROXIES = []
    assert [hit("ttl", limit=2, window=60) for _ in range(3)] == [True, True, False]
    keys = backend._cache.get_client(write=False).keys(backend.make_key("ratelimit:ttl:*"))
    assert len(keys) == 1
    assert 0 < backend._cache.get_client(write=False).ttl(keys[0]) <= 121


def test_the_window_slides_so_a_burst_across_its_edge_gets_no_second_allowance():
    import time_machine

    with time_machine.travel(1_800_000_059.0, tick=False) as traveller:  # 1 s before a minute ends
        first = [hit("edge", limit=5, window=60) for _ in range(5)]
        traveller.shift(2)  # a new fixed window, but the last 60 s still hold 5 hits
        assert first == [True] * 5 and not hit("edge", limit=5, window=60)
        traveller.shift(60)  # a full window later, the old hits no longer count
        assert hit("edge", limit=5, window=60)


def test_the_burst_limit_applies_whatever_the_forms_own_limit(settings):
    settings.CIVICDESK_TRUSTED_PROXIES = []
    settings.CIVICDESK_RATELIMIT_BURST = 5
    answers = [is_rate_limited(request(remote="192.0.2.9"), scope="track", limit=1000) for _ in range(7)]
    assert answers == [False] * 5 + [True] * 2


def test_switched_off_the_limits_still_count_but_refuse_nobody(settings):
    settings.CIVICDESK_RATELIMIT_ENABLED = False
    assert not any(is_rate_limited(request(), scope="file", limit=1) for _ in range(10))
    settings.CIVICDESK_RATELIMIT_ENABLED = True
    assert is_rate_limited(request(), scope="file", limit=1)
