"""Celery's autodiscovery imports each app's ``tasks`` module: core's tasks live next to the work they do."""

from .refresh_cache import refresh_cached

__all__ = ["refresh_cached"]
