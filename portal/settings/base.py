"""Settings for every environment, read through django-environ.

With nothing set, the portal runs on a newcomer's laptop: SQLite and uploaded files under
``var/``, a Celery broker on the local filesystem, and the Buzz-In / OPS-COM sandboxes on
loopback. Every variable is listed with its meaning in ``.env.example``.
"""

import datetime
import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless turned on: a server started with no environment never shows a debug page.
# `make run` (portal/devrun.py) and the test settings turn it on explicitly.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "portal.core.admin_site.PortalAdminConfig",  # django.contrib.admin, with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served by the app itself, no CDN
    "portal.core",
    "contractors",
    "permits",
    "portal.integrations",
    "portal.integrations.notifications",
    "portal.api",
]

# Machine clients (API keys, signed webhooks) skip the middleware of people's pages (portal.core.lean_paths):
# no static files, sessions, signed-in user or messages there. The API's docs stay outside.
LEAN_PATH_PREFIXES = ["/api/v1/", "/webhooks/"]
MIDDLEWARE = [
    "portal.ops.metrics.RequestMetricsMiddleware",
    "portal.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.core.lean_paths.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.core.lean_paths.SessionMiddleware",
    "portal.core.session_activity.SessionActivityMiddleware",
    # The browser's language (or the switcher's cookie); a signed-in person's saved one wins below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # kept whole: cheap, and the deploy check looks for it
    "portal.core.lean_paths.AuthenticationMiddleware",
    "portal.core.language.UserLanguageMiddleware",
    "portal.core.digits.ArabicIndicDigitsMiddleware",  # a no-op unless ARABIC_INDIC_DIGITS
    "portal.core.lean_paths.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Sign-in protection ---------------------------------------------------------------------
# Five failures for one account from one address lock that pair out for 15 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front of the portal: the client address is the one the nearest of them saw. Used by
# the sign-in lockout and the API's throttles alike.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
# Sessions end after this long without a request (refreshed by SessionActivityMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers -----------------------------------------------------------------------
# No inline scripts anywhere: every script is a static file. Inline *styles* stay allowed for
# the Django admin's templates.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "worker-src": ["'self'", "blob:"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process, the worker and beat share one SQLite file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so a Celery worker process can share the test database.
    # One file per test run, so parallel runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    # Covering indexes (the service-level report's) are PostgreSQL's; SQLite builds them without the extra columns.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The API's per-key rate limit counts in this cache: use Redis when several processes serve the API.
CACHE_URL = env("CACHE_URL", default="locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English by default (the API too, unless asked otherwise with Accept-Language); Arabic for the pages, the
# admin and e-mails of whoever chooses it (portal.core.language). The catalogue is compiled by `make install`.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Arabic pages write numbers with Western digits (plates and codes use them); True: Arabic-Indic digits in
# their text, codes kept as typed (portal.core.digits).
ARABIC_INDIC_DIGITS = env.bool("ARABIC_INDIC_DIGITS", default=False)
TIME_ZONE = "Asia/Dubai"
USE_I18N = True
USE_TZ = True
# One way to write dates and times (day-month-year, 24 h), per language: portal/formats/<lang>/formats.py.
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Documents are private: they are stored under generated names and only ever served through
# views that check the user may see them, so there is deliberately no public MEDIA_URL route.
STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# A mail server that stops answering must not hold a worker: the send fails and is judged (notifications.mailer).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Permit portal <permits@localhost>")
# The name e-mails and notifications sign with.
PORTAL_NAME = env("PORTAL_NAME", default="Permit portal")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://localhost/")
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        # kombu polls the folder once a second by default: about two tasks a second per worker.
        "polling_interval": 0.1,
        "store_processed": False,
    }
    # The transport expects its folders to exist; a fresh checkout has none.
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://")):
    # RabbitMQ, the production broker (README, "Broker"): durable quorum queues, and countdowns
    # held by the broker itself (native delayed delivery, which needs a topic exchange) rather
    # than by a worker. An unacknowledged task goes back to its queue as soon as its worker's
    # connection drops: there is no visibility timeout to tune.
    CELERY_TASK_DEFAULT_QUEUE_TYPE = env("CELERY_QUEUE_TYPE", default="quorum")
    CELERY_TASK_DEFAULT_EXCHANGE_TYPE = "topic"
    # The webhook queue (portal.queues) is declared by the workers that consume it: the same kind.
    CELERY_TASK_CREATE_MISSING_QUEUE_TYPE = CELERY_TASK_DEFAULT_QUEUE_TYPE
    CELERY_TASK_CREATE_MISSING_QUEUE_EXCHANGE_TYPE = "topic"
    # The publish returns once the broker has the message (publisher confirms).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
else:
    # With acks_late a task whose worker died stays unacknowledged; Redis hands it out again
    # after this many seconds. It must exceed the longest task, or a slow task runs twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900)}
CELERY_RESULT_BACKEND = None
# Separate queues let several portals (or parallel test runs) share one broker.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Webhook processing on a queue of its own, consumed by every worker (portal.queues): under a backlog of
# deliveries, what a partner tells us is still processed at once.
CELERY_TASK_ROUTES = ("portal.queues.route_task",)
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it finished, so a worker that dies mid-task leaves it in the
# queue for another worker; every task is written to be safe to run twice (deliveries check
# their row's state first).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Take one task at a time: with late acks, prefetched tasks would wait behind a slow partner call.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes every database connection after every task: a new PostgreSQL backend for
# each delivery (about 5% of a bench worker's samples, plus the backend's start-up on the database's cores).
# Workers keep their connections as the web does (DB_CONN_MAX_AGE, health-checked): portal.ops.celery_hooks
# checks them around each task, and the fixup only recycles them every this many tasks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# The expiry sweep runs this many sweeps side by side, each with its own database connection (PostgreSQL only):
# one batch's Python work overlaps another's UPDATE (permits.services.expiry.permits_expire_due).
EXPIRY_SWEEP_CONNECTIONS = env.int("EXPIRY_SWEEP_CONNECTIONS", default=2)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker goes away keeps reconnecting until it is back, however long that takes
# (Celery gives up after 100 tries by default, and the worker then exits).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# On a lost connection a running task finishes and records its outcome; its acknowledgement is
# lost with the connection, so the broker hands it out again and the second run finds it done.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# django-celery-beat's scheduler behind a PostgreSQL advisory lock: one beat sends, any other waits.
CELERY_BEAT_SCHEDULER = "portal.ops.beat:LockedDatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Publishing to a dead broker must fail fast: the outbox row is safe in the database and the
# relay sends it later, so a web request must never hang on the broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False

# A received webhook is handed to Celery by a thread of the web process (portal.integrations.broker), not by
# the request: the answer never waits on the broker, and the relay sends whatever that thread did not.
WEBHOOK_HANDOVER_IN_BACKGROUND = env.bool("WEBHOOK_HANDOVER_IN_BACKGROUND", default=True)

# Outbox rows are handed to Celery when their transaction commits. Off in unit tests, which
# assert on the rows themselves.
OUTBOX_DISPATCH = env.bool("OUTBOX_DISPATCH", default=True)

# --- Domain events --------------------------------------------------------------------------
# Who reacts to what the domain records (``portal.core.events``): each subscriber receives the
# events of a change inside its transaction and plans its own deliveries, sent after commit.
# A third partner is one more line here.
EVENT_SUBSCRIBERS = [
    "portal.integrations.buzzin.subscriber.subscriber",
    "portal.integrations.opscom.subscriber.subscriber",
    "portal.integrations.notifications.subscriber.subscriber",  # in-app notifications and e-mails
]

# --- Partners -----------------------------------------------------------------------------
BUZZIN_API_URL = env("BUZZIN_API_URL", default="http://127.0.0.1:8101")
BUZZIN_API_KEY = env("BUZZIN_API_KEY", default="")
BUZZIN_WEBHOOK_SECRET = env("BUZZIN_WEBHOOK_SECRET", default="")
# A delivery with only X-Buzzin-Token (no HMAC headers) proves nothing about its body and never expires:
# accepted here for the sandbox and development, refused in portal.settings.production.
BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY = env.bool("BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY", default=True)
BUZZIN_TIMEOUT_SECONDS = env.float("BUZZIN_TIMEOUT_SECONDS", default=15.0)
OPSCOM_API_URL = env("OPSCOM_API_URL", default="http://127.0.0.1:8102")
OPSCOM_CLIENT_CODE = env("OPSCOM_CLIENT_CODE", default="OC-DEMO")
OPSCOM_API_TOKEN = env("OPSCOM_API_TOKEN", default="")
OPSCOM_TIMEOUT_SECONDS = env.float("OPSCOM_TIMEOUT_SECONDS", default=15.0)
SANDBOXES_ENABLED = env.bool("SANDBOXES_ENABLED", default=True)

# The retry policy (portal.integrations.delivery.policy). DELIVERY_TIME_SCALE multiplies every duration of
# it (backoff, stuck and relay horizons, the relay's interval, the partners' timeouts): 1 in production,
# 0.1 in the fault script, which so runs this very policy ten times faster.
DELIVERY_TIME_SCALE = env.float("DELIVERY_TIME_SCALE", default=1.0)
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=8)
DELIVERY_BACKOFF_BASE_SECONDS = env.float("DELIVERY_BACKOFF_BASE_SECONDS", default=5.0)
DELIVERY_BACKOFF_MAX_SECONDS = env.float("DELIVERY_BACKOFF_MAX_SECONDS", default=3600.0)
DELIVERY_WAIT_MAX_ATTEMPTS = env.int("DELIVERY_WAIT_MAX_ATTEMPTS", default=100)
DELIVERY_STUCK_SENDING_SECONDS = env.int("DELIVERY_STUCK_SENDING_SECONDS", default=600)
DELIVERY_RELAY_GRACE_SECONDS = env.int("DELIVERY_RELAY_GRACE_SECONDS", default=30)
DELIVERY_RELAY_BATCH = env.int("DELIVERY_RELAY_BATCH", default=200)

