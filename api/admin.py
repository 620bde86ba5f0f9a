"""Staff register machine clients here, each for their own region: a token shown once on creation, rotated or
revoked by an action; the call log and the webhook deliveries are read-only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import join_clauses, labelled
from representatives.admin import ReadOnlyScopedAdmin, RegionScopedAdmin, ScopedInline
from representatives.services import TransitionError

from . import services
from .models import ApiCall, ApiClient, Scope, WebhookDelivery, WebhookSubscription


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("授权操作"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ApiClient
        fields = ["name", "region", "unit", "scopes", "rate_limit", "is_active"]

    def clean(self):
        data = super().clean() or {}
        unit_scopes = {Scope.READ_UNIT, Scope.REPLY} & set(data.get("scopes") or [])
        if unit_scopes and not data.get("unit"):
            raise forms.ValidationError(_("读取或答复交办事项须选定承办单位。"))
        region, unit = data.get("region"), data.get("unit")
        if region is not None and unit is not None and not unit.region.path.startswith(region.path):
            raise forms.ValidationError(_("承办单位须在客户端的数据范围内。"))
        return data


def _show_token(request, client, token: str) -> None:
    messages.warning(
        request,
        gettext("客户端“%(name)s”的令牌：%(token)s　请立即复制交给对方，此后不再显示。")
        % {"name": client.name, "token": token},
    )


class WebhookSubscriptionInline(ScopedInline, admin.TabularInline):
    model = WebhookSubscription
    extra = 0
    fields = ["url", "secret", "is_active"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ApiClient)
class ApiClientAdmin(RegionScopedAdmin, admin.ModelAdmin):
    form = ApiClientForm
    inlines = [WebhookSubscriptionInline]
    list_display = ["name", "region", "unit", "scope_list", "rate_limit", "token_hint", "is_active", "revoked_at"]
    list_select_related = ["region", "unit"]
    list_filter = ["is_active", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    readonly_fields = ["token_hint", "token_issued_at", "revoked_at", "created_at"]
    actions = ["rotate_token", "revoke"]

    @admin.display(description=_("授权操作"))
    def scope_list(self, client):
        labels = dict(Scope.choices)
        return join_clauses(labels.get(scope, scope) for scope in client.scopes or [])

    def save_model(self, request, obj, form, change):
        token = services.client_save(client=obj, by=request.user)
        # As RegionScopedAdmin.save_model: a forged region outside the staff member's undoes the save.
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise PermissionDenied
        if token:
            _show_token(request, obj, token)

    @admin.action(description=_("更换令牌（旧令牌立即失效）"))
    def rotate_token(self, request, queryset):
        for client in queryset:
            try:
                _show_token(request, client, services.client_rotate(client=client, by=request.user))
            except TransitionError as exc:
                messages.error(request, labelled(client.name, exc))

    @admin.action(description=_("吊销"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.client_revoke(client=client, by=request.user)
        messages.success(request, gettext("已吊销 %(count)d 个客户端。") % {"count": queryset.count()})


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "client__region"
    list_display = ["at", "client", "method", "route", "status", "duration_ms", "ip"]
    list_select_related = ["client"]
    list_filter = ["status", "method", ("client", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["route"]
    date_hierarchy = "at"

    def get_actions(self, request):
        return {}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "subscription__client__region"
    list_display = ["created_at", "subscription", "event", "state", "attempts", "status_code", "next_retry_at"]
    list_select_related = ["subscription"]
    list_filter = ["state"]
    readonly_fields = ["last_error", "payload"]

    def get_actions(self, request):
        return {}
