"""A roster import costs a fixed number of queries however many rows it has, and still leaves its history.

A province roster has thousands of rows; at 16 queries a row a 6,000-row file took three minutes.
"""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from representatives.audit import REGION_KEY
from representatives.models import Deputy, Membership
from representatives.resources import import_roster
from representatives.tests.conftest import roster_row, roster_upload

pytestmark = pytest.mark.django_db

# Lookups, a few batched writes and the transaction's savepoints; a query per row would pass it at once.
MAX_QUERIES = 40


@pytest.fixture
def roster_setup(regions, congress_a, city_congress, groups):
    return regions


def rows(count, prefix="D", **overrides):
    # The default row names a representative and a professional group, so group lookups are counted too.
    return [roster_row(**{"代表编号": f"{prefix}{i:05d}", **overrides}) for i in range(count)]


@pytest.mark.parametrize("count", [20, 200])
def test_a_new_roster_takes_the_same_bounded_number_of_queries_for_few_or_many_rows(
    roster_setup, staff_a, django_assert_max_num_queries, count
):
    upload = roster_upload(rows(count))

    with django_assert_max_num_queries(MAX_QUERIES):
        outcome = import_roster(upload, user=staff_a)

    assert outcome.ok, outcome.errors[:3]
    assert outcome.totals["new"] == count
    assert Membership.objects.filter(representative_group__isnull=False, professional_group__isnull=False).count() == (
        count
    )


@pytest.mark.parametrize("count", [20, 200])
def test_reimporting_a_changed_roster_takes_a_bounded_number_of_queries(
    roster_setup, staff_a, django_assert_max_num_queries, count
):
    assert import_roster(roster_upload(rows(count)), user=staff_a).ok
    changed = rows(count, **{"工作单位": "新单位", "状态": "辞职", "状态日期": "2024-05-06"})

    with django_assert_max_num_queries(MAX_QUERIES):
        outcome = import_roster(roster_upload(changed), user=staff_a)

    assert outcome.ok, outcome.errors[:3]
    assert outcome.totals["update"] == count
    assert Deputy.objects.filter(work_unit="新单位").count() == count
    assert Membership.objects.filter(status=Membership.Status.RESIGNED, status_date__isnull=False).count() == count


def test_a_bulk_import_writes_one_history_row_per_created_deputy_and_seat(roster_setup, staff_a, regions):
    outcome = import_roster(roster_upload(rows(3)), user=staff_a)

    assert outcome.ok, outcome.errors
    for model in (Deputy, Membership):
        entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
        assert entries.count() == 3
        assert set(entries.values_list("action", flat=True)) == {LogEntry.Action.CREATE}
        assert set(entries.values_list("object_id", flat=True)) == set(model.objects.values_list("pk", flat=True))
        for entry in entries:
            # Who imported, and the region the office's history view filters on.
            assert entry.actor == staff_a
            assert entry.additional_data == {REGION_KEY: regions.town_a.path}
    deputy = Deputy.objects.get(code="D00001")
    entry = LogEntry.objects.get_for_object(deputy).get()
    assert entry.changes["name"][1] == "李四"
    assert entry.changes["code"][1] == "D00001"


def test_a_reimport_records_only_what_changed_and_nothing_for_unchanged_rows(roster_setup, staff_a):
    original = rows(3)
    assert import_roster(roster_upload(original), user=staff_a).ok
    before = LogEntry.objects.count()
    original[1] = {**original[1], "姓名": "李四明"}
    original[2] = {**original[2], "选区": "第二选区"}

    outcome = import_roster(roster_upload(original), user=staff_a)

    assert outcome.ok, outcome.errors
    assert (outcome.totals["update"], outcome.totals["skip"]) == (2, 1)
    new_entries = LogEntry.objects.order_by("pk")[before:]
    assert [(entry.content_type.model, entry.action, entry.changes) for entry in new_entries] == [
        ("deputy", LogEntry.Action.UPDATE, {"name": ["李四", "李四明"]}),
        ("membership", LogEntry.Action.UPDATE, {"district": ["第一选区", "第二选区"]}),
    ]
    assert Deputy.objects.get(code="D00001").name == "李四明"
    assert Membership.objects.get(deputy__code="D00002").district == "第二选区"


def test_a_refused_bulk_import_writes_neither_rows_nor_history(roster_setup, staff_a):
    bad = rows(50)
    bad[40]["所在区域代码"] = "999999"
    before = (Deputy.objects.count(), Membership.objects.count(), LogEntry.objects.count())

    outcome = import_roster(roster_upload(bad), user=staff_a)

    assert not outcome.ok
    assert any("第 42 行" in error and "999999" in error for error in outcome.errors), outcome.errors
    assert (Deputy.objects.count(), Membership.objects.count(), LogEntry.objects.count()) == before


