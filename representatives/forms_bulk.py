from django import forms
from django.utils.translation import gettext_lazy as _

from .services_bulk import ACTIONS


class BulkReviewForm(forms.Form):
    """What the staff activity list posts: the records ticked, or every pending record its filter matches."""

    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    scope = forms.ChoiceField(choices=[("selected", _("所选记录")), ("matching", _("符合筛选条件的全部待确认记录"))])
    id = forms.TypedMultipleChoiceField(coerce=int, required=False)
    filters = forms.CharField(required=False, max_length=2000)
    reason = forms.CharField(label=_("退回理由"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any whole number is a well-formed id; which of them the user may review is the selector's business.
        self.fields["id"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("退回必须填写理由。"))
        if cleaned.get("scope") == "selected" and not cleaned.get("id"):
            self.add_error("id", _("请先勾选要处理的记录。"))
        return cleaned
