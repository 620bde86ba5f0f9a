"""Staff pages of leaders' visits to stations (常委会组成人员/领导到联络站活动).

Staff and leaders of a region read the visits at its stations; staff record anyone's visit and correct or remove
them; a leader records their own. Visits outside the user's region are "not found", not "forbidden".
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports as core_exports
from core.pagination import paginate
from representatives.permissions import is_office_staff, region_reader_required, staff_required

from . import permissions, selectors, services_visits
from .forms_visits import StationVisitForm


@region_reader_required
def station_visit_list(request):
    filterset = selectors.station_visit_list(user=request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return core_exports.respond(request, "liaison_stations.visits", filterset.qs)
    return render(
        request,
        "staff/stations/visit_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
        },
    )


def _form(request, *, visit=None):
    """The visit form for this user: staff name the visitor, a leader's visit is their own."""
    user = request.user
    # Active stations and leaders are offered; a visit being corrected keeps its own even if no longer active.
    current_station = Q(pk=visit.station_id) if visit is not None else Q(pk__in=[])
    current_leader = Q(pk=visit.leader_id) if visit is not None and visit.leader_id else Q(pk__in=[])
    stations = permissions.stations_for(user).filter(Q(is_active=True) | current_station)
    leaders = None
    if is_office_staff(user):
        leaders = permissions.visiting_leaders_for(user).filter(Q(is_active=True) | current_leader)
        leaders = leaders.order_by("last_name", "first_name", "username")
    initial = {}
    station_id = request.GET.get("station", "")
    if visit is None and station_id.isdigit():
        initial["station"] = station_id
    return StationVisitForm(
        request.POST or None,
        instance=visit,
        initial=initial,
        stations=stations.order_by("region__path", "name"),
        leaders=leaders,
    )


def _visit_data(request, form) -> dict:
    data = form.visit_data()
    if "leader" not in form.fields:
        data["leader"] = request.user
    return data


@region_reader_required
def station_visit_new(request):
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services_visits.station_visit_record(by=request.user, **_visit_data(request, form))
        except services_visits.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("领导到联络站活动已登记。"))
            return redirect("staff:station_visit", pk=visit.pk)
    return render(request, "staff/stations/visit_form.html", {"form": form, "visit": None})


@region_reader_required
def station_visit_detail(request, pk):
    visit = selectors.station_visit_detail(user=request.user, pk=pk)
    return render(
        request,
        "staff/stations/visit_detail.html",
        {
            "visit": visit,
            "timeline": selectors.station_visit_timeline(visit),
            "can_change": permissions.can_change_visit(request.user, visit),
        },
    )


@staff_required
def station_visit_edit(request, pk):
    visit = selectors.station_visit_detail(user=request.user, pk=pk)
    if not permissions.can_change_visit(request.user, visit):
        raise PermissionDenied
    form = _form(request, visit=visit)
    if request.method == "POST" and form.is_valid():
        try:
            services_visits.station_visit_update(visit=visit, by=request.user, **_visit_data(request, form))
        except services_visits.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("领导到联络站活动已修改。"))
            return redirect("staff:station_visit", pk=visit.pk)
    return render(request, "staff/stations/visit_form.html", {"form": form, "visit": visit})


@require_POST
@staff_required
def station_visit_delete(request, pk):
    visit = selectors.station_visit_detail(user=request.user, pk=pk)
    try:
        services_visits.station_visit_delete(visit=visit, by=request.user, reason=request.POST.get("reason", ""))
    except services_visits.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("staff:station_visit", pk=visit.pk)
    messages.success(request, _("已删除这条领导到联络站活动记录。"))
    return redirect("staff:station_visits")
