"""URL patterns by audience; congress/urls.py mounts each under its namespace."""

from django.urls import path

from . import views_deputy, views_files, views_key, views_staff, views_unit

deputy_patterns = [
    path("suggestions/", views_deputy.suggestions, name="suggestions"),
    path("suggestions/new/", views_deputy.suggestion_new, name="suggestion_new"),
    path("suggestions/<int:pk>/", views_deputy.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/edit/", views_deputy.suggestion_edit, name="suggestion_edit"),
    path("suggestions/<int:pk>/<slug:action>/", views_deputy.suggestion_action, name="suggestion_action"),
    path("cosign/<int:pk>/<slug:answer>/", views_deputy.cosign_respond, name="cosign_respond"),
]

staff_patterns = [
    path("suggestions/", views_staff.suggestions, name="suggestions"),
    path("suggestions/deadlines/", views_staff.overdue, name="suggestions_overdue"),
    path("suggestions/key/", views_key.key_suggestions, name="key_suggestions"),
    path("suggestions/<int:pk>/", views_staff.suggestion, name="suggestion"),
    # Before the steps' pattern below, which would take "acceptance" for a step's name.
    path("suggestions/<int:pk>/acceptance/", views_key.acceptance, name="suggestion_acceptance"),
    path("suggestions/<int:pk>/<slug:action>/", views_staff.suggestion_action, name="suggestion_action"),
]

unit_patterns = [
    path("suggestions/", views_unit.suggestions, name="suggestions"),
    path("suggestions/<int:pk>/", views_unit.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/<slug:action>/", views_unit.suggestion_action, name="suggestion_action"),
]

file_patterns = [
    path("files/suggestions/<int:pk>/", views_files.attachment, name="suggestion_attachment"),
    path("files/replies/<int:pk>/", views_files.reply_document, name="reply_document"),
]
