"""A user's own choice of how notices reach them besides the in-app inbox."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.notices import mobile_number, phone_of

from .models import User


class NoticePreferenceForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notify_by_sms", "notify_by_email"]
        help_texts = {
            "notify_by_sms": _("每条通知同时发短信到您登记的手机号码。"),
            "notify_by_email": _("每条通知同时发邮件到您登记的电子邮箱。"),
        }

    def clean_notify_by_sms(self):
        wanted = self.cleaned_data["notify_by_sms"]
        if wanted and not mobile_number(phone_of(self.instance)):
            raise forms.ValidationError(_("您没有登记手机号码，无法接收短信通知；请联系人大办公室登记。"))
        return wanted

    def clean_notify_by_email(self):
        wanted = self.cleaned_data["notify_by_email"]
        if wanted and not self.instance.email:
            raise forms.ValidationError(_("您没有登记电子邮箱，无法接收邮件通知；请联系人大办公室登记。"))
        return wanted
