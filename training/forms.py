"""Forms of the training pages; the services check who may write and what."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from representatives.forms import StyledFormMixin

from .models import Course, TrainingSession

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["congress", "title", "organiser", "level", "is_induction", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["congress"]).queryset = congresses
        self.style_fields()


class SessionForm(StyledFormMixin, forms.ModelForm):
    invite_serving = forms.BooleanField(label=_("邀请该届全体在任代表"), required=False, initial=True)

    class Meta:
        model = TrainingSession
        fields = ["date", "place", "hours"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class AttendanceForm(forms.Form):
    """The roster's ticks: the invitees who attended (the others did not)."""

    present = forms.TypedMultipleChoiceField(label=_("出席代表"), coerce=int, required=False)

    def __init__(self, *args, invited: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["present"]).choices = [(pk, pk) for pk in invited]
