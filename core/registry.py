"""The one plug-in mechanism: a lower layer declares a ``Registry``; a higher app fills it from its own
``AppConfig.ready()``.

So nothing lower names anything higher: ``core`` and ``representatives`` never import ``suggestions`` or
``evaluations``, yet run their panels, figures and hooks. Entries are keyed, so running ``ready()`` twice (the
test runner, ``django.setup()`` in a worker) replaces an entry instead of adding it again, and a test can swap
one entry for a stand-in. Iterating gives the entries in the order they were first registered, which is the
order of INSTALLED_APPS.

    home_panels: Registry[Panel] = Registry("deputy home panels")       # in the lower app
    home_panels.register("suggestions", views_deputy.home_panel)        # in suggestions/apps.py ready()
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar, overload

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, description: str) -> None:
        self.description = description
        self._entries: dict[str, T] = {}

    @overload
    def register(self, key: str) -> Callable[[T], T]: ...
    @overload
    def register(self, key: str, entry: T) -> T: ...
    def register(self, key: str, entry: T | None = None) -> T | Callable[[T], T]:
        """Adds (or replaces) ``entry`` under ``key``; without ``entry``, a decorator that registers what it wraps."""
        if entry is None:

            def decorator(entry: T) -> T:
                self._entries[key] = entry
                return entry

            return decorator
        self._entries[key] = entry
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def __getitem__(self, key: str) -> T:
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"{key!r} is not registered in {self.description}") from None

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    @contextmanager
    def narrowed(self, keep: Callable[[str, T], bool]) -> Iterator[None]:
        """Only the entries ``keep(key, entry)`` accepts until the block ends, then every entry back in its order,
        whatever the block registered or removed (tests: the demo's builders run in the registry's order)."""
        saved = dict(self._entries)
        self._entries = {key: entry for key, entry in saved.items() if keep(key, entry)}
        try:
            yield
        finally:
            self._entries = saved

    def __repr__(self) -> str:
        return f"<Registry {self.description}: {', '.join(self._entries)}>"
