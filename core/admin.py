from django.contrib import admin
from django.http import HttpRequest

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """The record of large downloads: who asked for which list with which filters. Read only."""

    list_display = ("title", "user", "rows", "status", "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("user__username", "title", "params")
    date_hierarchy = "created_at"
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return False
