"""Voters' messages to one deputy (码上找代表): the public form on the deputy's page, and the deputy's own list
where each message is answered or passed to a station."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.pagination import paginate
from core.workflow import Action, perform
from representatives.panels import CountingPanel
from representatives.permissions import deputy_required
from representatives.privacy import mask_phone
from representatives.selectors import public_deputy

from . import permissions, ratelimit, selectors, services_messages
from .forms_messages import DeputyMessageForm, MessageAnswerForm, MessagePassForm
from .models import Opinion, Station, new_tracking_code
from .services import OPINION_STEPS, TransitionError

logger = logging.getLogger(__name__)

DONE_SESSION_KEY = "deputy_message_done"


# Public: write to a deputy ------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def deputy_message(request, public_id):
    # The station form's limit: one budget per address for every public form that stores an opinion.
    if request.method == "POST" and not ratelimit.hit(request, "opinion"):
        return render(request, "public/stations/rate_limited.html", status=429)
    deputy = public_deputy(public_id)
    form = DeputyMessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_spam():
            logger.info("Honeypot filled on the message form of deputy %s; nothing stored", deputy.pk)
            return _done(request, deputy, new_tracking_code(), sms=False)
        if form.is_valid():
            try:
                opinion = services_messages.message_to_deputy(deputy=deputy, **form.opinion_fields())
            except ValidationError as exc:
                for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                    form.add_error(field if field in form.fields else None, errors)
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, deputy, opinion.tracking_code, sms=opinion.sms_updates)
    return render(request, "public/messages/message_form.html", {"deputy": deputy, "form": form})


def _done(request, deputy, tracking_code: str, *, sms: bool):
    # As on the station form: the code travels in the session, shown once, never in a URL.
    request.session[DONE_SESSION_KEY] = {"code": tracking_code, "sms": sms}
    return redirect("public:deputy_message_done", public_id=deputy.public_id)


@never_cache
def deputy_message_done(request, public_id):
    deputy = public_deputy(public_id)
    done = request.session.get(DONE_SESSION_KEY)
    if not done:
        return redirect("public:deputy_message", public_id=deputy.public_id)
    return render(
        request,
        "public/messages/message_done.html",
        {
            "deputy": deputy,
            "tracking_code": done["code"],
            "sms": done["sms"],
            "track_url": reverse("public:track") + "?" + urlencode({"code": done["code"]}),
        },
    )


# The deputy's side ------------------------------------------------------------------------------------------------


@deputy_required
def my_messages(request):
    queryset = permissions.messages_for(request.user).select_related("station").order_by("-received_at", "-id")
    waiting = request.GET.get("show") != "all"
    if waiting:
        queryset = queryset.filter(status=Opinion.Status.WITH_DEPUTY)
    return render(request, "me/messages/list.html", {"page": paginate(request, queryset), "waiting": waiting})


def _message(request, pk) -> Opinion:
    return get_object_or_404(
        permissions.messages_for(request.user).select_related("station", "region", "addressed_to"), pk=pk
    )


def _render(request, opinion, answer_form=None, pass_form=None):
    steps = OPINION_STEPS.available(request.user, opinion)
    can_answer, can_pass = "answer_message" in steps, "pass_message" in steps
    stations = permissions.message_stations(request.user) if can_pass else Station.objects.none()
    return render(
        request,
        "me/messages/detail.html",
        {
            "opinion": opinion,
            "can_answer": can_answer,
            "can_pass": can_pass,
            "answer_form": answer_form or MessageAnswerForm(),
            "pass_form": pass_form or MessagePassForm(stations=stations),
            "has_stations": can_pass and stations.exists(),
            "timeline": selectors.opinion_timeline(opinion),
            "voter_phone": mask_phone(opinion.voter_phone),
        },
    )


@deputy_required
def my_message(request, pk):
    return _render(request, _message(request, pk))


def _run_answer(opinion, data, by) -> str:
    services_messages.message_answer(opinion=opinion, by=by, text=data["text"])
    return _("答复已发送，选民可以在查询页面看到。")


def _run_pass(opinion, data, by) -> str:
    services_messages.message_pass_to_station(opinion=opinion, by=by, station=data["station"], note=data["note"])
    return _("已转交联络站梳理。")


# The addressee's steps on a message: the form that parses each and the one service call behind it. Which of them
# a message offers now is OPINION_STEPS (services.available_steps), asked by the page and the POST.
ACTIONS = {
    "answer_message": Action(lambda data, *, user: MessageAnswerForm(data), _run_answer),
    "pass_message": Action(
        lambda data, *, user: MessagePassForm(data, stations=permissions.message_stations(user)), _run_pass
    ),
}
# Where the page shows each step's form, so a form with errors is shown again in its place.
FORM_NAMES = {"answer_message": "answer_form", "pass_message": "pass_form"}  # template variable names  # nosec B105


def _message_step(request, pk, step):
    opinion = _message(request, pk)
    refusal = OPINION_STEPS.refusal(step, request.user, opinion)
    if refusal is not None:
        # A stale page posting a step the message no longer offers: say why rather than show field errors.
        messages.error(request, refusal)
        return redirect("me:message", pk=opinion.pk)
    action = ACTIONS[step]
    form = action.form(request.POST, user=request.user)
    if not form.is_valid():
        return _render(request, opinion, **{FORM_NAMES[step]: form})
    perform(request, action.run, opinion, form.cleaned_data, request.user)
    return redirect("me:message", pk=opinion.pk)


@deputy_required
@require_POST
def message_answer(request, pk):
    return _message_step(request, pk, "answer_message")


@deputy_required
@require_POST
def message_pass(request, pk):
    return _message_step(request, pk, "pass_message")


def _home_counts(request, deputy):
    return {"waiting": permissions.messages_for(request.user).filter(status=Opinion.Status.WITH_DEPUTY)}


def _home_panel(request, deputy, *, counts):
    """On the deputy's start page: how many voters' messages wait for an answer, when any do."""
    if not counts["waiting"]:
        return None
    return "me/messages/panel.html", {"waiting": counts["waiting"]}


deputy_home_panel = CountingPanel(counts=_home_counts, render=_home_panel)
