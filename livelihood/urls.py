"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from . import urls_deputy, urls_public, urls_staff, urls_unit

deputy_patterns = urls_deputy.patterns
staff_patterns = urls_staff.patterns
unit_patterns = urls_unit.patterns
public_patterns = urls_public.patterns

__all__ = ["deputy_patterns", "public_patterns", "staff_patterns", "unit_patterns"]
