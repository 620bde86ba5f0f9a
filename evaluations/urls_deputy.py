"""URL patterns for a deputy's own file (mounted under the "me" namespace)."""

from django.urls import path

from . import views_file, views_term

patterns = [
    path("file/", views_file.my_file, name="file"),
    path("file/<int:year>/", views_file.my_file, name="file_year"),
    path("term/", views_term.my_term_report, name="term_report"),
    path("term/<int:congress>/", views_term.my_term_report, name="term_report_congress"),
]
