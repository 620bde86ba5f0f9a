from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("代表建议")

    def ready(self):
        from liaison_stations import services as station_services

        # ``audit`` registers this app's models with django-auditlog on import.
        from . import audit, figures, services  # noqa: F401

        figures.register()

        station_services.suggestion_drafters.register("suggestions", services.draft_from_opinion)

        from representatives import panels

        from . import views_deputy

        panels.deputy_home_panels.register("suggestions", views_deputy.deputy_home_panel)
        from . import views_unit

        panels.unit_home_panels.register("suggestions", views_unit.unit_home_panel)
        from representatives import work_queue as staff_work_queue

        from . import work_queue

        staff_work_queue.sources.register("suggestions", work_queue.staff_queue)
        # The staff lists' downloads (core.exports builds the large ones in the background).
        from . import exports

        exports.register_kinds()
        # The demo's builders (seed_demo): importing the module fills representatives.demo.builders.
        from . import demo  # noqa: F401
