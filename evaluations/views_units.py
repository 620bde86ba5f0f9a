"""Office pages: the handling units' annual assessment and the representative groups' "五个一" checklist.

Staff and leaders of a region read both and download them; only staff fill in a group's year note. Groups
outside the user's region come through the scoped query, so they are "not found", not "forbidden".
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import spreadsheets
from core.pagination import paginate
from representatives.permissions import region_reader_required, regions_for, staff_required
from representatives.services import TransitionError

from . import groups as group_checks
from . import unit_assessment
from .forms import GroupYearNoteForm
from .models import GroupYearNote

FIRST_YEAR = 2000
# A unit's row has 26 figures, most of them links to its lists (about 2 KB of HTML): eight rows keep the page near
# the other list pages' 30 KB.
UNITS_PER_PAGE = 8
# A group's row is eight marks and what it lacks (about 1.5 KB): twelve rows keep the page under 30 KB.
GROUPS_PER_PAGE = 12


def _year(request) -> int:
    """The ``year`` asked for, or this year; a year outside 2000 … next year reads as this year."""
    this_year = timezone.localdate().year
    value = request.GET.get("year", "").strip()
    if value.isdigit() and FIRST_YEAR <= int(value) <= this_year + 1:
        return int(value)
    return this_year


def _search(request) -> str:
    return request.GET.get("q", "").strip()[:100]


def _years():
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


# Handling units -------------------------------------------------------------------------------------------------


@region_reader_required
def unit_assessment_page(request):
    year = _year(request)
    assessment = unit_assessment.assess(user=request.user, year=year)
    if request.GET.get("export") == "xlsx":
        headers, rows = unit_assessment.export_rows(assessment)
        filename = _("%(year)d年度承办单位办理工作考评") % {"year": year}
        return spreadsheets.xlsx_response(spreadsheets.sheet(headers, rows), filename)
    query = _search(request)
    # Ranked over all the user's units (ranks and the total row stay the whole scope's); the page lists eight.
    page = paginate(request, assessment.named(query) if query else assessment.entries, per_page=UNITS_PER_PAGE)
    page.object_list = assessment.rows_of(list(page.object_list))
    return render(
        request,
        "staff/evaluations/units_assessment.html",
        {
            "assessment": assessment,
            "page": page,
            "year": year,
            "years": _years(),
            "rules": assessment.rules,
            "query": query,
            "search_label": _("承办单位名称"),
        },
    )


# Representative groups -------------------------------------------------------------------------------------------


def _region(request):
    value = request.GET.get("region", "").strip()
    if not value.isdigit():
        return None
    return regions_for(request.user).filter(pk=int(value)).first()


@region_reader_required
def groups_page(request):
    year = _year(request)
    region = _region(request)
    rows = group_checks.checklists(user=request.user, year=year, region=region)
    if request.GET.get("export") == "xlsx":
        headers, data = group_checks.export_rows(rows)
        name = _("%(year)d年度代表小组“五个一”") % {"year": year}
        filename = f"{name}_{region.name}" if region else name
        return spreadsheets.xlsx_response(spreadsheets.sheet(headers, data), filename)
    query = _search(request)
    # The count of complete groups is the whole scope's; the table lists twelve groups a page, found by name.
    shown = [row for row in rows if query.casefold() in row.group.name.casefold()] if query else rows
    page = paginate(request, shown, per_page=GROUPS_PER_PAGE)
    return render(
        request,
        "staff/evaluations/groups.html",
        {
            "rows": rows,
            "page": page,
            "year": year,
            "years": _years(),
            "region": region,
            "region_filter": True,
            "query": query,
            "search_label": _("小组名称"),
            "complete": sum(1 for row in rows if row.complete),
            "can_edit": {
                row.group.pk for row in page.object_list if group_checks.can_edit_note(request.user, row.group)
            },
        },
    )


@staff_required
def group_note(request, pk, year):
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    group = get_object_or_404(group_checks.groups_for(request.user).select_related("region"), pk=pk)
    note = GroupYearNote.objects.filter(group=group, year=year).first() or GroupYearNote(group=group, year=year)
    form = GroupYearNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        texts = {name: form.cleaned_data[name] for name in group_checks.NOTE_FIELDS}
        try:
            group_checks.group_note_save(group=group, year=year, by=request.user, **texts)
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存%(group)s %(year)d年度记录。") % {"group": group.name, "year": year})
            return redirect(f"{reverse('staff:groups')}?year={year}#group-{group.pk}")
    return render(
        request,
        "staff/evaluations/groups_note.html",
        {"group": group, "year": year, "form": form},
        status=400 if form.errors else 200,
    )
