from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivelihoodConfig(AppConfig):
    name = "livelihood"
    verbose_name = _("民生实事")

    def ready(self):
        from representatives import panels

        # ``audit`` registers this app's models with django-auditlog on import (the votes left out on purpose).
        # ``demo`` fills representatives.demo.builders (seed_demo) on import.
        from . import audit, demo, exports, views_deputy, views_unit  # noqa: F401

        panels.deputy_home_panels.register("livelihood", views_deputy.deputy_home_panel)
        panels.unit_home_panels.register("livelihood", views_unit.unit_home_panel)
        exports.register_kinds()
