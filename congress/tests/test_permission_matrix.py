"""Every URL pattern of the project, for every role, against its own objects and someone else's.

The table below names each pattern once. A pattern the walk finds without an entry fails
``test_every_pattern_has_an_entry``; an entry whose pattern is gone fails ``test_no_entry_for_a_missing_pattern``.
The Django admin is generated from ``admin.site._registry``, so a new model admin is covered without an entry.

Outcomes: ``allow`` is a 2xx, or a 3xx that does not lead to a login page; ``login`` is the redirect to the
site's login page; ``admin_login`` the redirect to the admin's; ``denied`` is 403 or 404 (refused on the role,
before anything is looked up); ``not_found`` is exactly 404 (someone else's object looks like a missing one);
``hidden`` is a 404 or a redirect that is not to the object. No refused response may contain a marker of
either side, and an allowed one may contain only markers of the sides its role covers.
"""

import json
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from congress.testing.matrix import COVERS, PRIVATE, ROLES, SCOPED, SIDES, all_routes, build_world, leaked_markers
from representatives.admin import RegionScopedAdmin

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
READERS = frozenset({"staff_a", "staff_b", "leader", "superuser"})
OFFICE = frozenset({"staff_a", "staff_b", "superuser"})
DEPUTY = frozenset({"deputy"})
CLERK = frozenset({"clerk"})

# Who may see each side's object, among the roles that pass the gate.
READ_SCOPE = {"A": {"staff_a", "leader", "superuser"}, "B": {"staff_b", "superuser"}}
OFFICE_SCOPE = {"A": {"staff_a", "superuser"}, "B": {"staff_b", "superuser"}}
DEPUTY_SCOPE = {"A": {"deputy"}, "B": set()}
CLERK_SCOPE = {"A": {"clerk"}, "B": set()}
PUBLIC_SCOPE = {"A": set(EVERYONE), "B": set(EVERYONE)}
NOBODY = {"A": set(), "B": set()}
# A deputy's records and files: the deputy and the region's readers.
DEPUTY_FILE_SCOPE = {"A": {"deputy", "staff_a", "leader", "superuser"}, "B": {"staff_b", "superuser"}}
# A suggestion's files: its author, the unit it was assigned to, the region's readers.
SUGGESTION_FILE_SCOPE = {"A": {"deputy", "clerk", "staff_a", "leader", "superuser"}, "B": {"staff_b", "superuser"}}
# A background export's page and file: the staff member who asked for it, nobody else.
EXPORT_JOB_SCOPE = {"A": {"staff_a"}, "B": {"staff_b"}}


@dataclass(frozen=True)
class Case:
    gate: frozenset
    scope: dict | None = None
    kwargs: object = None  # callable(world, side) -> dict
    method: str = "get"
    data: object = None  # dict, or callable(world, side) -> dict
    query: object = ""  # a query string, or callable(world, side) -> one naming that side's object
    refused: str = "denied"  # outcome for a signed-in role outside the gate
    anonymous: str = "login"  # outcome for anonymous when outside the gate
    public: bool = False  # names may show on these pages (only private markers are checked)
    label: str = ""
    admin: bool = False  # an admin page: roles that may not enter the admin are sent to its login
    lands: object = None  # role -> the URL name an allowed redirect must lead to


def pk(attr):
    return lambda world, side: {"pk": getattr(world[side], attr).pk}


def owned_pk(label):
    return lambda world, side: {"pk": world[side].owned[label].pk}


def public_id(attr):
    return lambda world, side: {"public_id": getattr(world[side], attr).public_id}


def with_pk(attr, **more):
    def build(world, side):
        values = {"pk": getattr(world[side], attr).pk}
        for name, value in more.items():
            values[name] = value(world, side) if callable(value) else value
        return values

    return build


def year(world, side):
    return world.year


def rule_set_query(world, side):
    return f"year={world.year}&rule_set={world[side].rule_set.pk}"


def year_kwargs(world, side):
    return {"year": world.year}


def public(**kw):
    return Case(gate=EVERYONE, public=True, **kw)


def deputy_page(**kw):
    return Case(gate=DEPUTY, **kw)


def reader_page(**kw):
    return Case(gate=READERS, **kw)


def office_page(**kw):
    return Case(gate=OFFICE, **kw)


def unit_page(**kw):
    return Case(gate=CLERK, **kw)


def admin_page(gate=OFFICE, **kw):
    return Case(gate=gate, admin=True, **kw)


