"""URL patterns for a deputy's own file (mounted under the "me" namespace)."""

from django.urls import path

from . import views_file

patterns = [
    path("file/", views_file.my_file, name="file"),
    path("file/<int:year>/", views_file.my_file, name="file_year"),
]
