"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from .urls_deputy import patterns as deputy_patterns
from .urls_staff import patterns as staff_patterns

# The public site's pages of this app (the published awards) are added here.
public_patterns: list = []

__all__ = ["deputy_patterns", "public_patterns", "staff_patterns"]
