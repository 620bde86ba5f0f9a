"""Excel downloads for the staff pages: stations, leaders' visits, voter opinions with every lifecycle timestamp,
statistics."""

import tablib
from django.db.models import F
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field

from core import spreadsheets
from core.exports import ExportKind, register
from core.text import bracketed
from representatives.audit import PersonalDataExportMixin
from representatives.permissions import sees_region_data
from representatives.privacy import mask_phone
from representatives.resources import (
    ChoiceWidget,
    DateWidget,
    LocalDateTimeWidget,
    SafeExportMixin,
    YesNoWidget,
    export_file,
)

from . import permissions, selectors
from .filters import OPINION_FIGURES
from .models import Opinion, OpinionCategory, Proposal, Rating, Resolution, Station, StationVisit


class StationResource(SafeExportMixin, resources.ModelResource):
    name = Field(attribute="name", column_name=gettext_lazy("名称"))
    kind = Field(attribute="kind", column_name=gettext_lazy("类型"), widget=ChoiceWidget(Station.Kind))
    region = Field(attribute="region__name", column_name=gettext_lazy("所在乡镇（街道）"))
    address = Field(attribute="address", column_name=gettext_lazy("地址"))
    opening_hours = Field(attribute="opening_hours", column_name=gettext_lazy("开放时间"))
    responsible_person = Field(attribute="responsible_person", column_name=gettext_lazy("负责人"))
    contact_phone = Field(attribute="contact_phone", column_name=gettext_lazy("联系电话"))
    star_rating = Field(attribute="star_rating", column_name=gettext_lazy("星级"), widget=widgets.IntegerWidget())
    member_count = Field(
        attribute="member_count", column_name=gettext_lazy("编入代表数"), widget=widgets.IntegerWidget()
    )
    is_active = Field(attribute="is_active", column_name=gettext_lazy("在用"), widget=YesNoWidget())

    class Meta:
        model = Station
        name = gettext_lazy("代表联络站")
        fields = (
            "name",
            "kind",
            "region",
            "address",
            "opening_hours",
            "responsible_person",
            "contact_phone",
            "star_rating",
            "member_count",
            "is_active",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("region")


class OpinionResource(PersonalDataExportMixin, SafeExportMixin, resources.ModelResource):
    """One row per opinion with each step's time, so offices can measure how long every step took.

    The voter's phone is written in full only for ``user``s who handle the opinion (the download is then
    logged); everyone else gets it masked.
    """

    reference = Field(attribute="reference", column_name=gettext_lazy("意见编号"))
    title = Field(attribute="title", column_name=gettext_lazy("标题"))
    content = Field(attribute="content", column_name=gettext_lazy("内容"))
    category = Field(attribute="category", column_name=gettext_lazy("类别"), widget=ChoiceWidget(OpinionCategory))
    source = Field(attribute="source", column_name=gettext_lazy("来源"), widget=ChoiceWidget(Opinion.Source))
    region = Field(attribute="region__name", column_name=gettext_lazy("所属区域"))
    station = Field(attribute="station_name", column_name=gettext_lazy("联络站"))
    deputy = Field(attribute="deputy_name", column_name=gettext_lazy("接待代表"))
    voter_name = Field(attribute="voter_name", column_name=gettext_lazy("反映人"))
    voter_phone = Field(column_name=gettext_lazy("联系电话"))
    status = Field(attribute="status", column_name=gettext_lazy("状态"), widget=ChoiceWidget(Opinion.Status))
    merged_into = Field(column_name=gettext_lazy("合并到"))
    proposal = Field(attribute="proposal", column_name=gettext_lazy("拟办意见"), widget=ChoiceWidget(Proposal))
    proposal_note = Field(attribute="proposal_note", column_name=gettext_lazy("拟办说明"))
    unit = Field(attribute="unit_name", column_name=gettext_lazy("承办单位"))
    supervised = Field(attribute="supervised", column_name=gettext_lazy("督办"), widget=YesNoWidget())
    overdue = Field(column_name=gettext_lazy("逾期"))
    reply = Field(attribute="reply", column_name=gettext_lazy("答复内容"))
    feedback = Field(attribute="feedback", column_name=gettext_lazy("反馈情况"))
    rating = Field(attribute="rating", column_name=gettext_lazy("选民评价"), widget=ChoiceWidget(Rating))
    resolution = Field(attribute="resolution", column_name=gettext_lazy("办理结果"), widget=ChoiceWidget(Resolution))
    solved = Field(column_name=gettext_lazy("已解决"))
    suggestion_ref = Field(attribute="suggestion_ref", column_name=gettext_lazy("转成的代表建议"))
    received_at = Field(attribute="received_at", column_name=gettext_lazy("接收时间"), widget=LocalDateTimeWidget())
    sorted_at = Field(attribute="sorted_at", column_name=gettext_lazy("梳理时间"), widget=LocalDateTimeWidget())
    proposed_at = Field(attribute="proposed_at", column_name=gettext_lazy("拟办时间"), widget=LocalDateTimeWidget())
    assigned_at = Field(attribute="assigned_at", column_name=gettext_lazy("交办时间"), widget=LocalDateTimeWidget())
    deadline = Field(attribute="deadline", column_name=gettext_lazy("办理期限"), widget=DateWidget())
    replied_at = Field(attribute="replied_at", column_name=gettext_lazy("答复时间"), widget=LocalDateTimeWidget())
    fed_back_at = Field(attribute="fed_back_at", column_name=gettext_lazy("反馈时间"), widget=LocalDateTimeWidget())
    closed_at = Field(attribute="closed_at", column_name=gettext_lazy("办结时间"), widget=LocalDateTimeWidget())
    published_at = Field(attribute="published_at", column_name=gettext_lazy("公示时间"), widget=LocalDateTimeWidget())

    class Meta:
        model = Opinion
        name = gettext_lazy("选民意见")
        fields = (
            "reference",
            "title",
            "content",
            "category",
            "source",
            "region",
            "station",
            "deputy",
            "voter_name",
            "voter_phone",
            "status",
            "merged_into",
            "proposal",
            "proposal_note",
            "unit",
            "supervised",
            "overdue",
            "reply",
            "feedback",
            "rating",
            "resolution",
            "solved",
            "suggestion_ref",
            "received_at",
            "sorted_at",
            "proposed_at",
            "assigned_at",
            "deadline",
            "replied_at",
            "fed_back_at",
            "closed_at",
            "published_at",
        )
        export_order = fields

    def dehydrate_voter_phone(self, opinion):
        phone = opinion.voter_phone
        if not phone:
            return mask_phone(phone)
        # Who sees a phone depends on the user and the opinion's region only: asked once per region.
        shown = self.__dict__.setdefault("_phone_regions", {})
        if opinion.region_id not in shown:
            shown[opinion.region_id] = permissions.sees_voter_phone(self.user, opinion)
        if shown[opinion.region_id]:
            self.revealed(opinion)
            return phone
        return mask_phone(phone)

    def dehydrate_merged_into(self, opinion):
        # The reference is made of the id alone: the opinion merged into need not be loaded.
        return f"{Opinion.REFERENCE_PREFIX}{opinion.merged_into_id:07d}" if opinion.merged_into_id else ""

    def dehydrate_solved(self, opinion):
        # The statistics' word, row by row: the rows marked here are those the figure 已解决 counts.
        solved = OPINION_FIGURES["solved"].holds(opinion.status, opinion.rating, opinion.resolution)
        return _("是") if solved else ""

    def dehydrate_overdue(self, opinion):
        return _("是") if opinion.is_overdue else ""

    def filter_export(self, queryset, **kwargs):
        # The station's, deputy's and unit's names as columns of the row rather than whole related objects,
        # which were most of a 5,000-opinion export's time (bench/README.md). The region decides the phone.
        return (
            queryset.select_related(None)
            .select_related("region")
            .annotate(station_name=F("station__name"), deputy_name=F("deputy__name"), unit_name=F("unit__name"))
        )


class StationVisitResource(SafeExportMixin, resources.ModelResource):
    """One row per leader's visit: the list's rows, so the file's count is the figure's."""

    date = Field(attribute="date", column_name=gettext_lazy("日期"), widget=DateWidget())
    station = Field(attribute="station__name", column_name=gettext_lazy("联络站"))
    region = Field(attribute="station__region__name", column_name=gettext_lazy("所在乡镇（街道）"))
    visitor = Field(attribute="visitor", column_name=gettext_lazy("来访领导"))
    visitor_post = Field(attribute="visitor_post", column_name=gettext_lazy("职务"))
    purpose = Field(attribute="purpose", column_name=gettext_lazy("活动内容"))
    findings = Field(attribute="findings", column_name=gettext_lazy("发现的问题和意见"))
    follow_up = Field(attribute="follow_up", column_name=gettext_lazy("后续跟进"))
    recorded_at = Field(attribute="recorded_at", column_name=gettext_lazy("登记时间"), widget=LocalDateTimeWidget())

    class Meta:
        model = StationVisit
        name = gettext_lazy("领导到联络站活动")
        fields = (
            "date",
            "station",
            "region",
            "visitor",
            "visitor_post",
            "purpose",
            "findings",
            "follow_up",
            "recorded_at",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("station__region", "leader")


def write_visits(user, rows, params):
    return export_file(StationVisitResource(), rows, gettext_lazy("领导到联络站活动"))


def write_stations(user, rows, params):
    return export_file(StationResource(), rows, gettext_lazy("代表联络站"))


def write_opinions(user, rows, params):
    return export_file(OpinionResource(user=user, filters=params.urlencode()), rows, gettext_lazy("选民意见"))


def station_rows(user, params):
    return selectors.station_list(user=user, filters=params).qs


def visit_rows(user, params):
    return selectors.station_visit_list(user=user, filters=params).qs


def opinion_rows(user, params):
    return selectors.opinion_list(user=user, filters=params).qs


def register_kinds() -> None:
    for name, title, rows, write in (
        ("liaison_stations.stations", gettext_lazy("代表联络站"), station_rows, write_stations),
        ("liaison_stations.visits", gettext_lazy("领导到联络站活动"), visit_rows, write_visits),
        ("liaison_stations.opinions", gettext_lazy("选民意见"), opinion_rows, write_opinions),
    ):
        register(ExportKind(name, title, rows, write, sees_region_data))


def _statistics_header(column) -> str:
    percent = column.measure == "rate" and column.name != "deputies_per_station"
    return f"{column.label}{bracketed('%')}" if percent else str(column.label)


def statistics_sheet(table, total) -> tablib.Dataset:
    # The page's columns under the page's words (selectors.STATISTICS_COLUMNS), the own row named as there.
    columns = selectors.STATISTICS_COLUMNS
    rows = [
        [
            _("%(name)s（本级）") % {"name": row.region.name} if row.own else row.region.name,
            *(getattr(row, column.name) for column in columns),
        ]
        for row in table
    ]
    rows.append([_("合计"), *(getattr(total, column.name) for column in columns)])
    return spreadsheets.sheet([_("区域"), *(_statistics_header(column) for column in columns)], rows)


def statistics_response(table, total, filename: str) -> HttpResponse:
    return spreadsheets.xlsx_response(statistics_sheet(table, total), filename)
