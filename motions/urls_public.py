"""URL patterns for the published decisions on motions (mounted under the "public" namespace)."""

from django.urls import path

from . import views_public

patterns = [
    path("motions/", views_public.motions, name="motions"),
    path("motions/<int:pk>/", views_public.motion, name="motion"),
]
