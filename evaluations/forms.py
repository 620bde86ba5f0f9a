"""Forms of the evaluations pages (the deputies' files keep theirs in ``forms_file``)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.widgets import AutocompleteSelect
from representatives.models import Region
from representatives.permissions import regions_for

from . import groups as group_checks
from .models import GroupYearNote
from .selectors import report_years


class ScopeForm(forms.Form):
    """The dashboard's choice of region and year."""

    region = forms.ModelChoiceField(label=gettext_lazy("区域"), queryset=Region.objects.none(), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A province has thousands of regions: searched (core/autocomplete.py), the chosen one alone rendered.
        self.fields["region"].widget = AutocompleteSelect("regions")
        self.fields["region"].queryset = regions_for(user)
        # Only a superuser has no region of their own; everyone else always looks at some region.
        self.fields["region"].empty_label = None if user.region_id else _("全部区域")
        self.fields["year"].choices = [(year, _("%(year)s年") % {"year": year}) for year in report_years()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class GroupYearNoteForm(forms.ModelForm):
    """A representative group's own entries of its year's “五个一”, beside what the records count."""

    class Meta:
        model = GroupYearNote
        fields = group_checks.NOTE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 4, "class": "form-control"}) for name in group_checks.NOTE_FIELDS
        }
        help_texts = {
            "research_report": gettext_lazy("已确认的成员调研活动会自动计入，这里填写没有登记为履职记录的调研报告。"),
            "problem_solved": gettext_lazy("成员接待的选民意见当年已反馈的会自动计入，这里填写其他推动解决的问题。"),
            "exchange": gettext_lazy("与其他代表小组或外地人大的交流学习等。"),
        }
