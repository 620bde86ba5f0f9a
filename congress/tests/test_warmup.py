"""What the gunicorn arbiter loads before it forks (congress.warmup)."""

from congress.celery import app as celery_app
from congress.warmup import warm_up


def test_the_warm_up_finalizes_celery_without_connecting():
    # A worker's first ``.delay()`` (the tally flush after a public opinion) must not build the app's task registry
    # and message builder inside that request; and nothing may connect before the fork, where it would be shared.
    # An earlier test in this process may have used the result backend (and so made its client): start without.
    vars(celery_app.backend).pop("client", None)
    warm_up()
    assert vars(celery_app)["finalized"]  # before anything below would finalize it
    assert "representatives.tasks.flush_tallies" in celery_app.tasks
    assert "send_task_message" in vars(celery_app.amqp)
    assert "client" not in vars(celery_app.backend)  # a Redis backend's pool is made on first use
