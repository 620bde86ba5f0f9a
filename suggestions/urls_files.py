"""URL patterns for attachments and reply documents, served to whoever may see the suggestion (mounted under
"accounts/" without a namespace)."""

from django.urls import path

from . import views_files

patterns = [
    path("files/suggestions/<int:pk>/", views_files.attachment, name="suggestion_attachment"),
    path("files/replies/<int:pk>/", views_files.reply_document, name="reply_document"),
]
