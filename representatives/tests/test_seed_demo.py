import datetime
import importlib.util
import threading
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from evaluations.models import Attendance
from liaison_stations.models import DutyShift, Opinion, StationMember
from representatives import demo
from representatives.models import (
    ActivityKind,
    ActivityRecord,
    Congress,
    Deputy,
    Group,
    HandlingUnit,
    Level,
    Membership,
    Region,
    Role,
    StateLog,
    User,
)
from suggestions.models import Assignment, Suggestion

pytestmark = pytest.mark.django_db

MODELS = (Region, Congress, Group, HandlingUnit, Deputy, Membership, ActivityRecord, User, LogEntry)


def run_command(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **{"deputies": 50, **options})
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def output():
    return run_command()


def test_region_tree_has_materialised_paths(output):
    city = Region.objects.get(code="4407")
    assert city.path == "44/4407/"
    assert Region.objects.get(code="440703001").path == "44/4407/440703/440703001/"
    for region in Region.objects.select_related("parent"):
        # The same path Region.save would have written.
        assert region.path == (region.parent.path if region.parent else "") + f"{region.code}/"
        assert region.parent is None or region.parent.level == region.level - 1
    assert Region.objects.filter(parent=city).count() == 7
    per_county = Region.objects.filter(level=Region.Level.TOWNSHIP).values("parent").annotate(n=Count("id"))
    assert len(per_county) == 7
    assert all(4 <= row["n"] <= 8 for row in per_county)


def test_current_congresses_at_all_five_levels_and_the_previous_term_ended(output):
    today = timezone.localdate()
    current = Congress.objects.filter(start_date__lte=today, end_date__gte=today)
    assert set(current.values_list("level", flat=True)) == set(Level.values)
    assert current.filter(level=Level.TOWNSHIP).count() == Region.objects.filter(level=4).count()
    for congress in Congress.objects.select_related("region"):
        assert congress.code == f"{congress.region.code}-{congress.level}-{congress.term_number}"
    # The city's and each county's previous term: over the day before the current one began, seats ended.
    for congress in Congress.objects.exclude(pk__in=current):
        successor = current.get(region=congress.region, level=congress.level)
        assert (congress.term_number, congress.end_date) == (
            successor.term_number - 1,
            successor.start_date - datetime.timedelta(days=1),
        )
        assert set(congress.memberships.values_list("status", flat=True)) == {Membership.Status.TERM_ENDED}
    assert Congress.objects.exclude(pk__in=current).count() == 1 + Region.objects.filter(level=3).count()


def test_six_demo_accounts_log_in_with_their_roles(output, client):
    expected = {
        "admin": ("", None),
        "staff": (Role.STAFF, "4407"),
        "staff_county": (Role.STAFF, "440703"),
        "leader": (Role.LEADER, "4407"),
        "deputy": (Role.DEPUTY, None),
        "clerk": (Role.UNIT_CLERK, None),
    }
    for username, (role, region_code) in expected.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert (user.region.code if user.region else None) == region_code
        assert client.login(username=username, password=demo.DEMO_PASSWORD), username
        client.logout()
        assert username in output
    assert User.objects.get(username="admin").is_superuser
    deputy = User.objects.get(username="deputy").deputy
    assert deputy.memberships.filter(status=Membership.Status.SERVING).exists()
    assert deputy.activities.count() >= 3
    assert User.objects.get(username="clerk").unit.name == demo.CLERK_UNIT
    assert demo.DEMO_PASSWORD in output


def test_deputies_seats_and_activities_pass_model_validation(output):
    today = timezone.localdate()
    on_todays_roster = Deputy.objects.filter(memberships__congress__end_date__gte=today).distinct()
    # The 50 asked for, and the 3 the demo adds through a roster sheet as offices do.
    assert on_todays_roster.count() == 50 + 3
    # Three deputies per county served the previous term only.
    assert Deputy.objects.exclude(pk__in=on_todays_roster).count() == 3 * Region.objects.filter(level=3).count()
    for deputy in Deputy.objects.select_related("region"):
        deputy.full_clean()
        assert deputy.region.level == Region.Level.TOWNSHIP
        # Blank only where offices leave it blank: the earlier term's records and the sheet's optional cells.
        assert (
            len(deputy.id_number) == 18
            or not deputy.memberships.filter(status="serving").exists()
            or (deputy.code.startswith("I"))
        )
        assert deputy.memberships.exists()
    for membership in Membership.objects.select_related("congress", "deputy", "representative_group"):
        membership.full_clean()
        direct = membership.congress.level in (Level.COUNTY, Level.TOWNSHIP)
        assert membership.election == (Membership.Election.DIRECT if direct else Membership.Election.INDIRECT)
        if membership.representative_group:
            assert membership.representative_group.region_id == membership.deputy.region_id
    activities = ActivityRecord.objects.all()
    assert activities.count() > 50
    for record in activities:
        record.full_clean()
        if record.status == ActivityRecord.Status.PENDING:
            assert record.reviewed_at is None
        else:
            assert record.reviewed_by is not None
    assert activities.filter(kind=ActivityKind.REPORT_TO_VOTERS).exclude(voter_rating="").exists()


