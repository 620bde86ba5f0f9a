import datetime

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from representatives.models import Group, Level
from representatives.resources import RosterResource
from representatives.tests.factories import CongressFactory, GroupFactory

ROSTER_HEADERS = [field.column_name for field in RosterResource().get_export_fields()]


@pytest.fixture
def congress_a(regions):
    return CongressFactory(
        region=regions.county_a,
        level=Level.COUNTY,
        term_number=16,
        code="440703-16",
        start_date=datetime.date(2021, 10, 1),
        end_date=datetime.date(2026, 9, 30),
    )


@pytest.fixture
def congress_b(regions):
    return CongressFactory(region=regions.county_b, level=Level.COUNTY, term_number=16, code="440781-16")


@pytest.fixture
def city_congress(regions):
    return CongressFactory(region=regions.city, level=Level.CITY, term_number=16, code="4407-16")


@pytest.fixture
def groups(regions):
    """A representative group in township A and a professional group at city level, which counties share."""
    return type(
        "Groups",
        (),
        {
            "town_a": GroupFactory(kind=Group.Kind.REPRESENTATIVE, name="白沙代表小组", region=regions.town_a),
            "city_finance": GroupFactory(kind=Group.Kind.PROFESSIONAL, name="财经专业小组", region=regions.city),
        },
    )


# A valid ID number for a woman born on the default row's birth date (the default row's is a man's).
FEMALE_ID_NUMBER = "440703197002030029"


def roster_row(**overrides):
    """One valid roster row for township A in congress 440703-16; keyword arguments replace columns."""
    row = {
        "代表编号": "D0001",
        "姓名": "李四",
        "性别": "男",
        "民族": "汉族",
        "出生日期": "1970-02-03",
        "党派": "中共党员",
        "工作单位": "白沙街道办事处",
        "职务": "主任",
        "所在区域代码": "440703001",
        "联系电话": "13800000001",
        "公开电话": "否",
        "身份证号": "440703197002030010",
        "家庭住址": "白沙街道一号",
        "届别代码": "440703-16",
        "选区": "第一选区",
        "选举方式": "直接选举",
        "代表小组": "白沙代表小组",
        "专业小组": "财经专业小组",
        "状态": "在任",
        "状态日期": "",
    }
    row.update(overrides)
    return row


def roster_dataset(rows, headers=None) -> tablib.Dataset:
    headers = headers or ROSTER_HEADERS
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([row.get(header, "") for header in headers])
    return dataset


def roster_upload(rows, *, headers=None, file_format="xlsx", name=None, encoding="utf-8") -> SimpleUploadedFile:
    dataset = roster_dataset(rows, headers)
    content = dataset.export("xlsx") if file_format == "xlsx" else dataset.export("csv").encode(encoding)
    return SimpleUploadedFile(name or f"名册.{file_format}", content)
