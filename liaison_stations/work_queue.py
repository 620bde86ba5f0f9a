"""What voters' opinions leave waiting for office staff and leaders, for the staff start page's work queue
(representatives/work_queue.py explains the mechanism)."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pagination import cached_rows, daily_key
from representatives import work_queue
from representatives.permissions import handling_units_for, is_office_staff, sees_region_data

from . import permissions, selectors
from .models import Opinion

S = Opinion.Status
# Units with most overdue opinions shown on the start page; the rest are in the opinion list.
OVERDUE_UNITS = 5


def _steps():
    """The office's steps on an opinion, by the state that waits for them, in the order of the flow."""
    return (
        (S.RECEIVED, _("待梳理的意见"), _("已接收，等待梳理归类")),
        (S.SORTED, _("待拟办的意见"), ""),
        (S.PROPOSED, _("待交办的意见"), ""),
        (S.REPLIED, _("待反馈的意见"), _("承办单位已答复，等待反馈给群众")),
    )


def overdue_by_unit(user, limit: int = OVERDUE_UNITS) -> list[dict]:
    """Units with opinions past their deadline (as the list's "overdue" filter counts them), most first."""
    # Units the list cannot filter by (inactive, out of reach) are left out: their link would not filter.
    late = permissions.opinions_for(user).filter(
        status=S.ASSIGNED, deadline__lt=timezone.localdate(), unit__in=handling_units_for(user)
    )
    rows = late.values("unit_id", "unit__name").annotate(late=Count("pk")).order_by("-late", "unit__name")
    # Kept for a minute when slow, as the queue's counts are (core.pagination.remembered_count).
    return cached_rows(rows[:limit], daily_key("opinions-overdue-by-unit", user, limit))


def staff_queue(user) -> list[work_queue.QueueItem]:
    if not sees_region_data(user):
        return []
    group = _("群众意见")
    items = []
    if is_office_staff(user):
        for order, (status, label, hint) in enumerate(_steps()):
            items.append(
                work_queue.item(
                    group=group,
                    label=label,
                    url_name="staff:opinions",
                    selector=selectors.opinion_list,
                    user=user,
                    hint=hint,
                    order=20 + order,
                    status=status,
                )
            )
    items += work_queue.overdue_by_unit(
        overdue_by_unit(user),
        label=_("%(unit)s：逾期意见"),
        url_name="staff:opinions",
        unit_param="unit",
        order=60,
        overdue="true",
    )
    return items