def test_second_run_creates_nothing(output):
    before = counts()
    again = run_command()
    assert counts() == before
    assert "已存在" in again


class _Undo(Exception):
    pass


def seeded_snapshot(seed):
    with pytest.raises(_Undo), transaction.atomic():
        demo.seed(deputies=30, seed=seed)
        snapshot = (
            list(
                Deputy.objects.order_by("code").values_list(
                    "code", "name", "gender", "birth_date", "party", "work_unit", "phone", "id_number", "region__code"
                )
            ),
            list(
                Membership.objects.order_by("deputy__code", "congress__code").values_list(
                    "deputy__code", "congress__code", "district", "status", "status_date", "professional_group__name"
                )
            ),
            sorted(
                ActivityRecord.objects.values_list("deputy__code", "kind", "date", "place", "description", "status")
            ),
        )
        raise _Undo
    return snapshot


def test_same_seed_same_data():
    first = seeded_snapshot(7)
    assert not Deputy.objects.exists()
    assert seeded_snapshot(7) == first
    assert seeded_snapshot(8)[0] != first[0]


@pytest.fixture
def builders_restored():
    """The registry as the installed apps filled it, put back after a test replaces or adds an entry: the same
    entries in the same order (the builders run in the registry's order)."""
    with demo.builders.narrowed(lambda name, step: True):
        yield


def test_apps_can_add_builders_and_flags(builders_restored):
    seen = []

    def add_arguments(parser):
        parser.add_argument("--stations", type=int, default=0)

    @demo.builder("stations", add_arguments=add_arguments)
    def build_stations(ctx):
        seen.append((len(ctx.roster), ctx.options["stations"]))

    run_command(deputies=5, stations=3)
    assert seen == [(5, 3)]


def test_every_apps_demo_module_is_registered_in_dependency_order():
    # An app's demo.py runs only if its AppConfig.ready() imports it (nothing scans for modules): a forgotten
    # import would leave the app's pages empty in the demo without any error.
    with_demo = [
        config.name for config in apps.get_app_configs() if importlib.util.find_spec(f"{config.name}.demo") is not None
    ]
    registered = list(dict.fromkeys(entry.build.__module__.rsplit(".", 1)[0] for entry in demo.builders))
    assert registered == with_demo


class _Stop(Exception):
    pass


@pytest.fixture
def seed_options(monkeypatch):
    """The options the command hands to ``demo.seed``, without seeding (a province takes minutes)."""
    seen = {}

    def fake_seed(**options):
        seen.update(options)
        raise _Stop

    monkeypatch.setattr(demo, "seed", fake_seed)

    def run(*args, **options):
        with pytest.raises(_Stop):
            call_command("seed_demo", *args, stdout=StringIO(), **options)
        return dict(seen)

    return run


def test_scale_presets_set_the_benchmark_volumes(seed_options):
    province = seed_options("--scale", "province")
    assert province["deputies"] == 300_000
    assert province["opinions"] == 1_000_000
    assert province["suggestions"] == 100_000
    assert province["units"] == 1_000
    # 2 years of about 5 records per deputy: 3 million activity records.
    assert province["activities_per_year"] * province["years"] * province["deputies"] == 3_000_000
    assert province["deputies"] / province["deputies_per_station"] == pytest.approx(20_000, rel=0.05)
    assert province["suggestion_open_rate"] > 0

    city = seed_options("--scale", "city")
    assert (city["deputies"], city["opinions"], city["suggestions"]) == (6_000, 10_000, 2_000)
    assert city["activities_per_year"] * city["years"] * city["deputies"] == 60_000
    assert city["deputies"] / city["deputies_per_station"] == pytest.approx(600, rel=0.05)


def test_explicit_flags_win_over_the_preset(seed_options):
    options = seed_options("--scale", "province", "--deputies", "1000", "--opinions-per-deputy", "2")
    assert options["deputies"] == 1000
    assert options["opinions_per_deputy"] == 2
    assert options["opinions"] == 1_000_000  # not given, so the preset's
    assert seed_options(scale="city", suggestions=5)["suggestions"] == 5


def test_no_scale_keeps_the_demo_city_defaults(seed_options):
    options = seed_options()
    assert options["deputies"] == demo.DEFAULT_DEPUTIES
    assert options["batch_size"] == demo.DEFAULT_BATCH_SIZE
    assert options["deputies_per_station"] == 10
    # Zero means "derive from the number of deputies", as before the presets existed.
    assert (options["opinions"], options["suggestions"], options["units"]) == (0, 0, 0)
    assert options["suggestion_open_rate"] == 0


def test_units_flag_adds_township_offices_up_to_the_total():
    with pytest.raises(_Undo), transaction.atomic():
        demo.seed(deputies=20, units=400, activities_per_year=0)
        assert HandlingUnit.objects.count() == 400
        assert HandlingUnit.objects.filter(region__level=Region.Level.TOWNSHIP).count() > 200
        assert HandlingUnit.objects.values("region", "name").distinct().count() == 400
        raise _Undo


def comparable_rows(started):
    """What the demo wrote, without ids, random codes and the moment of writing."""

    def rows(queryset, *fields):
        return sorted(queryset.values_list(*fields), key=repr)

    public_submissions = StateLog.objects.filter(
        content_type__model="opinion", origin=StateLog.Origin.PUBLIC, from_state=""
    ).values("object_id")
    live_records = ActivityRecord.objects.filter(created_at__gte=started).values("pk")
    # Opinions from other platforms (the api builder's 12345 hotline) enter through the services at the time of the
    # run, like voters' own submissions: compared without their times.
    live_opinions = Opinion.objects.filter(received_at__gte=started).exclude(pk__in=public_submissions).values("pk")
    return {
        "deputies": rows(Deputy.objects, "code", "name", "birth_date", "id_number", "region__code", "phone_public"),
        "seats": rows(Membership.objects, "deputy__code", "congress__code", "status", "representative_group__name"),
        "activities": rows(
            ActivityRecord.objects.exclude(pk__in=live_records),
            "deputy__code",
            "kind",
            "date",
            "status",
            "created_at",
            "reviewed_by__username",
        ),
        # The demo deputy's own report, logged through the services at the time of the run (builder
        # "report_ratings"): compared without its time.
        "live activities": rows(ActivityRecord.objects.filter(pk__in=live_records), "deputy__code", "kind", "status"),
        "members": rows(StationMember.objects, "station__name", "deputy__code"),
        "shifts": rows(DutyShift.objects, "duty_day__station__name", "duty_day__date", "deputy__code", "attended"),
        # Voters' own submissions go through the services at the time of the run (demo builder "voters"):
        # compared without their times.
        "opinions": rows(
            Opinion.objects.exclude(pk__in=public_submissions).exclude(pk__in=live_opinions),
            "station__name",
            "deputy__code",
            "status",
            "unit__name",
            "received_at",
            "published_at",
        ),
        "live opinions": rows(Opinion.objects.filter(pk__in=live_opinions), "station__name", "status", "unit__name"),
        "public opinions": rows(
            Opinion.objects.filter(pk__in=public_submissions), "station__name", "status", "unit__name", "rating"
        ),
        "suggestions": rows(Suggestion.objects, "congress__code", "number", "status", "deputy__code", "registered_at"),
        "assignments": rows(Assignment.objects, "suggestion__title", "unit__name", "role", "status", "deadline"),
        "attendance": rows(Attendance.objects, "session__name", "deputy__code", "status", "speeches"),
        "timeline": rows(
            StateLog.objects.filter(content_type__model="suggestion", at__lt=started),
            "from_state",
            "to_state",
            "at",
            "actor__username",
        ),
        # Suggestions made from motions (the motions builder) go through the services at the time of the run.
        "live timeline": rows(
            StateLog.objects.filter(content_type__model="suggestion", at__gte=started),
            "from_state",
            "to_state",
            "actor__username",
        ),
    }


def seeded_rows(**options):
    started = timezone.now()
    with pytest.raises(_Undo), transaction.atomic():
        ctx = demo.seed(deputies=40, seed=11, **options)
        snapshot = comparable_rows(started), {model.__name__: n for model, n in ctx.created.items()}
        raise _Undo
    return snapshot


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite always inserts")
def test_copy_path_writes_the_same_rows_as_the_orm_path():
    by_copy, counts_by_copy = seeded_rows(use_copy=True)
    by_orm, counts_by_orm = seeded_rows(use_copy=False)
    assert counts_by_copy == counts_by_orm
    for table, rows in by_orm.items():
        assert rows, table
        assert by_copy[table] == rows, table
    # What COPY leaves to the columns' defaults is filled as bulk_create fills it.
    assert not Deputy.objects.exists()
    with pytest.raises(_Undo), transaction.atomic():
        demo.seed(deputies=10, use_copy=True)
        # The 10 asked for and the earlier term's and the imported sheet's deputies: none without the defaults.
        assert Deputy.objects.count() > 10
        assert not Deputy.objects.filter(Q(public_id__isnull=True) | Q(created_at__isnull=True)).exists()
        codes = list(Opinion.objects.values_list("tracking_code", flat=True))
        assert codes and len(set(codes)) == len(codes) and all(len(code) == 12 for code in codes)
        raise _Undo


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite always inserts")
def test_a_failed_background_copy_fails_the_seed_before_the_builder_goes_on(builders_restored):
    import psycopg2

    reached = []

    # Replaces the last builder (the fixture puts it back), so the registry keeps its own entries only.
    last = demo.builders.items()[-1][0]

    @demo.builder(last)
    def build_broken(ctx):
        # A region without a name: the COPY fails in the background writer, after write() has returned.
        ctx.write(Region, [{"code": "9999", "name": None, "level": Region.Level.CITY, "path": "9999/"}])
        # The next statement waits for that COPY and raises its error here.
        reached.append(Region.objects.count())

    with pytest.raises(psycopg2.errors.NotNullViolation):
        demo.seed(deputies=5)
    assert reached == []
    assert not Region.objects.exists() and not Deputy.objects.exists()
    assert not [thread for thread in threading.enumerate() if thread.name == "seed-demo-copy"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite always inserts")
def test_tuple_rows_needing_escapes_are_written_as_given():
    # The batch's separators are counted, not each value tested: a value with a tab, newline or backslash
    # (a literal \N among them, which is not NULL) sends the batch down the escaping path.
    ctx = demo.DemoContext(options={"seed": 1}, today=timezone.localdate(), log=lambda message: None, use_copy=True)
    names = ["制\t表", "换\n行", "反\\斜杠 \\N", "\\N", "", "普通"]
    with pytest.raises(_Undo), transaction.atomic():
        rows = [(f"99{n}", name, Region.Level.CITY, f"99{n}/") for n, name in enumerate(names)]
        ids = ctx.insert_tuples(Region, ("code", "name", "level", "path"), rows, ids=True)
        written = Region.objects.filter(code__startswith="99").order_by("code")
        assert list(written.values_list("name", flat=True)) == names
        assert sorted(ids) == sorted(written.values_list("pk", flat=True))
        plain = ctx.insert_tuples(
            Region, ("code", "name", "level", "path", "parent_id"), [("98", "普通", 2, "98/", None)]
        )
        assert plain == [] and Region.objects.get(code="98").parent_id is None
        raise _Undo


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are dropped on PostgreSQL's COPY path only")
def test_indexes_deferred_while_loading_come_back_as_they_were():
    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [ActivityRecord._meta.db_table]
            )
            return [definition for (definition,) in cursor.fetchall()]

    ctx = demo.DemoContext(options={"seed": 1}, today=timezone.localdate(), log=lambda message: None, use_copy=True)
    before = indexes()
    with pytest.raises(_Undo), transaction.atomic():
        with ctx.indexes_deferred(ActivityRecord):
            during = indexes()
        after = indexes()
        raise _Undo
    # The unique ones stay (they check rows as they come); the others are built again from the rows at the end.
    assert during == [definition for definition in before if "UNIQUE" in definition]
    assert len(during) < len(before)
    assert after == before
