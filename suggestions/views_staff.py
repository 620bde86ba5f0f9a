"""Office pages for deputies' suggestions: the list and its Excel export, one suggestion with the office's
next steps, and the deadlines page with each unit's figures.

Staff and leaders of a region read; staff act, and leaders may also record supervision of key suggestions.
Suggestions outside the user's region come through scoped selectors, so they are "not found", not
"forbidden". Each step is one service call; the services have the last word on permissions and state.
"""

import datetime
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import paginate
from representatives.models import HandlingUnit, Role, User
from representatives.permissions import handling_units_for, is_office_staff, region_reader_required

from . import exports, permissions, selectors, services
from .forms_staff import (
    AssignForm,
    MarkKeyForm,
    PromiseConfirmForm,
    ReassignAcceptForm,
    ReassignRefuseForm,
    RefuseForm,
    RegisterForm,
    SplitForm,
    SuperviseForm,
)
from .models import Assignment, Suggestion

S = Suggestion.Status
A = Assignment.Status

# "Just became overdue" looks back this many days; "due soon" looks ahead this many.
RECENTLY_OVERDUE_DAYS = 7
DUE_SOON_DAYS = 15
# A deadlines section longer than this points to the filtered list instead of growing without end.
WATCH_LIMIT = 100

# The office's steps on the whole suggestion, by state; the services still refuse anything out of turn.
STEPS_BY_STATE = {
    S.SUBMITTED: ("register", "refuse"),
    S.REGISTERED: ("assign", "split", "mark_key"),
    S.ASSIGNED: ("mark_key",),
    S.REPLIED: ("mark_key",),
}
PART_STEPS = ("reassign_accept", "reassign_refuse")
ALL_STEPS = ("register", "refuse", "mark_key", "assign", "split", *PART_STEPS, "promise_confirm", "supervise")


# Small reads for these pages -------------------------------------------------------------------------------------


def leaders_covering(region) -> list[User]:
    """Active standing-committee leaders whose region is this one or above it: who may lead its supervision."""
    codes = region.path.rstrip("/").split("/")
    paths = ["/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
    return list(
        User.objects.filter(role=Role.LEADER, is_active=True, region__path__in=paths).order_by(
            "last_name", "first_name", "username"
        )
    )


def unit_figures(*, user, today: datetime.date, year: int | None = None, unit: HandlingUnit | None = None):
    """Per unit: parts assigned, replied, replied on time, overdue now and average days to reply — one query.

    A part passed on to another unit at the unit's own request counts for neither unit's record; a co-unit's
    opinion to the lead unit is its reply.
    """
    visible = permissions.suggestions_for(user).filter(pk=OuterRef("suggestion_id"))
    parts = Assignment.objects.filter(Exists(visible)).exclude(status=A.REASSIGNED)
    if year:
        parts = parts.filter(suggestion__year=year)
    if unit is not None:
        parts = parts.filter(unit=unit)
    done = Q(status=A.DONE)
    rows = list(
        parts.values("unit_id", "unit__name")
        .annotate(
            assigned=Count("pk"),
            done=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(done_at__date__lte=F("deadline"))),
            overdue=Count("pk", filter=Q(status=A.ACTIVE, deadline__lt=today)),
            average=Avg(F("done_at") - F("assigned_at"), filter=done),
        )
        .order_by("-overdue", "unit__name")
    )
    for row in rows:
        row["on_time_rate"] = round(100 * row["on_time"] / row["done"], 1) if row["done"] else None
        average = row["average"]
        row["average_days"] = round(average.total_seconds() / 86400, 1) if average is not None else None
    return rows


def _year(request) -> int | None:
    value = request.GET.get("year", "").strip()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


# The list --------------------------------------------------------------------------------------------------------


def _decorate_row(suggestion, today):
    """What a list row shows about the current round's parts, from the prefetched ``live_parts``."""
    current = exports.ordered_parts(part for part in suggestion.live_parts if part.round == suggestion.round)
    suggestion.current_parts = current
    waiting = [part for part in current if part.status in (A.ACTIVE, A.REASSIGN_REQUESTED)]
    suggestion.next_part = min(waiting, key=lambda part: part.deadline, default=None)
    suggestion.reassign_requested = any(part.status == A.REASSIGN_REQUESTED for part in current)
    return suggestion


SUPERVISED_PANEL_SIZE = 5


