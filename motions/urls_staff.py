"""URL patterns for the office's motion pages (mounted under the "staff" namespace)."""

from django.urls import path

from . import views_staff

patterns = [
    path("motions/", views_staff.motions, name="motions"),
    path("motions/rules/", views_staff.motion_rules, name="motion_rules"),
    path("motions/<int:pk>/", views_staff.motion, name="motion"),
    path("motions/<int:pk>/<slug:action>/", views_staff.motion_action, name="motion_action"),
]
