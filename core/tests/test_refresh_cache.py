"""Slow figures: computed on a miss, served while fresh, served stale while one background refresh runs."""

import pytest
from django.core.cache import cache
from django.utils import translation

from core import refresh_cache, tasks

CALLS: list[dict] = []
NAME = "tests.count_things"


@refresh_cache.computer(NAME)
def count_things(*, scope: str) -> int:
    CALLS.append({"scope": scope})
    return 100 + len(CALLS)


def not_marked(**kwargs):
    return "should never run"


@pytest.fixture(autouse=True)
def _fresh(settings, clock):
    settings.REFRESH_IN_BACKGROUND = True
    CALLS.clear()
    cache.clear()


def get(scope="city"):
    return refresh_cache.get(NAME, f"things:{scope}", fresh_seconds=60, keep_seconds=3600, scope=scope)


def kept(key: str) -> str:
    """Where ``refresh_cache`` keeps ``key``: per language."""
    return f"{key}:{translation.get_language()}"


def test_a_miss_computes_in_the_request_and_a_fresh_figure_is_served_as_kept():
    assert get() == 101
    assert get() == 101
    assert CALLS == [{"scope": "city"}]


def test_each_scope_is_kept_apart():
    assert get("city") == 101
    assert get("county") == 102


def test_an_old_figure_is_served_while_one_refresh_is_queued(monkeypatch, clock):
    queued = []
    monkeypatch.setattr(tasks.refresh_cached, "delay", lambda *args: queued.append(args))
    get()
    clock.advance(61)
    assert get() == 101  # the old figure, at once
    assert get() == 101
    assert len(queued) == 1  # a second visit does not queue a second refresh
    name, key, keep, kwargs, language = queued[0]
    tasks.refresh_cached(name, key, keep, kwargs, language)  # what the worker runs
    assert get() == 102
    assert cache.get(kept("things:city") + ":refreshing") is None


def test_when_the_broker_is_down_the_old_figure_is_served_and_the_next_visit_tries_again(monkeypatch, clock):
    def broker_down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.refresh_cached, "delay", broker_down)
    get()
    clock.advance(61)
    assert get() == 101
    assert cache.get(kept("things:city") + ":refreshing") is None


def test_only_registered_functions_can_be_called_through_the_task():
    with pytest.raises(ValueError, match="not a refreshable"):
        tasks.refresh_cached("core.tests.test_refresh_cache.not_marked", "x", 60, {})
    with pytest.raises(ValueError, match="not a refreshable"):
        tasks.refresh_cached("os.system", "x", 60, {"command": "true"})
    assert cache.get("x") is None


def test_without_background_refresh_an_old_figure_is_computed_in_the_request(settings, clock):
    settings.REFRESH_IN_BACKGROUND = False
    get()
    clock.advance(61)
    assert get() == 102


def test_a_figure_not_refreshed_for_keep_seconds_is_computed_again_in_the_request(monkeypatch):
    class RecordingCache:
        timeouts: list[int] = []

        def __getattr__(self, name):
            return getattr(cache, name)

        def set(self, key, value, timeout):
            self.timeouts.append(timeout)
            cache.set(key, value, timeout)

    recording = RecordingCache()
    monkeypatch.setattr(refresh_cache, "cache", recording)
    refresh_cache.get(NAME, "things:short", fresh_seconds=60, keep_seconds=90, scope="city")
    # The cache itself drops the entry after keep_seconds (its own expiry, not this module's clock)...
    assert recording.timeouts == [90]
    cache.delete(kept("things:short"))
    # ...and a visit after that computes in the request, whatever the background setting.
    assert refresh_cache.get(NAME, "things:short", fresh_seconds=60, keep_seconds=90, scope="city") == 102


@refresh_cache.computer("tests.label_things")
def label_things(*, scope: str) -> str:
    return str(translation.gettext("代表"))


def test_figures_are_kept_per_language_and_refreshed_in_the_language_that_asked(monkeypatch, clock):
    queued = []
    monkeypatch.setattr(tasks.refresh_cached, "delay", lambda *args: queued.append(args))
    name = "tests.label_things"

    def labels():
        return refresh_cache.get(name, "labels", fresh_seconds=60, keep_seconds=3600, scope="city")

    with translation.override("en"):
        assert labels() == "Deputy"
    with translation.override("zh-hans"):
        assert labels() == "代表"
    with translation.override("en"):
        clock.advance(61)
        assert labels() == "Deputy"
    # The worker runs with no visitor's language active: it takes the one the task carries.
    with translation.override("zh-hans"):
        tasks.refresh_cached(*queued[0])
        assert labels() == "代表"
    with translation.override("en"):
        assert labels() == "Deputy"