@region_reader_required
def suggestions(request):
    filterset = selectors.suggestion_list(user=request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return exports.suggestions_response(filterset.qs)
    transferred = Assignment.objects.filter(suggestion=OuterRef("pk"), status=A.REASSIGNED)
    page = paginate(request, filterset.qs.annotate(transferred=Exists(transferred)))
    today = timezone.localdate()
    page.object_list = [_decorate_row(row, today) for row in selectors.with_parts(page.object_list)]
    supervised = selectors.supervised_by(user=request.user, limit=SUPERVISED_PANEL_SIZE)
    return render(
        request,
        "staff/suggestions/suggestion_list.html",
        {
            "filter": filterset,
            "page": page,
            "today": today,
            "supervised": supervised[:SUPERVISED_PANEL_SIZE],
            "more_supervised": len(supervised) > SUPERVISED_PANEL_SIZE,
        },
    )


# One suggestion --------------------------------------------------------------------------------------------------


class Steps:
    """The office's next steps on one suggestion, as forms; the same object checks what a POST sends."""

    def __init__(self, user, suggestion, parts):
        self.user, self.suggestion, self.parts = user, suggestion, parts
        self.can_manage = permissions.can_manage(user, suggestion)
        self.can_supervise = suggestion.is_key and permissions.can_supervise(user, suggestion)
        managed = parts if self.can_manage else []
        self.requested = [part for part in managed if part.status == A.REASSIGN_REQUESTED]
        self.to_confirm = [
            reply
            for part in managed
            for reply in part.replies.all()
            if reply.promise_done_at is not None and reply.promise_confirmed_at is None
        ]

    def available(self) -> list[str]:
        steps = list(STEPS_BY_STATE.get(self.suggestion.status, ())) if self.can_manage else []
        if self.requested:
            steps += PART_STEPS
        if self.to_confirm:
            steps.append("promise_confirm")
        if self.can_supervise:
            steps.append("supervise")
        return steps

    @cached_property
    def units(self):
        return list(handling_units_for(self.user).select_related("region").order_by("region__path", "name"))

    @cached_property
    def units_for_transfer(self):
        # Not to a unit already handling this round: the service would refuse it anyway.
        live = {
            part.unit_id for part in self.parts if part.round == self.suggestion.round and part.status != A.REASSIGNED
        }
        return [unit for unit in self.units if unit.pk not in live]

    def form(self, step, data=None, *, part=None, reply=None):
        common = {"suggestion": self.suggestion, "prefix": step}
        if step == "register":
            return RegisterForm(data, **common)
        if step == "refuse":
            return RefuseForm(data, **common)
        if step == "mark_key":
            return MarkKeyForm(data, leaders=leaders_covering(self.suggestion.region), **common)
        if step == "assign":
            return AssignForm(data, units=self.units, **common)
        if step == "split":
            return SplitForm(data, units=self.units, **common)
        if step == "reassign_accept":
            return ReassignAcceptForm(data, parts=self.requested, part=part, units=self.units_for_transfer, **common)
        if step == "reassign_refuse":
            return ReassignRefuseForm(data, parts=self.requested, part=part, **common)
        if step == "promise_confirm":
            return PromiseConfirmForm(data, replies=self.to_confirm, reply=reply, **common)
        return SuperviseForm(data, **common)

    def page_forms(self, bound=None):
        """Forms for the page: the suggestion's steps by name, and per-part and per-reply forms on the objects."""

        def pick(step, target_field=None, target=None):
            if bound is not None and bound[0] == step:
                form = bound[1]
                if target_field is None or str(form[target_field].value()) == str(target.pk):
                    return form
            if target_field == "assignment":
                return self.form(step, part=target)
            if target_field == "reply":
                return self.form(step, reply=target)
            return self.form(step)

        available = self.available()
        for part in self.requested:
            part.accept_form = pick("reassign_accept", "assignment", part)
            part.refuse_form = pick("reassign_refuse", "assignment", part)
        for reply in self.to_confirm:
            reply.confirm_form = pick("promise_confirm", "reply", reply)
        names = [step for step in available if step not in (*PART_STEPS, "promise_confirm")]
        return {step: pick(step) for step in names}


def _detail_page(request, suggestion, steps, bound=None, status=200):
    supervisions = list(suggestion.supervisions.all())
    for supervision in supervisions:
        supervision.by_name = exports.person_name(supervision.by)
    return render(
        request,
        "staff/suggestions/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "parts": steps.parts,
            "transferred": any(part.status == A.REASSIGNED for part in steps.parts),
            "cosigners": suggestion.cosigners.all(),
            "attachments": suggestion.attachments.all(),
            "evaluations": suggestion.evaluations.all(),
            "supervisions": supervisions,
            "leader_name": exports.person_name(suggestion.supervising_leader),
            "timeline": selectors.suggestion_timeline(suggestion),
            "forms": steps.page_forms(bound),
            "can_manage": steps.can_manage,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _load(user, pk):
    suggestion = selectors.suggestion_detail(user=user, pk=pk)
    parts = exports.ordered_parts(selectors.parts_for(user=user, suggestion=suggestion))
    return suggestion, Steps(user, suggestion, parts)


@region_reader_required
def suggestion(request, pk):
    suggestion, steps = _load(request.user, pk)
    return _detail_page(request, suggestion, steps)


def _run(step, suggestion, data, by) -> str:
    """Call the one service behind ``step``; returns the message to show on success."""
    version = data.get("version")
    if step == "register":
        services.suggestion_register(
            suggestion=suggestion, by=by, is_complex=data["is_complex"], expected_version=version
        )
        return _("建议已立案。")
    if step == "refuse":
        services.suggestion_refuse(suggestion=suggestion, by=by, reason=data["reason"], expected_version=version)
        return _("建议不予立案，已告知领衔代表转为来信处理。")
    if step == "mark_key":
        services.suggestion_mark_key(suggestion=suggestion, by=by, leader=data["leader"], expected_version=version)
        return _("已列为重点督办建议。")
    if step == "assign":
        services.suggestion_assign(
            suggestion=suggestion,
            by=by,
            lead_unit=data["lead_unit"],
            co_units=data["co_units"],
            is_complex=data["is_complex"],
            expected_version=version,
        )
        return _("建议已交办。")
    if step == "split":
        services.suggestion_split(
            suggestion=suggestion, by=by, units=data["units"], is_complex=data["is_complex"], expected_version=version
        )
        return _("建议已分办。")
    if step == "reassign_accept":
        moved = services.reassign_accept(assignment=data["assignment"], by=by, new_unit=data["new_unit"])
        return _("已同意调整，改由 %(unit)s 办理。") % {"unit": moved.unit.name}
    if step == "reassign_refuse":
        services.reassign_refuse(assignment=data["assignment"], by=by, reason=data["reason"])
        return _("已不同意调整，原单位继续办理。")
    if step == "promise_confirm":
        services.promise_confirm(reply=data["reply"], by=by)
        return _("已确认B类承诺事项完成。")
    services.supervision_add(suggestion=suggestion, by=by, kind=data["kind"], date=data["date"], note=data["note"])
    return _("督办情况已记录。")


@require_POST
@region_reader_required
def suggestion_action(request, pk, action):
    if action not in ALL_STEPS:
        raise Http404
    if action != "supervise" and not is_office_staff(request.user):
        raise PermissionDenied
    suggestion, steps = _load(request.user, pk)
    if action not in steps.available():
        # A stale page posting a step the suggestion has moved past: say so rather than show field errors.
        messages.error(
            request,
            _("这件建议当前的状态（%(status)s）不能进行这一步，请刷新页面。")
            % {"status": suggestion.get_status_display()},
        )
        return redirect("staff:suggestion", pk=suggestion.pk)
    form = steps.form(action, request.POST)
    if not form.is_valid():
        if any(name in form.errors for name in ("assignment", "reply", "version")):
            # Hidden fields only go wrong on a page someone else has acted on since it was opened.
            messages.error(request, _("页面内容已过期，请刷新页面后再操作。"))
            return redirect("staff:suggestion", pk=suggestion.pk)
        return _detail_page(request, suggestion, steps, bound=(action, form))
    try:
        message = _run(action, suggestion, form.cleaned_data, request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("staff:suggestion", pk=suggestion.pk)


# Deadlines and per-unit figures ----------------------------------------------------------------------------------


def _watch_rows(queryset, today):
    rows = list(queryset[: WATCH_LIMIT + 1])
    for part in rows:
        # Days left for what is due soon, days late for what is overdue.
        part.days = abs((part.deadline - today).days)
    return rows[:WATCH_LIMIT], len(rows) > WATCH_LIMIT


@region_reader_required
def overdue(request):
    user = request.user
    today = timezone.localdate()
    units = list(handling_units_for(user).select_related("region").order_by("region__path", "name"))
    unit_id = request.GET.get("unit", "")
    unit = next((candidate for candidate in units if str(candidate.pk) == unit_id), None)
    year = _year(request)
    watch = selectors.deadline_watch(
        user=user, today=today, within_days=DUE_SOON_DAYS, overdue_days=RECENTLY_OVERDUE_DAYS
    )
    promises = selectors.open_promises(user=user)
    if unit is not None:
        watch = {key: queryset.filter(unit=unit) for key, queryset in watch.items()}
        promises = promises.filter(assignment__unit=unit)
    if year:
        watch = {key: queryset.filter(suggestion__year=year) for key, queryset in watch.items()}
        promises = promises.filter(assignment__suggestion__year=year)
    sections = [
        (
            "just_overdue",
            _("近 %(days)d 天内刚逾期") % {"days": RECENTLY_OVERDUE_DAYS},
            *_watch_rows(watch["just_overdue"], today),
        ),
        ("due_soon", _("%(days)d 天内到期") % {"days": DUE_SOON_DAYS}, *_watch_rows(watch["due_soon"], today)),
        (
            "long_overdue",
            _("逾期超过 %(days)d 天") % {"days": RECENTLY_OVERDUE_DAYS},
            *_watch_rows(watch["long_overdue"], today),
        ),
    ]
    promise_rows = list(promises[: WATCH_LIMIT + 1])
    return render(
        request,
        "staff/suggestions/deadlines.html",
        {
            "sections": sections,
            "promises": promise_rows[:WATCH_LIMIT],
            "more_promises": len(promise_rows) > WATCH_LIMIT,
            "figures": unit_figures(user=user, today=today, year=year, unit=unit),
            "units": units,
            "unit": unit,
            "year": year,
            "today": today,
            "watch_limit": WATCH_LIMIT,
        },
    )
