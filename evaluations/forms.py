"""Forms of the evaluations pages (the deputies' files keep theirs in ``forms_file``)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from representatives.models import Region
from representatives.permissions import regions_for

from .selectors import report_years


class ScopeForm(forms.Form):
    """The dashboard's choice of region and year."""

    region = forms.ModelChoiceField(label=gettext_lazy("区域"), queryset=Region.objects.none(), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        # Only a superuser has no region of their own; everyone else always looks at some region.
        self.fields["region"].empty_label = None if user.region_id else _("全部区域")
        self.fields["year"].choices = [(year, _("%(year)s年") % {"year": year}) for year in report_years()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
