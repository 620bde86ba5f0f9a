"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from . import urls_deputy, urls_staff

deputy_patterns = urls_deputy.patterns
staff_patterns = urls_staff.patterns
unit_patterns: list = []
public_patterns: list = []

__all__ = ["deputy_patterns", "public_patterns", "staff_patterns", "unit_patterns"]
