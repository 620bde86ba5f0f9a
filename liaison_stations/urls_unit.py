"""URL patterns for the handling unit's opinion pages (mounted under the "unit" namespace)."""

from django.urls import path

from . import views_unit

patterns = [
    path("opinions/", views_unit.unit_opinions, name="opinions"),
    path("opinions/<int:pk>/", views_unit.unit_opinion, name="opinion"),
]
