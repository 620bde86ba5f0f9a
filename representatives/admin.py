"""The Django admin, for office staff only, each of whom sees and edits their own region and below.

Access is decided by role and region (``permissions``), not by Django's model permissions or groups:
``RegionScopedAdmin`` grants every page to office staff and cuts every list, every foreign-key choice and
every object lookup down to the staff member's region subtree.
"""

from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from auditlog.models import LogEntry as AuditLogEntry
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.results import RowResult

from . import audit, permissions, services, workdays
from .forms_import import SheetImportForm
from .models import (
    ActivityAttachment,
    ActivityRecord,
    CalendarDay,
    CalendarYear,
    Congress,
    Deputy,
    ExportLog,
    Group,
    HandlingUnit,
    Membership,
    Region,
    Role,
    StateLog,
    User,
)
from .names import MIDDLE_DOT, fold_dots, full_name, name_contains
from .resources import (
    IMPORT_FORMATS,
    UNIT_REQUIRED_COLUMNS,
    ActivityResource,
    DeputyDirectoryResource,
    HandlingUnitResource,
    RosterResource,
    attachment_disposition,
    import_errors,
    read_unit_file,
    roster_errors,
)

# Roles an office may hand out itself; leaders and superusers are set up by a superuser.
STAFF_ASSIGNABLE_ROLES = (Role.STAFF, Role.DEPUTY, Role.UNIT_CLERK)
MAX_IMPORT_MESSAGES = 30


def _is_staff(request) -> bool:
    return permissions.is_office_staff(request.user)


class OfficeWideAdmin:
    """Settings the whole office shares (deadlines, the holiday calendar): any office staff, any region."""

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_staff(request)

    def has_add_permission(self, request):
        return _is_staff(request)

    def has_change_permission(self, request, obj=None):
        return _is_staff(request)

    def has_delete_permission(self, request, obj=None):
        return _is_staff(request)


def _scoped_choices(admin_site, db_field, request):
    """Foreign-key choices cut to the user's region when the target model is region-scoped here too."""
    try:
        related_admin = admin_site.get_model_admin(db_field.related_model)
    except admin.sites.NotRegistered:
        return None
    if isinstance(related_admin, RegionScopedAdmin):
        return related_admin.get_queryset(request)
    return None


