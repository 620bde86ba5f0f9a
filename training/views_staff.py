"""Staff pages of training: courses, their sessions, each session's attendance roster, and the induction
coverage of the current term. Staff and leaders of a region read; office staff of the course's region write.
Another region's rows are "not found"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import exports as core_exports
from core.pagination import paginate
from representatives.permissions import region_reader_required, staff_required

from . import permissions, selectors, services
from .forms import AttendanceForm, CourseForm, SessionForm


@region_reader_required
def course_list(request):
    return render(
        request,
        "staff/training/course_list.html",
        {"page": paginate(request, selectors.course_list(user=request.user))},
    )


@staff_required
def course_new(request):
    form = CourseForm(request.POST or None, congresses=selectors.congresses_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(by=request.user, **form.cleaned_data)
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("staff:training_course", pk=course.pk)
    return render(request, "staff/training/course_form.html", {"form": form})


@region_reader_required
def course_detail(request, pk):
    course = selectors.course_detail(user=request.user, pk=pk)
    may_manage = permissions.can_manage(request.user, course)
    form = SessionForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                session = services.session_create(course=course, by=request.user, **form.cleaned_data)
            except services.TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已安排培训场次。"))
                return redirect("staff:training_session", pk=session.pk)
    return render(
        request,
        "staff/training/course_detail.html",
        {
            "course": course,
            "sessions": selectors.course_sessions(course),
            "form": form,
            "may_manage": may_manage,
        },
    )


@region_reader_required
def session_detail(request, pk):
    session = selectors.session_detail(user=request.user, pk=pk)
    roster = selectors.session_roster(session)
    may_manage = permissions.can_manage(request.user, session.course)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        form = AttendanceForm(request.POST, invited=[row.deputy_id for row in roster])
        if not form.is_valid():
            messages.error(request, _("出勤名单有误：只能勾选本场次邀请名单中的代表。"))
        else:
            try:
                count = services.attendance_record(
                    session=session, by=request.user, attended_ids=set(form.cleaned_data["present"])
                )
            except services.TransitionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("已登记出勤：出席 %(n)d 人。") % {"n": count})
                return redirect("staff:training_session", pk=session.pk)
    return render(
        request,
        "staff/training/session_detail.html",
        {
            "session": session,
            "roster": roster,
            "present": sum(1 for row in roster if row.attended),
            "may_manage": may_manage,
        },
    )


@region_reader_required
def induction(request):
    filterset = selectors.induction_list(user=request.user, filters=request.GET)
    region = filterset.form.cleaned_data.get("region") if filterset.form.is_valid() else None
    return render(
        request,
        "staff/training/induction.html",
        {
            "filter": filterset,
            "coverage": selectors.induction_coverage(user=request.user, region=region),
            "page": paginate(request, filterset.qs),
        },
    )


@region_reader_required
def session_list(request):
    filterset = selectors.session_list(user=request.user, filters=request.GET)
    return render(
        request, "staff/training/session_list.html", {"filter": filterset, "page": paginate(request, filterset.qs)}
    )


@region_reader_required
def attendance_list(request):
    filterset = selectors.attendance_list(user=request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return core_exports.respond(request, "training.attendance", filterset.qs)
    return render(
        request, "staff/training/attendance_list.html", {"filter": filterset, "page": paginate(request, filterset.qs)}
    )
