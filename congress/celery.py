import atexit
import logging
import os
import socket
import sys
import threading

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings.base")

app = Celery("congress")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

# One beat per site (deploy/README.md, "Scaling out"): a second beat would queue every periodic task twice.
# On Redis the running beat holds this key, renewed every BEAT_LOCK_SECONDS / 3; a beat that finds it held
# exits with BEAT_REFUSED_EXIT. A beat killed without its exit handler frees the key after BEAT_LOCK_SECONDS,
# so a restarted one (systemd's Restart=) is refused until then and starts on a later try.
BEAT_LOCK_KEY = "congress:beat-lock"
BEAT_LOCK_SECONDS = 60
BEAT_REFUSED_EXIT = 3


@app.task(name="congress.celery.heartbeat")
def heartbeat() -> str:
    """Beat's liveness signal: the worker log shows this every five minutes."""
    return "ok"


@beat_init.connect
def hold_the_beat_lock(sender: object = None, **kwargs: object) -> None:
    from django.conf import settings

    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return  # make run's filesystem broker: one machine, one beat, nothing shared to guard
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    token = f"{socket.gethostname()}:{os.getpid()}"
    try:
        acquired = client.set(BEAT_LOCK_KEY, token, nx=True, ex=BEAT_LOCK_SECONDS)
        holder = None if acquired else client.get(BEAT_LOCK_KEY)
    except redis.RedisError:
        # Redis down: this beat could not queue anything either; it retries its broker like before.
        logger.warning("beat lock: Redis unreachable, starting without the lock")
        return
    if not acquired:
        held_by = holder.decode() if isinstance(holder, bytes) else str(holder or "?")
        message = f"beat refused: another beat holds {BEAT_LOCK_KEY} ({held_by}); one per site"
        logger.error(message)
        print(message, file=sys.stderr, flush=True)
        os._exit(BEAT_REFUSED_EXIT)  # before the scheduler starts: nothing of this beat was queued

    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(BEAT_LOCK_SECONDS / 3):
            try:
                if client.get(BEAT_LOCK_KEY) == token.encode():
                    client.expire(BEAT_LOCK_KEY, BEAT_LOCK_SECONDS)
                else:
                    # Lost (Redis restarted empty, or an expiry during a long pause): take it back if free.
                    client.set(BEAT_LOCK_KEY, token, nx=True, ex=BEAT_LOCK_SECONDS)
            except redis.RedisError:
                continue

    def release() -> None:
        stop.set()
        try:
            if client.get(BEAT_LOCK_KEY) == token.encode():
                client.delete(BEAT_LOCK_KEY)
        except redis.RedisError:
            pass

    threading.Thread(target=renew, name="beat-lock", daemon=True).start()
    atexit.register(release)
