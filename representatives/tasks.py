"""Celery's autodiscovery imports each app's ``tasks`` module; the tasks are defined next to the work they do
(so ``notices`` and ``tallies`` queue them without importing this module back)."""

from .notices import deliver_outbox_task as deliver_outbox
from .tallies import flush_tallies

__all__ = ["deliver_outbox", "flush_tallies"]
