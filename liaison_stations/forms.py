"""Forms for the deputy's and the handling unit's pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from representatives.forms import style_fields

from .models import OpinionCategory, Station


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class DutyDayRecordForm(BootstrapForm):
    attended = forms.MultipleChoiceField(label=_("到岗代表"), widget=forms.CheckboxSelectMultiple, required=False)
    voters_received = forms.IntegerField(label=_("接待选民人次"), min_value=0, max_value=100000)
    summary = forms.CharField(
        label=_("接待情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )

    def __init__(self, *args, duty_day, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(s.deputy_id), s.deputy.name) for s in duty_day.shifts.all()]


class VisitOpinionForm(BootstrapForm):
    """An opinion a deputy took from a voter on a visit or a duty day."""

    station = forms.ModelChoiceField(label=_("联络站"), queryset=Station.objects.none(), required=False)
    voter_name = forms.CharField(label=_("反映人"), max_length=50)
    voter_phone = forms.RegexField(
        label=_("联系电话"), regex=r"^[0-9\-]{7,20}$", error_messages={"invalid": _("请填写正确的电话号码。")}
    )
    title = forms.CharField(label=_("标题"), max_length=100)
    content = forms.CharField(label=_("内容"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(label=_("类别"), choices=[("", "—"), *OpinionCategory.choices], required=False)

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations


class UnitReplyForm(BootstrapForm):
    text = forms.CharField(label=_("答复内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
