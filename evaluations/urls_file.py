"""URL patterns for the evaluations app's file pages (collected by evaluations/urls.py)."""

from django.urls import path

from . import views_file

deputy_patterns = [
    path("file/", views_file.my_file, name="file"),
    path("file/<int:year>/", views_file.my_file, name="file_year"),
]
staff_patterns = [
    path("deputies/<int:pk>/file/<int:year>/", views_file.staff_file, name="deputy_file"),
    path("scores/", views_file.staff_scores, name="scores"),
    path("scores/<int:pk>/adjust/", views_file.score_adjust, name="score_adjust"),
]
