"""The Django admin for evaluations: rule sets edited by the office that owns them, runs started from there.

Results, adjustments and runs are read-only here: results come from a run, adjustments from the score page
(which keeps the reason and the audit trail), runs from the "计算考评" action.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.text import labelled
from representatives.admin import STATE_LOG_SCOPES, ReadOnlyScopedAdmin, RegionScopedAdmin, ScopedInline

from . import services, tasks
from .models import (
    Attendance,
    CongressSession,
    GradeBand,
    GroupYearNote,
    Nomination,
    RuleItem,
    RuleSet,
    Score,
    ScoreAdjustment,
    ScoreRun,
    UnitRuleSet,
    WarningBand,
)

STATE_LOG_SCOPES[RuleSet] = "region"
STATE_LOG_SCOPES[Score] = "deputy__region"
STATE_LOG_SCOPES[Nomination] = "region"


class RuleItemInline(ScopedInline, admin.TabularInline):
    model = RuleItem
    extra = 0
    fields = ["metric", "points", "cap", "bonus"]


class GradeBandInline(ScopedInline, admin.TabularInline):
    model = GradeBand
    extra = 0
    fields = ["grade", "min_points"]


class WarningBandInline(ScopedInline, admin.TabularInline):
    model = WarningBand
    extra = 0
    fields = ["level", "below_points"]


# Fields of the rule set itself that change results; a new name does not.
SCORING_FIELDS = {"red_two_years_below"}


@admin.register(RuleSet)
class RuleSetAdmin(RegionScopedAdmin, admin.ModelAdmin):
    inlines = [RuleItemInline, GradeBandInline, WarningBandInline]
    list_display = ["name", "region", "year", "version", "copied_from"]
    list_select_related = ["region", "copied_from__region"]
    list_filter = ["year", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "region__name"]
    fields = ["region", "year", "name", "red_two_years_below", "version", "copied_from", "created_at"]
    actions = ["copy_to_next_year", "run_scoring"]

    def get_readonly_fields(self, request, obj=None):
        # Results are filed by the rule set's region and year; another year is a copy, not an edit.
        if obj is not None:
            return ["region", "year", "version", "copied_from", "created_at"]
        return ["version", "copied_from", "created_at"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        edited = any(formset.has_changed() for formset in formsets) or SCORING_FIELDS & set(form.changed_data)
        if change and edited:
            services.rule_set_touch(form.instance)

    def _rule_set_label(self, rule_set) -> str:
        return f"{rule_set.region.name} {rule_set.year}"

    @admin.action(description=_("复制为下一年度"))
    def copy_to_next_year(self, request, queryset):
        copies = []
        for rule_set in queryset.select_related("region").prefetch_related("items", "grades", "warnings"):
            try:
                copies.append(services.rule_set_copy(source=rule_set, year=rule_set.year + 1, by=request.user))
            except services.TransitionError as exc:
                self.message_user(request, labelled(self._rule_set_label(rule_set), exc), messages.ERROR)
        if not copies:
            return None
        self.message_user(
            request,
            ngettext(
                "已复制 %(count)d 套考评规则，请检查并修改新年度的分值。",
                "已复制 %(count)d 套考评规则，请检查并修改新年度的分值。",
                len(copies),
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )
        if len(copies) == 1:
            return HttpResponseRedirect(reverse("admin:evaluations_ruleset_change", args=[copies[0].pk]))
        return None

    @admin.action(description=_("计算考评"))
    def run_scoring(self, request, queryset):
        runs = []
        for rule_set in queryset.select_related("region"):
            try:
                run = services.score_run_queue(rule_set=rule_set, by=request.user)
            except services.TransitionError as exc:
                self.message_user(request, labelled(self._rule_set_label(rule_set), exc), messages.ERROR)
                continue
            tasks.send_run(run)
            runs.append(run)
        if not runs:
            return None
        if len(runs) == 1:
            return HttpResponseRedirect(reverse("admin:evaluations_scorerun_progress", args=[runs[0].pk]))
        self.message_user(
            request,
            ngettext("已开始计算 %(count)d 套考评规则。", "已开始计算 %(count)d 套考评规则。", len(runs))
            % {"count": len(runs)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:evaluations_scorerun_changelist"))


@admin.register(ScoreRun)
class ScoreRunAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "rule_set__region"
    list_display = [
        "rule_set",
        "status",
        "rule_set_version",
        "deputies_scored",
        "scores_replaced",
        "duration",
        "by",
        "created_at",
        "progress_link",
    ]
    list_select_related = ["rule_set__region", "by"]
    list_filter = ["status", "rule_set__year"]
    fields = [
        "rule_set",
        "rule_set_version",
        "status",
        "deputies_scored",
        "scores_replaced",
        "started_at",
        "finished_at",
        "by",
        "created_at",
        "error",
    ]
    readonly_fields = fields

    @admin.display(description=_("用时（秒）"))
    def duration(self, run):
        return "" if run.seconds is None else f"{run.seconds:.1f}"

    @admin.display(description=_("进度"))
    def progress_link(self, run):
        url = reverse("admin:evaluations_scorerun_progress", args=[run.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("查看进度"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:run_id>/progress/", view(self.progress_view), name="evaluations_scorerun_progress"),
            path(
                "<int:run_id>/progress/fragment/",
                view(self.progress_fragment),
                name="evaluations_scorerun_progress_fragment",
            ),
            *super().get_urls(),
        ]

    def _run(self, request, run_id) -> ScoreRun:
        run = get_object_or_404(self.get_queryset(request).select_related("rule_set__region"), pk=run_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        return run

    def _progress_context(self, run) -> dict:
        finished = run.status in (ScoreRun.Status.DONE, ScoreRun.Status.FAILED)
        return {
            "run": run,
            "percent": tasks.progress_of(run),
            "finished": finished,
            "scores_url": reverse("staff:scores")
            + "?"
            + urlencode({"year": run.rule_set.year, "rule_set": run.rule_set_id}),
        }

    def progress_view(self, request, run_id):
        run = self._run(request, run_id)
        context = {
            **self.admin_site.each_context(request),
            **self._progress_context(run),
            "opts": self.model._meta,
            "title": gettext("计算考评：%(rule_set)s") % {"rule_set": run.rule_set},
        }
        return TemplateResponse(request, "admin/evaluations/scorerun/progress.html", context)

    def progress_fragment(self, request, run_id):
        run = self._run(request, run_id)
        return TemplateResponse(
            request, "admin/evaluations/scorerun/progress_fragment.html", self._progress_context(run)
        )


class AttendanceInline(ScopedInline, admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["deputy", "status", "speeches"]
    # A session has hundreds of deputies: search instead of one enormous select per row.
    autocomplete_fields = ["deputy"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")


@admin.register(CongressSession)
class CongressSessionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "congress__region"
    inlines = [AttendanceInline]
    list_display = ["name", "congress", "start_date", "end_date"]
    list_select_related = ["congress__region"]
    list_filter = [("congress", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "start_date"


@admin.register(Score)
class ScoreAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "deputy__region"
    list_display = ["deputy", "rule_set", "year", "computed_total", "adjustment", "total", "grade", "warning"]
    list_select_related = ["deputy", "rule_set__region"]
    list_filter = ["year", "grade", "warning"]
    search_fields = ["deputy__name", "deputy__code"]


@admin.register(ScoreAdjustment)
class ScoreAdjustmentAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "deputy__region"
    list_display = ["deputy", "rule_set", "points", "reason", "by", "at"]
    list_select_related = ["deputy", "rule_set__region", "by"]
    list_filter = ["rule_set__year"]
    search_fields = ["deputy__name", "deputy__code", "reason"]
    date_hierarchy = "at"


@admin.register(UnitRuleSet)
class UnitRuleSetAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = [
        "region",
        "year",
        "on_time_weight",
        "satisfaction_weight",
        "promise_weight",
        "rehandle_penalty",
        "overdue_penalty",
    ]
    list_select_related = ["region"]
    list_filter = ["year"]


@admin.register(GroupYearNote)
class GroupYearNoteAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "group__region"
    list_display = ["group", "year"]
    list_select_related = ["group__region"]
    list_filter = ["year"]
    search_fields = ["group__name"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    """The record of the awards; nominations are made and decided on the staff page (services with reasons)."""

    list_display = ["year", "category", "deputy", "suggestion", "unit", "status", "region", "decided_at"]
    list_select_related = ["deputy", "suggestion", "unit", "region"]
    list_filter = ["year", "category", "status"]
    search_fields = ["deputy__name", "suggestion__title", "unit__name", "reason", "decision_reason"]
