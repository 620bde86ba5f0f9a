"""Who may see and do what with annual files and scores.

A deputy reads their own file and score; staff and leaders read those of their region and below; only office
staff adjust scores and run scoring. Built on the role and region helpers of ``representatives.permissions``.
"""

from django.db.models import QuerySet

from representatives.models import Deputy
from representatives.permissions import (
    deputies_for,
    is_deputy,
    is_office_staff,
    region_scope_q,
    sees_region_data,
    user_covers_region,
)

from .models import RuleSet, Score, ScoreRun


def file_deputies_for(user) -> QuerySet[Deputy]:
    """Deputies whose annual file the user may open: the same people whose full record they may read."""
    return deputies_for(user)


def can_view_file(user, deputy: Deputy) -> bool:
    if is_deputy(user) and user.deputy_id == deputy.pk:
        return True
    return sees_region_data(user) and user_covers_region(user, deputy.region)


def scores_for(user) -> QuerySet[Score]:
    """Scores of deputies in the user's region and below, whichever office's rule set produced them.

    A county office scored under its city's rule set sees its own deputies' rows of that list only.
    """
    if sees_region_data(user):
        return Score.objects.filter(region_scope_q(user, "deputy__region"))
    if is_deputy(user):
        return Score.objects.filter(deputy_id=user.deputy_id)
    return Score.objects.none()


def can_adjust_score(user, score: Score) -> bool:
    return is_office_staff(user) and user_covers_region(user, score.deputy.region)


def rule_sets_for(user) -> QuerySet[RuleSet]:
    """Rule sets an office maintains: its own region's and those below."""
    if not is_office_staff(user):
        return RuleSet.objects.none()
    return RuleSet.objects.filter(region_scope_q(user))


def can_run_scoring(user, rule_set: RuleSet) -> bool:
    return is_office_staff(user) and user_covers_region(user, rule_set.region)


def runs_for(user) -> QuerySet[ScoreRun]:
    if not is_office_staff(user):
        return ScoreRun.objects.none()
    return ScoreRun.objects.filter(region_scope_q(user, "rule_set__region"))
