import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings.base")

app = Celery("congress")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="congress.celery.heartbeat")
def heartbeat() -> str:
    """Beat's liveness signal: the worker log shows this every five minutes."""
    return "ok"
