"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from . import urls_messages, urls_report_rating
from .urls_deputy import patterns as deputy_patterns
from .urls_public import patterns as public_patterns
from .urls_staff import patterns as staff_patterns
from .urls_unit import patterns as unit_patterns

deputy_patterns = deputy_patterns + urls_messages.deputy_patterns + urls_report_rating.deputy_patterns
public_patterns = public_patterns + urls_messages.public_patterns + urls_report_rating.public_patterns
staff_patterns = staff_patterns + urls_report_rating.staff_patterns

__all__ = ["deputy_patterns", "public_patterns", "staff_patterns", "unit_patterns"]
