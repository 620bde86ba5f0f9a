"""The awards pages (三优三先): the office's nominations and decisions, and the published list."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import paginate
from core.workflow import Action, perform
from representatives.permissions import region_reader_required, staff_required

from . import awards
from .deputy_file import year_is_valid
from .forms_awards import DecisionForm, NominateForm, PublishForm
from .models import Nomination


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year - 1)
    except ValueError:
        raise Http404 from None
    if not year_is_valid(year):
        raise Http404
    return year


def _page_url(year: int) -> str:
    return f"{reverse('staff:awards')}?year={year}"


@region_reader_required
def awards_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    # The figures on the dashboard and the year report open this page with their filters (category, outcome,
    # region): the table lists exactly the rows each counts.
    query = request.GET.copy()
    query["year"] = str(year)
    filterset = awards.nomination_list(user=request.user, filters=query)
    page = paginate(request, filterset.qs)
    nominations = list(page.object_list)
    narrowed = any(request.GET.get(name) for name in ("category", "outcome", "region"))
    nominated = {(n.category, n.deputy_id or n.suggestion_id or n.unit_id) for n in nominations}
    found = awards.candidates(request.user, year)
    # A candidate already nominated this year shows as such instead of offering a second nomination.
    deputies = [(score, (Nomination.Category.DEPUTY, score.deputy_id) in nominated) for score in found.deputies]
    suggestions = [(item, (Nomination.Category.SUGGESTION, item.pk) in nominated) for item in found.suggestions]
    units = [
        (row, (Nomination.Category.UNIT, row.unit.pk if row.unit is not None else None) in nominated)
        for row in found.units
    ]
    return render(
        request,
        "staff/evaluations/awards.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "nominations": [(n, awards.available_steps(request.user, n)) for n in nominations],
            "page": page,
            "categories": Nomination.Category.choices,
            "candidate_deputies": deputies,
            "candidate_suggestions": suggestions,
            "candidate_units": units,
            "may_nominate": awards.is_office_staff(request.user),
            "narrowed": narrowed,
        },
    )


@staff_required
@require_POST
def nominate(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = NominateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_page_url(year))
    category = form.cleaned_data["category"]
    # Another region's deputy, suggestion or unit is "not found", as on every other page.
    nominee = get_object_or_404(awards.nominees_for(request.user, category), pk=form.cleaned_data["nominee"])

    def run() -> str:
        awards.nominate(
            by=request.user, year=year, category=category, nominee=nominee, reason=form.cleaned_data["reason"]
        )
        return _("已提名。")

    perform(request, run)
    return redirect(_page_url(year))


def _award(request, nomination, data):
    awards.nomination_award(nomination=nomination, by=request.user, reason=data["reason"])
    return _("已评为优秀。")


def _decline(request, nomination, data):
    awards.nomination_decline(nomination=nomination, by=request.user, reason=data["reason"])
    return _("已记录未评上的意见。")


def _publish(request, nomination, data):
    awards.nomination_publish(nomination=nomination, by=request.user)
    return _("已在公开网站公布。")


ACTIONS = {
    "award": Action(DecisionForm, _award),
    "decline": Action(DecisionForm, _decline),
    "publish": Action(PublishForm, _publish),
}


@region_reader_required
@require_POST
def nomination_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    nomination = get_object_or_404(awards.nominations_for(request.user), pk=pk)
    action = ACTIONS.get(step)
    if action is None:
        raise Http404
    refusal = awards.NOMINATION_STEPS.refusal(step, request.user, nomination)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(_page_url(nomination.year))
    form = action.form(request.POST)
    if form.is_valid():
        perform(request, action.run, request, nomination, form.cleaned_data)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(_page_url(nomination.year))


def public_awards(request: HttpRequest) -> HttpResponse:
    published = awards.published().select_related("deputy", "suggestion__deputy", "unit", "region")
    years = sorted(set(published.values_list("year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year - 1))
    except ValueError:
        raise Http404 from None
    rows = list(published.filter(year=year).order_by("region__path", "category", "pk"))
    return render(request, "public/awards.html", {"year": year, "years": years, "nominations": rows})
