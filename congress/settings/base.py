"""Project settings, all read from the environment.

Development runs with ``DEBUG=true`` and an embedded SQLite database and filesystem Celery broker.
Production is ``DEBUG=false`` with ``SECRET_KEY`` and ``ALLOWED_HOSTS`` set; then
``manage.py check --deploy --fail-level WARNING`` passes.
"""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer checkout keeps its own settings in .env (``make run`` writes one with DEBUG=true);
# the real environment always wins over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# The embedded state (SQLite database, filesystem broker, uploads); the dev-server and bench tests point it at a
# temp folder so that their web server and worker share nothing with the checkout's own.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

# Only ever used with DEBUG on. Without DEBUG a missing key stays empty and never falls back to a known one:
# Django refuses anything that signs, and the web server refuses to start (congress/wsgi.py), while commands
# that sign nothing (makemigrations, collectstatic, compilemessages) still run on a build machine.
_DEV_SECRET_KEY = "dev-only-insecure-key-never-used-when-debug-is-off"  # noqa: S105  # nosec B105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "django_celery_beat",
    # Chinese admin names for apps that ship none (congress/third_party.py).
    "congress.third_party.AuditlogConfig",
    "congress.third_party.AxesConfig",
    "django_otp",
    "congress.third_party.TOTPConfig",
    "csp",
    # The machine clients' JSON API and its OpenAPI schema (the api app).
    "rest_framework",
    "drf_spectacular",
    "congress",
    "congress.security",
    "core",
    "representatives",
    "liaison_stations",
    "training",
    "livelihood",
    "suggestions",
    "motions",
    "evaluations",
    "api",
]

