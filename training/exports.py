"""Excel downloads of training: the attendance list and the quiz attempts (through core.exports, large lists
built in the background)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import spreadsheets
from core.exports import ExportKind, register
from representatives.permissions import sees_region_data

from . import selectors


def attendance_sheet(rows):
    headers = [_("日期"), _("培训班"), _("地点"), _("学时"), _("代表"), _("出席")]
    data = (
        [
            row.session.date.isoformat(),
            row.session.course.title,
            row.session.place,
            row.session.hours,
            row.deputy.name,
            _("是") if row.attended else _("否"),
        ]
        for row in rows.iterator(chunk_size=2000)
    )
    return spreadsheets.sheet(headers, data, title=_("培训出勤"))


def write_attendance(user, rows, params):
    return spreadsheets.xlsx_file(attendance_sheet(rows), gettext_lazy("培训出勤"))


def attendance_rows(user, params):
    return selectors.attendance_list(user=user, filters=params).qs


def attempts_sheet(rows):
    headers = [_("代表"), _("区域"), _("测试"), _("第几次"), _("状态"), _("答对题数"), _("得分"), _("开始时间")]
    data = (
        [
            row.deputy.name,
            row.deputy.region.name,
            row.quiz.title,
            row.number,
            row.get_status_display(),
            row.correct,
            row.score if row.score is not None else "",
            row.started_at.isoformat(timespec="minutes"),
        ]
        for row in rows.iterator(chunk_size=2000)
    )
    return spreadsheets.sheet(headers, data, title=_("答题记录"))


def write_attempts(user, rows, params):
    return spreadsheets.xlsx_file(attempts_sheet(rows), gettext_lazy("答题记录"))


def attempt_rows(user, params):
    return selectors.attempt_list(user=user, filters=params).qs


def register_kinds() -> None:
    register(
        ExportKind("training.attendance", gettext_lazy("培训出勤"), attendance_rows, write_attendance, sees_region_data)
    )
    register(ExportKind("training.attempts", gettext_lazy("答题记录"), attempt_rows, write_attempts, sees_region_data))
