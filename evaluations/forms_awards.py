"""Forms of the awards pages (三优三先)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from representatives.forms import style_fields

from .models import Nomination


class NominateForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Nomination.Category.choices)
    nominee = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("提名理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("评选意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class PublishForm(forms.Form):
    """Nothing to fill in: the step itself is the decision."""
