"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

deputy_patterns: list = []
staff_patterns: list = []
unit_patterns: list = []
public_patterns: list = []

__all__ = ["deputy_patterns", "public_patterns", "staff_patterns", "unit_patterns"]
