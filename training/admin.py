"""Admin of training, for corrections: courses, sessions and the roster are kept on the staff pages, whose
services check who may write."""

from django.contrib import admin

from representatives.admin import RegionScopedAdmin, ScopedInline

from .models import Attendance, Course, Question, Quiz, QuizAttempt, TrainingSession


class AttendanceInline(ScopedInline, admin.TabularInline):
    model = Attendance
    fields = ["deputy", "attended", "note"]
    readonly_fields = ["deputy"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "congress__region"
    list_display = ["title", "organiser", "level", "is_induction", "congress"]
    list_select_related = ["congress__region"]
    list_filter = ["is_induction", "level"]
    search_fields = ["title", "organiser"]
    readonly_fields = ["congress", "created_by", "created_at"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "course__congress__region"
    list_display = ["course", "date", "place", "hours", "attendance_recorded"]
    list_select_related = ["course"]
    list_filter = ["attendance_recorded"]
    search_fields = ["course__title", "place"]
    readonly_fields = ["course"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]


@admin.register(Question)
class QuestionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["text", "topic", "kind", "is_active", "region"]
    list_select_related = ["region"]
    list_filter = ["kind", "is_active"]
    search_fields = ["text", "topic"]
    readonly_fields = ["region"]


@admin.register(Quiz)
class QuizAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_field = "congress__region"
    list_display = ["title", "congress", "question_count", "minutes", "attempts_allowed", "is_open"]
    list_select_related = ["congress__region"]
    list_filter = ["is_open"]
    search_fields = ["title"]
    readonly_fields = ["congress", "created_by", "created_at"]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Read-only: attempts are started, submitted and scored by the deputy's pages."""

    region_field = "quiz__congress__region"
    list_display = ["deputy", "quiz", "number", "status", "score", "started_at"]
    list_select_related = ["deputy", "quiz"]
    list_filter = ["status"]
    search_fields = ["deputy__name", "quiz__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
