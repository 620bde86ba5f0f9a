"""A deputy's own duty days and the opinions they received."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.pagination import paginate, shown
from core.workflow import Action, perform
from representatives.panels import CountingPanel
from representatives.permissions import deputy_required
from representatives.privacy import mask_phone

from . import selectors, services
from .forms import DutyDayRecordForm, VisitOpinionForm
from .models import Opinion, Station


def _home_counts(request, deputy):
    return {"open_opinions": Opinion.objects.filter(deputy=deputy).open()}


def _home_panel(request, deputy, *, counts):
    """The next duty days and open opinions, on the deputy's start page."""
    return (
        "me/stations/panel.html",
        {
            # The panel names each day's station, not who is on duty: no shifts to read.
            "duty_days": selectors.upcoming_duty_days(deputy=deputy, limit=5, with_shifts=False),
            "stations": list(Station.objects.filter(members__deputy=deputy).only("name", "public_id")),
            "open_opinions": counts["open_opinions"],
        },
    )


deputy_home_panel = CountingPanel(counts=_home_counts, render=_home_panel)


@deputy_required
def my_duty_days(request):
    filterset = selectors.duty_day_list(user=request.user, filters=request.GET)
    page = paginate(request, shown(filterset.qs, selectors.DEPUTY_DUTY_DAY_COLUMNS))
    return render(
        request,
        "me/stations/duty_days.html",
        {"filter": filterset, "page": page},
    )


def _run_record(duty_day, data, by) -> str:
    services.duty_day_record(
        duty_day=duty_day,
        attended_deputy_ids=[int(pk) for pk in data["attended"]],
        voters_received=data["voters_received"],
        summary=data["summary"],
        by=by,
    )
    return _("接待情况已登记。")


# The deputy's step on a day they are rostered for: the form that parses it and the service behind it. Whether the
# day offers it now is services.available_steps (services.DUTY_DAY_STEPS), asked by the page and the POST.
ACTIONS = {"record": Action(DutyDayRecordForm, _run_record)}


@deputy_required
def my_duty_day(request, pk):
    duty_day = selectors.duty_day_detail(user=request.user, pk=pk)
    action = ACTIONS["record"]
    offered = "record" in services.available_steps(request.user, duty_day)
    form = action.form(request.POST or None, duty_day=duty_day) if offered else None
    if request.method == "POST":
        if form is None:
            # A stale page posting a step the day no longer offers: say why rather than show field errors.
            messages.error(request, str(services.DUTY_DAY_STEPS.refusal("record", request.user, duty_day)))
            return redirect("me:duty_day", pk=duty_day.pk)
        if form.is_valid():
            perform(request, action.run, duty_day, form.cleaned_data, request.user)
            return redirect("me:duty_day", pk=duty_day.pk)
    return render(request, "me/stations/duty_day.html", {"duty_day": duty_day, "form": form, "can_record": offered})


@deputy_required
def my_opinions(request):
    filterset = selectors.opinion_list(user=request.user, filters=request.GET)
    page = paginate(request, shown(filterset.qs, selectors.DEPUTY_OPINION_COLUMNS))
    return render(
        request,
        "me/stations/opinions.html",
        {"filter": filterset, "page": page},
    )


@deputy_required
def my_opinion(request, pk):
    opinion = selectors.opinion_detail(user=request.user, pk=pk)
    return render(
        request,
        "me/stations/opinion.html",
        {
            "opinion": opinion,
            "timeline": selectors.opinion_timeline(opinion),
            "voter_phone": mask_phone(opinion.voter_phone),
        },
    )


@deputy_required
def opinion_new(request):
    deputy = request.user.deputy
    form = VisitOpinionForm(request.POST or None, stations=Station.objects.filter(members__deputy=deputy))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opinion = services.opinion_receive(
                source=Opinion.Source.VISIT,
                station=data["station"],
                deputy=deputy,
                voter_name=data["voter_name"],
                voter_phone=data["voter_phone"],
                title=data["title"],
                content=data["content"],
                category=data["category"],
                by=request.user,
            )
            messages.success(request, _("意见已登记，查询码 %(code)s。") % {"code": opinion.tracking_code})
            return redirect("me:opinion", pk=opinion.pk)
        except (services.TransitionError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
    return render(request, "me/stations/opinion_form.html", {"form": form})
