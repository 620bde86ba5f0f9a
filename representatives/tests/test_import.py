import datetime
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from representatives.models import ActivityRecord, Deputy, Membership, StateLog
from representatives.resources import (
    REQUIRED_COLUMNS,
    ActivityResource,
    DeputyDirectoryResource,
    RosterResource,
    export_response,
    import_roster,
)
from representatives.tests.conftest import FEMALE_ID_NUMBER, ROSTER_HEADERS, roster_row, roster_upload
from representatives.tests.factories import (
    ActivityRecordFactory,
    DeputyFactory,
    LeaderFactory,
    MembershipFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster_setup(regions, congress_a, congress_b, city_congress, groups):
    return regions


def written_counts():
    return (
        Deputy.objects.count(),
        Membership.objects.count(),
        LogEntry.objects.count(),
        StateLog.objects.count(),
    )


def assert_refused(outcome, before, *fragments):
    assert not outcome.ok
    text = "\n".join(outcome.errors)
    for fragment in fragments:
        assert fragment in text, text
    assert written_counts() == before


# --- good files ---------------------------------------------------------------------------------------


def test_a_good_roster_creates_each_deputy_and_seat(roster_setup, staff_a, groups):
    upload = roster_upload(
        [
            roster_row(),
            roster_row(
                **{
                    "代表编号": "D0002",
                    "姓名": "王芳",
                    "性别": "F",
                    "身份证号": FEMALE_ID_NUMBER,
                    "选举方式": "indirect",
                    "代表小组": "",
                }
            ),
        ]
    )

    outcome = import_roster(upload, user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["new"] == 2
    li = Deputy.objects.get(code="D0001")
    assert (li.name, li.gender, li.birth_date, li.region.code) == ("李四", "M", datetime.date(1970, 2, 3), "440703001")
    assert li.phone_public is False
    seat = li.memberships.get()
    assert seat.congress.code == "440703-16"
    assert seat.representative_group == groups.town_a
    assert seat.professional_group == groups.city_finance
    wang = Membership.objects.get(deputy__code="D0002")
    assert wang.deputy.gender == "F"
    assert wang.election == Membership.Election.INDIRECT
    assert wang.representative_group is None


def test_a_dry_run_previews_without_writing_anything(roster_setup, staff_a):
    before = written_counts()

    outcome = import_roster(roster_upload([roster_row()]), user=staff_a, dry_run=True)

    assert outcome.ok, outcome.errors
    assert outcome.totals["new"] == 1
    assert written_counts() == before


def test_reimporting_the_same_roster_updates_rows_instead_of_duplicating_them(roster_setup, staff_a):
    rows = [
        roster_row(),
        roster_row(
            **{
                "代表编号": "D0002",
                "姓名": "王芳",
                "性别": "女",
                "身份证号": FEMALE_ID_NUMBER,
            }
        ),
    ]
    assert import_roster(roster_upload(rows), user=staff_a).ok

    rows[0].update({"姓名": "李四明", "状态": "辞职", "状态日期": "2024-05-06"})
    outcome = import_roster(roster_upload(rows), user=staff_a)

    assert outcome.ok, outcome.errors
    assert (outcome.totals["update"], outcome.totals["skip"], outcome.totals["new"]) == (1, 1, 0)
    assert Deputy.objects.count() == 2
    assert Membership.objects.count() == 2
    seat = Membership.objects.select_related("deputy").get(deputy__code="D0001")
    assert seat.deputy.name == "李四明"
    assert (seat.status, seat.status_date) == (Membership.Status.RESIGNED, datetime.date(2024, 5, 6))


def test_an_unchanged_roster_imported_again_writes_no_history(roster_setup, staff_a):
    assert import_roster(roster_upload([roster_row()]), user=staff_a).ok
    before = written_counts()

    outcome = import_roster(roster_upload([roster_row()]), user=staff_a)

    assert outcome.ok
    assert outcome.totals["skip"] == 1
    assert written_counts() == before


def test_one_person_with_seats_in_two_congresses_stays_one_deputy(roster_setup, city_staff):
    upload = roster_upload(
        [roster_row(), roster_row(**{"届别代码": "4407-16", "代表小组": "", "选举方式": "间接选举"})],
    )

    outcome = import_roster(upload, user=city_staff)

    assert outcome.ok, outcome.errors
    assert Deputy.objects.filter(code="D0001").count() == 1
    assert Membership.objects.filter(deputy__code="D0001").count() == 2


def test_a_gbk_csv_from_chinese_excel_imports_like_an_xlsx(roster_setup, staff_a):
    upload = roster_upload([roster_row()], file_format="csv", encoding="gb18030")

    outcome = import_roster(upload, user=staff_a)

    assert outcome.ok, outcome.errors
    assert Deputy.objects.get(code="D0001").name == "李四"


def test_optional_columns_may_be_left_out_of_the_file(roster_setup, staff_a):
    headers = [*REQUIRED_COLUMNS, "性别"]

    outcome = import_roster(roster_upload([roster_row()], headers=headers), user=staff_a)

    assert outcome.ok, outcome.errors
    deputy = Deputy.objects.get(code="D0001")
    assert deputy.ethnicity == "汉族"
    assert deputy.id_number == ""


def test_excel_date_cells_and_numeric_codes_are_read_as_dates_and_text(roster_setup, staff_a):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ROSTER_HEADERS)
    row = roster_row(**{"出生日期": datetime.datetime(1970, 2, 3), "所在区域代码": 440703001, "联系电话": 13800000001})
    sheet.append([row[header] for header in ROSTER_HEADERS])
    content = io.BytesIO()
    book.save(content)

    outcome = import_roster(SimpleUploadedFile("名册.xlsx", content.getvalue()), user=staff_a)

    assert outcome.ok, outcome.errors
    deputy = Deputy.objects.get(code="D0001")
    assert deputy.birth_date == datetime.date(1970, 2, 3)
    assert deputy.phone == "13800000001"


# --- bad rows: the whole file is refused and nothing is written -----------------------------------------


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        ({"届别代码": "9999-99"}, ["第 3 行", "“届别代码”列", "届别代码“9999-99”不存在"]),
        ({"所在区域代码": "000000"}, ["第 3 行", "“所在区域代码”列", "区域代码“000000”不存在"]),
        ({"出生日期": "1970-13-45"}, ["第 3 行", "“出生日期”列", "日期“1970-13-45”不存在"]),
        ({"代表小组": "不存在的小组"}, ["第 3 行", "“代表小组”列", "找不到名为“不存在的小组”的代表小组"]),
        ({"性别": "未知"}, ["第 3 行", "“性别”列", "不是有效的选项"]),
        ({"状态": "辞职"}, ["第 3 行", "“状态日期”列", "必须填写日期"]),
        ({"姓名": ""}, ["第 3 行", "“姓名”列", "必须填写"]),
    ],
    ids=[
        "unknown congress",
        "unknown region",
        "bad date",
        "unknown group",
        "bad gender",
        "end without date",
        "no name",
    ],
)
def test_one_bad_row_refuses_the_whole_file_with_its_line_and_column(roster_setup, staff_a, override, fragments):
    before = written_counts()
    upload = roster_upload([roster_row(**{"代表编号": "D0009"}), roster_row(**override)])

    outcome = import_roster(upload, user=staff_a)

    assert_refused(outcome, before, *fragments)


