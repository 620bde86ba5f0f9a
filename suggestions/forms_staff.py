"""Forms for the office's steps on a suggestion.

Forms only collect and check input; the page hands the cleaned values to one service, which has the last word
on permissions and on whether the step is allowed now. Choices come from lists the page has already loaded,
so several forms on one page share the same few queries; the units, which a province has a thousand of, are
searched instead (the page's queryset of the units the user may hand work to, the chosen ones alone rendered).
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from representatives.forms import StyledFormMixin

from .exports import person_name
from .models import Supervision

EMPTY_LABEL = "---------"


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects already in memory; cleans to the object itself."""

    def __init__(self, *, objects, label_from=str, **kwargs):
        self.objects = {str(obj.pk): obj for obj in objects}
        choices = [("", EMPTY_LABEL), *((key, label_from(obj)) for key, obj in self.objects.items())]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.objects.get(value) if value else None


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, objects, label_from=str, **kwargs):
        self.objects = {str(obj.pk): obj for obj in objects}
        super().__init__(choices=[(key, label_from(obj)) for key, obj in self.objects.items()], **kwargs)

    def clean(self, value):
        return [self.objects[key] for key in super().clean(value)]


class UnitsField(forms.ModelMultipleChoiceField):
    """Several units, searched (core/autocomplete.py: a province has a thousand) among ``handling_units_for``,
    the queryset the page passes; cleans to a list, in the order the rows come."""

    widget = AutocompleteSelectMultiple("units")

    def clean(self, value):
        return list(super().clean(value))


class ActionForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion

    def setup(self):
        self.style_fields()


class VersionedForm(ActionForm):
    """Carries the version of the suggestion the page showed, so a step taken on a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, suggestion, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("version", suggestion.version)
        super().__init__(*args, suggestion=suggestion, **kwargs)


class RegisterForm(VersionedForm):
    is_complex = forms.BooleanField(
        label=_("情况复杂，办理期限为六个月"), required=False, help_text=_("否则答复期限为交办后三个月。")
    )

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["is_complex"].initial = suggestion.is_complex
        self.setup()


class RefuseForm(VersionedForm):
    reason = forms.CharField(
        label=_("不予立案的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("理由会告知领衔代表，建议转为来信处理。"),
    )

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.setup()


class MarkKeyForm(VersionedForm):
    def __init__(self, *args, suggestion, leaders, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["leader"] = ObjectChoiceField(label=_("领衔督办领导"), objects=leaders, label_from=person_name)
        self.fields["leader"].initial = suggestion.supervising_leader_id
        self.setup()


class AssignForm(VersionedForm):
    """交办: one lead unit and any co-units."""

    def __init__(self, *args, suggestion, units, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["lead_unit"] = forms.ModelChoiceField(
            label=_("主办单位"), queryset=units, widget=AutocompleteSelect("units")
        )
        self.fields["co_units"] = UnitsField(
            label=_("协办单位"),
            queryset=units,
            required=False,
            help_text=_("可不选；可搜索后选择多个。协办单位须在一个月内向主办单位提出协办意见。"),
        )
        self.fields["is_complex"] = forms.BooleanField(
            label=_("情况复杂，办理期限为六个月"), required=False, initial=suggestion.is_complex
        )
        self.setup()

    def clean(self):
        cleaned = super().clean()
        lead, co_units = cleaned.get("lead_unit"), cleaned.get("co_units") or []
        if lead is not None and lead in co_units:
            self.add_error("co_units", _("主办单位不能同时是协办单位。"))
        return cleaned


class SplitForm(VersionedForm):
    """分办: each unit answers the deputy for its own part."""

    def __init__(self, *args, suggestion, units, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["units"] = UnitsField(
            label=_("分办单位"),
            queryset=units,
            help_text=_("至少选择两个单位，各自就分管部分答复代表；可搜索后选择多个。"),
        )
        self.fields["is_complex"] = forms.BooleanField(
            label=_("情况复杂，办理期限为六个月"), required=False, initial=suggestion.is_complex
        )
        self.setup()

    def clean_units(self):
        units = self.cleaned_data["units"]
        if len(units) < 2:
            raise forms.ValidationError(_("分办至少需要两个承办单位。"))
        return units


class PartForm(ActionForm):
    """A step on one unit's part; the part is picked from those waiting for the office's decision."""

    def __init__(self, *args, suggestion, parts, part=None, **kwargs):
        if part is not None:
            kwargs.setdefault("initial", {})["assignment"] = part.pk
            # Several of these forms can share a page; ids must stay unique.
            kwargs.setdefault("auto_id", f"id_%s_{part.pk}")
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["assignment"] = ObjectChoiceField(objects=parts, widget=forms.HiddenInput)


class ReassignAcceptForm(PartForm):
    def __init__(self, *args, suggestion, parts, units, part=None, **kwargs):
        super().__init__(*args, suggestion=suggestion, parts=parts, part=part, **kwargs)
        if part is not None:
            units = units.exclude(pk=part.unit_id)
        self.fields["new_unit"] = forms.ModelChoiceField(
            label=_("改由哪个单位办理"), queryset=units, widget=AutocompleteSelect("units")
        )
        self.setup()

    def clean(self):
        cleaned = super().clean()
        part, unit = cleaned.get("assignment"), cleaned.get("new_unit")
        if part is not None and unit is not None and unit.pk == part.unit_id:
            self.add_error("new_unit", _("请选择另一个承办单位。"))
        return cleaned


class ReassignRefuseForm(PartForm):
    reason = forms.CharField(
        label=_("不同意调整的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("原单位将继续办理。"),
    )

    def __init__(self, *args, suggestion, parts, part=None, **kwargs):
        super().__init__(*args, suggestion=suggestion, parts=parts, part=part, **kwargs)
        self.setup()


class PromiseConfirmForm(ActionForm):
    def __init__(self, *args, suggestion, replies, reply=None, **kwargs):
        if reply is not None:
            kwargs.setdefault("initial", {})["reply"] = reply.pk
            kwargs.setdefault("auto_id", f"id_%s_reply{reply.pk}")
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["reply"] = ObjectChoiceField(objects=replies, widget=forms.HiddenInput)
        self.setup()


class SuperviseForm(ActionForm):
    # 二次验收 is a supervision step with a result: its form extends this one (forms_acceptance.py).
    kind = forms.ChoiceField(
        label=_("督办方式"), choices=[c for c in Supervision.Kind.choices if c[0] != Supervision.Kind.ACCEPTANCE]
    )
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("督办情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    future_date_refusal = _("不能登记未来日期的督办。")

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.setup()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(self.future_date_refusal)
        return date
