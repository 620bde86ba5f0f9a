"""What deputies' suggestions leave waiting for office staff and leaders, for the staff start page's work
queue (representatives/work_queue.py explains the mechanism)."""

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pagination import cached_rows, daily_key
from representatives import work_queue
from representatives.permissions import handling_units_for, is_leader, is_office_staff, sees_region_data

from . import permissions, selectors
from .models import Assignment, Suggestion

# Units with most overdue suggestions shown on the start page; all of them are on the deadlines page.
OVERDUE_UNITS = 5


def overdue_by_unit(user, limit: int = OVERDUE_UNITS) -> list[dict]:
    """Per unit, the suggestions in the user's scope whose part for that unit is past its deadline (what the
    list's ``overdue_unit`` filter shows), most first; units the list cannot filter by are left out."""
    visible = permissions.suggestions_for(user).filter(pk=OuterRef("suggestion_id"))
    late = Assignment.objects.filter(
        Exists(visible),
        status=Assignment.Status.ACTIVE,
        deadline__lt=timezone.localdate(),
        unit__in=handling_units_for(user),
    )
    rows = late.values("unit_id", "unit__name").annotate(late=Count("suggestion_id", distinct=True))
    # Kept for a minute when slow, as the queue's counts are (core.pagination.remembered_count).
    return cached_rows(
        rows.order_by("-late", "unit__name")[:limit], daily_key("suggestions-overdue-by-unit", user, limit)
    )


def staff_queue(user) -> list[work_queue.QueueItem]:
    if not sees_region_data(user):
        return []
    group = _("代表建议")

    def entry(label, order, hint="", **params):
        return work_queue.item(
            group=group,
            label=label,
            url_name="staff:suggestions",
            selector=selectors.suggestion_list,
            user=user,
            hint=hint,
            order=order,
            **params,
        )

    items = []
    if is_leader(user):
        items.append(entry(_("我领衔督办的重点建议（未办结）"), 30, mine="true", waiting="open"))
    if is_office_staff(user):
        items += [
            entry(_("待立案的建议"), 31, status=Suggestion.Status.SUBMITTED),
            entry(_("联名邀请未答复的建议"), 32, hint=_("立案后不能再联名"), waiting="cosign"),
            entry(_("单位申请调整的建议"), 33, waiting="reassign"),
            entry(_("B类承诺待确认完成"), 35, hint=_("单位已报告完成"), waiting="promise_done"),
        ]
    items.append(entry(_("B类承诺到期未确认"), 34, waiting="promise_due"))
    items += work_queue.overdue_by_unit(
        overdue_by_unit(user),
        label=_("%(unit)s：逾期建议"),
        url_name="staff:suggestions",
        unit_param="overdue_unit",
        order=61,
    )
    return items
