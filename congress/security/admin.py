"""Office staff lift lockouts of their own region's accounts by deleting the failed-attempt row in the
admin; by default django-axes' admin follows Django model permissions, which the office staff do not use."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import permissions


class ScopedAccessAttemptAdmin(AccessAttemptAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessAttempt]:
        return permissions.lockouts_for(request.user, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.may_unlock_logins(request.user)

    def has_view_permission(self, request: HttpRequest, obj: AccessAttempt | None = None) -> bool:
        return permissions.may_unlock_logins(request.user) and self._in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: AccessAttempt | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessAttempt | None = None) -> bool:
        return permissions.may_unlock_logins(request.user) and self._in_scope(request, obj)

    def _in_scope(self, request: HttpRequest, obj: AccessAttempt | None) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, ScopedAccessAttemptAdmin)
