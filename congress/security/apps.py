from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "congress.security"
    label = "security"
    verbose_name = _("登录保护")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from congress.middleware import mark_session_start

        user_logged_in.connect(mark_session_start, dispatch_uid="congress.session_start")
