"""Celery's autodiscovery imports each app's ``tasks`` module: core's tasks live next to the work they do."""

from .export_tasks import build_export, remove_old_exports
from .outbox import deliver_outbox_legacy_task
from .outbox import deliver_outbox_task as deliver_outbox
from .refresh_cache import refresh_cached

__all__ = ["build_export", "deliver_outbox", "deliver_outbox_legacy_task", "refresh_cached", "remove_old_exports"]
