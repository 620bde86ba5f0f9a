"""Forms of the livelihood pages; the services check the values and who may write them."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteSelect
from representatives.filters import FastSelect
from representatives.forms import StyledFormMixin

from .models import Ballot, Inspection, ProgressReport, Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = ["congress", "year", "title", "description", "unit", "budget"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, congresses, units, **kwargs):
        super().__init__(*args, **kwargs)
        congress = cast(forms.ModelChoiceField, self.fields["congress"])
        congress.queryset = congresses
        congress.widget = FastSelect()
        congress.widget.choices = congress.choices
        # Units number in the hundreds: searched, not listed (core/autocomplete.py), scoped as handling_units_for.
        self.fields["unit"] = forms.ModelChoiceField(
            label=_("责任单位"), queryset=units, widget=AutocompleteSelect("units")
        )
        if self.instance.pk is not None:
            # The congress and year place the project on a ballot: fixed once entered.
            del self.fields["congress"]
            del self.fields["year"]
        else:
            self.fields["year"].initial = timezone.localdate().year
        self.style_fields()

    def _post_clean(self):
        # The service checks the rules and says why in words.
        pass

    def project_data(self) -> dict:
        names = ("title", "description", "unit", "budget")
        return {name: self.cleaned_data.get(name) for name in names}


class BallotForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Ballot
        fields = ["congress", "year", "kind", "title", "session_name", "quorum_percent", "majority", "seats", "secret"]

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["congress"]).queryset = congresses
        if self.instance.pk is not None:
            for name in ("congress", "year", "kind"):
                del self.fields[name]
        else:
            self.fields["year"].initial = timezone.localdate().year
        self.style_fields()

    def _post_clean(self):
        pass

    def rule_data(self) -> dict:
        names = ("title", "session_name", "quorum_percent", "majority", "seats", "secret")
        data = {name: self.cleaned_data.get(name) for name in names}
        data["session_name"] = data["session_name"] or ""
        data["secret"] = bool(data["secret"])
        return data


class ProgressReportForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["date", "percent", "text", "problems"]
        widgets = {
            "date": DATE,
            "text": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.style_fields()

    def _post_clean(self):
        pass


class InspectionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["date", "participants", "findings", "advice"]
        widgets = {
            "date": DATE,
            "findings": forms.Textarea(attrs={"rows": 4}),
            "advice": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"participants": _("参加视察的代表姓名，用顿号分隔。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.style_fields()

    def _post_clean(self):
        pass


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class CompleteForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("完成日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.style_fields()


class EmptyForm(forms.Form):
    """A step with nothing to fill in (open, close)."""


class VoteForm(forms.Form):
    """The ballot paper: one radio group per project, large enough to tap on a phone."""

    def __init__(self, *args, ballot: Ballot, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = list(projects)
        for project in self.projects:
            self.fields[f"p{project.pk}"] = forms.ChoiceField(
                label=project.title,
                choices=ballot.choices,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": _("请对这个项目作出选择。")},
            )

    def rows(self):
        return [(project, self[f"p{project.pk}"]) for project in self.projects]

    def choices(self) -> dict[int, str]:
        return {project.pk: self.cleaned_data[f"p{project.pk}"] for project in self.projects}