TABLE = {
    # The start page sends each signed-in role to its own part of the site.
    "home": public(
        lands={
            "deputy": "me:home",
            "clerk": "unit:home",
            "staff_a": "staff:home",
            "staff_b": "staff:home",
            "leader": "staff:home",
            "superuser": "staff:home",
        }
    ),
    "set_language": public(method="post", data={"language": "en", "next": "/"}),
    # The site's icon, asked of the root by every new browser: a redirect to the static file for everyone.
    "favicon": public(),
    # The admin site itself; the per-model pages come from the registry below.
    "admin:index": admin_page(),
    "admin:login": public(),
    "admin:logout": public(method="post"),
    "admin:password_change": admin_page(),
    "admin:password_change_done": admin_page(),
    "admin:autocomplete": admin_page(query="app_label=representatives&model_name=user&field_name=deputy&term=代表"),
    "admin:jsi18n": admin_page(),
    # No model has a public page, so "view on site" finds nothing for anyone.
    "admin:view_on_site": admin_page(
        scope=NOBODY,
        kwargs=lambda world, side: {
            "content_type_id": world.content_type_ids["deputy"],
            "object_id": world[side].deputy.pk,
        },
    ),
    "admin:app_list": admin_page(kwargs=lambda world, side: {"app_label": "representatives"}),
    "admin/(?P<url>.*)$": Case(
        gate=frozenset(), refused="hidden", anonymous="hidden", kwargs=lambda w, s: {"url": "no-such-page/"}
    ),
    "admin:auth_user_password_change": admin_page(
        scope=OFFICE_SCOPE, kwargs=lambda world, side: {"id": world[side].clerk.pk}
    ),
    "admin:representatives_handlingunit_import": admin_page(),
    "admin:representatives_handlingunit_process_import": admin_page(method="post"),
    "admin:representatives_handlingunit_export": admin_page(),
    "admin:representatives_deputy_export": admin_page(),
    "admin:representatives_membership_import": admin_page(),
    "admin:representatives_membership_process_import": admin_page(method="post"),
    "admin:representatives_membership_export": admin_page(),
    "admin:representatives_activityrecord_export": admin_page(),
    "admin:liaison_stations_station_import": admin_page(),
    "admin:liaison_stations_station_process_import": admin_page(method="post"),
    "admin:liaison_stations_station_export": admin_page(),
    "admin:otp_totp_totpdevice_config": admin_page(
        gate=frozenset({"superuser"}), kwargs=lambda world, side: {"pk": world.totp_device_id}
    ),
    "admin:otp_totp_totpdevice_qrcode": admin_page(
        gate=frozenset({"superuser"}), kwargs=lambda world, side: {"pk": world.totp_device_id}
    ),
    "admin:evaluations_scorerun_progress": admin_page(
        scope=OFFICE_SCOPE, kwargs=lambda world, side: {"run_id": world[side].score_run.pk}
    ),
    "admin:evaluations_scorerun_progress_fragment": admin_page(
        scope=OFFICE_SCOPE, kwargs=lambda world, side: {"run_id": world[side].score_run.pk}
    ),
    # Accounts and private files.
    "security:otp_setup": reader_page(),
    "security:otp_verify": reader_page(),
    "login": public(),
    "logout": public(method="post"),
    "password_change": Case(gate=SIGNED_IN),
    "password_change_done": Case(gate=SIGNED_IN),
    "inbox": Case(gate=SIGNED_IN),
    "inbox_read": Case(gate=SIGNED_IN, method="post", data=lambda world, side: {"id": [1, 2, 3]}),
    "notice_settings": Case(gate=SIGNED_IN),
    "activity_attachment": Case(
        gate=SIGNED_IN, scope=DEPUTY_FILE_SCOPE, kwargs=pk("activity_attachment"), anonymous="not_found"
    ),
    "suggestion_attachment": Case(
        gate=SIGNED_IN, scope=SUGGESTION_FILE_SCOPE, kwargs=pk("suggestion_attachment"), anonymous="not_found"
    ),
    "reply_document": Case(gate=SIGNED_IN, scope=SUGGESTION_FILE_SCOPE, kwargs=pk("reply"), anonymous="not_found"),
    # A deputy's own pages.
    "me:home": deputy_page(),
    "me:activity_new": deputy_page(),
    "me:activity": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("activity")),
    "me:activity_edit": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("activity")),
    # The installable app's manifest and service worker hold nothing personal: anyone may fetch them.
    "me:manifest": public(),
    "me:service_worker": public(),
    "me:duty_days": deputy_page(),
    "me:duty_day": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("duty_day")),
    "me:opinions": deputy_page(),
    "me:opinion_new": deputy_page(),
    "me:opinion": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("opinion")),
    # Opening voters' rating of a report: the research record is refused with a message, on the deputy's own side.
    "me:report_rating_open": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("activity"), method="post"),
    "staff:report_rating_open": office_page(scope=OFFICE_SCOPE, kwargs=pk("activity"), method="post"),
    "me:messages": deputy_page(),
    "me:message": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("message")),
    # An empty form: the deputy's own message answers with the form again, anyone else's is missing.
    "me:message_answer": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("message"), method="post", data={}),
    "me:message_pass": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("message"), method="post", data={}),
    "me:suggestions": deputy_page(),
    "me:suggestion_new": deputy_page(),
    "me:suggestion": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("suggestion")),
    "me:suggestion_edit": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("suggestion")),
    "me:suggestion_action": deputy_page(
        scope=DEPUTY_SCOPE, kwargs=with_pk("suggestion", action="rate"), method="post", data={"value": "satisfied"}
    ),
    "me:cosign_respond": deputy_page(scope=DEPUTY_SCOPE, kwargs=with_pk("cosigner", answer="accept"), method="post"),
    "me:file": deputy_page(),
    "me:file_year": deputy_page(kwargs=lambda world, side: {"year": world.year}),
    # The term report: the deputy's own seats only; another side's congress is one they hold no seat in.
    "me:term_report": deputy_page(),
    "me:term_report_congress": deputy_page(
        scope=DEPUTY_SCOPE, kwargs=lambda world, side: {"congress": world[side].congress.pk}
    ),
    # Office staff and leaders.
    "staff:home": reader_page(),
    "staff:directory": [
        reader_page(),
        # The export is the same list as a file: another region's deputies must not ride along.
        reader_page(label="export", query="export=csv"),
        # The import-ready roster carries ID numbers and addresses in full: office staff only, their region's.
        office_page(label="roster", query="export=roster_csv"),
    ],
    "staff:deputy": reader_page(scope=READ_SCOPE, kwargs=pk("deputy")),
    "staff:activities": [reader_page(), reader_page(label="export", query="export=csv")],
    # The search behind the long pick lists: any signed-in user may ask, each finds only the rows they may choose
    # (core/tests/test_autocomplete.py holds the scope).
    "staff:autocomplete": Case(gate=SIGNED_IN, kwargs=lambda world, side: {"source": "units"}),
    "staff:export_job": Case(gate=SIGNED_IN, scope=EXPORT_JOB_SCOPE, kwargs=pk("export_job")),
    "staff:export_job_status": Case(gate=SIGNED_IN, scope=EXPORT_JOB_SCOPE, kwargs=pk("export_job")),
    "staff:export_job_file": Case(gate=SIGNED_IN, scope=EXPORT_JOB_SCOPE, kwargs=pk("export_job")),
    "staff:activity": reader_page(scope=READ_SCOPE, kwargs=pk("activity")),
    "staff:activity_confirm": office_page(scope=OFFICE_SCOPE, kwargs=pk("activity"), method="post"),
    # Bulk review: staff only; another region's ticked record is not in the reviewer's list (views_bulk).
    "staff:activity_bulk": office_page(
        method="post",
        data=lambda world, side: {"action": "confirm", "scope": "selected", "id": [world["A"].activity.pk]},
    ),
    "staff:activity_return": office_page(
        scope=OFFICE_SCOPE, kwargs=pk("activity"), method="post", data={"reason": "请补充照片"}
    ),
    "staff:stations": reader_page(),
    "staff:station_new": office_page(),
    "staff:station_statistics": [
        reader_page(),
        reader_page(label="region", query=lambda world, side: f"region={world[side].county.pk}"),
    ],
    # The deputies the statistics count as assigned to stations: a region outside the reader's lists nothing.
    "staff:station_deputies": [
        reader_page(),
        reader_page(label="region", query=lambda world, side: f"region={world[side].county.pk}&own=on"),
    ],
    "staff:station": reader_page(scope=READ_SCOPE, kwargs=pk("station")),
    # Leaders' visits: the region's readers read them; staff record anyone's, a leader their own (the new page);
    # corrections and removals are the staff's. A region outside the reader's lists nothing, not everything.
    "staff:station_visits": [
        reader_page(),
        reader_page(label="export", query="export=xlsx"),
        reader_page(label="year", query=lambda world, side: f"year={world.year}&region={world[side].county.pk}"),
    ],
    "staff:station_visit_new": reader_page(),
    "staff:station_visit": reader_page(scope=READ_SCOPE, kwargs=pk("visit")),
    "staff:station_visit_edit": office_page(scope=OFFICE_SCOPE, kwargs=pk("visit")),
    "staff:station_visit_delete": office_page(scope=OFFICE_SCOPE, kwargs=pk("visit"), method="post"),
    "staff:station_edit": office_page(scope=OFFICE_SCOPE, kwargs=pk("station")),
    "staff:station_checks": office_page(scope=OFFICE_SCOPE, kwargs=pk("station")),
    "staff:station_assign": office_page(scope=OFFICE_SCOPE, kwargs=pk("station"), method="post"),
    "staff:station_remove_deputy": office_page(
        scope=OFFICE_SCOPE,
        kwargs=with_pk("station", deputy_pk=lambda world, side: world[side].deputy.pk),
        method="post",
    ),
    "staff:duty_days": reader_page(),
    "staff:duty_day_new": office_page(),
    "staff:duty_day": reader_page(scope=READ_SCOPE, kwargs=pk("duty_day")),
    "staff:duty_day_record": office_page(scope=OFFICE_SCOPE, kwargs=pk("duty_day"), method="post"),
    "staff:duty_day_cancel": office_page(
        scope=OFFICE_SCOPE, kwargs=pk("duty_day"), method="post", data={"reason": "暴雨"}
    ),
    "staff:duty_day_opinion_new": office_page(scope=OFFICE_SCOPE, kwargs=pk("duty_day")),
    "staff:opinions": reader_page(),
    "staff:opinion": reader_page(scope=READ_SCOPE, kwargs=pk("opinion")),
    "staff:opinion_action": office_page(
        scope=OFFICE_SCOPE,
        kwargs=with_pk("opinion", action="supervise"),
        method="post",
        data={"supervise-note": "请加快办理"},
    ),
    "staff:suggestions": reader_page(),
    "staff:suggestions_overdue": reader_page(),
    "staff:suggestion": reader_page(scope=READ_SCOPE, kwargs=pk("suggestion")),
    # Key suggestions (重点督办) and 二次验收: the region's readers; another region's suggestion is not found.
    "staff:key_suggestions": reader_page(),
    "staff:suggestion_acceptance": reader_page(scope=READ_SCOPE, kwargs=pk("suggestion")),
    "staff:suggestion_action": [
        office_page(
            label="register", scope=OFFICE_SCOPE, kwargs=with_pk("suggestion", action="register"), method="post"
        ),
        # Leaders may record supervision of their region's suggestions: that step alone is open to them.
        reader_page(
            label="supervise", scope=READ_SCOPE, kwargs=with_pk("suggestion", action="supervise"), method="post"
        ),
    ],
    "staff:deputy_file": reader_page(scope=READ_SCOPE, kwargs=with_pk("deputy", year=year)),
    "staff:deputy_term": reader_page(scope=READ_SCOPE, kwargs=pk("deputy")),
    "staff:deputy_term_congress": reader_page(
        scope=READ_SCOPE, kwargs=with_pk("deputy", congress=lambda world, side: world[side].congress.pk)
    ),
    "staff:terms_ending": reader_page(),
    # The awards (三优三先): readers see their region's nominations; office staff nominate and decide.
    "staff:awards": reader_page(),
    "staff:awards_nominate": office_page(
        scope=OFFICE_SCOPE,
        method="post",
        data=lambda world, side: {
            "year": world.year,
            "category": "unit",
            "nominee": world[side].unit.pk,
            "reason": "好",
        },
    ),
    "staff:nomination_step": reader_page(
        scope=READ_SCOPE,
        kwargs=lambda world, side: {"pk": world[side].nomination.pk, "step": "award"},
        method="post",
        data={"reason": "好"},
    ),
    "public:awards": public(),
    "staff:scores": [
        reader_page(),
        # Another office's rule set in the query falls back to one of the reader's own.
        reader_page(label="rule_set", query=rule_set_query),
    ],
    "staff:score_adjust": office_page(scope=OFFICE_SCOPE, kwargs=pk("score")),
    "staff:unit_assessment": reader_page(),
    "staff:groups": [
        reader_page(),
        reader_page(label="region", query=lambda world, side: f"region={world[side].county.pk}&year={world.year}"),
    ],
    "staff:group_note": office_page(scope=OFFICE_SCOPE, kwargs=with_pk("group", year=year)),
    "staff:dashboard": [
        reader_page(),
        # A region outside the reader's is "not found", like any other record.
        reader_page(label="region", scope=READ_SCOPE, query=lambda world, side: f"region={world[side].county.pk}"),
    ],
    "staff:year_report": [
        reader_page(kwargs=year_kwargs),
        reader_page(
            label="region",
            scope=READ_SCOPE,
            kwargs=year_kwargs,
            query=lambda world, side: f"region={world[side].county.pk}",
        ),
    ],
    # 民生实事: the region's readers read projects, votes and who voted; office staff manage them; a leader's
    # step is refused on the role. Another region's rows are not found; its voters filter lists nothing.
    "staff:livelihood_projects": [
        reader_page(),
        reader_page(label="export", query="export=xlsx"),
        reader_page(label="year", query=lambda world, side: f"year={world.year}&region={world[side].county.pk}"),
    ],
    "staff:livelihood_project_new": office_page(),
    "staff:livelihood_project": reader_page(scope=READ_SCOPE, kwargs=pk("lh_project")),
    "staff:livelihood_project_edit": office_page(scope=OFFICE_SCOPE, kwargs=pk("lh_project")),
    "staff:livelihood_project_action": office_page(
        scope=OFFICE_SCOPE,
        kwargs=with_pk("lh_project", action="complete"),
        method="post",
        data={"complete-date": "2025-12-01"},
    ),
    "staff:livelihood_ballots": reader_page(),
    "staff:livelihood_ballot_new": office_page(),
    "staff:livelihood_ballot": [
        reader_page(scope=READ_SCOPE, kwargs=pk("lh_ballot")),
        reader_page(label="export", scope=READ_SCOPE, kwargs=pk("lh_ballot"), query="export=xlsx"),
    ],
    "staff:livelihood_ballot_edit": office_page(scope=OFFICE_SCOPE, kwargs=pk("lh_ballot")),
    # Closing a closed vote: the office is told why (a redirect), anyone else refused.
    "staff:livelihood_ballot_action": office_page(
        scope=OFFICE_SCOPE, kwargs=with_pk("lh_ballot", action="close"), method="post"
    ),
    "staff:livelihood_voters": [
        reader_page(),
        reader_page(label="ballot", query=lambda world, side: f"ballot={world[side].lh_ballot.pk}"),
    ],
    # Training: the region's readers read courses, sessions and induction coverage; office staff of the course's
    # region create courses, schedule sessions and mark attendance. Another region's rows are not found.
    "staff:training_courses": reader_page(),
    "staff:training_course_new": office_page(),
    "staff:training_course": [
        reader_page(scope=READ_SCOPE, kwargs=owned_pk("training.Course")),
        office_page(
            label="schedule",
            scope=OFFICE_SCOPE,
            kwargs=owned_pk("training.Course"),
            method="post",
            data={"date": "2025-05-01", "place": "会议室", "hours": "2"},
        ),
    ],
    "staff:training_session": [
        reader_page(scope=READ_SCOPE, kwargs=owned_pk("training.TrainingSession")),
        office_page(
            label="record",
            scope=OFFICE_SCOPE,
            kwargs=owned_pk("training.TrainingSession"),
            method="post",
            data=lambda world, side: {"present": [world[side].deputy.pk]},
        ),
    ],
    "staff:training_induction": reader_page(),
    "staff:training_sessions": reader_page(),
    "staff:training_attendances": reader_page(),
    # The question bank and quizzes: readers read questions, quizzes and results; office staff keep the bank
    # and set quizzes. A deputy sees open quizzes of their congress and only their own attempts.
    "staff:training_questions": reader_page(),
    "staff:training_question_new": office_page(),
    "staff:training_question": office_page(scope=OFFICE_SCOPE, kwargs=owned_pk("training.Question")),
    "staff:training_quizzes": reader_page(),
    "staff:training_quiz_new": office_page(),
    "staff:training_quiz": reader_page(scope=READ_SCOPE, kwargs=owned_pk("training.Quiz")),
    "staff:training_attempts": reader_page(),
    "me:training": deputy_page(),
    "me:training_quiz_start": deputy_page(scope=DEPUTY_SCOPE, kwargs=owned_pk("training.Quiz"), method="post"),
    "me:training_attempt": deputy_page(scope=DEPUTY_SCOPE, kwargs=owned_pk("training.QuizAttempt")),
    # A deputy's ballots and projects are those of their congress; a second paper is refused with a message.
    "me:livelihood": deputy_page(),
    "me:livelihood_ballot": [
        deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("lh_ballot")),
        deputy_page(label="vote", scope=DEPUTY_SCOPE, kwargs=pk("lh_ballot"), method="post"),
    ],
    "me:livelihood_project": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("lh_project")),
    "unit:livelihood_projects": unit_page(),
    "unit:livelihood_project": unit_page(scope=CLERK_SCOPE, kwargs=pk("lh_project")),
    # 议案: the deputy's own (and those they are invited to second), the region's readers; staff act.
    "me:motions": deputy_page(),
    "me:motion_new": deputy_page(),
    "me:motion": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("motion")),
    "me:motion_edit": deputy_page(scope=DEPUTY_SCOPE, kwargs=pk("motion")),
    "me:motion_action": deputy_page(
        scope=DEPUTY_SCOPE, kwargs=with_pk("motion", action="submit"), method="post", data={"version": 0}
    ),
    "me:motion_cosign": deputy_page(
        scope=DEPUTY_SCOPE, kwargs=with_pk("motion_cosigner", answer="accept"), method="post"
    ),
    "staff:motions": reader_page(),
    "staff:motion": reader_page(scope=READ_SCOPE, kwargs=pk("motion")),
    "staff:motion_action": office_page(
        scope=OFFICE_SCOPE, kwargs=with_pk("motion", action="register"), method="post", data={"version": 0}
    ),
    "staff:motion_rules": office_page(),
    # Decided motions are published: anyone reads them, a motion still before the presidium is not found.
    "public:motions": public(),
    "public:motion": public(scope=PUBLIC_SCOPE, kwargs=pk("public_motion")),
    "public:livelihood": public(),
    "public:livelihood_ballot": public(scope=PUBLIC_SCOPE, kwargs=pk("lh_ballot")),
    "public:livelihood_project": public(scope=PUBLIC_SCOPE, kwargs=pk("lh_project")),
    # Handling-unit clerks.
    "unit:home": unit_page(),
    "unit:opinions": unit_page(),
    "unit:opinion": unit_page(scope=CLERK_SCOPE, kwargs=pk("opinion")),
    "unit:suggestions": unit_page(),
    "unit:suggestion": unit_page(scope=CLERK_SCOPE, kwargs=pk("suggestion")),
    "unit:suggestion_action": unit_page(
        scope=CLERK_SCOPE, kwargs=with_pk("suggestion", action="contact"), method="post"
    ),
    # Public pages: deputies' and stations' public faces, for everyone, on both sides.
    "public:directory": public(),
    "public:deputy": public(scope=PUBLIC_SCOPE, kwargs=public_id("deputy")),
    "public:deputy_qr": public(scope=PUBLIC_SCOPE, kwargs=public_id("deputy")),
    "public:deputy_card": public(scope=PUBLIC_SCOPE, kwargs=public_id("deputy")),
    "public:stations": public(),
    "public:station": public(scope=PUBLIC_SCOPE, kwargs=public_id("station")),
    "public:station_qr": public(scope=PUBLIC_SCOPE, kwargs=public_id("station")),
    "public:opinion_form": public(scope=PUBLIC_SCOPE, kwargs=public_id("station")),
    "public:opinion_done": public(scope=PUBLIC_SCOPE, kwargs=public_id("station")),
    "public:report_rating": public(scope=PUBLIC_SCOPE, kwargs=public_id("poll")),
    "public:report_rating_qr": public(scope=PUBLIC_SCOPE, kwargs=public_id("poll")),
    "public:deputy_message": public(scope=PUBLIC_SCOPE, kwargs=public_id("deputy")),
    "public:deputy_message_done": public(scope=PUBLIC_SCOPE, kwargs=public_id("deputy")),
    "public:track": public(),
    "public:outcomes": public(),
}

