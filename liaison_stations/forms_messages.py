"""Forms for voters' messages to one deputy: the voter's message, and the deputy's answer or passing it on."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms_public import MOBILE_RE, OpinionForm, normalize_phone


class DeputyMessageForm(OpinionForm):
    """The station form's fields and protections, with an optional mobile number for SMS instead of a phone."""

    voter_phone = forms.CharField(
        label=_("手机号码（选填）"),
        max_length=24,
        required=False,
        help_text=_("填写后，查询码和代表的答复会以短信发给您。只接受手机号码，号码不会公开。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    field_order = ["voter_name", "voter_phone", "title", "content", "category"]

    def clean_voter_phone(self):
        value = normalize_phone(self.cleaned_data["voter_phone"]).replace("-", "")
        if not value:
            return ""
        if not MOBILE_RE.match(value):
            raise forms.ValidationError(_("请填写 11 位手机号码；固定电话收不到短信。"))
        return value


class MessageAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("答复内容"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_("答复会显示在选民的查询页面上；选民留了手机号的，同时以短信告知。"),
    )

    def clean_text(self):
        value = self.cleaned_data["text"].strip()
        if not value:
            raise forms.ValidationError(_("请填写答复内容。"))
        return value


class MessagePassForm(forms.Form):
    station = forms.ModelChoiceField(
        label=_("转交联络站"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label=_("说明（选填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, stations, **kwargs):
        kwargs.setdefault("prefix", "pass")
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        only = list(stations[:2])
        if len(only) == 1:
            self.fields["station"].initial = only[0].pk