class RegionScopedAdmin:
    """Mixin for a ``ModelAdmin``: office staff only, limited to their region subtree.

    ``region_field`` is the path from the model to the Region that decides who may see a row.
    """

    region_field = "region"

    def scope_q(self, request) -> Q:
        return permissions.region_scope_q(request.user, self.region_field)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.scope_q(request))

    def in_scope(self, request, obj) -> bool:
        if obj is None or obj.pk is None:
            return True
        # Asked several times per page (view, change, delete); one query per object is enough.
        cache = request.__dict__.setdefault("_region_scope_cache", {})
        key = (type(obj), obj.pk)
        if key not in cache:
            cache[key] = self.get_queryset(request).filter(pk=obj.pk).exists()
        return cache[key]

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_staff(request) and self.in_scope(request, obj)

    def has_add_permission(self, request):
        return _is_staff(request)

    def has_change_permission(self, request, obj=None):
        return _is_staff(request) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_staff(request) and self.in_scope(request, obj)

    def has_import_permission(self, request):
        return _is_staff(request)

    def has_export_permission(self, request):
        return _is_staff(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = _scoped_choices(self.admin_site, db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The choices above already keep staff inside their region; this catches a forged form. The admin
        # saves inside a transaction, so refusing here undoes the save.
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise PermissionDenied


class ScopedInline:
    """Inline counterpart of ``RegionScopedAdmin``: its parent object has already been scoped."""

    def has_view_permission(self, request, obj=None):
        return _is_staff(request)

    def has_add_permission(self, request, obj=None):
        return _is_staff(request)

    def has_change_permission(self, request, obj=None):
        return _is_staff(request)

    def has_delete_permission(self, request, obj=None):
        return _is_staff(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = _scoped_choices(self.admin_site, db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DottedNameSearchMixin:
    """The admin search finds a name whichever middle-dot look-alike was stored or typed (阿卜杜·艾尼)."""

    dotted_name_field = "name"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if MIDDLE_DOT in fold_dots(term):
            results |= queryset.filter(name_contains(self.dotted_name_field, term))
        return results, may_have_duplicates


class SpreadsheetMixin:
    """Import/export settings shared by the admin pages that offer them: xlsx and csv, Chinese file names."""

    export_form_class = ExportForm
    # A BOM makes Excel read a CSV as UTF-8 instead of the system code page.
    to_encoding = "utf-8-sig"
    export_basename = None

    def get_import_formats(self):
        return IMPORT_FORMATS

    def get_export_formats(self):
        return [XLSX, CSV]

    def get_export_resource_kwargs(self, request, **kwargs):
        # Who downloads decides what is masked; the changelist's filters go into the export log.
        return {
            **super().get_export_resource_kwargs(request, **kwargs),
            "user": request.user,
            "filters": request.GET.urlencode(),
        }

    def get_valid_export_item_pks(self, request):
        return self.get_queryset(request).values_list("pk", flat=True)

    def get_export_filename(self, request, queryset, file_format):
        basename = self.export_basename or self.model._meta.verbose_name_plural
        return f"{basename}-{timezone.localdate():%Y%m%d}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        # django-import-export writes the name unencoded; Chinese names need RFC 5987.
        response["Content-Disposition"] = attachment_disposition(
            self.get_export_filename(request, queryset, file_format)
        )
        return response


class SheetImportResultMixin:
    """What an admin's sheet import says once confirmed: every reason it was refused (nothing was written), or
    how many rows it added, updated and left alone. Admins set the two messages in their own words."""

    import_refused_message: str | Promise
    import_done_message: str | Promise  # with %(new)d, %(update)d and %(skip)d

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirm; the import was rolled back as a whole.
            messages.error(request, str(self.import_refused_message))
            for message in import_errors(result)[:MAX_IMPORT_MESSAGES]:
                messages.error(request, message)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            str(self.import_done_message)
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_select_related = ["parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    ordering = ["path"]

    def scope_q(self, request):
        return Q(pk__in=permissions.regions_for(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        # Descendants keep their stored path, so an existing region must not move or be renumbered.
        return ["code", "level", "parent"] if obj is not None else []

    def _is_own_region(self, request, obj):
        return obj is not None and not request.user.is_superuser and obj.pk == request.user.region_id

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._is_own_region(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_own_region(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "parent" in form.base_fields and not request.user.is_superuser:
            # Without a parent a new region would sit outside every office's scope, the creator's too.
            form.base_fields["parent"].required = True
        return form


class UnitImportForm(SheetImportForm):
    file_label = _("承办单位文件")
    file_help = _(
        "Excel（.xlsx）或 CSV 文件，列名行（其上可以有标题行）必须包含：%(columns)s。"
        "按“区域代码 + 名称”识别承办单位，重复导入同一文件会更新已有单位而不会重复。"
        "任何一行有错，整个文件都不会导入。"
    )
    required_columns = UNIT_REQUIRED_COLUMNS
    read_file = staticmethod(read_unit_file)


@admin.register(HandlingUnit)
class HandlingUnitAdmin(
    RegionScopedAdmin, SheetImportResultMixin, SpreadsheetMixin, ImportMixin, ExportActionMixin, admin.ModelAdmin
):
    resource_classes = [HandlingUnitResource]
    import_form_class = UnitImportForm
    import_refused_message = _("承办单位未导入，没有写入任何数据。原因如下：")
    import_done_message = _("承办单位导入完成：新增 %(new)d 个，更新 %(update)d 个，未变化 %(skip)d 个。")
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    export_basename = _("承办单位")
    list_display = ["name", "kind", "region", "contact_person", "contact_phone", "is_active"]
    list_select_related = ["region"]
    list_filter = ["kind", "is_active", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "contact_person"]


@admin.register(User)
class UserAdmin(RegionScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "region", "deputy", "unit", "is_active", "last_login"]
    list_select_related = ["region", "deputy", "unit"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "deputy__name", "unit__name"]
    autocomplete_fields = ["deputy"]
    readonly_fields = ["is_staff", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "email")}),
        (_("角色与管辖范围"), {"fields": ("role", "region", "deputy", "unit")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    superuser_fieldsets = ((_("超级用户权限"), {"fields": ("is_superuser", "groups", "user_permissions")}),)
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("角色与管辖范围"), {"classes": ("wide",), "fields": ("role", "region", "deputy", "unit")}),
    )

    @admin.display(description=_("姓名"), ordering="last_name")
    def full_name(self, user):
        return full_name(user)

    def scope_q(self, request):
        user = request.user
        if user.is_superuser:
            return Q()
        # Deputies and unit clerks have no region of their own: they are placed by their deputy or unit.
        return (
            permissions.region_scope_q(user, "region")
            | permissions.region_scope_q(user, "deputy__region")
            | permissions.region_scope_q(user, "unit__region")
        ) & Q(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = fieldsets + self.superuser_fieldsets
        return fieldsets

    def _staff_may_manage(self, request, obj):
        return obj is None or request.user.is_superuser or obj.role in STAFF_ASSIGNABLE_ROLES

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._staff_may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, not deleted, so that their history keeps a name.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(role.value, role.label) for role in STAFF_ASSIGNABLE_ROLES]
            kwargs["required"] = True
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Congress)
class CongressAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "code", "level", "term_number", "start_date", "end_date"]
    list_select_related = ["region"]
    list_filter = ["level", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "region__name"]
    date_hierarchy = "start_date"

    def get_queryset(self, request):
        # Its name includes the region's, in lists and in every choice that offers a congress.
        return super().get_queryset(request).select_related("region")


@admin.register(Group)
class GroupAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "congress"]
    list_select_related = ["region", "congress__region"]
    list_filter = ["kind", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]


class MembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["congress", "district", "election", "representative_group", "professional_group", "status", "status_date"]


@admin.register(Deputy)
class DeputyAdmin(DottedNameSearchMixin, RegionScopedAdmin, SpreadsheetMixin, ExportActionMixin, admin.ModelAdmin):
    resource_classes = [DeputyDirectoryResource]
    export_basename = _("代表通讯录")
    inlines = [MembershipInline]
    list_display = ["name", "code", "gender", "region", "work_unit", "post", "phone"]
    list_select_related = ["region"]
    list_filter = ["gender", "memberships__status", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code", "work_unit", "phone", "id_number"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("code", "name", "gender", "ethnicity", "birth_date", "party", "photo")}),
        (_("工作与区域"), {"fields": ("region", "work_unit", "post")}),
        (_("联系方式"), {"fields": ("phone", "phone_public", "email")}),
        (_("个人信息（不公开）"), {"fields": ("id_number", "home_address")}),
        (_("记录"), {"fields": ("public_id", "created_at", "updated_at")}),
    )


@admin.register(Membership)
class MembershipAdmin(
    DottedNameSearchMixin, RegionScopedAdmin, SpreadsheetMixin, ImportMixin, ExportActionMixin, admin.ModelAdmin
):
    region_field = "deputy__region"
    dotted_name_field = "deputy__name"
    resource_classes = [RosterResource]
    import_form_class = SheetImportForm
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    export_basename = _("代表名册")
    list_display = [
        "deputy",
        "deputy_code",
        "congress",
        "district",
        "election",
        "representative_group",
        "professional_group",
        "status",
        "status_date",
    ]
    list_select_related = ["deputy", "congress__region", "representative_group", "professional_group"]
    list_filter = [
        "status",
        "election",
        ("congress", admin.RelatedOnlyFieldListFilter),
        ("deputy__region", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["deputy__name", "deputy__code", "district"]
    autocomplete_fields = ["deputy"]

    @admin.display(description=_("代表编号"), ordering="deputy__code")
    def deputy_code(self, membership):
        return membership.deputy.code

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirm; the import was rolled back as a whole.
            messages.error(request, gettext("名册未导入，没有写入任何数据。原因如下："))
            for message in roster_errors(result)[:MAX_IMPORT_MESSAGES]:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("admin:representatives_membership_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            gettext("名册导入完成：新增 %(new)d 条，更新 %(update)d 条，未变化 %(skip)d 条。")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )


class ActivityAttachmentInline(ScopedInline, admin.TabularInline):
    model = ActivityAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityRecord)
class ActivityRecordAdmin(
    DottedNameSearchMixin, RegionScopedAdmin, SpreadsheetMixin, ExportActionMixin, admin.ModelAdmin
):
    """Read-only: records change only through the confirm/return workflow, which keeps their timeline."""

    region_field = "deputy__region"
    dotted_name_field = "deputy__name"
    resource_classes = [ActivityResource]
    export_basename = _("履职记录")
    inlines = [ActivityAttachmentInline]
    list_display = ["deputy", "kind", "date", "place", "status", "reviewed_by", "reviewed_at", "created_at"]
    list_select_related = ["deputy", "reviewed_by"]
    list_filter = ["status", "kind", ("deputy__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["deputy__name", "deputy__code", "place", "description"]
    date_hierarchy = "date"
    actions = ["confirm_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    @admin.action(description=_("确认所选的待确认履职记录"))
    def confirm_selected(self, request, queryset):
        confirmed = refused = 0
        for record in queryset:
            if record.status != ActivityRecord.Status.PENDING:
                refused += 1
                continue
            try:
                services.activity_confirm(record=record, by=request.user)
            except services.TransitionError:
                refused += 1
            else:
                confirmed += 1
        if confirmed:
            self.message_user(
                request,
                ngettext("已确认 %(count)d 条履职记录。", "已确认 %(count)d 条履职记录。", confirmed)
                % {"count": confirmed},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d 条记录不是待确认状态或无权审核，未予确认。",
                    "%(count)d 条记录不是待确认状态或无权审核，未予确认。",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )


# --- audit trail: read-only for everyone, superusers included ----------------------------------------------


class ReadOnlyScopedAdmin(RegionScopedAdmin):
    """Records that only the application writes (workflow steps, results): the region's staff list and open
    them; nobody adds, edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAuditAdmin(ReadOnlyScopedAdmin):
    """History: read-only for everyone, superusers included, and without bulk actions."""

    def get_actions(self, request):
        return {}


# Workflow models whose timeline staff may read, and the path from each to the Region that scopes it.
# Apps with their own workflows add their models here.
STATE_LOG_SCOPES = {
    ActivityRecord: "deputy__region",
    Membership: "deputy__region",
}


@admin.register(StateLog)
class StateLogAdmin(ReadOnlyAuditAdmin, admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "from_state", "to_state", "actor", "note"]
    list_select_related = ["content_type", "actor"]
    list_filter = ["content_type", "to_state"]
    date_hierarchy = "at"

    def scope_q(self, request):
        user = request.user
        if user.is_superuser:
            return Q()
        scope = Q(pk__in=[])
        for model, region_field in STATE_LOG_SCOPES.items():
            visible = model.objects.filter(permissions.region_scope_q(user, region_field)).values("pk")
            scope |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=visible)
        return scope


admin.site.unregister(AuditLogEntry)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnlyAuditAdmin, AuditlogLogEntryAdmin):
    """auditlog's history pages, cut to the region each row was written for (``audit.REGION_KEY``).

    The region's path is stored on the row when it is written, so a deleted record's history stays visible
    to its office; rows of records without a region are for superusers.
    """

    def scope_q(self, request):
        user = request.user
        if user.is_superuser:
            return Q()
        if not permissions.is_office_staff(user) or not user.region_id:
            return Q(pk__in=[])
        return Q(**{f"additional_data__{audit.REGION_KEY}__startswith": user.region.path})


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAuditAdmin, admin.ModelAdmin):
    list_display = ["at", "user", "export", "rows", "personal_rows", "filters", "region"]
    list_select_related = ["user", "region"]
    list_filter = ["export"]
    search_fields = ["user__username", "user__last_name", "export", "filters"]
    date_hierarchy = "at"


# --- the holiday calendar (working-day deadlines, workdays.py) ---------------------------------------------


@admin.register(CalendarDay)
class CalendarDayAdmin(OfficeWideAdmin, admin.ModelAdmin):
    list_display = ["date", "holiday", "is_workday"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"

    @admin.display(description=_("名称"), ordering="name")
    def holiday(self, day):
        return day.display_name


@admin.register(CalendarYear)
class CalendarYearAdmin(OfficeWideAdmin, admin.ModelAdmin):
    """Adding a year says its schedule is complete: deadlines counted without it are then recomputed."""

    list_display = ["year", "source", "published_at"]
    readonly_fields = ["published_at"]
    actions = ["recompute_deadlines"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "year" in form.base_fields:
            form.base_fields["year"].help_text = _(
                "请先在“节假日与调休”中录入这一年全部的放假日和调休上班日，再添加年份。"
                "添加后，落在这一年的待定办理期限会按新的安排重新计算。"
            )
        return form

    def has_delete_permission(self, request, obj=None):
        # Removing a year does not make its deadlines provisional again, so it is not an everyday correction.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self._recompute(request, [obj.year])

    @admin.action(description=_("按所选年份的节假日安排重新计算待定办理期限"))
    def recompute_deadlines(self, request, queryset):
        self._recompute(request, sorted(queryset.values_list("year", flat=True)))

    def _recompute(self, request, years):
        count = sum(recompute(year) for year in years for recompute in workdays.deadline_recomputers)
        self.message_user(
            request,
            ngettext("已重新计算 %(count)d 个办理期限。", "已重新计算 %(count)d 个办理期限。", count)
            % {"count": count},
            messages.SUCCESS,
        )
        known = set(CalendarDay.objects.filter(date__year__in=years).values_list("date__year", flat=True).distinct())
        for year in years:
            if year not in known:
                self.message_user(
                    request,
                    gettext("%(year)d 年还没有录入任何放假日或调休上班日，期限只按周末计算。") % {"year": year},
                    messages.WARNING,
                )
