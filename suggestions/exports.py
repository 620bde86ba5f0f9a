"""The office's Excel download of suggestions: one row each, with every lifecycle timestamp.

Offices measure how long each step took from these columns (FixMyStreet's users asked for timestamps, not
only states), so every time the suggestion records is exported, and each unit's part, reply, promise and
the deputy's rating per round sit in their own columns. Everything a row needs is prefetched: the query
count does not grow with the number of rows.
"""

from itertools import islice

from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field

from core.exports import ExportKind, register
from core.text import bracketed, join_clauses, join_list, labelled
from representatives.models import Congress
from representatives.names import person_name
from representatives.permissions import sees_region_data
from representatives.resources import ChoiceWidget, LocalDateTimeWidget, SafeExportMixin, YesNoWidget, export_file

from . import selectors
from .models import Assignment, Category, CoSigner, Evaluation, Reply, ReplyClass, Suggestion

A = Assignment.Status
# Lead unit first, then co-units, as offices write an assignment (主办、协办); split parts are peers.
ROLE_ORDER = {Assignment.Role.LEAD: 0, Assignment.Role.SPLIT: 1, Assignment.Role.CO: 2}


# The export writes these for every part, reply and rating; each is translated once per language (``_text``)
# rather than once per cell, which was a fifth of the export's time.
IN_ROUND = gettext_lazy("第%(round)d轮 %(unit)s")
TRANSFERRED = gettext_lazy("%(role)s，已转其他单位办理")
ASKING_TO_MOVE = gettext_lazy("%(role)s，申请调整中")
YES = gettext_lazy("是")
REPLY = gettext_lazy("%(unit)s：%(cls)s类（%(date)s）")
CONFIRMED = gettext_lazy("已确认完成（%(date)s）")
REPORTED_DONE = gettext_lazy("单位报告已完成（%(date)s），待确认")
NOT_DONE = gettext_lazy("尚未完成")
RATING = gettext_lazy("第%(round)d轮：%(value)s")
_texts: dict[tuple[str, int], str] = {}
_choice_labels: dict[tuple[str, int], dict[str, str]] = {}


def _text(message) -> str:
    key = (get_language(), id(message))
    if key not in _texts:
        _texts[key] = str(message)
    return _texts[key]


def _label(choices, value) -> str:
    """A choice's label in the active language (``get_FOO_display``, without hashing every lazy label)."""
    key = (get_language(), id(choices))
    if key not in _choice_labels:
        _choice_labels[key] = {code: str(label) for code, label in choices.choices}
    return _choice_labels[key].get(value, value)


def _grouped(rows, key: str) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return groups


def ordered_parts(parts):
    return sorted(parts, key=lambda part: (part.round, ROLE_ORDER.get(part.role, 9), part.pk))


def _date(value) -> str:
    return value.isoformat() if value else ""


# The suggestion's own columns the export reads (the body, up to 20,000 characters, is not one of them).
EXPORTED_FIELDS = (
    "number",
    "year",
    "title",
    "category",
    "period",
    "status",
    "refusal_reason",
    "is_key",
    "is_complex",
    "round",
    "created_at",
    "submitted_at",
    "registered_at",
    "assigned_at",
    "replied_at",
    "rated_at",
    "closed_at",
)


