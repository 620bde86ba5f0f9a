import pytest
from django.apps import apps
from django.db.models.signals import post_migrate
from django_celery_beat.models import PeriodicTask

from congress import beat


@pytest.mark.django_db
def test_the_beat_schedule_is_in_the_database_for_staff_to_edit(settings):
    PeriodicTask.objects.all().delete()

    assert beat.ensure_beat_schedule(apps=apps) == len(settings.PERIODIC_TASKS)

    task = PeriodicTask.objects.get(name="suggestion-reminders")
    assert task.task == "suggestions.tasks.send_deadline_reminders"
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("8", "30", "Asia/Shanghai")
    # What staff change in the admin is kept by the next migrate.
    task.crontab = type(task.crontab).objects.create(hour="7", minute="0", timezone="Asia/Shanghai")
    task.enabled = False
    task.save()
    assert beat.ensure_beat_schedule(apps=apps) == 0
    task.refresh_from_db()
    assert (task.crontab.hour, task.enabled) == ("7", False)


@pytest.mark.django_db
def test_every_migrate_adds_the_missing_entries(settings):
    PeriodicTask.objects.filter(name="deliver-outbox").delete()
    # What ``migrate`` sends once django-celery-beat's tables are in place (without migrating in mid-suite).
    beat_app = apps.get_app_config("django_celery_beat")
    post_migrate.send(
        sender=beat_app, app_config=beat_app, verbosity=0, interactive=False, using="default", apps=apps, plan=[]
    )
    assert set(PeriodicTask.objects.values_list("name", flat=True)) == set(settings.PERIODIC_TASKS)
