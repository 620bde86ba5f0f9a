"""The signed-in user's notice settings page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import permissions, services
from .forms_notices import NoticePreferenceForm


@permissions.login_required
def notice_settings(request):
    form = NoticePreferenceForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.notice_preferences_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("通知方式已保存。"))
        return redirect("notice_settings")
    return render(request, "accounts/notice_settings.html", {"form": form})
