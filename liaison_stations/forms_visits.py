"""The form of a leader's visit to a station; ``services_visits`` checks the values and who may write them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteSelect
from representatives.forms import StyledFormMixin

from .filters import LeaderChoiceField
from .models import StationVisit

VISIT_FIELDS = ("station", "date", "leader", "visitor_name", "visitor_post", "purpose", "findings", "follow_up")


class StationVisitForm(StyledFormMixin, forms.ModelForm):
    """Office staff name the visitor (a leader's account, or a name and post); a leader records their own visit,
    so their form has no visitor fields (``leaders=None``)."""

    class Meta:
        model = StationVisit
        fields = list(VISIT_FIELDS)
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "findings": _("活动中发现的问题、听取的意见建议；没有发现问题的，请写明“无”。"),
            "follow_up": _("交办、督办或其他后续跟进情况，可以以后补充。"),
        }

    def __init__(self, *args, stations, leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A province's stations number in the thousands, its leaders in the hundreds: both are searched
        # (core/autocomplete.py), among the active ones the view passes here; the chosen one alone is rendered.
        self.fields["station"].widget = AutocompleteSelect("visit_stations")
        self.fields["station"].queryset = stations
        if leaders is None:
            for name in ("leader", "visitor_name", "visitor_post"):
                del self.fields[name]
        else:
            self.fields["leader"] = LeaderChoiceField(
                label=_("领导（有账号的）"),
                queryset=leaders,
                required=False,
                empty_label=_("—— 没有账号的，请填写姓名和职务 ——"),
                widget=AutocompleteSelect("visit_leaders"),
            )
            self.fields["visitor_name"].label = _("或来访人姓名")
            self.fields["visitor_post"].help_text = _("没有账号的来访人必填，如“市人大常委会副主任”。")
        self.style_fields()

    def _post_clean(self):
        # The instance's rules (one visitor, once a day) are the service's to check: it says why in words,
        # where the model's constraints would name themselves.
        pass

    def visit_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in VISIT_FIELDS if name in self.fields}
        for name in ("visitor_name", "visitor_post", "follow_up"):
            data[name] = data.get(name) or ""
        return data
