"""The year report as an Excel workbook: the same figures, how each is counted, the levels, regions and units."""

import tablib
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core import spreadsheets
from core.text import bracketed

from .dashboard import Figures
from .presenters import Section, region_table

# Region and unit names are typed by users: a leading "=" must not become a formula in Excel.
_cell = spreadsheets.safe_cell


def _region_sheet(figures: Figures) -> tablib.Dataset:
    table = region_table(figures, report=True)
    cells = table["total"].cells
    headings = [f"{cell.label}{bracketed('%')}" if cell.rate else cell.label for cell in cells]
    sheet = tablib.Dataset(headers=[_("区域"), *headings], title=_("分区域"))
    for row in [*table["rows"], table["total"]]:
        sheet.append([_cell(row.name), *(_cell(cell.value) for cell in row.cells)])
    return sheet


def report_xlsx(figures: Figures, sections: list[Section]) -> HttpResponse:
    summary = tablib.Dataset(headers=[_("类别"), _("项目"), _("数值"), _("统计口径")], title=_("年度汇总"))
    for section in sections:
        for item in section.items:
            label = f"{item.label}{bracketed('%')}" if item.rate else item.label
            summary.append([section.title, label, _cell(item.value), item.how])
    levels = tablib.Dataset(headers=[_("层级"), _("年内在任代表"), _("其中直接选举")], title=_("代表构成"))
    for level in figures.deputies.by_level:
        levels.append([level.label, level.serving, level.direct])
    units = tablib.Dataset(
        headers=[_("承办单位"), _("应答复"), _("按期答复"), _("按期答复率（%）")], title=_("承办单位")
    )
    for unit in figures.units:
        units.append([_cell(unit.name), unit.due, unit.on_time, _cell(unit.on_time_rate)])
    name = figures.region.name if figures.region else _("全部区域")
    filename = _("%(year)s年度代表工作统计_%(region)s.xlsx") % {"year": figures.year, "region": name}
    return spreadsheets.xlsx_response([summary, levels, _region_sheet(figures), units], filename)