ADMIN_MODEL_VIEWS = ("changelist", "change", "history")
# Model admins scoped to the user's region by their own code rather than by ``RegionScopedAdmin``.
ADMIN_SCOPED_ELSEWHERE = {"axes.AccessAttempt"}
# Model admins not scoped by region, and which signed-in roles may read them. The scoped ones need no entry.
ADMIN_UNSCOPED = {
    "auth.Group": {"superuser"},
    "django_celery_beat.PeriodicTask": {"superuser"},
    "django_celery_beat.ClockedSchedule": {"superuser"},
    "django_celery_beat.CrontabSchedule": {"superuser"},
    "django_celery_beat.SolarSchedule": {"superuser"},
    "django_celery_beat.IntervalSchedule": {"superuser"},
    "liaison_stations.DeadlineRule": {"staff_a", "staff_b", "superuser"},
    "axes.AccessLog": {"superuser"},
    "axes.AccessFailureLog": {"superuser"},
    "otp_totp.TOTPDevice": {"superuser"},
    "representatives.CalendarDay": {"staff_a", "staff_b", "superuser"},
    "representatives.CalendarYear": {"staff_a", "staff_b", "superuser"},
    "core.ExportJob": {"superuser"},
}


def is_scoped(model, model_admin) -> bool:
    return isinstance(model_admin, RegionScopedAdmin) or model._meta.label in ADMIN_SCOPED_ELSEWHERE


