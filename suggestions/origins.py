"""Where a suggestion came from, shown on its pages, told by the apps above this one.

A suggestion may be made from another app's record (a motion turned into a suggestion, 议案转为建议); this app
cannot name those apps, so they register an ``Origin`` finder here from their ``AppConfig.ready()``: a callable
taking (suggestion, audience) — audience "me" or "staff" — and returning an ``Origin`` or None.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.registry import Registry


@dataclass(frozen=True)
class Origin:
    label: str
    title: str
    url: str


finders: Registry[Callable[[Any, str], Origin | None]] = Registry("suggestion origins")

# The reverse one-to-one relation each finder reads (e.g. "source_motion"), joined when the suggestion page
# loads its suggestion (selectors.suggestion_detail), so a finder costs no query of its own.
relations: Registry[str] = Registry("suggestion origin relations")


def origins_of(suggestion: Any, audience: str) -> list[Origin]:
    found = (finder(suggestion, audience) for finder in finders)
    return [origin for origin in found if origin is not None]
