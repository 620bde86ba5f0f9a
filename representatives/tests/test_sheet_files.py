"""Rosters as offices really save them: Excel and WPS cell types, title rows, every encoding a CSV comes in.

Each file here is real: an xlsx written by openpyxl with the cell types Excel writes (numbers, dates, text,
merged title cells), or CSV bytes in the encoding under test. A refused file names the row and how to fix
the sheet, and writes nothing.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from representatives import idnumbers
from representatives.models import Deputy, Membership
from representatives.resources import import_roster
from representatives.tests.conftest import FEMALE_ID_NUMBER, ROSTER_HEADERS, roster_row
from representatives.tests.factories import DeputyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

TITLE = "江门市第十五届人民代表大会代表名册"
# The default row's deputy: a man born on 1970-02-03.
BORN = datetime.date(1970, 2, 3)


@pytest.fixture
def roster_setup(regions, congress_a, congress_b, city_congress, groups):
    return regions


def written():
    return Deputy.objects.count(), Membership.objects.count(), LogEntry.objects.count()


def xlsx_upload(rows, *, headers=ROSTER_HEADERS, titles=(), name="名册.xlsx"):
    """A workbook as Excel saves it: title rows merged across the sheet above the header, then ``rows``.

    Cell values keep their Python type (an int or float is a number cell, a datetime a date cell); an empty
    string is left as an empty cell, which is what Excel writes for a blank.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append([None if row.get(header, "") == "" else row[header] for header in headers])
    content = io.BytesIO()
    book.save(content)
    return SimpleUploadedFile(name, content.getvalue())


def csv_text(rows, *, headers=ROSTER_HEADERS, titles=(), delimiter=","):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    for title in titles:
        writer.writerow([title])
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return out.getvalue()


def csv_upload(rows, *, encoding="utf-8", name="名册.csv", **kwargs):
    return SimpleUploadedFile(name, csv_text(rows, **kwargs).encode(encoding))


def assert_refused(outcome, before, *fragments):
    assert not outcome.ok
    text = "\n".join(outcome.errors)
    for fragment in fragments:
        assert fragment in text, text
    assert written() == before


def id_ending_in_x(area="440703", born=BORN, male=True):
    return next(
        number
        for sequence in range(1 if male else 2, 1000, 2)
        if (number := idnumbers.build(area, born, sequence)).endswith("X")
    )


# --- ID numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"),
    [(4.40702198005031e17, "4.40702198005031E+17"), (440702198005031000, "4.40702198005031E+17")],
    ids=["float", "integer"],
)
def test_an_id_number_excel_kept_as_a_number_is_refused_with_how_to_fix_the_sheet(roster_setup, staff_a, cell, shown):
    before = written()

    outcome = import_roster(xlsx_upload([roster_row(**{"身份证号": cell})]), user=staff_a)

    assert_refused(outcome, before, "第 2 行", "“身份证号”列", shown, "存成了数字", "设为“文本”")


def test_an_id_number_in_scientific_notation_in_a_csv_is_refused(roster_setup, staff_a):
    before = written()

    outcome = import_roster(csv_upload([roster_row(**{"身份证号": "4.40702E+17"})]), user=staff_a)

    assert_refused(outcome, before, "第 2 行", "“身份证号”列", "4.40702E+17", "设为“文本”")