def cases_of(key) -> list[Case]:
    entry = TABLE[key]
    return entry if isinstance(entry, list) else [entry]


def admin_generated_keys() -> set[str]:
    """The patterns every registered ModelAdmin brings: covered by the admin matrix rather than the table."""
    keys = set()
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        keys.update(f"admin:{prefix}_{view}" for view in ("changelist", "add", "history", "delete", "change"))
        keys.add(f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/")
    return keys


def expected(case: Case, side, role) -> str:
    if case.admin and role not in OFFICE:
        return "admin_login"
    if role not in case.gate:
        return case.anonymous if role == "anonymous" else case.refused
    if case.scope is None:
        return "allow"
    return "allow" if role in case.scope[side] else "not_found"


# The world ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test nests in it."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from representatives.models import Deputy

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            built.content_type_ids = {"deputy": ContentType.objects.get_for_model(Deputy).pk}
            if apps.is_installed("django_otp.plugins.otp_totp"):
                built.totp_device_id = _unscoped_object(apps.get_model("otp_totp", "TOTPDevice")).pk
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def body_text(response) -> str:
    streaming = getattr(response, "streaming", False)
    # Consuming the stream closes the response (the test client wraps it); closing it again here would send
    # request_finished with the connection-closing handler attached, which drops the test's connection.
    content = b"".join(response.streaming_content) if streaming else response.content
    text = content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON escapes non-ASCII; compare the markers with the decoded text.
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def check(response, outcome: str, role: str, *, public_page: bool, what: str):
    status = response.status_code
    location = response.get("Location", "")
    login_url = reverse("login")
    admin_login_url = reverse("admin:login")
    body = body_text(response)
    assert status != 500, f"{what}: server error"
    if outcome == "allow":
        assert 200 <= status < 400, f"{what}: expected success, got {status} {location}"
        if 300 <= status < 400:
            assert not location.startswith((login_url, admin_login_url)), f"{what}: sent to log in ({location})"
        leaked = leaked_markers(body, role, public=public_page)
        assert not leaked, f"{what}: shows another side's data {leaked}"
        return
    if outcome == "login":
        assert status == 302 and location.startswith(login_url), f"{what}: expected login redirect, got {status}"
    elif outcome == "admin_login":
        assert status == 302 and location.startswith(admin_login_url), (
            f"{what}: expected admin login redirect, got {status} {location}"
        )
    elif outcome == "denied":
        assert status in (403, 404), f"{what}: expected 403/404, got {status} {location}"
    elif outcome == "not_found":
        assert status == 404, f"{what}: expected 404, got {status} {location}"
    elif outcome == "hidden":
        assert status == 404 or (300 <= status < 400), f"{what}: expected 404 or a redirect, got {status}"
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(f"unknown outcome {outcome}")
    markers = [marker for tag in SIDES for marker in (PRIVATE[tag], SCOPED[tag]) if marker in body]
    assert not markers, f"{what}: refused ({status}) but the body shows {markers}"


# Completeness ---------------------------------------------------------------------------------------------------


# Machine clients' routes answer tokens, not roles: test_permission_matrix_api.py has their own matrix.
API_NAMESPACES = ("api:", "open311:")


def test_every_pattern_has_an_entry():
    keys = {route.key for route in all_routes() if not route.key.startswith(API_NAMESPACES)}
    missing = sorted(keys - set(TABLE) - admin_generated_keys())
    assert not missing, f"URL patterns without an entry in the permission matrix: {missing}"


def test_no_entry_for_a_missing_pattern():
    keys = {route.key for route in all_routes()}
    stale = sorted(set(TABLE) - keys)
    assert not stale, f"permission matrix entries for patterns that no longer exist: {stale}"


def test_every_unscoped_model_admin_has_an_entry():
    unscoped = {
        model._meta.label for model, model_admin in admin.site._registry.items() if not is_scoped(model, model_admin)
    }
    assert unscoped == set(ADMIN_UNSCOPED), (
        f"unscoped model admins without an entry: {sorted(unscoped - set(ADMIN_UNSCOPED))}; "
        f"entries for models no longer registered: {sorted(set(ADMIN_UNSCOPED) - unscoped)}"
    )


@pytest.mark.django_db
def test_world_has_an_object_per_side_for_every_scoped_model_admin(world):
    for model, model_admin in admin.site._registry.items():
        if is_scoped(model, model_admin):
            for tag in SIDES:
                assert owned_object(world, model, model_admin, tag) is not None, (
                    f"build_world() has no {model._meta.label} that only side {tag}'s staff see: "
                    "add one for the admin matrix"
                )


def test_roles_cover_what_the_table_assumes():
    # The table's scopes and the marker check must agree on who sees which side.
    for scope in (READ_SCOPE, OFFICE_SCOPE, DEPUTY_SCOPE, CLERK_SCOPE, DEPUTY_FILE_SCOPE, SUGGESTION_FILE_SCOPE):
        for tag, roles in scope.items():
            assert all(tag in COVERS[role] for role in roles), (scope, tag)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/staff/deputies/",
        "/staff/deputies/?export=csv",
        "/staff/activities/",
        "/staff/suggestions/",
        "/staff/opinions/",
    ],
)
def test_own_markers_reach_the_pages(world, client, url):
    """The leak check looks for markers: they must show where the data is shown, or it would prove nothing."""
    sign_in(client, world.users["staff_a"])
    body = body_text(client.get(url))
    assert SCOPED["A"] in body or PRIVATE["A"] in body
    assert not leaked_markers(body, "staff_a", public=False)


