from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("履职考评")

    def ready(self):
        from auditlog.registry import auditlog

        from representatives import panels

        from . import models, views_file

        # Score rows are computed in bulk and replaced by each run (whose ScoreRun row records who ran it);
        # what a person changes — the rules and the adjustments — is audited field by field.
        for model in (models.RuleSet, models.RuleItem, models.GradeBand, models.WarningBand, models.ScoreAdjustment):
            auditlog.register(model)
        panels.deputy_home_panels.append(views_file.deputy_home_panel)
