"""The handling unit's side of suggestions: what waits for it, what it has done, and its actions on its part.

Every object is looked up through what the clerk may see, so another unit's suggestion answers 404 exactly
like a missing one. Each action calls one service; a refusal leaves everything as it was.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import paginate
from representatives.permissions import unit_clerk_required
from representatives.workdays import add_working_days

from . import selectors, services
from .deputy_contact import lead_deputy_contact
from .forms_unit import ContactForm, CoOpinionForm, PromiseDoneForm, ReassignRequestForm, ReplyForm
from .models import Assignment, Reply, ReplyClass, Suggestion

DUE_SOON_DAYS = 15

A = Assignment.Status


def _unreported_promises():
    return Reply.objects.filter(reply_class=ReplyClass.B, promise_done_at__isnull=True)


def unit_home_panel(request, unit):
    waiting = selectors.unit_assignments(user=request.user, waiting=True).order_by()
    today = timezone.localdate()
    counts = waiting.aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=today + datetime.timedelta(DUE_SOON_DAYS))),
        reassign=Count("pk", filter=Q(status=A.REASSIGN_REQUESTED)),
    )
    counts["promises"] = _unreported_promises().filter(assignment__unit_id=unit.pk).count()
    if not any(counts.values()):
        return None
    return "unit/suggestions/panel.html", {**counts, "due_soon_days": DUE_SOON_DAYS}


# The list: "waiting for me" and "done" as two tabs (Decidim's handlers asked for that split) ------------------

# Narrowings the home panel links to; each belongs to one tab.
SHOW = {
    "waiting": {
        "overdue": lambda qs, today: qs.filter(deadline__lt=today),
        "soon": lambda qs, today: qs.filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(DUE_SOON_DAYS)
        ),
        "reassign": lambda qs, today: qs.filter(status=A.REASSIGN_REQUESTED),
    },
    "done": {
        "promises": lambda qs, today: qs.filter(Exists(_unreported_promises().filter(assignment=OuterRef("pk")))),
    },
}


def _mark_days(part: Assignment, today: datetime.date) -> None:
    """Days left (or overdue) for a part still waiting; a part already done is past its deadline by design."""
    waiting = part.status in (A.ACTIVE, A.REASSIGN_REQUESTED)
    part.days_left = (part.deadline - today).days if waiting else None
    part.overdue_days = -part.days_left if waiting and part.days_left < 0 else 0


@unit_clerk_required
def suggestions(request):
    tab = "done" if request.GET.get("tab") == "done" else "waiting"
    today = timezone.localdate()
    queryset = selectors.unit_assignments(user=request.user, waiting=tab == "waiting")
    show = request.GET.get("show", "")
    narrow = SHOW[tab].get(show)
    if narrow is None:
        show = ""
    else:
        queryset = narrow(queryset, today)
    page = paginate(request, queryset)
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


def _promises(own_parts) -> list[Reply]:
    return [
        reply
        for part in own_parts
        for reply in part.replies.all()
        if reply.reply_class == ReplyClass.B and reply.promise_done_at is None
    ]


def _reassign_window_end(part: Assignment) -> datetime.date:
    start = timezone.localdate(part.assigned_at)
    return add_working_days(start, settings.SUGGESTION_REASSIGN_WINDOW_DAYS).date


class _State:
    """What the page knows about the clerk's unit's parts, shared by the page and the actions."""

    def __init__(self, request, suggestion: Suggestion):
        unit_id = request.user.unit_id
        self.parts = selectors.parts_for(user=request.user, suggestion=suggestion)
        self.own = [part for part in self.parts if part.unit_id == unit_id]
        # Only the lead unit is given the other parts (permissions.assignments_visible_to).
        self.others = [part for part in self.parts if part.unit_id != unit_id]
        self.working = _working_part(self.parts, unit_id)
        self.promises = _promises(self.own)
        self.is_lead = any(part.role == Assignment.Role.LEAD for part in self.own)
        self.window_end = None

    def form(self, action, data=None, files=None):
        if action == "promise_done":
            return PromiseDoneForm(data, prefix=action, replies=self.promises)
        return FORMS[action](data, files, prefix=action)

    def available_forms(self, suggestion: Suggestion) -> dict:
        """The forms this part's state allows; the services check the same rules again under a lock."""
        part, today = self.working, timezone.localdate()
        actions = []
        if part is not None:
            actions.append("contact")
            if part.status == A.ACTIVE:
                self.window_end = _reassign_window_end(part)
                if today <= self.window_end:
                    actions.append("request_reassign")
                if part.role == Assignment.Role.CO:
                    actions.append("co_opinion")
                elif suggestion.status == Suggestion.Status.ASSIGNED:
                    actions.append("reply")
        if self.promises:
            actions.append("promise_done")
        return {action: self.form(action) for action in actions}


FORMS = {
    "request_reassign": ReassignRequestForm,
    "contact": ContactForm,
    "co_opinion": CoOpinionForm,
    "reply": ReplyForm,
    "promise_done": PromiseDoneForm,
}


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
    forms = state.available_forms(suggestion)
    forms.update(bound or {})
    for part in state.parts:
        _mark_days(part, today)
    return render(
        request,
        "unit/suggestions/detail.html",
        {
            "suggestion": suggestion,
            "lead_contact": lead_deputy_contact(user=request.user, suggestion=suggestion, parts=state.parts),
            "deputy": suggestion.deputy,
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


def _request_reassign(request, state, data):
    services.assignment_request_reassign(assignment=state.working, by=request.user, reason=data["reason"])
    return _("调整申请已提交，请等待代表工作部门处理；在此之前请继续办理。")


def _contact(request, state, data):
    services.contact_log_add(
        assignment=state.working,
        by=request.user,
        stage=data["stage"],
        method=data["method"],
        date=data["date"],
        note=data["note"],
    )
    return _("沟通记录已登记。")


def _co_opinion(request, state, data):
    services.co_opinion_submit(assignment=state.working, by=request.user, text=data["text"])
    return _("协办意见已提交主办单位。")


def _reply(request, state, data):
    services.reply_submit(
        assignment=state.working,
        by=request.user,
        reply_class=data["reply_class"],
        text=data["text"],
        document=data["document"],
        promised_date=data["promised_date"],
        reason=data["reason"],
    )
    return _("答复已提交，代表将收到通知并进行评价。")


def _promise_done(request, state, data):
    reply = next(reply for reply in state.promises if reply.pk == data["reply"])
    services.promise_report_done(reply=reply, by=request.user, note=data["note"])
    return _("已报告承诺事项完成情况，等待代表工作部门确认。")


ACTIONS = {
    "request_reassign": _request_reassign,
    "contact": _contact,
    "co_opinion": _co_opinion,
    "reply": _reply,
    "promise_done": _promise_done,
}


@unit_clerk_required
@require_POST
def suggestion_action(request, pk, action):
    perform = ACTIONS.get(action)
    if perform is None:
        raise Http404
    item = selectors.suggestion_detail(user=request.user, pk=pk)
    state = _State(request, item)
    form = state.form(action, request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, item, state, bound={action: form})
    if state.working is None and action != "promise_done":
        raise Http404
    try:
        messages.success(request, perform(request, state, form.cleaned_data))
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("unit:suggestion", pk=item.pk)
