"""Gunicorn settings for the web servers: ``gunicorn -c deploy/gunicorn.conf.py congress.wsgi``.

Every value can be changed from the environment (``GUNICORN_*``, see ``deploy/env.example``) so the same file
serves a 2-core box and a bigger web server without edits.
"""

import gc
import multiprocessing
import os
from pathlib import Path


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# The usual (2 × cores) + 1 suits I/O-bound Django views, but on a small shared box the Celery worker and
# PostgreSQL want the cores too; cap it so a 2-core machine runs 4 workers, not 5, and a huge one is not
# flooded with idle database connections (each worker keeps CONN_MAX_AGE connections open).
_cores = multiprocessing.cpu_count()
workers = _int("GUNICORN_WORKERS", min(2 * _cores, 8))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
backlog = _int("GUNICORN_BACKLOG", 256)

# Import Django once in the arbiter: workers fork with the code already loaded (faster start, shared pages).
# Database connections are opened lazily per request, so none is shared across the fork.
preload_app = True


_warmed_up = False


def pre_fork(server, worker):
    """Loads URLs, translations and templates once in the arbiter, then moves everything allocated so far out
    of the garbage collector's sight before the fork.

    Python's full collections otherwise walk the whole Django heap every few hundred requests: a 50 ms pause
    every ~10th dashboard (bench/README.md). Frozen objects are also never written by the collector, so the
    workers keep sharing those pages with the arbiter.
    """
    global _warmed_up
    if not _warmed_up:
        from congress.warmup import warm_up

        server.log.info("warm-up: %s", warm_up())
        _warmed_up = True
    gc.freeze()


# Recycle workers after a bounded number of requests, staggered so they do not all restart at once; this
# caps slow leaks (PDF rendering, spreadsheet imports) without anyone having to notice them.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Exports and score reports may take a while; anything longer belongs in Celery. nginx's proxy timeout
# should be a little above this.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Only nginx on this host talks to gunicorn; trust its X-Forwarded-* headers and nobody else's.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The heartbeat file is touched on every request loop; on a disk-backed /tmp a slow disk can make the
# arbiter think a healthy worker hung. /dev/shm is memory-backed where it exists (Linux).
# Gunicorn creates its own unlinked temp files there, so the shared directory is not a risk.
_SHM = "/dev/shm"  # noqa: S108  # nosec B108
if Path(_SHM).is_dir():
    worker_tmp_dir = _SHM

proc_name = "congress-web"

# Gunicorn 24+ opens a control socket under $HOME by default; systemd already manages the process, the
# service user has no writable home, and two instances on one host would fight over the same path.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") == ""
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

# Access and error logs go to stderr (journald under systemd) as JSON lines, in the same shape as the
# application's own logs (congress/logging.py), so one query finds a request by its X-Request-ID.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
_log_format = os.environ.get("LOG_FORMAT", "json")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "congress.logging.JsonFormatter"},
        "access_json": {"()": "congress.logging.GunicornAccessFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _log_format == "json" else "plain",
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access_json" if _log_format == "json" else "plain",
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
    "root": {"level": "INFO", "handlers": []},
}
