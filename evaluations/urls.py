"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from .urls_deputy import patterns as deputy_patterns
from .urls_staff import patterns as staff_patterns

__all__ = ["deputy_patterns", "staff_patterns"]
