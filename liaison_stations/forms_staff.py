"""Forms for the office staff pages of stations, duty days and voter opinions.

Forms only collect and check input; each page hands the cleaned values to one service, which has the last
word on permissions and on whether the step is allowed in the current state.
"""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text import bracketed, join_list
from core.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from representatives.forms import StyledFormMixin
from representatives.models import Deputy, HandlingUnit, Region
from representatives.permissions import handling_units_for, regions_for

from . import permissions
from .models import Opinion, OpinionCategory, Proposal, Rating, Resolution, StandardItem, Station


def station_regions_for(user):
    """Where a user may set up a station: county or township regions in the user's tree, townships first."""
    return regions_for(user).filter(level__gte=Region.Level.COUNTY).order_by("-level", "path")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}{bracketed(obj.get_level_display())}"


class DeputyChoiceMixin:
    def label_from_instance(self, obj):
        return f"{obj.name}{bracketed(obj.code)}"


class DeputyChoiceField(DeputyChoiceMixin, forms.ModelChoiceField):
    pass


class DeputyMultipleChoiceField(DeputyChoiceMixin, forms.ModelMultipleChoiceField):
    pass


# Stations -------------------------------------------------------------------------------------------------------


class StationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Station
        fields = Station.EDITABLE_FIELDS
        help_texts = {
            "region": _("联络站一般设在乡镇（街道）；代表之家也可设在县（区）。"),
            "star_rating": _("0 至 5 星。评定星级须有相应项数的“七有”检查达标，规则在后台“联络站星级规则”中设定。"),
        }

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = RegionChoiceField(
            label=Station._meta.get_field("region").verbose_name,
            queryset=regions,
            help_text=self.Meta.help_texts["region"],
            # Thousands of townships in a province: searched among station_regions_for(user), as the view passes.
            widget=AutocompleteSelect("station_regions"),
        )
        self.fields["star_rating"].widget.attrs.update({"min": 0, "max": 5})
        self.style_fields()

    def station_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


