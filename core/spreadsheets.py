"""Spreadsheet downloads for every app: the .xlsx writer, formula-safe cells and the download response.

``xlsx_response(book_or_sheet, filename)`` is the one way a page answers with an .xlsx file; ``sheet`` builds
a tablib sheet from headers and rows; ``ExportFile`` is a built download (bytes, name, type) that the
background exports (``core.exports``) store and serve later.

The writer writes tablib datasets as an .xlsx workbook directly, without building a cell object per value.
tablib hands every cell to openpyxl, which makes an object of it, styles it and serialises it through its
XML writer: 55% of the SQLite demo's 12,000-row activity export (3.2 s) and most of a county's export at
province scale (bench/README.md). This writes the same workbook (bold, frozen header row; columns as wide
as their longest value; line-broken text wrapped; dates as dates) as one string per sheet.

Text is written as inline strings, so a value starting with "=" stays text: no cell here is ever a formula.
Text that a spreadsheet would still read as a formula once the file is saved again as CSV or retyped
(``FORMULA_PREFIXES``) is written with a leading apostrophe, as the resources' cells are.
"""

import dataclasses
import datetime
import decimal
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape  # nosec B406 - escapes the text we write; no XML is parsed here

import tablib
from django.http import HttpResponse
from django.utils import timezone

# Characters XML 1.0 does not allow; openpyxl refuses them too.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPECIAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<>]")
_EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001  Excel's day 0, a naive local date by definition
# Cell styles (indexes into styles.xml's cellXfs).
PLAIN, HEADER, DATE, DATETIME, WRAP = 0, 1, 2, 3, 4
_INVALID_TITLE = re.compile(r"[\\/*?:\[\]]")
# Text a spreadsheet reads as a formula (or as the start of one) once it is typed or saved again as CSV.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = frozenset(FORMULA_PREFIXES)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text(value: str) -> str:
    if _SPECIAL.search(value) is None:
        return value
    return escape(_ILLEGAL.sub("", value))


def _cell(value: Any, style: int = PLAIN) -> tuple[str, int]:
    """The cell's XML and the width its value takes (as tablib measures it: the length of its text).

    Cells carry no reference: each follows the one before, and an empty one is written as ``<c/>``.
    """
    if value is None or value == "":
        return "<c/>", 0
    kind = type(value)
    if kind is str:
        if value[0] in _FORMULA_START:
            value = "'" + value
        if style == PLAIN and "\n" in value:
            style = WRAP
        s = f' s="{style}"' if style else ""
        return f'<c t="inlineStr"{s}><is><t xml:space="preserve">{_text(value)}</t></is></c>', len(value)
    if kind is bool:
        return f'<c t="b"><v>{int(value)}</v></c>', len(str(value))
    if kind in (int, float, decimal.Decimal):
        text = str(value)
        return f"<c><v>{text}</v></c>", len(text)
    if kind is datetime.datetime:
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        serial = (value - _EPOCH).total_seconds() / 86400
        return f'<c s="{DATETIME}"><v>{serial!r}</v></c>', len(str(value))
    if kind is datetime.date:
        return f'<c s="{DATE}"><v>{(value - _EPOCH.date()).days}</v></c>', len(str(value))
    return _cell(str(value), style)


def _sheet(dataset: tablib.Dataset) -> str:
    headers = dataset.headers
    data = list(dataset)
    rows = []
    widths = [0] * max((len(values) for values in ([headers] if headers else []) + data), default=0)
    if headers:
        cells = []
        for index, value in enumerate(headers):
            xml, width = _cell(value, HEADER)
            cells.append(xml)
            widths[index] = max(widths[index], width)
        rows.append(f'<row r="1">{"".join(cells)}</row>')
    # Text is most cells of every export: it is written here without a call per cell (a fifth of the time).
    special, formula, illegal = _SPECIAL.search, _FORMULA_START, _ILLEGAL.sub
    plain, wrapped, close = (
        '<c t="inlineStr"><is><t xml:space="preserve">',
        (f'<c t="inlineStr" s="{WRAP}"><is><t xml:space="preserve">'),
        "</t></is></c>",
    )
    for number, values in enumerate(data, 2 if headers else 1):
        cells = []
        append = cells.append
        for index, value in enumerate(values):
            if type(value) is str:
                if not value:
                    append("<c/>")
                    continue
                if value[0] in formula:
                    value = "'" + value
                width = len(value)
                opening = wrapped if "\n" in value else plain
                append(f"{opening}{value if special(value) is None else escape(illegal('', value))}{close}")
            else:
                xml, width = _cell(value)
                append(xml)
            if width > widths[index]:
                widths[index] = width
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    columns = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>' for i, width in enumerate(widths, 1) if width
    )
    frozen = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
        ' state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
        if dataset.headers
        else ""
    )
    size = f'<dimension ref="A1:{_column(max(len(widths), 1) - 1)}{max(len(rows), 1)}"/>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{size}{frozen}{f'<cols>{columns}</cols>' if columns else ''}<sheetData>{''.join(rows)}</sheetData>"
        "</worksheet>"
    )


