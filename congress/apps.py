from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CongressConfig(AppConfig):
    """The project itself (settings, Celery, middleware): what belongs to no domain app. It has no models."""

    name = "congress"

    def ready(self) -> None:
        from .beat import ensure_beat_schedule

        # Sent for apps with models only, so tied to django-celery-beat's, whose tables the schedule fills.
        post_migrate.connect(
            ensure_beat_schedule,
            sender=apps.get_app_config("django_celery_beat"),
            dispatch_uid="congress.ensure_beat_schedule",
        )