class SuggestionResource(SafeExportMixin, resources.ModelResource):
    number = Field(attribute="number", column_name=gettext_lazy("编号"), widget=widgets.IntegerWidget())
    congress = Field(column_name=gettext_lazy("届别"))
    year = Field(attribute="year", column_name=gettext_lazy("年度"), widget=widgets.IntegerWidget())
    title = Field(attribute="title", column_name=gettext_lazy("标题"))
    category = Field(attribute="category", column_name=gettext_lazy("类别"), widget=ChoiceWidget(Category))
    period = Field(attribute="period", column_name=gettext_lazy("提出时间"), widget=ChoiceWidget(Suggestion.Period))
    deputy = Field(attribute="deputy_name", column_name=gettext_lazy("领衔代表"))
    cosigners = Field(column_name=gettext_lazy("联名代表"))
    status = Field(attribute="status", column_name=gettext_lazy("状态"), widget=ChoiceWidget(Suggestion.Status))
    refusal_reason = Field(attribute="refusal_reason", column_name=gettext_lazy("不予立案理由"))
    is_key = Field(attribute="is_key", column_name=gettext_lazy("重点督办"), widget=YesNoWidget())
    supervising_leader = Field(column_name=gettext_lazy("领衔督办领导"))
    is_complex = Field(attribute="is_complex", column_name=gettext_lazy("情况复杂"), widget=YesNoWidget())
    round = Field(attribute="round", column_name=gettext_lazy("办理轮次"), widget=widgets.IntegerWidget())
    units = Field(column_name=gettext_lazy("承办单位及办理方式"))
    deadlines = Field(column_name=gettext_lazy("答复期限"))
    overdue = Field(column_name=gettext_lazy("逾期未办复"))
    replies = Field(column_name=gettext_lazy("答复类别及答复日期"))
    promised_dates = Field(column_name=gettext_lazy("B类承诺完成时间"))
    promises_confirmed = Field(column_name=gettext_lazy("B类承诺落实情况"))
    ratings = Field(column_name=gettext_lazy("代表评价（各轮）"))
    created_at = Field(attribute="created_at", column_name=gettext_lazy("创建时间"), widget=LocalDateTimeWidget())
    submitted_at = Field(attribute="submitted_at", column_name=gettext_lazy("提交时间"), widget=LocalDateTimeWidget())
    registered_at = Field(attribute="registered_at", column_name=gettext_lazy("立案时间"), widget=LocalDateTimeWidget())
    assigned_at = Field(attribute="assigned_at", column_name=gettext_lazy("交办时间"), widget=LocalDateTimeWidget())
    replied_at = Field(attribute="replied_at", column_name=gettext_lazy("答复时间"), widget=LocalDateTimeWidget())
    rated_at = Field(attribute="rated_at", column_name=gettext_lazy("评价时间"), widget=LocalDateTimeWidget())
    closed_at = Field(attribute="closed_at", column_name=gettext_lazy("办结时间"), widget=LocalDateTimeWidget())

    class Meta:
        model = Suggestion
        name = gettext_lazy("代表建议")
        fields = (
            "number",
            "congress",
            "year",
            "title",
            "category",
            "period",
            "deputy",
            "cosigners",
            "status",
            "refusal_reason",
            "is_key",
            "supervising_leader",
            "is_complex",
            "round",
            "units",
            "deadlines",
            "overdue",
            "replies",
            "promised_dates",
            "promises_confirmed",
            "ratings",
            "created_at",
            "submitted_at",
            "registered_at",
            "assigned_at",
            "replied_at",
            "rated_at",
            "closed_at",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        # Only the columns read are loaded (the related rows carry long texts no column shows), and names come as
        # columns of the row rather than as related objects: building an object per row and relation, and
        # prefetch_related's per-object lookups, were most of the export's time (bench/README.md).
        return (
            queryset.select_related(None)
            .prefetch_related(None)
            .select_related("supervising_leader")
            .only(
                *EXPORTED_FIELDS,
                "deputy",
                "congress",
                "supervising_leader__first_name",
                "supervising_leader__last_name",
                "supervising_leader__username",
            )
            .annotate(deputy_name=F("deputy__name"))
        )

    def iter_queryset(self, queryset):
        """The suggestions a chunk at a time, each chunk's parts, replies, co-signers and ratings attached with
        one query each, looked up by plain ids."""
        # The language and time zone are looked up once per export, not once per cell.
        self._language, self._zone = get_language(), timezone.get_current_timezone()
        rows = queryset.iterator(chunk_size=self.get_chunk_size())
        while chunk := list(islice(rows, self.get_chunk_size())):
            self._attach(chunk)
            yield from chunk

    def _text(self, message) -> str:
        key = (self._language, id(message))
        if key not in _texts:
            _texts[key] = str(message)
        return _texts[key]

    def _label(self, choices, value) -> str:
        key = (self._language, id(choices))
        if key not in _choice_labels:
            _choice_labels[key] = {code: str(label) for code, label in choices.choices}
        return _choice_labels[key].get(value, value)

    def _day(self, value) -> str:
        return value.astimezone(self._zone).date().isoformat() if value else ""

    def _attach(self, suggestions) -> None:
        ids = [suggestion.pk for suggestion in suggestions]
        congresses = self.__dict__.setdefault("_congresses", {})
        missing = {suggestion.congress_id for suggestion in suggestions} - congresses.keys()
        if missing:
            congresses.update(Congress.objects.select_related("region").in_bulk(missing))
        parts = _grouped(
            Assignment.objects.filter(suggestion_id__in=ids)
            .only("suggestion", "role", "round", "status", "deadline")
            .annotate(unit_name=F("unit__name")),
            "suggestion_id",
        )
        replies = _grouped(
            Reply.objects.filter(assignment__suggestion_id__in=ids)
            .order_by("replied_at", "id")
            .values_list(
                "assignment_id",
                "reply_class",
                "replied_at",
                "promised_date",
                "promise_done_at",
                "promise_confirmed_at",
                named=True,
            ),
            "assignment_id",
        )
        cosigners = _grouped(
            CoSigner.objects.filter(suggestion_id__in=ids, status=CoSigner.Status.ACCEPTED)
            .order_by("id")
            .values_list("suggestion_id", "deputy__name", named=True),
            "suggestion_id",
        )
        ratings = _grouped(
            Evaluation.objects.filter(suggestion_id__in=ids)
            .order_by("round")
            .values_list("suggestion_id", "round", "value", named=True),
            "suggestion_id",
        )
        for suggestion in suggestions:
            suggestion.all_parts = parts.get(suggestion.pk, [])
            for part in suggestion.all_parts:
                part.reply_list = replies.get(part.pk, [])
            suggestion.accepted_cosigners = cosigners.get(suggestion.pk, [])
            suggestion.rating_list = ratings.get(suggestion.pk, [])

    # Helpers ----------------------------------------------------------------------------------------------

    @staticmethod
    def _parts(suggestion):
        return ordered_parts(suggestion.all_parts)

    def _unit(self, suggestion, part) -> str:
        # The round is only worth naming once a suggestion has been handled again.
        if suggestion.round > 1:
            return self._text(IN_ROUND) % {"round": part.round, "unit": part.unit_name}
        return part.unit_name

    def _b_replies(self, suggestion):
        return [
            (part, reply)
            for part in self._parts(suggestion)
            for reply in part.reply_list
            if reply.reply_class == ReplyClass.B
        ]

    # Columns ----------------------------------------------------------------------------------------------

    def dehydrate_congress(self, suggestion):
        # A few dozen congresses for thousands of suggestions: each name written once per export and language.
        names = self.__dict__.setdefault("_congress_names", {})
        key = (get_language(), suggestion.congress_id)
        if key not in names:
            congress = self.__dict__.get("_congresses", {}).get(suggestion.congress_id) or suggestion.congress
            names[key] = str(congress)
        return names[key]

    def dehydrate_cosigners(self, suggestion):
        return join_list(cosigner.deputy__name for cosigner in suggestion.accepted_cosigners)

    def dehydrate_supervising_leader(self, suggestion):
        return person_name(suggestion.supervising_leader)

    def dehydrate_units(self, suggestion):
        cells = []
        for part in self._parts(suggestion):
            role = self._label(Assignment.Role, part.role)
            if part.status == A.REASSIGNED:
                # Passed to another unit at its own request: transferred, not refused.
                role = self._text(TRANSFERRED) % {"role": role}
            elif part.status == A.REASSIGN_REQUESTED:
                role = self._text(ASKING_TO_MOVE) % {"role": role}
            cells.append(self._unit(suggestion, part) + bracketed(role))
        return join_clauses(cells)

    def dehydrate_deadlines(self, suggestion):
        return join_clauses(
            labelled(self._unit(suggestion, part), _date(part.deadline))
            for part in self._parts(suggestion)
            if part.status != A.REASSIGNED
        )

    def dehydrate_overdue(self, suggestion):
        return self._text(YES) if any(part.is_overdue for part in suggestion.all_parts) else ""

    def dehydrate_replies(self, suggestion):
        return join_clauses(
            self._text(REPLY)
            % {"unit": self._unit(suggestion, part), "cls": reply.reply_class, "date": self._day(reply.replied_at)}
            for part in self._parts(suggestion)
            for reply in part.reply_list
        )

    def dehydrate_promised_dates(self, suggestion):
        return join_clauses(
            labelled(self._unit(suggestion, part), _date(reply.promised_date))
            for part, reply in self._b_replies(suggestion)
        )

    def dehydrate_promises_confirmed(self, suggestion):
        cells = []
        for part, reply in self._b_replies(suggestion):
            if reply.promise_confirmed_at:
                state = self._text(CONFIRMED) % {"date": self._day(reply.promise_confirmed_at)}
            elif reply.promise_done_at:
                state = self._text(REPORTED_DONE) % {"date": self._day(reply.promise_done_at)}
            else:
                state = self._text(NOT_DONE)
            cells.append(labelled(self._unit(suggestion, part), state))
        return join_clauses(cells)

    def dehydrate_ratings(self, suggestion):
        return join_clauses(
            self._text(RATING) % {"round": rating.round, "value": self._label(Evaluation.Value, rating.value)}
            for rating in suggestion.rating_list
        )


def suggestion_rows(user, params):
    return selectors.suggestion_list(user=user, filters=params).qs


def write_suggestions(user, rows, params):
    return export_file(SuggestionResource(), rows, gettext_lazy("代表建议"))


def register_kinds() -> None:
    register(
        ExportKind("suggestions.list", gettext_lazy("代表建议"), suggestion_rows, write_suggestions, sees_region_data)
    )
