"""The handling unit's side of suggestions: what waits for it, what it has done, and its actions on its part.

Every object is looked up through what the clerk may see, so another unit's suggestion answers 404 exactly
like a missing one. Each action calls one service; a refusal leaves everything as it was.
"""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import paginate, shown
from core.workflow import Action, perform
from representatives.panels import CountingPanel
from representatives.permissions import unit_clerk_required

from . import selectors, services
from .deputy_contact import lead_deputy_contact
from .forms_unit import ContactForm, CoOpinionForm, PromiseDoneForm, ReassignRequestForm, ReplyAheadForm, ReplyForm
from .models import Assignment, Suggestion

DUE_SOON_DAYS = selectors.UNIT_DUE_SOON_DAYS

A = Assignment.Status


def _home_counts(request, unit):
    return selectors.unit_waiting(user=request.user, today=timezone.localdate())


def _home_panel(request, unit, *, counts):
    if not any(counts.values()):
        return None
    return "unit/suggestions/panel.html", {**counts, "due_soon_days": DUE_SOON_DAYS}


unit_home_panel = CountingPanel(counts=_home_counts, render=_home_panel)


# The list: "waiting for me" and "done" as two tabs (Decidim's handlers asked for that split) ------------------


def _mark_days(part: Assignment, today: datetime.date) -> None:
    """Days left (or overdue) for a part still waiting; a part already done is past its deadline by design."""
    waiting = part.status in (A.ACTIVE, A.REASSIGN_REQUESTED)
    part.days_left = (part.deadline - today).days if waiting else None
    part.overdue_days = -part.days_left if waiting and part.days_left < 0 else 0


