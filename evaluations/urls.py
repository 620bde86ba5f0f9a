"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from django.urls import path

from . import views_awards
from .urls_deputy import patterns as deputy_patterns
from .urls_staff import patterns as staff_patterns

# The public site's page of this app: the published awards.
public_patterns = [path("awards/", views_awards.public_awards, name="awards")]

__all__ = ["deputy_patterns", "public_patterns", "staff_patterns"]
