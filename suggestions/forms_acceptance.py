from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms_staff import ActionForm
from .models import Supervision


class AcceptanceForm(ActionForm):
    """二次验收 of a key suggestion after the reply: when, the result, what was found (who is the user)."""

    date = forms.DateField(label=_("验收日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    result = forms.ChoiceField(label=_("验收结果"), choices=Supervision.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("验收情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("实地查看了什么、参加人员、存在的问题。"),
    )

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.setup()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("不能登记未来日期的验收。"))
        return date
