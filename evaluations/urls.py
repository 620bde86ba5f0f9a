"""The app's URL patterns by audience; congress/urls.py mounts each under its namespace."""

from . import urls_dashboard, urls_file, urls_units

deputy_patterns = urls_file.deputy_patterns + urls_units.deputy_patterns + urls_dashboard.deputy_patterns
staff_patterns = urls_file.staff_patterns + urls_units.staff_patterns + urls_dashboard.staff_patterns
