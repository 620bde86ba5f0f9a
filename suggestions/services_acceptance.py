"""二次验收: after a key suggestion has been replied to, its leader (or the office) goes back to check that the
promised work was really done, and records who went, when, the result and what they found.

A supervision record of its own kind, so the suggestion's supervision history reads in one list.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import Suggestion, Supervision
from .services import _clean, _locked, _require, _save

# "After completion": the unit has replied (and the suggestion may since have been closed).
ACCEPTABLE_STATES = (Suggestion.Status.REPLIED, Suggestion.Status.CLOSED)


def can_record_acceptance(user, suggestion: Suggestion) -> bool:
    return suggestion.is_key and suggestion.status in ACCEPTABLE_STATES and permissions.can_supervise(user, suggestion)


@transaction.atomic
def supervision_accept(*, suggestion: Suggestion, by, date, result: str, note: str) -> Supervision:
    suggestion = _locked(suggestion)
    _require(permissions.can_supervise(by, suggestion), _("您无权督办这件建议。"))
    _require(suggestion.is_key, _("只有重点督办建议进行二次验收。"))
    _require(suggestion.status in ACCEPTABLE_STATES, _("承办单位答复后才能进行二次验收。"))
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
