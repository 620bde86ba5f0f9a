"""Demo and benchmark data: a plausible Jiangmen (江门市) with its deputies, seats and activity records.

``seed()`` runs every registered builder in order inside one transaction. Later apps extend it without
touching this file: each app may have its own ``demo.py`` whose ``@builder`` functions fill the ``builders``
registry (``core.registry``) when its ``AppConfig.ready()`` imports it. ``ready()`` runs in ``INSTALLED_APPS``
order, which is also the dependency order (representatives ← liaison_stations ← suggestions ← evaluations), so
a later builder finds what the earlier ones put on the ``DemoContext``. A builder may also add its own
command-line flags; they arrive in ``ctx.options``.

Everything is drawn from pools with a seeded ``random.Random`` (never Faker per row: too slow for
benchmark sizes) and written with ``bulk_create`` or, on PostgreSQL, COPY, so 300,000 deputies load in minutes
and leave no audit-log entries. The biggest tables are built as tuples of values already in their COPY text
where that is cheap (``DemoContext.insert_tuples``), from values drawn thousands at a time (``_drawn``,
``_uniform``), with their plain indexes built once after the load (``DemoContext.indexes_deferred``).
"""

from __future__ import annotations

import datetime
import io
import queue
import random
import re
import threading
import time
import uuid
from argparse import ArgumentParser
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, reset_queries, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.registry import Registry

from . import tallies
from .models import (
    ActivityKind,
    ActivityRecord,
    Congress,
    Deputy,
    Gender,
    Group,
    HandlingUnit,
    Level,
    Membership,
    Region,
    Role,
    User,
)

# Printed with the accounts at the end of every run; demo databases only.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo accounts' password  # nosec B105
DEFAULT_SEED = 2026
DEFAULT_DEPUTIES = 3000
DEFAULT_BATCH_SIZE = 5000

# ``seed_demo --scale``: the benchmark volumes of issue 7. Flags given on the command line win over these.
# Options are the builders' argparse destinations; the totals (opinions, suggestions, units) are spread by
# the builders over the regions in their usual proportions.
SCALES: dict[str, dict[str, Any]] = {
    # ≈ 6,000 deputies, 600 stations, 10,000 opinions, 2,000 suggestions, 60,000 activities.
    "city": {
        "deputies": 6_000,
        "activities_per_year": 5,
        "years": 2,
        "deputies_per_station": 9.7,
        "opinions": 10_000,
        "suggestions": 2_000,
    },
    # ≈ 300,000 deputies, 20,000 stations, 1,000,000 opinions, 100,000 suggestions, 3,000,000 activities,
    # 1,000 handling units; a fifth of the assignments still open, so reminder sweeps have work to do.
    "province": {
        "deputies": 300_000,
        "activities_per_year": 5,
        "years": 2,
        "deputies_per_station": 14.5,
        "opinions": 1_000_000,
        "suggestions": 100_000,
        "units": 1_000,
        "suggestion_open_rate": 0.2,
        "batch_size": 20_000,
    },
}

PROVINCE = ("44", "广东省")
CITY = ("4407", "江门市")
# County codes are the real ones; townships are real names in each, streets (街道) numbered from 001
# and towns (镇) from 100 as the national division codes do.
COUNTIES = [
    ("440703", "蓬江区", ["环市街道", "潮连街道", "白沙街道", "北街街道", "堤东街道", "杜阮镇", "棠下镇", "荷塘镇"]),
    ("440704", "江海区", ["江南街道", "外海街道", "礼乐街道", "滘头街道"]),
    ("440705", "新会区", ["会城街道", "大泽镇", "司前镇", "罗坑镇", "双水镇", "崖门镇", "沙堆镇", "古井镇"]),
    ("440781", "台山市", ["台城街道", "大江镇", "水步镇", "四九镇", "白沙镇", "三合镇", "冲蒌镇", "斗山镇"]),
    ("440783", "开平市", ["长沙街道", "三埠街道", "月山镇", "水口镇", "沙塘镇", "苍城镇", "赤坎镇", "塘口镇"]),
    ("440784", "鹤山市", ["沙坪街道", "龙口镇", "雅瑶镇", "古劳镇", "桃源镇", "鹤城镇", "共和镇", "址山镇"]),
    ("440785", "恩平市", ["恩城街道", "横陂镇", "圣堂镇", "良西镇", "沙湖镇", "牛江镇", "君堂镇", "大田镇"]),
]
COUNTY_CODE_FOR_STAFF = "440703"

# (term number, first day) of a known term per level; later terms follow every five years, so the demo
# always has a current term whatever day it is seeded.
TERM_ANCHORS = {
    Level.NATIONAL: (14, datetime.date(2023, 3, 5)),
    Level.PROVINCIAL: (14, datetime.date(2023, 1, 12)),
    Level.CITY: (16, datetime.date(2022, 1, 6)),
    Level.COUNTY: (17, datetime.date(2021, 12, 28)),
    Level.TOWNSHIP: (18, datetime.date(2021, 12, 15)),
}

PROFESSIONAL_GROUPS = ["法制组", "财经组", "农业农村组", "教科文卫组", "城建环保组"]

CITY_BUREAUS = [
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广电旅游体育局",
    "卫生健康局",
    "应急管理局",
    "市场监督管理局",
    "城市管理和综合执法局",
    "医疗保障局",
]
COUNTY_BUREAUS = [
    "教育局",
    "财政局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "卫生健康局",
    "市场监督管理局",
]
CLERK_UNIT = "江门市住房和城乡建设局"
# Township offices of county bureaus and public services that handle voters' opinions (``--units``).
TOWNSHIP_OFFICES = [
    "派出所",
    "卫生院",
    "供电所",
    "司法所",
    "自然资源所",
    "市场监督管理所",
    "农业农村服务中心",
    "社会保障服务中心",
    "财政所",
    "交警中队",
    "城管执法中队",
    "综合文化站",
    "水务所",
    "税务分局",
    "中心小学",
    "环境卫生管理站",
]

# Weighted towards the surnames common in the Wuyi (五邑) area.
SURNAMES = (
    ("陈", 12),
    ("李", 9),
    ("黄", 8),
    ("梁", 7),
    ("林", 4),
    ("张", 4),
    ("何", 3),
    ("吴", 3),
    ("刘", 3),
    ("谭", 4),
    ("余", 2),
    ("关", 2),
    ("甄", 1),
    ("邓", 2),
    ("冯", 2),
    ("伍", 2),
    ("叶", 2),
    ("周", 2),
    ("赵", 1),
    ("王", 2),
    ("杨", 2),
    ("朱", 1),
    ("许", 1),
    ("郑", 2),
    ("罗", 2),
    ("胡", 1),
    ("麦", 1),
    ("区", 1),
    ("司徒", 1),
    ("欧阳", 1),
)
GIVEN_MALE = "伟强军国华建明志文勇俊杰健峰辉海斌坚锦荣耀光德永振家庆泽宏浩涛鹏伟东成汉彬炳权"
GIVEN_FEMALE = "丽芳敏静燕玲红霞婷娟慧秀英梅兰萍洁琳雪颖翠凤月桂嫦艳琼欣"
GIVEN_EITHER = "嘉晓少佩思惠卓立雅锐永金银清"
ETHNICITIES = (("汉族", 970), ("壮族", 8), ("瑶族", 6), ("满族", 4), ("回族", 4), ("畲族", 4), ("土家族", 4))
PARTIES = (
    ("中共党员", 700),
    ("群众", 170),
    ("致公党党员", 30),
    ("民革党员", 15),
    ("民盟盟员", 15),
    ("民建会员", 20),
    ("民进会员", 15),
    ("农工党党员", 10),
    ("九三学社社员", 10),
    ("无党派人士", 15),
)
MOBILE_PREFIXES = ("138", "139", "137", "135", "136", "150", "151", "158", "159", "186", "188", "189", "133", "177")
VILLAGES = [
    "东风",
    "红星",
    "联和",
    "新村",
    "龙溪",
    "石头",
    "沙富",
    "南安",
    "北联",
    "长安",
    "永安",
    "和平",
    "大岭",
    "塘边",
    "水南",
    "西坑",
    "东头",
    "凤山",
    "仁和",
    "上沙",
]
STREETS = [
    "建设路",
    "解放路",
    "人民路",
    "中山路",
    "朝阳路",
    "五邑路",
    "迎宾大道",
    "东华路",
    "港口路",
    "环市路",
    "胜利路",
    "跃进路",
    "育德路",
    "白沙大道",
]
COMPANY_WORDS = [
    "华盛",
    "恒通",
    "新宝",
    "大华",
    "粤海",
    "侨兴",
    "金达",
    "宏图",
    "南方",
    "联发",
    "泰丰",
    "鸿运",
    "嘉利",
    "万里",
    "长兴",
]
INDUSTRIES = [
    "电器",
    "五金",
    "纺织",
    "食品",
    "水暖卫浴",
    "印刷",
    "建材",
    "物流",
    "电子科技",
    "摩托车",
    "陈皮",
    "造纸",
    "机械",
    "化工",
    "农业发展",
]
SCHOOLS = ("第一中学", "第二中学", "实验学校", "中心小学", "职业技术学校")
TOPICS = (
    "乡村振兴",
    "农村人居环境整治",
    "老旧小区改造",
    "生活垃圾分类",
    "河长制落实",
    "潭江水质保护",
    "侨乡文化保护",
    "义务教育均衡发展",
    "基层医疗卫生服务",
    "居家养老服务",
    "营商环境优化",
    "道路交通安全",
    "食品安全",
    "防汛防风",
    "农田水利建设",
    "就业创业",
    "城市精细化管理",
    "社区治理",
    "历史文化街区保护",
    "新能源产业发展",
    "新会陈皮产业发展",
)
LAWS = (
    "中华人民共和国食品安全法",
    "中华人民共和国大气污染防治法",
    "中华人民共和国义务教育法",
    "中华人民共和国安全生产法",
    "中华人民共和国道路交通安全法",
    "中华人民共和国未成年人保护法",
    "广东省城乡生活垃圾管理条例",
    "江门市潭江流域水质保护条例",
    "江门市历史文化街区和历史建筑保护条例",
)
RETURN_REASONS = (
    "活动内容填写不完整，请补充具体时间、地点和内容。",
    "缺少活动照片或签到表，请补充附件后重新提交。",
    "与已登记的活动重复，请核实。",
    "活动类型选择有误，请修改后重新提交。",
)
# Non-report activity kinds; reports to voters are drawn separately at each county's own rate.
ACTIVITY_KINDS = (
    (ActivityKind.INSPECTION, 20),
    (ActivityKind.RESEARCH, 25),
    (ActivityKind.LAW_CHECK, 8),
    (ActivityKind.HEARING, 12),
    (ActivityKind.TRAINING, 15),
    (ActivityKind.GROUP, 15),
    (ActivityKind.OTHER, 5),
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _weighted(pairs):
    values = [value for value, _weight in pairs]
    cumulative, total = [], 0
    for _value, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def current_term(level: int, today: datetime.date) -> tuple[int, datetime.date, datetime.date]:
    term, start = TERM_ANCHORS[level]
    while _add_years(start, 5) <= today:
        term, start = term + 1, _add_years(start, 5)
    return term, start, _add_years(start, 5) - datetime.timedelta(days=1)


def id_number(area_code: str, birth: datetime.date, sequence: int) -> str:
    """An 18-character resident ID with a valid ISO 7064 check digit (fictional, not a real person's)."""
    body = f"{area_code}{birth:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


class RosterEntry(NamedTuple):
    """What later builders need to know about one seeded deputy, without loading the row again."""

    deputy_id: int
    township: int  # index into ctx.townships
    county: int  # index into ctx.counties
    direct: bool  # holds a directly elected (county or township) seat
    left_on: datetime.date | None  # last day of service when no seat is still serving


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escaped(value: str) -> str:
    # Four substring tests cost less than one regular expression call, and nearly no value needs escaping.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


# COPY's text format by exact type: one dict lookup per value, the hot path at millions of rows.
_TEXT_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: _escaped,
    int: int.__repr__,
    bool: lambda value: "t" if value else "f",
    type(None): lambda value: "\\N",
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    datetime.time: datetime.time.isoformat,
    float: float.__repr__,
    Decimal: Decimal.__str__,
    uuid.UUID: uuid.UUID.__str__,
}


