"""The periodic tasks of the whole product, written to django-celery-beat's tables where staff edit them.

Each app's periodic task is one entry of ``settings.PERIODIC_TASKS`` (name → task and crontab). After every
``migrate`` the entries that are not in the database yet are added; a row that exists is never touched, so
what staff changed in the admin (django-celery-beat's PeriodicTask pages) survives the next migrate.
"""

from typing import Any

from celery.schedules import crontab
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.conf import settings


def ensure_beat_schedule(sender: object = None, apps: Apps | None = None, using: str = "default", **kwargs: Any) -> int:
    """``post_migrate``: put each PERIODIC_TASKS entry in the database if it is not there yet; returns the rows
    created."""
    # ``flush`` sends the signal without the migration state; the installed models are the same then.
    apps = apps or global_apps
    try:
        periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
        crontab_schedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    except LookupError:  # django_celery_beat not migrated in this run
        return 0
    tasks = periodic_task.objects.using(using)
    existing = set(tasks.filter(name__in=list(settings.PERIODIC_TASKS)).values_list("name", flat=True))
    created = 0
    for name, entry in settings.PERIODIC_TASKS.items():
        schedule = entry.get("schedule")
        if name in existing or not isinstance(schedule, crontab):
            continue
        # The fields as written in settings ("*/10"), which celery keeps only in private attributes.
        written: Any = schedule
        spec = {
            "minute": str(written._orig_minute),
            "hour": str(written._orig_hour),
            "day_of_week": str(written._orig_day_of_week),
            "day_of_month": str(written._orig_day_of_month),
            "month_of_year": str(written._orig_month_of_year),
            "timezone": settings.CELERY_TIMEZONE,
        }
        cron = crontab_schedule.objects.using(using).filter(**spec).first()
        if cron is None:
            cron = crontab_schedule.objects.using(using).create(**spec)
        tasks.create(name=name, task=entry["task"], crontab=cron, enabled=True)
        created += 1
    return created
