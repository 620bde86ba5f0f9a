"""URL patterns for the evaluations app's units pages (collected by evaluations/urls.py)."""

from django.urls import path

from . import views_units

deputy_patterns = []
staff_patterns = [
    path("units/assessment/", views_units.unit_assessment_page, name="unit_assessment"),
    path("groups/", views_units.groups_page, name="groups"),
    path("groups/<int:pk>/note/<int:year>/", views_units.group_note, name="group_note"),
]
