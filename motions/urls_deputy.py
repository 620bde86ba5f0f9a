"""URL patterns for a deputy's own motions (mounted under the "me" namespace)."""

from django.urls import path

from . import views_deputy

patterns = [
    path("motions/", views_deputy.motions, name="motions"),
    path("motions/new/", views_deputy.motion_new, name="motion_new"),
    path("motions/<int:pk>/", views_deputy.motion, name="motion"),
    path("motions/<int:pk>/edit/", views_deputy.motion_edit, name="motion_edit"),
    path("motions/<int:pk>/<slug:action>/", views_deputy.motion_action, name="motion_action"),
    path("motion-cosign/<int:pk>/<slug:answer>/", views_deputy.motion_cosign, name="motion_cosign"),
]
