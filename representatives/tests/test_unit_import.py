import io

import openpyxl
import pytest
import tablib
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from representatives.models import HandlingUnit
from representatives.resources import (
    UNIT_REQUIRED_COLUMNS,
    HandlingUnitResource,
    export_response,
    import_units,
)
from representatives.tests.factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db

UNIT_HEADERS = [field.column_name for field in HandlingUnitResource().get_export_fields()]


def unit_row(**overrides):
    """One valid row for a bureau of county A; keyword arguments replace columns."""
    row = {
        "区域代码": "440703",
        "名称": "蓬江区交通运输局",
        "类别": "政府部门",
        "联系人": "陈科长",
        "联系电话": "0750-3300001",
        "电子邮箱": "jt@pj.gov.cn",
        "在用": "是",
    }
    row.update(overrides)
    return row


def unit_upload(rows, *, headers=None, file_format="xlsx", name=None, encoding="utf-8"):
    headers = headers or UNIT_HEADERS
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([row.get(header, "") for header in headers])
    content = dataset.export("xlsx") if file_format == "xlsx" else dataset.export("csv").encode(encoding)
    return SimpleUploadedFile(name or f"承办单位.{file_format}", content)


def written_counts():
    return HandlingUnit.objects.count(), LogEntry.objects.count()


def assert_refused(outcome, before, *fragments):
    assert not outcome.ok
    text = "\n".join(outcome.errors)
    for fragment in fragments:
        assert fragment in text, text
    assert written_counts() == before


# --- good files ---------------------------------------------------------------------------------------


def test_a_good_file_creates_each_unit(staff_a, regions):
    rows = [unit_row(), unit_row(**{"区域代码": "440703001", "名称": "白沙街道办事处", "类别": "township"})]

    outcome = import_units(unit_upload(rows), user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["new"] == 2
    unit = HandlingUnit.objects.get(name="蓬江区交通运输局")
    assert (unit.region, unit.kind, unit.contact_person, unit.contact_phone, unit.email, unit.is_active) == (
        regions.county_a,
        HandlingUnit.Kind.BUREAU,
        "陈科长",
        "0750-3300001",
        "jt@pj.gov.cn",
        True,
    )
    assert HandlingUnit.objects.get(name="白沙街道办事处").kind == HandlingUnit.Kind.TOWNSHIP


def test_a_dry_run_previews_without_writing_anything(staff_a, regions):
    before = written_counts()

    outcome = import_units(unit_upload([unit_row()]), user=staff_a, dry_run=True)

    assert outcome.ok, outcome.errors
    assert outcome.totals["new"] == 1
    assert written_counts() == before


def test_reimporting_updates_units_instead_of_duplicating_them(staff_a, regions):
    rows = [unit_row(), unit_row(**{"名称": "蓬江区教育局", "电子邮箱": ""})]
    assert import_units(unit_upload(rows), user=staff_a).ok
    first_id = HandlingUnit.objects.get(name="蓬江区交通运输局").pk

    rows[0].update({"联系人": "李科长", "在用": "停用"})
    outcome = import_units(unit_upload(rows), user=staff_a)

    assert outcome.ok, outcome.errors
    assert (outcome.totals["update"], outcome.totals["skip"], outcome.totals["new"]) == (1, 1, 0)
    assert HandlingUnit.objects.count() == 2
    unit = HandlingUnit.objects.get(pk=first_id)
    assert (unit.contact_person, unit.is_active) == ("李科长", False)


def test_an_unchanged_file_imported_again_writes_no_history(staff_a, regions):
    assert import_units(unit_upload([unit_row()]), user=staff_a).ok
    before = written_counts()

    outcome = import_units(unit_upload([unit_row()]), user=staff_a)

    assert outcome.ok and outcome.totals["skip"] == 1
    assert written_counts() == before


def test_blank_kind_and_in_use_cells_keep_what_is_there(staff_a, regions):
    HandlingUnitFactory(region=regions.county_a, name="蓬江区交通运输局", kind="other", is_active=False)

    outcome = import_units(unit_upload([unit_row(**{"类别": "", "在用": ""})]), user=staff_a)

    assert outcome.ok, outcome.errors
    unit = HandlingUnit.objects.get(name="蓬江区交通运输局")
    assert (unit.kind, unit.is_active) == ("other", False)


def test_only_the_required_columns_are_needed(staff_a, regions):
    outcome = import_units(unit_upload([unit_row()], headers=list(UNIT_REQUIRED_COLUMNS)), user=staff_a)

    assert outcome.ok, outcome.errors
    unit = HandlingUnit.objects.get()
    assert (unit.kind, unit.is_active, unit.email) == (HandlingUnit.Kind.BUREAU, True, "")


def test_a_gbk_csv_from_chinese_excel_imports_like_an_xlsx(staff_a, regions):
    outcome = import_units(unit_upload([unit_row()], file_format="csv", encoding="gb18030"), user=staff_a)

    assert outcome.ok, outcome.errors
    assert HandlingUnit.objects.get().contact_person == "陈科长"


def test_numeric_cells_from_excel_are_read_as_codes(staff_a, regions):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(UNIT_HEADERS)
    row = unit_row(**{"区域代码": 440703, "联系电话": 7503300001.0, "在用": True})
    sheet.append([row[header] for header in UNIT_HEADERS])
    content = io.BytesIO()
    book.save(content)

    outcome = import_units(SimpleUploadedFile("承办单位.xlsx", content.getvalue()), user=staff_a)

    assert outcome.ok, outcome.errors
    assert HandlingUnit.objects.get().contact_phone == "7503300001"


def test_city_staff_may_import_into_every_county(city_staff, regions):
    rows = [
        unit_row(),
        unit_row(**{"区域代码": "440781", "名称": "台山市交通运输局"}),
        unit_row(**{"区域代码": "4407"}),
    ]

    outcome = import_units(unit_upload(rows), user=city_staff)

    assert outcome.ok, outcome.errors
    assert HandlingUnit.objects.count() == 3


# --- bad rows: the whole file is refused and nothing is written -----------------------------------------


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        ({"区域代码": "000000"}, ["第 3 行", "“区域代码”列", "区域代码“000000”不存在"]),
        ({"类别": "事业单位"}, ["第 3 行", "“类别”列", "不是有效的选项"]),
        ({"在用": "也许"}, ["第 3 行", "“在用”列", "无法识别"]),
        ({"电子邮箱": "not-an-address"}, ["第 3 行", "“电子邮箱”列"]),
        ({"名称": ""}, ["第 3 行", "“名称”列", "必须填写"]),
        ({"区域代码": ""}, ["第 3 行", "“区域代码”列", "必须填写"]),
        ({"名称": "局" * 201}, ["第 3 行", "“名称”列"]),
    ],
    ids=["unknown region", "bad kind", "bad in use", "bad e-mail", "no name", "no region", "name too long"],
)
def test_one_bad_row_refuses_the_whole_file_with_its_line_and_column(staff_a, regions, override, fragments):
    before = written_counts()
    upload = unit_upload([unit_row(**{"名称": "好的一行"}), unit_row(**override)])

    outcome = import_units(upload, user=staff_a)

    assert_refused(outcome, before, *fragments)