def test_the_same_deputy_twice_in_one_congress_is_refused_on_the_second_line(roster_setup, staff_a):
    before = written_counts()
    upload = roster_upload([roster_row(), roster_row(**{"姓名": "另一个名字"})])

    outcome = import_roster(upload, user=staff_a)

    assert_refused(outcome, before, "第 3 行", "“代表编号”列", "与第 2 行重复")


def test_line_numbers_count_the_blank_lines_the_user_sees(roster_setup, staff_a):
    before = written_counts()
    upload = roster_upload([roster_row(), {}, roster_row(**{"代表编号": "D0002", "届别代码": "nope"})])

    outcome = import_roster(upload, user=staff_a)

    assert_refused(outcome, before, "第 4 行")


# --- bad files: refused before any row is read --------------------------------------------------------


@pytest.mark.parametrize("column", REQUIRED_COLUMNS)
def test_a_file_missing_a_required_column_is_refused_as_a_whole(roster_setup, staff_a, column):
    before = written_counts()
    headers = [header for header in ROSTER_HEADERS if header != column]

    outcome = import_roster(roster_upload([roster_row()], headers=headers), user=staff_a)

    assert_refused(outcome, before, "文件缺少必需的列", column)


def test_a_file_with_headers_but_no_rows_is_refused(roster_setup, staff_a):
    before = written_counts()

    outcome = import_roster(roster_upload([]), user=staff_a)

    assert_refused(outcome, before, "没有数据行")


