"""Who must (and may) use a second factor, and who may lift a login lockout."""

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.urls import ResolverMatch

from representatives import permissions as base

# Namespaces of the pages a second factor guards when STAFF_REQUIRE_OTP is on.
GUARDED_NAMESPACES = frozenset({"staff", "admin"})
# Leaving must always be possible, verified or not.
EXEMPT_URL_NAMES = frozenset({"logout"})


def may_use_otp(user: Any) -> bool:
    """Office staff, leaders and superusers: the accounts that read personal data across a region."""
    return base.is_office_staff(user) or base.is_leader(user)


def needs_otp(user: Any, resolver_match: ResolverMatch | None) -> bool:
    if not settings.STAFF_REQUIRE_OTP or resolver_match is None:
        return False
    if resolver_match.url_name in EXEMPT_URL_NAMES:
        return False
    if not GUARDED_NAMESPACES.intersection(resolver_match.namespaces):
        return False
    if not may_use_otp(user):
        return False
    return not user.is_verified()


def may_unlock_logins(user: Any) -> bool:
    return base.is_office_staff(user)


def lockouts_for(user: Any, queryset: QuerySet[AccessAttempt]) -> QuerySet[AccessAttempt]:
    """Superusers see every lockout; office staff those of accounts in their region, never the attempts on
    names that are no account (they reveal nothing staff can act on)."""
    from representatives.models import User

    if user.is_superuser:
        return queryset
    usernames = User.objects.filter(base.region_scope_q(user)).values("username")
    return queryset.filter(username__in=usernames)
