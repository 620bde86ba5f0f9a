"""The Django admin for suggestions: office staff only, cut to their region, and read-mostly.

Every step of a suggestion's life goes through ``services``, which locks the row, checks who may act and
writes the timeline. The admin therefore shows the workflow records (parts, replies, ratings, supervision,
contacts) without letting anyone change them, and on a suggestion lets staff correct only what the deputy
typed. Suggestions are never added here: they come from deputies.
"""

from django.contrib import admin
from django.db.models import F, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from representatives.admin import STATE_LOG_SCOPES, ReadOnlyScopedAdmin, RegionScopedAdmin, ScopedInline

from .models import Assignment, Attachment, ContactLog, CoSigner, Evaluation, Reply, Suggestion, Supervision

STATE_LOG_SCOPES[Suggestion] = "region"

SUGGESTION_TIMES = ["created_at", "submitted_at", "registered_at", "assigned_at", "replied_at", "rated_at", "closed_at"]


class ReadOnlyInline(ScopedInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CoSignerInline(ReadOnlyInline, admin.TabularInline):
    model = CoSigner
    fields = ["deputy", "status", "invited_at", "responded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")


class AssignmentInline(ReadOnlyInline, admin.TabularInline):
    model = Assignment
    fields = ["unit", "role", "round", "status", "assigned_at", "deadline", "done_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")


class AttachmentInline(ReadOnlyInline, admin.TabularInline):
    model = Attachment
    fields = ["download", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("文件名"))
    def download(self, attachment):
        # Through the checked download view: the media URL would hand the file to anyone holding the link.
        return format_html(
            '<a href="{}">{}</a>', reverse("suggestion_attachment", args=[attachment.pk]), attachment.original_name
        )


@admin.register(Suggestion)
class SuggestionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    inlines = [CoSignerInline, AssignmentInline, AttachmentInline]
    list_display = ["number_label", "year", "title", "deputy", "category", "status", "is_key", "round", "region"]
    list_display_links = ["number_label", "title"]
    list_select_related = ["deputy", "region"]
    list_filter = ["status", "year", "category", "is_key", "period", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "deputy__name", "deputy__code", "=number"]
    date_hierarchy = "submitted_at"
    # What the deputy wrote may be corrected; everything a workflow step writes is read-only.
    readonly_fields = [
        "congress",
        "region",
        "deputy",
        "year",
        "number",
        "status",
        "refusal_reason",
        "is_key",
        "supervising_leader",
        "is_complex",
        "round",
        "source_opinion",
        *SUGGESTION_TIMES,
    ]
    fieldsets = (
        (None, {"fields": ("congress", "region", "deputy", "year", "number", "status", "round")}),
        (_("建议内容"), {"fields": ("title", "category", "period", "body")}),
        (
            _("办理"),
            {"fields": ("is_complex", "is_key", "supervising_leader", "refusal_reason", "source_opinion")},
        ),
        (_("各环节时间"), {"fields": tuple(SUGGESTION_TIMES)}),
    )

    @admin.display(description=_("编号"), ordering="number")
    def number_label(self, suggestion):
        return suggestion.number_label

    def scope_q(self, request):
        # Drafts are the deputy's own business until submitted, as on the staff pages.
        return super().scope_q(request) & ~Q(status=Suggestion.Status.DRAFT)

    def get_queryset(self, request):
        # The congress's name includes its region's, on the change page and in every choice offering one. The
        # changelist then skips ``list_select_related``, so the list's relations come along here too.
        return super().get_queryset(request).select_related("congress__region", "deputy", "region")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # A staff page opened before this correction must notice it, as after any other change.
        obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "suggestion__region"
    list_display = ["suggestion", "unit", "role", "round", "status", "assigned_at", "deadline", "done_at"]
    list_select_related = ["suggestion", "unit"]
    list_filter = ["status", "role", "round", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["suggestion__title", "unit__name"]
    date_hierarchy = "deadline"


@admin.register(Reply)
class ReplyAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "assignment__suggestion__region"
    list_display = [
        "suggestion",
        "unit",
        "reply_class",
        "replied_at",
        "promised_date",
        "promise_done_at",
        "promise_confirmed_at",
    ]
    list_select_related = ["assignment__suggestion", "assignment__unit"]
    list_filter = ["reply_class"]
    search_fields = ["assignment__suggestion__title", "assignment__unit__name", "text"]
    date_hierarchy = "replied_at"
    exclude = ["document"]
    readonly_fields = ["document_link"]

    def get_queryset(self, request):
        # The part's name is its suggestion's and its unit's, on the change page as in the list.
        return super().get_queryset(request).select_related("assignment__suggestion", "assignment__unit", "by")

    @admin.display(description=_("答复函（盖章 PDF）"))
    def document_link(self, reply):
        return format_html('<a href="{}">{}</a>', reverse("reply_document", args=[reply.pk]), _("下载"))

    @admin.display(description=_("代表建议"), ordering="assignment__suggestion__title")
    def suggestion(self, reply):
        return reply.assignment.suggestion

    @admin.display(description=_("承办单位"), ordering="assignment__unit__name")
    def unit(self, reply):
        return reply.assignment.unit


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "suggestion__region"
    list_display = ["suggestion", "round", "value", "at", "by"]
    list_select_related = ["suggestion", "by"]
    list_filter = ["value", "round"]
    search_fields = ["suggestion__title", "comment"]
    date_hierarchy = "at"


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "suggestion__region"
    list_display = ["date", "suggestion", "kind", "by", "note"]
    list_select_related = ["suggestion", "by"]
    list_filter = ["kind"]
    search_fields = ["suggestion__title", "note"]
    date_hierarchy = "date"


@admin.register(ContactLog)
class ContactLogAdmin(ReadOnlyScopedAdmin, admin.ModelAdmin):
    region_field = "assignment__suggestion__region"
    list_display = ["date", "assignment", "stage", "method", "by"]
    list_select_related = ["assignment__suggestion", "assignment__unit", "by"]
    list_filter = ["stage", "method"]
    search_fields = ["assignment__suggestion__title", "assignment__unit__name", "note"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignment__suggestion", "assignment__unit", "by")
