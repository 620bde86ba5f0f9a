import logging

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from liaison_stations import ratelimit


def request_from(address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


class TestWindows:
    def test_the_first_hits_in_a_window_are_allowed_and_the_next_refused(self, clock):
        results = [ratelimit.hit(request_from(), "opinion") for _ in range(6)]
        assert results == [True] * 5 + [False]

    def test_a_new_window_allows_again(self, clock):
        for _ in range(6):
            ratelimit.hit(request_from(), "opinion")
        clock.advance(600)
        assert ratelimit.hit(request_from(), "opinion")

    def test_the_daily_limit_holds_across_short_windows(self, clock):
        for _ in range(10):
            assert all(ratelimit.hit(request_from(), "opinion") for _ in range(5))
            clock.advance(600)
        assert not ratelimit.hit(request_from(), "opinion")

    def test_each_address_has_its_own_counter(self, clock):
        for _ in range(5):
            ratelimit.hit(request_from("203.0.113.7"), "opinion")
        assert not ratelimit.hit(request_from("203.0.113.7"), "opinion")
        assert ratelimit.hit(request_from("203.0.113.8"), "opinion")

    def test_scopes_are_counted_apart(self, clock):
        for _ in range(5):
            ratelimit.hit(request_from(), "opinion")
        assert ratelimit.hit(request_from(), "track")

    def test_limits_come_from_settings_when_set(self, clock, settings):
        settings.TRACKING_RATE_LIMITS = ((2, 60),)
        assert [ratelimit.hit(request_from(), "track") for _ in range(3)] == [True, True, False]


class TestClientAddress:
    def test_the_forwarded_header_is_ignored_without_trusted_proxies(self):
        assert ratelimit.client_ip(request_from("10.0.0.1", forwarded="198.51.100.1")) == "10.0.0.1"

    def test_with_one_trusted_proxy_the_last_forwarded_address_counts(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        request = request_from("10.0.0.1", forwarded="1.2.3.4, 198.51.100.1")
        assert ratelimit.client_ip(request) == "198.51.100.1"

    def test_with_two_trusted_proxies_the_address_before_them_counts(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        request = request_from("10.0.0.2", forwarded="1.2.3.4, 198.51.100.1, 10.0.0.1")
        assert ratelimit.client_ip(request) == "198.51.100.1"

    def test_a_garbage_forwarded_address_falls_back_to_the_connection(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert ratelimit.client_ip(request_from("10.0.0.1", forwarded="not-an-ip")) == "10.0.0.1"

    def test_ipv6_clients_are_counted_per_64_block(self):
        first = ratelimit.client_ip(request_from("2001:db8:1:2::1"))
        second = ratelimit.client_ip(request_from("2001:db8:1:2:ffff::9"))
        assert first == second == "2001:db8:1:2::/64"


class TestCacheOutage:
    @pytest.fixture(autouse=True)
    def _fresh_local_counters(self):
        ratelimit.local_cache.clear()
        yield
        ratelimit.local_cache.clear()

    def test_an_unreachable_cache_counts_in_the_process_and_logs_a_warning(self, clock, monkeypatch, caplog):
        def broken(*args, **kwargs):
            raise ConnectionError("redis is down")

        monkeypatch.setattr(cache, "add", broken)
        with caplog.at_level(logging.WARNING, logger="liaison_stations.ratelimit"):
            results = [ratelimit.hit(request_from(), "opinion") for _ in range(6)]
        # The form stays up through the outage, and a flood is still cut off by the per-process fallback.
        assert results == [True] * 5 + [False]
        assert "Rate limit cache unavailable" in caplog.text

    def test_a_counter_expiring_between_add_and_incr_counts_as_the_first_hit(self, clock, monkeypatch):
        monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: (_ for _ in ()).throw(ValueError("gone")))
        assert ratelimit.hit(request_from(), "opinion")