class AssignDeputiesForm(StyledFormMixin, forms.Form):
    codes = forms.CharField(
        label=_("按代表编号编入"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("可一次粘贴多个编号，用空格、逗号或换行分隔。"),
    )
    deputies = DeputyMultipleChoiceField(
        label=_("或搜索代表选择"),
        required=False,
        queryset=Deputy.objects.none(),
        help_text=_("输入姓名或代表编号搜索，可选择多名。"),
        # A province has 300,000 deputies: searched (core/autocomplete.py "deputies", deputies_for(user)),
        # the chosen ones alone rendered, instead of a list capped at a few hundred.
        widget=AutocompleteSelectMultiple("deputies"),
    )

    def __init__(self, *args, visible, **kwargs):
        """Codes and the search may name any deputy in ``visible`` (``deputies_for(user)``)."""
        super().__init__(*args, **kwargs)
        self.visible = visible
        self.fields["deputies"].queryset = visible
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        codes = [code for code in CODE_SEPARATORS.split(cleaned.get("codes") or "") if code]
        found = {deputy.code: deputy for deputy in self.visible.filter(code__in=codes)} if codes else {}
        unknown = [code for code in codes if code not in found]
        if unknown:
            self.add_error("codes", _("在您的区域内找不到这些编号的代表：%(codes)s") % {"codes": join_list(unknown)})
        chosen = {deputy.pk: deputy for deputy in cleaned.get("deputies") or []}
        chosen.update({deputy.pk: deputy for deputy in found.values()})
        if not chosen and not self.errors:
            raise forms.ValidationError(_("请填写代表编号或选择要编入的代表。"))
        cleaned["selected"] = list(chosen.values())
        return cleaned


class StandardChecksForm(StyledFormMixin, forms.Form):
    """The seven "七有" items in one form: for each, passed, evidence and the date checked."""

    def __init__(self, *args, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for item, label in StandardItem.choices:
            check = existing.get(item)
            self.fields[f"{item}-passed"] = forms.BooleanField(
                label=label, required=False, initial=check.passed if check else False
            )
            self.fields[f"{item}-evidence"] = forms.CharField(
                label=_("佐证"), required=False, max_length=500, initial=check.evidence if check else ""
            )
            self.fields[f"{item}-checked_on"] = forms.DateField(
                label=_("检查日期"),
                required=False,
                initial=check.checked_on if check else None,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        self.style_fields()
        for item, label in StandardItem.choices:
            self.rows.append((label, self[f"{item}-passed"], self[f"{item}-evidence"], self[f"{item}-checked_on"]))

    def checks(self) -> dict:
        return {
            item: {
                "passed": self.cleaned_data[f"{item}-passed"],
                "evidence": self.cleaned_data[f"{item}-evidence"],
                "checked_on": self.cleaned_data[f"{item}-checked_on"],
            }
            for item in StandardItem.values
        }


# Duty days ------------------------------------------------------------------------------------------------------


class DutyDayPlanForm(StyledFormMixin, forms.Form):
    station = forms.ModelChoiceField(label=_("联络站"), queryset=Station.objects.none(), widget=forms.HiddenInput)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("结束时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    topic = forms.CharField(label=_("主题"), required=False, max_length=200)
    deputies = DeputyMultipleChoiceField(
        label=_("值班代表"),
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只能从编入本站的代表中安排。"),
    )

    def __init__(self, *args, stations, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["station"].initial = station.pk
        # The roster is the station's own members; a deputy of another station cannot be put on duty here.
        self.fields["deputies"].queryset = Deputy.objects.filter(station_memberships__station=station).order_by(
            "name", "code"
        )
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("结束时间必须晚于开始时间。"))
        return cleaned


class DutyDayRecordForm(StyledFormMixin, forms.Form):
    attended = DeputyMultipleChoiceField(
        label=_("到岗代表"), required=False, queryset=Deputy.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    voters_received = forms.IntegerField(label=_("接待选民人次"), min_value=0)
    summary = forms.CharField(
        label=_("接待情况"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, duty_day, **kwargs):
        initial = kwargs.pop("initial", None) or {
            "attended": [shift.deputy_id for shift in duty_day.shifts.all() if shift.attended],
            "voters_received": duty_day.voters_received or None,
            "summary": duty_day.summary,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["attended"].queryset = Deputy.objects.filter(duty_shifts__duty_day=duty_day).order_by("name")
        self.style_fields()


class DutyDayCancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("取消理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class DutyDayOpinionForm(StyledFormMixin, forms.Form):
    """An opinion a voter raised on a duty day, entered by staff for the deputy who received it."""

    deputy = DeputyChoiceField(label=_("接待代表"), queryset=Deputy.objects.none())
    voter_name = forms.CharField(label=_("反映人"), max_length=50)
    voter_phone = forms.CharField(label=_("联系电话"), max_length=20)
    title = forms.CharField(label=_("标题"), max_length=100)
    content = forms.CharField(label=_("内容"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("暂不分类"))] + list(OpinionCategory.choices)
    )

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies
        self.style_fields()


# Opinion actions: one form per step, each feeding one service ---------------------------------------------------


class OpinionActionForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, opinion, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.opinion = opinion
        self.user = user
        self.setup()
        self.style_fields()

    def setup(self):
        """Narrow pick lists to what this opinion and user allow."""


class SortForm(OpinionActionForm):
    category = forms.ChoiceField(label=_("类别"), choices=OpinionCategory.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def setup(self):
        self.fields["category"].initial = self.opinion.category or None


class MergeForm(OpinionActionForm):
    into = forms.CharField(label=_("合并到（意见编号）"), max_length=16)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def clean_into(self):
        typed = self.cleaned_data["into"].strip()
        pk = Opinion.pk_from_reference(typed)
        target = (
            permissions.opinions_for(self.user).filter(pk=pk).select_related("region").first()
            if pk is not None
            else None
        )
        if target is None:
            raise forms.ValidationError(_("在您的区域内找不到编号为 %(reference)s 的意见。") % {"reference": typed})
        return target


class ProposeForm(OpinionActionForm):
    proposal = forms.ChoiceField(label=_("拟办意见"), choices=Proposal.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("拟办说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.ModelChoiceField(
        label=_("承办单位"),
        required=False,
        queryset=HandlingUnit.objects.none(),
        help_text=_("交承办单位办理时选择。"),
        # A province has a thousand units: searched among handling_units_for(user), as setup() narrows it.
        widget=AutocompleteSelect("units"),
    )
    answer = forms.CharField(
        label=_("当场答复内容"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("当场答复时填写。"),
    )
    deputy = DeputyChoiceField(
        label=_("提出建议的代表"),
        required=False,
        queryset=Deputy.objects.none(),
        help_text=_("转为代表建议时选择；不选则为接待代表。"),
    )

    def setup(self):
        self.fields["unit"].queryset = handling_units_for(self.user)
        # The deputies who could carry the matter on as a suggestion: the one who received it and the station's.
        who = Q(pk=self.opinion.deputy_id) if self.opinion.deputy_id else Q(pk__in=[])
        if self.opinion.station_id:
            who |= Q(station_memberships__station_id=self.opinion.station_id)
        self.fields["deputy"].queryset = Deputy.objects.filter(who).distinct().order_by("name", "code")


class AssignForm(OpinionActionForm):
    unit = forms.ModelChoiceField(
        label=_("承办单位"),
        required=False,
        queryset=HandlingUnit.objects.none(),
        help_text=_("不选则交给拟办时选定的单位。"),
        widget=AutocompleteSelect("units"),
    )
    note = forms.CharField(label=_("交办说明"), required=False, max_length=500)

    def setup(self):
        self.fields["unit"].queryset = handling_units_for(self.user)


class SuperviseForm(OpinionActionForm):
    note = forms.CharField(label=_("督办情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(OpinionActionForm):
    feedback = forms.CharField(label=_("反馈情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    resolution = forms.ChoiceField(
        label=_("办理结果"),
        choices=Resolution.choices,
        help_text=_("只有“问题已解决”、且选民没有评为不满意的意见，才计入“已解决”。"),
    )
    rating = forms.ChoiceField(
        label=_("选民评价"), required=False, choices=[("", _("尚未评价"))] + list(Rating.choices)
    )


class CloseForm(OpinionActionForm):
    publish = forms.BooleanField(label=_("同时公示"), required=False)
    public_summary = forms.CharField(
        label=_("公示内容"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("公示内容向社会公开，不得包含反映人的姓名、电话等个人信息。"),
    )


class PublishForm(OpinionActionForm):
    public_summary = forms.CharField(
        label=_("公示内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("公示内容向社会公开，不得包含反映人的姓名、电话等个人信息。"),
    )

    def setup(self):
        self.fields["public_summary"].initial = self.opinion.public_summary


class UnpublishForm(OpinionActionForm):
    pass
