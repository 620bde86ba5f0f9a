"""Confirming or returning many activity records from the staff list (services_bulk says how)."""

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import permissions, selectors, services, services_bulk
from .forms_bulk import BulkReviewForm
from .models import ActivityRecord
from .views import safe_next

# A report of skipped records names this many of them; the rest are counted.
SKIPPED_SHOWN = 5


@require_POST
@permissions.staff_required
def activity_bulk(request):
    form = BulkReviewForm(request.POST)
    back = safe_next(request, reverse("staff:activities"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    # Only what the list itself would show this user: another region's ids are not found, as on the list.
    listed = selectors.activity_list(user=request.user, filters=QueryDict(data["filters"])).qs
    if data["scope"] == "selected":
        records = listed.filter(pk__in=data["id"])
        missing = len(set(data["id"])) - records.count()
    else:
        records = listed.filter(status=ActivityRecord.Status.PENDING)
        missing = 0
    try:
        result = services_bulk.activity_bulk_review(
            records=records, by=request.user, action=data["action"], reason=data["reason"]
        )
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    report(request, result, action=data["action"], missing=missing)
    return redirect(back)


def report(request, result: services_bulk.BulkResult, *, action: str, missing: int) -> None:
    done = len(result.done)
    if action == "confirm":
        text = ngettext("已确认 %(count)d 条履职记录。", "已确认 %(count)d 条履职记录。", done)
    else:
        text = ngettext("已退回 %(count)d 条履职记录。", "已退回 %(count)d 条履职记录。", done)
    (messages.success if done else messages.warning)(request, text % {"count": done})
    if result.skipped:
        shown = "; ".join(
            _("%(record)s：%(reason)s") % {"record": f"#{pk}", "reason": reason}
            for pk, reason in list(result.skipped.items())[:SKIPPED_SHOWN]
        )
        count = len(result.skipped)
        messages.warning(
            request,
            ngettext(
                "%(count)d 条记录未处理（%(records)s）。",
                "%(count)d 条记录未处理（%(records)s）。",
                count,
            )
            % {"count": count, "records": shown},
        )
    if missing:
        messages.warning(
            request,
            ngettext(
                "%(count)d 条所选记录不存在或不在您的范围内，未处理。",
                "%(count)d 条所选记录不存在或不在您的范围内，未处理。",
                missing,
            )
            % {"count": missing},
        )
    if result.left:
        messages.info(
            request,
            ngettext(
                "还有 %(count)d 条符合条件的记录待处理，请再次提交。",
                "还有 %(count)d 条符合条件的记录待处理，请再次提交。",
                result.left,
            )
            % {"count": result.left},
        )
