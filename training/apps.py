from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("培训与测试")

    def ready(self):
        # ``audit`` registers this app's models with django-auditlog on import; ``demo`` fills
        # representatives.demo.builders (seed_demo) on import.
        from . import audit, demo, exports  # noqa: F401

        exports.register_kinds()