def test_a_trailing_lowercase_x_is_stored_as_a_capital(roster_setup, staff_a):
    number = id_ending_in_x()

    outcome = import_roster(xlsx_upload([roster_row(**{"身份证号": number.lower()})]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert Deputy.objects.get().id_number == number


def test_spaces_and_full_width_digits_typed_in_an_id_number_are_dropped(roster_setup, staff_a):
    typed = "４４０７０３ 19700203 0010"

    outcome = import_roster(csv_upload([roster_row(**{"身份证号": typed})]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert Deputy.objects.get().id_number == "440703197002030010"


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("440703197002030011", "校验位"),
        (idnumbers.build("440703", BORN, 1)[:10] + "0230" + "0011", "出生日期“19700230”不存在"),
        (idnumbers.build("990703", BORN, 1), "前两位“99”不是省级行政区划代码"),
        (idnumbers.build("440000", BORN, 1), "前六位“440000”不是县级行政区划代码"),
        (idnumbers.build("440703", datetime.date(1890, 1, 1), 1), "不合理"),
        ("440703700203001", "15 位的第一代身份证号码"),
        ("44070319700203001", "应为 18 位"),
        ("44070319700203001A", "应为 18 位"),
    ],
    ids=["check digit", "no such birth date", "province", "province-level area", "too old", "15 digits", "17", "A"],
)
def test_an_invalid_id_number_is_refused_with_the_reason(roster_setup, staff_a, number, fragment):
    before = written()

    outcome = import_roster(xlsx_upload([roster_row(**{"身份证号": number})]), user=staff_a)

    assert_refused(outcome, before, "第 2 行", "“身份证号”列", fragment)


@pytest.mark.parametrize(
    ("override", "column", "fragment"),
    [
        ({"出生日期": "1970-02-04"}, "出生日期", "身份证号中的出生日期是 1970-02-03"),
        ({"性别": "女"}, "性别", "第 17 位表示男性"),
        ({"性别": "男", "身份证号": FEMALE_ID_NUMBER}, "性别", "第 17 位表示女性"),
    ],
    ids=["birth date", "a man's number for a woman", "a woman's number for a man"],
)
def test_birth_date_and_sex_must_agree_with_the_id_number(roster_setup, staff_a, override, column, fragment):
    before = written()

    outcome = import_roster(xlsx_upload([roster_row(**override)]), user=staff_a)

    assert_refused(outcome, before, "第 2 行", f"“{column}”列", fragment)


def test_without_a_birth_date_only_the_number_and_the_sex_are_checked(roster_setup, staff_a):
    outcome = import_roster(xlsx_upload([roster_row(**{"出生日期": ""})]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert Deputy.objects.get().birth_date is None


def test_a_number_stored_before_the_checks_blocks_no_other_change_until_it_is_changed(roster_setup, staff_a, regions):
    # Typed in before numbers were checked: the check digit is wrong.
    DeputyFactory(code="D0001", region=regions.town_a, gender="M", birth_date=BORN, id_number="440703197002030011")
    row = roster_row(**{"身份证号": "440703197002030011", "工作单位": "新单位"})

    other_change = import_roster(xlsx_upload([row]), user=staff_a)
    unchanged = import_roster(xlsx_upload([row]), user=staff_a)
    before = written()
    number_changed = import_roster(xlsx_upload([{**row, "身份证号": "440703197002030012"}]), user=staff_a)

    assert other_change.ok, other_change.errors
    assert Deputy.objects.get().work_unit == "新单位"
    assert unchanged.ok and unchanged.totals["skip"] == 1
    assert_refused(number_changed, before, "“身份证号”列", "校验位")


def test_a_masked_id_number_read_back_keeps_the_stored_one(roster_setup, staff_a, regions):
    # A roster exported for someone who may not see ID numbers carries them masked.
    assert import_roster(xlsx_upload([roster_row()]), user=staff_a).ok
    before = written()

    outcome = import_roster(xlsx_upload([roster_row(**{"身份证号": "4407**********0010"})]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["skip"] == 1
    assert Deputy.objects.get().id_number == "440703197002030010"
    assert written() == before


def test_the_admin_refuses_a_bad_id_number_and_capitalises_a_trailing_x(client, staff_a, regions):
    deputy = DeputyFactory(region=regions.town_a, gender="M", birth_date=BORN, id_number="")
    client.force_login(staff_a)
    url = reverse("admin:representatives_deputy_change", args=[deputy.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"region": regions.town_a.pk, "phone_public": "", "photo": ""})
    data.update({f"memberships-{key}": value for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()})

    refused = client.post(url, {**data, "id_number": "440703197002030011"})
    saved = client.post(url, {**data, "id_number": id_ending_in_x().lower()})

    assert "校验位" in str(refused.context["adminform"].form.errors["id_number"])
    assert saved.status_code == 302
    deputy.refresh_from_db()
    assert deputy.id_number == id_ending_in_x()


# --- dates -----------------------------------------------------------------------------------------------

SERIAL_29344 = datetime.date(1980, 5, 3)
MAN_BORN_1980 = idnumbers.build("440703", SERIAL_29344, 1)


@pytest.mark.parametrize(
    "upload",
    [
        lambda row: xlsx_upload([{**row, "出生日期": 29344}]),
        lambda row: xlsx_upload([{**row, "出生日期": 29344.75}]),
        lambda row: csv_upload([{**row, "出生日期": "29344"}]),
        lambda row: csv_upload([{**row, "出生日期": "1980年5月3日"}]),
        lambda row: csv_upload([{**row, "出生日期": "1980/5/3"}]),
        lambda row: xlsx_upload([{**row, "出生日期": datetime.datetime(1980, 5, 3)}]),
    ],
    ids=["xlsx general cell", "xlsx serial with a time", "csv serial", "chinese", "slashes", "xlsx date cell"],
)
def test_excel_serial_numbers_and_written_dates_are_read_as_dates(roster_setup, staff_a, upload):
    outcome = import_roster(upload(roster_row(**{"身份证号": MAN_BORN_1980})), user=staff_a)

    assert outcome.ok, outcome.errors
    assert Deputy.objects.get().birth_date == SERIAL_29344


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        ({"状态": "辞职", "状态日期": "2023-02-29"}, ["“状态日期”列", "日期“2023-02-29”不存在"]),
        ({"出生日期": "1970-04-31", "身份证号": ""}, ["“出生日期”列", "日期“1970-04-31”不存在"]),
        ({"出生日期": "1980", "身份证号": ""}, ["“出生日期”列", "日期“1980”无法识别"]),
        ({"出生日期": "2999-01-01", "身份证号": ""}, ["“出生日期”列", "出生日期不能晚于今天"]),
    ],
    ids=["29 February 2023", "31 April", "a year alone", "in the future"],
)
def test_an_impossible_date_is_refused_with_its_row(roster_setup, staff_a, override, fragments):
    before = written()
    rows = [roster_row(**{"代表编号": "D0009"}), roster_row(**override)]

    outcome = import_roster(csv_upload(rows), user=staff_a)

    assert_refused(outcome, before, "第 3 行", *fragments)


# --- title rows above the header --------------------------------------------------------------------------


def test_a_merged_title_row_above_the_header_is_skipped(roster_setup, staff_a):
    outcome = import_roster(xlsx_upload([roster_row()], titles=[TITLE]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["new"] == 1


def test_several_title_rows_are_skipped_and_lines_are_counted_as_the_sheet_shows_them(roster_setup, staff_a):
    before = written()
    rows = [roster_row(), roster_row(**{"代表编号": "D0002", "届别代码": "9999-99"})]

    outcome = import_roster(xlsx_upload(rows, titles=[TITLE, "制表日期：2025年3月1日"]), user=staff_a)

    # Two title rows and the header above: the second deputy is on line 5.
    assert_refused(outcome, before, "第 5 行", "届别代码“9999-99”不存在")


def test_a_gbk_csv_with_a_title_line_imports(roster_setup, staff_a):
    outcome = import_roster(csv_upload([roster_row()], titles=[TITLE], encoding="gbk"), user=staff_a)

    assert outcome.ok, outcome.errors
    assert Deputy.objects.get().name == "李四"


def test_a_header_below_a_title_missing_a_column_is_named_by_its_row(roster_setup, staff_a):
    before = written()
    headers = [header for header in ROSTER_HEADERS if header != "届别代码"]

    outcome = import_roster(xlsx_upload([roster_row()], headers=headers, titles=[TITLE]), user=staff_a)

    assert_refused(outcome, before, "文件缺少必需的列：届别代码", "列名行在第 2 行")


def test_the_admin_import_skips_a_title_row_through_the_confirmation(client, staff_a, roster_setup):
    client.force_login(staff_a)
    upload = xlsx_upload([roster_row()], titles=[TITLE])

    preview = client.post(reverse("admin:representatives_membership_import"), {"resource": "0", "import_file": upload})
    assert preview.context["confirm_form"] is not None, preview.context["form"].errors
    client.post(reverse("admin:representatives_membership_process_import"), preview.context["confirm_form"].initial)

    assert Membership.objects.get().deputy.code == "D0001"


# --- encodings -------------------------------------------------------------------------------------------

# A name with a character outside GBK, which only GB18030 (and Unicode) can write.
RARE_NAME = "李䶮"


@pytest.mark.parametrize(
    ("encoding", "prefix", "delimiter"),
    [
        ("utf-8", b"", ","),
        ("utf-8", b"\xef\xbb\xbf", ","),
        ("gb18030", b"", ","),
        ("utf-16-le", b"\xff\xfe", "\t"),
        ("utf-16-be", b"\xfe\xff", "\t"),
        ("utf-16-le", b"\xff\xfe", ","),
        ("utf-16-le", b"", "\t"),
    ],
    ids=["utf-8", "utf-8 with bom", "gb18030", "excel unicode text", "utf-16 be", "utf-16 commas", "utf-16 no bom"],
)
def test_csv_in_every_encoding_excel_and_wps_save_imports(roster_setup, staff_a, encoding, prefix, delimiter):
    text = csv_text([roster_row(**{"姓名": RARE_NAME})], delimiter=delimiter)
    upload = SimpleUploadedFile("名册.csv", prefix + text.encode(encoding))

    outcome = import_roster(upload, user=staff_a)

    assert outcome.ok, outcome.errors
    assert Deputy.objects.get().name == RARE_NAME


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"\xff\xfe\x00\x00" + csv_text([roster_row()]).encode("utf-32-le"), ["UTF-32", "CSV UTF-8"]),
        ("代表编号,姓名\n".encode() + "ｱｲｳ,ｴｵ\n".encode("shift_jis"), ["Shift_JIS", "CSV UTF-8"]),
        (csv_text([roster_row()]).encode("ascii", errors="replace"), ["变成了问号", "CSV UTF-8"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ["旧版 Excel 97-2003", "另存为 Excel 工作簿"]),
        (xlsx_upload([roster_row()]).read(), ["扩展名改回 .xlsx"]),
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 64, ["不是文本文件", "另存为"]),
    ],
    ids=["utf-32", "shift_jis", "ansi without chinese", "xls renamed", "xlsx renamed", "picture"],
)
def test_a_csv_in_an_encoding_it_cannot_read_is_refused_naming_what_it_is(roster_setup, staff_a, content, fragments):
    before = written()

    outcome = import_roster(SimpleUploadedFile("名册.csv", content), user=staff_a)

    assert_refused(outcome, before, *fragments)


def test_the_admin_imports_excels_unicode_text_through_the_confirmation(client, staff_a, roster_setup):
    client.force_login(staff_a)
    text = csv_text([roster_row(**{"姓名": RARE_NAME})], delimiter="\t")
    upload = SimpleUploadedFile("名册.csv", b"\xff\xfe" + text.encode("utf-16-le"))

    preview = client.post(reverse("admin:representatives_membership_import"), {"resource": "0", "import_file": upload})
    assert preview.context["confirm_form"] is not None, preview.context["form"].errors
    client.post(reverse("admin:representatives_membership_process_import"), preview.context["confirm_form"].initial)

    assert Deputy.objects.get().name == RARE_NAME


def test_a_txt_file_is_refused_with_how_to_import_excels_unicode_text(roster_setup, staff_a):
    text = csv_text([roster_row()], delimiter="\t")

    outcome = import_roster(SimpleUploadedFile("名册.txt", b"\xff\xfe" + text.encode("utf-16-le")), user=staff_a)

    assert_refused(outcome, written(), "扩展名改为 .csv")


# --- the preview -----------------------------------------------------------------------------------------


def test_the_admin_preview_shows_blank_cells_blank(client, staff_a, roster_setup):
    client.force_login(staff_a)
    blanks = {"民族": "", "党派": "", "联系电话": "", "家庭住址": "", "代表小组": "", "专业小组": "", "状态日期": ""}
    upload = xlsx_upload([roster_row(**blanks)])

    response = client.post(reverse("admin:representatives_membership_import"), {"resource": "0", "import_file": upload})

    assert response.context["confirm_form"] is not None
    assert "None" not in response.content.decode()


def test_the_admin_shows_a_refused_rows_blank_cells_blank(client, staff_a, roster_setup):
    client.force_login(staff_a)
    upload = xlsx_upload([roster_row(**{"届别代码": "9999-99", "民族": "", "家庭住址": "", "状态日期": ""})])

    response = client.post(reverse("admin:representatives_membership_import"), {"resource": "0", "import_file": upload})

    body = response.content.decode()
    assert "届别代码“9999-99”不存在。" in body
    assert "None" not in body


# --- groups ----------------------------------------------------------------------------------------------


def test_a_township_seat_may_name_its_townships_group_of_the_county_congress(roster_setup, staff_a, regions):
    from representatives.models import Group, Level
    from representatives.tests.factories import CongressFactory, GroupFactory

    township_congress = CongressFactory(region=regions.town_a, level=Level.TOWNSHIP, code="440703001-5")
    # As the demo and many offices have it: the township's group belongs to the county congress.
    group = GroupFactory(
        kind=Group.Kind.REPRESENTATIVE, name="白沙街道代表小组", region=regions.town_a, congress=township_congress
    )
    group.congress = Membership._meta.get_field("congress").related_model.objects.get(code="440703-16")
    group.save()
    row = roster_row(**{"届别代码": "440703001-5", "代表小组": "白沙街道代表小组", "专业小组": ""})

    outcome = import_roster(xlsx_upload([row]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert Membership.objects.get().representative_group == group


def test_a_seats_own_group_is_kept_when_the_file_names_it(roster_setup, staff_a, regions):
    from representatives.models import Group
    from representatives.tests.factories import GroupFactory

    # Set in the admin: a group of another township, which a name alone would not find from this deputy.
    elsewhere = GroupFactory(kind=Group.Kind.REPRESENTATIVE, name="台城代表小组", region=regions.town_b)
    assert import_roster(xlsx_upload([roster_row(**{"代表小组": ""})]), user=staff_a).ok
    Membership.objects.update(representative_group=elsewhere)
    before = written()

    outcome = import_roster(xlsx_upload([roster_row(**{"代表小组": "台城代表小组"})]), user=staff_a)

    assert outcome.ok, outcome.errors
    assert outcome.totals["skip"] == 1
    assert written() == before


def test_a_factory_deputy_and_seat_pass_the_models_checks(regions):
    seat = MembershipFactory(deputy__region=regions.town_a)
    seat.deputy.full_clean()
    male = DeputyFactory(gender="M", region=regions.town_a)
    male.full_clean()
