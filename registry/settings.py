"""Settings for the registry, read from the environment (see `.env.example`).

`REGISTRY_ENV` picks the defaults: `production` (the default: fail closed), `development`
(what `make run` uses) or `test`. Nothing that matters for safety has a silent default in
production: no SECRET_KEY, no start.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from registry.env import env_bool, env_choice, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

REGISTRY_ENV = env_choice("REGISTRY_ENV", "production", {"production", "development", "test"})
IS_PRODUCTION = REGISTRY_ENV == "production"

DEBUG = env_bool("DEBUG", REGISTRY_ENV == "development")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production refuses to start without it; "
            "set REGISTRY_ENV=development for a local run."
        )
    SECRET_KEY = "insecure-" + REGISTRY_ENV + "-key-never-use-in-production"

# Keys of the confidential fields (cases.protection.crypto), newest first. They belong on the application
# hosts only, never on the database host or in its backups. Development and tests use a fixed,
# public key: their data is synthetic.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. Production refuses to start without the key of the "
            "confidential fields; generate one with `manage.py generate_field_key`."
        )
    import base64
    import hashlib

    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"registry-{REGISTRY_ENV}-only".encode()).digest()).decode()
    ]
else:
    from cryptography.fernet import Fernet

    for _key in FIELD_ENCRYPTION_KEYS:
        try:
            Fernet(_key.encode())
        except ValueError:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes)"
            ) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    # django.contrib.admin, with the admin site that requires a second factor (registry.admin_site)
    "registry.admin_site.RegistryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django.contrib.sitemaps",
    "cases",
    "api",
    "public",
    "registry.apps.RegistryConfig",
    # Staff logins: TOTP devices and recovery codes, the two-step login, lockout after failures.
    # After `cases`, whose templates/two_factor/ give these pages the admin's look.
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Production: static files from STATIC_ROOT (collectstatic), answered before any other
    # middleware does work for them. Development and tests use django.contrib.staticfiles.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if IS_PRODUCTION else []),
    # A view that meets an unreachable database answers 503 with Retry-After, not 500.
    "registry.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The language of the API's answers and of the staff area (public pages: their address).
    "registry.languages.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "public.middleware.ContentSecurityPolicyMiddleware",
    # API answers to a key or a session: Cache-Control no-store; every API answer varies on them.
    "api.middleware.PrivateAnswersMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"

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
                "public.languages.language_context",
            ],
        },
    },
]

WSGI_APPLICATION = "registry.wsgi.application"

# An import from the admin runs in the request (dry run, then the real run): past this many rows
# it is refused with a pointer to `manage.py import_people`, so that no page outlives the
# server's timeout (deploy/gunicorn.conf.py, 60 s). About 17 s for 10,000 rows on the benchmark
# machine (docs/scaling.md).
IMPORT_ADMIN_MAX_ROWS = env_int("IMPORT_ADMIN_MAX_ROWS", 10_000, minimum=1)

# SQLite is the embedded default so that `make run` needs nothing installed; DATABASE_URL
# (postgres://...) switches to PostgreSQL through psycopg 3.
_default_sqlite = f"sqlite:///{BASE_DIR / 'var' / 'registry.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or _default_sqlite,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        # A reused connection is checked before a request uses it, so the first request after the
        # database came back does not fail on a connection the restart broke.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
# Defence in depth (docs/security.md, "Public database role"): with DATABASE_PUBLIC_URL set, the
# public pages and the anonymous API read the same database as a role that sees only published
# rows and public columns (`manage.py create_public_reader_role`). Unset: they read "default".
_public_url = env_str("DATABASE_PUBLIC_URL")
if _public_url:
    DATABASES["public"] = dj_database_url.parse(
        _public_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0), conn_health_checks=True
    )
    _postgres = "django.db.backends.postgresql"
    if DATABASES["default"]["ENGINE"] != _postgres or DATABASES["public"]["ENGINE"] != _postgres:
        raise ImproperlyConfigured("DATABASE_PUBLIC_URL needs PostgreSQL in both DATABASE_URL and itself")
    if DATABASES["public"]["NAME"] != DATABASES["default"]["NAME"]:
        raise ImproperlyConfigured("DATABASE_PUBLIC_URL must name the same database as DATABASE_URL")
    if DATABASES["public"]["USER"] == DATABASES["default"]["USER"]:
        raise ImproperlyConfigured(
            "DATABASE_PUBLIC_URL must log in as the public reader role, not as DATABASE_URL's owner"
        )
    # Tests read the test database through it rather than create another one.
    DATABASES["public"]["TEST"] = {"MIRROR": "default"}
# Seconds a client is told to wait (Retry-After) when the database does not answer (registry.outage).
DATABASE_OUTAGE_RETRY_AFTER_SECONDS = env_int("DATABASE_OUTAGE_RETRY_AFTER_SECONDS", 30, minimum=1)
# Writes and migrations never go through "public"; reads go where the queryset says.
DATABASE_ROUTERS = ["registry.db_router.PublicReaderRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff logins (docs/security.md, "Staff accounts"). Every admin page needs a password and a TOTP
# code or a recovery code; the login lives at /admin/account/login/ (registry/urls.py).
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username or address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# registry.admin_site replaces the admin's login; two_factor need not patch it.
TWO_FACTOR_PATCH_ADMIN = False
# No "remember this browser": a seized laptop must not skip the second factor.
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
# A reset link mailed to a staff member is good for two hours, not Django's three days.
PASSWORD_RESET_TIMEOUT = 2 * 3600
# Setting up an authenticator needs an administrator's enrolment link (`manage.py enrolment_link`),
# not just the password; the link works once and for this many hours.
ENROLMENT_LINK_HOURS = env_int("ENROLMENT_LINK_HOURS", 24, minimum=1)
# Failed logins lock out a username (from any address) and an address (for any username), so
# neither rotating addresses nor rotating usernames gets more guesses.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Successful logins are not kept with their address: a seized database must not map staff.
AXES_DISABLE_ACCESS_LOG = True
# The client address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT reverse proxies in front of the
# registry append to X-Forwarded-For (cases.protection.accounts.client_ip_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "cases.protection.accounts.client_ip_address"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("be", "Беларуская"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Belarusian dates and numbers: Django ships formats for en and ru, none for be (registry/formats/).
FORMAT_MODULE_PATH = ["registry.formats"]
# The language staff write free text in (a biography, an event's description) unless they say
# otherwise on the record; translations into the other languages are kept beside it
# (docs/content-languages.md).
CONTENT_LANGUAGE = env_choice("CONTENT_LANGUAGE", "en", {code for code, _ in LANGUAGES})
TIME_ZONE = env_str("TIME_ZONE", "Europe/Minsk")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` puts every app's static files.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "static")
# The files of the whole published registry (cases.transfer.published_files): built by a worker,
# read by the web processes, so on one machine a directory both can reach; with several machines,
# a shared volume (or another storage backend in STORAGES["downloads"]).
DOWNLOADS_ROOT = Path(env_str("DOWNLOADS_ROOT") or BASE_DIR / "var" / "downloads")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Names with a hash of the content and gzip copies, so browsers may keep them for a year
    # (WhiteNoise serves them so). Needs collectstatic before the start; development and tests
    # keep Django's plain storage and need none.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    "downloads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOWNLOADS_ROOT, "base_url": None},
    },
}
# A build when the public data changed, at most once per DOWNLOADS_MIN_AGE seconds (a burst of
# edits gives one build), at once when something was taken away from the public, and at least once
# per DOWNLOADS_MAX_AGE for the changes the feed does not record. Beat asks every
# DOWNLOADS_CHECK_SECONDS.
DOWNLOADS_CHECK_SECONDS = env_int("DOWNLOADS_CHECK_SECONDS", 60, minimum=5)
DOWNLOADS_MIN_AGE = env_int("DOWNLOADS_MIN_AGE", 300, minimum=0)
DOWNLOADS_MAX_AGE = env_int("DOWNLOADS_MAX_AGE", 24 * 60 * 60, minimum=60)

# The cache of the public pages (public/cache.py). Every process must share it, or a change saved
# in one gunicorn worker or by the Celery worker leaves the others serving old pages: Redis
# (CACHE_URL) in production. Unset: each process's own memory, enough for one process (make run).
_cache_url = env_str("CACHE_URL", "")
if _cache_url:
    if not _cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CACHE_URL must be a redis://, rediss:// or unix:// URL; got {_cache_url!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "registry",
            # A Redis that does not answer fails the request in seconds, not at the proxy's timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Requests to assess a case merge while its message waits (cases.risk.queue): the mark lives in
# the cache, which the web processes and the worker must share, so only with CACHE_URL.
RISK_MERGE_QUEUED_ASSESSMENTS = env_bool("RISK_MERGE_QUEUED_ASSESSMENTS", bool(_cache_url))
# Whole answers to readers without credentials (the public list, person and home pages; the
# API's lists and change feed to anonymous callers) are kept per data version (registry.page_cache).
# Only where every process sees the version move at once: a shared cache (CACHE_URL), or the one
# process of development. A production without CACHE_URL would let one worker serve a withdrawn
# person's page after another committed the withdrawal.
ANONYMOUS_PAGE_CACHE = env_bool("ANONYMOUS_PAGE_CACHE", bool(_cache_url) or not IS_PRODUCTION)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "registry@localhost")

# Celery: with no broker the tasks run in-process (eagerly) so the embedded default needs
# no Redis; CELERY_BROKER_URL=redis://... sends them to a real worker. Even in-process, Celery
# takes a producer from the broker's pool to serialise a task's arguments as a broker would; the
# in-memory transport is therefore named with its host, since a bare "memory://" makes kombu
# warn "No hostname was supplied" on the first task although no broker is used.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Workers and beat log through LOGGING below (registry.celery connects setup_logging), never
# through handlers of Celery's own that would bypass the address filter.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# One JSON object per line (registry.log_format) for journald and log collectors, or plain text
# for a terminal; docs/operations.md lists the fields.
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if IS_PRODUCTION else "plain", {"json", "plain"})

# No visitor's address is ever logged (registry.log_filters): every handler drops addresses
# from messages and from the request a record carries. The reverse proxy's access log must be
# set without addresses too (docs/security.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_addresses": {"()": "registry.log_filters.RedactAddresses"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "registry.log_format.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_addresses"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (its console in DEBUG, mail to ADMINS) would write requests with
        # their address headers: Django logs through ours only.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # The development server's request lines: errors only, and through the filter.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # One line per task is noise at INFO; failures still show.
        "celery.app.trace": {"level": "WARNING"},
        # axes announces itself at every start; lockouts are logged at WARNING.
        "axes.apps": {"level": "WARNING"},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.RegistryAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PartnerAPIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # api/throttles.py: anonymous callers per client address (the lockout's, TRUSTED_PROXY_COUNT),
    # each key on its own count, and each key's use of a scope's endpoints on a count of its own;
    # past a rate a 429 with Retry-After. Counts in the default cache (Redis with CACHE_URL).
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.AnonymousRateThrottle",
        "api.throttles.PartnerRateThrottle",
        "api.throttles.ScopeRateThrottle",
    ],
}
# Requests per period ("60/min", "1000/hour") or "off"; read at each request (api.throttles) and
# stated in the partner guide at /api/docs/.
API_THROTTLE_ANON = env_rate("API_THROTTLE_ANON", "60/min")
API_THROTTLE_KEY = env_rate("API_THROTTLE_KEY", "600/min")
# Per key, for the endpoints of one scope, on top of API_THROTTLE_KEY: reports of detentions
# (write:submissions) and changes of webhook subscriptions (webhooks).
API_THROTTLE_SUBMISSIONS = env_rate("API_THROTTLE_SUBMISSIONS", "120/hour")
API_THROTTLE_WEBHOOKS = env_rate("API_THROTTLE_WEBHOOKS", "30/hour")
# Reports of contacts and letter counts (write:contacts): a letter-writing service reports in batches.
API_THROTTLE_CONTACTS = env_rate("API_THROTTLE_CONTACTS", "1200/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "Political-prisoner case registry API",
    # The description is the partner guide, written with the configured rates at each request for
    # the schema (api.schema.describe_for_partners, the last hook below).
    "DESCRIPTION": "",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from the app itself: no CDN sees who reads the docs.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "APPEND_COMPONENTS": {
        "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "Authorization"}}
    },
    "SECURITY": [{"ApiKey": []}, {}],
    # One name for each choice set used by several fields (`check --deploy` warns otherwise).
    "ENUM_NAME_OVERRIDES": {
        "RiskLevelEnum": "cases.choices.RiskLevel",
        "RegimeEnum": "cases.choices.Regime",
        # A charge's states keep the name "StateEnum" that partners' generated clients know.
        "StateEnum": "cases.choices.ChargeState",
        "SubmissionStateEnum": "cases.models.partners.Submission.State",
        # Every date of a fact has the same precision choices: one enum in the schema.
        "DatePrecisionEnum": "cases.choices.DatePrecision",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.tighten_ordering_parameters",
        "api.schema.describe_for_partners",
    ],
}
# Seconds a change waits before the feed serves it, so a transaction still committing with a
# lower id cannot be skipped by a partner's cursor.
CHANGE_FEED_SETTLE_SECONDS = env_int("CHANGE_FEED_SETTLE_SECONDS", 2, minimum=0)
# Pairs of people scoring at least this (0 to 1, cases.identity.duplicates) are listed for staff review.
try:
    DUPLICATE_THRESHOLD = float(env_str("DUPLICATE_THRESHOLD") or "0.85")
except ValueError:
    raise ImproperlyConfigured("DUPLICATE_THRESHOLD must be a number between 0 and 1") from None
if not 0 < DUPLICATE_THRESHOLD <= 1:
    raise ImproperlyConfigured(
        f"DUPLICATE_THRESHOLD must be above 0 and at most 1; got {DUPLICATE_THRESHOLD}"
    )
# Days after moderation that a partner submission's raw content is kept.
SUBMISSION_RETENTION_DAYS = env_int("SUBMISSION_RETENTION_DAYS", 30, minimum=1)
# Login attempts with usernames and client addresses (django-axes) are kept this long.
LOGIN_RECORD_RETENTION_DAYS = env_int("LOGIN_RECORD_RETENTION_DAYS", 14, minimum=1)
# Audit (cases.protection.audit): one actor reading more records than this within the window alerts the
# administrators by e-mail, once per window.
AUDIT_BULK_THRESHOLD = env_int("AUDIT_BULK_THRESHOLD", 500, minimum=1)
AUDIT_WINDOW_MINUTES = env_int("AUDIT_WINDOW_MINUTES", 60, minimum=1)
# The staff calendar flags this many weeks before an expected release (new charges are often
# brought just before one); 0 turns the flag off.
CALENDAR_RELEASE_WATCH_WEEKS = env_int("CALENDAR_RELEASE_WATCH_WEEKS", 8, minimum=0)

SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie (forms carry the token), so none may.
CSRF_COOKIE_HTTPONLY = True
# A staff session ends after a working day: a laptop seized the next morning holds no live session.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_HOURS", 8, minimum=1) * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The Content-Security-Policy of each class of route (public, staff, API) is set by
# public.middleware; frame-ancestors 'none' there and X_FRAME_OPTIONS here forbid framing.
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

from celery.schedules import crontab  # noqa: E402

# Periodic work (celery beat). The sweep and the retries make up for any message the broker lost.
# The heartbeat shows /health/ that beat and a worker run (registry.liveness); beat's scheduler
# notes its own ticks.
CELERY_BEAT_SCHEDULER = "registry.liveness:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "cases.tasks.task_heartbeat",
        "schedule": 20.0,
        # A heartbeat that waited longer is worthless: a restarted worker drops the backlog.
        "options": {"expires": 20},
    },
    "sweep-stale-cases": {
        "task": "cases.tasks.task_sweep_stale_cases",
        "schedule": float(env_int("RISK_SWEEP_SECONDS", 60, minimum=1)),
    },
    "retry-due-webhooks": {
        "task": "cases.tasks.task_retry_due_webhooks",
        # Also sends what a lost message left pending: it bounds how late a partner hears.
        "schedule": float(env_int("WEBHOOK_RETRY_SECONDS", 60, minimum=1)),
    },
    "email-unsent-alerts": {"task": "cases.tasks.task_email_unsent_alerts", "schedule": 300.0},
    "purge-transient-data": {"task": "cases.tasks.task_purge_transient_data", "schedule": 3600.0},
    # The files of the whole published registry (cases.transfer.published_files); each run builds
    # only what is due. Expires with its period: a backlog of checks is worth one check.
    "refresh-public-downloads": {
        "task": "cases.tasks.task_refresh_public_downloads",
        "schedule": float(DOWNLOADS_CHECK_SECONDS),
        "options": {"expires": DOWNLOADS_CHECK_SECONDS},
    },
    # Keeping in touch (issue 19): raise an alert for each silence past its threshold. Hourly,
    # so a threshold passed at midnight is seen in the morning whatever the server's time zone.
    "check-silences": {
        "task": "cases.tasks.task_check_silences",
        "schedule": float(env_int("SILENCE_CHECK_SECONDS", 3600, minimum=60)),
    },
    "nightly-full-pass": {
        "task": "cases.tasks.task_full_pass",
        "schedule": crontab(hour=env_int("FULL_PASS_HOUR", 2, minimum=0), minute=15),
    },
    "nightly-find-duplicates": {
        "task": "cases.tasks.task_find_duplicates",
        "schedule": crontab(hour=env_int("DUPLICATE_SEARCH_HOUR", 3, minimum=0), minute=30),
    },
}
# The sweep and the heartbeat have a queue of their own, which every worker consumes besides the
# default one (`-Q celery,control`, deploy/systemd/registry-worker.service): a burst of
# assessments in `celery` does not hold them back (Redis takes from the queues in turn), so the
# sweep still bounds how long a flag can wait and the heartbeat still tells /health/ the truth.
CELERY_TASK_ROUTES = {
    "cases.tasks.task_sweep_stale_cases": {"queue": "control"},
    "cases.tasks.task_heartbeat": {"queue": "control"},
}
# A broker that does not answer must not hold up a staff member's edit: fail fast, the sweep
# catches the case up.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 1}
CELERY_TASK_PUBLISH_RETRY = False

# The health endpoint (registry.health, docs/operations.md). A case still stale after this many
# seconds means the assessments are stuck (the sweep runs every RISK_SWEEP_SECONDS): "failing".
HEALTH_MAX_STALE_SECONDS = env_int("HEALTH_MAX_STALE_SECONDS", 900, minimum=1)
# A worker or beat whose last heartbeat (every 20 s, registry.liveness) is older than this many
# seconds is reported dead: "failing". Only with a broker: tasks run in-process need neither.
HEALTH_MAX_HEARTBEAT_SECONDS = env_int("HEALTH_MAX_HEARTBEAT_SECONDS", 60, minimum=40)
# More messages than this waiting in the broker's queues: "degraded" (late, but flowing).
HEALTH_MAX_QUEUE_LENGTH = env_int("HEALTH_MAX_QUEUE_LENGTH", 1000, minimum=0)
# Monitoring sends `Authorization: Bearer <HEALTH_TOKEN>` to get the numbers, not just the flags.
HEALTH_TOKEN = env_str("HEALTH_TOKEN", "")
if HEALTH_TOKEN and len(HEALTH_TOKEN) < 32:
    raise ImproperlyConfigured(
        "HEALTH_TOKEN must be at least 32 characters: "
        'python -c "import secrets; print(secrets.token_urlsafe(32))"'
    )

# The address staff use to reach the staff area, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# The staff group that is told by e-mail when a case's risk level changes.
RISK_ALERT_GROUP = env_str("RISK_ALERT_GROUP", "Risk alerts")

# Webhooks may reach private, loopback and link-local addresses (cases.protection.webhook_urls).
# Off: a subscriber cannot point the registry at its own network (SSRF), whoever registered it.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