# The URL matrix -------------------------------------------------------------------------------------------------


def _url_params():
    for key in TABLE:
        for case in cases_of(key):
            label = f"[{case.label}]" if case.label else ""
            for side in SIDES if case.scope is not None or callable(case.query) else (None,):
                yield pytest.param(key, case, side, id=f"{key}{label}" + (f"-{side}" if side else ""))


def sign_in(client, user):
    """A signed-in session for ``user``, written directly.

    ``force_login`` runs the login signals (axes' access log, last login), which made up a third of the
    matrix's time and are not what it tests.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key


def as_each_role(subtests, world, client, send):
    """Run ``send(role)`` once per role, each in a savepoint rolled back afterwards, each its own subtest."""
    for role in ROLES:
        with subtests.test(msg=role, role=role):
            client.cookies.clear()
            with transaction.atomic():
                if world.users[role] is not None:
                    sign_in(client, world.users[role])
                send(role)
                transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case", "side"), list(_url_params()))
def test_url(world, client, subtests, key, case, side):
    kwargs = case.kwargs(world, side) if case.kwargs else None
    route = next(route for route in all_routes_cached() if route.key == key)
    url = reverse(route.name, kwargs=kwargs) if route.name else "/" + _fill(route.route, kwargs)
    if case.query:
        url += "?" + (case.query(world, side) if callable(case.query) else case.query)
    data = case.data(world, side) if callable(case.data) else (case.data or {})

    def send(role):
        response = client.post(url, data) if case.method == "post" else client.get(url)
        outcome = expected(case, side, role)
        what = f"{case.method.upper()} {url} as {role} (side {side or '-'}; expected {outcome})"
        check(response, outcome, role, public_page=case.public, what=what)
        if case.lands and role in case.lands:
            assert response.status_code == 302 and response["Location"] == reverse(case.lands[role]), what

    as_each_role(subtests, world, client, send)


_ROUTES = []


def all_routes_cached():
    if not _ROUTES:
        _ROUTES.extend(all_routes())
    return _ROUTES


def _fill(route: str, kwargs) -> str:
    """An unnamed pattern cannot be reversed; the one regex catch-all takes its ``url`` as the rest of the path."""
    assert route.endswith("(?P<url>.*)$"), route
    return route.replace("(?P<url>.*)$", kwargs["url"])


# The admin matrix -----------------------------------------------------------------------------------------------


def _admin_params():
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        scoped = is_scoped(model, model_admin)
        for view in ADMIN_MODEL_VIEWS:
            if view == "history" and not scoped:
                continue  # the same permission as the change page, with no region to get wrong
            sides = (None,) if view == "changelist" else (SIDES if scoped else ("any",))
            for side in sides:
                yield pytest.param(label, view, side, id=f"{label}-{view}" + (f"-{side}" if side else ""))


def admin_expected(label, side, role) -> str:
    if role not in OFFICE:
        return "admin_login"
    if label in ADMIN_UNSCOPED:
        return "allow" if role in ADMIN_UNSCOPED[label] else "denied"
    if side is None:
        return "allow"
    return "allow" if side in COVERS[role] else "hidden"


def owned_object(world, model, model_admin, side):
    """The side's object: named by ``build_world``, or else one its staff see in the admin and the other's don't.

    The fallback lets a new scoped model admin be covered before the world names its objects; if its scoping
    is broken there is no such object and the world test above fails.
    """
    named = world[side].owned.get(model._meta.label)
    if named is not None:
        return named
    other = "B" if side == "A" else "A"
    mine = model_admin.get_queryset(_admin_request(world[side].staff))
    theirs = model_admin.get_queryset(_admin_request(world[other].staff))
    return mine.exclude(pk__in=list(theirs.values_list("pk", flat=True))).order_by("pk").first()


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _unscoped_object(model):
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.fail(f"build_world() has no {model._meta.label}: the admin matrix needs one to open")
    return obj


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "view", "side"), list(_admin_params()))
def test_admin(world, client, subtests, label, view, side):
    from django.apps import apps

    model = apps.get_model(label)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if view == "changelist":
        url = reverse(f"{prefix}_changelist")
    else:
        if side in SIDES:
            obj = owned_object(world, model, admin.site._registry[model], side)
            assert obj is not None, f"no {label} of side {side} in the world"
        else:
            obj = _unscoped_object(model)
        url = reverse(f"{prefix}_{view}", args=[obj.pk])

    def send(role):
        response = client.get(url)
        outcome = admin_expected(label, side, role)
        check(response, outcome, role, public_page=False, what=f"GET {url} as {role} (expected {outcome})")

    as_each_role(subtests, world, client, send)