def _copy_text(value) -> str | None:
    """A value in COPY's text format, or None when only the field knows how to store it."""
    convert = _TEXT_BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    # Choices are str or int subclasses: store the plain value. Their converter is remembered by type, since
    # every choice field of millions of rows would otherwise come down this slower path.
    if isinstance(value, str):
        _TEXT_BY_TYPE[type(value)] = _plain_str
        return _plain_str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        _TEXT_BY_TYPE[type(value)] = _plain_int
        return _plain_int(value)
    return None


def _plain_str(value: str) -> str:
    return _escaped(str.__str__(value))


def _plain_int(value: int) -> str:
    return int.__repr__(value)


class _Layout(NamedTuple):
    """Where each column of a COPY goes, by attribute name, and the text of the columns a row leaves out."""

    positions: dict[str, int]
    fields: list
    template: list[str | None]  # the fixed defaults' text; None where each row gets its own value
    factories: list[tuple[str, int, Any, Callable[[], Any]]]  # (attname, position, field, default factory)


# Fields whose values' str() is their COPY text (``write_tuples``); choices are str or int subclasses.
_TUPLE_FIELDS = (
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,  # DateTimeField too
    models.DecimalField,
    models.ForeignKey,
    models.IntegerField,  # and its positive and small kinds
    models.TextField,
    models.TimeField,
    models.UUIDField,
)


class _TupleLayout(NamedTuple):
    sql: str  # COPY of the given columns, then the defaulted ones
    id_sql: str  # the same with the id first
    width: int  # columns per line, without the id
    per_row: list  # fields whose default is called for each row
    now_columns: list  # fields stamped with the time of writing
    constant: str  # the other defaults' text, tab-separated


class _CopyWriter:
    """Writes one model's rows with ``COPY … FROM STDIN``, taking ids from the table's sequence first.

    Rows are dicts of attribute names (``deputy_id``, not ``deputy``) to values; what a row leaves out gets
    the field's default, and ``auto_now``/``auto_now_add`` fields get the time of writing, as ``bulk_create``
    would do. No model instance is built per row: at benchmark sizes ``Model.__init__`` alone costs more than
    the database does. No signals either, so no audit-log entries, as with ``bulk_create``.
    """

    def __init__(self, model, pipe: _CopyPipe | None = None):
        opts = model._meta
        self.model = model
        self.pipe = pipe
        self.pk = opts.pk.attname
        quote = connection.ops.quote_name
        fields = [f for f in opts.concrete_fields if not getattr(f, "generated", False)]
        self.sql = f"COPY {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
        # Rows whose ids nobody needs leave the id to the column's identity default: no round trip to the
        # sequence, which would have to wait for the COPY still running in the background.
        without_pk = [f for f in fields if f is not opts.pk]
        self.sql_without_pk = (
            f"COPY {quote(opts.db_table)} ({', '.join(quote(f.column) for f in without_pk)}) FROM STDIN"
        )
        self.stamped = [  # auto_now and auto_now_add: the time of writing, whatever the row says
            f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.layout, self.layout_without_pk = self._layout(fields), self._layout(without_pk)
        self.copy_seconds = 0.0  # time spent in the database, for the timings printed at the end
        self._tuple_layouts: dict[tuple[str, ...], _TupleLayout] = {}
        self._spare_ids: list[int] = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [opts.db_table, opts.pk.column])
            self.sequence = cursor.fetchone()[0]

    def _layout(self, fields) -> _Layout:
        index: dict[str, int] = {}
        template: list[str | None] = []
        factories: list[tuple[str, int, Any, Any]] = []
        for position, f in enumerate(fields):
            index[f.attname] = position
            if f.attname in self.stamped:
                template.append(None)  # every row has its time stamp by then
            elif f.has_default() and callable(f.default):
                template.append(None)
                factories.append((f.attname, position, f, f.default))
            else:
                template.append(self.text(f, f.get_default()))
        return _Layout(index, fields, template, factories)

    @staticmethod
    def text(field, value) -> str:
        text = _copy_text(value)
        if text is None:
            prepared = field.get_db_prep_save(value, connection)
            text = _copy_text(prepared)
            if text is None:
                text = str(prepared).translate(_COPY_ESCAPES)
        return text

    def write(self, rows: list[dict], *, ids: bool = True) -> None:
        """Write ``rows``, setting the id of each row that has none (unless ``ids`` is False: nobody needs them,
        and the rows without one get theirs from the table's identity default, in the same order)."""
        if not rows:
            return
        pk, sql, layout = self.pk, self.sql, self.layout
        fresh = [row for row in rows if row.get(pk) is None]
        if fresh and not ids and len(fresh) == len(rows):
            sql, layout = self.sql_without_pk, self.layout_without_pk
        elif fresh:
            for row, value in zip(fresh, self.take_ids(len(fresh)), strict=True):
                row[pk] = value
        now, stamped = timezone.now(), self.stamped
        text, convert_for = self.text, _TEXT_BY_TYPE.get
        position_of, fields, template, factories = layout.positions.get, *layout[1:]
        lines = []
        # From the columns' defaults, then what the row gives: a row names a few of a table's many columns.
        for row in rows:
            for attname in stamped:
                row[attname] = now
            texts = template.copy()
            for attname, position, f, factory in factories:
                if attname not in row:
                    texts[position] = text(f, factory())
            for attname, value in row.items():
                column = position_of(attname)
                if column is not None:
                    convert = convert_for(type(value))
                    texts[column] = convert(value) if convert is not None else text(fields[column], value)
            # Every None of the template is filled by now: time stamps above, defaults or the row's own values.
            lines.append("\t".join(cast(list[str], texts)))
        lines.append("")
        payload = "\n".join(lines)
        if self.pipe is not None:
            self.pipe.send(self, sql, payload)
        else:
            self.copy(connection.connection, sql, payload)

    def _tuple_layout(self, columns: tuple[str, ...]) -> _TupleLayout:
        layout = self._tuple_layouts.get(columns)
        if layout is not None:
            return layout
        by_attname = {f.attname: f for f in self.layout.fields}
        for attname in columns:
            f = by_attname[attname]
            if not isinstance(f, _TUPLE_FIELDS) or attname in self.stamped:
                # str() of a value is its COPY text only for these types; time stamps are the writer's own.
                raise TypeError(f"{self.model.__name__}.{attname} cannot be written as a tuple column")
        per_row, now_columns, constant, constant_texts = [], [], [], []
        for f in self.layout.fields:
            if f.attname in columns or f.attname == self.pk:
                continue
            if f.attname in self.stamped or (f.has_default() and f.default is timezone.now):
                now_columns.append(f)  # the time of writing, the same for the whole batch
            elif f.has_default() and callable(f.default):
                per_row.append(f)  # a fresh value each row (a public id, a tracking code)
            else:
                constant.append(f)
                constant_texts.append(self.text(f, f.get_default()))
        quote = connection.ops.quote_name
        names = [by_attname[a].column for a in columns] + [f.column for f in per_row + now_columns + constant]
        sql = f"COPY {quote(self.model._meta.db_table)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
        id_sql = sql.replace(" (", f" ({quote(self.model._meta.pk.column)}, ", 1)
        layout = _TupleLayout(sql, id_sql, len(names), per_row, now_columns, "\t".join(constant_texts))
        self._tuple_layouts[columns] = layout
        return layout

    def write_tuples(self, columns: tuple[str, ...], rows: list[tuple], *, ids: bool = False) -> list[int]:
        """Write ``rows``, each a tuple of values for ``columns`` in that order; the other columns get their
        defaults. With ``ids``, returns the rows' new ids (in order), otherwise the table's identity gives them.

        COPY text is ``str()`` of each value (None is NULL): plain ints, strings, dates, aware datetimes and
        booleans read back as themselves, so a builder that formats its own values (a date's text, say) spends
        nothing more here. A batch whose values need escaping (a tab, newline or backslash) is written again
        with every value escaped: counting separators over the whole batch costs far less than testing values.
        """
        if not rows:
            return []
        layout = self._tuple_layout(columns)
        new_ids: list[int] = []
        if ids:
            new_ids = self.take_ids(len(rows))
            rows = [(pk, *row) for pk, row in zip(new_ids, rows, strict=True)]
        tail = [self.text(f, timezone.now()) for f in layout.now_columns]
        if layout.constant:
            tail.append(layout.constant)
        suffix = "\t" + "\t".join(tail) if tail else ""
        width = layout.width + (1 if ids else 0)
        null = "\\N"
        if layout.per_row:
            factories = [f.default for f in layout.per_row]
            rows = [(*row, *(str(factory()) for factory in factories)) for row in rows]
        lines = ["\t".join([v if v.__class__ is str else null if v is None else str(v) for v in row]) for row in rows]
        lines.append("")
        payload = (suffix + "\n").join(lines) if suffix else "\n".join(lines)
        count = len(rows)
        nulls = sum([row.count(None) for row in rows]) + suffix.count("\\") * count
        if (
            payload.count("\t") != count * (width - 1)
            or payload.count("\n") != count
            or payload.count("\\") != nulls
            or "\r" in payload
        ):
            lines = [
                "\t".join([null if v is None else _escaped(v if v.__class__ is str else str(v)) for v in row]) + suffix
                for row in rows
            ]
            lines.append("")
            payload = "\n".join(lines)
        sql = layout.id_sql if ids else layout.sql
        if self.pipe is not None:
            self.pipe.send(self, sql, payload)
        else:
            self.copy(connection.connection, sql, payload)
        return new_ids

    def copy(self, raw_connection, sql: str, payload: str) -> None:
        started = time.monotonic()
        with raw_connection.cursor() as cursor:
            cursor.copy_expert(sql, io.StringIO(payload), 1 << 20)
        self.copy_seconds += time.monotonic() - started

    def take_ids(self, count: int) -> list[int]:
        """``count`` new ids from the table's sequence, taken several batches' worth at a time.

        Taking them is a statement, and every statement first waits for the COPY still loading in the
        background (``_CopyPipe``): once per batch, the database idled while the next batch was built. Ids
        taken and never used leave a gap in the sequence, as a rolled-back insert does.
        """
        if len(self._spare_ids) < count:
            with connection.cursor() as cursor:
                # nextval keeps the sequence right for later inserts.
                cursor.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    [self.sequence, count * 5 - len(self._spare_ids)],
                )
                self._spare_ids += [value for (value,) in cursor.fetchall()]
        taken, self._spare_ids = self._spare_ids[:count], self._spare_ids[count:]
        return taken

    def write_objects(self, objs: list, *, ids: bool = True) -> None:
        """Model instances, as ``bulk_create`` takes them: foreign keys resolved from objects saved since."""
        rows = []
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
            rows.append(obj.__dict__)
        self.write(rows, ids=ids)
        for obj in objs:
            obj._state.adding, obj._state.db = False, connection.alias


