"""Pages are grouped by who they are for: ``public`` (no account), ``me`` (a deputy's own pages),
``staff`` (office staff and leaders) and, from the suggestions app on, ``unit`` (handling-unit clerks)."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from api import urls as api_urls
from core import urls as core_urls
from evaluations import urls as evaluation_urls
from liaison_stations import urls as stations_urls
from livelihood import urls as livelihood_urls
from motions import urls as motion_urls
from representatives import urls as representatives_urls
from representatives.views import home
from suggestions import urls as suggestion_urls
from training import urls as training_urls

admin.site.site_header = admin.site.site_title = _("人大代表工作平台")

urlpatterns = [
    path("", home, name="home"),
    # Browsers and bookmarking tools ask the site root for its icon whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico"), permanent=True), name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include(representatives_urls.account_patterns + suggestion_urls.file_patterns)),
    path("accounts/security/", include("congress.security.urls")),
    path(
        "me/",
        include(
            (
                representatives_urls.deputy_patterns
                + stations_urls.deputy_patterns
                + training_urls.deputy_patterns
                + livelihood_urls.deputy_patterns
                + suggestion_urls.deputy_patterns
                + motion_urls.deputy_patterns
                + evaluation_urls.deputy_patterns,
                "me",
            )
        ),
    ),
    path(
        "staff/",
        include(
            (
                representatives_urls.staff_patterns
                + stations_urls.staff_patterns
                + training_urls.staff_patterns
                + livelihood_urls.staff_patterns
                + suggestion_urls.staff_patterns
                + motion_urls.staff_patterns
                + evaluation_urls.staff_patterns
                + core_urls.staff_patterns,
                "staff",
            )
        ),
    ),
    path(
        "unit/",
        include(
            (
                representatives_urls.unit_patterns
                + stations_urls.unit_patterns
                + livelihood_urls.unit_patterns
                + suggestion_urls.unit_patterns,
                "unit",
            )
        ),
    ),
    path(
        "",
        include(
            (
                representatives_urls.public_patterns
                + stations_urls.public_patterns
                + livelihood_urls.public_patterns
                + motion_urls.public_patterns
                + evaluation_urls.public_patterns,
                "public",
            )
        ),
    ),
    # Machine clients: the JSON API (api/v1/) and Open311 GeoReport v2 (open311/).
    path("", include(api_urls.patterns)),
]