def test_the_same_unit_twice_is_refused_on_the_second_line(staff_a, regions):
    before = written_counts()
    upload = unit_upload([unit_row(), unit_row(**{"联系人": "另一个人"})])

    outcome = import_units(upload, user=staff_a)

    assert_refused(outcome, before, "第 3 行", "“名称”列", "与第 2 行重复")


def test_line_numbers_count_the_blank_lines_the_user_sees(staff_a, regions):
    before = written_counts()
    upload = unit_upload([unit_row(), {}, unit_row(**{"名称": "第二个", "在用": "也许"})])

    outcome = import_units(upload, user=staff_a)

    assert_refused(outcome, before, "第 4 行")


# --- bad files: refused before any row is read --------------------------------------------------------


@pytest.mark.parametrize("column", UNIT_REQUIRED_COLUMNS)
def test_a_file_missing_a_required_column_is_refused_as_a_whole(staff_a, regions, column):
    before = written_counts()
    headers = [header for header in UNIT_HEADERS if header != column]

    outcome = import_units(unit_upload([unit_row()], headers=headers), user=staff_a)

    assert_refused(outcome, before, "文件缺少必需的列", column, "承办单位表")


def test_a_file_with_headers_but_no_rows_is_refused(staff_a):
    before = written_counts()

    assert_refused(import_units(unit_upload([]), user=staff_a), before, "没有数据行")


def test_a_zero_byte_file_is_refused(staff_a):
    before = written_counts()

    assert_refused(import_units(SimpleUploadedFile("承办单位.xlsx", b""), user=staff_a), before, "是空的")


