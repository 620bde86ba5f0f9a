"""Office staff pages for liaison stations, duty days, voter opinions and the stations' statistics.

Staff of a region act on what lies in it; leaders read the same pages but every POST is staff-only. Records
outside the user's region are looked up through scoped selectors, so they are "not found", not "forbidden".
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress.db_router import reads_from_replica
from core import exports as core_exports
from core.pagination import paginate, request_count_key, shown
from core.text import join_clauses
from core.workflow import Action, perform
from representatives.audit import timeline
from representatives.models import Deputy
from representatives.permissions import (
    deputies_for,
    is_office_staff,
    region_reader_required,
    regions_for,
    staff_required,
)
from representatives.privacy import mask_phone

from . import exports, permissions, selectors, services, services_checks
from .filters import DUE_SOON_DAYS, RECENTLY_OVERDUE_DAYS, OpinionFilter, StatisticsFilter
from .forms_staff import (
    AssignDeputiesForm,
    AssignForm,
    CloseForm,
    DutyDayCancelForm,
    DutyDayOpinionForm,
    DutyDayPlanForm,
    DutyDayRecordForm,
    FeedbackForm,
    MergeForm,
    ProposeForm,
    PublishForm,
    SortForm,
    StandardChecksForm,
    StationForm,
    SuperviseForm,
    UnpublishForm,
    station_regions_for,
)
from .models import Opinion, StandardItem

S = Opinion.Status


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _form_errors_message(form) -> str:
    return join_clauses(error for errors in form.errors.values() for error in errors)


# Stations -------------------------------------------------------------------------------------------------------


@region_reader_required
def station_list(request):
    filterset = selectors.station_list(user=request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return core_exports.respond(request, "liaison_stations.stations", filterset.qs)
    return render(
        request,
        "staff/stations/station_list.html",
        {
            "filter": filterset,
            "page": paginate(request, shown(filterset.qs, selectors.STAFF_STATION_COLUMNS)),
            "can_create": is_office_staff(request.user),
        },
    )


def _station_form_page(request, station=None):
    form = StationForm(request.POST or None, instance=station, regions=station_regions_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services_checks.station_save(station=station, data=form.station_data(), by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("联络站已保存。"))
            return redirect("staff:station", pk=saved.pk)
    return render(request, "staff/stations/station_form.html", {"form": form, "station": station})


@staff_required
def station_new(request):
    return _station_form_page(request)


@staff_required
def station_edit(request, pk):
    station = selectors.station_detail(user=request.user, pk=pk)
    if not permissions.can_manage_station(request.user, station):
        raise PermissionDenied
    return _station_form_page(request, station)


@region_reader_required
def station_detail(request, pk):
    user = request.user
    station = selectors.station_detail(user=user, pk=pk)
    checks = {check.item: check for check in station.checks.all()}
    can_manage = permissions.can_manage_station(user, station)
    members = list(selectors.station_members(station))
    return render(
        request,
        "staff/stations/station_detail.html",
        {
            "station": station,
            "members": members,
            # The count the station list and the statistics give: serving members only.
            "serving_count": sum(1 for member in members if member.serving),
            "check_rows": [(label, checks.get(item)) for item, label in StandardItem.choices],
            "checks_passed": sum(1 for check in checks.values() if check.passed),
            "upcoming": selectors.upcoming_duty_days(station=station),
            "visits": selectors.station_visits_at(station),
            # Staff record anyone's visit; a leader, their own.
            "can_record_visit": permissions.can_record_visit(user, station, leader=user),
            "can_manage": can_manage,
            "assign_form": AssignDeputiesForm(visible=deputies_for(user)) if can_manage else None,
            "stars": range(station.star_rating),
        },
    )


@require_POST
@staff_required
def station_assign(request, pk):
    station = selectors.station_detail(user=request.user, pk=pk)
    form = AssignDeputiesForm(request.POST, visible=deputies_for(request.user))
    if not form.is_valid():
        messages.error(request, _form_errors_message(form))
        return redirect("staff:station", pk=station.pk)
    try:
        added = services.station_assign_deputies(
            station=station, deputies=form.cleaned_data["selected"], by=request.user
        )
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已编入 %(count)d 名代表。") % {"count": added})
    return redirect("staff:station", pk=station.pk)


@require_POST
@staff_required
def station_remove_deputy(request, pk, deputy_pk):
    station = selectors.station_detail(user=request.user, pk=pk)
    deputy = get_object_or_404(Deputy, pk=deputy_pk, station_memberships__station=station)
    try:
        services_checks.station_remove_deputy(station=station, deputy=deputy, by=request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已将 %(name)s 移出本站。") % {"name": deputy.name})
    return redirect("staff:station", pk=station.pk)


@staff_required
def station_checks(request, pk):
    station = selectors.station_detail(user=request.user, pk=pk)
    if not permissions.can_manage_station(request.user, station):
        raise PermissionDenied
    form = StandardChecksForm(request.POST or None, existing={check.item: check for check in station.checks.all()})
    if request.method == "POST" and form.is_valid():
        try:
            services_checks.station_record_checks(station=station, checks=form.checks(), by=request.user)
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("“七有”检查已保存。"))
            return redirect("staff:station", pk=station.pk)
    return render(request, "staff/stations/station_checks.html", {"station": station, "form": form})


# Duty days ------------------------------------------------------------------------------------------------------


@region_reader_required
def duty_day_list(request):
    filterset = selectors.duty_day_list(user=request.user, filters=request.GET)
    return render(
        request,
        "staff/stations/duty_day_list.html",
        {
            "filter": filterset,
            "page": paginate(request, shown(filterset.qs, selectors.STAFF_DUTY_DAY_COLUMNS)),
            "can_plan": is_office_staff(request.user),
        },
    )


@staff_required
def duty_day_new(request):
    """Two steps without script: pick the station, then the day and deputies from that station's members."""
    stations = permissions.stations_for(request.user).filter(is_active=True).select_related("region")
    station_id = request.POST.get("station") or request.GET.get("station") or ""
    station = stations.filter(pk=station_id).first() if station_id.isdigit() else None
    if station is None:
        return render(request, "staff/stations/duty_day_pick_station.html", {"stations": stations})
    form = DutyDayPlanForm(request.POST or None, stations=stations, station=station)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            duty_day = services.duty_day_plan(
                station=data["station"],
                date=data["date"],
                deputies=list(data["deputies"]),
                by=request.user,
                topic=data["topic"],
                start_time=data["start_time"],
                end_time=data["end_time"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("接待日已排班。"))
            return redirect("staff:duty_day", pk=duty_day.pk)
    return render(request, "staff/stations/duty_day_form.html", {"form": form, "station": station})


def _run_record(duty_day, data, by) -> str:
    services.duty_day_record(
        duty_day=duty_day,
        attended_deputy_ids=[deputy.pk for deputy in data["attended"]],
        voters_received=data["voters_received"],
        summary=data["summary"],
        by=by,
    )
    return _("接待情况已登记。")


def _run_cancel(duty_day, data, by) -> str:
    services.duty_day_cancel(duty_day=duty_day, by=by, reason=data["reason"])
    return _("接待日已取消。")


# The office's steps on a duty day: the form that parses each and the one service call behind it. Which of them a
# day offers now is services.available_steps (services.DUTY_DAY_STEPS), asked by the page and the POST.
DUTY_DAY_ACTIONS = {
    "record": Action(DutyDayRecordForm, _run_record),
    "cancel": Action(lambda *args, duty_day, **kwargs: DutyDayCancelForm(*args, **kwargs), _run_cancel),
}


def _duty_day_page(request, duty_day, *, bound=None, status=200):
    user = request.user
    can_manage = permissions.can_manage_station(user, duty_day.station)
    # Staff record a day on this page; a deputy on the roster records it on their own page.
    steps = services.available_steps(user, duty_day) if can_manage else []
    forms = {
        step: bound[1] if bound is not None and bound[0] == step else DUTY_DAY_ACTIONS[step].form(duty_day=duty_day)
        for step in steps
        if step in DUTY_DAY_ACTIONS
    }
    return render(
        request,
        "staff/stations/duty_day_detail.html",
        {
            "duty_day": duty_day,
            "timeline": timeline(duty_day),
            "can_manage": can_manage,
            "can_log_opinion": "log_opinion" in steps,
            "record_form": forms.get("record"),
            "cancel_form": forms.get("cancel"),
        },
        status=status,
    )


@region_reader_required
def duty_day_detail(request, pk):
    return _duty_day_page(request, selectors.duty_day_detail(user=request.user, pk=pk))


def _duty_day_step(request, pk, step):
    duty_day = selectors.duty_day_detail(user=request.user, pk=pk)
    refusal = services.DUTY_DAY_STEPS.refusal(step, request.user, duty_day)
    if refusal is not None:
        # A stale page posting a step the day no longer offers: say why rather than show field errors.
        messages.error(request, refusal)
        return redirect("staff:duty_day", pk=duty_day.pk)
    action = DUTY_DAY_ACTIONS[step]
    form = action.form(request.POST, duty_day=duty_day)
    if not form.is_valid():
        return _duty_day_page(request, duty_day, bound=(step, form))
    perform(request, action.run, duty_day, form.cleaned_data, request.user)
    return redirect("staff:duty_day", pk=duty_day.pk)


@require_POST
@staff_required
def duty_day_record(request, pk):
    return _duty_day_step(request, pk, "record")


@require_POST
@staff_required
def duty_day_cancel(request, pk):
    return _duty_day_step(request, pk, "cancel")


@staff_required
def duty_day_opinion_new(request, pk):
    duty_day = selectors.duty_day_detail(user=request.user, pk=pk)
    if not permissions.can_manage_station(request.user, duty_day.station):
        raise PermissionDenied
    refusal = services.DUTY_DAY_STEPS.refusal("log_opinion", request.user, duty_day)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("staff:duty_day", pk=duty_day.pk)
    form = DutyDayOpinionForm(request.POST or None, deputies=selectors.receiving_deputies(duty_day))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opinion = services.opinion_receive(
                source=Opinion.Source.DUTY_DAY,
                duty_day=duty_day,
                deputy=data["deputy"],
                voter_name=data["voter_name"],
                voter_phone=data["voter_phone"],
                title=data["title"],
                content=data["content"],
                category=data["category"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("选民意见已登记，查询码 %(code)s。") % {"code": opinion.tracking_code})
            if "another" in request.POST:
                return redirect("staff:duty_day_opinion_new", pk=duty_day.pk)
            return redirect("staff:duty_day", pk=duty_day.pk)
    return render(request, "staff/stations/duty_day_opinion_form.html", {"duty_day": duty_day, "form": form})


# Opinions -------------------------------------------------------------------------------------------------------


@region_reader_required
def opinion_list(request):
    filterset = selectors.opinion_list(user=request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return core_exports.respond(request, "liaison_stations.opinions", filterset.qs)
    params = request.GET.copy()
    for key in ("page", "due", "export"):
        params.pop(key, None)
    counts = selectors.opinion_due_counts(
        filterset, {tab: request_count_key(request, due=tab) for tab in OpinionFilter.DUE_TABS}
    )
    return render(
        request,
        "staff/stations/opinion_list.html",
        {
            "filter": filterset,
            "page": paginate(request, shown(filterset.qs, selectors.STAFF_OPINION_COLUMNS)),
            "base_querystring": params.urlencode(),
            "due": filterset.due,
            "recently_overdue_count": counts["recently_overdue"],
            "due_soon_count": counts["due_soon"],
            "today": timezone.localdate(),
            "recently_overdue_days": RECENTLY_OVERDUE_DAYS,
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


def _run_sort(opinion, data, by):
    services.opinion_sort(opinion=opinion, category=data["category"], note=data["note"], by=by)
    return _("意见已梳理。")


def _run_merge(opinion, data, by):
    services.opinion_merge(opinion=opinion, into=data["into"], note=data["note"], by=by)
    return _("意见已合并到 %(reference)s。") % {"reference": data["into"].reference}


def _run_propose(opinion, data, by):
    services.opinion_propose(
        opinion=opinion,
        proposal=data["proposal"],
        note=data["note"],
        unit=data["unit"],
        answer=data["answer"],
        deputy=data["deputy"],
        by=by,
    )
    return _("拟办意见已保存。")


def _run_assign(opinion, data, by):
    services.opinion_assign(opinion=opinion, unit=data["unit"], note=data["note"], by=by)
    return _("意见已交办。")


def _run_supervise(opinion, data, by):
    services.opinion_supervise(opinion=opinion, note=data["note"], by=by)
    return _("督办情况已记录。")


def _run_feedback(opinion, data, by):
    services.opinion_feed_back(
        opinion=opinion, feedback=data["feedback"], rating=data["rating"], resolution=data["resolution"], by=by
    )
    return _("已向选民反馈。")


def _run_close(opinion, data, by):
    services.opinion_close(opinion=opinion, publish=data["publish"], public_summary=data["public_summary"], by=by)
    return _("意见已办结并公示。") if data["publish"] else _("意见已办结。")


def _run_publish(opinion, data, by):
    services.opinion_publish(opinion=opinion, public_summary=data["public_summary"], by=by)
    return _("意见已公示。")


def _run_unpublish(opinion, data, by):
    services.opinion_unpublish(opinion=opinion, by=by)
    return _("已撤销公示。")


# The office's steps on an opinion: the form that parses each and the one service call behind it. Which of them
# an opinion offers now is services.available_steps (services.OPINION_STEPS), asked by the page and the POST.
ACTIONS = {
    "sort": Action(SortForm, _run_sort),
    "merge": Action(MergeForm, _run_merge),
    "propose": Action(ProposeForm, _run_propose),
    "assign": Action(AssignForm, _run_assign),
    "supervise": Action(SuperviseForm, _run_supervise),
    "feedback": Action(FeedbackForm, _run_feedback),
    "close": Action(CloseForm, _run_close),
    "publish": Action(PublishForm, _run_publish),
    "unpublish": Action(UnpublishForm, _run_unpublish),
}


def _opinion_page(request, opinion, bound=None, status=200):
    user = request.user
    forms = {}
    for step in services.available_steps(user, opinion):
        if step not in ACTIONS:
            continue
        if bound is not None and bound[0] == step:
            forms[step] = bound[1]
        else:
            forms[step] = ACTIONS[step].form(opinion=opinion, user=user, prefix=step)
    return render(
        request,
        "staff/stations/opinion_detail.html",
        {
            "opinion": opinion,
            "voter_phone": opinion.voter_phone
            if permissions.sees_voter_phone(user, opinion)
            else mask_phone(opinion.voter_phone),
            "timeline": selectors.opinion_timeline(opinion),
            "supervisions": opinion.supervisions.all(),
            "merged": opinion.merged.all(),
            "can_handle": permissions.can_handle_opinion(user, opinion),
            "forms": forms,
        },
        status=status,
    )


@region_reader_required
def opinion_detail(request, pk):
    return _opinion_page(request, selectors.opinion_detail(user=request.user, pk=pk))


@require_POST
@staff_required
def opinion_action(request, pk, action):
    opinion = selectors.opinion_detail(user=request.user, pk=pk)
    step = ACTIONS.get(action)
    if step is None:
        raise PermissionDenied
    refusal = services.OPINION_STEPS.refusal(action, request.user, opinion)
    if refusal is not None:
        # A stale page posting a step the opinion has moved past: say why rather than show field errors.
        messages.error(request, refusal)
        return redirect("staff:opinion", pk=opinion.pk)
    form = step.form(request.POST, opinion=opinion, user=request.user, prefix=action)
    if not form.is_valid():
        return _opinion_page(request, opinion, bound=(action, form))
    perform(request, step.run, opinion, form.cleaned_data, request.user)
    return redirect("staff:opinion", pk=opinion.pk)


# Statistics -----------------------------------------------------------------------------------------------------


@region_reader_required
@reads_from_replica
def station_statistics(request):
    user = request.user
    params = request.GET.copy()
    params.pop("export", None)
    filterset = StatisticsFilter(params, regions=regions_for(user))
    form = filterset.form
    values = form.cleaned_data if form.is_valid() else {}
    region = values.get("region") or (user.region if user.region_id else None)
    date_from, date_to = values.get("date_from"), values.get("date_to")
    table, total = selectors.station_statistics(user=user, region=region, date_from=date_from, date_to=date_to)
    if request.GET.get("export") == "xlsx":
        name = region.name if region else _("全部区域")
        period = f"{date_from or ''}~{date_to or ''}" if date_from or date_to else ""
        return exports.statistics_response(table, total, "_".join(filter(None, [_("联络站统计"), name, period])))
    drill = params.copy()
    drill.pop("region", None)

    def cells(row):
        # Each figure with the list of exactly its rows; data-figure/data-measure on the link make the pairing
        # machine-readable (the invariant test follows every one).
        found = []
        for column in selectors.STATISTICS_COLUMNS:
            name, query = selectors.statistics_link(column, row=row, date_from=date_from, date_to=date_to)
            url = f"{reverse(name)}?{urlencode(query)}"
            found.append({"column": column, "value": getattr(row, column.name), "url": url})
        return found

    return render(
        request,
        "staff/stations/statistics.html",
        {
            "filter": filterset,
            "region": region,
            "columns": selectors.STATISTICS_COLUMNS,
            "rows": [(row, cells(row)) for row in table],
            "total": total,
            "total_cells": cells(total),
            "querystring": params.urlencode(),
            "drill_querystring": drill.urlencode(),
        },
    )


@region_reader_required
def station_deputy_list(request):
    """The deputies the statistics count as assigned to stations (``编入代表``), with the same filters."""
    filterset = selectors.station_deputy_list(user=request.user, filters=request.GET)
    return render(
        request,
        "staff/stations/station_deputy_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )
