from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

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
    User,
)

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


def test_current_congresses_at_all_five_levels(output):
    assert set(Congress.objects.values_list("level", flat=True)) == set(Level.values)
    assert Congress.objects.filter(level=Level.TOWNSHIP).count() == Region.objects.filter(level=4).count()
    today = timezone.localdate()
    for congress in Congress.objects.select_related("region"):
        assert congress.start_date <= today <= congress.end_date
        assert congress.code == f"{congress.region.code}-{congress.level}-{congress.term_number}"


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
    assert Deputy.objects.count() == 50
    for deputy in Deputy.objects.select_related("region"):
        deputy.full_clean()
        assert deputy.region.level == Region.Level.TOWNSHIP
        assert len(deputy.id_number) == 18
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


def test_apps_can_add_builders_and_flags(monkeypatch):
    demo.discover()
    monkeypatch.setattr(demo, "BUILDERS", list(demo.BUILDERS))
    seen = []

    def add_arguments(parser):
        parser.add_argument("--stations", type=int, default=0)

    @demo.builder("stations", add_arguments=add_arguments)
    def build_stations(ctx):
        seen.append((len(ctx.roster), ctx.options["stations"]))

    run_command(deputies=5, stations=3)
    assert seen == [(5, 3)]
