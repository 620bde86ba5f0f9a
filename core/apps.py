from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every domain app stands on and none of them owns: pagination, spreadsheets, background exports,
    caches, notices. It imports no domain app; domain apps plug into it from their own ``AppConfig.ready()``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("公共")

    def ready(self) -> None:
        from . import choices

        choices.install()
