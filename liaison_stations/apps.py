from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonStationsConfig(AppConfig):
    name = "liaison_stations"
    verbose_name = _("代表联络站")

    def ready(self):
        from auditlog.registry import auditlog

        from representatives import panels, workdays

        from . import models, services, views_deputy, views_unit

        for model in (models.Station, models.StationMember, models.DutyDay, models.Opinion, models.StandardCheck):
            auditlog.register(model)
        workdays.deadline_recomputers.append(services.recompute_provisional_deadlines)
        panels.deputy_home_panels.append(views_deputy.deputy_home_panel)
        panels.unit_home_panels.append(views_unit.unit_home_panel)
