"""Chinese names for the third-party apps shown in the admin (they ship no zh-hans catalogue, so the Chinese
admin showed "Audit log", "Axes", "Access attempts", "TOTP devices").

INSTALLED_APPS names these AppConfig subclasses instead of the packages' own. Model names are set on
``_meta.verbose_name``/``verbose_name_plural`` only: ``original_attrs``, which migrations read, stays as the
package wrote it, so no migration of someone else's app is asked for.
"""

from typing import Any

from auditlog.apps import AuditlogConfig as _AuditlogConfig
from axes.apps import AppConfig as _AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as _TOTPConfig


def _name_models(config: AppConfig, names: dict[str, tuple[Any, Any]]) -> None:
    for model_name, (singular, plural) in names.items():
        meta = config.get_model(model_name)._meta
        meta.verbose_name, meta.verbose_name_plural = singular, plural


class AuditlogConfig(_AuditlogConfig):
    verbose_name = _("审计日志")

    def ready(self) -> None:
        super().ready()
        _name_models(self, {"LogEntry": (_("审计记录"), _("审计记录"))})


class AxesConfig(_AxesConfig):
    verbose_name = _("登录限制")

    def ready(self) -> None:
        super().ready()
        _name_models(
            self,
            {
                "AccessAttempt": (_("登录失败锁定"), _("登录失败锁定")),
                "AccessLog": (_("登录记录"), _("登录记录")),
                "AccessFailureLog": (_("登录失败记录"), _("登录失败记录")),
                "AccessAttemptExpiration": (_("锁定到期时间"), _("锁定到期时间")),
            },
        )


class TOTPConfig(_TOTPConfig):
    verbose_name = _("动态口令（TOTP）")

    def ready(self) -> None:
        super().ready()
        _name_models(self, {"TOTPDevice": (_("动态口令设备"), _("动态口令设备"))})
