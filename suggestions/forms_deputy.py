"""Forms on the deputy's suggestion pages; they check input only, the services decide what may happen."""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from representatives.forms import MultipleFileField, style_fields
from representatives.models import Deputy, Membership
from representatives.names import name_contains

from .models import Evaluation, Suggestion


class SuggestionForm(forms.ModelForm):
    attachments = MultipleFileField(
        label=_("附件"), required=False, help_text=_("PDF、图片或 Word 文件，每个不超过 10 MB，一次最多 5 个。")
    )

    class Meta:
        model = Suggestion
        fields = ["congress", "title", "category", "body", "period"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "period": forms.RadioSelect,
        }
        help_texts = {"body": _("写明问题、原因分析和具体建议。")}

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        self.fields["congress"].empty_label = None
        if self.instance.pk is None:
            # The lowest level first: most deputies write to the congress closest to their voters.
            lowest = congresses.order_by("-level").first()
            self.fields["congress"].initial = lowest.pk if lowest else None
        self.fields["attachments"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx"
        style_fields(self.fields)

    def draft_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title", "category", "body", "period")}


class SuggestionEditForm(SuggestionForm):
    # The version the deputy was shown; the service refuses the save if someone changed the draft since.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def draft_fields(self) -> dict:
        congress = self.cleaned_data["congress"]
        # The region is a copy of the congress's, so it must follow when a draft moves to another congress.
        return {**super().draft_fields(), "congress": congress, "region": congress.region}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RateForm(VersionForm):
    """The deputy's rating of each unit's part of the round (``parts``: those still to rate), all at once:
    a ``value_<id>`` and ``comment_<id>`` per part."""

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = list(parts)
        for part in self.parts:
            self.fields[f"value_{part.pk}"] = forms.ChoiceField(
                label=_("评价"), choices=Evaluation.Value.choices, widget=forms.RadioSelect
            )
            self.fields[f"comment_{part.pk}"] = forms.CharField(
                label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
        style_fields(self.fields)

    @property
    def rows(self):
        """(part, its rating field, its comment field) for the template, in the parts' order."""
        return [(part, self[f"value_{part.pk}"], self[f"comment_{part.pk}"]) for part in self.parts]

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        if not self.parts:
            raise forms.ValidationError(_("没有需要评价的承办单位。"))
        for part in self.parts:
            # The unit handles it again and needs to know what was wrong with its answer.
            if (
                cleaned.get(f"value_{part.pk}") == Evaluation.Value.UNSATISFIED
                and not cleaned.get(f"comment_{part.pk}", "").strip()
            ):
                self.add_error(f"comment_{part.pk}", _("评价不满意时请说明理由。"))
        # What ``services.parts_rate`` takes: each part's id → (value, comment).
        cleaned["ratings"] = {
            part.pk: (cleaned.get(f"value_{part.pk}"), cleaned.get(f"comment_{part.pk}", "")) for part in self.parts
        }
        return cleaned


def invitable_deputies(suggestion: Suggestion):
    """Serving deputies of the suggestion's congress who are neither the author nor already invited."""
    serving = Membership.objects.filter(
        deputy=OuterRef("pk"), congress_id=suggestion.congress_id, status=Membership.Status.SERVING
    )
    return (
        Deputy.objects.filter(Exists(serving))
        .exclude(pk=suggestion.deputy_id)
        .exclude(cosignatures__suggestion=suggestion)
        .select_related("region")
        .order_by("name", "code")
    )


def search_deputies(queryset, text: str, limit: int = 20):
    text = text.strip()
    if not text:
        return queryset.none()
    return queryset.filter(name_contains("name", text) | Q(code__iexact=text))[:limit]


class InviteForm(forms.Form):
    deputies = forms.ModelMultipleChoiceField(
        label=_("联名代表"),
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一位代表。"),
            "invalid_choice": _("所选代表不是本届在任代表，或已经邀请过。"),
            "invalid_pk_value": _("所选代表不是本届在任代表，或已经邀请过。"),
        },
    )

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = invitable_deputies(suggestion)
