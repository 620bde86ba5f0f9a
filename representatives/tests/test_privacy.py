"""Personal data (ID number, home address, unpublished phone): in full only for the deputy's own office staff,
masked for everyone else, and every download that carries it in full is logged."""

import csv
import io

import pytest
from django.urls import reverse

from representatives.models import ExportLog
from representatives.permissions import can_see_private_fields
from representatives.resources import RosterResource
from representatives.tests.factories import DeputyFactory, LeaderFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER, ADDRESS = "13912345678", "440703199001011234", "江门市蓬江区白沙街道幸福路88号"


@pytest.fixture
def private_deputy(regions):
    return DeputyFactory(
        region=regions.town_a, name="张三", phone=PHONE, phone_public=False, id_number=ID_NUMBER, home_address=ADDRESS
    )


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_only_the_deputys_office_and_the_deputy_see_personal_data_in_full(
    regions, private_deputy, staff_a, staff_b, city_staff, deputy_user_a
):
    leader = LeaderFactory(region=regions.city)

    assert can_see_private_fields(staff_a, private_deputy)
    assert can_see_private_fields(city_staff, private_deputy)
    assert not can_see_private_fields(staff_b, private_deputy)
    assert not can_see_private_fields(leader, private_deputy)
    assert can_see_private_fields(deputy_user_a, deputy_user_a.deputy)
    assert not can_see_private_fields(deputy_user_a, private_deputy)


@pytest.mark.parametrize(("role", "full"), [("staff", True), ("leader", False)])
def test_the_staff_deputy_page_masks_personal_data_for_leaders(client, regions, private_deputy, role, full):
    user = (StaffFactory if role == "staff" else LeaderFactory)(region=regions.county_a)
    client.force_login(user)

    page = client.get(reverse("staff:deputy", args=[private_deputy.pk])).text

    for value in (PHONE, ID_NUMBER, ADDRESS):
        assert (value in page) is full
    if not full:
        assert "139****5678" in page
        assert "4407**********1234" in page


@pytest.mark.parametrize(("role", "phone", "logged"), [("staff", PHONE, 1), ("leader", "139****5678", 0)])
def test_the_directory_download_masks_for_leaders_and_logs_full_downloads(
    client, regions, private_deputy, role, phone, logged
):
    user = (StaffFactory if role == "staff" else LeaderFactory)(region=regions.county_a)
    client.force_login(user)

    response = client.get(reverse("staff:directory"), {"export": "csv", "name": "张"})

    assert response.status_code == 200
    assert rows_of(response)[0]["联系电话"] == phone
    assert ExportLog.objects.count() == logged
    if logged:
        log = ExportLog.objects.get()
        assert (log.user, log.region, log.rows, log.personal_rows) == (user, regions.county_a, 1, 1)
        assert log.export == "代表通讯录"
        assert "name=%E5%BC%A0" in log.filters
        assert log.at is not None


def test_a_download_without_unpublished_data_is_not_logged(client, regions, staff_a):
    DeputyFactory(region=regions.town_a, phone=PHONE, phone_public=True)
    client.force_login(staff_a)

    response = client.get(reverse("staff:directory"), {"export": "csv"})

    assert rows_of(response)[0]["联系电话"] == PHONE
    assert not ExportLog.objects.exists()


def test_the_roster_export_masks_personal_data_for_anyone_but_the_deputys_office(
    regions, private_deputy, congress_a, staff_a, staff_b
):
    MembershipFactory(deputy=private_deputy, congress=congress_a)
    leader = LeaderFactory(region=regions.city)

    for user in (None, leader, staff_b):
        row = RosterResource(user=user).export(queryset=private_deputy.memberships.all()).dict[0]
        assert (row["联系电话"], row["身份证号"], row["家庭住址"]) == (
            "139****5678",
            "4407**********1234",
            "江门市蓬江区…",
        )
    assert not ExportLog.objects.exists()

    row = RosterResource(user=staff_a).export(queryset=private_deputy.memberships.all()).dict[0]
    assert (row["联系电话"], row["身份证号"], row["家庭住址"]) == (PHONE, ID_NUMBER, ADDRESS)
    assert ExportLog.objects.get().user == staff_a


def test_the_admin_roster_export_is_in_full_for_the_office_and_logged(client, private_deputy, congress_a, staff_a):
    MembershipFactory(deputy=private_deputy, congress=congress_a)
    client.force_login(staff_a)

    response = client.post(reverse("admin:representatives_membership_export"), {"format": "1", "resource": "0"})

    assert response.status_code == 200
    row = rows_of(response)[0]
    assert (row["身份证号"], row["家庭住址"], row["联系电话"]) == (ID_NUMBER, ADDRESS, PHONE)
    log = ExportLog.objects.get()
    assert (log.user, log.export, log.rows, log.personal_rows) == (staff_a, "代表名册", 1, 1)


def test_the_admin_directory_export_is_logged(client, private_deputy, staff_a):
    client.force_login(staff_a)

    response = client.post(reverse("admin:representatives_deputy_export"), {"format": "1", "resource": "0"})

    assert rows_of(response)[0]["联系电话"] == PHONE
    assert ExportLog.objects.get().export == "代表通讯录"


def test_the_admin_lists_only_the_offices_deputies_whose_data_it_may_see(client, regions, private_deputy, staff_b):
    # Admin pages show personal data unmasked; that is safe only because they list the staff member's region.
    client.force_login(staff_b)

    page = client.get(reverse("admin:representatives_deputy_changelist")).text

    assert PHONE not in page
    assert not can_see_private_fields(staff_b, private_deputy)
