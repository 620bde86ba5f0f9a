"""Forms for voters: leave an opinion at a station, look it up by code, rate the outcome."""

import re
import unicodedata

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from representatives.models import Region

from .filters import RegionScopedFilterSet
from .models import Opinion, OpinionCategory, Rating

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area code (0 + 2–3 digits) optional, 7–8 digit number, optional extension.
LANDLINE_RE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")
TRACKING_CODE_RE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}$")


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def normalize_phone(value: str) -> str:
    # Phone keyboards and Chinese input methods produce full-width digits and dashes; NFKC folds them to ASCII.
    value = unicodedata.normalize("NFKC", value or "")
    value = re.sub(r"[\s()（）]", "", value).replace("—", "-").replace("－", "-")
    if value.startswith("+86"):
        value = value[3:].lstrip("-")
    return value


def normalize_tracking_code(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s-]", "", value).upper()


class OpinionForm(forms.Form):
    voter_name = forms.CharField(label=_("您的姓名"), max_length=50)
    voter_phone = forms.CharField(
        label=_("联系电话"),
        max_length=24,
        help_text=_("手机号或固定电话，仅供工作人员联系您，不会公开。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    title = forms.CharField(label=_("标题"), max_length=100, help_text=_("一句话概括您反映的问题。"))
    content = forms.CharField(
        label=_("具体内容"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("问题发生的地点、时间和情况，以及您的建议。不超过 3000 字。"),
    )
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("不确定（由工作人员归类）")), *OpinionCategory.choices]
    )
    # Honeypot: hidden from people, filled in by form-spamming robots.
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["voter_name"].widget.attrs["autocomplete"] = "name"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-invalid"] = "true"

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_voter_name(self):
        value = self.cleaned_data["voter_name"].strip()
        if not value:
            raise forms.ValidationError(_("请填写您的姓名。"))
        return value

    def clean_voter_phone(self):
        value = normalize_phone(self.cleaned_data["voter_phone"])
        # Mobiles are often written 139-0000-1111; stored as bare digits so staff can search and dial them.
        if MOBILE_RE.match(value.replace("-", "")):
            return value.replace("-", "")
        if LANDLINE_RE.match(value):
            return value
        raise forms.ValidationError(_("请填写 11 位手机号码，或带区号的固定电话（如 0750-1234567）。"))

    def clean_title(self):
        value = self.cleaned_data["title"].strip()
        if not value:
            raise forms.ValidationError(_("请填写标题。"))
        return value

    def clean_content(self):
        value = self.cleaned_data["content"].strip()
        if not value:
            raise forms.ValidationError(_("请填写具体内容。"))
        return value

    def opinion_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("voter_name", "voter_phone", "title", "content", "category")}


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": _("12 位查询码"),
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_code(self):
        return normalize_tracking_code(self.cleaned_data["code"])


class RatingForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    rating = forms.ChoiceField(
        label=_("您对办理结果的评价"),
        choices=Rating.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        # Shown on the same page as the tracking form, whose code field already has the default id.
        kwargs.setdefault("auto_id", "rating_%s")
        super().__init__(*args, **kwargs)

    def clean_code(self):
        return normalize_tracking_code(self.cleaned_data["code"])


class OutcomeFilter(RegionScopedFilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")

    class Meta:
        model = Opinion
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__contains=value) | Q(public_summary__contains=value)) if value else queryset


def public_regions():
    """The public pages filter by county or township: the levels a voter thinks in."""
    return Region.objects.filter(level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP]).order_by("path")
