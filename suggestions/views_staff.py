"""Office pages for deputies' suggestions: the list and its Excel export, one suggestion with the office's
next steps, and the deadlines page with each unit's figures.

Staff and leaders of a region read; staff act, and leaders may also record supervision of key suggestions.
Suggestions outside the user's region come through scoped selectors, so they are "not found", not
"forbidden". Each step is one service call; the services have the last word on permissions and state.
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports as core_exports
from core.pagination import paginate, shown
from core.workflow import Action, perform
from representatives.permissions import handling_units_for, is_office_staff, region_reader_required

from . import exports, origins, permissions, selectors, services
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

# Small reads for these pages -------------------------------------------------------------------------------------


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
        return core_exports.respond(request, "suggestions.list", filterset.qs)
    page = paginate(request, selectors.with_transferred(shown(filterset.qs, selectors.STAFF_SUGGESTION_COLUMNS)))
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


class _Page:
    """What one suggestion's page offers this user: the steps open now (services.available_steps on the suggestion,
    its parts and their replies) and the lists their forms choose from, each loaded once."""

    def __init__(self, user, suggestion, parts):
        self.user, self.suggestion, self.parts = user, suggestion, parts
        self.can_manage = permissions.can_manage(user, suggestion)
        self.steps = services.available_steps(user, suggestion)
        self.requested = [part for part in parts if "reassign_accept" in services.available_steps(user, part)]
        self.to_confirm = [
            reply
            for part in parts
            for reply in part.replies.all()
            if "promise_confirm" in services.available_steps(user, reply)
        ]
        if self.requested:
            self.steps += PART_STEPS
        if self.to_confirm:
            self.steps.append("promise_confirm")

    @cached_property
    def units(self):
        # A queryset, not a list: the forms search it (core/autocomplete.py) and read only the chosen units.
        return handling_units_for(self.user).order_by("region__path", "name")

    @cached_property
    def units_for_transfer(self):
        # Not to a unit already handling this round: the service would refuse it anyway.
        live = {
            part.unit_id for part in self.parts if part.round == self.suggestion.round and part.status != A.REASSIGNED
        }
        return self.units.exclude(pk__in=live)

    def form(self, step, data=None, *, part=None, reply=None):
        return ACTIONS[step].form(self, data, prefix=step, suggestion=self.suggestion, part=part, reply=reply)

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

        for part in self.requested:
            part.accept_form = pick("reassign_accept", "assignment", part)
            part.refuse_form = pick("reassign_refuse", "assignment", part)
        for reply in self.to_confirm:
            reply.confirm_form = pick("promise_confirm", "reply", reply)
        names = [step for step in self.steps if step in ACTIONS and step not in (*PART_STEPS, "promise_confirm")]
        return {step: pick(step) for step in names}


PART_STEPS = ("reassign_accept", "reassign_refuse")


def _detail_page(request, suggestion, page, bound=None, status=200):
    supervisions = list(suggestion.supervisions.all())
    for supervision in supervisions:
        supervision.by_name = exports.person_name(supervision.by)
    return render(
        request,
        "staff/suggestions/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "parts": page.parts,
            "transferred": any(part.status == A.REASSIGNED for part in page.parts),
            "cosigners": suggestion.cosigners.all(),
            "attachments": suggestion.attachments.all(),
            "evaluations": suggestion.evaluations.all(),
            "supervisions": supervisions,
            "leader_name": exports.person_name(suggestion.supervising_leader),
            "timeline": selectors.suggestion_timeline(suggestion),
            "forms": page.page_forms(bound),
            "origins": origins.origins_of(suggestion, "staff"),
            "can_manage": page.can_manage,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _load(user, pk):
    suggestion = selectors.suggestion_detail(user=user, pk=pk)
    parts = exports.ordered_parts(selectors.parts_for(user=user, suggestion=suggestion))
    return suggestion, _Page(user, suggestion, parts)


@region_reader_required
def suggestion(request, pk):
    suggestion, page = _load(request.user, pk)
    return _detail_page(request, suggestion, page)


def _register(suggestion, data, by):
    services.suggestion_register(
        suggestion=suggestion, by=by, is_complex=data["is_complex"], expected_version=data.get("version")
    )
    return _("建议已立案。")


def _refuse(suggestion, data, by):
    services.suggestion_refuse(
        suggestion=suggestion, by=by, reason=data["reason"], expected_version=data.get("version")
    )
    return _("建议不予立案，已告知领衔代表转为来信处理。")


def _mark_key(suggestion, data, by):
    services.suggestion_mark_key(
        suggestion=suggestion, by=by, leader=data["leader"], expected_version=data.get("version")
    )
    return _("已列为重点督办建议。")


def _assign(suggestion, data, by):
    services.suggestion_assign(
        suggestion=suggestion,
        by=by,
        lead_unit=data["lead_unit"],
        co_units=data["co_units"],
        is_complex=data["is_complex"],
        expected_version=data.get("version"),
    )
    return _("建议已交办。")


def _split(suggestion, data, by):
    services.suggestion_split(
        suggestion=suggestion,
        by=by,
        units=data["units"],
        is_complex=data["is_complex"],
        expected_version=data.get("version"),
    )
    return _("建议已分办。")


def _reassign_accept(suggestion, data, by):
    moved = services.reassign_accept(assignment=data["assignment"], by=by, new_unit=data["new_unit"])
    return _("已同意调整，改由 %(unit)s 办理。") % {"unit": moved.unit.name}


def _reassign_refuse(suggestion, data, by):
    services.reassign_refuse(assignment=data["assignment"], by=by, reason=data["reason"])
    return _("已不同意调整，原单位继续办理。")


def _promise_confirm(suggestion, data, by):
    services.promise_confirm(reply=data["reply"], by=by)
    return _("已确认B类承诺事项完成。")


def _supervise(suggestion, data, by):
    services.supervision_add(suggestion=suggestion, by=by, kind=data["kind"], date=data["date"], note=data["note"])
    return _("督办情况已记录。")


# The office's steps: the form that parses each (built from the page's lists) and the one service call behind
# it. Which of them the page offers is services.available_steps (services.SUGGESTION_STEPS, PART_STEPS and
# REPLY_STEPS); each service requires the same step again under the row lock.
ACTIONS = {
    "register": Action(lambda page, data, part, reply, **common: RegisterForm(data, **common), _register),
    "refuse": Action(lambda page, data, part, reply, **common: RefuseForm(data, **common), _refuse),
    "mark_key": Action(
        lambda page, data, part, reply, **common: MarkKeyForm(
            data, leaders=selectors.leaders_covering(page.suggestion.region), **common
        ),
        _mark_key,
    ),
    "assign": Action(lambda page, data, part, reply, **common: AssignForm(data, units=page.units, **common), _assign),
    "split": Action(lambda page, data, part, reply, **common: SplitForm(data, units=page.units, **common), _split),
    "reassign_accept": Action(
        lambda page, data, part, reply, **common: ReassignAcceptForm(
            data, parts=page.requested, part=part, units=page.units_for_transfer, **common
        ),
        _reassign_accept,
    ),
    "reassign_refuse": Action(
        lambda page, data, part, reply, **common: ReassignRefuseForm(data, parts=page.requested, part=part, **common),
        _reassign_refuse,
    ),
    "promise_confirm": Action(
        lambda page, data, part, reply, **common: PromiseConfirmForm(
            data, replies=page.to_confirm, reply=reply, **common
        ),
        _promise_confirm,
    ),
    "supervise": Action(lambda page, data, part, reply, **common: SuperviseForm(data, **common), _supervise),
}


@require_POST
@region_reader_required
def suggestion_action(request, pk, action):
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    if action != "supervise" and not is_office_staff(request.user):
        raise PermissionDenied
    suggestion, page = _load(request.user, pk)
    if action not in page.steps:
        # A stale page posting a step the suggestion has moved past: say so rather than show field errors.
        messages.error(
            request,
            _("这件建议当前的状态（%(status)s）不能进行这一步，请刷新页面。")
            % {"status": suggestion.get_status_display()},
        )
        return redirect("staff:suggestion", pk=suggestion.pk)
    form = page.form(action, request.POST)
    if not form.is_valid():
        if any(name in form.errors for name in ("assignment", "reply", "version")):
            # Hidden fields only go wrong on a page someone else has acted on since it was opened.
            messages.error(request, _("页面内容已过期，请刷新页面后再操作。"))
            return redirect("staff:suggestion", pk=suggestion.pk)
        return _detail_page(request, suggestion, page, bound=(action, form))
    perform(request, step.run, suggestion, form.cleaned_data, request.user)
    return redirect("staff:suggestion", pk=suggestion.pk)


# Deadlines and per-unit figures ----------------------------------------------------------------------------------


def _watch_rows(queryset, today):
    rows = list(shown(queryset, selectors.WATCH_COLUMNS)[: WATCH_LIMIT + 1])
    for part in rows:
        # Days left for what is due soon, days late for what is overdue.
        part.days = abs((part.deadline - today).days)
    return rows[:WATCH_LIMIT], len(rows) > WATCH_LIMIT


@region_reader_required
def overdue(request):
    user = request.user
    today = timezone.localdate()
    unit_id = request.GET.get("unit", "").strip()
    # Only the chosen unit is read and rendered; the others are searched for (core/autocomplete.py).
    unit = handling_units_for(user).filter(pk=unit_id).first() if unit_id.isdigit() else None
    year = _year(request)
    watch = selectors.deadline_watch(
        user=user, today=today, within_days=DUE_SOON_DAYS, overdue_days=RECENTLY_OVERDUE_DAYS, unit=unit, year=year
    )
    promises = selectors.open_promises(user=user, unit=unit, year=year)
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
    promise_rows = list(shown(promises, selectors.PROMISE_COLUMNS)[: WATCH_LIMIT + 1])
    return render(
        request,
        "staff/suggestions/deadlines.html",
        {
            "sections": sections,
            "promises": promise_rows[:WATCH_LIMIT],
            "more_promises": len(promise_rows) > WATCH_LIMIT,
            "figures": selectors.unit_figures(user=user, today=today, year=year, unit=unit),
            "unit": unit,
            "unit_refused": bool(unit_id) and unit is None,
            "year": year,
            "today": today,
            "watch_limit": WATCH_LIMIT,
        },
    )
