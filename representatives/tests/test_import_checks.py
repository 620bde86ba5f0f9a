"""The roster import checks each distinct value once per file: the rules and their messages must be those of a
row-by-row check, on every row a bad value appears in, and the history rows written as values must be those
auditlog's own models would store."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from core import copy_insert
from representatives.audit import REGION_KEY
from representatives.models import Deputy, Group, Membership
from representatives.resources import ModelChecks, import_roster
from representatives.tests.conftest import FEMALE_ID_NUMBER, roster_row, roster_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster_setup(regions, congress_a, city_congress, groups):
    return regions


def full_clean_errors(instance, exclude) -> dict:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def checks_errors(checks, instance, exclude) -> dict:
    errors = checks.errors(instance, exclude)
    return ValidationError(errors).message_dict if errors else {}


def test_the_checks_find_what_full_clean_finds_with_the_same_messages(regions, congress_a):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    deputies = [
        Deputy(code="A1", name="甲", gender="M", region=regions.town_a),
        Deputy(code="A2", name="乙" * 51, gender="", region=regions.town_a, work_unit="单" * 201),
        Deputy(code="A3", name="丙", gender="X", region=None, birth_date=tomorrow),
        Deputy(code="A4", name="", gender="F", region=regions.town_a, id_number="12345"),
        Deputy(code="A5", name="丁", gender="M", region=regions.town_a, id_number=FEMALE_ID_NUMBER),
        Deputy(code="A6", name="乙" * 51, gender="", region=regions.town_a, work_unit="单" * 201),
    ]
    checks = ModelChecks(Deputy)
    relations = {"region"}
    # Twice over: the second pass reads every value's outcome from what the first one kept.
    for _ in range(2):
        for deputy in deputies:
            exclude = relations if deputy.region_id else set()
            assert checks_errors(checks, deputy, exclude) == full_clean_errors(deputy, exclude), deputy.code
    assert checks_errors(checks, deputies[5], relations)["name"]
    assert "region" in checks_errors(checks, deputies[2], set())


def test_the_checks_of_a_seat_are_full_cleans(regions, congress_a):
    deputy = Deputy(code="S1", name="甲", gender="M", region=regions.town_a)
    wrong_kind = Group.objects.create(kind=Group.Kind.PROFESSIONAL, name="错类小组", region=regions.town_a)
    seats = [
        Membership(deputy=deputy, congress=congress_a),
        Membership(deputy=deputy, congress=congress_a, status=Membership.Status.RESIGNED),
        Membership(deputy=deputy, congress=congress_a, election="other", district="区" * 101),
        Membership(deputy=deputy, congress=congress_a, representative_group=wrong_kind),
    ]
    checks = ModelChecks(Membership)
    for seat in seats * 2:
        exclude = {"deputy", "congress"} | ({"representative_group"} if seat.representative_group_id else set())
        assert checks_errors(checks, seat, exclude) == full_clean_errors(seat, exclude)


def test_a_bad_value_is_reported_on_every_row_that_has_it(roster_setup, staff_a):
    rows = [
        roster_row(**{"代表编号": f"R{i}", "性别": "未知", "出生日期": "2024-02-30", "工作单位": "单" * 201})
        for i in range(3)
    ]

    outcome = import_roster(roster_upload(rows), user=staff_a)

    assert not outcome.ok
    for line in (2, 3, 4):
        on_line = [error for error in outcome.errors if error.startswith(f"第 {line} 行")]
        assert any("“性别”列" in error and "“未知”不是有效的选项" in error for error in on_line), on_line
        assert any("“出生日期”列" in error and "不存在" in error for error in on_line), on_line
        assert any("“工作单位”列" in error for error in on_line), on_line
    assert not Deputy.objects.filter(code__startswith="R").exists()


def test_a_future_birth_date_is_refused_on_each_row(roster_setup, staff_a):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    rows = [roster_row(**{"代表编号": f"F{i}", "出生日期": tomorrow, "身份证号": ""}) for i in range(2)]

    outcome = import_roster(roster_upload(rows), user=staff_a)

    assert [error for error in outcome.errors if "出生日期不能晚于今天" in error] == [
        "第 2 行，“出生日期”列：出生日期不能晚于今天。",
        "第 3 行，“出生日期”列：出生日期不能晚于今天。",
    ]


def test_a_new_rows_preview_still_shows_its_values(roster_setup, staff_a):
    outcome = import_roster(roster_upload([roster_row()]), user=staff_a, dry_run=True)

    assert outcome.ok, outcome.errors
    assert outcome.result is not None
    row = outcome.result.rows[0]
    assert any("李四" in cell for cell in row.diff)


def test_a_row_result_names_its_seat(roster_setup, staff_a):
    outcome = import_roster(roster_upload([roster_row()]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.result is not None
    assert outcome.result.rows[0].object_repr == str(Membership.objects.get(deputy__code="D0001"))


def test_history_rows_written_as_values_are_those_bulk_create_writes(regions, staff_a):
    content_type = ContentType.objects.get_for_model(Deputy)
    awkward = "tab\there, line\nbreak, back\\slash, 引号“”"
    rows = [
        {
            "content_type_id": content_type.pk,
            "object_pk": "7",
            "object_id": 7,
            "object_repr": awkward,
            "action": LogEntry.Action.CREATE,
            "changes": {"name": ["None", awkward], "n": [None, 3]},
            "additional_data": {REGION_KEY: "44/4407"},
        },
        {"content_type_id": content_type.pk, "object_pk": "x", "object_id": None, "object_repr": "", "action": 1},
    ]
    shared = {"actor_id": staff_a.pk, "actor_email": staff_a.email, "remote_addr": "10.0.0.7"}

    ids = copy_insert.insert_rows(LogEntry, rows, shared={**shared, "cid": "values"})
    LogEntry.objects.bulk_create([LogEntry(**shared, **row, cid="django") for row in rows])

    fields = ["object_pk", "object_id", "object_repr", "action", "changes", "additional_data", "remote_addr"]
    fields += ["actor_id", "actor_email", "changes_text", "serialized_data", "content_type_id"]
    stored = LogEntry.objects.filter(cid="values").order_by("pk")
    assert list(stored.values_list("pk", flat=True)) == ids
    assert list(stored.values(*fields)) == list(LogEntry.objects.filter(cid="django").order_by("pk").values(*fields))
    assert all(entry.timestamp is not None for entry in stored)


def test_a_row_that_cannot_be_written_raises_its_own_error(regions, congress_a):
    """On PostgreSQL the COPY text is made while the server reads it; a failure there is the failure itself,
    as bulk_create raises it, not a cancelled COPY."""
    unsaved = Deputy(code="U1", name="甲", gender="M", region=regions.town_a)

    with pytest.raises(ValueError, match="unsaved related object"):
        copy_insert.insert(Membership, [Membership(deputy=unsaved, congress=congress_a)])