def test_a_new_deputy_on_two_rows_is_created_once_with_both_seats(roster_setup, city_staff):
    upload = roster_upload(
        [
            roster_row(**{"代表编号": "N1"}),
            roster_row(**{"代表编号": "N1", "届别代码": "4407-16", "代表小组": "", "工作单位": "市单位"}),
        ]
    )

    outcome = import_roster(upload, user=city_staff)

    assert outcome.ok, outcome.errors
    deputy = Deputy.objects.get(code="N1")
    # The later row's details win, as when the rows were written one by one.
    assert deputy.work_unit == "市单位"
    assert sorted(deputy.memberships.values_list("congress__code", flat=True)) == ["4407-16", "440703-16"]
    assert LogEntry.objects.get_for_object(deputy).count() == 1


def test_an_import_during_a_request_records_the_requests_actor_and_address(roster_setup, staff_a):
    from auditlog.context import set_actor

    with set_actor(staff_a, remote_addr="10.0.0.7"):
        assert import_roster(roster_upload(rows(2)), user=staff_a).ok

    entries = LogEntry.objects.filter(content_type__model__in=["deputy", "membership"])
    assert entries.count() == 4
    assert {(entry.actor_id, entry.remote_addr) for entry in entries} == {(staff_a.pk, "10.0.0.7")}


def test_the_history_of_a_created_row_is_what_auditlog_itself_records(roster_setup, staff_a):
    from auditlog.diff import model_instance_diff

    from representatives.resources import creation_changes

    assert import_roster(roster_upload(rows(2)), user=staff_a).ok

    for instance in (Deputy.objects.get(code="D00001"), Membership.objects.get(deputy__code="D00001")):
        assert creation_changes(instance) == model_instance_diff(None, instance)


def test_the_history_of_created_rows_matches_auditlog_field_by_field_whatever_the_first_row_had(roster_setup, staff_a):
    """The fields auditlog would compare are worked out once per model, from whichever row comes first: a later
    row with values where the first had none (or the reverse) must still be recorded as auditlog records it."""
    from auditlog.diff import model_instance_diff

    from representatives import resources

    sparse = rows(1, prefix="S", **{"民族": "", "联系电话": "", "家庭住址": "", "代表小组": "", "专业小组": ""})
    full = rows(1, prefix="F")
    assert import_roster(roster_upload(sparse + full), user=staff_a).ok
    for first, second in (("S00000", "F00000"), ("F00000", "S00000")):
        resources._CREATION_DIFFS.clear()
        resources._REVERSE_CHANGES.clear()
        for code in (first, second):
            for instance in (Deputy.objects.get(code=code), Membership.objects.get(deputy__code=code)):
                concrete = [field.name for field in type(instance)._meta.concrete_fields]
                changes = resources.creation_changes(instance)
                assert changes == model_instance_diff(None, instance)
                # The stored JSON keeps auditlog's order of the fields too.
                in_order = model_instance_diff(None, instance, fields_to_check=concrete)
                assert [item for item in changes.items() if item[0] in concrete] == list(in_order.items())


def test_rows_written_by_copy_are_those_bulk_create_writes(regions):
    """On PostgreSQL the import writes with COPY (core.copy_insert); elsewhere with bulk_create. Either way the
    stored rows must be what bulk_create stores, awkward text, empty values and JSON included."""
    from core import copy_insert
    from representatives.tests.factories import DeputyFactory

    awkward = "tab\there, line\nbreak, back\\slash, 引号“”"

    def deputies(prefix):
        built = [
            DeputyFactory.build(code=f"{prefix}1", name="甲", region=regions.town_a, work_unit=awkward, ethnicity=""),
            DeputyFactory.build(
                code=f"{prefix}2", name="乙", region=regions.town_a, birth_date=None, phone_public=True
            ),
        ]
        return built

    def entries(deputy, cid):
        content_type = ContentType.objects.get_for_model(Deputy)
        return [
            LogEntry(
                content_type=content_type,
                object_pk=str(deputy.pk),
                object_id=deputy.pk,
                object_repr=awkward,
                action=LogEntry.Action.CREATE,
                changes={"name": ["None", awkward], "n": [None, 3]},
                additional_data={REGION_KEY: "44/4407"},
                cid=cid,
                remote_addr=None,
            ),
            LogEntry(content_type=content_type, object_pk="x", object_id=None, object_repr="", action=1, cid=cid),
        ]

    by_copy = copy_insert.insert(Deputy, deputies("C"))
    by_django = Deputy.objects.bulk_create(deputies("B"))
    assert all(deputy.pk is not None for deputy in by_copy)

    def stored(deputy):
        row = Deputy.objects.filter(pk=deputy.pk).values().get()
        for differs in ("id", "code", "public_id", "created_at", "updated_at"):
            del row[differs]
        return row

    assert [stored(d) for d in by_copy] == [stored(d) for d in by_django]
    copy_insert.insert(LogEntry, entries(by_copy[0], "copy"))
    LogEntry.objects.bulk_create(entries(by_copy[0], "django"))
    fields = ["object_pk", "object_id", "object_repr", "action", "changes", "additional_data", "remote_addr"]
    assert list(LogEntry.objects.filter(cid="copy").order_by("pk").values(*fields)) == list(
        LogEntry.objects.filter(cid="django").order_by("pk").values(*fields)
    )
