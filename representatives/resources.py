"""Deputy-roster import and export (django-import-export), and the staff exports of deputies and activities.

A roster file has one row per seat: one deputy in one congress. The pair (代表编号, 届别代码) identifies a row,
so importing the same roster again updates the deputy and the seat instead of adding new ones. A file with
any bad row is refused as a whole and nothing is written.

Entry points for views: ``read_roster_file`` (file-level checks), ``import_roster`` (check and import),
``roster_errors`` (readable messages from an import result) and ``export_response`` (an xlsx/csv download).
Other apps' spreadsheet imports reuse ``read_sheet_file``, ``SheetImportMixin`` and ``import_errors``.
"""

import codecs
import copy
import csv
import datetime
import functools
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field

import tablib
from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db.models import NOT_PROVIDED, Manager, Prefetch, QuerySet
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import pre_save
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import Result, RowResult

from core import copy_insert, spreadsheets
from core.regions import ancestor_paths
from core.spreadsheets import FORMULA_PREFIXES, attachment_disposition  # noqa: F401  (imported from here too)
from core.text import join_list

from . import idnumbers, permissions, tallies
from .audit import PersonalDataExportMixin
from .models import (
    ActivityKind,
    ActivityRecord,
    Congress,
    Deputy,
    Gender,
    Group,
    HandlingUnit,
    Membership,
    Region,
)
from .names import person_name
from .privacy import mask_address, mask_id_number, mask_phone

# Roster headers are the file format itself: a roster exported under one interface language must import
# under any other, so they are fixed strings and deliberately not translated.
COL_CODE = "代表编号"
COL_NAME = "姓名"
COL_GENDER = "性别"
COL_ETHNICITY = "民族"
COL_BIRTH_DATE = "出生日期"
COL_PARTY = "党派"
COL_WORK_UNIT = "工作单位"
COL_POST = "职务"
COL_REGION = "所在区域代码"
COL_PHONE = "联系电话"
COL_PHONE_PUBLIC = "公开电话"
COL_ID_NUMBER = "身份证号"
COL_HOME_ADDRESS = "家庭住址"
COL_CONGRESS = "届别代码"
COL_DISTRICT = "选区"
COL_ELECTION = "选举方式"
COL_REP_GROUP = "代表小组"
COL_PRO_GROUP = "专业小组"
COL_STATUS = "状态"
COL_STATUS_DATE = "状态日期"

REQUIRED_COLUMNS = (COL_CODE, COL_NAME, COL_CONGRESS, COL_REGION)
HEADER_ROWS = 1
DEFAULT_MAX_ROWS = 20000

# Which roster column reports a model validation error on which field.
DEPUTY_FIELD_COLUMNS = {
    "code": COL_CODE,
    "name": COL_NAME,
    "gender": COL_GENDER,
    "ethnicity": COL_ETHNICITY,
    "birth_date": COL_BIRTH_DATE,
    "party": COL_PARTY,
    "work_unit": COL_WORK_UNIT,
    "post": COL_POST,
    "region": COL_REGION,
    "phone": COL_PHONE,
    "phone_public": COL_PHONE_PUBLIC,
    "id_number": COL_ID_NUMBER,
    "home_address": COL_HOME_ADDRESS,
}
MEMBERSHIP_FIELD_COLUMNS = {
    "congress": COL_CONGRESS,
    "district": COL_DISTRICT,
    "election": COL_ELECTION,
    "representative_group": COL_REP_GROUP,
    "professional_group": COL_PRO_GROUP,
    "status": COL_STATUS,
    "status_date": COL_STATUS_DATE,
}


