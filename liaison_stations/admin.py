"""The Django admin for stations, duty days and voter opinions: office staff only, cut to their region.

The admin corrects what was typed and keeps reference data (stations, deadlines, the holiday calendar).
Workflow steps go through the staff pages and ``services``, which keep each timeline, so the fields those steps
write are read-only here and duty days and opinions are not created in the admin.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin, ImportMixin

from representatives.admin import (
    STATE_LOG_SCOPES,
    OfficeWideAdmin,
    ReadOnlyScopedAdmin,
    RegionScopedAdmin,
    ScopedInline,
    SheetImportResultMixin,
    SpreadsheetMixin,
)
from representatives.forms_import import SheetImportForm
from representatives.privacy import mask_phone

from .models import (
    DeadlineRule,
    DutyDay,
    DutyShift,
    Opinion,
    StandardCheck,
    StandardItem,
    StarRule,
    Station,
    StationMember,
    StationVisit,
    Supervision,
)
from .permissions import visiting_leaders_for
from .resources import REQUIRED_COLUMNS, StationResource, read_station_file

# Their timelines are readable in the StateLog admin by staff of the region each row belongs to.
STATE_LOG_SCOPES[Station] = "region"
STATE_LOG_SCOPES[DutyDay] = "station__region"
STATE_LOG_SCOPES[Opinion] = "region"
STATE_LOG_SCOPES[StationVisit] = "station__region"


class ReadOnlyInline(ScopedInline):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- stations -----------------------------------------------------------------------------------------


class StationImportForm(SheetImportForm):
    file_label = _("联络站文件")
    file_help = _(
        "Excel（.xlsx）或 CSV 文件，列名行（其上可以有标题行）必须包含：%(columns)s。"
        "按“区域代码 + 名称”识别联络站，重复导入同一文件会更新已有联络站而不会重复。"
        "“编入代表编号”列填写该站的全部代表编号（用顿号、逗号或分号分隔），未列出的代表会移出该站；"
        "文件中没有这一列则不改动编入代表。任何一行有错，整个文件都不会导入。"
    )
    required_columns = REQUIRED_COLUMNS
    read_file = staticmethod(read_station_file)


class StationMemberInline(ScopedInline, admin.TabularInline):
    model = StationMember
    extra = 0
    fields = ["deputy", "assigned_on"]
    autocomplete_fields = ["deputy"]


class StandardCheckFormSet(BaseInlineFormSet):
    """The station's "七有" checks, saved with the station: its star rating is held to the star rule here, where
    the rating and the checks it depends on are both being saved."""

    def clean(self):
        super().clean()
        station = self.instance
        stored = Station.objects.filter(pk=station.pk).values_list("star_rating", flat=True).first()
        # As in the staff pages' service: a rating is checked when it is set or changed.
        if station.pk is not None and station.star_rating == stored:
            return
        passed = {
            form.cleaned_data.get("item")
            for form in self.forms
            if form.cleaned_data.get("passed") and not (self.can_delete and self._should_delete_form(form))
        }
        refusal = station.star_rating_refusal(passed=len(passed - {None}))
        if refusal:
            raise ValidationError(refusal)


class StandardCheckInline(ScopedInline, admin.TabularInline):
    model = StandardCheck
    formset = StandardCheckFormSet
    extra = 0
    max_num = len(StandardItem)
    fields = ["item", "passed", "evidence", "checked_on", "checked_by"]
    readonly_fields = ["checked_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("checked_by")


@admin.register(Station)
class StationAdmin(
    RegionScopedAdmin, SheetImportResultMixin, SpreadsheetMixin, ImportMixin, ExportActionMixin, admin.ModelAdmin
):
    resource_classes = [StationResource]
    import_form_class = StationImportForm
    import_refused_message = _("联络站未导入，没有写入任何数据。原因如下：")
    import_done_message = _("联络站导入完成：新增 %(new)d 个，更新 %(update)d 个，未变化 %(skip)d 个。")
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    export_basename = _("代表联络站")
    inlines = [StationMemberInline, StandardCheckInline]
    list_display = ["name", "kind", "region", "address", "star_rating", "responsible_person", "is_active"]
    list_select_related = ["region"]
    list_filter = ["kind", "star_rating", "is_active", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "address"]
    readonly_fields = ["public_id"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not StandardCheck:
            return super().save_formset(request, form, formset, change)
        # Whoever saves a check item is the one who checked it.
        checks = formset.save(commit=False)
        for check in formset.deleted_objects:
            check.delete()
        for check in checks:
            check.checked_by = request.user
            check.save()
        formset.save_m2m()
        return None


# --- duty days ----------------------------------------------------------------------------------------


class DutyShiftInline(ScopedInline, admin.TabularInline):
    model = DutyShift
    extra = 0
    fields = ["deputy", "attended"]
    autocomplete_fields = ["deputy"]


@admin.register(DutyDay)
class DutyDayAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "station__region"
    inlines = [DutyShiftInline]
    list_display = ["date", "station", "station_region", "start_time", "end_time", "topic", "status", "voters_received"]
    list_select_related = ["station__region"]
    list_filter = ["status", ("station__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["station__name", "topic"]
    date_hierarchy = "date"
    autocomplete_fields = ["station"]
    # Planned, held and cancelled are steps on the duty day's timeline, taken on the staff pages.
    readonly_fields = ["status", "recorded_by"]

    @admin.display(description=_("所在区域"), ordering="station__region__path")
    def station_region(self, duty_day):
        return duty_day.station.region.name

    def get_queryset(self, request):
        # Its name includes the station's, in every choice that offers a duty day. The changelist then skips
        # ``list_select_related``, so the list's region comes along here too.
        return super().get_queryset(request).select_related("station__region")

    def has_add_permission(self, request):
        return False


# --- leaders' visits ----------------------------------------------------------------------------------


@admin.register(StationVisit)
class StationVisitAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Corrections only: visits are recorded on the staff pages, whose service checks who may record whose."""

    region_field = "station__region"
    list_display = ["date", "station", "station_region", "visitor", "visitor_post", "purpose"]
    list_select_related = ["station__region", "leader"]
    list_filter = [("station__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["station__name", "visitor_name", "leader__first_name", "leader__last_name", "purpose"]
    date_hierarchy = "date"
    autocomplete_fields = ["station"]
    readonly_fields = ["recorded_by", "recorded_at"]

    @admin.display(description=_("所在区域"), ordering="station__region__path")
    def station_region(self, visit):
        return visit.station.region.name

    @admin.display(description=_("来访领导"))
    def visitor(self, visit):
        return visit.visitor

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A city's leaders visit a county's stations: the choices reach above the staff member's region.
        if db_field.name == "leader":
            kwargs["queryset"] = visiting_leaders_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return False


# --- opinions -----------------------------------------------------------------------------------------

OPINION_TIMES = [
    "received_at",
    "sorted_at",
    "proposed_at",
    "assigned_at",
    "replied_at",
    "fed_back_at",
    "closed_at",
    "published_at",
]


class SupervisionInline(ReadOnlyInline, admin.TabularInline):
    model = Supervision
    extra = 0
    fields = ["at", "by", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Opinion)
class OpinionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    inlines = [SupervisionInline]
    list_display = ["received_at", "reference", "title", "status", "unit", "deadline", "masked_phone", "region"]
    list_select_related = ["unit", "region"]
    list_filter = ["status", "category", "source", "supervised", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "tracking_code"]
    date_hierarchy = "received_at"
    autocomplete_fields = ["station", "duty_day", "deputy"]

    # The tracking code is the voter's credential: searchable (a voter who phones in quotes it), never shown.
    @admin.display(description=_("意见编号"), ordering="pk")
    def reference(self, opinion):
        return opinion.reference

    # Everything a workflow step writes: changing it here would leave the timeline telling another story.
    readonly_fields = [
        "reference",
        "status",
        "merged_into",
        "proposal",
        "unit",
        "deadline",
        "deadline_provisional",
        "supervised",
        "reply",
        "rating",
        "public_summary",
        "suggestion_ref",
        *OPINION_TIMES,
    ]
    fieldsets = (
        (None, {"fields": ("reference", "status", "region", "station", "source", "duty_day", "deputy")}),
        (_("反映人"), {"fields": ("voter_name", "voter_phone")}),
        (_("意见"), {"fields": ("title", "content", "category")}),
        (
            _("办理"),
            {
                "fields": (
                    "proposal",
                    "proposal_note",
                    "unit",
                    "deadline",
                    "deadline_provisional",
                    "supervised",
                    "merged_into",
                    "reply",
                    "feedback",
                    "rating",
                    "suggestion_ref",
                    "public_summary",
                )
            },
        ),
        (_("各环节时间"), {"fields": tuple(OPINION_TIMES)}),
    )

    @admin.display(description=_("联系电话"))
    def masked_phone(self, opinion):
        # Lists are read over shoulders and screenshotted; the full number is on the opinion's own page.
        return mask_phone(opinion.voter_phone)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    """Read-only: supervision steps are taken on the opinion's staff page."""

    region_field = "opinion__region"
    list_display = ["at", "opinion", "by", "note"]
    list_select_related = ["opinion", "by"]
    search_fields = ["opinion__title", "opinion__tracking_code", "note"]
    date_hierarchy = "at"


# --- office-wide settings -----------------------------------------------------------------------------


@admin.register(StarRule)
class StarRuleAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Each office sets the rule for its region; a county may set a stricter or gentler one of its own."""

    list_display = ["region", *StarRule.STAR_FIELDS]
    list_select_related = ["region"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(OfficeWideAdmin, admin.ModelAdmin):
    list_display = ["proposal", "working_days"]
    list_editable = ["working_days"]