def test_a_zero_byte_file_is_refused(roster_setup, staff_a):
    before = written_counts()

    outcome = import_roster(SimpleUploadedFile("名册.xlsx", b""), user=staff_a)

    assert_refused(outcome, before, "是空的")


def test_a_picture_renamed_to_xlsx_is_refused_as_not_a_spreadsheet(roster_setup, staff_a):
    before = written_counts()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200

    outcome = import_roster(SimpleUploadedFile("名册.xlsx", png), user=staff_a)

    assert_refused(outcome, before, "不是有效的 Excel")


def test_a_zip_that_is_not_a_workbook_is_refused_as_not_a_spreadsheet(roster_setup, staff_a):
    import zipfile

    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("readme.txt", "hello")
    before = written_counts()

    outcome = import_roster(SimpleUploadedFile("名册.xlsx", content.getvalue()), user=staff_a)

    assert_refused(outcome, before, "不是有效的 Excel")


def test_a_text_file_is_refused_by_its_type(roster_setup, staff_a):
    before = written_counts()

    outcome = import_roster(SimpleUploadedFile("名册.txt", "代表编号,姓名\nD1,张三\n".encode()), user=staff_a)

    assert_refused(outcome, before, "只能导入 Excel（.xlsx）或 CSV 文件")


def test_a_binary_file_named_csv_is_refused(roster_setup, staff_a):
    before = written_counts()

    outcome = import_roster(SimpleUploadedFile("名册.csv", b"\x89PNG\r\n\x1a\n\x00\x00"), user=staff_a)

    assert_refused(outcome, before, "不是文本文件")


