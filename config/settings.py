"""Settings for the claims ledger, driven by the environment.

With no environment set, the app runs in its embedded default: a SQLite file next to the code
and Celery tasks executed eagerly in-process. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to
PostgreSQL and a real broker. ``DJANGO_DEBUG=0`` is production: it refuses the development
secret key and requires ``DJANGO_ALLOWED_HOSTS``.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from error


DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"

DEBUG = env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=0 (production) needs DJANGO_SECRET_KEY set to a secret of your own; "
        "refusing to start with the development key."
    )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else ""
    ).split(",")
    if host.strip()
]
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_DEBUG=0 (production) needs DJANGO_ALLOWED_HOSTS.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ledger",
    "reviews",
    "reviews.contradictions",
    "reviews.matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_environment() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE takes SQLite's write lock when a transaction begins, so appends are
            # serialized instead of failing on a lock upgrade.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
        }
    # Connections persist for a minute; each request checks a reused one first (CONN_HEALTH_CHECKS)
    # so a connection the server dropped (a failover, a restart) is replaced, not answered 500.
    # The check asks the server only when the connection's socket says something happened
    # (config/postgresql/base.py).
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
    config["ENGINE"] = "config.postgresql"
    return config


DATABASES = {"default": database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Celery: eager in-process execution unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work (run by `celery -A config beat`). The followers' sweep catches up with events
# committed while the broker was down: each follower (the contradiction detector, the webhook
# dispatch, ...) reads on from its durable cursor. A checkpoint records the ledger's head
# (position and hash) for auditors. The retry sweep re-enqueues due webhook deliveries whose
# task message was lost.
#
# Each entry: (beat name, task, interval in seconds, single-flight lock lifetime in seconds).
# A tick expires after one interval (a tick no worker started in time is dropped: the next one
# does the same work), and a run takes its task's lock (config/celery.py), so a backlog never
# piles up redundant runs. A lock outlives the longest run; a dead worker's lock lapses.
LEDGER_CHECKPOINT_INTERVAL_SECONDS = env_int("LEDGER_CHECKPOINT_INTERVAL_SECONDS", default=3600)
# The HMAC key of the signed checkpoints file (record_checkpoint --export); auditors hold it too.
LEDGER_CHECKPOINT_KEY = os.environ.get("LEDGER_CHECKPOINT_KEY", "")
# The followers of the event log (ledger.followers): each is nudged after every commit that
# appended what it reads; the sweep sends them all, so a nudge lost to a broker outage only
# delays. A follower's message expires after one sweep interval (the next sweep sends it again).
FOLLOWERS_SWEEP_SECONDS = env_int("FOLLOWERS_SWEEP_SECONDS", default=5)
PERIODIC_TASKS: list[tuple[str, str, int, int]] = [
    ("ledger-followers-sweep", "ledger.followers_sweep", FOLLOWERS_SWEEP_SECONDS, 60),
    (
        "ledger-record-checkpoint",
        "ledger.record_checkpoint",
        LEDGER_CHECKPOINT_INTERVAL_SECONDS,
        600,
    ),
    ("webhooks-retry-due", "reviews.tasks.webhooks_retry_due", 30, 60),
]
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    name: {"task": task, "schedule": seconds, "options": {"expires": seconds}}
    for name, task, seconds, _lock_seconds in PERIODIC_TASKS
}
# The same expiry for every send of these tasks.
CELERY_TASK_ANNOTATIONS: dict[str, dict[str, Any]] = {
    task: {"expires": seconds, "single_flight_seconds": lock_seconds}
    for _name, task, seconds, lock_seconds in PERIODIC_TASKS
}

# Contradiction detection: an optional NLI model directory (model.onnx, tokenizer.json,
# config.json; see reviews/contradictions/nli.py) adds a model cue; empty (default): lexical only.
CONTRADICTIONS_NLI_MODEL_DIR = os.environ.get("CONTRADICTIONS_NLI_MODEL_DIR", "")
# Processes for a full sweep (rescan_contradictions); 0: one per core.
CONTRADICTIONS_SWEEP_WORKERS = env_int("CONTRADICTIONS_SWEEP_WORKERS", default=0)

# Optional shared cache (API throttling counts per key across processes): redis://host:6379/N.
# A cache that does not answer within CACHE_TIMEOUT_MS costs a request no more than that: the
# throttle then counts per process until the cache is back (reviews/api/throttling.py).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    _cache_timeout_seconds = env_int("CACHE_TIMEOUT_MS", default=250) / 1000
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "socket_connect_timeout": _cache_timeout_seconds,
                "socket_timeout": _cache_timeout_seconds,
            },
        }
    }

# Webhooks.
# Development may send webhooks over plain HTTP and to local addresses; production may not.
LEDGER_WEBHOOK_ALLOW_HTTP = env_bool("LEDGER_WEBHOOK_ALLOW_HTTP", default=DEBUG)
LEDGER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool(
    "LEDGER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG
)
# Sends of one organisation under way at once; its other deliveries wait their turn, so one
# organisation's slow endpoints cannot hold every worker.
LEDGER_WEBHOOK_SENDS_PER_ORGANISATION = env_int("LEDGER_WEBHOOK_SENDS_PER_ORGANISATION", default=2)

# The publisher API.
LEDGER_API_RATE = os.environ.get("LEDGER_API_RATE", "600/minute")  # per API key (or user)
LEDGER_API_PAGE_SIZE = 50
# The fact-checking organisation named as author of the ClaimReview documents the API serves.
LEDGER_CLAIMREVIEW_AUTHOR = os.environ.get("LEDGER_CLAIMREVIEW_AUTHOR", "Claims ledger")

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so an unauthenticated request gets 401 with a WWW-Authenticate challenge.
        "reviews.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["reviews.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["reviews.api.parsers.LedgerJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["reviews.api.filters.FilterBackend"],
    "EXCEPTION_HANDLER": "reviews.api.exceptions.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Claims ledger API",
    "DESCRIPTION": "Submit sources and claims, follow their review, and pull published results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1/",  # tags by resource: claims, sources, webhooks, keys
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reviews.api.schema.postprocess_string_patterns",
    ],
    "ENUM_NAME_OVERRIDES": {
        "WebhookEventTypeEnum": "reviews.models.WebhookEventType",
        "FlagStatusEnum": "reviews.api.serializers.contradictions.FLAG_STATUSES",
    },
}

# Ingestion: the largest source file accepted, in bytes.
LEDGER_MAX_SOURCE_BYTES = env_int("LEDGER_MAX_SOURCE_BYTES", default=5 * 1024 * 1024)
# The largest request body Django reads (a source as JSON, with escaping, must fit); larger
# requests answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "LEDGER_API_MAX_REQUEST_BYTES", default=2 * LEDGER_MAX_SOURCE_BYTES + 64 * 1024
)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
