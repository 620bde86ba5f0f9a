from celery import shared_task

from . import notices


@shared_task(name="representatives.tasks.deliver_outbox")
def deliver_outbox() -> int:
    return notices.deliver_outbox()


@shared_task(name="representatives.tasks.refresh_cached", ignore_result=True)
def refresh_cached(name: str, key: str, keep_seconds: int, kwargs: dict) -> None:
    """Computes slow figures again for ``refresh_cache`` while pages keep showing the older ones."""
    from . import refresh_cache

    refresh_cache.store(name, key, keep_seconds=keep_seconds, **kwargs)
