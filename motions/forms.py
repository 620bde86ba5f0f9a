"""Forms of the motion pages; they check input only, the services decide what may happen."""

from typing import cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from representatives.forms import style_fields
from representatives.models import Deputy
from representatives.names import name_contains

from .models import Motion


class MotionForm(forms.ModelForm):
    class Meta:
        model = Motion
        fields = ["congress", "title", "grounds", "proposal"]
        widgets = {
            "grounds": forms.Textarea(attrs={"rows": 6}),
            "proposal": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"title": _("一句话说明要求大会审议的事项，例如“关于制定某某条例的议案”。")}

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        congress = cast(forms.ModelChoiceField, self.fields["congress"])
        congress.queryset = congresses
        congress.empty_label = None
        if self.instance.pk is None:
            # Motions are moved at the deputy's highest congress more often, but the closest one is the default
            # everywhere else in the product; the deputy chooses.
            lowest = congresses.order_by("-level").first()
            self.fields["congress"].initial = lowest.pk if lowest else None
        style_fields(self.fields)

    def draft_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title", "grounds", "proposal")}


class MotionEditForm(MotionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def draft_fields(self) -> dict:
        return {**super().draft_fields(), "congress": self.cleaned_data["congress"]}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def search_deputies(queryset, text: str, limit: int = 20):
    text = text.strip()
    if not text:
        return queryset.none()
    return queryset.filter(name_contains("name", text) | Q(code__iexact=text))[:limit]


class InviteForm(forms.Form):
    deputies = forms.ModelMultipleChoiceField(
        label=_("附议代表"),
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一位代表。"),
            "invalid_choice": _("所选代表不是本届在任代表，或已经邀请过。"),
            "invalid_pk_value": _("所选代表不是本届在任代表，或已经邀请过。"),
        },
    )

    def __init__(self, *args, invitable, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["deputies"]).queryset = invitable


class DecisionForm(VersionForm):
    """The presidium's or its special committee's decision, as the office records it."""

    body = forms.ChoiceField(
        label=_("作出决定的机构"), choices=Motion.Body.choices, initial=Motion.Body.PRESIDIUM, widget=forms.RadioSelect
    )
    committee = forms.CharField(
        label=_("专门委员会名称"),
        required=False,
        max_length=100,
        help_text=_("由专门委员会审议提出意见的，写明委员会名称。"),
    )
    session = forms.CharField(label=_("列入议程的会议"), required=False, max_length=100)
    reason = forms.CharField(
        label=_("决定理由"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, step: str, **kwargs):
        # The page shows one form per decision: the prefix keeps their fields' ids (and labels) apart.
        kwargs.setdefault("prefix", step)
        super().__init__(*args, **kwargs)
        self.step = step
        if step != "list":
            del self.fields["session"]
        if step == "not_list":
            self.fields["reason"].required = True
            self.fields["reason"].label = _("不列入议程的理由")
            self.fields["reason"].error_messages["required"] = _("不列入议程必须说明理由。")
        style_fields(self.fields)

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("body") == Motion.Body.COMMITTEE and not cleaned.get("committee", "").strip():
            self.add_error("committee", _("请填写专门委员会的名称。"))
        if self.step == "list" and not cleaned.get("session", "").strip():
            self.add_error("session", _("列入议程须写明会议。"))
        return cleaned


class RuleForm(forms.Form):
    congress = forms.IntegerField(widget=forms.HiddenInput)
    min_cosigners = forms.IntegerField(label=_("附议代表最少人数"), min_value=1, max_value=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)