MIDDLEWARE = [
    # First, so that the request id and the duration cover every other middleware, redirects included.
    "congress.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A browser that just wrote reads its reports from the primary (congress/db_router.py).
    "congress.db_router.ReadAfterWriteMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "congress.middleware.SessionTimeoutMiddleware",
    "congress.security.middleware.StaffOTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last: it turns the lockout axes flags during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congress.urls"
WSGI_APPLICATION = "congress.wsgi.application"

# Slow figures (start page counts, dashboard) older than their freshness are recomputed by a Celery task while
# pages show the older ones (core.refresh_cache); off, they are recomputed in the request.
REFRESH_IN_BACKGROUND = env.bool("REFRESH_IN_BACKGROUND", default=True)
# Lists cache their total for a minute when counting took longer than this (core.pagination).
PAGE_COUNT_CACHE_AFTER_SECONDS = env.float("PAGE_COUNT_CACHE_AFTER_SECONDS", default=0.002)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["congress.template_urls", "congress.template_dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "representatives.context_processors.inbox",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web requests (several threads), the Celery worker and beat share one SQLite file. With the default rollback
    # journal a commit waits for every reader to finish, and a transaction that reads first and writes later
    # cannot wait for the write lock at all, in WAL mode either: SQLite answers "database is locked" at once,
    # whatever the timeout (bench/README.md, embedded setup). The write-ahead log lets readers and one writer
    # proceed together; IMMEDIATE takes the write lock when a transaction begins, where the busy timeout does
    # wait for it; synchronous=NORMAL is durable in WAL mode except for the last commits on power loss.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA busy_timeout=20000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # The dashboard's one-query aggregates have large cost estimates, so PostgreSQL's JIT compiles them: that
    # took 6 s of a 7 s page for a query that runs in 0.2 s (bench/README.md). Short web queries never gain.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = (_pg_options.get("options", "") + " -c jit=off").strip()
# Reports, dashboards and exports may read from a streaming replica; writes, read-after-write and everything else
# stay on the primary, and so do the reports while the replica is down or lagging (congress/db_router.py).
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A replica that does not answer costs a page two seconds once per check, not a hung worker.
    DATABASES["replica"].setdefault("OPTIONS", {}).update({"connect_timeout": 2, "options": "-c jit=off"})
DATABASE_ROUTERS = ["congress.db_router.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.int("REPLICA_MAX_LAG_SECONDS", default=30)
REPLICA_CHECK_SECONDS = env.int("REPLICA_CHECK_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "representatives.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions are read from the cache on every request and written through to the database, so a Redis restart
# signs nobody out; while Redis is down they are read from the database (congress.cache).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Sessions end when the browser closes, after SESSION_IDLE_TIMEOUT without a request, and in any case
# SESSION_COOKIE_AGE after the login (congress.middleware.SessionTimeoutMiddleware enforces both on the server).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): the 5th wrong password for one user name from one address locks that pair
# for AXES_COOLOFF_MINUTES; office staff unlock earlier in the admin (登录保护). Attempts live in the database,
# which every web server shares, so a lockout holds whichever server the next attempt reaches.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "representatives.auth.RegionModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "congress.security.views.lockout"
# The same proxy-aware address as the public forms' rate limit (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "congress.security.client.axes_client_ip"
AXES_VERBOSE = False
# How many reverse proxies of our own (nginx) sit in front: their X-Forwarded-For entries are believed.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Second factor: when on, office staff, leaders and superusers must confirm a TOTP code (enrolled with an
# authenticator app) before the staff pages and the admin.
STAFF_REQUIRE_OTP = env.bool("STAFF_REQUIRE_OTP", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="人大代表工作平台")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Number formats the office expects where Django's locale differs (congress/formats/zh_Hans says which).
FORMAT_MODULE_PATH = ["congress.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Downloads of more rows than this are built by a worker instead of inside the request (core/exports.py),
# into this private folder (never under MEDIA: only the requester fetches a file), and removed with their
# record after EXPORT_KEEP_HOURS.
EXPORT_ASYNC_ROWS = env.int("EXPORT_ASYNC_ROWS", default=5000)
EXPORT_ROOT = env.path("EXPORT_ROOT", default=str(VAR_DIR / "exports"))
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)

# Uploaded attachments: what a deputy may attach to an activity record.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
ROSTER_IMPORT_MAX_BYTES = env.int("ROSTER_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # A Redis outage degrades the cache (misses, dropped writes) instead of failing the pages: congress/cache.py.
    CACHES = {
        "default": {
            "BACKEND": "congress.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The page frames' fixed parts (the menus, the asset links) rendered once per process and language with
# ``{% cache … using="fragments" %}``: the same for every user, they were a fifth of a list page's template time
# (bench/README.md). They change only with the code, which restarts the process; with DEBUG on, templates are
# edited under a running server, so they are rendered every time, as Django's template loader then does.
CACHES["fragments"] = {
    "BACKEND": (
        "django.core.cache.backends.dummy.DummyCache" if DEBUG else "django.core.cache.backends.locmem.LocMemCache"
    ),
    "LOCATION": "fragments",
    "TIMEOUT": None,
}

# Celery: Redis when configured; otherwise kombu's filesystem transport, so that the worker and beat
# run for real on a bare machine with no broker installed.
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it has finished, not when a worker takes it, and a pool process that dies under
# it puts it back: the work a crash interrupts runs again, which every task allows (the reminder ledgers, the
# outbox's sent marks and scoring's replace-all make a second run harmless).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A request that queues a task while Redis is unreachable must fail in about a second, not hang: the
    # outbox rows and the beat-driven sweeps carry the work until Redis is back.
    CELERY_BROKER_CONNECTION_TIMEOUT = 1
    # A worker killed outright (SIGKILL, out of memory, power loss) leaves its task unacknowledged in Redis; a
    # live worker hands it out again this many seconds after it was taken (kombu's default is an hour). It
    # must exceed the longest task, a province's annual scoring at about a minute: a task still running when
    # it expires is started a second time. Celery's docs ask for the same value in all three places.
    CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=600)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    }
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
    CELERY_REDIS_SOCKET_TIMEOUT = 5
    CELERY_TASK_PUBLISH_RETRY_POLICY = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
else:
    CELERY_BROKER_DIR = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"
    (CELERY_BROKER_DIR / "results").mkdir(parents=True, exist_ok=True)
# The periodic tasks of every app (an app's new one is added here). congress/beat.py writes them to
# django-celery-beat's tables after migrate (only when missing) and staff edit them in the admin;
# CELERY_BEAT_SCHEDULE stays empty because beat would reset the rows it names to these values at every start and
# undo the staff's edits.
PERIODIC_TASKS = {
    "heartbeat": {"task": "congress.celery.heartbeat", "schedule": crontab(minute="*/5")},
    "deliver-outbox": {"task": "core.tasks.deliver_outbox", "schedule": crontab(minute="*/10")},
    "opinion-reminders": {
        "task": "liaison_stations.tasks.send_opinion_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "suggestion-reminders": {
        "task": "suggestions.tasks.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "remove-old-exports": {"task": "core.tasks.remove_old_exports", "schedule": crontab(minute=15)},
}
CELERY_BEAT_SCHEDULE: dict[str, object] = {}

# Reminder offsets for opinions assigned to units: days before the deadline, and how often an overdue
# item is chased again (and escalated to the office).
OPINION_REMINDER_DAYS_BEFORE = env.list("OPINION_REMINDER_DAYS_BEFORE", cast=int, default=[3])
OPINION_OVERDUE_REPEAT_DAYS = env.int("OPINION_OVERDUE_REPEAT_DAYS", default=7)
# A voter's message left with a deputy (码上找代表): working days until the deputy is reminded, and until the
# system passes it to the deputy's station for 梳理 and tells the office.
MESSAGE_REMINDER_WORKING_DAYS = env.int("MESSAGE_REMINDER_WORKING_DAYS", default=3)
MESSAGE_ESCALATION_WORKING_DAYS = env.int("MESSAGE_ESCALATION_WORKING_DAYS", default=5)

# Suggestions: the Deputies Law's reply deadlines and the office's own rules around them.
SUGGESTION_DEFAULT_MONTHS = env.int("SUGGESTION_DEFAULT_MONTHS", default=3)
SUGGESTION_COMPLEX_MONTHS = env.int("SUGGESTION_COMPLEX_MONTHS", default=6)
SUGGESTION_CO_OPINION_MONTHS = env.int("SUGGESTION_CO_OPINION_MONTHS", default=1)
SUGGESTION_REHANDLE_MONTHS = env.int("SUGGESTION_REHANDLE_MONTHS", default=1)
SUGGESTION_REASSIGN_WINDOW_DAYS = env.int("SUGGESTION_REASSIGN_WINDOW_DAYS", default=5)
SUGGESTION_MAX_ROUNDS = env.int("SUGGESTION_MAX_ROUNDS", default=2)
SUGGESTION_REMINDER_DAYS_BEFORE = env.list("SUGGESTION_REMINDER_DAYS_BEFORE", cast=int, default=[15, 3])
SUGGESTION_OVERDUE_REPEAT_DAYS = env.int("SUGGESTION_OVERDUE_REPEAT_DAYS", default=7)

# Where SMS notices go: a class with send(phone, text). The default only logs, ready for a real gateway.
SMS_BACKEND = env.str("SMS_BACKEND", default="core.outbox.LoggingSmsBackend")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@congress.local")

# The public site's own address, used in QR codes printed on cards and station posters.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# An import preview keeps the uploaded roster (ID numbers included) until it is confirmed: in Redis, with an
# expiry, when there is one (every web server sees it), else in the temp folder.
if REDIS_URL:
    IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = None
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = None


def _style_hash(style: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


# Content Security Policy: scripts only from our own static files (no inline script, no eval: htmx's eval is
# switched off in base.html). Our templates carry no inline styles; the few constant style attributes in
# admin templates (ours and django-import-export's) are allowed by hash, not by 'unsafe-inline'.
# Bootstrap, Popper and ECharts set styles through the CSSOM, which CSP does not restrict.
CSP_ALLOWED_STYLE_ATTRIBUTES = [
    "width: 100%; max-width: 40em;",  # templates/admin/evaluations/scorerun/progress_fragment.html
    "padding: 0;",  # import_export/templates/admin/import_export/export.html
    "font-weight: bold;",  # idem
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-hashes'", *map(_style_hash, CSP_ALLOWED_STYLE_ATTRIBUTES)],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Production logs are JSON lines on stderr (journald keeps them): one object per line with the request id,
# user id, path, status and duration (congress/logging.py). Development keeps readable plain lines.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "congress.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "congress.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The request middleware writes one line per request with more fields; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
    },
}

# The machine clients' API (api/): each view names its own token authentication, scope permission and client
# throttle (api/auth.py), so nothing here opens a route by default; the browsable renderer stays off (the
# documentation is the Swagger page at /api/v1/docs/, its assets vendored under static/vendor/swagger-ui/).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Congress Office API",
    "DESCRIPTION": "Versioned JSON API for other platforms and handling units' own systems; the 12345 hotline's "
    "Open311 GeoReport v2 intake lives under /open311/v2/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
# Webhook deliveries to subscribed platforms (api/tasks.py): attempts before giving up, and the first retry's
# delay in seconds (doubled at each attempt).
API_WEBHOOK_MAX_ATTEMPTS = env.int("API_WEBHOOK_MAX_ATTEMPTS", default=8)
API_WEBHOOK_BACKOFF_SECONDS = env.int("API_WEBHOOK_BACKOFF_SECONDS", default=30)
