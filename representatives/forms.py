from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_attachment

from .models import ActivityKind, ActivityRecord

MAX_ATTACHMENTS = 5


def style_fields(fields) -> None:
    """Give every visible widget its Bootstrap class, so templates can render fields as they are."""
    for field in fields.values():
        widget = field.widget
        if widget.is_hidden:
            continue
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class StyledFormMixin:
    def style_fields(self) -> None:
        style_fields(self.fields)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("一次最多上传 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS})
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            validate_attachment(upload)
        return cleaned


class ActivityForm(forms.ModelForm):
    attachments = MultipleFileField(
        label=_("附件"), required=False, help_text=_("PDF、图片或 Word 文件，每个不超过 10 MB，最多 5 个。")
    )
    # Filled on the phone (static/js/offline.js): the same entry sent twice is recorded once.
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ActivityRecord
        # The voters' rating is the voters' own (述职评议 by QR code), no longer typed in by the deputy.
        fields = ["kind", "date", "place", "description", "voters_attended"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"voters_attended": _("仅向选民述职时填写。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ActivityKind.choices
        style_fields(self.fields)
        self.fields["attachments"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx"

    def activity_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )
