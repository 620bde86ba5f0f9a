"""Admin of 民生实事, for corrections: projects and votes are proposed, opened and closed on the staff pages,
whose services check who may do what; the counts and the roll of who voted are read-only here."""

from django.contrib import admin

from representatives.admin import STATE_LOG_SCOPES, RegionScopedAdmin, ScopedInline

from .models import Ballot, Inspection, ProgressReport, Project, VoteCount, Voter

STATE_LOG_SCOPES[Project] = "congress__region"
STATE_LOG_SCOPES[Ballot] = "congress__region"


class ReadOnlyInline(ScopedInline):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VoteCountInline(ReadOnlyInline, admin.TabularInline):
    model = VoteCount
    fields = ["project", "choice", "count"]
    readonly_fields = ["project", "choice", "count"]
    extra = 0

    def get_queryset(self, request):
        # Sealed until the vote closes, as on the staff pages (views_staff.ballot_detail says why).
        return super().get_queryset(request).filter(ballot__status=Ballot.Status.CLOSED)


class VoterInline(ReadOnlyInline, admin.TabularInline):
    model = Voter
    fields = ["deputy", "voted_at"]
    readonly_fields = ["deputy", "voted_at"]
    extra = 0


class ProgressReportInline(ReadOnlyInline, admin.TabularInline):
    model = ProgressReport
    fields = ["date", "percent", "text", "reported_by"]
    readonly_fields = ["date", "percent", "text", "reported_by"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "congress__region"
    list_display = ["title", "year", "congress", "unit", "budget", "status", "votes_for", "rank", "satisfaction_rate"]
    list_select_related = ["congress__region", "unit"]
    list_filter = ["year", "status"]
    search_fields = ["title", "unit__name"]
    autocomplete_fields = ["unit"]
    readonly_fields = [
        "congress",
        "year",
        "status",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "rank",
        "satisfaction_rate",
        "completed_on",
        "created_by",
        "created_at",
    ]
    inlines = [ProgressReportInline]

    def has_add_permission(self, request):
        return False


@admin.register(Ballot)
class BallotAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "congress__region"
    list_display = ["title", "year", "kind", "congress", "status", "electorate", "voters", "quorum_met", "secret"]
    list_select_related = ["congress__region"]
    list_filter = ["year", "kind", "status"]
    search_fields = ["title"]
    readonly_fields = [
        "congress",
        "year",
        "kind",
        "status",
        "quorum_percent",
        "majority",
        "seats",
        "secret",
        "electorate",
        "voters",
        "quorum_met",
        "opened_at",
        "closed_at",
        "created_by",
        "created_at",
    ]
    inlines = [VoteCountInline, VoterInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A vote that has been held is a record of the session.
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Ballot.Status.DRAFT)


@admin.register(ProgressReport)
class ProgressReportAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "project__congress__region"
    list_display = ["project", "date", "percent", "reported_by"]
    list_select_related = ["project", "reported_by"]
    readonly_fields = ["project", "reported_by", "reported_at"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False


@admin.register(Inspection)
class InspectionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "project__congress__region"
    list_display = ["project", "date", "participants", "recorded_by"]
    list_select_related = ["project", "recorded_by"]
    readonly_fields = ["project", "recorded_by", "recorded_at"]
    search_fields = ["participants", "findings"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False