def test_a_picture_renamed_to_xlsx_is_refused_as_not_a_spreadsheet(staff_a):
    before = written_counts()
    upload = SimpleUploadedFile("承办单位.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)

    assert_refused(import_units(upload, user=staff_a), before, "不是有效的 Excel")


def test_a_file_of_another_type_is_refused(staff_a):
    before = written_counts()
    upload = SimpleUploadedFile("承办单位.pdf", b"%PDF-1.4")

    assert_refused(import_units(upload, user=staff_a), before, "只能导入 Excel（.xlsx）或 CSV 文件")


def test_an_oversized_file_is_refused_before_it_is_read(staff_a, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1024
    before = written_counts()

    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("an oversized file must not be read")

    assert_refused(import_units(Unreadable("承办单位.xlsx", b"x" * 2048), user=staff_a), before, "超过大小上限")


def test_too_many_rows_are_refused(staff_a, regions, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 2
    before = written_counts()
    rows = [unit_row(**{"名称": f"局{n}"}) for n in range(3)]

    assert_refused(import_units(unit_upload(rows), user=staff_a), before, "超过一次导入的上限 2 行")


# --- region scope -------------------------------------------------------------------------------------


def test_staff_of_county_a_cannot_import_into_county_b(staff_a, regions):
    before = written_counts()
    row = unit_row(**{"区域代码": "440781", "名称": "台山市交通运输局"})

    outcome = import_units(unit_upload([unit_row(), row]), user=staff_a)

    assert_refused(outcome, before, "第 3 行，“区域代码”列：区域“台山市”不在您的管辖范围内")


def test_county_staff_cannot_change_a_city_unit_either(staff_a, regions):
    before = written_counts()

    outcome = import_units(unit_upload([unit_row(**{"区域代码": "4407"})]), user=staff_a)

    assert_refused(outcome, before, "不在您的管辖范围内")


def test_an_unchanged_county_b_unit_is_refused_not_skipped(staff_a, staff_b, regions):
    row = unit_row(**{"区域代码": "440781", "名称": "台山市交通运输局"})
    assert import_units(unit_upload([row]), user=staff_b).ok
    before = written_counts()

    outcome = import_units(unit_upload([row]), user=staff_a)

    assert_refused(outcome, before, "不在您的管辖范围内")


def test_someone_who_is_not_office_staff_cannot_import(deputy_user_a, regions):
    before = written_counts()

    outcome = import_units(unit_upload([unit_row()]), user=deputy_user_a)

    assert_refused(outcome, before, "只有代表工作人员可以导入承办单位")


# --- export -------------------------------------------------------------------------------------------


def test_an_exported_file_imports_back_unchanged(staff_a, regions):
    for n, phone in enumerate(["0750-1", "+86 750 2", "=1+1"]):
        HandlingUnitFactory(region=regions.county_a, name=f"单位{n}", contact_phone=phone, is_active=n != 1)
    response = export_response(HandlingUnitResource, HandlingUnit.objects.all(), "承办单位")
    before = written_counts()

    outcome = import_units(SimpleUploadedFile("承办单位.xlsx", response.content), user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["skip"] == 3
    assert written_counts() == before


def test_the_export_has_the_chinese_columns_and_labels(regions):
    HandlingUnitFactory(region=regions.county_a, name="蓬江区法院", kind="court", is_active=False)

    dataset = HandlingUnitResource().export(queryset=HandlingUnit.objects.all())

    assert dataset.headers == ["区域代码", "名称", "类别", "联系人", "联系电话", "电子邮箱", "在用"]
    row = dataset.dict[0]
    assert (row["区域代码"], row["类别"], row["在用"]) == ("440703", "法院", "否")


def test_a_formula_typed_into_a_unit_is_defused_in_the_export(regions):
    HandlingUnitFactory(region=regions.county_a, contact_person='=HYPERLINK("http://x")')

    dataset = HandlingUnitResource().export(queryset=HandlingUnit.objects.all())

    assert dataset.dict[0]["联系人"].startswith("'=")


# --- through the admin --------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_admin_import_previews_then_imports_on_confirmation(staff_client, regions):
    rows = [unit_row(), unit_row(**{"名称": "蓬江区教育局"})]
    before = written_counts()

    preview = staff_client.post(
        reverse("admin:representatives_handlingunit_import"), {"resource": "0", "import_file": unit_upload(rows)}
    )

    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "new"]
    assert written_counts() == before

    confirm = staff_client.post(
        reverse("admin:representatives_handlingunit_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )

    assert confirm.status_code == 200
    assert "承办单位导入完成：新增 2 个，更新 0 个，未变化 0 个。" in _messages(confirm)
    assert HandlingUnit.objects.count() == 2


def test_the_admin_refuses_a_bad_file_with_the_reason_on_the_form(staff_client, regions):
    before = written_counts()
    upload = unit_upload([unit_row()], headers=["名称", "联系人"])

    response = staff_client.post(
        reverse("admin:representatives_handlingunit_import"), {"resource": "0", "import_file": upload}
    )

    assert response.status_code == 200
    assert "文件缺少必需的列：区域代码" in response.content.decode()
    assert written_counts() == before


def test_the_admin_shows_row_errors_and_offers_no_confirmation(staff_client, regions):
    upload = unit_upload([unit_row(**{"区域代码": "440781"})])

    response = staff_client.post(
        reverse("admin:representatives_handlingunit_import"), {"resource": "0", "import_file": upload}
    )

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert "不在您的管辖范围内" in response.content.decode()
    assert not HandlingUnit.objects.exists()


def test_the_admin_exports_only_the_staff_members_region(staff_client, regions):
    HandlingUnitFactory(region=regions.county_a, name="蓬江区交通运输局")
    HandlingUnitFactory(region=regions.county_b, name="台山市交通运输局")

    response = staff_client.post(reverse("admin:representatives_handlingunit_export"), {"format": "1"})

    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert "蓬江区交通运输局" in text and "台山市交通运输局" not in text
