from django.contrib import admin
from django.http import HttpRequest

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """The record of large downloads: who asked for which list with which filters. Read only, and for
    superusers only: the rows span every region, and their filters name people."""

    list_display = ("title", "user", "rows", "status", "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("user__username", "title", "params")
    date_hierarchy = "created_at"
    list_select_related = ("user",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return False
