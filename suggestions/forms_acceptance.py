from django import forms
from django.utils.translation import gettext_lazy as _

from .forms_staff import SuperviseForm
from .models import Supervision


class AcceptanceForm(SuperviseForm):
    """二次验收 of a key suggestion after the reply: a supervision step (when, what was found) with a result; its
    kind is always 二次验收 (who is the user)."""

    kind = None  # type: ignore[assignment]  # a field set to None is left out of the subclass
    result = forms.ChoiceField(label=_("验收结果"), choices=Supervision.Result.choices, widget=forms.RadioSelect)
    field_order = ["date", "result", "note"]
    future_date_refusal = _("不能登记未来日期的验收。")

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["date"].label = _("验收日期")
        self.fields["note"].label = _("验收情况")
        self.fields["note"].help_text = _("实地查看了什么、参加人员、存在的问题。")
