"""开放接口: the machine clients staff register (other platforms, the 12345 hotline, a unit's own system), the
log of every call they make, the opinions they passed in (idempotent by the caller's own id) and the webhooks
that tell them of an opinion's change of state."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison_stations.models import Opinion
from representatives.models import HandlingUnit, Region


class Scope(models.TextChoices):
    """The operations a client may be granted; each route asks for exactly one."""

    READ_PUBLIC = "read_public", _("读取公开信息（代表、联络站、接待日、公示结果）")
    READ_UNIT = "read_unit", _("读取交办本单位的意见和建议")
    WRITE_OPINIONS = "write_opinions", _("提交其他渠道的群众意见")
    REPLY = "reply", _("答复交办本单位的意见")
    OPEN311 = "open311", _("12345热线（Open311）受理")


# A prefix that marks our tokens in logs and secret scanners; not itself a secret.
TOKEN_PREFIX = "co_"  # noqa: S105  # nosec B105


def hash_token(token: str) -> str:
    # Tokens are 32 random bytes, so a plain SHA-256 cannot be reversed by guessing; a slow hash would only
    # cost every API call its time.
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiClient(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("数据范围"),
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text=_("客户端只能读写这个区域及下级区域的数据。"),
    )
    scopes = models.JSONField(_("授权操作"), default=list, blank=True)
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text=_("承办单位自己的系统：读取和答复交办给这个单位的事项。"),
    )
    # A unit's system acts as that unit: the services' state tables and the StateLog see this account (a unit
    # clerk without a password, named after the client), never a person's.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="api_client",
    )
    rate_limit = models.PositiveIntegerField(_("每分钟调用上限"), default=60)
    is_active = models.BooleanField(_("启用"), default=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The token's first characters, shown in the admin so staff can tell which token a caller holds.
    token_hint = models.CharField(_("令牌开头"), max_length=12, editable=False)
    token_issued_at = models.DateTimeField(_("令牌签发时间"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def set_token(self) -> str:
        """Give the client a new token (the old one stops working) and return it: the only time it is seen."""
        token = new_token()
        self.token_hash = hash_token(token)
        self.token_hint = token[: len(TOKEN_PREFIX) + 6]
        self.token_issued_at = timezone.now()
        return token


class ApiCall(models.Model):
    """One call to the API, whoever made it (a refused call without a valid token has no client)."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("客户端"), null=True, blank=True, on_delete=models.CASCADE, related_name="calls"
    )
    route = models.CharField(_("接口"), max_length=200)
    method = models.CharField(_("方法"), max_length=10)
    status = models.PositiveSmallIntegerField(_("状态码"))
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    ip = models.CharField(_("来源地址"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("接口调用记录")
        verbose_name_plural = _("接口调用记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self):
        return f"{self.method} {self.route} {self.status}"


class Intake(models.Model):
    """An opinion a client passed in, under the caller's own id: a resend finds this row instead of writing a
    second opinion (the unique constraint settles two concurrent sends)."""

    client = models.ForeignKey(ApiClient, verbose_name=_("客户端"), on_delete=models.PROTECT, related_name="intakes")
    external_id = models.CharField(_("对方编号"), max_length=100)
    opinion = models.OneToOneField(Opinion, verbose_name=_("选民意见"), on_delete=models.CASCADE, related_name="intake")
    # Where the caller placed the issue (Open311's address and coordinates), given back on its status.
    address = models.CharField(_("地址"), max_length=300, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    created_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    class Meta:
        verbose_name = _("接口受理记录")
        verbose_name_plural = _("接口受理记录")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "external_id"], name="api_intake_once_per_id")]

    def __str__(self):
        return f"{self.client} {self.external_id}"


class WebhookSubscription(models.Model):
    client = models.ForeignKey(
        ApiClient, verbose_name=_("客户端"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    url = models.URLField(_("回调地址"), max_length=500)
    # Shared with the platform to verify the signature; random by default, never shown in a list.
    secret = models.CharField(_("签名密钥"), max_length=100, default=secrets.token_hex)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("状态变更回调")
        verbose_name_plural = _("状态变更回调")
        ordering = ["client", "id"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("已放弃")

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("回调"), on_delete=models.CASCADE, related_name="deliveries"
    )
    opinion = models.ForeignKey(Opinion, verbose_name=_("选民意见"), on_delete=models.CASCADE, related_name="+")
    event = models.CharField(_("事件"), max_length=50, default="opinion.status_changed")
    payload = models.JSONField(_("内容"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    status_code = models.PositiveSmallIntegerField(_("对方状态码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_retry_at = models.DateTimeField(_("下次重试"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回调发送记录")
        verbose_name_plural = _("回调发送记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.event} → {self.subscription}"
