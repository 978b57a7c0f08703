"""Settings for Prevention Evidence Hub, driven entirely by the environment.

Three modes:

* **production** (the default): ``SECRET_KEY`` must be set, HTTPS settings are on,
  two-factor authentication is required for organisation and platform admins, and
  ``evidencehub check --deploy`` passes.
* **demo** (``EVIDENCEHUB_DEMO=1``, what ``make run`` uses): a secret key is made
  once and kept under ``var/``; two-factor authentication is offered, not forced;
  plain HTTP on localhost works.
* **debug** (``DEBUG=1``): for development only.

See ``docs/reference/settings.md`` for every variable.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from evidencehub.config.env import env_bool, env_int, env_list, env_str

# Lets generic admin/form classes be subscripted at run time (typing only).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("EVIDENCEHUB_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
DEMO = env_bool("EVIDENCEHUB_DEMO", False)
PRODUCTION = not (DEBUG or DEMO)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode refuses to start without it: "
            "set SECRET_KEY (or SECRET_KEY_FILE), or EVIDENCEHUB_DEMO=1 for a demo."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "evidencehub.apps.accounts",
    "evidencehub.apps.audit",
    "evidencehub.apps.initiatives",
    "evidencehub.apps.collect",
    "evidencehub.apps.funding",
    "evidencehub.apps.instruments",
    "evidencehub.apps.kpis",
    "evidencehub.apps.operations",
    "evidencehub.apps.disclosure",
    "evidencehub.apps.federation",
    "evidencehub.apps.privacy",
    "evidencehub.apps.reports",
    "evidencehub.apps.sharing",
    "django_tasks",
    "django_tasks_db",
]

# Background work (report PDFs, large exports) goes through django-tasks with
# the database backend, so no broker is needed: `evidencehub run` starts a
# worker beside the web server; a deployment runs `evidencehub db_worker`. The
# test suite runs tasks at once, in the calling thread.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("EVIDENCEHUB_TESTING", False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "evidencehub.api.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "evidencehub.apps.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "evidencehub.config.urls"
WSGI_APPLICATION = "evidencehub.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "evidencehub.apps.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'evidencehub.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions take the
    # write lock up front so concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHE_TABLE = "evidencehub_cache"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "axes": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed sign-ins: lock a username for 15 minutes after 5 failures. The client's
# address is not used or kept (see evidencehub.apps.accounts.throttling).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "evidencehub.apps.accounts.throttling.no_client_ip"
AXES_LOCKOUT_CALLABLE = "evidencehub.api.handlers.locked_out"
# Counts live in a database-backed cache shared by all server processes; no table
# of attempts with addresses or browser strings is kept.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "axes"
AXES_DISABLE_ACCESS_LOG = True
# axes.W006 asks to lock by address too; locking by username alone is deliberate
# (addresses are not used), and a username lock cannot be dodged by rotating
# browsers or cookies.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-factor authentication (TOTP): required for admins in production.
REQUIRE_2FA_FOR_ADMINS = env_bool("REQUIRE_2FA_FOR_ADMINS", PRODUCTION)
OTP_TOTP_ISSUER = "Prevention Evidence Hub"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "evidencehub@localhost")
# Public address of this installation, used in links sent by e-mail.
EVIDENCEHUB_BASE_URL = env_str("EVIDENCEHUB_BASE_URL", "http://127.0.0.1:8000")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("EVIDENCEHUB_TESTING", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so unauthenticated calls get 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": (
        "evidencehub.api.pagination.BoundedLimitOffsetPagination"
    ),
    "DEFAULT_PARSER_CLASSES": [
        "evidencehub.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "evidencehub.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Prevention Evidence Hub API",
    "DESCRIPTION": (
        "Organisations, memberships, initiatives, logic models, evaluation plans "
        "and the audit log. Every endpoint only returns data of organisations the "
        "caller belongs to."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Anonymous collection (see docs/reference/settings.md).
EVIDENCEHUB_COLLECT_MAX_BODY_BYTES = env_int(
    "EVIDENCEHUB_COLLECT_MAX_BODY_BYTES", 1 << 20
)
EVIDENCEHUB_COLLECT_CLIENT_REQUESTS_PER_MINUTE = env_int(
    "EVIDENCEHUB_COLLECT_CLIENT_REQUESTS_PER_MINUTE", 600
)
EVIDENCEHUB_COLLECT_KEY_EVENTS_PER_MINUTE = env_int(
    "EVIDENCEHUB_COLLECT_KEY_EVENTS_PER_MINUTE", 120_000
)
EVIDENCEHUB_COLLECT_MAX_AGE_DAYS = env_int("EVIDENCEHUB_COLLECT_MAX_AGE_DAYS", 7)
EVIDENCEHUB_COLLECT_KEY_CACHE_SECONDS = env_int(
    "EVIDENCEHUB_COLLECT_KEY_CACHE_SECONDS", 5
)
EVIDENCEHUB_COLLECT_SQLITE_SYNCHRONOUS = env_str(
    "EVIDENCEHUB_COLLECT_SQLITE_SYNCHRONOUS", "FULL"
)
# Header set by the reverse proxy with the client address (used in memory only).
EVIDENCEHUB_CLIENT_IP_HEADER = env_str("EVIDENCEHUB_CLIENT_IP_HEADER", "")
EVIDENCEHUB_KEY_ROTATION_GRACE_DAYS = env_int("EVIDENCEHUB_KEY_ROTATION_GRACE_DAYS", 7)
EVIDENCEHUB_RAW_EVENT_RETENTION_DAYS = env_int(
    "EVIDENCEHUB_RAW_EVENT_RETENTION_DAYS", 90
)
# Questionnaire responses stay linkable to user-held codes, with free text,
# this long (organisations may set their own, 90-3650 days).
EVIDENCEHUB_RESPONSE_RETENTION_DAYS = env_int(
    "EVIDENCEHUB_RESPONSE_RETENTION_DAYS", 730
)

# Public survey pages and API: answers accepted per client and minute.
EVIDENCEHUB_SURVEY_SUBMISSIONS_PER_MINUTE = env_int(
    "EVIDENCEHUB_SURVEY_SUBMISSIONS_PER_MINUTE", 30
)

# Small-cell threshold for figures that leave an organisation (never below 5:
# a lower value refuses to start rather than being raised silently).
SUPPRESSION_THRESHOLD = env_int("EVIDENCEHUB_SUPPRESSION_THRESHOLD", 10)
if not 5 <= SUPPRESSION_THRESHOLD <= 1000:
    raise ImproperlyConfigured(
        f"EVIDENCEHUB_SUPPRESSION_THRESHOLD is {SUPPRESSION_THRESHOLD}; it must be "
        "from 5 to 1000 (10 is recommended). Figures resting on fewer people would "
        "leave the organisation unprotected, so the server refuses to start."
    )
# Published counts rounded to a multiple of this (unset: no rounding).
ROUNDING_BASE: int | None = env_int("EVIDENCEHUB_ROUNDING_BASE", 0) or None
if ROUNDING_BASE is not None and not 2 <= ROUNDING_BASE <= 100:
    raise ImproperlyConfigured(
        f"EVIDENCEHUB_ROUNDING_BASE is {ROUNDING_BASE}; use a whole number from 2 "
        "to 100 (e.g. 5), or leave it unset for no rounding."
    )
# Private Ed25519 key that signs aggregate bundles (created mode 0600 on first use).
EVIDENCEHUB_BUNDLE_KEY_FILE = env_str(
    "EVIDENCEHUB_BUNDLE_KEY_FILE", str(VAR_DIR / "bundle_signing_key.pem")
)

# Differential privacy: ε each organisation may spend per calendar year.
try:
    EVIDENCEHUB_DP_EPSILON_PER_YEAR = float(
        env_str("EVIDENCEHUB_DP_EPSILON_PER_YEAR", "2.0") or "2.0"
    )
except ValueError:
    raise ImproperlyConfigured(
        "EVIDENCEHUB_DP_EPSILON_PER_YEAR must be a number, for example 2.0."
    ) from None
if not 0 < EVIDENCEHUB_DP_EPSILON_PER_YEAR <= 100:
    raise ImproperlyConfigured(
        "EVIDENCEHUB_DP_EPSILON_PER_YEAR must be greater than 0 and at most 100."
    )
