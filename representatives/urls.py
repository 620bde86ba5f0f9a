"""URL patterns by audience; congress/urls.py mounts each list under its own namespace and prefix."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_bulk, views_notices, views_offline

account_patterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("attachments/activity/<int:pk>/", views.activity_attachment, name="activity_attachment"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("inbox/settings/", views_notices.notice_settings, name="notice_settings"),
]

public_patterns = [
    path("deputies/", views.public_directory, name="directory"),
    path("deputies/<uuid:public_id>/", views.public_profile, name="deputy"),
    path("deputies/<uuid:public_id>/qr.svg", views.deputy_qr, name="deputy_qr"),
    path("deputies/<uuid:public_id>/card/", views.deputy_card, name="deputy_card"),
]

deputy_patterns = [
    path("", views.my_home, name="home"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.my_activity, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    # Under me/ so that the service worker's scope covers the deputy's pages and nothing else.
    path("sw.js", views_offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", views_offline.manifest, name="manifest"),
]

unit_patterns = [
    path("", views.unit_home, name="home"),
]

staff_patterns = [
    path("", views.staff_home, name="home"),
    path("deputies/", views.staff_directory, name="directory"),
    path("deputies/<int:pk>/", views.staff_deputy, name="deputy"),
    path("activities/", views.staff_activities, name="activities"),
    path("activities/bulk/", views_bulk.activity_bulk, name="activity_bulk"),
    path("activities/<int:pk>/", views.staff_activity, name="activity"),
    path("activities/<int:pk>/confirm/", views.activity_confirm, name="activity_confirm"),
    path("activities/<int:pk>/return/", views.activity_return, name="activity_return"),
]
