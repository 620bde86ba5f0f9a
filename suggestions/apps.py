from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("代表建议")

    def ready(self):
        from auditlog.registry import auditlog

        from liaison_stations import services as station_services

        from . import models, services

        for model in (models.Suggestion, models.Assignment, models.Reply, models.Evaluation, models.CoSigner):
            auditlog.register(model)
        station_services.suggestion_drafter = services.draft_from_opinion
