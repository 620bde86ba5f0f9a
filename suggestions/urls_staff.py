"""URL patterns for the office's suggestion pages (mounted under the "staff" namespace)."""

from django.urls import path

from . import views_key, views_staff

patterns = [
    path("suggestions/", views_staff.suggestions, name="suggestions"),
    path("suggestions/deadlines/", views_staff.overdue, name="suggestions_overdue"),
    path("suggestions/key/", views_key.key_suggestions, name="key_suggestions"),
    path("suggestions/<int:pk>/", views_staff.suggestion, name="suggestion"),
    # Before the steps' pattern below, which would take "acceptance" for a step's name.
    path("suggestions/<int:pk>/acceptance/", views_key.acceptance, name="suggestion_acceptance"),
    path("suggestions/<int:pk>/<slug:action>/", views_staff.suggestion_action, name="suggestion_action"),
]
