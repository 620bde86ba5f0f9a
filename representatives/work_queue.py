"""The staff start page as a work queue: what waits for this person, each count a link to the list of exactly
those rows.

Apps depend one way, so the start page cannot import the apps above it; each registers a source here in its
AppConfig.ready(): a callable taking the user and returning its ``QueueItem``s. A count is the count of the
linked list's own selector with the link's filters (``count_of``), so the figure and the list cannot disagree,
and it shares the list's count cache under the list's own key (``pagination.list_count_key``): a kept count
is found without building the list's filters at all. Each item costs at most one query, whatever the data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse

from core.pagination import list_count_key, remembered_count
from core.registry import Registry


@dataclass
class QueueItem:
    group: str
    label: str
    count: int
    url: str
    # Items with nothing waiting are still shown (a zero is news too), but greyed out.
    hint: str = ""
    order: int = 0
    extra: dict = field(default_factory=dict)


QueueSource = Callable[..., list[QueueItem]]

sources: Registry[QueueSource] = Registry("staff work queue sources")


def link(url_name: str, **params) -> tuple[str, QueryDict]:
    """The list's address with its filters, and the same filters as the selector reads them."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query[name] = str(value)
    url = reverse(url_name)
    return (f"{url}?{query.urlencode()}" if query else url), query


def count_of(*, selector, user, url_name: str, query: QueryDict) -> int:
    """The count the list at ``url_name`` shows ``user`` with the filters ``query``."""
    key = list_count_key(user, reverse(url_name), query)
    return remembered_count(key, lambda: selector(user=user, filters=query).qs.count())


def item(*, group: str, label: str, url_name: str, selector, user, hint: str = "", order: int = 0, **params):
    """One queue entry: ``selector(user=…, filters=…)`` is the selector behind the list at ``url_name``."""
    url, query = link(url_name, **params)
    return QueueItem(
        group=group,
        label=label,
        count=count_of(selector=selector, user=user, url_name=url_name, query=query),
        url=url,
        hint=hint,
        order=order,
    )


def overdue_by_unit(rows, *, label: str, url_name: str, unit_param: str, order: int, **params) -> list[QueueItem]:
    """The "逾期未办（按单位）" entries: one per row of an app's overdue-by-unit read (``unit_id``, ``unit__name``,
    ``late``), labelled ``label % {"unit": …}`` and linked to the list at ``url_name`` filtered by that unit
    (``unit_param``) and ``params``."""
    from django.utils.translation import gettext as _

    found = []
    for row in rows:
        url, _query = link(url_name, **params, **{unit_param: row["unit_id"]})
        found.append(
            QueueItem(
                group=_("逾期未办（按单位）"),
                label=label % {"unit": row["unit__name"]},
                count=row["late"],
                url=url,
                order=order,
            )
        )
    return found


def items_for(user) -> list[QueueItem]:
    found: list[QueueItem] = []
    for source in sources:
        found.extend(source(user))
    return sorted(found, key=lambda entry: entry.order)


def grouped(items: list[QueueItem]) -> list[tuple[str, list[QueueItem]]]:
    """Items by their group heading, in the order the groups first appear."""
    groups: dict[str, list[QueueItem]] = {}
    for entry in items:
        groups.setdefault(str(entry.group), []).append(entry)
    return list(groups.items())


def activity_queue(user) -> list[QueueItem]:
    from django.utils.translation import gettext as _

    from . import permissions, selectors
    from .models import ActivityRecord

    if not permissions.is_office_staff(user):
        return []  # leaders read the records; only office staff confirm them
    return [
        item(
            group=_("履职登记"),
            label=_("待确认的履职记录"),
            url_name="staff:activities",
            selector=selectors.activity_list,
            user=user,
            hint=_("可在列表中批量确认或退回"),
            order=10,
            status=ActivityRecord.Status.PENDING,
        )
    ]
