from django.urls import path

from . import views_unit

patterns = [
    path("livelihood/", views_unit.project_list, name="livelihood_projects"),
    path("livelihood/<int:pk>/", views_unit.project_detail, name="livelihood_project"),
]
