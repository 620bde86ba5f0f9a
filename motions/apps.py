from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MotionsConfig(AppConfig):
    name = "motions"
    verbose_name = _("议案")

    def ready(self):
        # ``audit`` registers this app's models with django-auditlog on import.
        from representatives import panels
        from suggestions import origins

        # ``demo`` registers the demo data builder (representatives.demo.builders).
        from . import audit, demo, exports, links, views_deputy  # noqa: F401

        panels.deputy_home_panels.register("motions", views_deputy.deputy_home_panel)
        # A suggestion made from a motion shows where it came from (suggestions.origins).
        origins.finders.register("motions", links.suggestion_origin)
        origins.relations.register("motions", "source_motion")
        exports.register_kinds()
