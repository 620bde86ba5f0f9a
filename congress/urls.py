from django.contrib import admin
from django.urls import include, path

from representatives import urls as representatives_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include(representatives_urls.account_patterns)),
    path("me/", include((representatives_urls.deputy_patterns, "me"))),
    path("staff/", include((representatives_urls.staff_patterns, "staff"))),
    path("", include((representatives_urls.public_patterns, "public"))),
]
