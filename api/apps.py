from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("开放接口")

    def ready(self):
        from liaison_stations import services as opinion_services

        from . import schema, services  # noqa: F401  (schema registers the token's OpenAPI description)

        # Tell subscribed platforms when an opinion they passed in changes state (liaison_stations never
        # names this app).
        opinion_services.status_listeners.register("api.webhooks", services.on_status_change)
        # The demo's builders (seed_demo): importing the module fills representatives.demo.builders.
        from . import demo  # noqa: F401
