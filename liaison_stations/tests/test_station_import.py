import datetime
import io

import openpyxl
import pytest
import tablib
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison_stations.models import StarRule, Station, StationMember
from liaison_stations.resources import REQUIRED_COLUMNS, StationResource, import_stations
from liaison_stations.tests.factories import StationFactory, StationMemberFactory
from representatives.resources import export_response
from representatives.tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db

STATION_HEADERS = [field.column_name for field in StationResource().get_export_fields()]


def station_row(**overrides):
    """One valid row for a station in township A with deputies D1 and D2; keyword arguments replace columns."""
    row = {
        "区域代码": "440703001",
        "名称": "白沙代表联络站",
        "类型": "代表联络站",
        "地址": "白沙街道一号",
        "开放时间": "每周三 9:00-12:00",
        "负责人": "陈主任",
        "联系电话": "0750-1234567",
        "星级": "3",
        "在用": "是",
        "编入代表编号": "D1、D2",
    }
    row.update(overrides)
    return row


def station_upload(rows, *, headers=None, file_format="xlsx", name=None, encoding="utf-8"):
    headers = headers or STATION_HEADERS
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([row.get(header, "") for header in headers])
    content = dataset.export("xlsx") if file_format == "xlsx" else dataset.export("csv").encode(encoding)
    return SimpleUploadedFile(name or f"联络站.{file_format}", content)


@pytest.fixture
def deputies(regions):
    """D1–D3 in township A, D9 in township B."""
    return {
        code: DeputyFactory(code=code, region=region)
        for code, region in (
            ("D1", regions.town_a),
            ("D2", regions.town_a),
            ("D3", regions.town_a),
            ("D9", regions.town_b),
        )
    }


@pytest.fixture(autouse=True)
def stars_need_no_checks(regions):
    """These tests are about files; the star rule has its own (test_star_rule.py). Here the province's rule
    asks for no "七有" checks, so that the rows may carry any rating."""
    StarRule.objects.create(region=regions.province, **dict.fromkeys(StarRule.STAR_FIELDS, 0))


def written_counts():
    return Station.objects.count(), StationMember.objects.count(), LogEntry.objects.count()


def member_codes(station_name):
    return set(StationMember.objects.filter(station__name=station_name).values_list("deputy__code", flat=True))


def assert_refused(outcome, before, *fragments):
    assert not outcome.ok
    text = "\n".join(outcome.errors)
    for fragment in fragments:
        assert fragment in text, text
    assert written_counts() == before


# --- good files ---------------------------------------------------------------------------------------