RECONCILE_RATE_PER_SECOND = env.float("RECONCILE_RATE_PER_SECOND", default=5.0)
RECONCILE_BATCH_SIZE = env.int("RECONCILE_BATCH_SIZE", default=200)
RECONCILE_MAX_SECONDS = env.int("RECONCILE_MAX_SECONDS", default=3000)
RECONCILE_DEAD_PERMIT_DAYS = env.int("RECONCILE_DEAD_PERMIT_DAYS", default=30)

DEMO_PASSWORD = env("DEMO_PASSWORD", default="")
DEMO_API_KEY = env("DEMO_API_KEY", default="")

# --- JSON API (/api/v1/) ------------------------------------------------------------------
# Requests per API key; counted in the default cache, which must be shared (Redis, database)
# when several web processes serve the API.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="600/min")
# Failed authentications (a wrong key, a malformed Authorization header) per client address; over it, every
# request of that address is answered 429 until the window ends.
API_AUTH_FAILURE_RATE = env("API_AUTH_FAILURE_RATE", default="10/min")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "portal.api.errors.api_exception_handler",
    "NUM_PROXIES": PROXY_COUNT,  # the client address of the throttles (X-Forwarded-For behind proxies)
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Permit portal API",
    "DESCRIPTION": "Work permits in Buzz-In's DAMAC integration shapes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.core.request_id.RequestIdFilter"},
        "task": {"()": "portal.ops.logs.TaskContextFilter"},
    },
    "formatters": {
        "json": {"()": "portal.core.request_id.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain"),
            "filters": ["request_id", "task"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# --- Operations (portal.ops, README "Production") -----------------------------------------------
# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>" when set (the proxy never forwards it).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Each Celery worker serves its task metrics on this port (0: off); several workers on one host need one each.
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
WORKER_METRICS_ADDR = env("WORKER_METRICS_ADDR", default="0.0.0.0")
# Error tracking: off unless SENTRY_DSN is set (no personal data is sent).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from portal.ops.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
