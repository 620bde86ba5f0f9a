from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.text import bracketed


class LiaisonStationsConfig(AppConfig):
    name = "liaison_stations"
    verbose_name = _("代表联络站")

    def ready(self):
        from representatives import options_cache, panels, workdays
        from representatives.apps import region_label

        # ``audit`` registers this app's models with django-auditlog on import.
        from . import audit, figures, services, views_deputy, views_unit  # noqa: F401
        from .models import Station

        workdays.deadline_recomputers.register("liaison_stations", services.recompute_provisional_deadlines)
        options_cache.register(Station)
        # Stations are searched, not listed (core/autocomplete.py): a province has thousands.
        from core import autocomplete

        from .permissions import stations_for

        autocomplete.sources.register(
            "stations",
            autocomplete.Source(
                lambda user: stations_for(user).select_related("region"),
                ("name", "region__name"),
                lambda station: f"{station.name}{bracketed(station.region.name)}",
                ("region",),
            ),
        )
        # Leader accounts (the visit list's filter, and the visit form's active ones) and the regions a station
        # may be set up in grow with the province as well; each searched among the rows its field accepts.
        from .forms_staff import station_regions_for
        from .permissions import visiting_leaders_for

        def leader_label(user) -> str:
            return user.get_full_name() or user.username

        leader_fields = ("username", "first_name", "last_name")
        autocomplete.sources.register(
            "leaders",
            autocomplete.Source(
                lambda user: visiting_leaders_for(user).order_by("last_name", "first_name", "username"),
                leader_fields,
                leader_label,
            ),
        )
        autocomplete.sources.register(
            "visit_leaders",
            autocomplete.Source(
                lambda user: (
                    visiting_leaders_for(user).filter(is_active=True).order_by("last_name", "first_name", "username")
                ),
                leader_fields,
                leader_label,
            ),
        )
        autocomplete.sources.register(
            "visit_stations",
            autocomplete.Source(
                lambda user: stations_for(user).filter(is_active=True).select_related("region"),
                ("name", "region__name"),
                lambda station: f"{station.name}{bracketed(station.region.name)}",
                ("region",),
            ),
        )
        autocomplete.sources.register(
            "station_regions",
            autocomplete.Source(
                lambda user: station_regions_for(user).select_related("parent"),
                ("name", "code"),
                region_label,
                ("parent",),
            ),
        )
        figures.register()
        panels.deputy_home_panels.register("liaison_stations", views_deputy.deputy_home_panel)
        panels.unit_home_panels.register("liaison_stations", views_unit.unit_home_panel)
        from . import views_report_rating

        panels.activity_panels.register("liaison_stations", views_report_rating.activity_panel)
        from . import views_messages

        # Its own key: the app's duty-day panel above is registered under the app's name.
        panels.deputy_home_panels.register("liaison_stations.messages", views_messages.deputy_home_panel)
        from representatives import work_queue as staff_work_queue

        from . import work_queue

        staff_work_queue.sources.register("liaison_stations", work_queue.staff_queue)
        # The staff lists' downloads (core.exports builds the large ones in the background).
        from . import exports

        exports.register_kinds()
        # The demo's builders (seed_demo): importing the module fills representatives.demo.builders.
        from . import demo  # noqa: F401