class _CopyPipe:
    """One background thread that owns the COPY traffic while the main thread builds the next batch.

    Building a batch is Python work and loading it is the database's; done one after the other, each waits for
    the other, and the seed takes the sum of both. psycopg2 releases the GIL while it waits on the server, so
    a COPY sent from this thread overlaps the main thread's work. The connection is not usable by two threads at
    once, so ``drain()`` must run before the main thread sends anything else on it: ``seed()`` does that from an
    execute wrapper (every statement, savepoints included) and before the transaction ends. A COPY that failed
    raises its error in the main thread, at its next batch or drain.
    """

    def __init__(self, raw_connection):
        self.raw_connection = raw_connection
        # One batch waiting besides the one being loaded: enough to keep both sides busy, and memory bounded.
        self._jobs: queue.Queue[tuple[_CopyWriter, str, str] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None  # for the main thread to raise
        self._failed = False
        self._thread = threading.Thread(target=self._run, name="seed-demo-copy", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if not self._failed:  # after a failure the transaction is aborted: the rest would fail too
                    writer, sql, payload = job
                    writer.copy(self.raw_connection, sql, payload)
            except BaseException as error:  # noqa: BLE001 - handed to the main thread, which raises it
                self._error, self._failed = error, True
            finally:
                self._jobs.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def send(self, writer: _CopyWriter, sql: str, payload: str) -> None:
        self._raise()
        self._jobs.put((writer, sql, payload))

    def drain(self) -> None:
        """Wait until every batch sent is in the database; raise the error of one that failed."""
        self._jobs.join()
        self._raise()

    def close(self) -> None:
        """Wait for the batches sent (errors are not raised: the caller is already unwinding or has drained)."""
        self._jobs.put(None)
        self._thread.join()


@dataclass
class DemoContext:
    options: dict[str, Any]
    today: datetime.date
    log: Callable[[str], None]
    batch_size: int = DEFAULT_BATCH_SIZE
    province: Region | None = None
    city: Region | None = None
    counties: list[Region] = field(default_factory=list)
    townships: list[Region] = field(default_factory=list)
    county_of: list[int] = field(default_factory=list)  # per township, index into counties
    congresses: dict[tuple[int, int], Congress] = field(default_factory=dict)  # (level, region id)
    representative_groups: dict[int, Group] = field(default_factory=dict)  # by township id
    professional_groups: dict[int, list[Group]] = field(default_factory=dict)  # by county id
    units: dict[str, HandlingUnit] = field(default_factory=dict)  # by name
    roster: list[RosterEntry] = field(default_factory=list)
    accounts: dict[str, User] = field(default_factory=dict)
    skipped_accounts: list[str] = field(default_factory=list)
    demo_deputy_id: int | None = None
    created: dict[type, int] = field(default_factory=dict)  # rows written, by model
    use_copy: bool = False  # PostgreSQL: COPY … FROM STDIN instead of INSERT
    timings: dict[str, float] = field(default_factory=dict)  # seconds, by builder
    index_seconds: float = 0.0  # building the indexes that indexes_deferred() dropped
    _writers: dict[type, _CopyWriter] = field(default_factory=dict)
    _pipe: _CopyPipe | None = None  # the background COPY writer, while seed() runs on PostgreSQL

    @property
    def seed(self) -> int:
        return self.options["seed"]

    def rng(self, name: str) -> random.Random:
        # One stream per builder, so adding a builder or changing one flag leaves the others' data unchanged.
        return random.Random(f"{self.seed}:{name}")  # repeatable demo data, not secrets  # nosec B311

    def copy_seconds(self) -> float:
        return sum(writer.copy_seconds for writer in self._writers.values())

    def _writer(self, model) -> _CopyWriter:
        if model not in self._writers:
            self._writers[model] = _CopyWriter(model, self._pipe)
        return self._writers[model]

    def _written(self, model, count: int) -> None:
        if settings.DEBUG:
            # DEBUG keeps every SQL string, and each multi-megabyte batch insert would stay in memory.
            reset_queries()
        self.created[model] = self.created.get(model, 0) + count

    def bulk_create(self, model, objs: Iterable, *, ids: bool = True) -> list:
        """Write model instances and return them with their ids set, as ``Model.objects.bulk_create`` does
        (with ``ids=False``, nobody points at them: COPY may leave their ids unset, as ``insert_rows``)."""
        objs = list(objs)
        if self.use_copy:
            for start in range(0, len(objs), self.batch_size):
                self._writer(model).write_objects(objs[start : start + self.batch_size], ids=ids)
        else:
            model.objects.bulk_create(objs, batch_size=self.batch_size)
        self._written(model, len(objs))
        return objs

    def insert_rows(self, model, rows: list[dict], *, ids: bool = True) -> list[dict]:
        """Write rows given as dicts of attribute names (``deputy_id``) and set each row's id.

        The big tables go this way: on PostgreSQL straight into COPY with no model instance per row; elsewhere
        through ``bulk_create``, so both paths write the same rows. With ``ids=False`` (nobody points at these
        rows) COPY may leave the ids unset in the dicts, and need not wait for the batch before.
        """
        if self.use_copy:
            for start in range(0, len(rows), self.batch_size):
                self._writer(model).write(rows[start : start + self.batch_size], ids=ids)
        elif rows:
            objs = model.objects.bulk_create([model(**row) for row in rows], batch_size=self.batch_size)
            pk = model._meta.pk.attname
            for row, obj in zip(rows, objs, strict=True):
                row[pk] = obj.pk
        self._written(model, len(rows))
        return rows

    def write(self, model, rows: Iterable[dict]) -> None:
        """``insert_rows`` for rows nobody points at: streamed a batch at a time, never all in memory."""
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.batch_size:
                self.insert_rows(model, batch, ids=False)
                batch = []
        self.insert_rows(model, batch, ids=False)

    def insert_tuples(self, model, columns: tuple[str, ...], rows: list[tuple], *, ids: bool = False) -> list[int]:
        """Write rows given as tuples of values for ``columns`` (attribute names, in that order); with ``ids``,
        return their new ids in order.

        The biggest tables go this way: no dict and no model instance per row on PostgreSQL, and each value's
        COPY text is its ``str()`` (``_CopyWriter.write_tuples``); elsewhere the same rows through
        ``bulk_create``. Values may be the text of a date or an aware time stamp: Django parses it back.
        """
        new_ids: list[int] = []
        if self.use_copy:
            writer = self._writer(model)
            for start in range(0, len(rows), self.batch_size):
                new_ids += writer.write_tuples(columns, rows[start : start + self.batch_size], ids=ids)
        elif rows:
            objs = model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=self.batch_size
            )
            new_ids = [obj.pk for obj in objs] if ids else []
        self._written(model, len(rows))
        return new_ids

    def write_tuples(self, model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        """``insert_tuples`` for rows nobody points at, streamed a batch at a time."""
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.batch_size:
                self.insert_tuples(model, columns, batch)
                batch = []
        self.insert_tuples(model, columns, batch)

    @contextmanager
    def indexes_deferred(self, *models_loaded) -> Iterator[None]:
        """Drop the plain (non-unique) indexes of these empty tables while a builder loads them, and build them
        again at its end: a B-tree built once from sorted rows costs a fraction of millions of inserts into
        it (a table of opinions has 16 such indexes; loading 100,000 took 3.5 s with them, 1.1 s without and
        a few seconds to build them). Unique indexes stay, and so does every check they make. Tables that
        already hold rows keep theirs (COPY path only; a failed seed rolls the drop back with the rest)."""
        if not self.use_copy:
            yield
            return
        dropped: list[str] = []
        loaded: list[str] = []  # the tables whose indexes were dropped
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in models_loaded:
                table = model._meta.db_table
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608  # a model's table  # nosec B608
                if cursor.fetchone()[0]:
                    continue
                cursor.execute(
                    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                    " WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary"
                    " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
                    " ORDER BY 1",
                    [quote(table)],
                )
                loaded.append(table)
                for name, definition in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {name}")
                    dropped.append(definition)
        yield
        self.drain()
        started = time.monotonic()
        with connection.cursor() as cursor:
            # Each index is sorted in memory rather than in temporary files (this transaction only).
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("SELECT current_setting('session_replication_role') <> 'replica'")
            checking = cursor.fetchone()[0] and dropped
            if checking:
                # PostgreSQL builds no index on a table with foreign key checks still queued: run them now
                # rather than at the commit (every deferrable constraint here is a foreign key, initially
                # deferred, so that is where they go back to).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for definition in dropped:
                cursor.execute(definition)
            if checking:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            # Statistics for the builders after this one, and for tests, whose transaction never reaches the
            # seed's own ANALYZE: planned without them, the seeded demo's station statistics test ran each count
            # for seconds (over six minutes in all; 11 s with them).
            for table in loaded:
                cursor.execute(f"ANALYZE {quote(table)}")
        self.index_seconds += time.monotonic() - started

    def drain(self) -> None:
        """Wait until every row written is in the database (the COPY may still be loading in the background)."""
        if self._pipe is not None:
            self._pipe.drain()


@dataclass(frozen=True)
class Builder:
    name: str
    build: Callable[[DemoContext], None]
    add_arguments: Callable[[ArgumentParser], None] | None = None


# Filled by each app's demo module, imported from its AppConfig.ready(); iterated in registration order.
builders: Registry[Builder] = Registry("demo data builders")


def builder(name: str, *, add_arguments: Callable[[ArgumentParser], None] | None = None):
    """Registers ``func(ctx)`` in ``builders``, to run after the builders registered before it (re-registering
    a name replaces its builder in place)."""

    def register(func):
        builders.register(name, Builder(name, func, add_arguments))
        return func

    return register


def demo_exists() -> bool:
    return Region.objects.filter(code=CITY[0]).exists()


def seed(
    *,
    deputies: int = DEFAULT_DEPUTIES,
    activities_per_year: int = 2,
    years: int = 2,
    seed: int = DEFAULT_SEED,
    batch_size: int = DEFAULT_BATCH_SIZE,
    today: datetime.date | None = None,
    log: Callable[[str], None] | None = None,
    use_copy: bool | None = None,
    **options: Any,
) -> DemoContext:
    """Build the demo city. Callers check ``demo_exists()`` first; this does not.

    ``use_copy`` (default: on PostgreSQL) writes rows with COPY instead of INSERT; SQLite has no COPY.
    """
    options.update(deputies=deputies, activities_per_year=activities_per_year, years=years, seed=seed)
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    ctx = DemoContext(
        options=options,
        today=today or timezone.localdate(),
        log=log or (lambda message: None),
        batch_size=batch_size,
        use_copy=use_copy,
    )
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if use_copy and outermost and _may_skip_foreign_key_checks():
            # Foreign keys are deferred to the commit, where checking tens of millions of references one by
            # one takes minutes; every id here comes from a row written in this same run (and the ORM path,
            # which checks them, writes the same rows). Only for a transaction of its own (never inside a
            # caller's, whose other writes would go unchecked too), and only superusers can.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        with _background_copies(ctx):
            for step in builders:
                started, in_database = time.monotonic(), ctx.copy_seconds()
                # Builders write in bulk; the region figures' summary rows are counted once at the end instead.
                # The demo's data (names, districts, the sheets it imports) are in the office's language,
                # whatever language the caller happens to have active.
                with tallies.paused(), translation.override(settings.LANGUAGE_CODE):
                    step.build(ctx)
                # The builder's time includes loading its last batch, and its COPY time is complete.
                ctx.drain()
                ctx.timings[step.name] = time.monotonic() - started
                if ctx.use_copy:
                    # COPY time overlaps the builder's own (the background writer): it is not a part of it.
                    ctx.log(
                        _("  %(name)s：%(seconds).1f 秒（其中 COPY 写入 %(copy).1f 秒）")
                        % {
                            "name": step.name,
                            "seconds": ctx.timings[step.name],
                            "copy": ctx.copy_seconds() - in_database,
                        }
                    )
                else:
                    ctx.log(_("  %(name)s：%(seconds).1f 秒") % {"name": step.name, "seconds": ctx.timings[step.name]})
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics, or the planner would take million-row tables for empty ones until autovacuum runs.
        started = time.monotonic()
        with connection.cursor() as cursor:
            for model in ctx.created:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        ctx.timings["analyze"] = time.monotonic() - started
        ctx.log(_("  %(name)s：%(seconds).1f 秒") % {"name": "analyze", "seconds": ctx.timings["analyze"]})
    # After ANALYZE: grouping millions of rows is planned well only with the tables' statistics.
    started = time.monotonic()
    tallies.rebuild()
    ctx.timings["tallies"] = time.monotonic() - started
    ctx.log(_("  %(name)s：%(seconds).1f 秒") % {"name": "tallies", "seconds": ctx.timings["tallies"]})
    return ctx


@contextmanager
def _background_copies(ctx: DemoContext) -> Iterator[None]:
    """Run the builders with their COPY batches loaded by a ``_CopyPipe`` (PostgreSQL's COPY path only)."""
    if not ctx.use_copy:
        yield
        return
    connection.ensure_connection()
    pipe = _CopyPipe(connection.connection)

    def drain_first(execute, sql, params, many, context):
        pipe.drain()
        return execute(sql, params, many, context)

    settings_dict = connection.settings_dict
    ctx._pipe = pipe
    # A server-side cursor (QuerySet.iterator()) fetches its later chunks outside execute(), where no wrapper
    # could wait for the writer first: the builders' iterations fetch their rows at once instead.
    connection.settings_dict = {**settings_dict, "DISABLE_SERVER_SIDE_CURSORS": True}
    try:
        with connection.execute_wrapper(drain_first):
            yield
        pipe.drain()
    finally:
        # On an error too: the connection must be free before the transaction is rolled back.
        pipe.close()
        connection.settings_dict = settings_dict
        ctx._pipe = None
        for writer in ctx._writers.values():
            writer.pipe = None


def _may_skip_foreign_key_checks() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


# --- builders -------------------------------------------------------------------------------------------


@builder("regions")
def build_regions(ctx: DemoContext) -> None:
    province = Region.objects.filter(code=PROVINCE[0]).first()
    if province is None:
        province = Region(code=PROVINCE[0], name=PROVINCE[1], level=Region.Level.PROVINCE, path=f"{PROVINCE[0]}/")
        ctx.bulk_create(Region, [province])
    # bulk_create skips Region.save, which is what normally fills the materialised path.
    city = Region(
        code=CITY[0], name=CITY[1], level=Region.Level.CITY, parent=province, path=f"{province.path}{CITY[0]}/"
    )
    ctx.bulk_create(Region, [city])
    counties = ctx.bulk_create(
        Region,
        (
            Region(code=code, name=name, level=Region.Level.COUNTY, parent=city, path=f"{city.path}{code}/")
            for code, name, _towns in COUNTIES
        ),
    )
    townships, county_of = [], []
    for index, (county, (_code, _name, towns)) in enumerate(zip(counties, COUNTIES, strict=True)):
        streets = [town for town in towns if town.endswith("街道")]
        others = [town for town in towns if not town.endswith("街道")]
        numbered = [(f"{n:03d}", town) for n, town in enumerate(streets, 1)]
        numbered += [(f"{n:03d}", town) for n, town in enumerate(others, 100)]
        for suffix, town in numbered:
            code = county.code + suffix
            townships.append(
                Region(
                    code=code,
                    name=town,
                    level=Region.Level.TOWNSHIP,
                    parent=county,
                    path=f"{county.path}{code}/",
                )
            )
            county_of.append(index)
    ctx.bulk_create(Region, townships)
    ctx.province, ctx.city, ctx.counties, ctx.townships, ctx.county_of = province, city, counties, townships, county_of


@builder("congresses")
def build_congresses(ctx: DemoContext) -> None:
    def congress(level, region):
        term, start, end = current_term(level, ctx.today)
        return Congress(
            level=level,
            region=region,
            term_number=term,
            start_date=start,
            end_date=end,
            code=f"{region.code}-{int(level)}-{term}",
        )

    # The province may predate the demo (only the city marks demo data), so its congresses may too.
    for level in (Level.NATIONAL, Level.PROVINCIAL):
        wanted = congress(level, ctx.province)
        existing = Congress.objects.filter(level=level, region=ctx.province, term_number=wanted.term_number).first()
        if existing is None:
            existing = ctx.bulk_create(Congress, [wanted])[0]
        ctx.congresses[(level, ctx.province.pk)] = existing
    fresh = [congress(Level.CITY, ctx.city)]
    fresh += [congress(Level.COUNTY, county) for county in ctx.counties]
    fresh += [congress(Level.TOWNSHIP, township) for township in ctx.townships]
    for item in ctx.bulk_create(Congress, fresh):
        ctx.congresses[(item.level, item.region.pk)] = item


@builder("groups")
def build_groups(ctx: DemoContext) -> None:
    groups = []
    for township, county_index in zip(ctx.townships, ctx.county_of, strict=True):
        county = ctx.counties[county_index]
        group = Group(
            kind=Group.Kind.REPRESENTATIVE,
            name=_("%(township)s代表小组") % {"township": township.name},
            region=township,
            congress=ctx.congresses[(Level.COUNTY, county.pk)],
        )
        ctx.representative_groups[township.pk] = group
        groups.append(group)
    for county in ctx.counties:
        ctx.professional_groups[county.pk] = [
            Group(
                kind=Group.Kind.PROFESSIONAL,
                name=name,
                region=county,
                congress=ctx.congresses[(Level.COUNTY, county.pk)],
            )
            for name in PROFESSIONAL_GROUPS
        ]
        groups += ctx.professional_groups[county.pk]
    ctx.bulk_create(Group, groups)


def _unit_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--units",
        type=int,
        default=0,
        help="承办单位总数（默认 0：各级常设单位约 130 个；更多时补充县直部门和镇街站所，至多约 1100 个）",
    )


@builder("units", add_arguments=_unit_arguments)
def build_units(ctx: DemoContext) -> None:
    rng = ctx.rng("units")
    surnames, surname_weights = _weighted(SURNAMES)

    def unit(name, region, kind=HandlingUnit.Kind.BUREAU):
        return HandlingUnit(
            name=name,
            kind=kind,
            region=region,
            contact_person=rng.choices(surnames, cum_weights=surname_weights)[0] + rng.choice("敏静丽军伟华芳强"),
            contact_phone=f"0750-{rng.randint(3000000, 3999999)}",
        )

    units = [unit(f"{ctx.city.name}{bureau}", ctx.city) for bureau in CITY_BUREAUS]
    units += [
        unit(_("江门市中级人民法院"), ctx.city, HandlingUnit.Kind.COURT),
        unit(_("江门市人民检察院"), ctx.city, HandlingUnit.Kind.PROCURATORATE),
        unit(_("广东电网有限责任公司江门供电局"), ctx.city, HandlingUnit.Kind.OTHER),
    ]
    for county in ctx.counties:
        units += [unit(f"{county.name}{bureau}", county) for bureau in COUNTY_BUREAUS]
    for township in ctx.townships:
        office = _("办事处") if township.name.endswith("街道") else _("人民政府")
        units.append(unit(f"{township.name}{office}", township, HandlingUnit.Kind.TOWNSHIP))
    wanted = ctx.options.get("units") or 0
    if wanted > len(units):
        more = [(f"{county.name}{bureau}", county) for county in ctx.counties for bureau in CITY_BUREAUS]
        more = [(name, region) for name, region in more if not any(name == u.name for u in units)]
        more += [(f"{township.name}{office}", township) for office in TOWNSHIP_OFFICES for township in ctx.townships]
        units += [unit(name, region) for name, region in more[: wanted - len(units)]]
    for item in ctx.bulk_create(HandlingUnit, units):
        ctx.units[item.name] = item


class _People:
    """Pools and pickers for deputies' personal data, bound to one random stream.

    Uniform picks index a pool with one pre-drawn float (``_uniform``) and weighted ones come from chunks drawn
    at once (``_drawn``): ``random.choice`` and ``randint`` cost several times as much per value, and a province
    draws about fifteen per deputy.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.uniform = uniform = _uniform(rng)
        self.pick = lambda pool: pool[int(uniform() * len(pool))]
        self.surname = _drawn(rng, *_weighted(SURNAMES))
        self.ethnicity = _drawn(rng, *_weighted(ETHNICITIES))
        self.party = _drawn(rng, *_weighted(PARTIES))
        self.male = GIVEN_MALE + GIVEN_EITHER
        self.female = GIVEN_FEMALE + GIVEN_EITHER
        self.phone_offset = rng.randrange(10**8)
        self._job = _drawn(
            rng,
            *_weighted(
                (
                    (self._village_cadre, 12),
                    (self._township_cadre, 8),
                    (self._enterprise, 22),
                    (self._farmer, 12),
                    (self._teacher, 10),
                    (self._doctor, 8),
                    (self._official, 10),
                    (self._self_employed, 5),
                    (self._professional, 5),
                )
            ),
        )

    def randint(self, low: int, high: int) -> int:
        return low + int(self.uniform() * (high - low + 1))

    def name(self, gender: str) -> str:
        pick = self.pick
        pool = self.male if gender == Gender.MALE else self.female
        given = pick(pool) + (pick(pool) if self.uniform() < 0.8 else "")
        return self.surname() + given

    def phone(self, number: int) -> str:
        # The multiplier is coprime with 10**8, so the last eight digits never repeat below 100 million deputies.
        return self.pick(MOBILE_PREFIXES) + f"{(number * 61803397 + self.phone_offset) % 10**8:08d}"

    def job(self, county: Region, township: Region) -> tuple[str, str]:
        return self._job()(county, township)

    def address(self, county: Region, township: Region) -> str:
        pick, randint = self.pick, self.randint
        if township.name.endswith("街道"):
            place = f"{pick(STREETS)}{randint(1, 300)}号{randint(1, 12)}栋{randint(101, 2804)}房"
        else:
            place = f"{pick(VILLAGES)}村{randint(1, 120)}号"
        return f"{CITY[1]}{county.name}{township.name}{place}"

    def _village_cadre(self, county, township):
        pick = self.pick
        if township.name.endswith("街道"):
            return f"{township.name}{pick(VILLAGES)}社区居民委员会", pick(("主任", "党委书记、主任", "委员"))
        return f"{township.name}{pick(VILLAGES)}村民委员会", pick(("主任", "党总支书记、主任", "委员"))

    def _township_cadre(self, county, township):
        if township.name.endswith("街道"):
            return f"{township.name}办事处", self.pick(("主任", "副主任", "党工委书记", "党工委委员"))
        return f"{township.name}人民政府", self.pick(("镇长", "副镇长", "党委书记", "人大主席"))

    def _enterprise(self, county, township):
        pick = self.pick
        company = f"{county.name[:-1]}{pick(COMPANY_WORDS)}{pick(INDUSTRIES)}有限公司"
        return company, pick(("董事长", "总经理", "副总经理", "车间主任", "技术员", "工程师", "职工"))

    def _farmer(self, county, township):
        if township.name.endswith("街道"):
            return f"{township.name}{self.pick(STREETS)}", "个体工商户"
        return f"{township.name}{self.pick(VILLAGES)}村", self.pick(("农民", "种养大户", "家庭农场主"))

    def _teacher(self, county, township):
        return f"{county.name[:-1]}{self.pick(SCHOOLS)}", self.pick(("校长", "副校长", "教师", "教师"))

    def _doctor(self, county, township):
        if self.uniform() < 0.5:
            return f"{county.name}人民医院", self.pick(("院长", "主任医师", "护士长", "医生"))
        return f"{township.name}卫生院", self.pick(("院长", "医生", "护士"))

    def _official(self, county, township):
        return f"{county.name}{self.pick(COUNTY_BUREAUS)}", self.pick(("局长", "副局长", "科长"))

    def _self_employed(self, county, township):
        return f"{township.name}{self.pick(COMPANY_WORDS)}商行", "经营者"

    def _professional(self, county, township):
        pick = self.pick
        return pick(
            (
                (f"广东{pick(COMPANY_WORDS)}律师事务所", "律师"),
                (f"{county.name}归国华侨联合会", "主席"),
                (f"{county.name}工商业联合会", "副主席"),
                (f"{county.name}妇女联合会", "主席"),
            )
        )


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), so the counts add up exactly."""
    scale = total / sum(weights)
    shares = [weight * scale for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


DEPUTY_COLUMNS = (
    "code",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "party",
    "work_unit",
    "post",
    "region_id",
    "phone",
    "phone_public",
    "id_number",
    "home_address",
)
SEAT_COLUMNS = (
    "deputy_id",
    "congress_id",
    "district",
    "election",
    "representative_group_id",
    "professional_group_id",
    "status",
    "status_date",
)


class _Births:
    """A birthday's COPY text and the part of the ID number's check sum its digits give, each day's once."""

    def __init__(self):
        self._days: dict[int, tuple[str, str, int]] = {}

    def __getitem__(self, ordinal: int) -> tuple[str, str, int]:
        found = self._days.get(ordinal)
        if found is None:
            text = datetime.date.fromordinal(ordinal).isoformat()
            digits = text.replace("-", "")
            found = (text, digits, sum(int(d) * w for d, w in zip(digits, ID_WEIGHTS[6:14], strict=True)))
            self._days[ordinal] = found
        return found


@builder("deputies")
def build_deputies(ctx: DemoContext) -> None:
    """Deputies and their seats, written batch by batch so memory stays flat at benchmark sizes."""
    rng = ctx.rng("deputies")
    people = _People(rng)
    uniform, pick = people.uniform, people.pick
    today = ctx.today
    # Towns differ in size; streets in the urban districts are the largest.
    weights = [rng.uniform(0.6, 1.0) * (1.5 if t.name.endswith("街道") else 1.0) for t in ctx.townships]
    counts = _allocate(ctx.options["deputies"], weights)
    by_level = ctx.congresses
    city_congress = by_level[(Level.CITY, ctx.city.pk)]
    provincial = by_level[(Level.PROVINCIAL, ctx.province.pk)]
    national = by_level[(Level.NATIONAL, ctx.province.pk)]
    extra_seat = _drawn(rng, *_weighted(((None, 898), (city_congress, 90), (provincial, 10), (national, 2))))
    birth_start = datetime.date(1960, 1, 1).toordinal()
    birth_days = datetime.date(1995, 12, 31).toordinal() - birth_start + 1
    births = _Births()
    # The ID number's check sum: the area's digits per county, the birthday's per day, the sequence's per number.
    sequence_sums = [sum(int(d) * w for d, w in zip(f"{n:03d}", ID_WEIGHTS[14:], strict=True)) for n in range(1000)]
    delegation = {
        Level.CITY: None,  # the county's own delegation, filled per deputy
        Level.PROVINCIAL: _("%(city)s代表团") % {"city": CITY[1]},
        Level.NATIONAL: _("%(province)s代表团") % {"province": ctx.province.name},
    }
    male, female = str(Gender.MALE), str(Gender.FEMALE)
    serving, resigned, terminated = (
        str(Membership.Status.SERVING),
        str(Membership.Status.RESIGNED),
        str(Membership.Status.TERMINATED),
    )
    direct_election, indirect_election = str(Membership.Election.DIRECT), str(Membership.Election.INDIRECT)
    districts = [_("第%(n)s选区") % {"n": n} for n in range(1, 13)]  # translated once, not per deputy
    today_ordinal = today.toordinal()

    pending: list[tuple] = []  # (deputy row, seats without the deputy, township index, county index)
    number = 0

    def seat(congress, county, township, district):
        direct = congress.level in (Level.COUNTY, Level.TOWNSHIP)
        roll = uniform()
        status, status_date = serving, None
        if roll < 0.03:
            status = resigned if roll < 0.02 else terminated
            first = congress.start_date.toordinal() + 60
            status_date = min(first + int(uniform() * (max(0, today_ordinal - first) + 1)), today_ordinal)
        representative_group_id = professional_group_id = None
        if direct:
            representative_group_id = ctx.representative_groups[township.pk].pk
        if congress.level == Level.COUNTY and uniform() < 0.5:
            professional_group_id = pick(ctx.professional_groups[county.pk]).pk
        return (
            congress.pk,
            district,
            direct_election if direct else indirect_election,
            representative_group_id,
            professional_group_id,
            status,
            status_date,
        )

    def flush():
        deputy_ids = ctx.insert_tuples(Deputy, DEPUTY_COLUMNS, [deputy for deputy, *_rest in pending], ids=True)
        memberships = []
        for deputy_id, (_deputy, seats, township_index, county_index) in zip(deputy_ids, pending, strict=True):
            still = [m for m in seats if m[5] == serving]
            ctx.roster.append(
                RosterEntry(
                    deputy_id=deputy_id,
                    township=township_index,
                    county=county_index,
                    direct=any(m[2] == direct_election for m in still),
                    left_on=None if still else datetime.date.fromordinal(max(m[6] for m in seats)),
                )
            )
            for m in seats:
                status_date = m[6]
                if status_date is not None:
                    status_date = births[status_date][0]  # the day's text
                memberships.append((deputy_id, *m[:6], status_date))
        ctx.insert_tuples(Membership, SEAT_COLUMNS, memberships)
        pending.clear()

    with ctx.indexes_deferred(Deputy, Membership):
        for township_index, (township, count) in enumerate(zip(ctx.townships, counts, strict=True)):
            county_index = ctx.county_of[township_index]
            county = ctx.counties[county_index]
            township_congress = by_level[(Level.TOWNSHIP, township.pk)]
            county_congress = by_level[(Level.COUNTY, county.pk)]
            county_delegation = _("%(county)s代表团") % {"county": county.name}
            area_sum = sum(int(d) * w for d, w in zip(county.code, ID_WEIGHTS[:6], strict=True))
            for _i in range(count):
                number += 1
                gender = male if uniform() < 0.7 else female
                birth, birth_digits, birth_sum = births[birth_start + int(uniform() * birth_days)]
                sequence = int(uniform() * 500) * 2 + (gender == male)
                body = f"{county.code}{birth_digits}{sequence:03d}"
                work_unit, post = people.job(county, township)
                deputy = (
                    f"D{number:07d}",
                    people.name(gender),
                    gender,
                    people.ethnicity(),
                    birth,
                    people.party(),
                    work_unit,
                    post,
                    township.pk,
                    people.phone(number),
                    uniform() < 0.5,
                    body + "10X98765432"[(area_sum + birth_sum + sequence_sums[sequence]) % 11],
                    people.address(county, township),
                )
                roll = uniform()
                district = pick(districts)
                if roll < 0.62:
                    seats = [seat(township_congress, county, township, district)]
                elif roll < 0.97:
                    seats = [seat(county_congress, county, township, f"{township.name}{district}")]
                else:
                    seats = [seat(city_congress, county, township, county_delegation)]
                extra = extra_seat()
                if extra is not None and extra.pk != seats[0][0]:
                    seats.append(seat(extra, county, township, delegation[extra.level] or county_delegation))
                pending.append((deputy, seats, township_index, county_index))
                if len(pending) >= ctx.batch_size:
                    flush()
        flush()


def _account(ctx: DemoContext, password: str, username: str, **fields) -> None:
    if User.objects.filter(username=username).exists():
        # Someone made this account by hand (createsuperuser admin, say): leave it and its password alone.
        ctx.skipped_accounts.append(username)
        return
    user = User(username=username, password=password, **fields)
    user.save()
    ctx.accounts[username] = user
    ctx.created[User] = ctx.created.get(User, 0) + 1


@builder("accounts")
def build_accounts(ctx: DemoContext) -> None:
    # One hash for all six: the demo password is shared anyway, and each hash costs about half a second.
    password = make_password(DEMO_PASSWORD)
    staff_county = next(county for county in ctx.counties if county.code == COUNTY_CODE_FOR_STAFF)
    candidates = [entry for entry in ctx.roster if entry.left_on is None and entry.direct]
    candidates = candidates or [entry for entry in ctx.roster if entry.left_on is None] or ctx.roster
    ctx.demo_deputy_id = candidates[0].deputy_id if candidates else None

    _account(ctx, password, "admin", is_superuser=True, first_name=_("系统管理员"))
    _account(ctx, password, "staff", role=Role.STAFF, region=ctx.city, first_name=_("市人大代表工委"))
    _account(
        ctx,
        password,
        "staff_county",
        role=Role.STAFF,
        region=staff_county,
        first_name=_("%(county)s人大代表工委") % {"county": staff_county.name},
    )
    _account(ctx, password, "leader", role=Role.LEADER, region=ctx.city, first_name=_("市人大常委会领导"))
    if ctx.demo_deputy_id is not None:
        deputy = Deputy.objects.get(pk=ctx.demo_deputy_id)
        # The demo deputy asked for texts too (the notice settings page shows the choice made).
        _account(ctx, password, "deputy", role=Role.DEPUTY, deputy=deputy, first_name=deputy.name, notify_by_sms=True)
    _account(ctx, password, "clerk", role=Role.UNIT_CLERK, unit=ctx.units[CLERK_UNIT], first_name=CLERK_UNIT)


class _Activities:
    """Pools for activity records; descriptions are assembled from a topic and a template per kind."""

    def __init__(self, ctx: DemoContext, rng: random.Random):
        self.rng = rng
        self.kinds, self.kind_weights = _weighted(ACTIVITY_KINDS)
        self.places = []
        for township, county_index in zip(ctx.townships, ctx.county_of, strict=True):
            county = ctx.counties[county_index]
            office = "办事处" if township.name.endswith("街道") else "人民政府"
            self.places.append(
                (
                    f"{township.name}代表联络站",
                    f"{county.name}人大常委会会议室",
                    f"{township.name}{office}",
                    f"{township.name}{rng.choice(VILLAGES)}村",
                    f"{township.name}{rng.choice(VILLAGES)}社区",
                )
            )
        self.templates = {
            ActivityKind.INSPECTION: ("视察{topic}工作情况", "参加人大常委会组织的{topic}专题视察"),
            ActivityKind.RESEARCH: ("就{topic}开展专题调研，走访群众并形成调研报告", "参加{topic}调研，提出意见建议"),
            ActivityKind.LAW_CHECK: ("参加《{law}》执法检查", "参加《{law}》实施情况检查"),
            ActivityKind.HEARING: ("参加{topic}座谈会，听取群众意见", "参加{topic}立法听证会"),
            ActivityKind.TRAINING: ("参加代表履职能力学习培训班", "参加代表法专题培训", "参加{topic}专题讲座"),
            ActivityKind.GROUP: ("参加代表小组活动，围绕{topic}集中视察", "参加代表小组{topic}专题座谈"),
            ActivityKind.OTHER: ("参与{topic}志愿服务活动", "接待来访群众，协调解决{topic}问题"),
        }

    def descriptions(self, kind) -> list[str]:
        """Every template with every topic and law: one uniform pick from these is what ``description`` draws
        (a template, a topic and a law, each uniformly), without formatting a string per record."""
        return [
            template.format(topic=topic, law=law)
            for template in self.templates[kind]
            for topic in TOPICS
            for law in LAWS
        ]


def _drawn(rng: random.Random, population, cum_weights=None, chunk: int = 1 << 14) -> Callable[[], Any]:
    """A function returning one value drawn from ``population`` per call (weighted by ``cum_weights``), drawn a
    chunk at a time: one ``choices(k=…)`` call costs about what three single draws do, for thousands of values."""

    def values():
        while True:
            yield from rng.choices(population, cum_weights=cum_weights, k=chunk)

    return values().__next__


def _uniform(rng: random.Random, chunk: int = 1 << 14) -> Callable[[], float]:
    """``rng.random`` a chunk at a time: ``int(draw() * n)`` picks from n choices without ``randrange``'s cost."""

    def values():
        random_ = rng.random
        while True:
            yield from [random_() for _ in range(chunk)]

    return values().__next__


class _Clock:
    """COPY text of dates and of times on them (``2026-03-04 09:30:00+08:00``), each day's text made once.

    ``str()`` of an aware datetime goes through the time zone for every value, and millions of rows carry two
    or three each. A day's UTC offset is taken at noon: the hours used here (08:00 to 21:59) never fall in a
    daylight-saving change, which happens at night.
    """

    def __init__(self, now: datetime.datetime):
        self.tz = timezone.get_current_timezone()
        self.now = now
        self.today = timezone.localtime(now).date().toordinal()
        self._days: dict[int, tuple[str, str]] = {}
        self.hm = [[f" {hour:02d}:{minute:02d}:00" for minute in range(60)] for hour in range(24)]

    def _day(self, ordinal: int) -> tuple[str, str]:
        day = datetime.date.fromordinal(ordinal)
        noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=self.tz).isoformat()
        text = (day.isoformat(), noon[19:])  # the date, and the offset after "YYYY-MM-DDTHH:MM:SS"
        self._days[ordinal] = text
        return text

    def date(self, ordinal: int) -> str:
        return (self._days.get(ordinal) or self._day(ordinal))[0]

    def at(self, ordinal: int, hour: int, minute: int) -> str:
        """The time on day ``ordinal`` (``date.toordinal()``), or now if that is still to come."""
        day, offset = self._days.get(ordinal) or self._day(ordinal)
        if ordinal >= self.today:
            moment = datetime.datetime.combine(
                datetime.date.fromordinal(ordinal), datetime.time(hour, minute), tzinfo=self.tz
            )
            if moment > self.now:
                return str(self.now)
        return day + self.hm[hour][minute] + offset


@builder("activities")
def build_activities(ctx: DemoContext) -> None:
    """About ``activities_per_year`` records per deputy per year, for the current and previous years."""
    per_year, years = ctx.options["activities_per_year"], ctx.options["years"]
    if per_year <= 0 or years <= 0:
        return
    rng = ctx.rng("activities")
    pools = _Activities(ctx, rng)
    today, now = ctx.today, timezone.now()
    clock = _Clock(now)
    year_list = list(range(today.year - years + 1, today.year + 1))
    report_rate = {(c, y): rng.uniform(0.60, 0.95) for c in range(len(ctx.counties)) for y in year_list}
    county_staff = ctx.accounts.get("staff_county")
    city_staff = ctx.accounts.get("staff")
    staff_county_index = next(i for i, c in enumerate(ctx.counties) if c.code == COUNTY_CODE_FOR_STAFF)
    confirmed, pending, returned = (
        str(ActivityRecord.Status.CONFIRMED),
        str(ActivityRecord.Status.PENDING),
        str(ActivityRecord.Status.RETURNED),
    )
    statuses = {
        True: _drawn(rng, (confirmed, pending, returned), (78, 97, 100)),  # this year
        False: _drawn(rng, (confirmed, pending, returned), (96, 97, 100)),  # earlier years
    }
    rating = _drawn(
        rng,
        [
            str(r)
            for r in (ActivityRecord.VoterRating.GOOD, ActivityRecord.VoterRating.FAIR, ActivityRecord.VoterRating.POOR)
        ],
        (70, 95, 100),
    )
    jitter = _drawn(rng, (-1, 0, 0, 1))
    hours, minutes = _drawn(rng, range(8, 22)), _drawn(rng, range(60))
    lags, review_lags = _drawn(rng, range(6)), _drawn(rng, range(1, 21))
    attended = _drawn(rng, range(30, 221))
    uniform = _uniform(rng)
    kind_of = _drawn(rng, [str(kind) for kind in pools.kinds], pools.kind_weights)
    descriptions = {str(kind): pools.descriptions(kind) for kind in pools.kinds}
    report = str(ActivityKind.REPORT_TO_VOTERS)
    # Deputies differ: a few log almost nothing, most about the average, some far more. Without that spread every
    # deputy scored alike and the year's grades said nothing (everyone warned, nobody excellent).
    engagement_rng = ctx.rng("engagement")
    engagement, engagement_weights = _weighted(((0.3, 5), (0.6, 15), (1.0, 55), (2.0, 20), (3.0, 5)))
    factors = engagement_rng.choices(engagement, cum_weights=engagement_weights, k=len(ctx.roster))
    report_text = _("向选区选民报告履职情况，听取意见建议%(n)s条")  # translated once, not per record
    report_texts = [report_text % {"n": n} for n in range(3, 31)]
    reasons = list(RETURN_REASONS)
    year_spans = [
        (datetime.date(year, 1, 1).toordinal(), datetime.date(year, 12, 31).toordinal()) for year in year_list
    ]
    today_ordinal = today.toordinal()
    columns = (
        "deputy_id",
        "kind",
        "date",
        "place",
        "status",
        "created_at",
        "description",
        "voters_attended",
        "voter_rating",
        "reviewed_by_id",
        "reviewed_at",
        "return_reason",
    )
    batch: list[tuple] = []
    # Records get their ids in the order they are written. Real offices log them day by day, every county
    # at once, so one day's records interleave across the province; written deputy by deputy in roster order
    # (county by county), a county's records of any day all sat below the next county's, and the county's
    # newest-first list walked every other county's records of that day first (bench/README.md).
    interleaved = list(zip(ctx.roster, factors, strict=True))
    ctx.rng("activity order").shuffle(interleaved)

    with ctx.indexes_deferred(ActivityRecord):
        for entry, factor in interleaved:
            places = pools.places[entry.township]
            reviewer = county_staff if entry.county == staff_county_index and county_staff else city_staff
            reviewer_id = reviewer.pk if reviewer else None
            is_demo = entry.deputy_id == ctx.demo_deputy_id
            deputy_id = entry.deputy_id
            left_ordinal = entry.left_on.toordinal() if entry.left_on else today_ordinal
            for year, (first, year_end) in zip(year_list, year_spans, strict=True):
                last = min(year_end, today_ordinal, left_ordinal)
                if last < first:
                    continue
                span = last - first + 1
                count = max(0, round(per_year * factor) + jitter())
                kinds = []
                if entry.direct and uniform() < report_rate[(entry.county, year)]:
                    kinds.append(report)
                    count -= 1
                if is_demo:
                    count = max(count, 3 - len(kinds))
                kinds += [kind_of() for _ in range(count)]
                this_year = year == today.year
                status_of = statuses[this_year]
                for position, kind in enumerate(kinds):
                    day = first + int(uniform() * span)
                    status = status_of()
                    if is_demo and this_year and position < 3:
                        # The demo deputy's own list shows every state a record can be in.
                        status = (confirmed, pending, returned)[position]
                    hour, minute, created_day = hours(), minutes(), day + lags()
                    if kind == report:
                        voters, voter_rating = attended(), rating()
                        description = report_texts[int(uniform() * 28)]
                    else:
                        voters, voter_rating = None, ""
                        texts = descriptions[kind]
                        description = texts[int(uniform() * len(texts))]
                    if status == pending:
                        reviewed_by_id = reviewed_at = None
                    else:
                        reviewed_by_id = reviewer_id
                        reviewed_at = clock.at(created_day + review_lags(), hour, minute)
                    batch.append(
                        (
                            deputy_id,
                            kind,
                            clock.date(day),
                            places[int(uniform() * 5)],
                            status,
                            clock.at(created_day, hour, minute),
                            description,
                            voters,
                            voter_rating,
                            reviewed_by_id,
                            reviewed_at,
                            reasons[int(uniform() * len(reasons))] if status == returned else "",
                        )
                    )
                if len(batch) >= ctx.batch_size:
                    ctx.insert_tuples(ActivityRecord, columns, batch)
                    batch = []
        ctx.insert_tuples(ActivityRecord, columns, batch)


def account_lines(ctx: DemoContext) -> list[str]:
    """The demo accounts with what each one is for, as printed at the end of a run."""
    lines = []
    for username, user in ctx.accounts.items():
        if user.is_superuser:
            what = _("超级管理员")
        elif user.role == Role.DEPUTY:
            what = f"{user.get_role_display()} · {user.deputy.name}（{user.deputy.code}）"
        elif user.role == Role.UNIT_CLERK:
            what = f"{user.get_role_display()} · {user.unit.name}"
        else:
            what = f"{user.get_role_display()} · {user.region.name}"
        lines.append(f"  {username:<14}{what}")
    return lines


def summary_lines(ctx: DemoContext) -> list[str]:
    return [f"  {model._meta.verbose_name}：{count:,}" for model, count in ctx.created.items()]


@builder("earlier_term")
def build_earlier_term(ctx: DemoContext) -> None:
    """The city's and each county's previous term, ended: offices look back at it (year reports, files).

    Most of today's city and county deputies were re-elected and hold an ended seat in it as well; a few
    deputies served only then. Their records of the term's last year are in the books.
    """
    rng = ctx.rng("earlier_term")

    def election_for(congress):
        direct = congress.level in (Level.COUNTY, Level.TOWNSHIP)
        return Membership.Election.DIRECT if direct else Membership.Election.INDIRECT

    people = _People(rng)
    previous: dict[int, Congress] = {}
    fresh = []
    for region in [ctx.city, *ctx.counties]:
        level = Level.CITY if region.pk == ctx.city.pk else Level.COUNTY
        term, start, _end = current_term(level, ctx.today)
        fresh.append(
            Congress(
                level=level,
                region=region,
                term_number=term - 1,
                start_date=_add_years(start, -5),
                end_date=start - datetime.timedelta(days=1),
                code=f"{region.code}-{int(level)}-{term - 1}",
            )
        )
    for congress in ctx.bulk_create(Congress, fresh):
        previous[congress.region.pk] = congress

    current_of = {
        c.pk: region_pk for (level, region_pk), c in ctx.congresses.items() if level in (Level.CITY, Level.COUNTY)
    }
    seats = list(
        Membership.objects.filter(congress_id__in=current_of).values_list("deputy_id", "congress_id", "district")
    )
    # Re-elected deputies: about two thirds of today's city and county deputies (bounded, for the big scales).
    reelected = rng.sample(seats, min(len(seats) * 2 // 3, 3000))
    memberships = [
        {
            "deputy_id": deputy_id,
            "congress_id": previous[current_of[congress_id]].pk,
            "district": district,
            "election": election_for(previous[current_of[congress_id]]),
            "status": Membership.Status.TERM_ENDED,
            "status_date": previous[current_of[congress_id]].end_date,
        }
        for deputy_id, congress_id, district in reelected
    ]
    if ctx.demo_deputy_id is not None and not any(m["deputy_id"] == ctx.demo_deputy_id for m in memberships):
        county = ctx.counties[next(e.county for e in ctx.roster if e.deputy_id == ctx.demo_deputy_id)]
        congress = previous[county.pk]
        memberships.append(
            {
                "deputy_id": ctx.demo_deputy_id,
                "congress_id": congress.pk,
                "district": _("第%(n)s选区") % {"n": 1},
                "election": election_for(congress),
                "status": Membership.Status.TERM_ENDED,
                "status_date": congress.end_date,
            }
        )

    # Deputies of the previous term only, with the records they left in its last year.
    former, records = [], []
    reviewer = ctx.accounts.get("staff")
    last_year = min(c.end_date for c in previous.values()).year
    number = Deputy.objects.count() + 1
    for county_index, county in enumerate(ctx.counties):
        townships = [t for t, c in zip(ctx.townships, ctx.county_of, strict=True) if c == county_index]
        for _i in range(3):
            township = rng.choice(townships)
            gender = Gender.MALE if rng.random() < 0.7 else Gender.FEMALE
            birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 15))
            work_unit, post = people.job(county, township)
            former.append(
                {
                    "code": f"P{number:07d}",
                    "name": people.name(gender),
                    "gender": gender,
                    "birth_date": birth,
                    "work_unit": work_unit,
                    "post": post,
                    "region_id": township.pk,
                    # Offices did not always keep these for earlier terms: the cells stay blank.
                    "phone": "",
                    "id_number": "",
                    "home_address": "",
                }
            )
            number += 1
    ctx.insert_rows(Deputy, former)
    for index, deputy in enumerate(former):
        county = ctx.counties[index // 3]
        congress = previous[county.pk]
        memberships.append(
            {
                "deputy_id": deputy["id"],
                "congress_id": congress.pk,
                "district": _("第%(n)s选区") % {"n": rng.randint(1, 12)},
                "election": election_for(congress),
                "status": Membership.Status.TERM_ENDED,
                "status_date": congress.end_date,
            }
        )
        for kind in (ActivityKind.REPORT_TO_VOTERS, ActivityKind.RESEARCH):
            day = datetime.date(last_year, rng.randint(3, 10), rng.randint(1, 28))
            evening = datetime.datetime(day.year, day.month, day.day, 18, tzinfo=timezone.get_current_timezone())
            records.append(
                {
                    "deputy_id": deputy["id"],
                    "kind": kind,
                    "date": day,
                    "place": f"{county.name}人大常委会会议室",
                    "status": ActivityRecord.Status.CONFIRMED,
                    "description": _("向选区选民报告履职情况，听取意见建议%(n)s条") % {"n": rng.randint(3, 30)}
                    if kind == ActivityKind.REPORT_TO_VOTERS
                    else _("就%(topic)s开展专题调研") % {"topic": rng.choice(TOPICS)},
                    "voters_attended": rng.randint(30, 220) if kind == ActivityKind.REPORT_TO_VOTERS else None,
                    "created_at": evening,
                    "reviewed_by_id": reviewer.pk if reviewer else None,
                    "reviewed_at": evening + datetime.timedelta(days=3),
                }
            )
    ctx.insert_rows(Membership, memberships)
    ctx.insert_rows(ActivityRecord, records)


@builder("roster_import")
def build_roster_import(ctx: DemoContext) -> None:
    """A few deputies entered the way offices add them: a roster sheet through the import, optional cells blank."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import resources

    staff = ctx.accounts.get("staff_county") or ctx.accounts.get("staff")
    if staff is None:
        return
    township = next(
        (t for t in ctx.townships if t.path.startswith(staff.region.path) and t.pk != staff.region.pk), None
    )
    congress = ctx.congresses.get((Level.TOWNSHIP, township.pk)) if township else None
    if congress is None:
        return
    # The sheet's column names are fixed Chinese, whatever the interface language.
    headers = [str(field.column_name) for field in resources.RosterResource().get_export_fields()]
    filled = {
        resources.COL_REGION: township.code,
        resources.COL_CONGRESS: congress.code,
        resources.COL_ELECTION: str(Membership.Election.DIRECT.label),
        resources.COL_STATUS: str(Membership.Status.SERVING.label),
    }
    lines = [",".join(headers)]
    rng = ctx.rng("roster_import")
    people = _People(rng)
    for n in range(3):
        row = dict.fromkeys(headers, "")
        row.update(filled)
        gender = Gender.MALE if n % 2 else Gender.FEMALE
        row[resources.COL_CODE] = f"I{ctx.today:%y%m}{n + 1:03d}"
        row[resources.COL_NAME] = people.name(gender)
        row[resources.COL_GENDER] = str(gender.label)
        lines.append(",".join(row[h] for h in headers))
    upload = SimpleUploadedFile("名册.csv", ("\n".join(lines) + "\n").encode("utf-8-sig"))
    outcome = resources.import_roster(upload, user=staff)
    if not outcome.ok:
        raise RuntimeError("demo roster import refused: " + "; ".join(outcome.errors))
    ctx.created[Deputy] = ctx.created.get(Deputy, 0) + 3


# Voters' own ratings of reports to voters (述职评议): how many rate at a meeting, and how they rate.
REPORT_RATINGS_PER_MEETING = (8, 30)
REPORT_RATING_WEIGHTS = (("satisfied", 75), ("basic", 20), ("unsatisfied", 5))
REPORT_RATING_COMMENTS = ["讲得实在，希望多来村里听听意见。", "建议多关注老年人就医问题。", "", "", ""]
REPORT_POLLS = 12


@builder("report_ratings")
def build_report_ratings(ctx: DemoContext) -> None:
    """Voters rating reports to voters from the meeting's QR code, through the real services: the region's
    latest reports (closed once their week was over) and the demo deputy's own, still open, with a rating whose
    mobile number was confirmed by SMS code and one still waiting for its code."""
    from core.models import OutgoingMessage

    from . import services, services_ratings
    from .models import ReportRating, ReportRatingPoll

    staff, deputy_user = ctx.accounts.get("staff"), ctx.accounts.get("deputy")
    if staff is None or deputy_user is None:
        return
    rng = ctx.rng("report_ratings")
    own = services.activity_create(
        deputy=deputy_user.deputy,
        by=deputy_user,
        files=[],
        kind=ActivityKind.REPORT_TO_VOTERS,
        date=ctx.today - datetime.timedelta(days=1),
        place=_("%(township)s党群服务中心") % {"township": deputy_user.deputy.region.name},
        description=_("向原选区选民报告一年来的履职情况，听取选民意见。"),
        voters_attended=45,
    )
    reports = list(
        ActivityRecord.objects.filter(
            kind=ActivityKind.REPORT_TO_VOTERS, deputy__region__path__startswith=staff.region.path
        )
        .exclude(pk=own.pk)
        .order_by("-date", "-pk")[:REPORT_POLLS]
    )
    values, weights = zip(*REPORT_RATING_WEIGHTS, strict=True)
    for record in [own, *reports]:
        poll = services_ratings.poll_open(record=record, by=deputy_user if record.pk == own.pk else staff)
        for n in range(rng.randint(*REPORT_RATINGS_PER_MEETING)):
            services_ratings.rating_submit(
                poll=poll,
                device_token=f"demo-{poll.pk}-{n}-{rng.random()}",
                value=rng.choices(values, weights=weights)[0],
                comment=rng.choice(REPORT_RATING_COMMENTS),
            )
        if record.pk != own.pk:
            # The meeting was on the record's day: its week of rating is long over.
            opened = timezone.make_aware(datetime.datetime.combine(record.date, datetime.time(19)))
            ReportRatingPoll.objects.filter(pk=poll.pk).update(
                opened_at=opened, closes_at=opened + datetime.timedelta(days=ReportRatingPoll.OPEN_DAYS)
            )
    own_poll = ReportRatingPoll.objects.get(record=own)
    for n, phone in enumerate(("13800000001", "13800000002")):
        rating = services_ratings.rating_submit(
            poll=own_poll, device_token=f"demo-phone-{n}", value="satisfied", phone=phone
        )
        if n == 0:
            # The voter types the code the SMS carried.
            code = re.search(r"\d{6}", OutgoingMessage.objects.filter(to=phone).latest("pk").body).group()
            services_ratings.rating_confirm(rating=rating, code=code)
    ctx.created[ReportRating] = ReportRating.objects.count()
