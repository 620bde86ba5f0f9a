"""URL patterns for a deputy's own suggestions (mounted under the "me" namespace)."""

from django.urls import path

from . import views_deputy

patterns = [
    path("suggestions/", views_deputy.suggestions, name="suggestions"),
    path("suggestions/new/", views_deputy.suggestion_new, name="suggestion_new"),
    path("suggestions/<int:pk>/", views_deputy.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/edit/", views_deputy.suggestion_edit, name="suggestion_edit"),
    path("suggestions/<int:pk>/<slug:action>/", views_deputy.suggestion_action, name="suggestion_action"),
    path("cosign/<int:pk>/<slug:answer>/", views_deputy.cosign_respond, name="cosign_respond"),
]
