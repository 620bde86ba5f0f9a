"""Build a roster spreadsheet the way an office keeps one: the import's own column names, one seat a row."""

import datetime
import io

from openpyxl import Workbook

COLUMNS = (
    "代表编号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "党派",
    "工作单位",
    "职务",
    "所在区域代码",
    "联系电话",
    "公开电话",
    "身份证号",
    "家庭住址",
    "届别代码",
    "选区",
    "选举方式",
    "代表小组",
    "专业小组",
    "状态",
    "状态日期",
)


def roster_row(*, code, name, region, congress, gender="女", **overrides) -> dict:
    row = {
        "代表编号": code,
        "姓名": name,
        "性别": gender,
        "民族": "汉族",
        "出生日期": datetime.datetime(1978, 4, 12),  # Excel date cells come back as midnight datetimes
        "党派": "中共党员",
        "工作单位": "蓬江区白沙街道办事处",
        "职务": "主任",
        "所在区域代码": region.code,
        "联系电话": "13800000000",
        "公开电话": "否",
        "身份证号": "",
        "家庭住址": "",
        "届别代码": congress.code,
        "选区": "第一选区",
        "选举方式": "直接选举",
        "代表小组": "",
        "专业小组": "",
        "状态": "在任",
        "状态日期": None,
    }
    row.update(overrides)
    return row


def roster_xlsx(rows: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "代表名册"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[column] for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
