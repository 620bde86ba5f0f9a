"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from .urls_deputy import patterns as deputy_patterns
from .urls_public import patterns as public_patterns
from .urls_staff import patterns as staff_patterns

unit_patterns: list = []

__all__ = ["deputy_patterns", "public_patterns", "staff_patterns", "unit_patterns"]
