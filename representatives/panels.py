"""Extension points for pages of this app that later apps add to.

Apps depend one way (representatives ← liaison_stations ← suggestions ← evaluations), so the deputy's home
page cannot import the apps above it. Instead they register panels here in their AppConfig.ready(): a
callable taking (request, deputy) and returning a (template name, context) pair, or None to show nothing.
"""

from collections.abc import Callable

from django.template.loader import render_to_string

Panel = Callable[..., tuple[str, dict] | None]

deputy_home_panels: list[Panel] = []
staff_home_panels: list[Panel] = []
unit_home_panels: list[Panel] = []
# On an activity record's page (the deputy's and the office's), called with (request, record).
activity_panels: list[Panel] = []


def render_panels(panels: list[Panel], request, *args) -> list[str]:
    rendered = []
    for panel in panels:
        result = panel(request, *args)
        if result is not None:
            template, context = result
            rendered.append(render_to_string(template, context, request=request))
    return rendered
