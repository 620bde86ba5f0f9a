"""The office's Excel download of motions: one row each, with every lifecycle timestamp and the decision."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.exports import ExportKind, register
from core.spreadsheets import sheet, xlsx_file
from representatives.permissions import sees_region_data

from . import selectors

HEADERS = [
    gettext_lazy("年度"),
    gettext_lazy("编号"),
    gettext_lazy("案由"),
    gettext_lazy("领衔代表"),
    gettext_lazy("人民代表大会"),
    gettext_lazy("附议人数"),
    gettext_lazy("状态"),
    gettext_lazy("审议机构"),
    gettext_lazy("专门委员会名称"),
    gettext_lazy("列入议程的会议"),
    gettext_lazy("决定理由"),
    gettext_lazy("转成的建议"),
    gettext_lazy("提交时间"),
    gettext_lazy("登记时间"),
    gettext_lazy("决定时间"),
]


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def motion_rows(user, params):
    return selectors.motion_list(user=user, filters=params).qs


def write_motions(user, rows, params):
    body = (
        [
            motion.year,
            motion.number or "",
            motion.title,
            motion.deputy.name,
            str(motion.congress),
            motion.seconds,
            motion.get_status_display(),
            motion.get_decision_body_display() if motion.decision_body else "",
            motion.committee,
            motion.session,
            motion.decision_reason,
            f"{motion.suggestion.year} {motion.suggestion.number_label}" if motion.suggestion else "",
            _time(motion.submitted_at),
            _time(motion.registered_at),
            _time(motion.decided_at),
        ]
        for motion in rows.iterator(chunk_size=2000)
    )
    title = gettext_lazy("议案")
    return xlsx_file(sheet(HEADERS, body, title), title)


def register_kinds() -> None:
    register(ExportKind("motions.list", gettext_lazy("议案"), motion_rows, write_motions, sees_region_data))
