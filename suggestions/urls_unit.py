"""URL patterns for the handling unit's suggestion pages (mounted under the "unit" namespace)."""

from django.urls import path

from . import views_unit

patterns = [
    path("suggestions/", views_unit.suggestions, name="suggestions"),
    path("suggestions/<int:pk>/", views_unit.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/<slug:action>/", views_unit.suggestion_action, name="suggestion_action"),
]
