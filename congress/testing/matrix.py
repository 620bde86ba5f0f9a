"""The permission matrix's machinery: every URL pattern of the project, the roles, and a world of objects.

The world has two sides. Side A (county A) holds the objects of the roles under test: their deputy, their
unit's clerk, their staff and leader. Side B (county B) is someone else's. Every object carries a marker in
its private text (``PRIVATE[side]``) and in its name (``SCOPED[side]``), so a response that serves another
side's data is caught by looking for the marker, whatever the status code says.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

ROLES = ("anonymous", "deputy", "clerk", "staff_a", "staff_b", "leader", "superuser")
SIDES = ("A", "B")

# Rare characters, so no template text, random token or translation contains them by chance.
PRIVATE = {"A": "獬甲", "B": "獬乙"}
SCOPED = {"A": "豸甲", "B": "豸乙"}

# The sides whose data each role may be shown at all; finer rules (masking, drafts) are the apps' own tests.
COVERS = {
    "anonymous": set(),
    "deputy": {"A"},
    "clerk": {"A"},
    "staff_a": {"A"},
    "staff_b": {"B"},
    "leader": {"A"},
    "superuser": {"A", "B"},
}

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="文件.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass(frozen=True)
class Route:
    """One URL pattern: ``key`` is its namespaced name, or its route when it has none."""

    key: str
    route: str
    name: str | None
    lookup: str


def _walk(resolver, prefix: str, namespace: str | None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(key=name or route, route=route, name=name, lookup=pattern.lookup_str)


def all_routes() -> list[Route]:
    """Every pattern reachable from the root URLconf, named or not, in resolution order."""
    return list(_walk(get_resolver(), "", None))


@dataclass
class Side:
    tag: str
    county: object = None
    town: object = None
    congress: object = None
    deputy: object = None
    deputy_user: object = None
    co_deputy: object = None
    unit: object = None
    clerk: object = None
    staff: object = None
    leader: object = None
    group: object = None
    group_note: object = None
    activity: object = None
    activity_attachment: object = None
    station: object = None
    duty_day: object = None
    visit: object = None
    opinion: object = None
    message: object = None
    poll: object = None
    suggestion: object = None
    suggestion_attachment: object = None
    reply: object = None
    cosigner: object = None
    rule_set: object = None
    score: object = None
    score_run: object = None
    export_job: object = None
    nomination: object = None
    lh_project: object = None
    lh_ballot: object = None
    # Per registered model label, this side's object for the admin pages.
    owned: dict = field(default_factory=dict)


@dataclass
class World:
    regions: object
    sides: dict
    users: dict
    year: int = 2025

    def __getitem__(self, tag) -> Side:
        return self.sides[tag]


def build_regions():
    """A city with two counties, each with a township: the root conftest's ``regions`` fixture, and the
    module-wide world of the permission matrix."""
    from representatives.tests.factories import RegionFactory

    province = RegionFactory(code="44", name="广东省", level=1)
    city = RegionFactory.child_of(province, code="4407", name="江门市")
    county_a = RegionFactory.child_of(city, code="440703", name="蓬江区")
    county_b = RegionFactory.child_of(city, code="440781", name="台山市")
    town_a = RegionFactory.child_of(county_a, code="440703001", name="白沙街道")
    town_b = RegionFactory.child_of(county_b, code="440781001", name="台城街道")
    return type(
        "Regions",
        (),
        {
            "province": province,
            "city": city,
            "county_a": county_a,
            "county_b": county_b,
            "town_a": town_a,
            "town_b": town_b,
        },
    )


def _build_side(tag: str, county, town, year: int) -> Side:
    from evaluations.models import (
        CongressSession,
        GroupYearNote,
        Nomination,
        RuleSet,
        Score,
        ScoreAdjustment,
        ScoreRun,
        UnitRuleSet,
    )
    from liaison_stations import services as station_services
    from liaison_stations import services_messages as message_services
    from liaison_stations import services_visits as visit_services
    from liaison_stations.models import Opinion, OpinionCategory, Proposal, StarRule
    from liaison_stations.tests.factories import DutyDayFactory, DutyShiftFactory, StationFactory, StationMemberFactory
    from representatives import services as deputy_services
    from representatives.models import ActivityKind, Group, Level, StateLog
    from representatives.tests.factories import (
        ClerkFactory,
        CongressFactory,
        DeputyFactory,
        DeputyUserFactory,
        GroupFactory,
        HandlingUnitFactory,
        LeaderFactory,
        MembershipFactory,
        StaffFactory,
    )
    from suggestions import services as suggestion_services
    from suggestions.models import ContactLog, Evaluation
    from suggestions.models import Supervision as SuggestionSupervision

    private, scoped = PRIVATE[tag], SCOPED[tag]
    side = Side(tag=tag, county=county, town=town)
    side.congress = CongressFactory(region=county, level=Level.COUNTY, term_number=17, code=f"{county.code}-17")
    side.deputy = DeputyFactory(region=town, name=f"{scoped}代表", home_address=f"{private}家庭住址")
    MembershipFactory(deputy=side.deputy, congress=side.congress)
    side.deputy_user = DeputyUserFactory(deputy=side.deputy, username=f"deputy_{tag}")
    side.co_deputy = DeputyFactory(region=town, name=f"{scoped}联名代表")
    MembershipFactory(deputy=side.co_deputy, congress=side.congress)
    co_user = DeputyUserFactory(deputy=side.co_deputy, username=f"co_deputy_{tag}")
    side.unit = HandlingUnitFactory(region=county, name=f"{scoped}交通运输局")
    side.clerk = ClerkFactory(unit=side.unit, username=f"clerk_{tag}")
    side.staff = StaffFactory(region=county, username=f"staff_{tag}")
    side.leader = LeaderFactory(region=county, username=f"leader_{tag}")
    side.group = GroupFactory(region=town, kind=Group.Kind.REPRESENTATIVE, name=f"{scoped}代表小组")
    side.group_note = GroupYearNote.objects.create(group=side.group, year=year, problem_solved=f"{private}推动解决")

    side.activity = deputy_services.activity_create(
        deputy=side.deputy,
        by=side.deputy_user,
        files=[pdf_upload(f"{private}活动.pdf")],
        kind=ActivityKind.RESEARCH,
        date=datetime.date(year, 3, 1),
        place="某镇",
        description=f"{private}调研内容",
    )
    side.activity_attachment = side.activity.attachments.get()

    side.station = StationFactory(region=town, name=f"联络站{tag}")
    StarRule.objects.create(region=county)
    StationMemberFactory(station=side.station, deputy=side.deputy)
    side.duty_day = DutyDayFactory(station=side.station, topic="接待主题")
    DutyShiftFactory(duty_day=side.duty_day, deputy=side.deputy)
    # A leader's visit to the station, recorded by the leader: what the visit pages list.
    side.visit = visit_services.station_visit_record(
        station=side.station,
        date=datetime.date(year, 3, 2),
        by=side.leader,
        leader=side.leader,
        purpose=f"{scoped}走访联络站",
        findings=f"{private}群众反映停车难",
    )

    opinion = station_services.opinion_receive(
        source=Opinion.Source.VISIT,
        station=side.station,
        deputy=side.deputy,
        voter_name="王五",
        voter_phone="13900001111",
        title=f"{private}路灯不亮",
        content=f"{private}小区门口路灯坏了。",
        by=side.deputy_user,
    )
    station_services.opinion_sort(opinion=opinion, category=OpinionCategory.URBAN, by=side.staff)
    station_services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=side.unit, by=side.staff)
    side.opinion = station_services.opinion_assign(opinion=opinion, by=side.staff)
    station_services.opinion_supervise(opinion=side.opinion, by=side.staff, note=f"{private}督办")
    # A report to voters with the voters' rating open (述职评议).
    from representatives.models import ActivityRecord, ReportRatingPoll

    report = ActivityRecord.objects.create(
        deputy=side.deputy,
        kind=ActivityKind.REPORT_TO_VOTERS,
        date=datetime.date(year, 4, 1),
        place="某村",
        description="述职",
        voters_attended=40,
    )
    side.poll = ReportRatingPoll.objects.create(
        record=report, opened_by=side.staff, closes_at=timezone.now() + datetime.timedelta(days=7)
    )
    # A voter's message to the deputy (码上找代表), still waiting for the deputy.
    side.message = message_services.message_to_deputy(
        deputy=side.deputy, voter_name="李四", voter_phone="", title=f"{private}留言", content=f"{private}留言内容"
    )

    suggestion = suggestion_services.suggestion_create(
        deputy=side.deputy,
        congress=side.congress,
        by=side.deputy_user,
        files=[pdf_upload(f"{private}附件.pdf")],
        title=f"{private}关于农村道路的建议",
        category="transport",
        body=f"{private}建议内容",
    )
    side.suggestion_attachment = suggestion.attachments.get()
    suggestion = suggestion_services.suggestion_submit(suggestion=suggestion, by=side.deputy_user)
    suggestion = suggestion_services.suggestion_register(suggestion=suggestion, by=side.staff)
    suggestion = suggestion_services.suggestion_mark_key(suggestion=suggestion, by=side.staff, leader=side.leader)
    suggestion = suggestion_services.suggestion_assign(
        suggestion=suggestion, by=side.staff, lead_unit=side.unit, co_units=[]
    )
    assignment = suggestion.assignments.get()
    suggestion_services.contact_log_add(
        assignment=assignment,
        by=side.clerk,
        stage=ContactLog.Stage.BEFORE,
        method=ContactLog.Method.PHONE,
        date=timezone.localdate(),
        note=f"{private}沟通",
    )
    suggestion_services.supervision_add(
        suggestion=suggestion,
        by=side.staff,
        kind=SuggestionSupervision.Kind.VISIT,
        date=timezone.localdate(),
        note=f"{private}督办",
    )
    side.reply = suggestion_services.reply_submit(
        assignment=assignment, by=side.clerk, reply_class="A", text=f"{private}答复", document=pdf_upload()
    )
    side.suggestion = suggestion_services.suggestion_rate(
        suggestion=suggestion, by=side.deputy_user, value=Evaluation.Value.SATISFIED, comment=f"{private}评价"
    )

    # An invitation to co-sign another deputy's draft: what ``cosign_respond`` answers.
    draft = suggestion_services.suggestion_create(
        deputy=side.co_deputy,
        congress=side.congress,
        by=co_user,
        title=f"{private}联名建议",
        category="transport",
        body="内容",
    )
    suggestion_services.cosigners_invite(suggestion=draft, deputies=[side.deputy], by=co_user)
    side.cosigner = draft.cosigners.get(deputy=side.deputy)

    side.rule_set = RuleSet.objects.create(region=county, year=year, name=f"{scoped}考评规则")
    side.score = Score.objects.create(rule_set=side.rule_set, rule_set_version=1, year=year, deputy=side.deputy)
    adjustment = ScoreAdjustment.objects.create(
        rule_set=side.rule_set, deputy=side.deputy, points=1, reason=f"{private}调整", by=side.staff
    )
    side.score_run = ScoreRun.objects.create(rule_set=side.rule_set, rule_set_version=1, status=ScoreRun.Status.DONE)
    session = CongressSession.objects.create(
        congress=side.congress,
        name=f"{scoped}第一次会议",
        start_date=datetime.date(year, 1, 10),
        end_date=datetime.date(year, 1, 12),
    )
    unit_rules = UnitRuleSet.objects.create(region=county, year=year)
    side.nomination = Nomination.objects.create(
        region=county,
        year=year,
        category=Nomination.Category.DEPUTY,
        deputy=cast(Any, side.deputy),
        reason=f"{private}提名理由",
        nominated_by=cast(Any, side.staff),
    )

    assignment.refresh_from_db()
    side.owned = {
        "representatives.Region": town,
        "representatives.HandlingUnit": side.unit,
        "representatives.User": side.clerk,
        "representatives.Congress": side.congress,
        "representatives.Group": side.group,
        "representatives.Deputy": side.deputy,
        "representatives.Membership": side.deputy.memberships.get(),
        "representatives.ActivityRecord": side.activity,
        "representatives.StateLog": StateLog.objects.filter(object_id=side.activity.pk)
        .filter(content_type__model="activityrecord")
        .first(),
        "liaison_stations.Station": side.station,
        "liaison_stations.DutyDay": side.duty_day,
        "liaison_stations.StationVisit": side.visit,
        "liaison_stations.Opinion": side.opinion,
        "liaison_stations.Supervision": side.opinion.supervisions.get(),
        "suggestions.Suggestion": side.suggestion,
        "suggestions.Assignment": assignment,
        "suggestions.Reply": side.reply,
        "suggestions.Evaluation": side.suggestion.evaluations.get(),
        "suggestions.Supervision": side.suggestion.supervisions.get(),
        "suggestions.ContactLog": assignment.contacts.get(),
        "evaluations.RuleSet": side.rule_set,
        "evaluations.ScoreRun": side.score_run,
        "evaluations.CongressSession": session,
        "evaluations.Score": side.score,
        "evaluations.ScoreAdjustment": adjustment,
        "evaluations.UnitRuleSet": unit_rules,
        "evaluations.GroupYearNote": side.group_note,
        "evaluations.Nomination": side.nomination,
    }
    # 民生实事: a project chosen by a closed vote, with a progress report and an inspection.
    from livelihood.testing import build_side as build_livelihood

    build_livelihood(side, year, scoped)
    # 议案: a registered motion of the side's deputy, a listed one for the public, an invitation to second.
    from motions.testing import build_side as build_motions

    build_motions(side, year, scoped, private)
    # Training: an induction course of the side's congress with a session the side's deputy attended.
    from training.testing import build_side as build_training

    build_training(side, year, scoped)
    # A directory download the side's office built in the background (core.exports), with its file.
    from core import services as export_services
    from core.exports import kind_named

    directory = kind_named("representatives.directory")
    assert directory is not None
    job = export_services.export_job_start(user=side.staff, kind=directory, params=QueryDict("export=xlsx"), rows=1)
    export_services.export_job_build(job_id=job.pk)
    side.export_job = job
    return side


def _build_office_wide(superuser, sides):
    """One row of each admin model that no region scopes, so its change page can be opened."""
    from django.apps import apps
    from django.contrib.auth.models import Group as PermissionGroup
    from django_celery_beat.models import ClockedSchedule, IntervalSchedule, SolarSchedule

    from liaison_stations.models import DeadlineRule, Proposal

    PermissionGroup.objects.get_or_create(name="矩阵测试组")
    DeadlineRule.objects.get_or_create(proposal=Proposal.REFER_UNIT, defaults={"working_days": 15})
    ClockedSchedule.objects.get_or_create(clocked_time=timezone.now())
    IntervalSchedule.objects.get_or_create(every=7, period=IntervalSchedule.DAYS)
    SolarSchedule.objects.get_or_create(event="sunrise", latitude=22.5, longitude=113.0)
    # Models other apps add while this matrix exists: built only when installed.
    if apps.is_installed("axes"):
        for name in ("AccessLog", "AccessFailureLog"):
            apps.get_model("axes", name).objects.create(username="deputy_A", ip_address="127.0.0.1", user_agent="m")
        # Lockouts are scoped by the locked account's region: one per side.
        for side in sides.values():
            side.owned["axes.AccessAttempt"] = apps.get_model("axes", "AccessAttempt").objects.create(
                username=side.deputy_user.username, ip_address="127.0.0.1", user_agent="m", failures_since_start=5
            )
    if apps.is_installed("django_otp.plugins.otp_totp"):
        apps.get_model("otp_totp", "TOTPDevice").objects.create(user=superuser, name="matrix", confirmed=True)
    try:
        export_log = apps.get_model("representatives", "ExportLog")
    except LookupError:
        export_log = None
    if export_log is not None:
        for side in sides.values():
            side.owned["representatives.ExportLog"] = export_log.objects.create(
                user=side.staff, region=side.county, export=f"{SCOPED[side.tag]}代表名录", rows=1, personal_rows=1
            )


def _build_api_clients(sides):
    """Each side's machine client (api app) with a logged call and a webhook delivery, for the admin pages."""
    from django.apps import apps

    if not apps.is_installed("api"):
        return
    from api import services as api_services
    from api.models import ApiCall, ApiClient, Scope, WebhookDelivery, WebhookSubscription

    for side in sides.values():
        client = ApiClient(name=f"{SCOPED[side.tag]}平台", region=side.county, scopes=[Scope.READ_PUBLIC])
        api_services.client_save(client=client, by=side.staff)
        subscription = WebhookSubscription.objects.create(client=client, url="https://example.org/hook")
        side.owned["api.ApiClient"] = client
        side.owned["api.ApiCall"] = ApiCall.objects.create(
            client=client, route="api:deputies", method="GET", status=200
        )
        side.owned["api.WebhookDelivery"] = WebhookDelivery.objects.create(
            subscription=subscription, opinion=side.opinion, payload={"status": side.opinion.status}
        )


def build_world(year: int = 2025) -> World:
    from representatives.tests.factories import UserFactory

    regions = build_regions()
    sides = {
        "A": _build_side("A", regions.county_a, regions.town_a, year),
        "B": _build_side("B", regions.county_b, regions.town_b, year),
    }
    superuser = UserFactory(username="root", is_superuser=True)
    _build_office_wide(superuser, sides)
    _build_api_clients(sides)
    users = {
        "anonymous": None,
        "deputy": sides["A"].deputy_user,
        "clerk": sides["A"].clerk,
        "staff_a": sides["A"].staff,
        "staff_b": sides["B"].staff,
        "leader": sides["A"].leader,
        "superuser": superuser,
    }
    return World(regions=regions, sides=sides, users=users, year=year)


def leaked_markers(body: str, role: str, *, public: bool) -> list[str]:
    """Markers of sides ``role`` does not cover that appear in ``body``; names are not checked on public pages."""
    found = []
    for tag in SIDES:
        if tag in COVERS[role]:
            continue
        markers = [PRIVATE[tag]] if public else [PRIVATE[tag], SCOPED[tag]]
        found.extend(marker for marker in markers if marker in body)
    return found
