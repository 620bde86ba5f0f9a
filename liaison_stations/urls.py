"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from . import urls_messages
from .urls_deputy import patterns as deputy_patterns
from .urls_public import patterns as public_patterns
from .urls_staff import patterns as staff_patterns
from .urls_unit import patterns as unit_patterns

deputy_patterns = deputy_patterns + urls_messages.deputy_patterns
public_patterns = public_patterns + urls_messages.public_patterns

__all__ = ["deputy_patterns", "public_patterns", "staff_patterns", "unit_patterns"]