def test_a_good_file_creates_each_station_with_its_members(staff_a, deputies):
    upload = station_upload(
        [
            station_row(),
            station_row(**{"名称": "白沙代表之家", "类型": "home", "星级": "5星", "编入代表编号": "D3"}),
        ]
    )

    outcome = import_stations(upload, user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["new"] == 2
    station = Station.objects.get(name="白沙代表联络站")
    assert (station.region.code, station.kind, station.star_rating, station.is_active) == (
        "440703001",
        Station.Kind.STATION,
        3,
        True,
    )
    assert (station.address, station.responsible_person, station.contact_phone) == (
        "白沙街道一号",
        "陈主任",
        "0750-1234567",
    )
    assert member_codes("白沙代表联络站") == {"D1", "D2"}
    home = Station.objects.get(name="白沙代表之家")
    assert (home.kind, home.star_rating) == (Station.Kind.HOME, 5)
    assert member_codes("白沙代表之家") == {"D3"}


def test_a_dry_run_previews_without_writing_anything(staff_a, deputies):
    before = written_counts()

    outcome = import_stations(station_upload([station_row()]), user=staff_a, dry_run=True)

    assert outcome.ok, outcome.errors
    assert outcome.totals["new"] == 1
    assert written_counts() == before


def test_reimporting_updates_stations_instead_of_duplicating_them(staff_a, deputies):
    rows = [station_row(), station_row(**{"名称": "白沙代表之家", "编入代表编号": ""})]
    assert import_stations(station_upload(rows), user=staff_a).ok
    first_id = Station.objects.get(name="白沙代表联络站").pk

    rows[0].update({"地址": "白沙街道二号", "星级": "4"})
    outcome = import_stations(station_upload(rows), user=staff_a)

    assert outcome.ok, outcome.errors
    assert (outcome.totals["update"], outcome.totals["skip"], outcome.totals["new"]) == (1, 1, 0)
    assert Station.objects.count() == 2
    station = Station.objects.get(pk=first_id)
    assert (station.address, station.star_rating) == ("白沙街道二号", 4)


def test_an_unchanged_file_imported_again_writes_no_history(staff_a, deputies):
    assert import_stations(station_upload([station_row()]), user=staff_a).ok
    before = written_counts()

    outcome = import_stations(station_upload([station_row()]), user=staff_a)

    assert outcome.ok
    assert outcome.totals["skip"] == 1
    assert written_counts() == before


def test_the_file_sets_a_listed_stations_members_adding_and_removing(staff_a, deputies, regions):
    station = StationFactory(region=regions.town_a, name="白沙代表联络站")
    kept = StationMemberFactory(station=station, deputy=deputies["D2"], assigned_on=datetime.date(2024, 1, 1))
    StationMemberFactory(station=station, deputy=deputies["D1"])

    outcome = import_stations(
        station_upload([station_row(**{"地址": station.address, "编入代表编号": "D2, D3"})]), user=staff_a
    )

    assert outcome.ok, outcome.errors
    assert outcome.totals["update"] == 1
    assert member_codes("白沙代表联络站") == {"D2", "D3"}
    kept.refresh_from_db()
    assert kept.assigned_on == datetime.date(2024, 1, 1)


def test_a_change_of_members_alone_is_an_update_not_a_skip(staff_a, deputies):
    assert import_stations(station_upload([station_row()]), user=staff_a).ok

    outcome = import_stations(station_upload([station_row(**{"编入代表编号": "D1"})]), user=staff_a)

    assert outcome.totals["update"] == 1
    assert member_codes("白沙代表联络站") == {"D1"}


def test_an_empty_members_cell_removes_every_member(staff_a, deputies):
    assert import_stations(station_upload([station_row()]), user=staff_a).ok

    assert import_stations(station_upload([station_row(**{"编入代表编号": ""})]), user=staff_a).ok

    assert member_codes("白沙代表联络站") == set()


def test_without_the_members_column_members_are_left_alone(staff_a, deputies):
    assert import_stations(station_upload([station_row()]), user=staff_a).ok
    headers = [header for header in STATION_HEADERS if header != "编入代表编号"]

    outcome = import_stations(station_upload([station_row(**{"星级": "2"})], headers=headers), user=staff_a)

    assert outcome.ok, outcome.errors
    assert member_codes("白沙代表联络站") == {"D1", "D2"}
    assert Station.objects.get(name="白沙代表联络站").star_rating == 2


def test_codes_may_be_separated_by_any_common_separator(staff_a, deputies):
    row = station_row(**{"编入代表编号": "D1，D2;D3 、D1"})

    outcome = import_stations(station_upload([row]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert member_codes("白沙代表联络站") == {"D1", "D2", "D3"}


def test_blank_star_and_in_use_cells_keep_what_is_there(staff_a, deputies, regions):
    StationFactory(region=regions.town_a, name="白沙代表联络站", star_rating=4, is_active=False)

    outcome = import_stations(station_upload([station_row(**{"星级": "", "在用": ""})]), user=staff_a)

    assert outcome.ok, outcome.errors
    station = Station.objects.get(name="白沙代表联络站")
    assert (station.star_rating, station.is_active) == (4, False)


def test_only_the_required_columns_are_needed_for_an_existing_station(staff_a, deputies, regions):
    StationFactory(region=regions.town_a, name="白沙代表联络站", address="旧址")

    outcome = import_stations(station_upload([station_row()], headers=[*REQUIRED_COLUMNS, "星级"]), user=staff_a)

    assert outcome.ok, outcome.errors
    station = Station.objects.get(name="白沙代表联络站")
    assert (station.address, station.star_rating) == ("旧址", 3)


def test_a_gbk_csv_from_chinese_excel_imports_like_an_xlsx(staff_a, deputies):
    upload = station_upload([station_row()], file_format="csv", encoding="gb18030")

    outcome = import_stations(upload, user=staff_a)

    assert outcome.ok, outcome.errors
    assert Station.objects.get().responsible_person == "陈主任"


def test_numeric_cells_from_excel_are_read_as_codes_and_stars(staff_a, deputies):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(STATION_HEADERS)
    row = station_row(**{"区域代码": 440703001, "星级": 2.0, "在用": True})
    sheet.append([row[header] for header in STATION_HEADERS])
    content = io.BytesIO()
    book.save(content)

    outcome = import_stations(SimpleUploadedFile("联络站.xlsx", content.getvalue()), user=staff_a)

    assert outcome.ok, outcome.errors
    assert Station.objects.get().star_rating == 2


def test_city_staff_may_import_into_every_county_of_the_city(city_staff, deputies):
    rows = [station_row(), station_row(**{"区域代码": "440781001", "名称": "台城代表联络站", "编入代表编号": "D9"})]

    outcome = import_stations(station_upload(rows), user=city_staff)

    assert outcome.ok, outcome.errors
    assert Station.objects.count() == 2


def test_a_member_from_outside_the_users_region_may_stay_on_reimport(staff_a, city_staff, deputies):
    # City staff put a county B deputy on a county A station; county A staff re-import their export.
    assert import_stations(station_upload([station_row(**{"编入代表编号": "D1、D9"})]), user=city_staff).ok

    outcome = import_stations(station_upload([station_row(**{"编入代表编号": "D1、D9", "星级": "5"})]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert member_codes("白沙代表联络站") == {"D1", "D9"}


# --- bad rows: the whole file is refused and nothing is written -----------------------------------------


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        ({"区域代码": "000000"}, ["第 3 行", "“区域代码”列", "区域代码“000000”不存在"]),
        ({"星级": "6"}, ["第 3 行", "“星级”列", "星级“6”无效，请填写 0 到 5 的整数"]),
        ({"星级": "-1"}, ["第 3 行", "“星级”列", "0 到 5 的整数"]),
        ({"星级": "三星"}, ["第 3 行", "“星级”列", "0 到 5 的整数"]),
        ({"编入代表编号": "D1、X404、X405"}, ["第 3 行", "“编入代表编号”列", "找不到这些编号的代表：X404、X405"]),
        ({"编入代表编号": "D9"}, ["第 3 行", "“编入代表编号”列", "在您的管辖范围内找不到这些编号的代表：D9"]),
        ({"类型": "服务站"}, ["第 3 行", "“类型”列", "不是有效的选项"]),
        ({"在用": "也许"}, ["第 3 行", "“在用”列", "无法识别"]),
        ({"名称": ""}, ["第 3 行", "“名称”列", "必须填写"]),
        ({"地址": ""}, ["第 3 行", "“地址”列"]),
    ],
    ids=[
        "unknown region",
        "star too high",
        "negative star",
        "star in words",
        "unknown deputies",
        "deputy of another county",
        "bad kind",
        "bad in use",
        "no name",
        "no address",
    ],
)
def test_one_bad_row_refuses_the_whole_file_with_its_line_and_column(staff_a, deputies, override, fragments):
    before = written_counts()
    upload = station_upload([station_row(**{"名称": "好的一行"}), station_row(**override)])

    outcome = import_stations(upload, user=staff_a)

    assert_refused(outcome, before, *fragments)


def test_the_same_station_twice_is_refused_on_the_second_line(staff_a, deputies):
    before = written_counts()
    upload = station_upload([station_row(), station_row(**{"地址": "另一个地址"})])

    outcome = import_stations(upload, user=staff_a)

    assert_refused(outcome, before, "第 3 行", "“名称”列", "与第 2 行重复")


def test_the_same_name_in_two_regions_is_two_stations(city_staff, deputies):
    rows = [station_row(), station_row(**{"区域代码": "440781001", "编入代表编号": ""})]

    outcome = import_stations(station_upload(rows), user=city_staff)

    assert outcome.ok, outcome.errors
    assert Station.objects.filter(name="白沙代表联络站").count() == 2


def test_line_numbers_count_the_blank_lines_the_user_sees(staff_a, deputies):
    before = written_counts()
    upload = station_upload([station_row(), {}, station_row(**{"名称": "第二站", "星级": "9"})])

    outcome = import_stations(upload, user=staff_a)

    assert_refused(outcome, before, "第 4 行")


# --- bad files: refused before any row is read --------------------------------------------------------


@pytest.mark.parametrize("column", REQUIRED_COLUMNS)
def test_a_file_missing_a_required_column_is_refused_as_a_whole(staff_a, deputies, column):
    before = written_counts()
    headers = [header for header in STATION_HEADERS if header != column]

    outcome = import_stations(station_upload([station_row()], headers=headers), user=staff_a)

    assert_refused(outcome, before, "文件缺少必需的列", column, "联络站表")


def test_a_file_with_headers_but_no_rows_is_refused(staff_a):
    before = written_counts()

    outcome = import_stations(station_upload([]), user=staff_a)

    assert_refused(outcome, before, "没有数据行")


def test_a_zero_byte_file_is_refused(staff_a):
    before = written_counts()

    outcome = import_stations(SimpleUploadedFile("联络站.xlsx", b""), user=staff_a)

    assert_refused(outcome, before, "是空的")


def test_a_picture_renamed_to_xlsx_is_refused_as_not_a_spreadsheet(staff_a):
    before = written_counts()

    outcome = import_stations(SimpleUploadedFile("联络站.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200), user=staff_a)

    assert_refused(outcome, before, "不是有效的 Excel")


def test_a_file_of_another_type_is_refused(staff_a):
    before = written_counts()

    outcome = import_stations(SimpleUploadedFile("联络站.pdf", b"%PDF-1.4"), user=staff_a)

    assert_refused(outcome, before, "只能导入 Excel（.xlsx）或 CSV 文件")


def test_an_oversized_file_is_refused_before_it_is_read(staff_a, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1024
    before = written_counts()

    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("an oversized file must not be read")

    outcome = import_stations(Unreadable("联络站.xlsx", b"x" * 2048), user=staff_a)

    assert_refused(outcome, before, "超过大小上限")


# --- region scope -------------------------------------------------------------------------------------


def test_staff_of_county_a_cannot_import_into_county_b(staff_a, deputies):
    before = written_counts()
    row = station_row(**{"区域代码": "440781001", "编入代表编号": ""})

    outcome = import_stations(station_upload([row]), user=staff_a)

    assert_refused(outcome, before, "第 2 行，“区域代码”列：区域“台城街道”不在您的管辖范围内")


def test_an_unchanged_county_b_station_is_refused_not_skipped(staff_a, staff_b, deputies):
    row = station_row(**{"区域代码": "440781001", "编入代表编号": "D9"})
    assert import_stations(station_upload([row]), user=staff_b).ok
    before = written_counts()

    outcome = import_stations(station_upload([row]), user=staff_a)

    assert_refused(outcome, before, "不在您的管辖范围内")
    assert member_codes("白沙代表联络站") == {"D9"}


def test_someone_who_is_not_office_staff_cannot_import(deputy_user_a, deputies):
    before = written_counts()

    outcome = import_stations(station_upload([station_row()]), user=deputy_user_a)

    assert_refused(outcome, before, "只有代表工作人员可以导入联络站")


# --- export -------------------------------------------------------------------------------------------


def test_an_exported_file_imports_back_unchanged(staff_a, deputies, regions):
    for n, phone in enumerate(["0750-1", "+86 750 2", "=1+1"]):
        station = StationFactory(region=regions.town_a, name=f"站{n}", contact_phone=phone, star_rating=n)
        StationMemberFactory(station=station, deputy=deputies["D1"])
        StationMemberFactory(station=station, deputy=deputies[f"D{n + 1}"] if n else deputies["D2"])
    response = export_response(StationResource, Station.objects.all(), "代表联络站")
    before = written_counts()

    outcome = import_stations(SimpleUploadedFile("代表联络站.xlsx", response.content), user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["skip"] == 3
    assert written_counts() == before


def test_the_export_has_the_chinese_columns_labels_and_member_codes(deputies, regions):
    station = StationFactory(region=regions.town_a, name="白沙代表之家", kind=Station.Kind.HOME, is_active=False)
    StationMemberFactory(station=station, deputy=deputies["D2"])
    StationMemberFactory(station=station, deputy=deputies["D1"])

    dataset = StationResource().export(queryset=Station.objects.all())

    assert dataset.headers == [
        "区域代码",
        "名称",
        "类型",
        "地址",
        "开放时间",
        "负责人",
        "联系电话",
        "星级",
        "在用",
        "编入代表编号",
    ]
    row = dataset.dict[0]
    assert (row["区域代码"], row["类型"], row["在用"], row["编入代表编号"]) == ("440703001", "代表之家", "否", "D1、D2")


def test_a_formula_typed_into_a_station_is_defused_in_the_export(regions):
    StationFactory(region=regions.town_a, responsible_person='=HYPERLINK("http://x")')

    dataset = StationResource().export(queryset=Station.objects.all())

    assert dataset.dict[0]["负责人"].startswith("'=")


# --- through the admin --------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


def _import_url():
    return reverse("admin:liaison_stations_station_import")


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_admin_import_previews_then_imports_on_confirmation(staff_client, deputies):
    rows = [station_row(), station_row(**{"名称": "白沙代表之家", "编入代表编号": "D3"})]
    before = written_counts()

    preview = staff_client.post(_import_url(), {"resource": "0", "import_file": station_upload(rows)})

    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "new"]
    assert written_counts() == before

    confirm = staff_client.post(
        reverse("admin:liaison_stations_station_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )

    assert confirm.redirect_chain[-1][0] == reverse("admin:liaison_stations_station_changelist")
    assert Station.objects.count() == 2
    assert member_codes("白沙代表之家") == {"D3"}
    assert "联络站导入完成：新增 2 个，更新 0 个，未变化 0 个。" in _messages(confirm)


def test_a_csv_station_file_imports_through_the_admin(staff_client, deputies):
    upload = station_upload([station_row()], file_format="csv", encoding="gb18030")

    preview = staff_client.post(_import_url(), {"resource": "0", "import_file": upload})
    staff_client.post(reverse("admin:liaison_stations_station_process_import"), preview.context["confirm_form"].initial)

    assert Station.objects.get().responsible_person == "陈主任"


def test_the_admin_import_shows_row_errors_and_offers_no_confirmation(staff_client, deputies):
    before = written_counts()
    rows = [station_row(), station_row(**{"名称": "第二站", "星级": "7"})]

    response = staff_client.post(_import_url(), {"resource": "0", "import_file": station_upload(rows)})

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert "星级“7”无效" in response.content.decode()
    assert [row.number for row in response.context["result"].invalid_rows] == [3]
    assert written_counts() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("联络站.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), "不是有效的 Excel"),
        (SimpleUploadedFile("联络站.txt", b"hello"), "只能导入 Excel（.xlsx）或 CSV 文件"),
        (SimpleUploadedFile("联络站.csv", "名称\n白沙站\n".encode()), "文件缺少必需的列：区域代码"),
        (SimpleUploadedFile("联络站.csv", "区域代码,名称\n".encode()), "没有数据行"),
        (SimpleUploadedFile("联络站.xlsx", b""), "空文件"),
    ],
    ids=["png as xlsx", "txt", "missing columns", "no rows", "zero bytes"],
)
def test_the_admin_import_refuses_a_bad_file_with_a_clear_message(staff_client, upload, message):
    before = written_counts()

    response = staff_client.post(_import_url(), {"resource": "0", "import_file": upload})

    assert response.status_code == 200
    assert message in str(response.context["form"].errors["import_file"])
    assert "result" not in response.context
    assert written_counts() == before


def test_the_admin_import_refuses_an_oversized_file(staff_client, deputies, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 100
    before = written_counts()

    response = staff_client.post(_import_url(), {"resource": "0", "import_file": station_upload([station_row()])})

    assert "超过大小上限" in str(response.context["form"].errors["import_file"])
    assert written_counts() == before


def test_staff_of_county_a_cannot_import_county_b_through_the_admin(staff_client, deputies):
    before = written_counts()
    row = station_row(**{"区域代码": "440781001", "编入代表编号": ""})

    response = staff_client.post(_import_url(), {"resource": "0", "import_file": station_upload([row])})

    assert "confirm_form" not in response.context
    assert "不在您的管辖范围内" in response.content.decode()
    assert written_counts() == before


def test_a_confirmation_that_no_longer_validates_writes_nothing(staff_client, deputies):
    preview = staff_client.post(_import_url(), {"resource": "0", "import_file": station_upload([station_row()])})
    # Between preview and confirmation someone renumbers a deputy the file names.
    deputies["D2"].code = "D2-renamed"
    deputies["D2"].save()
    before = written_counts()

    response = staff_client.post(
        reverse("admin:liaison_stations_station_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )

    assert written_counts() == before
    texts = _messages(response)
    assert "联络站未导入，没有写入任何数据。原因如下：" in texts
    assert any("找不到这些编号的代表：D2" in text for text in texts)


def test_the_import_page_explains_the_columns_and_the_members_rule(staff_client):
    content = staff_client.get(_import_url()).content.decode()

    assert "必须包含：区域代码、名称" in content
    assert "未列出的代表会移出该站" in content


def test_the_station_list_exports_only_the_staff_members_county_with_a_chinese_name(staff_client, regions):
    StationFactory(region=regions.town_a, name="甲县站")
    StationFactory(region=regions.town_b, name="乙县站")

    response = staff_client.post(reverse("admin:liaison_stations_station_export"), {"format": "1", "resource": "0"})

    assert response["Content-Type"] == "text/csv"
    assert "filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E8%81%94%E7%BB%9C%E7%AB%99-" in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    assert "甲县站" in content
    assert "乙县站" not in content
