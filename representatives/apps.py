from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    name = "representatives"
    verbose_name = _("代表")

    def ready(self):
        from . import audit  # noqa: F401  registers models with django-auditlog
