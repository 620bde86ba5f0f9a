"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from .urls_deputy import patterns as deputy_patterns
from .urls_files import patterns as file_patterns
from .urls_staff import patterns as staff_patterns
from .urls_unit import patterns as unit_patterns

__all__ = ["deputy_patterns", "file_patterns", "staff_patterns", "unit_patterns"]
