"""The suite's one clock: tests that step through minutes or windows move it instead of sleeping.

Every module whose behaviour depends on elapsed time reads it through a module-level ``now()`` (wall time) or
``monotonic()`` (intervals); the ``clock`` fixture in the root conftest.py points all of them at one ``Clock``, so
a test moves them together with ``clock.advance(seconds)``.
"""

# A moment on a boundary of every rate-limit window (they are whole divisors of it), so a test's first hit opens
# a window rather than landing near the end of one.
START = 600 * 3_000_000


class Clock:
    """Stands in for ``time.time``/``time.monotonic``: returns ``moment``, which moves only when a test moves it."""

    def __init__(self, start: float = START) -> None:
        self.moment = start

    def __call__(self) -> float:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += seconds


# Where the project reads the time: (module, attribute) pairs the fixture replaces with the clock.
CLOCK_READERS = [
    ("congress.middleware", "now"),
    ("congress.cache", "monotonic"),
    ("core.refresh_cache", "now"),
    ("liaison_stations.ratelimit", "now"),
    ("liaison_stations.reminders", "now"),
]
