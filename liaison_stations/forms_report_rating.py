"""Forms for voters rating a deputy's report to voters (述职评议) from the meeting's QR code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from representatives.models import ReportRating

from .forms_public import MOBILE_RE, normalize_phone


class ReportRatingForm(forms.Form):
    value = forms.ChoiceField(
        label=_("您对代表这次述职的评价"),
        choices=ReportRating.Value.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("意见和建议（选填）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    phone = forms.CharField(
        label=_("手机号码（选填）"),
        max_length=24,
        required=False,
        help_text=_("填写后会收到验证码，验证后评价才计入，每个号码只能评价一次。号码不会公开。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "class": "form-control"}),
    )
    # Honeypot, as on the opinion forms.
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_phone(self):
        value = normalize_phone(self.cleaned_data["phone"]).replace("-", "")
        if value and not MOBILE_RE.match(value):
            raise forms.ValidationError(_("请填写 11 位手机号码；固定电话收不到验证码。"))
        return value


class ReportRatingCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("短信验证码"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("请填写短信里的 6 位数字。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "form-control", "maxlength": 6}
        ),
    )
