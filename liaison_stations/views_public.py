"""Pages for the public: find a station, leave an opinion there, follow it by code, read published outcomes."""

import logging
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.pagination import paginate, shown
from core.workflow import Action, TransitionError, perform
from representatives.qr import qr_svg_response

from . import permissions, ratelimit, selectors, services
from .filters import StationFilter
from .forms_public import OpinionForm, OutcomeFilter, RatingForm, TrackingForm, normalize_tracking_code, public_regions
from .models import Opinion, Proposal, new_tracking_code

logger = logging.getLogger(__name__)

S = Opinion.Status
STATION_OUTCOMES_PER_PAGE = 20

# What a voter reads for each state. Worded for the voter, not the office: a transferred opinion is being
# handled elsewhere and must never read as refused.
PUBLIC_STATUS = {
    S.WITH_DEPUTY: gettext_lazy("已送达代表，等待代表答复"),
    S.RECEIVED: gettext_lazy("已收到，等待工作人员梳理"),
    S.SORTED: gettext_lazy("已梳理，正在研究办理方式"),
    S.PROPOSED: gettext_lazy("已提出办理意见，即将交办"),
    S.ASSIGNED: gettext_lazy("已交承办单位办理"),
    S.REPLIED: gettext_lazy("承办单位已答复，等待向您反馈"),
    S.FED_BACK: gettext_lazy("已向您反馈办理结果"),
    S.CLOSED: gettext_lazy("已办结"),
    S.MERGED: gettext_lazy("已与其他群众反映的同类问题合并办理"),
    S.TRANSFERRED: gettext_lazy("已转上级人大办理"),
    S.CONVERTED: gettext_lazy("已转为人大代表建议办理"),
}
PROPOSAL_STEP = {
    Proposal.ON_SPOT: gettext_lazy("当场答复"),
    Proposal.REFER_UNIT: gettext_lazy("拟交承办单位办理"),
    Proposal.TO_SUGGESTION: gettext_lazy("转为人大代表建议"),
    Proposal.TO_HIGHER: gettext_lazy("转上级人大办理"),
}
# Any short run of letters and digits is looked up; everything else probes a value no code can have.
LOOKUP_CODE_RE = re.compile(r"^[0-9A-Z]{4,16}$")
UNMATCHABLE_CODE = "-"


def _too_many_requests(request):
    # Standalone page with no user or session lookups: a flood must not reach the database.
    return render(request, "public/stations/rate_limited.html", status=429)


def opinion_form_url(station) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("public:opinion_form", args=[station.public_id])


# Stations ---------------------------------------------------------------------------------------------------


def station_list(request):
    filterset = StationFilter(
        request.GET,
        queryset=permissions.public_stations().order_by("region__path", "name"),
        regions=public_regions(),
        search=False,  # no account to ask the search endpoint: the public regions stay listed (and cached)
    )
    page = paginate(request, shown(filterset.qs, selectors.PUBLIC_STATION_COLUMNS))
    return render(
        request,
        "public/stations/station_list.html",
        {"filter": filterset, "page": page},
    )


def station_detail(request, public_id):
    station = selectors.public_station(public_id)
    deputies = list(station.deputies.all())
    public_deputy_ids = {deputy.pk for deputy in deputies}
    return render(
        request,
        "public/stations/station_detail.html",
        {
            "station": station,
            "deputies": deputies,
            "public_deputy_ids": public_deputy_ids,
            "duty_days": selectors.upcoming_duty_days(station=station),
            "page": paginate(
                request,
                shown(selectors.published_outcomes(station=station), selectors.STATION_OUTCOME_COLUMNS),
                STATION_OUTCOMES_PER_PAGE,
            ),
        },
    )


def station_qr(request, public_id):
    station = get_object_or_404(permissions.public_stations(), public_id=public_id)
    return qr_svg_response(opinion_form_url(station))


# Opinions ---------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_form(request, public_id):
    if request.method == "POST" and not ratelimit.hit(request, "opinion"):
        return _too_many_requests(request)
    station = get_object_or_404(permissions.public_stations().select_related("region"), public_id=public_id)
    form = OpinionForm(request.POST or None)
    if request.method == "POST":
        if form.is_spam():
            # Looks like success to the robot, so it has no reason to adapt; the code leads nowhere.
            logger.info("Honeypot filled on the opinion form of station %s; nothing stored", station.pk)
            return _opinion_done(request, station, new_tracking_code())
        if form.is_valid():
            try:
                opinion = services.opinion_receive(
                    source=Opinion.Source.ONLINE, station=station, by=None, **form.opinion_fields()
                )
            except ValidationError as exc:
                for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                    form.add_error(field if field in form.fields else None, errors)
            except services.TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                return _opinion_done(request, station, opinion.tracking_code)
    return render(request, "public/stations/opinion_form.html", {"station": station, "form": form})


def _opinion_done(request, station, tracking_code: str):
    # Post/redirect/get: a refresh of the confirmation must not submit the opinion again. The code travels
    # in the session, not the URL, so it stays out of proxy logs and the browser history.
    request.session[DONE_SESSION_KEY] = tracking_code
    return redirect("public:opinion_done", public_id=station.public_id)