@unit_clerk_required
def suggestions(request):
    tab = "done" if request.GET.get("tab") == "done" else "waiting"
    today = timezone.localdate()
    queryset, show = selectors.unit_list(user=request.user, tab=tab, show=request.GET.get("show", ""), today=today)
    page = paginate(request, shown(queryset, selectors.UNIT_PART_COLUMNS))
    page.object_list = list(page.object_list)
    for part in page.object_list:
        _mark_days(part, today)
    return render(
        request,
        "unit/suggestions/list.html",
        {
            "page": page,
            "tab": tab,
            "show": show,
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


# One suggestion and the unit's actions on it ---------------------------------------------------------------


def _working_part(parts, unit_id) -> Assignment | None:
    """The unit's latest part that was not passed to another unit: the one its actions apply to."""
    live = [part for part in parts if part.unit_id == unit_id and part.status != A.REASSIGNED]
    return max(live, key=lambda part: (part.round, part.pk), default=None)


class _State:
    """What the page knows about the clerk's unit's parts, shared by the page and the actions."""

    def __init__(self, request, suggestion: Suggestion):
        user = request.user
        self.parts = selectors.parts_for(user=user, suggestion=suggestion)
        self.own = [part for part in self.parts if part.unit_id == user.unit_id]
        # Only the lead unit is given the other parts (permissions.assignments_visible_to).
        self.others = [part for part in self.parts if part.unit_id != user.unit_id]
        self.working = _working_part(self.parts, user.unit_id)
        # The replies whose promise the unit may report kept (services.REPLY_STEPS).
        self.promises = [
            reply
            for part in self.own
            for reply in part.replies.all()
            if "promise_done" in services.available_steps(user, reply)
        ]
        self.is_lead = any(part.role == Assignment.Role.LEAD for part in self.own)
        if self.working is not None and self.working.role == Assignment.Role.LEAD:
            # The lead unit is given every part of the suggestion: whether its reply waits is read from them.
            services.note_co_opinions(self.working, self.parts)
        self.steps = services.available_steps(user, self.working) if self.working is not None else []
        if self.promises:
            self.steps.append("promise_done")
        # Shown while the part is being handled, whether or not the window has closed.
        active = self.working is not None and self.working.status == A.ACTIVE
        self.window_end = services.reassign_window_end(self.working) if active else None

    def form(self, action, data=None, files=None):
        return ACTIONS[action].form(data, files, prefix=action, replies=self.promises)

    def available_forms(self) -> dict:
        return {action: self.form(action) for action in self.steps if action in ACTIONS}


def _visible_timeline(suggestion: Suggestion, state: _State, unit_id):
    steps = selectors.suggestion_timeline(suggestion)
    if state.is_lead:
        return steps
    # A co-unit or a split unit sees only its own part: other units' notes (their reasons for asking to be
    # reassigned, their contacts) stay off its page; changes of state, which concern everyone, remain.
    return [
        step
        for step in steps
        if step.from_state != step.to_state or (step.actor is not None and step.actor.unit_id == unit_id)
    ]


def _render(request, suggestion: Suggestion, state: _State, bound: dict | None = None):
    today = timezone.localdate()
    forms = state.available_forms()
    forms.update(bound or {})
    for part in state.parts:
        _mark_days(part, today)
    return render(
        request,
        "unit/suggestions/detail.html",
        {
            "suggestion": suggestion,
            "deputy": suggestion.deputy,
            "lead_contact": lead_deputy_contact(user=request.user, suggestion=suggestion, parts=state.parts),
            "cosigners": [c for c in suggestion.cosigners.all() if c.status == c.Status.ACCEPTED],
            "own_parts": sorted(state.own, key=lambda part: (-part.round, part.pk)),
            "other_parts": state.others,
            "working": state.working,
            "forms": forms,
            "window_end": state.window_end,
            "timeline": _visible_timeline(suggestion, state, request.user.unit_id),
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


@unit_clerk_required
def suggestion(request, pk):
    item = selectors.suggestion_detail(user=request.user, pk=pk)
    return _render(request, item, _State(request, item))


def _request_reassign(by, state, data):
    services.assignment_request_reassign(assignment=state.working, by=by, reason=data["reason"])
    return _("调整申请已提交，请等待代表工作部门处理；在此之前请继续办理。")


def _contact(by, state, data):
    services.contact_log_add(
        assignment=state.working,
        by=by,
        stage=data["stage"],
        method=data["method"],
        date=data["date"],
        note=data["note"],
    )
    return _("沟通记录已登记。")


def _co_opinion(by, state, data):
    services.co_opinion_submit(assignment=state.working, by=by, text=data["text"])
    return _("协办意见已提交主办单位。")


def _reply(by, state, data):
    services.reply_submit(
        assignment=state.working,
        by=by,
        reply_class=data["reply_class"],
        text=data["text"],
        document=data["document"],
        promised_date=data["promised_date"],
        reason=data["reason"],
        ahead_reason=data.get("ahead_reason", ""),
    )
    return _("答复已提交，代表将收到通知并进行评价。")


def _promise_done(by, state, data):
    reply = next(reply for reply in state.promises if reply.pk == data["reply"])
    services.promise_report_done(reply=reply, by=by, note=data["note"])
    return _("已报告承诺事项完成情况，等待代表工作部门确认。")


def _part_form(form_class):
    return lambda data, files, *, prefix, replies: form_class(data, files, prefix=prefix)


# The unit's steps: the form that parses each and the one service call behind it. Which of them the page offers
# is services.available_steps on the unit's working part (services.PART_STEPS) and its replies (REPLY_STEPS).
ACTIONS = {
    "request_reassign": Action(_part_form(ReassignRequestForm), _request_reassign),
    "contact": Action(_part_form(ContactForm), _contact),
    "co_opinion": Action(_part_form(CoOpinionForm), _co_opinion),
    "reply": Action(_part_form(ReplyForm), _reply),
    "reply_ahead": Action(_part_form(ReplyAheadForm), _reply),
    "promise_done": Action(
        lambda data, files, *, prefix, replies: PromiseDoneForm(data, prefix=prefix, replies=replies), _promise_done
    ),
}


@unit_clerk_required
@require_POST
def suggestion_action(request, pk, action):
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    item = selectors.suggestion_detail(user=request.user, pk=pk)
    state = _State(request, item)
    if action != "promise_done":
        if state.working is None:
            raise Http404
        refusal = services.PART_STEPS.refusal(action, request.user, state.working)
        if refusal is not None:
            messages.error(request, refusal)
            return redirect("unit:suggestion", pk=item.pk)
    form = state.form(action, request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, item, state, bound={action: form})
    perform(request, step.run, request.user, state, form.cleaned_data)
    return redirect("unit:suggestion", pk=item.pk)