def _text(value) -> str:
    """A cell as trimmed text; Excel hands integer-looking cells (codes, phones) over as numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- widgets -------------------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)

    def renderer(self, **kwargs):
        return lambda value: "" if value is None else str(value)


class OptionalTextWidget(TextWidget):
    """Blank means "keep what is there" (the model default for a new deputy)."""

    def clean(self, value, row=None, **kwargs):
        return _text(value) or None


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's Chinese label or its stored code; exports the label."""

    def __init__(self, choices, default=None, **kwargs):
        self.choices = choices
        self.default = default
        self._lookups: dict[str, dict[str, str]] = {}
        super().__init__(**kwargs)

    def _lookup(self) -> dict[str, str]:
        # Labels are resolved here rather than at import time so that they follow the active language; kept
        # per language because a roster asks once per row and cell.
        language = get_language()
        lookups = self._lookups
        if language not in lookups:
            lookup = {}
            for value, label in self.choices.choices:
                lookup[str(value).lower()] = value
                lookup[str(label).lower()] = value
            lookups[language] = lookup
        return lookups[language]

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return self.default
        try:
            return self._lookup()[text.lower()]
        except KeyError:
            options = join_list(label for _value, label in self.choices.choices)
            raise ValueError(
                _("“%(value)s”不是有效的选项，可填：%(options)s。") % {"value": text, "options": options}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        # Labels per language, worked out once rather than for every cell of an export.
        labels = self.__dict__.setdefault("_labels", {})
        language = get_language()
        if language not in labels:
            labels[language] = {code: str(label) for code, label in self.choices.choices}
        return labels[language].get(value) or str(value)

    def renderer(self, **kwargs):
        """``render`` for the length of one export: the language is looked up once, not per cell."""
        self.render("x")  # fills the labels of the active language
        labels = self.__dict__["_labels"][get_language()]
        return lambda value: "" if value in (None, "") else (labels.get(value) or str(value))


class YesNoWidget(widgets.Widget):
    TRUE = {"是", "公开", "y", "yes", "true", "1"}
    FALSE = {"否", "不公开", "n", "no", "false", "0"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if not text or text in self.FALSE:
            # An unpublished phone is the safe reading of an empty cell.
            return False
        if text in self.TRUE:
            return True
        raise ValueError(_("“%(value)s”无法识别，请填写“是”或“否”。") % {"value": _text(value)})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return _("是") if value else _("否")

    def renderer(self, **kwargs):
        yes, no = _("是"), _("否")
        return lambda value: "" if value is None else (yes if value else no)


class DateWidget(widgets.Widget):
    """A date as Excel or a person writes it: a date cell, 2024-01-31, 2024/1/31, 2024年1月31日, 20240131, or the
    serial number Excel keeps a date as (a date typed into a General cell, or saved to CSV that way)."""

    PARTS = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
    COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
    SERIAL = re.compile(r"\d{5}(\.\d+)?")
    # Excel's day 0 in its 1900 date system, which counts a 29 February 1900 that never was: serials above 60
    # (from 1 March 1900) are days since this date.
    EXCEL_EPOCH = datetime.date(1899, 12, 30)
    # Five-digit serials: 1927-05-18 to 2173-10-14. A four-digit number is more likely a year than a date.
    SERIALS = range(10000, 100000)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            # Excel date cells arrive as midnight datetimes.
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._serial(value, _text(value))
        text = _text(value)
        if not text:
            return None
        text = re.sub(r"[\sT]+00:00(:00)?$", "", text)
        if self.SERIAL.fullmatch(text):
            return self._serial(float(text), text)
        match = self.PARTS.fullmatch(text) or self.COMPACT.fullmatch(text)
        if match is None:
            raise ValueError(_("日期“%(value)s”无法识别，请写成 2024-01-31 的形式。") % {"value": text})
        year, month, day = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValueError(_("日期“%(value)s”不存在，请核对年、月、日。") % {"value": text}) from None

    def _serial(self, number: float, text: str) -> datetime.date:
        if int(number) not in self.SERIALS:
            raise ValueError(_("日期“%(value)s”无法识别，请写成 2024-01-31 的形式。") % {"value": text})
        # A fraction is the time of day, which a date does not keep.
        return self.EXCEL_EPOCH + datetime.timedelta(days=int(number))

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat()

    def renderer(self, **kwargs):
        if kwargs.get("force_native_type"):
            return lambda value: value or ""
        return lambda value: value.isoformat() if value else ""


class IdNumberWidget(TextWidget):
    """A resident ID number, normalised (see ``idnumbers``); whether it is valid is the deputy's own check.

    A number cell is refused: Excel keeps 15 significant digits, so an 18-digit number typed into a number
    cell has already lost its last digits (4.40702198005031E+17) and cannot be recovered from the file.
    """

    SCIENTIFIC = re.compile(r"\d+(\.\d+)?E\+?\d+", re.IGNORECASE)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            # As Excel shows such a number in a General cell.
            self._refuse(f"{float(value)!r}".upper())
        text = _text(value)
        if self.SCIENTIFIC.fullmatch(text):
            self._refuse(text)
        return idnumbers.normalise(text)

    def _refuse(self, shown):
        raise ValueError(
            _(
                "身份证号被 Excel 存成了数字（%(value)s），后几位已经丢失，无法导入。请把“身份证号”列的单元格格式"
                "设为“文本”，重新录入号码（或在号码前加英文单引号 '），再保存导入。"
            )
            % {"value": shown}
        )


class LocalDateTimeWidget(widgets.Widget):
    """Local time as text: spreadsheet cells cannot carry a time zone."""

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def renderer(self, **kwargs):
        # The active zone is looked up once per export: per cell it was a sixth of a 5,000-row export's time.
        zone = timezone.get_current_timezone()
        # "2024-01-31 09:05", as ``render`` writes it; isoformat is the quicker of the two.
        return lambda value: value.astimezone(zone).isoformat(" ", "minutes")[:16] if value else ""


class _CachedLookupWidget(widgets.Widget):
    """Looks rows up by code once per import; the widget lives only as long as one resource instance."""

    model = None

    def __init__(self, **kwargs):
        self._cache = {}
        super().__init__(**kwargs)

    def fetch(self, code):
        raise NotImplementedError

    def lookup(self, code):
        if code not in self._cache:
            self._cache[code] = self.fetch(code)
        return self._cache[code]

    def preload(self, found: dict, asked) -> None:
        """Fill the cache for a whole file at once; codes asked for and not found are remembered as missing."""
        self._cache.update(dict.fromkeys(asked))
        self._cache.update(found)


class RegionCodeWidget(_CachedLookupWidget):
    def fetch(self, code):
        return Region.objects.filter(code=code).first()

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            return None
        region = self.lookup(code)
        if region is None:
            raise ValueError(_("区域代码“%(code)s”不存在。") % {"code": code})
        return region

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class CongressCodeWidget(_CachedLookupWidget):
    def fetch(self, code):
        return Congress.objects.select_related("region").filter(code=code).first()

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            return None
        congress = self.lookup(code)
        if congress is None:
            raise ValueError(_("届别代码“%(code)s”不存在。") % {"code": code})
        return congress

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class GroupNameWidget(_CachedLookupWidget):
    """A group named in the file, looked up among the groups of the deputy's region and the regions above it.

    Groups are not created from a roster: a misspelt name would otherwise quietly found a new group.
    """

    def __init__(self, kind, **kwargs):
        self.kind = kind
        self._regions = {}
        # Name → this kind's groups of that name, when a whole file's names were loaded at once.
        self._candidates: dict[str, list[Group]] | None = None
        super().__init__(**kwargs)

    def preload_groups(self, names, regions: dict) -> None:
        """Load every group the file names in one query; ``regions`` maps the file's region codes to regions."""
        self._regions.update(regions)
        self._candidates = {}
        groups = Group.objects.filter(kind=self.kind, name__in=list(names)).select_related("region", "congress")
        for group in groups:
            self._candidates.setdefault(group.name, []).append(group)

    def _region(self, code):
        if code not in self._regions:
            self._regions[code] = Region.objects.filter(code=code).first()
        return self._regions[code]

    def fetch(self, key):
        name, region_code, congress_code = key
        region = self._region(region_code)
        if region is None:
            return None
        paths = ancestor_paths(region.path)
        if self._candidates is not None:
            candidates = [group for group in self._candidates.get(name, ()) if group.region.path in paths]
        else:
            candidates = Group.objects.filter(kind=self.kind, name=name, region__path__in=paths)
            candidates = candidates.select_related("region", "congress")
        # A group of the row's congress (or of none) first: a township's representative group often belongs to
        # the county congress and gathers the township congress's deputies too, so another congress's group is
        # taken when it is the only one of that name. Then the nearest region, when a township and its county
        # both have a group of that name.
        return max(
            candidates,
            key=lambda group: (
                group.congress_id is None or group.congress.code == congress_code,
                len(group.region.path),
            ),
            default=None,
        )

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            return None
        row = row or {}
        region_code = _text(row.get(COL_REGION))
        if self._region(region_code) is None:
            # The region column reports its own error; a second one here would only repeat it.
            return None
        group = self.lookup((name, region_code, _text(row.get(COL_CONGRESS))))
        if group is None:
            raise ValueError(
                _("在代表所在区域及其上级区域中找不到名为“%(name)s”的%(kind)s。")
                % {"name": name, "kind": Group.Kind(self.kind).label}
            )
        return group

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# --- reading a roster file ----------------------------------------------------------------------------

# Title rows (a merged "……代表名册" line, a date line) that may stand above the header row.
MAX_TITLE_ROWS = 10
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# How to save a file this import reads, added to every refusal of a CSV's encoding.
SAVE_AS_CSV = gettext_lazy(
    "请在 Excel 中“另存为”并选择“CSV UTF-8（逗号分隔）”，或在 WPS 中另存为 CSV 时选择 UTF-8 编码；"
    "也可以直接导入 Excel 工作簿（.xlsx）。"
)
OLD_WORKBOOK = gettext_lazy(
    "这是旧版 Excel 97-2003（.xls）或 WPS 表格文件：请在 Excel 或 WPS 中另存为 Excel 工作簿（.xlsx）后再导入。"
)
# Encodings a CSV may arrive in that this import does not read, tried only to name what was uploaded. (Big5
# and EUC-KR bytes are valid GB18030 too, so they cannot be told apart this way.)
FOREIGN_ENCODINGS = (("shift_jis", gettext_lazy("Shift_JIS（日文）")),)


@dataclass
class RosterFile:
    dataset: tablib.Dataset
    format_class: type
    # What to store for the confirm step: CSV is re-encoded as UTF-8 so that the second read agrees.
    content: bytes


def _header_index(dataset: tablib.Dataset, required_columns) -> int | None:
    """Where the header row is: 0 for the first row, n for the n-th row below it (under n title rows)."""
    candidates = [dataset.headers or [], *dataset[:MAX_TITLE_ROWS]]
    for index, row in enumerate(candidates):
        names = {_text(value) for value in row}
        if all(column in names for column in required_columns):
            return index
    return None


def normalise_dataset(dataset: tablib.Dataset, required_columns=()) -> list[int]:
    """Put the header row first, blank cells as "" and blank rows away, in place.

    Title rows above the header row are dropped (the header is the first row naming every required column).
    Returns each remaining row's line number in the sheet, so that messages name the line the user sees.
    """
    header_index = _header_index(dataset, required_columns) or 0
    rows = [list(row) for row in dataset]
    headers = list(dataset.headers or []) if header_index == 0 else rows[header_index - 1]
    # The header is on line header_index + 1; the first row under it on the next line.
    first_line = header_index + 2
    kept, sheet_rows = [], []
    for offset, row in enumerate(rows[header_index:]):
        # An empty cell arrives as None from a workbook; "" keeps it from showing as "None" in the preview.
        cells = ["" if value is None else value for value in row]
        if any(_text(value) for value in cells):
            kept.append(cells)
            sheet_rows.append(first_line + offset)
    dataset.wipe()
    if headers:
        dataset.headers = [_text(header) for header in headers]
    for cells in kept:
        dataset.append(cells)
    return sheet_rows


def check_dataset(dataset: tablib.Dataset, *, required_columns, template_name) -> None:
    """File-level checks that refuse the whole file before any row is looked at; the dataset is not changed.

    ``template_name`` names the export the user should start from (名册, 联络站表, ...).
    """
    header_index = _header_index(dataset, required_columns)
    if header_index is None:
        candidates = [dataset.headers or [], *dataset[:MAX_TITLE_ROWS]]
        found = [sum(column in {_text(value) for value in row} for column in required_columns) for row in candidates]
        best = max(range(len(found)), key=lambda index: found[index])
        header_row = candidates[best]
        missing = [column for column in required_columns if column not in {_text(value) for value in header_row}]
        if best > 0 and found[best]:
            raise ValidationError(
                _("文件缺少必需的列：%(columns)s（列名行在第 %(row)d 行）。请以导出的%(template)s为模板填写。")
                % {"columns": join_list(missing), "row": best + 1, "template": template_name},
                code="missing_columns",
            )
        raise ValidationError(
            _("文件缺少必需的列：%(columns)s。请以导出的%(template)s为模板填写，列名行之上可以有标题行。")
            % {"columns": join_list(missing), "template": template_name},
            code="missing_columns",
        )
    rows = sum(1 for row in dataset[header_index:] if any(_text(value) for value in row))
    if rows == 0:
        raise ValidationError(_("文件中没有数据行。"), code="empty")
    max_rows = getattr(settings, "ROSTER_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    if rows > max_rows:
        raise ValidationError(
            _("文件有 %(count)d 行数据，超过一次导入的上限 %(limit)d 行，请分批导入。")
            % {"count": rows, "limit": max_rows},
            code="too_many_rows",
        )


def check_roster_dataset(dataset: tablib.Dataset) -> None:
    check_dataset(dataset, required_columns=REQUIRED_COLUMNS, template_name=_("名册"))


def _refuse_encoding(detected: str):
    return ValidationError(
        _(
            "无法读取这个 CSV 文件：它是 %(detected)s。"
            "本系统读取 UTF-8（带或不带 BOM）、GBK/GB18030 和 UTF-16 编码的 CSV。"
        )
        % {"detected": detected}
        + str(SAVE_AS_CSV),
        code="bad_encoding",
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark, told by its zero bytes: every ASCII character (commas,
    digits, line ends) has one, always on the same side; Chinese characters seldom do."""
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for zeros, others, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= len(sample) // 20 and zeros >= 4 * others:
            try:
                text = data[: len(data) - len(data) % 2].decode(encoding)
            except UnicodeDecodeError:
                return None
            # Binary data with the same pattern of zeros decodes to control characters; text has none.
            return None if CONTROL_CHARACTERS.search(text) else text
    return None


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV; anything this import cannot read is refused with what it is and how to save it."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _refuse_encoding(_("UTF-32 编码的文本"))
    for bom, encoding, label in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise _refuse_encoding(_("标明为 %(encoding)s 却含有无效字符的文本") % {"encoding": label}) from None
    if data.startswith(ZIP_SIGNATURE):
        raise ValidationError(
            _("这是 Excel 工作簿（.xlsx），文件名却以 .csv 结尾：请把扩展名改回 .xlsx 后再导入。"), code="bad_type"
        )
    if data.startswith(OLE_SIGNATURE):
        raise ValidationError(str(OLD_WORKBOOK), code="bad_type")
    text = _utf16_without_bom(data)
    if text is not None:
        return text
    if b"\x00" in data:
        raise ValidationError(
            _(
                "CSV 文件内容无效：这不是文本文件。"
                "请在 Excel 或 WPS 中把表格另存为 Excel 工作簿（.xlsx）或 CSV 后再导入。"
            ),
            code="bad_type",
        )
    # Excel on Chinese Windows saves CSV as GBK unless told otherwise; GB18030 reads GBK and more.
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    for encoding, label in FOREIGN_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        raise _refuse_encoding(_("%(encoding)s 编码的文本") % {"encoding": label})
    raise _refuse_encoding(_("无法识别编码的文本"))


def _lost_to_question_marks(dataset: tablib.Dataset) -> bool:
    """Whether the header row's Chinese became question marks: the file was saved in an encoding without
    Chinese (the "ANSI" of a Western system), which writes "?" for every character it lacks."""
    return any("??" in _text(value) for value in dataset.headers or [])


def _padded_dataset(rows: list[list]) -> tablib.Dataset:
    """A dataset of ``rows`` (the first is the header), cut to the last column with a value and padded to it.

    A title typed or merged into the first cell makes a row shorter than the rest.
    """
    width = 0
    for row in rows:
        # Only the cells beyond the widest row so far can widen it; read from the row's end.
        for index in range(len(row) - 1, width - 1, -1):
            if _text(row[index]):
                width = index + 1
                break
    dataset = tablib.Dataset()
    if not rows:
        return dataset
    padded = [(list(row) + [None] * width)[:width] for row in rows]
    dataset.headers = padded[0]
    for row in padded[1:]:
        dataset.append(row)
    return dataset


def csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ValidationError(_("无法读取 CSV 文件，请检查文件格式。"), code="bad_type") from None


def _delimiter(text: str) -> str:
    """Excel's "Unicode text" (UTF-16) is tab-separated; its CSV comma-separated."""
    head = text[:20000]
    return "\t" if head.count("\t") > head.count(",") else ","


def read_xlsx_rows(data: bytes) -> list[list]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.active
        # The stored dimensions may claim thousands of empty columns; the rows are cut to their values instead.
        sheet.reset_dimensions()
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


class SheetXLSX(XLSX):
    """The xlsx format of the admin imports: reads a sheet as ``read_sheet_file`` does (rows of any length)."""

    def create_dataset(self, in_stream):
        return _padded_dataset(read_xlsx_rows(in_stream))


class SheetCSV(CSV):
    """The CSV format of the admin imports; their upload form has already turned the file into UTF-8 CSV."""

    def create_dataset(self, in_stream):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode("utf-8-sig")
        return _padded_dataset(csv_rows(in_stream))


IMPORT_FORMATS = [SheetXLSX, SheetCSV]


def _read_xlsx(data: bytes) -> tablib.Dataset:
    if data.startswith(OLE_SIGNATURE):
        raise ValidationError(str(OLD_WORKBOOK), code="bad_type")
    not_xlsx = ValidationError(
        _("文件内容不是有效的 Excel（.xlsx）表格。旧版 .xls 文件请先在 Excel 中另存为 .xlsx。"),
        code="bad_type",
    )
    if not data.startswith(ZIP_SIGNATURE):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise not_xlsx from None
    # A few megabytes of zip can unpack to gigabytes; real rosters compress about tenfold.
    if unpacked > 50 * settings.ROSTER_IMPORT_MAX_BYTES:
        raise not_xlsx
    try:
        return SheetXLSX().create_dataset(data)
    except Exception:
        raise not_xlsx from None


def read_roster_file(upload) -> RosterFile:
    """Check an uploaded roster (size, type read from the content, columns, rows) and parse it.

    Raises ``ValidationError`` with a message for the user; the size is checked before anything is read.
    """
    return read_sheet_file(upload, required_columns=REQUIRED_COLUMNS, template_name=_("名册"))


def read_sheet_file(upload, *, required_columns, template_name) -> RosterFile:
    """``read_roster_file`` for any import with these required columns; the roster's size and row limits apply.

    The dataset is returned as the sheet has it (title rows, blank rows and all): the import finds the header
    row again, so that its messages count lines as the user sees them.
    """
    max_bytes = settings.ROSTER_IMPORT_MAX_BYTES
    name = upload.name or ""
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空的。") % {"name": name}, code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("文件“%(name)s”超过大小上限 %(limit)s。") % {"name": name, "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("xlsx", "csv"):
        raise ValidationError(
            _("只能导入 Excel（.xlsx）或 CSV 文件。Excel 另存的“Unicode 文本”（.txt）把扩展名改为 .csv 即可导入。"),
            code="bad_type",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if extension == "xlsx":
        dataset = _read_xlsx(data)
        format_class, content = SheetXLSX, data
    else:
        text = decode_csv(data)
        rows = csv_rows(text, _delimiter(text))
        dataset = _padded_dataset(rows)
        if _header_index(dataset, required_columns) is None and _lost_to_question_marks(dataset):
            raise ValidationError(
                _(
                    "这个 CSV 文件里的中文已经变成了问号：它是用不含中文的编码（如西文系统的 ANSI）另存的，"
                    "文字已无法从中恢复。请回到原来的表格重新另存。"
                )
                + str(SAVE_AS_CSV),
                code="bad_encoding",
            )
        # Handed on as comma-separated UTF-8, the one form the confirm step reads.
        out = io.StringIO(newline="")
        csv.writer(out).writerows(rows)
        format_class, content = SheetCSV, out.getvalue().encode("utf-8")
    check_dataset(dataset, required_columns=required_columns, template_name=template_name)
    return RosterFile(dataset=dataset, format_class=format_class, content=content)


# --- importing a staff spreadsheet ---------------------------------------------------------------------


class _NoDiff:
    """Stands in for django-import-export's row diff when no one will see it."""

    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


class SheetImportMixin:
    """For a ``ModelResource``: all or nothing, office staff only, rows reported by the line the user sees.

    Subclasses set ``required_columns`` (checked for the file and for every row), ``key_columns`` (what may
    appear only once per file; a repeat is reported on the first of them with ``duplicate_message``),
    ``template_name`` and ``staff_only_message``. Errors are keyed by the file's column, not the field.
    """

    required_columns: tuple[str, ...] = ()
    key_columns: tuple[str, ...] = ()
    template_name = gettext_lazy("名册")
    staff_only_message = gettext_lazy("只有代表工作人员可以导入代表名册。")
    duplicate_message = gettext_lazy("与第 %(row)d 行重复。")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._user = None
        self._sheet_rows: list[int] = []
        self._seen: dict[tuple[str, ...], int] = {}

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # Only a preview shows each row's before/after; on the confirm step it would cost time for nothing.
        self._show_diff = dry_run
        # All or nothing: any invalid row rolls the whole file back, on the confirm step too.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)

    def get_diff_class(self):
        return super().get_diff_class() if getattr(self, "_show_diff", True) else _NoDiff

    def before_import(self, dataset, **kwargs):
        self._user = kwargs.get("user")
        self._seen = {}
        self._sheet_rows = normalise_dataset(dataset, self.required_columns)
        try:
            if self._user is None or not permissions.is_office_staff(self._user):
                raise ValidationError(str(self.staff_only_message))
            check_dataset(dataset, required_columns=self.required_columns, template_name=self.template_name)
        except ValidationError:
            # The file is refused as a whole; emptying it keeps row-by-row messages from burying the reason.
            del dataset[:]
            raise

    def _sheet_row(self, number: int | None) -> int | None:
        if number is None:
            return None
        try:
            return self._sheet_rows[number - 1]
        except IndexError:
            return number + HEADER_ROWS

    def before_import_row(self, row, **kwargs):
        errors = {column: [_("必须填写。")] for column in self.required_columns if not _text(row.get(column))}
        if errors:
            raise ValidationError(errors)
        sheet_row = self._sheet_row(kwargs.get("row_number"))
        key = tuple(_text(row.get(column)) for column in self.key_columns)
        first = self._seen.setdefault(key, sheet_row)
        if first != sheet_row:
            raise ValidationError({self.key_columns[0]: [self.duplicate_message % {"row": first}]})

    def import_instance(self, instance, row, **kwargs):
        # Errors are keyed by the file's column so that the message names what the user sees.
        errors = {}
        for resource_field in self.get_import_fields():
            try:
                self.import_field(resource_field, instance, row, **kwargs)
            except ValueError as exc:
                errors[resource_field.column_name] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def after_import(self, dataset, result, **kwargs):
        # Report line numbers as the spreadsheet shows them (header on line 1, blank lines counted).
        # The parent's sequence reset is not needed: ids never come from the file.
        for invalid in result.invalid_rows:
            invalid.number = self._sheet_row(invalid.number)
        for error_row in result.error_rows:
            error_row.number = self._sheet_row(error_row.number)
            for error in error_row.errors:
                error.number = self._sheet_row(error.number)


# Roster fields that are personal data, each with its mask.
PERSONAL_COLUMNS = {"phone": mask_phone, "id_number": mask_id_number, "home_address": mask_address}
# Fields whose cell may say "keep what is there" (see ``RosterResource._unchanged``).
KEPT_IF_UNCHANGED = {*PERSONAL_COLUMNS, "representative_group", "professional_group"}
# Widgets whose reading of a cell depends on the cell alone (not on the row, nor on anything an import changes),
# so that a value is read once per import.
VALUE_ONLY_WIDGETS = {
    ChoiceWidget,
    YesNoWidget,
    DateWidget,
    OptionalTextWidget,
    IdNumberWidget,
    RegionCodeWidget,
    CongressCodeWidget,
}


# --- the roster resource ------------------------------------------------------------------------------

# What a roster row may change on a deputy and on a seat (the rest identifies them).
DEPUTY_IMPORT_FIELDS = [name for name in DEPUTY_FIELD_COLUMNS if name != "code"]
MEMBERSHIP_IMPORT_FIELDS = [name for name in MEMBERSHIP_FIELD_COLUMNS if name != "congress"]
MEMBERSHIP_IMPORT_ATTNAMES = [Membership._meta.get_field(name).attname for name in MEMBERSHIP_IMPORT_FIELDS]
# Rows per INSERT/UPDATE and codes per IN (...): well inside SQLite's and PostgreSQL's parameter limits.
WRITE_BATCH = 500
LOOKUP_CHUNK = 2000


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _diff(old, new):
    return model_instance_diff(old, new, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES)


def creation_changes(instance) -> dict | None:
    """What auditlog records for a created ``instance``, as ``model_instance_diff(None, instance)`` does.

    auditlog also lists every reverse relation of a new row, with a value that is the same for every
    instance; working that part out once per model instead of once per row is most of a bulk import's
    history cost. The concrete fields are read by ``_CreationDiff``, which decides once per model what
    auditlog decides per row and field (a third of a 6,000-row roster import's time, bench/README.md).
    """
    model = type(instance)
    if model not in _REVERSE_CHANGES:
        concrete = [field.name for field in model._meta.concrete_fields]
        full = _diff(None, instance) or {}
        _REVERSE_CHANGES[model] = {name: change for name, change in full.items() if name not in concrete}
        _CREATION_DIFFS[model] = _CreationDiff(instance, concrete)
    changes = {**(_CREATION_DIFFS[model](instance) or {}), **_REVERSE_CHANGES[model]}
    return changes or None


_REVERSE_CHANGES: dict[type, dict] = {}


class _CreationDiff:
    """``model_instance_diff(None, instance, fields_to_check=concrete)`` for one model, row after row.

    For a new row auditlog compares each field's value with the value it reads from ``None`` (the field's
    stand-in default, the same for every row) and finds the fields, their order and how each is read anew
    every time. Here that is done once: plain and foreign-key fields are read as auditlog reads them, and any
    other kind (dates with times, JSON) or a model with masked fields goes through auditlog itself.
    """

    def __init__(self, sample, concrete: list[str]):
        from auditlog.diff import get_field_value, get_fields_in_model
        from auditlog.registry import auditlog
        from django.db.models import DateTimeField, ForeignKey, JSONField

        self.concrete = concrete
        self.json = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
        model_fields = auditlog.get_model_fields(type(sample))
        self.delegate = self.json or bool(model_fields and model_fields.get("mask_fields"))
        self.readers: list[tuple] = []
        self._get_field_value = get_field_value
        if self.delegate:
            return
        # auditlog's own selection and order of the fields (model_instance_diff with ``fields_to_check``).
        selected = {
            candidate
            for candidate in set(get_fields_in_model(sample))
            if (isinstance(candidate, ForeignKey) and candidate.attname in concrete) or candidate.name in concrete
        }
        fields = list(selected)
        if model_fields and (model_fields["include_fields"] or model_fields["exclude_fields"]) and fields:
            if model_fields["include_fields"]:
                fields = [f for f in fields if f.name in model_fields["include_fields"]]
            if model_fields["exclude_fields"]:
                fields = [f for f in fields if f.name not in model_fields["exclude_fields"]]
        for model_field in fields:
            # The value auditlog reads from ``None``: the field's default, made anew per row when callable.
            fresh = model_field.has_default() and callable(model_field.default)
            old = None if fresh else get_field_value(None, model_field, self.json)
            if isinstance(model_field, (DateTimeField, JSONField)):
                kind = "auditlog"
            elif (
                not getattr(settings, "AUDITLOG_USE_FK_STRING_REPRESENTATION", False)
                and (model_field.one_to_one or model_field.many_to_one)
                and hasattr(model_field, "rel_class")
            ):
                kind = "key"
            else:
                kind = "plain"
            self.readers.append((model_field, kind, fresh, old))

    def __call__(self, instance) -> dict | None:
        if self.delegate:
            return _diff_fields(None, instance, self.concrete)
        diff = {}
        for model_field, kind, fresh, old in self.readers:
            if fresh:
                old = self._get_field_value(None, model_field, self.json)
            if kind == "plain":
                new = getattr(instance, model_field.attname)
                # force_str's own first test, without the call: most values are text already.
                if type(new) is not str:
                    new = force_str(new)
            elif kind == "key":
                new = force_str(getattr(instance, model_field.attname), strings_only=True)
            else:
                new = self._get_field_value(instance, model_field, self.json)
            if old != new:
                diff[model_field.name] = (
                    old if type(old) is str else force_str(old),
                    new if type(new) is str else force_str(new),
                )
        return diff or None


_CREATION_DIFFS: dict[type, _CreationDiff] = {}


def _diff_fields(old, new, fields):
    return model_instance_diff(
        old, new, fields_to_check=fields, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
    )


def write_history(entries, *, actor) -> None:
    """Insert auditlog history rows for changes written in bulk (which send no signals), in one go.

    ``entries`` are ``(instance, action, changes)``. Each row gets what auditlog's own receivers would have
    stored: the region path (``get_additional_data``), the correlation id, and the request's actor and
    address; ``actor`` (who ran the import) when there is no request, as in a management command.
    """
    if not entries or auditlog_disabled.get():
        return
    shared = _request_log_fields()
    if shared.get("actor_id") is None and actor is not None:
        shared["actor_id"] = actor.pk
        shared["actor_email"] = actor.email
    shared["cid"] = get_cid()
    serializing = {type(instance) for instance, _action, _changes in entries if _serializes_data(type(instance))}
    if not serializing:
        shared["serialized_data"] = None
    # The rows are written as values, not LogEntry instances: building 12,000 model instances cost more than
    # writing them (bench/README.md). What auditlog asks of each model is asked once per model.
    per_model: dict[type, tuple[int, bool]] = {}
    rows = []
    now = timezone.now
    for instance, action, changes in entries:
        model = type(instance)
        if model not in per_model:
            per_model[model] = (ContentType.objects.get_for_model(instance).pk, model in serializing)
        content_type_id, serializes = per_model[model]
        get_additional_data = getattr(instance, "get_additional_data", None)
        row = {
            "content_type_id": content_type_id,
            "object_pk": str(instance.pk),
            "object_id": instance.pk,
            "object_repr": str(instance),
            "action": action,
            "changes": changes,
            "additional_data": get_additional_data() if callable(get_additional_data) else None,
            "timestamp": now(),
        }
        if serializing:
            row["serialized_data"] = LogEntry.objects._get_serialized_data_or_none(instance) if serializes else None
        rows.append(row)
    copy_insert.insert_rows(LogEntry, rows, shared=shared)


def _serializes_data(model) -> bool:
    from auditlog.registry import auditlog

    return auditlog.contains(model) and bool(auditlog.get_serialize_options(model)["serialize_data"])


def _request_log_fields() -> dict:
    """What auditlog's receivers put on a history row during a request (``set_actor``): the actor and address.

    auditlog fills them in from a pre_save receiver it connects only while a request runs, from the request
    alone, the same for every row; bulk writes send no pre_save, so it is sent here once, to a blank entry.
    """
    probe = LogEntry()
    fields = [field.attname for field in LogEntry._meta.concrete_fields]
    before = {name: getattr(probe, name) for name in fields}
    pre_save.send(sender=LogEntry, instance=probe, raw=False, using=None, update_fields=None)
    return {name: getattr(probe, name) for name in fields if getattr(probe, name) != before[name]}


# Values that are the same whichever row they come from: a file (bound to its instance) is checked every time.
PLAIN_VALUES = {str, int, float, bool, type(None), datetime.date, datetime.datetime, uuid.UUID}
# A blank value of a field that may be blank: not checked (``Model.clean_fields``).
_BLANK = (None, None)
_UNSET = object()


class ModelChecks:
    """``full_clean(exclude=..., validate_unique=False, validate_constraints=False)`` for the rows of one model
    in an import, with each field's checks of a value done once per import.

    A field's own checks (required, length, choices, validators) depend on its value alone, so the outcome
    for a value is kept and reused on every row that has it (a roster repeats its genders, dates, parties and
    statuses thousands of times); then the model's own ``clean`` runs for every instance, as ``full_clean``
    runs it. A relation that is set is not checked: it came from the import's preloaded lookups, so it exists
    (asking the database again for each one is what made a large roster slow); one that is not set is checked
    like any field (a required one says so).
    """

    def __init__(self, model):
        self.fields: list[tuple] = [
            (
                model_field,
                model_field.name,
                model_field.attname,
                model_field.is_relation,
                # A plain column's value is the instance's own attribute; others (a file) are read through
                # their descriptor, as ``full_clean`` reads them.
                type(getattr(model, model_field.attname, None)) in (DeferredAttribute, ForeignKeyDeferredAttribute),
                {},
            )
            for model_field in model._meta.fields
            if not model_field.generated
        ]

    def errors(self, instance, exclude=frozenset()) -> dict:
        """What ``full_clean`` would raise as a dict, empty when the instance is valid."""
        errors: dict = {}
        values = instance.__dict__
        for model_field, name, attname, relation, plain_attribute, checked in self.fields:
            if name in exclude:
                continue
            raw = values.get(attname, _UNSET) if plain_attribute else _UNSET
            if raw is _UNSET:
                raw = getattr(instance, attname)
            if relation and raw is not None:
                continue
            kind = type(raw)
            plain = kind in PLAIN_VALUES
            outcome = checked.get((kind, raw)) if plain else None
            if outcome is None:
                if model_field.blank and raw in model_field.empty_values:
                    outcome = _BLANK
                else:
                    try:
                        outcome = (True, model_field.clean(raw, instance))
                    except ValidationError as exc:
                        outcome = (False, exc.error_list)
                if plain:
                    checked[kind, raw] = outcome
            if outcome is _BLANK:
                continue
            if outcome[0]:
                setattr(instance, attname, outcome[1])
            else:
                errors[name] = outcome[1]
        try:
            instance.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        return errors


def _seat_snapshot(seat: Membership, memo) -> Membership:
    """The seat and its deputy as they are now, sharing the lookups they point to (see after_init_instance)."""
    del seat.__dict__["__deepcopy__"]
    original = copy.copy(seat)
    deputy = copy.copy(seat.deputy)
    Membership.deputy.field.set_cached_value(original, deputy)
    memo[id(seat)] = original
    return original


def _no_snapshot(seat: Membership, memo) -> None:
    del seat.__dict__["__deepcopy__"]
    return None


class _LazyReprRowResult(RowResult):
    """A row result whose ``object_repr`` is worked out when it is read (the admin's import log reads it), not
    for every row of every import: a seat's name is its deputy's and its congress's, translated."""

    _instance = None
    _repr = None

    def add_instance_info(self, instance):
        if instance is not None:
            self.object_id = getattr(instance, "pk", None)
            self._instance = instance

    @property  # type: ignore[override]
    def object_repr(self):
        if self._repr is None and self._instance is not None:
            self._repr = force_str(self._instance)
        return self._repr

    @object_repr.setter
    def object_repr(self, value):
        self._repr = value


class RosterResource(PersonalDataExportMixin, SheetImportMixin, resources.ModelResource):
    """One roster row = one ``Membership``, carrying the deputy's own details along with it.

    An export carries phones, ID numbers and home addresses in full only for a ``user`` who may see them
    (and the download is logged); for anyone else, or with no user, they are masked.
    """

    deputy_code = Field(attribute="deputy__code", column_name=COL_CODE, widget=TextWidget())
    name = Field(attribute="deputy__name", column_name=COL_NAME, widget=TextWidget())
    gender = Field(attribute="deputy__gender", column_name=COL_GENDER, widget=ChoiceWidget(Gender, default=""))
    ethnicity = Field(
        attribute="deputy__ethnicity",
        column_name=COL_ETHNICITY,
        widget=OptionalTextWidget(),
        saves_null_values=False,
    )
    birth_date = Field(attribute="deputy__birth_date", column_name=COL_BIRTH_DATE, widget=DateWidget())
    party = Field(attribute="deputy__party", column_name=COL_PARTY, widget=TextWidget())
    work_unit = Field(attribute="deputy__work_unit", column_name=COL_WORK_UNIT, widget=TextWidget())
    post = Field(attribute="deputy__post", column_name=COL_POST, widget=TextWidget())
    region = Field(attribute="deputy__region", column_name=COL_REGION, widget=RegionCodeWidget())
    phone = Field(attribute="deputy__phone", column_name=COL_PHONE, widget=TextWidget())
    phone_public = Field(attribute="deputy__phone_public", column_name=COL_PHONE_PUBLIC, widget=YesNoWidget())
    id_number = Field(attribute="deputy__id_number", column_name=COL_ID_NUMBER, widget=IdNumberWidget())
    home_address = Field(attribute="deputy__home_address", column_name=COL_HOME_ADDRESS, widget=TextWidget())
    congress = Field(attribute="congress", column_name=COL_CONGRESS, widget=CongressCodeWidget())
    district = Field(attribute="district", column_name=COL_DISTRICT, widget=TextWidget())
    election = Field(
        attribute="election",
        column_name=COL_ELECTION,
        widget=ChoiceWidget(Membership.Election, default=Membership.Election.DIRECT),
    )
    representative_group = Field(
        attribute="representative_group",
        column_name=COL_REP_GROUP,
        widget=GroupNameWidget(Group.Kind.REPRESENTATIVE),
    )
    professional_group = Field(
        attribute="professional_group",
        column_name=COL_PRO_GROUP,
        widget=GroupNameWidget(Group.Kind.PROFESSIONAL),
    )
    status = Field(
        attribute="status",
        column_name=COL_STATUS,
        widget=ChoiceWidget(Membership.Status, default=Membership.Status.SERVING),
    )
    status_date = Field(attribute="status_date", column_name=COL_STATUS_DATE, widget=DateWidget())

    class Meta:
        model = Membership
        name = gettext_lazy("代表名册")
        fields = (
            "deputy_code",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "party",
            "work_unit",
            "post",
            "region",
            "phone",
            "phone_public",
            "id_number",
            "home_address",
            "congress",
            "district",
            "election",
            "representative_group",
            "professional_group",
            "status",
            "status_date",
        )
        export_order = fields
        import_id_fields = ("deputy_code", "congress")
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False
        # Rows are written together at the end (``_write``), not one by one: a province roster has thousands.
        # No batch size: a deputy may appear on several rows, and is written once, before their seats.
        use_bulk = True
        batch_size = None

    required_columns = REQUIRED_COLUMNS
    key_columns = (COL_CODE, COL_CONGRESS)
    template_name = gettext_lazy("名册")
    staff_only_message = gettext_lazy("只有代表工作人员可以导入代表名册。")
    duplicate_message = gettext_lazy("与第 %(row)d 行重复：同一代表在同一届别只能出现一次。")

    # Import ---------------------------------------------------------------------------------------
    #
    # A roster has thousands of rows, so nothing is looked up or written row by row: ``before_import`` loads
    # the deputies, seats, regions, congresses and groups the file names in a few queries, rows are checked
    # in memory, and ``_write`` stores everything at the end in bulk with one history row per change.

    def before_import(self, dataset, **kwargs):
        # What one import remembers (read cells, checked values, the user's regions) is not kept for the next:
        # its user, language and lookups may differ.
        for remembered in ("_plans", "_model_checks", "_covered"):
            self.__dict__.pop(remembered, None)
        super().before_import(dataset, **kwargs)
        self._preload(dataset)

    def _preload(self, dataset) -> None:
        headers = set(dataset.headers or [])

        def column(name) -> set[str]:
            return {text for text in map(_text, dataset[name]) if text} if name in headers else set()

        self._deputies: dict[str, Deputy] = {}
        self._seats: dict[tuple[str, str], Membership] = {}
        # The stored state of what the file may change: history rows record the difference from it.
        self._stored: dict[tuple[type, int], object] = {}
        for chunk in _chunks(sorted(column(COL_CODE))):
            for deputy in Deputy.objects.select_related("region").filter(code__in=chunk):
                self._deputies[deputy.code] = deputy
                self._stored[Deputy, deputy.pk] = copy.copy(deputy)
        by_id = {deputy.pk: deputy for deputy in self._deputies.values()}
        for chunk in _chunks(sorted(by_id)):
            seats = Membership.objects.filter(deputy_id__in=chunk).select_related(
                "congress__region", "representative_group", "professional_group"
            )
            for seat in seats:
                seat.deputy = by_id[seat.deputy_id]
                self._seats[seat.deputy.code, seat.congress.code] = seat
                self._stored[Membership, seat.pk] = copy.copy(seat)

        region_codes = column(COL_REGION)
        regions = {region.code: region for region in Region.objects.filter(code__in=list(region_codes))}
        self.fields["region"].widget.preload(regions, region_codes)
        congress_codes = column(COL_CONGRESS)
        congresses = Congress.objects.select_related("region").filter(code__in=list(congress_codes))
        self.fields["congress"].widget.preload({congress.code: congress for congress in congresses}, congress_codes)
        all_regions = {**dict.fromkeys(region_codes), **regions}
        for name, column_name in (("representative_group", COL_REP_GROUP), ("professional_group", COL_PRO_GROUP)):
            names = column(column_name)
            if names:
                self.fields[name].widget.preload_groups(names, all_regions)

    def get_instance(self, instance_loader, row):
        return self._seats.get((_text(row.get(COL_CODE)), _text(row.get(COL_CONGRESS))))

    def import_instance(self, instance, row, **kwargs):
        """import-export's ``import_instance``, ``import_field`` and ``Field.clean`` for one row, with what they
        work out per cell worked out once per import: 120,000 cells in a 6,000-row roster.

        A cell whose reading depends on its value alone (a choice, a date, a region or congress code) is read
        once per distinct value and file: a roster repeats a few dozen such values across thousands of rows. A
        refused value is refused with the same message on every row it appears in.
        """
        errors = {}
        deputy = instance.deputy
        for resource_field, name, column, on_deputy, attribute, memo, saves_null in self._cell_plans():
            if column not in row:
                continue
            if name in KEPT_IF_UNCHANGED and instance.pk is not None and self._unchanged(name, instance, row):
                continue
            value = row[column]
            try:
                if memo is None:
                    # ``Field.clean`` is the widget's, since no roster field has a default of its own.
                    cleaned = resource_field.widget.clean(value, row=row, **kwargs)
                else:
                    key = (type(value), value)
                    outcome = memo.get(key)
                    if outcome is None:
                        try:
                            outcome = memo[key] = (True, resource_field.widget.clean(value, row=row, **kwargs))
                        except ValueError as exc:
                            outcome = memo[key] = (False, str(exc))
                    if not outcome[0]:
                        raise ValueError(outcome[1])
                    cleaned = outcome[1]
            except ValueError as exc:
                errors[column] = [str(exc)]
                continue
            if cleaned is not None or saves_null:
                setattr(deputy if on_deputy else instance, attribute, cleaned)
        if errors:
            raise ValidationError(errors)

    def _cell_plans(self) -> list[tuple]:
        plans: list[tuple] | None = self.__dict__.get("_plans")
        if plans is None:
            plans = []
            self.__dict__["_plans"] = plans
            for field in self.get_import_fields():
                attrs = (field.attribute or "").split("__")
                if field.readonly or not field.attribute:
                    continue
                # Only the deputy's own fields and the seat's are imported; ``_unchanged`` relies on it too.
                assert attrs[:-1] in ([], ["deputy"]), field.attribute
                assert field.default is NOT_PROVIDED, field.attribute
                memo: dict | None = {} if type(field.widget) in VALUE_ONLY_WIDGETS else None
                plans.append(
                    (
                        field,
                        self.get_field_name(field),
                        field.column_name,
                        attrs[:-1] == ["deputy"],
                        attrs[-1],
                        memo,
                        field.saves_null_values,
                    )
                )
        return plans

    def _unchanged(self, name, instance, row) -> bool:
        """Whether a cell says "as it is" without naming a value this import could look up or store again.

        A personal column exported masked (to someone who may not see it in full) reads back as its mask, and
        a group is named, not identified: the seat's own group, even one of an unrelated region, is kept.
        """
        cell = _text(row.get(self.fields[name].column_name))
        if not cell or instance.pk is None:
            return False
        if name in PERSONAL_COLUMNS:
            stored = getattr(instance.deputy, name)
            return bool(stored) and cell == PERSONAL_COLUMNS[name](stored)
        group = getattr(instance, name)
        return group is not None and group.name == cell

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            code = _text(row.get(COL_CODE))
            deputy = self._deputies.get(code)
            if deputy is None:
                # Shared with the deputy's other rows in this file, so that one person is created once.
                deputy = self._deputies[code] = Deputy(code=code)
            instance.deputy = deputy
        deputy = instance.deputy
        # Where the deputy was before this row: staff may not take over another region's deputy.
        instance._roster_prior_region = deputy.region if deputy.pk else None
        # import-export now deep-copies the instance as the row's "original" (for the preview's diff and the
        # unchanged-row check). A seat's object graph reaches its deputy, their regions, the congress and the
        # groups, about 90 objects a row (a fifth of a 6,000-row import, bench/README.md); only the seat and
        # its deputy change during an import (the regions, congress and groups are shared lookups, replaced,
        # never modified), so copying those two is the same original.
        if new and not getattr(self, "_show_diff", True):
            # A new seat's original serves only the preview's diff: nothing is compared with it here (see
            # ``skip_row``), so none is made.
            instance.__deepcopy__ = functools.partial(_no_snapshot, instance)
        else:
            instance.__deepcopy__ = functools.partial(_seat_snapshot, instance)

    def get_row_result_class(self):
        return _LazyReprRowResult

    def _covers(self, region) -> bool:
        """``permissions.user_covers_region`` for the importing user, once per region and import."""
        covered = self.__dict__.setdefault("_covered", {})
        if region.pk not in covered:
            covered[region.pk] = permissions.user_covers_region(self._user, region)
        return covered[region.pk]

    def _scope_errors(self, instance) -> dict[str, list[str]]:
        errors = {}
        deputy = instance.deputy
        prior = getattr(instance, "_roster_prior_region", None)
        if prior is not None and not self._covers(prior):
            errors[COL_CODE] = [_("编号为“%(code)s”的代表属于您管辖范围以外的区域，不能修改。") % {"code": deputy.code}]
        region = deputy.region if deputy.region_id else None
        if region is not None and not self._covers(region):
            errors[COL_REGION] = [_("区域“%(region)s”不在您的管辖范围内。") % {"region": region.name}]
        congress = instance.congress if instance.congress_id else None
        if (
            congress is not None
            and not self._covers(congress.region)
            and (instance.pk is None or self._seat_changed(instance))
        ):
            # A seat in a congress above the office's (a county deputy's provincial seat) is the other
            # office's to change; left as it is, it comes back in the file this office exported.
            errors[COL_CONGRESS] = [_("“%(congress)s”不在您的管辖范围内。") % {"congress": congress}]
        elif congress is not None and region is not None and not congress.region.contains(region):
            errors.setdefault(COL_REGION, []).append(
                _("代表所在区域“%(region)s”不属于“%(congress)s”的行政区域。")
                % {"region": region.name, "congress": congress}
            )
        return errors

    def _seat_changed(self, seat) -> bool:
        stored = self._stored[Membership, seat.pk]
        return any(getattr(seat, attname) != getattr(stored, attname) for attname in MEMBERSHIP_IMPORT_ATTNAMES)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if instance.pk is None:
            # A new seat is never unchanged: its congress was empty in the original.
            return False
        # An unchanged row outside the user's region must still be refused, not quietly skipped.
        if self._scope_errors(instance):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list[str]] = {}

        def add(column, messages):
            errors.setdefault(column, []).extend(messages)

        for column, error_list in (import_validation_errors or {}).items():
            add(column, ValidationError(error_list).messages)
        failed = set(errors)
        checks = self.__dict__.get("_model_checks")
        if checks is None:
            checks = self._model_checks = {Deputy: ModelChecks(Deputy), Membership: ModelChecks(Membership)}
        for model_instance, columns, always_excluded in (
            (instance.deputy, DEPUTY_FIELD_COLUMNS, frozenset()),
            # The deputy may not be saved yet; it is checked on its own just above.
            (instance, MEMBERSHIP_FIELD_COLUMNS, frozenset({"deputy"})),
        ):
            # A column that could not be read is not checked again. Uniqueness is the lookups' concern: a code
            # found is updated, a (code, congress) pair may appear once per file, and Membership.clean repeats
            # the check constraint.
            exclude = always_excluded
            if failed:
                exclude = exclude | {name for name, column in columns.items() if column in failed}
            model_errors = checks[type(model_instance)].errors(model_instance, exclude)
            if model_errors:
                for name, messages in ValidationError(model_errors).message_dict.items():
                    if name in columns:
                        add(columns[name], messages)
                    else:
                        add(NON_FIELD_ERRORS, messages)
        for column, messages in self._scope_errors(instance).items():
            if column not in failed:
                add(column, messages)
        if errors:
            raise ValidationError(errors)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._flush(result, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._flush(result, raise_errors)

    def _flush(self, result, raise_errors) -> None:
        created, updated = list(self.create_instances), list(self.update_instances)
        self.create_instances.clear()
        self.update_instances.clear()
        if not (created or updated):
            return
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            # The file is refused and rolled back as a whole; writing the good rows first would be wasted.
            return
        try:
            self._write(created, updated)
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)

    def _write(self, created: list[Membership], updated: list[Membership]) -> None:
        """Store the file's deputies and seats in bulk, with the history auditlog would have written row by row.

        Bulk writes send no ``post_save``, so the LogEntry rows (one per created or changed deputy and seat,
        with the same field changes, region path, actor and address) are built here and inserted together.
        """
        deputies = list({id(seat.deputy): seat.deputy for seat in created + updated}.values())
        new_deputies = [deputy for deputy in deputies if deputy.pk is None]
        stored_deputies = [deputy for deputy in deputies if deputy.pk is not None]
        logs = []
        for deputy in new_deputies:
            # A new deputy has no account; saying so spares the history's diff a query per deputy.
            for relation in Deputy._meta.related_objects:
                if relation.one_to_one:
                    relation.set_cached_value(deputy, None)
        copy_insert.insert(Deputy, new_deputies)
        logs += [(deputy, LogEntry.Action.CREATE, creation_changes(deputy)) for deputy in new_deputies]
        changed_deputies = self._changed(stored_deputies, logs)
        now = timezone.now()
        for deputy in changed_deputies:
            deputy.updated_at = now
        Deputy.objects.bulk_update(changed_deputies, [*DEPUTY_IMPORT_FIELDS, "updated_at"], batch_size=WRITE_BATCH)

        copy_insert.insert(Membership, created)
        logs += [(seat, LogEntry.Action.CREATE, creation_changes(seat)) for seat in created]
        changed_seats = self._changed(updated, logs)
        Membership.objects.bulk_update(changed_seats, MEMBERSHIP_IMPORT_FIELDS, batch_size=WRITE_BATCH)
        write_history(logs, actor=self._user)
        # Nor are the region figures' counters of these rows marked for a recount by signals; marked here.
        for model, new, changed in ((Deputy, new_deputies, changed_deputies), (Membership, created, changed_seats)):
            stored = {row.pk: self._stored[model, row.pk] for row in changed}
            tallies.saved(model, created=new, updated=changed, before=stored)

    def _changed(self, instances, logs) -> list:
        """The instances that differ from their stored state; each difference is added to ``logs``."""
        changed = []
        for instance in instances:
            changes = _diff(self._stored[type(instance), instance.pk], instance)
            if changes:
                changed.append(instance)
                logs.append((instance, LogEntry.Action.UPDATE, changes))
        return changed

    # Export ---------------------------------------------------------------------------------------

    def get_queryset(self):
        return Membership.objects.all()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "deputy__region", "congress__region", "representative_group", "professional_group"
        )

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        mask = PERSONAL_COLUMNS.get(self.get_field_name(field))
        if mask is None or not value:
            return value
        deputy = instance.deputy
        if mask is mask_phone and deputy.phone_public:
            return value
        if self.user is not None and permissions.can_see_private_fields(self.user, deputy):
            self.revealed(instance)
            return value
        return mask(value)


def import_errors(result) -> list[str]:
    """Every reason an import was refused, one readable line each (line number, column, reason)."""
    messages = []
    for error in result.base_errors:
        exc = error.error
        messages.extend(exc.messages if isinstance(exc, ValidationError) else [str(exc)])
    for invalid in result.invalid_rows:
        for column, column_messages in invalid.error_dict.items():
            for message in column_messages:
                if column == NON_FIELD_ERRORS:
                    messages.append(_("第 %(row)s 行：%(message)s") % {"row": invalid.number, "message": message})
                else:
                    messages.append(
                        _("第 %(row)s 行，“%(column)s”列：%(message)s")
                        % {"row": invalid.number, "column": column, "message": message}
                    )
    for error_row in result.error_rows:
        for error in error_row.errors:
            messages.append(_("第 %(row)s 行：%(message)s") % {"row": error_row.number, "message": error.error})
    return messages


roster_errors = import_errors


@dataclass
class RosterImportOutcome:
    errors: list[str] = field(default_factory=list)
    result: Result | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def totals(self) -> dict[str, int]:
        return dict(self.result.totals) if self.result else {}


def import_roster(upload, *, user, dry_run: bool = False) -> RosterImportOutcome:
    """Check and import a roster file as ``user``; with ``dry_run`` nothing is kept (a preview).

    Either every row is written or none is; ``outcome.errors`` says why a file was refused.
    """
    try:
        roster = read_roster_file(upload)
    except ValidationError as exc:
        return RosterImportOutcome(errors=exc.messages)
    result = RosterResource().import_data(roster.dataset, dry_run=dry_run, user=user)
    return RosterImportOutcome(errors=roster_errors(result), result=result)


# --- export-only resources for the staff pages --------------------------------------------------------


EXPORT_CHUNK_SIZE = 2000


class FormulaSafeExportMixin:
    """Cells typed by users are exported so that a spreadsheet never runs them as formulas.

    Also remembers, for the length of an export, the answers import-export asks for again on every row and
    every cell (which fields, each field's name): working them out again was a third of the time a 12,000-row
    export spent in the resource (bench/README.md).
    """

    def export_resource(self, instance, selected_fields=None, **kwargs):
        key = (tuple(selected_fields) if selected_fields else None, repr(sorted(kwargs.items())))
        remembered = self.__dict__.setdefault("_export_readers", {})
        if key not in remembered:
            remembered[key] = [self._reader(field, kwargs) for field in self.get_export_fields(selected_fields)]
        return [read(instance) for read in remembered[key]]

    def _reader(self, field, kwargs):
        """How one column is read from a row: ``export_field``'s work, with its lookups done once per export."""
        if type(self).export_field is not FormulaSafeExportMixin.export_field:
            return lambda instance: self.export_field(field, instance, **kwargs)  # a resource that masks cells
        dehydrate = field.get_dehydrate_method(self.get_field_name(field))
        method = dehydrate if callable(dehydrate) else getattr(self, dehydrate, None)
        if method is None:
            method = _field_reader(field, kwargs)

        def read(instance):
            value = method(instance)
            if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                return "'" + value
            return value

        return read

    def get_chunk_size(self):
        # Rows per query: import-export's 100 made a prefetching export (the suggestions') run five queries per
        # hundred rows, 213 for the SQLite demo's 4,000 suggestions.
        return self._meta.chunk_size or EXPORT_CHUNK_SIZE

    def get_export_fields(self, selected_fields=None):
        remembered = self.__dict__.setdefault("_export_fields", {})
        key = tuple(selected_fields) if selected_fields else None
        if key not in remembered:
            remembered[key] = super().get_export_fields(selected_fields)
        return remembered[key]

    def get_field_name(self, field):
        remembered = self.__dict__.setdefault("_field_names", {})
        if id(field) not in remembered:
            remembered[id(field)] = super().get_field_name(field)
        return remembered[id(field)]

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value


def _defined_in(cls, name):
    return next((klass for klass in cls.__mro__ if name in klass.__dict__), None)


def _plain_render(value):
    return "" if value is None else (value if type(value) is str else force_str(value))


def _field_reader(field, kwargs):
    """``field.export`` (its ``get_value``, then its widget's ``render``) without import-export's per-cell
    overhead: the attribute path is split and the widget's renderer bound once per export."""
    if field.attribute is None:
        return lambda instance: field.export(instance, **kwargs)
    widget = field.widget
    cls = type(widget)
    if cls is widgets.Widget:
        render = _plain_render
    elif hasattr(widget, "renderer") and _defined_in(cls, "renderer") is _defined_in(cls, "render"):
        render = widget.renderer(**kwargs)
    else:
        return lambda instance: field.export(instance, **kwargs)
    names = field.attribute.split("__")

    def read(instance):
        value = instance
        try:
            for name in names:
                value = value[name] if type(value) is dict else getattr(value, name, None)
                if value is None:
                    return render(None)
        except (ValueError, ObjectDoesNotExist, KeyError):
            return render(None)
        if callable(value) and not isinstance(value, Manager):
            value = value()
        return render(value)

    return read


class SafeExportMixin(FormulaSafeExportMixin):
    def import_data(self, *args, **kwargs):
        raise NotImplementedError("export only")


class ActivityResource(SafeExportMixin, resources.ModelResource):
    deputy = Field(attribute="deputy__name", column_name=gettext_lazy("代表"))
    code = Field(attribute="deputy__code", column_name=gettext_lazy("编号"))
    kind = Field(attribute="kind", column_name=gettext_lazy("类型"), widget=ChoiceWidget(ActivityKind))
    date = Field(attribute="date", column_name=gettext_lazy("日期"), widget=DateWidget())
    place = Field(attribute="place", column_name=gettext_lazy("地点"))
    description = Field(attribute="description", column_name=gettext_lazy("内容"))
    status = Field(attribute="status", column_name=gettext_lazy("状态"), widget=ChoiceWidget(ActivityRecord.Status))
    return_reason = Field(attribute="return_reason", column_name=gettext_lazy("退回理由"))
    reviewed_by = Field(column_name=gettext_lazy("审核人"))
    reviewed_at = Field(attribute="reviewed_at", column_name=gettext_lazy("审核时间"), widget=LocalDateTimeWidget())
    created_at = Field(attribute="created_at", column_name=gettext_lazy("登记时间"), widget=LocalDateTimeWidget())

    class Meta:
        model = ActivityRecord
        name = gettext_lazy("履职记录")
        fields = (
            "deputy",
            "code",
            "kind",
            "date",
            "place",
            "description",
            "status",
            "return_reason",
            "reviewed_by",
            "reviewed_at",
            "created_at",
        )
        export_order = fields

    def dehydrate_reviewed_by(self, record):
        return person_name(record.reviewed_by)

    def filter_export(self, queryset, **kwargs):
        # Only the columns exported: the deputy's and reviewer's other fields (dates among them, which SQLite
        # stores as text) cost more to load than the export's own columns.
        return (
            queryset.select_related(None)
            .select_related("deputy", "reviewed_by")
            .only(
                "kind",
                "date",
                "place",
                "description",
                "status",
                "return_reason",
                "reviewed_at",
                "created_at",
                "deputy__name",
                "deputy__code",
                "reviewed_by__first_name",
                "reviewed_by__last_name",
                "reviewed_by__username",
            )
        )


def _has_prefetch(queryset: QuerySet, lookup: str) -> bool:
    return any(getattr(item, "prefetch_to", item) == lookup for item in queryset._prefetch_related_lookups)


class DeputyDirectoryResource(PersonalDataExportMixin, SafeExportMixin, resources.ModelResource):
    """The directory: an unpublished phone in full only for those who may see it (and the download is logged),
    masked for everyone else. Pass ``user`` (who downloads)."""

    code = Field(attribute="code", column_name=gettext_lazy("代表编号"))
    name = Field(attribute="name", column_name=gettext_lazy("姓名"))
    gender = Field(attribute="gender", column_name=gettext_lazy("性别"), widget=ChoiceWidget(Gender))
    region = Field(attribute="region__name", column_name=gettext_lazy("所在区域"))
    work_unit = Field(attribute="work_unit", column_name=gettext_lazy("工作单位"))
    post = Field(attribute="post", column_name=gettext_lazy("职务"))
    congresses = Field(column_name=gettext_lazy("届别"))
    status = Field(column_name=gettext_lazy("状态"))
    phone = Field(column_name=gettext_lazy("联系电话"))

    class Meta:
        model = Deputy
        name = gettext_lazy("代表通讯录")
        fields = ("code", "name", "gender", "region", "work_unit", "post", "congresses", "status", "phone")
        export_order = fields

    def dehydrate_phone(self, deputy):
        if not deputy.phone or deputy.phone_public:
            return deputy.phone
        if self.user is not None and permissions.can_see_private_fields(self.user, deputy):
            self.revealed(deputy)
            return deputy.phone
        return mask_phone(deputy.phone)

    def dehydrate_congresses(self, deputy):
        # A city's deputies sit in a few dozen congresses: each name is written once per export and language.
        names = self.__dict__.setdefault("_congress_names", {})
        language = get_language()
        for membership in deputy.memberships.all():
            if (language, membership.congress_id) not in names:
                names[language, membership.congress_id] = str(membership.congress)
        return join_list(names[language, membership.congress_id] for membership in deputy.memberships.all())

    def dehydrate_status(self, deputy):
        memberships = list(deputy.memberships.all())
        if any(m.status == Membership.Status.SERVING for m in memberships):
            return str(Membership.Status.SERVING.label)
        ended = [m for m in memberships if m.status_date]
        if not ended:
            return ""
        return max(ended, key=lambda m: m.status_date).get_status_display()

    def filter_export(self, queryset, **kwargs):
        queryset = queryset.select_related("region")
        if not _has_prefetch(queryset, "memberships"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.select_related("congress__region").order_by(
                        "congress__level", "-congress__term_number"
                    ),
                )
            )
        if not queryset.query.order_by:
            # Prefetching exports page by page, which needs an explicit order; keep the model's.
            queryset = queryset.order_by(*(Deputy._meta.ordering or ["pk"]))
        return queryset


class FastXLSX(XLSX):
    """The .xlsx downloads, written by ``core.spreadsheets`` (its docstring says why); also whole books."""

    def export_data(self, dataset, **kwargs):
        sheets = dataset.sheets() if isinstance(dataset, tablib.Databook) else [dataset]
        return spreadsheets.workbook(sheets)


EXPORT_FORMATS = {"xlsx": FastXLSX, "csv": CSV}


def export_file(resource, queryset, filename: str, file_format: str = "xlsx") -> spreadsheets.ExportFile:
    """``queryset`` written through ``resource`` (a Resource class or instance) as an xlsx or csv file.

    Pass ``DeputyDirectoryResource(user=...)`` so that unpublished phones follow the downloader's rights.
    ``filename`` may be Chinese (or lazy) and may omit the extension. CSV is written with a BOM so that Excel
    reads it as UTF-8.
    """
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f"unsupported export format: {file_format}")
    export_format = EXPORT_FORMATS[file_format]()
    if isinstance(resource, type):
        resource = resource()
    dataset = resource.export(queryset=queryset, force_native_type=export_format.is_binary())
    if file_format == "csv":
        return spreadsheets.csv_file(dataset, filename)
    return spreadsheets.xlsx_file(dataset, filename)


def export_response(resource, queryset, filename: str, file_format: str = "xlsx") -> HttpResponse:
    """``export_file`` as a download answering the request."""
    return spreadsheets.file_response(export_file(resource, queryset, filename, file_format))


# --- handling units -----------------------------------------------------------------------------------

# Like the roster's, these headers are the file format and are not translated. (区域代码, 名称) identifies a
# unit, so re-importing a file updates units; a unit cannot be renamed through a file.
UNIT_COL_REGION = "区域代码"
UNIT_COL_NAME = "名称"
UNIT_COL_KIND = "类别"
UNIT_COL_PERSON = "联系人"
UNIT_COL_PHONE = "联系电话"
UNIT_COL_EMAIL = "电子邮箱"
UNIT_COL_ACTIVE = "在用"
UNIT_REQUIRED_COLUMNS = (UNIT_COL_REGION, UNIT_COL_NAME)
UNIT_TEMPLATE_NAME = gettext_lazy("承办单位表")
UNIT_FIELD_COLUMNS = {
    "region": UNIT_COL_REGION,
    "name": UNIT_COL_NAME,
    "kind": UNIT_COL_KIND,
    "contact_person": UNIT_COL_PERSON,
    "contact_phone": UNIT_COL_PHONE,
    "email": UNIT_COL_EMAIL,
    "is_active": UNIT_COL_ACTIVE,
}


class UnquotingTextWidget(TextWidget):
    """Text that reads back what the export defused: the quote put before a formula-like cell is dropped."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row=row, **kwargs)
        if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
            return text[1:]
        return text


class KeepIfBlankYesNoWidget(YesNoWidget):
    """在用/停用, 是/否; a blank cell keeps the row as it is rather than switching every unit off."""

    TRUE = YesNoWidget.TRUE | {"在用"}
    FALSE = YesNoWidget.FALSE | {"停用"}

    def clean(self, value, row=None, **kwargs):
        if not isinstance(value, bool) and not _text(value):
            return None
        return super().clean(value, row=row, **kwargs)


class HandlingUnitResource(SheetImportMixin, FormulaSafeExportMixin, resources.ModelResource):
    region = Field(attribute="region", column_name=UNIT_COL_REGION, widget=RegionCodeWidget())
    name = Field(attribute="name", column_name=UNIT_COL_NAME, widget=UnquotingTextWidget())
    kind = Field(
        attribute="kind", column_name=UNIT_COL_KIND, widget=ChoiceWidget(HandlingUnit.Kind), saves_null_values=False
    )
    contact_person = Field(attribute="contact_person", column_name=UNIT_COL_PERSON, widget=UnquotingTextWidget())
    contact_phone = Field(attribute="contact_phone", column_name=UNIT_COL_PHONE, widget=UnquotingTextWidget())
    email = Field(attribute="email", column_name=UNIT_COL_EMAIL, widget=UnquotingTextWidget())
    is_active = Field(
        attribute="is_active", column_name=UNIT_COL_ACTIVE, widget=KeepIfBlankYesNoWidget(), saves_null_values=False
    )

    class Meta:
        model = HandlingUnit
        name = gettext_lazy("承办单位")
        fields = ("region", "name", "kind", "contact_person", "contact_phone", "email", "is_active")
        export_order = fields
        import_id_fields = ("region", "name")
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    required_columns = UNIT_REQUIRED_COLUMNS
    key_columns = (UNIT_COL_NAME, UNIT_COL_REGION)
    template_name = UNIT_TEMPLATE_NAME
    staff_only_message = gettext_lazy("只有代表工作人员可以导入承办单位。")
    duplicate_message = gettext_lazy("与第 %(row)d 行重复：同一区域的承办单位名称只能出现一次。")

    def get_instance(self, instance_loader, row):
        return (
            HandlingUnit.objects.select_related("region")
            .filter(region__code=_text(row.get(UNIT_COL_REGION)), name=self.fields["name"].clean(row))
            .first()
        )

    def _scope_errors(self, unit) -> dict[str, list[str]]:
        region = unit.region if unit.region_id else None
        if region is not None and not permissions.user_covers_region(self._user, region):
            return {UNIT_COL_REGION: [_("区域“%(region)s”不在您的管辖范围内。") % {"region": region.name}]}
        return {}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # An unchanged row outside the user's region must still be refused, not quietly skipped.
        if self._scope_errors(instance):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list[str]] = {}
        for column, error_list in (import_validation_errors or {}).items():
            errors.setdefault(column, []).extend(ValidationError(error_list).messages)
        failed = set(errors)
        exclude = {name for name, column in UNIT_FIELD_COLUMNS.items() if column in failed}
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(UNIT_FIELD_COLUMNS.get(name, NON_FIELD_ERRORS), []).extend(messages)
        for column, messages in self._scope_errors(instance).items():
            if column not in failed:
                errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def get_queryset(self):
        return HandlingUnit.objects.all()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("region")


def read_unit_file(upload) -> RosterFile:
    """Check an uploaded unit file (size, type, columns, rows) and parse it; see ``read_sheet_file``."""
    return read_sheet_file(upload, required_columns=UNIT_REQUIRED_COLUMNS, template_name=UNIT_TEMPLATE_NAME)


def import_units(upload, *, user, dry_run: bool = False) -> RosterImportOutcome:
    """Check and import a handling-unit file as ``user``: every row or none; ``outcome.errors`` says why not."""
    try:
        sheet = read_unit_file(upload)
    except ValidationError as exc:
        return RosterImportOutcome(errors=exc.messages)
    result = HandlingUnitResource().import_data(sheet.dataset, dry_run=dry_run, user=user)
    return RosterImportOutcome(errors=import_errors(result), result=result)