@never_cache
def opinion_done(request, public_id):
    station = get_object_or_404(permissions.public_stations(), public_id=public_id)
    tracking_code = request.session.get(DONE_SESSION_KEY)
    if not tracking_code:
        return redirect("public:opinion_form", public_id=station.public_id)
    return render(
        request,
        "public/stations/opinion_done.html",
        {
            "station": station,
            "tracking_code": tracking_code,
            "track_url": reverse("public:track") + "?" + urlencode({"code": tracking_code}),
        },
    )


DONE_SESSION_KEY = "opinion_tracking_code"


def _find_by_code(code: str) -> Opinion | None:
    """One query whatever was typed, so a malformed code and an unknown one look and time the same."""
    probe = code if LOOKUP_CODE_RE.match(code) else UNMATCHABLE_CODE
    return (
        Opinion.objects.select_related("station", "deputy", "unit", "merged_into__deputy", "merged_into__unit")
        .filter(tracking_code=probe)
        .first()
    )


def _steps(opinion: Opinion) -> list[tuple[str, object]]:
    """The dates a voter may see, oldest first, each with a label in the voter's words."""
    sorted_label = _("与同类问题合并") if opinion.status == S.MERGED else _("梳理")
    steps = [
        (_("接收"), opinion.received_at),
        (sorted_label, opinion.sorted_at),
        (PROPOSAL_STEP.get(opinion.proposal, _("拟办")), opinion.proposed_at),
        (_("交承办单位办理"), opinion.assigned_at),
        # A message to a deputy that the deputy answered never went to a unit.
        (
            _("代表答复") if opinion.addressed_to_id and not opinion.assigned_at else _("承办单位答复"),
            opinion.replied_at,
        ),
        (_("向您反馈"), opinion.fed_back_at),
    ]
    # For a transfer or conversion, the closing date is when it left this office, not when it was solved.
    if opinion.status not in (S.TRANSFERRED, S.CONVERTED):
        steps.append((_("办结"), opinion.closed_at))
    return [(label, at) for label, at in steps if at is not None]


def _progress(opinion: Opinion) -> dict:
    return {
        "opinion": opinion,
        "status_label": PUBLIC_STATUS.get(opinion.status, opinion.get_status_display()),
        "steps": _steps(opinion),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "POST":
        return _rate(request)
    raw_code = request.GET.get("code", "")[:64]
    code = normalize_tracking_code(raw_code)
    context = {"form": TrackingForm(initial={"code": code}), "searched": bool(code)}
    if code:
        if not ratelimit.hit(request, "track"):
            return _too_many_requests(request)
        opinion = _find_by_code(code)
        if opinion is not None:
            context["progress"] = _progress(opinion)
            if opinion.status == S.MERGED and opinion.merged_into is not None:
                context["merged_progress"] = _progress(opinion.merged_into)
            if "rate" in services.available_steps(VOTER, opinion):
                context["rating_form"] = ACTIONS["rate"].form(initial={"code": opinion.tracking_code})
    return render(request, "public/stations/track.html", context)


# The tracking page acts for whoever holds the code, never for an account the browser may also be signed in with:
# its steps are the public's (services.OPINION_STEPS), as in the service.
VOTER = AnonymousUser()


def _refused() -> str:
    # One message for every refusal, so a rating attempt says nothing about which codes exist.
    return _("这条意见已经评价过，或现在还不能评价。")


def _run_rate(data) -> str:
    try:
        services.opinion_rate_by_voter(tracking_code=data["code"], rating=data["rating"])
    except TransitionError:
        raise TransitionError(_refused()) from None
    return _("感谢您的评价！")


# The voter's steps on the tracking page (one: rating the outcome): the form that parses it and the service behind it.
ACTIONS = {"rate": Action(RatingForm, _run_rate)}


def _rate(request):
    if not ratelimit.hit(request, "track"):
        return _too_many_requests(request)
    action = ACTIONS["rate"]
    form = action.form(request.POST)
    code = normalize_tracking_code(request.POST.get("code", "")[:64])
    if not form.is_valid():
        messages.error(request, _("请选择一项评价。"))
    else:
        opinion = _find_by_code(form.cleaned_data["code"])
        if opinion is None or "rate" not in services.available_steps(VOTER, opinion):
            messages.error(request, _refused())
        else:
            perform(request, action.run, form.cleaned_data)
    return redirect(reverse("public:track") + "?" + urlencode({"code": code}))


# Published outcomes (公示) ------------------------------------------------------------------------------------


def outcomes(request):
    filterset = OutcomeFilter(
        request.GET,
        queryset=selectors.published_outcomes(),
        regions=public_regions(),
        search=False,
    )
    page = paginate(request, shown(filterset.qs, selectors.PUBLIC_OUTCOME_COLUMNS))
    return render(
        request,
        "public/stations/outcomes.html",
        {"filter": filterset, "page": page},
    )
