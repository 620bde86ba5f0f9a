"""Field-level history of scoring rules, adjustments and the scores people change.

Scoring runs write ``Score`` rows in bulk SQL, which no model signal sees; each run is recorded as a
``ScoreRun`` instead (who, when, rule set and version, rows replaced and written). What auditlog sees of a
score is its adjustment through ``services.score_adjust``: before and after of the adjustment, total, grade
and warning.
"""

from auditlog.models import LogEntry
from auditlog.signals import pre_log

from representatives.audit import register

from .models import (
    Attendance,
    CongressSession,
    GradeBand,
    GroupYearNote,
    Nomination,
    RuleItem,
    RuleSet,
    Score,
    ScoreAdjustment,
    UnitRuleSet,
    WarningBand,
)

register(RuleSet, "region")
register(RuleItem, "rule_set__region")
register(GradeBand, "rule_set__region")
register(WarningBand, "rule_set__region")
register(ScoreAdjustment, "deputy__region")
register(Score, "deputy__region", include_fields=["adjustment", "total", "grade", "warning"])
register(CongressSession, "congress__region")
register(Attendance, "deputy__region")
register(UnitRuleSet, "region")
register(GroupYearNote, "group__region")
register(Nomination, "region")


def _skip_score_deletions(sender, action, **kwargs):
    # Scores disappear with their rule set or deputy, whose own deletion is logged; one history row per
    # deleted score would only bury it.
    if action == LogEntry.Action.DELETE:
        return False
    return None


pre_log.connect(_skip_score_deletions, sender=Score, dispatch_uid="evaluations.audit.skip_score_deletions")
