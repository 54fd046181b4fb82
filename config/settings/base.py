"""Settings shared by every environment.

Everything that differs between machines comes from environment variables (django-environ).
The embedded default needs nothing installed: SQLite in ./var, an in-process cache.
PostgreSQL and Redis are switched on by DATABASE_URL and REDIS_URL.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"



class Env(environ.Env):
    """django-environ, but a malformed number names its variable instead of a bare ValueError."""

    def int(self, var, default=environ.Env.NOTSET):
        try:
            return super().int(var, default=default)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{var} must be a whole number, not {self.str(var)!r}") from exc


env = Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "chuxin.core",
    "chuxin.accounts",
    "chuxin.audit",
    "chuxin.orgs",
    "chuxin.members",
    "chuxin.records",
    "chuxin.notifications",
    "chuxin.responsibilities",
    "chuxin.plans",
    "chuxin.directives",
    "chuxin.reports",
    "chuxin.meetings",
    "chuxin.recruitment",
    "chuxin.transfers",
    "chuxin.evaluation",
    "chuxin.dues",
    "chuxin.learning",
    "chuxin.quizzes",
    "chuxin.campaigns",
    "chuxin.activities",
    "chuxin.notices",
    "chuxin.site",
    "chuxin.joint",
    "chuxin.workbench",
    "chuxin.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chuxin.core.middleware.SecurityHeadersMiddleware",  # after WhiteNoise: static files keep their cache headers
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "chuxin.core.middleware.StripNulMiddleware",
    "chuxin.core.middleware.AuditContextMiddleware",  # where each request comes from, for the audit log
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chuxin.core.middleware.OwnWorkMiddleware",  # after authentication: a person's own write renews their count
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "chuxin.core.middleware.HtmxMessagesMiddleware",  # after htmx and messages: an htmx answer carries its messages
    "chuxin.accounts.middleware.ForcePasswordChangeMiddleware",
    "chuxin.accounts.middleware.HtmxLoginRedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chuxin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chuxin.portal.context_processors.navigation",
                "chuxin.portal.context_processors.browser",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'chuxin.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; IMMEDIATE avoids "database is locked"
    # on concurrent writers upgrading their transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The statements chuxin.core.db runs on a server-binding cursor (the workbench's probe) are prepared after
    # this many runs on a connection and planned once; Django's own queries are bound on the client and never
    # prepared. DATABASE_PREPARED_STATEMENTS=0 turns it off (a pooler that cannot keep prepared statements).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env.bool("DATABASE_PREPARED_STATEMENTS", default=True) else None)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "chuxin.core.cache.RedisCache",  # one client per pool, not per operation
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chuxin",
        }
    }
    # Sessions are read from Redis and written through to the database (durable across a Redis restart): every
    # request's session query leaves PostgreSQL (docs/scaling.md).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs (reminders, notification emails) through Django's tasks framework (the django-tasks backport).
# Embedded default: the database backend, run by `manage.py db_worker` (`make run` starts it). With Redis: RQ,
# run by `manage.py rqworker --job-class django_tasks_rq.Job default`.
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": env.int("CHUXIN_TASK_TIMEOUT", default=600)}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["chuxin.accounts.backends.UsernameOrPhoneBackend"]
LOGIN_URL = "accounts:login"
# After login: the workbench when work is waiting, else the home page (chuxin/workbench/views.py landing_view).
LOGIN_REDIRECT_URL = "workbench:landing"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "chuxin.accounts.hashers.ChuxinArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The login throttle (chuxin.accounts.services.login_attempt). Failures are counted per (account, address) pair and
# per address; after LOGIN_MAX_FAILURES from one pair, or LOGIN_MAX_FAILURES_PER_ADDRESS from one address (0: no
# limit per address), attempts from there are refused for LOGIN_LOCKOUT_MINUTES, doubled for each further failure
# up to LOGIN_DELAY_MAX_MINUTES. No account is ever locked for everyone.
LOGIN_MAX_FAILURES = env.int("CHUXIN_LOGIN_MAX_FAILURES", default=5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("CHUXIN_LOGIN_MAX_FAILURES_PER_ADDRESS", default=30)
LOGIN_LOCKOUT_MINUTES = env.int("CHUXIN_LOGIN_LOCKOUT_MINUTES", default=15)
LOGIN_DELAY_MAX_MINUTES = env.int("CHUXIN_LOGIN_DELAY_MAX_MINUTES", default=24 * 60)

SESSION_COOKIE_AGE = env.int("CHUXIN_SESSION_SECONDS", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "chuxin" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Uploads: the import refuses files over this size with a message in the user's language.
CHUXIN_IMPORT_MAX_BYTES = env.int("CHUXIN_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
CHUXIN_IMPORT_MAX_ROWS = env.int("CHUXIN_IMPORT_MAX_ROWS", default=20000)
# A file with more rows than this is imported by the background worker, its page showing the progress.
CHUXIN_IMPORT_BACKGROUND_ROWS = env.int("CHUXIN_IMPORT_BACKGROUND_ROWS", default=2000)
# Reading and checking a file stops with a message after this many seconds: in a request, and in the worker.
CHUXIN_IMPORT_MAX_SECONDS = env.int("CHUXIN_IMPORT_MAX_SECONDS", default=60)
CHUXIN_IMPORT_JOB_MAX_SECONDS = env.int("CHUXIN_IMPORT_JOB_MAX_SECONDS", default=500)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Key for personal data encrypted at rest (citizen ID numbers). Defaults to one derived from SECRET_KEY; production
# requires one of its own (production.py), so neither a leaked nor a rotated SECRET_KEY touches the numbers.
FIELD_ENCRYPTION_KEY = env("CHUXIN_FIELD_ENCRYPTION_KEY", default="")

# Production settings say so here, for what must never run there (seed_demo).
CHUXIN_PRODUCTION = False

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="chuxin@localhost")
# Notifications also go out by email (to accounts with an address) when this is on; the in-app centre always.
CHUXIN_NOTIFY_BY_EMAIL = env.bool("CHUXIN_NOTIFY_BY_EMAIL", default=False)
# The address people reach the platform at, for links in emails (e.g. https://dangjian.example.cn).
CHUXIN_SITE_URL = env("CHUXIN_SITE_URL", default="http://127.0.0.1:8000")
# Group robots (chuxin.notices): a webhook must be on its platform's documented host; these hosts ("host" or
# "host:port") are accepted as well, for an intranet gateway or a test's local endpoint. Seconds to wait for an answer.
CHUXIN_ROBOT_EXTRA_HOSTS = env.list("CHUXIN_ROBOT_EXTRA_HOSTS", default=[])
CHUXIN_ROBOT_TIMEOUT = env.int("CHUXIN_ROBOT_TIMEOUT", default=5)

# How many reverse proxies (nginx, a load balancer) stand between the clients and the application, each appending
# the address it received the request from to X-Forwarded-For. 0: no proxy is trusted and the client address is
# the socket's (REMOTE_ADDR). N: the Nth address from the right of X-Forwarded-For. Used by the audit log and the
# login throttle (chuxin.audit.services.client_ip); behind the documented nginx set it to 1.
TRUSTED_PROXY_COUNT = env.int("CHUXIN_TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("CHUXIN_TRUSTED_PROXY_COUNT must be 0 or more")

# Forms anyone may submit without logging in (chuxin.core.public_forms): a submit sooner than this many seconds
# after the form was shown is refused as a bot's.
PUBLIC_FORM_MIN_SECONDS = env.int("CHUXIN_PUBLIC_FORM_MIN_SECONDS", default=3)

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Every answer (chuxin.core.middleware.SecurityHeadersMiddleware): everything comes from the platform itself, no
# inline script or style (behaviour is in chuxin/static/chuxin/chuxin.js, htmx is told not to inject styles or
# evaluate code); `data:` images are Bootstrap's own icons in its stylesheet.
CHUXIN_CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# No page needs a device or a powerful feature; none may be used, by us or by anything injected.
CHUXIN_PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid",
    "idle-detection", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
    "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
))
# URL paths that carry a secret (the group): redacted in the logs (chuxin.core.log_filters, config/gunicorn.py).
CHUXIN_SECRET_PATHS = [r"/workbench/feed/([^/?#\s\"]+)\.ics"]

CHUXIN_SITE_NAME = _("Chuxin")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "chuxin.core.log_filters.RedactSecretPaths"}},
    "formatters": {
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        # The development server's access log, as Django's default but with secret paths redacted.
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["redact"]},
    },
    "loggers": {"django.server": {"handlers": ["server"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}


def require_secret_key(value: str) -> str:
    if not value or len(value) < 32:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random string of at least 32 characters"
        )
    return value


def require_field_key(value: str, secret_key: str) -> str:
    """The citizen ID key must be set, long, and not the secret key: a leaked SECRET_KEY (it signs every cookie and
    is the likelier to leak) must not decrypt the numbers."""
    if not value or len(value) < 32:
        raise ImproperlyConfigured(
            "CHUXIN_FIELD_ENCRYPTION_KEY must be set to a random string of at least 32 characters, kept apart from "
            "DJANGO_SECRET_KEY (see docs/operations.md, The encryption key)"
        )
    if value == secret_key:
        raise ImproperlyConfigured(
            "CHUXIN_FIELD_ENCRYPTION_KEY must differ from DJANGO_SECRET_KEY (see docs/operations.md, The encryption key)"
        )
    return value
