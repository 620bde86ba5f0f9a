from celery import shared_task

from . import notices


@shared_task(name="representatives.tasks.deliver_outbox")
def deliver_outbox() -> int:
    return notices.deliver_outbox()


@shared_task(name="representatives.tasks.refresh_cached", ignore_result=True)
def refresh_cached(name: str, key: str, keep_seconds: int, kwargs: dict, language: str | None = None) -> None:
    """Computes slow figures again for ``refresh_cache`` while pages keep showing the older ones."""
    from django.conf import settings
    from django.utils import translation

    from . import refresh_cache

    # In the language of the visit that asked: the key is that language's.
    with translation.override(language or settings.LANGUAGE_CODE):
        refresh_cache.store(name, key, keep_seconds=keep_seconds, **kwargs)


@shared_task(name="representatives.tasks.flush_tallies", ignore_result=True)
def flush_tallies() -> None:
    """Counts again the buckets of region figures that changes marked (``tallies``)."""
    from django.core.cache import cache

    from . import tallies

    # Cleared first: a change committed from now on queues another flush rather than relying on this one.
    cache.delete(tallies.QUEUED_KEY)
    tallies.flush(wait=True)
