"""Confirming or returning many activity records at once, from the staff list's selection or filter.

Each record goes through the single-record service (``activity_confirm`` / ``activity_return``) in its own
transaction, so each is checked for the reviewer's region and its state, locked and audited exactly as when
confirmed one by one; a record that is no longer pending (someone else got there first, the deputy edited it)
is skipped and reported, and never stops the others.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import services
from .models import ActivityRecord

# One request reviews at most this many records; more are left for the next round (the page says how many).
BULK_LIMIT = 2000
ACTIONS = ("confirm", "return")


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)
    left: int = 0


def activity_bulk_review(*, records, by, action: str, reason: str = "") -> BulkResult:
    """Confirm or return each of ``records`` (a queryset the caller already scoped to what ``by`` may read).

    Bad input (an unknown action, a return without a reason) raises ``TransitionError`` before anything is
    written.
    """
    if action not in ACTIONS:
        raise services.TransitionError(_("未知的批量操作。"))
    reason = (reason or "").strip()
    if action == "return" and not reason:
        raise services.TransitionError(_("退回必须填写理由。"))
    ids = list(records.order_by("pk").values_list("pk", flat=True)[: BULK_LIMIT + 1])
    result = BulkResult()
    if len(ids) > BULK_LIMIT:
        result.left = records.count() - BULK_LIMIT
        ids = ids[:BULK_LIMIT]
    for pk in ids:
        record = ActivityRecord(pk=pk)
        try:
            if action == "confirm":
                services.activity_confirm(record=record, by=by)
            else:
                services.activity_return(record=record, by=by, reason=reason)
        except services.TransitionError as exc:
            result.skipped[pk] = str(exc)
        except ActivityRecord.DoesNotExist:
            result.skipped[pk] = _("记录已不存在。")
        else:
            result.done.append(pk)
    return result
