from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("履职考评")

    def ready(self):
        from representatives import panels

        # ``audit`` registers this app's models with django-auditlog on import.
        from . import audit, views_file  # noqa: F401

        panels.deputy_home_panels.register("evaluations", views_file.deputy_home_panel)
        # The demo's builders (seed_demo): importing the module fills representatives.demo.builders.
        from . import demo  # noqa: F401