def test_an_oversized_file_is_refused_before_it_is_read(roster_setup, staff_a, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1024
    before = written_counts()

    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("an oversized file must not be read")

    upload = Unreadable("名册.xlsx", b"x" * 2048)

    outcome = import_roster(upload, user=staff_a)

    assert_refused(outcome, before, "超过大小上限")


# --- region scope -------------------------------------------------------------------------------------


def test_staff_of_county_a_cannot_import_deputies_into_county_b(roster_setup, staff_a):
    before = written_counts()
    row = roster_row(**{"所在区域代码": "440781001", "届别代码": "440781-16", "代表小组": ""})

    outcome = import_roster(roster_upload([row]), user=staff_a)

    assert_refused(outcome, before, "“所在区域代码”列：区域“台城街道”不在您的管辖范围内", "“届别代码”列")


def test_staff_of_county_a_cannot_take_over_a_county_b_deputy_by_code(roster_setup, staff_a, regions):
    DeputyFactory(code="D0001", region=regions.town_b)
    before = written_counts()

    outcome = import_roster(roster_upload([roster_row()]), user=staff_a)

    assert_refused(outcome, before, "“代表编号”列", "管辖范围以外")
    assert Deputy.objects.get(code="D0001").region == regions.town_b


def test_an_unchanged_row_outside_the_users_region_is_refused_not_skipped(roster_setup, staff_a, staff_b, regions):
    row = roster_row(**{"所在区域代码": "440781001", "届别代码": "440781-16", "代表小组": ""})
    assert import_roster(roster_upload([row]), user=staff_b).ok
    before = written_counts()

    outcome = import_roster(roster_upload([row]), user=staff_a)

    assert_refused(outcome, before, "不在您的管辖范围内")


def test_a_deputy_must_live_inside_the_congress_region(roster_setup, city_staff):
    before = written_counts()
    row = roster_row(**{"所在区域代码": "440781001", "代表小组": ""})

    outcome = import_roster(roster_upload([row]), user=city_staff)

    assert_refused(outcome, before, "不属于")


def test_city_staff_may_import_into_every_county_of_the_city(roster_setup, city_staff):
    rows = [
        roster_row(),
        roster_row(**{"代表编号": "D0002", "所在区域代码": "440781001", "届别代码": "440781-16", "代表小组": ""}),
    ]

    outcome = import_roster(roster_upload(rows), user=city_staff)

    assert outcome.ok, outcome.errors
    assert Membership.objects.count() == 2


def test_someone_who_is_not_office_staff_cannot_import(roster_setup, deputy_user_a):
    before = written_counts()

    outcome = import_roster(roster_upload([roster_row()]), user=deputy_user_a)

    assert_refused(outcome, before, "只有代表工作人员")


# --- export -------------------------------------------------------------------------------------------


def test_an_exported_roster_imports_back_unchanged(roster_setup, staff_a, groups, congress_a, regions):
    for n in range(3):
        MembershipFactory(
            deputy=DeputyFactory(region=regions.town_a, gender="M", phone_public=n == 0),
            congress=congress_a,
            representative_group=groups.town_a,
            election=Membership.Election.INDIRECT,
        )
    # Exported by staff of the deputies' region, so nothing is masked that the import would then write back.
    response = export_response(RosterResource(user=staff_a), Membership.objects.all(), "代表名册")
    before = written_counts()

    outcome = import_roster(SimpleUploadedFile("代表名册.xlsx", response.content), user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["skip"] == 3
    assert written_counts() == before


def test_the_roster_export_has_the_chinese_columns_and_labels(roster_setup, congress_a, regions):
    MembershipFactory(deputy=DeputyFactory(region=regions.town_a, code="D7", gender="F"), congress=congress_a)

    dataset = RosterResource().export(queryset=Membership.objects.all())

    assert dataset.headers == ROSTER_HEADERS
    row = dataset.dict[0]
    assert (row["代表编号"], row["性别"], row["届别代码"], row["所在区域代码"]) == (
        "D7",
        "女",
        "440703-16",
        "440703001",
    )
    assert (row["选举方式"], row["状态"], row["公开电话"]) == ("直接选举", "在任", "否")


def test_export_response_names_the_file_in_chinese_per_rfc_5987(roster_setup, congress_a):
    response = export_response(DeputyDirectoryResource, Deputy.objects.all(), "代表通讯录", file_format="xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E9%80%9A%E8%AE%AF%E5%BD%95.xlsx" in disposition


def test_a_csv_export_starts_with_a_bom_so_excel_reads_chinese(regions):
    DeputyFactory(region=regions.town_a, name="张三")

    response = export_response(DeputyDirectoryResource, Deputy.objects.all(), "通讯录.csv", file_format="csv")

    assert response["Content-Type"] == "text/csv"
    assert response.content.startswith("\ufeff代表编号".encode())
    assert "张三" in response.content.decode("utf-8-sig")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"export.csv\"; filename*=UTF-8''%E9%80%9A%E8%AE%AF%E5%BD%95.csv"
    )


def test_an_unknown_export_format_is_a_programming_error(regions):
    with pytest.raises(ValueError, match="unsupported"):
        export_response(DeputyDirectoryResource, Deputy.objects.none(), "x", file_format="pdf")


def test_the_directory_export_joins_each_deputys_congresses(roster_setup, staff_a, congress_a, city_congress, regions):
    deputy = DeputyFactory(region=regions.town_a, code="D1", phone="13900000000")
    MembershipFactory(deputy=deputy, congress=congress_a)
    MembershipFactory(deputy=deputy, congress=city_congress, status="resigned", status_date=datetime.date(2024, 1, 1))
    gone = DeputyFactory(region=regions.town_a, code="D2")
    MembershipFactory(deputy=gone, congress=congress_a, status="terminated", status_date=datetime.date(2023, 1, 1))

    dataset = DeputyDirectoryResource(user=staff_a).export(queryset=Deputy.objects.all())

    rows = {row["代表编号"]: row for row in dataset.dict}
    assert rows["D1"]["届别"] == "江门市第十六届人民代表大会、蓬江区第十六届人民代表大会"
    assert rows["D1"]["状态"] == "在任"
    assert rows["D1"]["联系电话"] == "13900000000"
    assert rows["D1"]["所在区域"] == "白沙街道"
    assert rows["D2"]["状态"] == "终止资格"


@pytest.mark.parametrize(
    ("downloader", "published", "expected"),
    [
        ("staff", False, "13900000000"),
        ("leader", False, "139****0000"),
        ("leader", True, "13900000000"),
        (None, False, "139****0000"),
    ],
)
def test_the_directory_gives_an_unpublished_phone_in_full_only_to_office_staff(
    regions, downloader, published, expected
):
    DeputyFactory(region=regions.town_a, phone="13900000000", phone_public=published)
    user = {"staff": StaffFactory, "leader": LeaderFactory}[downloader](region=regions.city) if downloader else None

    dataset = DeputyDirectoryResource(user=user).export(queryset=Deputy.objects.all())

    assert dataset.dict[0]["联系电话"] == expected


def test_the_activity_export_has_the_review_columns(regions):
    reviewer = StaffFactory(region=regions.county_a, username="reviewer", last_name="审", first_name="核")
    ActivityRecordFactory(
        deputy=DeputyFactory(region=regions.town_a, name="张三", code="D1"),
        status=ActivityRecord.Status.RETURNED,
        return_reason="请补充照片",
        reviewed_by=reviewer,
        reviewed_at=datetime.datetime(2025, 3, 2, 1, 30, tzinfo=datetime.UTC),
    )

    dataset = ActivityResource().export(queryset=ActivityRecord.objects.all())

    assert dataset.headers == [
        "代表",
        "编号",
        "类型",
        "日期",
        "地点",
        "内容",
        "状态",
        "退回理由",
        "审核人",
        "审核时间",
        "登记时间",
    ]
    row = dataset.dict[0]
    assert (row["代表"], row["编号"], row["类型"], row["状态"]) == ("张三", "D1", "调研", "已退回")
    assert (row["退回理由"], row["审核人"], row["审核时间"]) == ("请补充照片", "审核", "2025-03-02 09:30")


def test_exported_text_that_looks_like_a_formula_is_defused(regions):
    ActivityRecordFactory(deputy=DeputyFactory(region=regions.town_a), place='=HYPERLINK("http://x")')

    dataset = ActivityResource().export(queryset=ActivityRecord.objects.all())

    assert dataset.dict[0]["地点"].startswith("'=")


def _export_queries(resource, queryset):
    with CaptureQueriesContext(connection) as context:
        export_response(resource, queryset, "x")
    return len(context)


def test_the_exports_take_the_same_number_of_queries_for_few_or_many_rows(
    roster_setup, congress_a, city_congress, regions
):
    def add_deputies(count):
        for _ in range(count):
            deputy = DeputyFactory(region=regions.town_a)
            MembershipFactory(deputy=deputy, congress=congress_a)
            MembershipFactory(deputy=deputy, congress=city_congress)
            ActivityRecordFactory(deputy=deputy, reviewed_by=StaffFactory(region=regions.county_a))

    add_deputies(5)
    few = [
        _export_queries(resource, model.objects.all())
        for resource, model in (
            (DeputyDirectoryResource, Deputy),
            (RosterResource, Membership),
            (ActivityResource, ActivityRecord),
        )
    ]
    add_deputies(40)
    many = [
        _export_queries(resource, model.objects.all())
        for resource, model in (
            (DeputyDirectoryResource, Deputy),
            (RosterResource, Membership),
            (ActivityResource, ActivityRecord),
        )
    ]

    assert many == few
