"""The audit trail: who changed what (before/after), readable by each office for its own region, never editable."""

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.urls import reverse

from representatives.audit import AUDIT_SCOPES, REGION_KEY, record_export, record_transition
from representatives.tests.factories import ActivityRecordFactory, DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every model that holds deputies', stations', suggestions', opinions' or scores' data (issue 8).
AUDITED = [
    "representatives.Deputy",
    "representatives.Membership",
    "representatives.ActivityRecord",
    "representatives.HandlingUnit",
    "liaison_stations.Station",
    "liaison_stations.StationMember",
    "liaison_stations.DutyDay",
    "liaison_stations.DutyShift",
    "liaison_stations.Opinion",
    "liaison_stations.Supervision",
    "suggestions.Suggestion",
    "suggestions.CoSigner",
    "suggestions.Assignment",
    "suggestions.Reply",
    "suggestions.Evaluation",
    "suggestions.UnitRating",
    "suggestions.Supervision",
    "evaluations.Score",
    "evaluations.ScoreAdjustment",
    "evaluations.RuleSet",
    "evaluations.RuleItem",
]


@pytest.mark.parametrize("label", AUDITED)
def test_every_model_with_the_offices_data_is_audited_and_scoped(label):
    model = apps.get_model(label)

    assert auditlog.contains(model)
    assert model in AUDIT_SCOPES


@pytest.fixture
def superuser(regions):
    return UserFactory(username="root", is_superuser=True)


def deputy_form(deputy, **changes):
    data = {
        "code": deputy.code,
        "name": deputy.name,
        "gender": deputy.gender,
        "ethnicity": deputy.ethnicity,
        "party": deputy.party,
        "region": deputy.region_id,
        "work_unit": deputy.work_unit,
        "post": deputy.post,
        "phone": deputy.phone,
        "email": deputy.email,
        "id_number": deputy.id_number,
        "home_address": deputy.home_address,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_an_admin_change_records_the_actor_the_time_and_before_and_after(client, staff_a, regions):
    deputy = DeputyFactory(region=regions.town_a, work_unit="旧单位")
    client.force_login(staff_a)

    response = client.post(
        reverse("admin:representatives_deputy_change", args=[deputy.pk]), deputy_form(deputy, work_unit="新单位")
    )

    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(deputy).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff_a
    assert entry.timestamp is not None
    assert entry.changes_dict["work_unit"] == ["旧单位", "新单位"]
    assert entry.additional_data == {REGION_KEY: regions.town_a.path}


def test_a_deletion_keeps_its_history_readable_by_the_deputys_office(client, staff_a, staff_b, regions):
    deputy = DeputyFactory(region=regions.town_a, name="将删除的代表")
    client.force_login(staff_a)

    response = client.post(reverse("admin:representatives_deputy_delete", args=[deputy.pk]), {"post": "yes"})

    assert response.status_code == 302
    entry = LogEntry.objects.get(object_repr__contains="将删除的代表", action=LogEntry.Action.DELETE)
    assert entry.actor == staff_a
    assert entry.changes_dict["name"] == ["将删除的代表", "None"]
    changelist = reverse("admin:auditlog_logentry_changelist")
    assert "将删除的代表" in client.get(changelist, {"action": LogEntry.Action.DELETE}).text
    client.force_login(staff_b)
    assert "将删除的代表" not in client.get(changelist, {"action": LogEntry.Action.DELETE}).text


def test_each_office_reads_the_history_of_its_own_region_only(client, staff_a, city_staff, regions):
    DeputyFactory(region=regions.town_a, name="甲县代表")
    DeputyFactory(region=regions.town_b, name="乙县代表")
    other = LogEntry.objects.get(object_repr__contains="乙县代表")
    changelist = reverse("admin:auditlog_logentry_changelist")

    client.force_login(staff_a)
    page = client.get(changelist).text
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[other.pk]))

    assert "甲县代表" in page
    assert "乙县代表" not in page
    assert detail.status_code != 200
    client.force_login(city_staff)
    page = client.get(changelist).text
    assert "甲县代表" in page
    assert "乙县代表" in page


def test_history_without_a_region_is_for_superusers_only(client, staff_a, superuser, regions):
    UserFactory(username="no_region_user")
    changelist = reverse("admin:auditlog_logentry_changelist")

    client.force_login(staff_a)
    assert "no_region_user" not in client.get(changelist).text
    client.force_login(superuser)
    assert "no_region_user" in client.get(changelist).text


def test_deputies_and_leaders_cannot_open_the_history(client, deputy_user_a):
    client.force_login(deputy_user_a)

    response = client.get(reverse("admin:auditlog_logentry_changelist"))

    assert response.status_code == 302  # to the admin login: not an admin user at all


@pytest.fixture
def audit_rows(regions, staff_a):
    """One row of each kind of audit record, all in county A."""
    deputy = DeputyFactory(region=regions.town_a, name="甲县代表")
    record = ActivityRecordFactory(deputy=deputy)
    return {
        "auditlog_logentry": LogEntry.objects.get_for_object(deputy).get(),
        "representatives_statelog": record_transition(obj=record, from_state="pending", to_state="confirmed", by=None),
        "representatives_exportlog": record_export(user=staff_a, export="代表名册", rows=1, personal_rows=1),
    }


AUDIT_ADMINS = ["auditlog_logentry", "representatives_statelog", "representatives_exportlog"]


@pytest.mark.parametrize("admin_name", AUDIT_ADMINS)
def test_no_one_adds_changes_or_deletes_audit_rows_in_the_admin_not_even_a_superuser(
    client, superuser, audit_rows, admin_name
):
    row = audit_rows[admin_name]
    model = type(row)
    before = model.objects.count()
    client.force_login(superuser)

    add = client.post(reverse(f"admin:{admin_name}_add"), {})
    change = client.post(reverse(f"admin:{admin_name}_change", args=[row.pk]), {"note": "改写", "export": "改写"})
    delete = client.post(reverse(f"admin:{admin_name}_delete", args=[row.pk]), {"post": "yes"})
    bulk = client.post(
        reverse(f"admin:{admin_name}_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    changelist = client.get(reverse(f"admin:{admin_name}_changelist"))

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert model.objects.count() == before
    row.refresh_from_db()
    assert str(row) == str(model.objects.get(pk=row.pk))
    assert changelist.status_code == 200
    assert 'name="action"' not in changelist.text  # no delete action, nor any other
    assert "改写" not in str(model.objects.filter(pk=row.pk).values().get())


@pytest.mark.parametrize("admin_name", AUDIT_ADMINS)
def test_office_staff_read_their_regions_audit_rows(client, staff_a, staff_b, audit_rows, admin_name):
    row = audit_rows[admin_name]
    url = reverse(f"admin:{admin_name}_change", args=[row.pk])

    client.force_login(staff_a)
    assert client.get(url).status_code == 200
    client.force_login(staff_b)
    assert client.get(url).status_code != 200
