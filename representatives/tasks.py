"""Celery's autodiscovery imports each app's ``tasks`` module; the tasks are defined next to the work they do
(so ``tallies`` queues them without importing this module back). The outbox's delivery moved to ``core.outbox``."""

from .tallies import flush_tallies

__all__ = ["flush_tallies"]