def _title(dataset: tablib.Dataset, index: int, used: set[str]) -> str:
    title = _INVALID_TITLE.sub("-", str(dataset.title or "")).strip("'")[:31] or f"Sheet{index}"
    candidate, n = title, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{title[: 31 - len(str(n)) - 1]}-{n}"
    used.add(candidate.lower())
    return candidate


def workbook(datasets: Iterable[tablib.Dataset]) -> bytes:
    """The .xlsx file of one sheet per tablib ``Dataset`` (a ``Databook``'s sheets, or a list of datasets)."""
    datasets = list(datasets)
    used: set[str] = set()
    titles = [_title(dataset, i, used) for i, dataset in enumerate(datasets, 1)]
    sheets = "".join(
        f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, title in enumerate(titles, 1)
    )
    relations = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(datasets) + 1)
    )
    n = len(datasets)
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, n + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{relations}<Relationship Id="rId{n + 1}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for i, dataset in enumerate(datasets, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", _sheet(dataset))
    return buffer.getvalue()


def safe_cell(value: object) -> object:
    """A cell as the downloads write it: text that would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


def sheet(headers: Iterable[object], rows: Iterable[Iterable[object]], title: object = None) -> tablib.Dataset:
    """A sheet of ``rows`` (lists of cells) under ``headers``, every cell made formula-safe."""
    dataset = tablib.Dataset(headers=[str(header) for header in headers], title=str(title) if title else None)
    for row in rows:
        dataset.append([safe_cell(value) for value in row])
    return dataset


def attachment_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real (often Chinese) one per RFC 5987."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    fallback = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-") or "export"
    extension = re.sub(r"[^A-Za-z0-9]+", "", extension)
    if extension:
        fallback = f"{fallback}.{extension}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


# A tablib Databook, one Dataset, or a list of them (tablib ships no types).
Sheets = Any


@dataclasses.dataclass(frozen=True)
class ExportFile:
    """A built download: what a page sends at once, or what a background export stores until it is fetched."""

    data: bytes
    filename: str
    content_type: str


def _named(filename: object, extension: str) -> str:
    filename = str(filename)
    return filename if filename.lower().endswith("." + extension) else f"{filename}.{extension}"


def xlsx_file(book_or_sheets: Sheets, filename: object) -> ExportFile:
    """The .xlsx file of a tablib ``Databook``, one ``Dataset`` or a list of them."""
    if isinstance(book_or_sheets, tablib.Databook):
        sheets = book_or_sheets.sheets()
    elif isinstance(book_or_sheets, tablib.Dataset):
        sheets = [book_or_sheets]
    else:
        sheets = list(book_or_sheets)
    return ExportFile(workbook(sheets), _named(filename, "xlsx"), XLSX_TYPE)


def csv_file(dataset: tablib.Dataset, filename: object) -> ExportFile:
    """CSV with a BOM, so that Excel reads it as UTF-8."""
    return ExportFile(dataset.export("csv").encode("utf-8-sig"), _named(filename, "csv"), CSV_TYPE)


def file_response(export_file: ExportFile) -> HttpResponse:
    response = HttpResponse(export_file.data, content_type=export_file.content_type)
    response["Content-Disposition"] = attachment_disposition(export_file.filename)
    return response


def xlsx_response(book_or_sheets: Sheets, filename: object) -> HttpResponse:
    """Answer a page with an .xlsx download; ``filename`` may be Chinese (or lazy) and may omit ".xlsx"."""
    return file_response(xlsx_file(book_or_sheets, filename))
