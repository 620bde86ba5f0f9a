"""What the product exports, imported back unchanged, is reported row by row as unchanged and writes nothing.

Run on the seeded demo city, whose township seats belong to township groups of the county congress, and for
each of the three imports (deputy roster, stations, handling units), in both file formats.
"""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse

from liaison_stations.models import Station, StationMember
from liaison_stations.resources import StationResource, import_stations
from representatives import idnumbers, permissions
from representatives.models import Deputy, HandlingUnit, Level, Membership, StateLog, User
from representatives.resources import (
    HandlingUnitResource,
    RosterResource,
    export_response,
    import_roster,
    import_units,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_staff():
    call_command("seed_demo", deputies=150, stdout=StringIO())
    return User.objects.get(username="staff")


def stored_state():
    """Everything an import could write, and when the rows it could change were last changed."""
    return {
        "deputies": Deputy.objects.count(),
        "deputies_changed": Deputy.objects.aggregate(last=Max("updated_at"))["last"],
        "seats": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "deputy_id", "congress_id", "representative_group_id", "professional_group_id", "status"
            )
        ),
        "stations": list(Station.objects.order_by("pk").values_list("pk", "name", "star_rating", "is_active")),
        "members": StationMember.objects.count(),
        "units": list(HandlingUnit.objects.order_by("pk").values_list("pk", "name", "contact_phone", "is_active")),
        "history": LogEntry.objects.count(),
        "steps": StateLog.objects.count(),
    }


def assert_all_unchanged(outcome, rows):
    assert outcome.ok, outcome.errors[:5]
    assert (outcome.totals["new"], outcome.totals["update"], outcome.totals["skip"]) == (0, 0, rows)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_demo_roster_exported_by_the_admins_resource_imports_back_as_unchanged(city_staff, file_format):
    seats = Membership.objects.filter(permissions.region_scope_q(city_staff, "deputy__region"))
    township_seats = seats.filter(congress__level=Level.TOWNSHIP, representative_group__isnull=False)
    # The case that failed: a township seat in a township group that belongs to the county congress.
    assert township_seats.exclude(representative_group__congress__level=Level.TOWNSHIP).exists()
    assert seats.filter(professional_group__isnull=False).exists()
    content = export_response(RosterResource(user=city_staff), seats, "名册", file_format).content
    before = stored_state()

    outcome = import_roster(SimpleUploadedFile(f"名册.{file_format}", content), user=city_staff)

    assert_all_unchanged(outcome, seats.count())
    assert stored_state() == before


def test_the_directory_offers_the_roster_export_and_it_imports_back_as_unchanged(city_staff, client):
    client.force_login(city_staff)
    response = client.get(reverse("staff:directory"), {"export": "roster"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    before = stored_state()

    outcome = import_roster(SimpleUploadedFile("名册.xlsx", response.content), user=city_staff)

    assert_all_unchanged(outcome, Membership.objects.count())
    assert stored_state() == before


def test_the_directory_roster_export_keeps_the_pages_filters(city_staff, client):
    county = city_staff.region.children.order_by("code").first()
    client.force_login(city_staff)

    response = client.get(reverse("staff:directory"), {"export": "roster_csv", "region": county.pk})

    rows = response.content.decode("utf-8-sig").splitlines()[1:]
    assert len(rows) == Membership.objects.filter(deputy__region__path__startswith=county.path).count() > 0


def test_leaders_are_not_given_the_roster_export(city_staff, client):
    client.force_login(User.objects.get(username="leader"))

    response = client.get(reverse("staff:directory"), {"export": "roster"})

    assert response.status_code == 403


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_demo_stations_exported_import_back_as_unchanged(city_staff, file_format):
    stations = Station.objects.filter(permissions.region_scope_q(city_staff))
    # Ratings given before the office's star rule: unchanged, they are not held to it.
    assert stations.filter(star_rating__gt=0, checks__isnull=True).exists()
    content = export_response(StationResource(), stations, "联络站", file_format).content
    before = stored_state()

    outcome = import_stations(SimpleUploadedFile(f"联络站.{file_format}", content), user=city_staff)

    assert_all_unchanged(outcome, stations.count())
    assert stored_state() == before


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_demo_units_exported_import_back_as_unchanged(city_staff, file_format):
    units = HandlingUnit.objects.filter(permissions.region_scope_q(city_staff))
    content = export_response(HandlingUnitResource(), units, "承办单位", file_format).content
    before = stored_state()

    outcome = import_units(SimpleUploadedFile(f"承办单位.{file_format}", content), user=city_staff)

    assert_all_unchanged(outcome, units.count())
    assert stored_state() == before


def test_the_demo_deputies_id_numbers_pass_the_checks_and_agree_with_birth_date_and_sex(city_staff):
    for deputy in Deputy.objects.exclude(id_number=""):
        assert idnumbers.problems(deputy.id_number) == [], deputy.id_number
        assert idnumbers.mismatches(deputy.id_number, birth=deputy.birth_date, gender=deputy.gender) == {}
