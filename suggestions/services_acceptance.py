"""二次验收: after a key suggestion has been replied to, its leader (or the office) goes back to check that the
promised work was really done, and records who went, when, the result and what they found.

A supervision record of its own kind, so the suggestion's supervision history reads in one list.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Suggestion, Supervision
from .services import ACCEPTABLE_STATES, SUGGESTION_STEPS, _clean, _locked, _require, _save

__all__ = ["ACCEPTABLE_STATES", "can_record_acceptance", "supervision_accept"]


def can_record_acceptance(user, suggestion: Suggestion) -> bool:
    return SUGGESTION_STEPS.permits("accept", user, suggestion)


@transaction.atomic
def supervision_accept(*, suggestion: Suggestion, by, date, result: str, note: str) -> Supervision:
    suggestion = _locked(suggestion)
    SUGGESTION_STEPS.require("accept", by, suggestion)
    _require(date <= timezone.localdate(), _("不能登记未来日期的验收。"))
    _require(result in Supervision.Result.values, _("请选择验收结果。"))
    _require(bool((note or "").strip()), _("请填写验收情况。"))
    record = Supervision(
        suggestion=suggestion, kind=Supervision.Kind.ACCEPTANCE, date=date, result=result, note=note.strip(), by=by
    )
    _clean(record)
    record.save()
    _save(
        suggestion,
        by,
        note=_("二次验收（%(result)s）") % {"result": record.get_result_display()},
    )
    return record
