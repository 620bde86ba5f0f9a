"""Reads for the key suggestions' page (重点督办): what a leader leads, with its supervision and 二次验收."""

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from representatives.permissions import is_leader

from . import permissions
from .models import Suggestion, Supervision


def key_suggestions(*, user, mine: bool) -> QuerySet[Suggestion]:
    """Key suggestions in the user's scope (a leader's own when ``mine``), each with its supervision count,
    last supervision and latest acceptance, in one query per page."""
    queryset = permissions.suggestions_for(user).filter(is_key=True)
    if mine:
        queryset = queryset.filter(supervising_leader=user)
    acceptance = Supervision.objects.filter(suggestion=OuterRef("pk"), kind=Supervision.Kind.ACCEPTANCE).order_by(
        "-date", "-id"
    )
    not_acceptance = ~Q(supervisions__kind=Supervision.Kind.ACCEPTANCE)
    return (
        queryset.select_related("deputy", "region", "supervising_leader")
        .annotate(
            supervision_count=Count("supervisions", filter=not_acceptance),
            last_supervised=Max("supervisions__date", filter=not_acceptance),
            acceptance_result=Subquery(acceptance.values("result")[:1]),
            acceptance_date=Subquery(acceptance.values("date")[:1]),
        )
        .order_by("-year", "-id")
    )


def leads_by_default(user) -> bool:
    """A leader opens the page on what they lead; office staff on every key suggestion of their region."""
    return is_leader(user)
