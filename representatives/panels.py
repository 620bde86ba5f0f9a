"""Extension points for pages of this app that later apps add to.

Apps depend one way (representatives ← liaison_stations ← suggestions ← evaluations), so the deputy's home
page cannot import the apps above it. Instead they register panels here in their AppConfig.ready()
(``deputy_home_panels.register(app_label, panel)``, core.registry): a callable taking (request, deputy) and
returning a (template name, context) pair, or None to show nothing.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from core.registry import Registry

Panel = Callable[..., tuple[str, dict[str, Any]] | None]

deputy_home_panels: Registry[Panel] = Registry("deputy home panels")
staff_home_panels: Registry[Panel] = Registry("staff home panels")
unit_home_panels: Registry[Panel] = Registry("unit home panels")
# On an activity record's page (the deputy's and the office's), called with (request, record).
activity_panels: Registry[Panel] = Registry("activity record panels")


def render_panels(panels: Iterable[Panel], request: HttpRequest, *args: Any) -> list[str]:
    rendered = []
    for panel in panels:
        result = panel(request, *args)
        if result is not None:
            template, context = result
            rendered.append(render_to_string(template, context, request=request))
    return rendered
