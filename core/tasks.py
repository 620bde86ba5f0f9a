"""Celery's autodiscovery imports each app's ``tasks`` module: core's tasks live next to the work they do."""

from .export_tasks import build_export, remove_old_exports
from .refresh_cache import refresh_cached

__all__ = ["build_export", "refresh_cached", "remove_old_exports"]
