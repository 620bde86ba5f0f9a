"""Forms for the handling unit's actions on its part of a suggestion.

The services check every rule again under a lock; these forms exist so that a clerk sees a mistake next to
the field it concerns, before anything is written.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import sniff_content_type, validate_attachment
from representatives.forms import style_fields

from .models import ContactLog, ReplyClass


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and not isinstance(self.fields[name].widget, forms.RadioSelect):
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


class ReassignRequestForm(BootstrapForm):
    reason = forms.CharField(
        label=_("申请调整的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明为什么这件建议不属于本单位职责，以及建议由哪个单位承办。"),
    )


class ContactForm(BootstrapForm):
    stage = forms.ChoiceField(label=_("阶段"), choices=ContactLog.Stage.choices)
    method = forms.ChoiceField(label=_("方式"), choices=ContactLog.Method.choices)
    date = forms.DateField(label=_("日期"), widget=_date_input(), initial=timezone.localdate)
    note = forms.CharField(label=_("沟通情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("不能登记未来日期的沟通。"))
        return date


class CoOpinionForm(BootstrapForm):
    text = forms.CharField(
        label=_("协办意见"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("意见提交给主办单位，由主办单位统一答复代表。"),
    )


class ReplyForm(BootstrapForm):
    reply_class = forms.ChoiceField(label=_("答复类别"), choices=ReplyClass.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("答复内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    promised_date = forms.DateField(
        label=_("承诺完成时间"),
        required=False,
        widget=_date_input(),
        help_text=_("B类答复必填；到期前须报告完成情况。"),
    )
    reason = forms.CharField(
        label=_("留作参考的原因"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("C类答复必填。"),
    )
    document = forms.FileField(
        label=_("答复函（盖章 PDF）"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        validate_attachment(document)
        # The type is read from the content: a renamed Word file is not a signed PDF.
        if sniff_content_type(document) != "application/pdf":
            raise ValidationError(_("答复函必须是 PDF 文件。"))
        return document

    def clean(self):
        cleaned = super().clean()
        reply_class = cleaned.get("reply_class")
        # A field that belongs to another class may still hold what was typed before the class changed;
        # it is dropped rather than refused, since the clerk cannot see it.
        if reply_class == ReplyClass.B:
            promised = cleaned.get("promised_date")
            if promised is None and "promised_date" not in self.errors:
                self.add_error("promised_date", _("B类答复须写明承诺完成时间。"))
            elif promised is not None and promised < timezone.localdate():
                self.add_error("promised_date", _("承诺完成时间不能早于今天。"))
        else:
            cleaned["promised_date"] = None
            self.errors.pop("promised_date", None)
        if reply_class == ReplyClass.C:
            if not cleaned.get("reason", "").strip() and "reason" not in self.errors:
                self.add_error("reason", _("C类答复须说明留作参考的原因。"))
        else:
            cleaned["reason"] = ""
            self.errors.pop("reason", None)
        return cleaned


class ReplyAheadForm(ReplyForm):
    """The lead unit's reply while a co-unit's opinion is still missing: it says why it does not wait."""

    ahead_reason = forms.CharField(
        label=_("未等协办意见先行答复的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("协办单位的意见尚未全部提交；如不再等待，须说明理由，理由记入办理过程。"),
    )


class PromiseDoneForm(BootstrapForm):
    reply = forms.TypedChoiceField(label=_("承诺事项"), coerce=int)
    note = forms.CharField(label=_("完成情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, replies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].choices = [
            (
                reply.pk,
                _("第%(round)d轮答复，承诺 %(date)s 前完成")
                % {"round": reply.assignment.round, "date": reply.promised_date.isoformat()},
            )
            for reply in replies
        ]
        if len(replies) == 1:
            self.fields["reply"].initial = replies[0].pk
