"""The Django admin for motions: office staff only, cut to their region, read-mostly.

Every step of a motion goes through ``services`` (locking, who may act, the timeline), so the admin lets staff
correct only what the deputy typed. The number of co-signers per congress (``MotionRule``) is edited here and on
the staff page ``staff:motion_rules``; through the admin a member of staff sets it only for their region's
congresses.
"""

from django.contrib import admin
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from representatives.admin import STATE_LOG_SCOPES, RegionScopedAdmin, ScopedInline
from representatives.models import Congress
from representatives.permissions import region_scope_q

from .models import Motion, MotionCoSigner, MotionRule

STATE_LOG_SCOPES[Motion] = "region"

MOTION_TIMES = ["created_at", "submitted_at", "registered_at", "decided_at"]


class CoSignerInline(ScopedInline, admin.TabularInline):
    model = MotionCoSigner
    extra = 0
    can_delete = False
    fields = readonly_fields = ("deputy", "status", "invited_at", "responded_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")


@admin.register(Motion)
class MotionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    inlines = [CoSignerInline]
    list_display = ["number_label", "year", "title", "deputy", "status", "region"]
    list_display_links = ["number_label", "title"]
    list_select_related = ["deputy", "region"]
    list_filter = ["status", "year", "decision_body"]
    search_fields = ["title", "deputy__name", "deputy__code", "=number"]
    readonly_fields = [
        "congress",
        "region",
        "deputy",
        "year",
        "number",
        "status",
        "decision_body",
        "committee",
        "session",
        "decision_reason",
        "suggestion",
        *MOTION_TIMES,
    ]
    fieldsets = (
        (None, {"fields": ("congress", "region", "deputy", "year", "number", "status")}),
        (_("议案内容"), {"fields": ("title", "grounds", "proposal")}),
        (_("审议决定"), {"fields": ("decision_body", "committee", "session", "decision_reason", "suggestion")}),
        (_("各环节时间"), {"fields": tuple(MOTION_TIMES)}),
    )

    @admin.display(description=_("编号"), ordering="number")
    def number_label(self, motion):
        return motion.number_label

    def scope_q(self, request):
        # Drafts are the deputy's own business until submitted, as on the staff pages.
        return super().scope_q(request) & ~Q(status=Motion.Status.DRAFT)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("congress__region", "deputy", "region", "suggestion")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


@admin.register(MotionRule)
class MotionRuleAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "congress__region"
    list_display = ["congress", "min_cosigners", "updated_at", "updated_by"]
    list_select_related = ["congress__region", "updated_by"]
    fields = ["congress", "min_cosigners"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "congress":
            kwargs["queryset"] = Congress.objects.filter(region_scope_q(request.user)).select_related("region")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
