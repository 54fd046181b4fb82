"""Settings for the test suite. DATABASE_URL / REDIS_URL switch it to PostgreSQL and Redis in CI."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "chuxin-test-key-0123456789abcdef0123456789abcdef"
ALLOWED_HOSTS = ["*"]
# Argon2 is deliberately slow; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files through the finders; there is no collected folder to index.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Tests and browsers fill public forms faster than a person; the tests of that check set it themselves.
PUBLIC_FORM_MIN_SECONDS = 0
# Background tasks run inline, so a test sees their effect at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A throwaway app that only the tests install: a new record kind and consumer, declared in its own hooks alone.
INSTALLED_APPS = [*INSTALLED_APPS, "chuxin.records.tests.probe"]  # noqa: F405

# Under xdist each worker has its own database; on Redis it gets its own cache database too (db 1, 2, ...): the
# suite clears the cache before every test (FLUSHDB), and cached values are keyed by ids every worker reuses.
if REDIS_URL:  # noqa: F405
    import os
    import re

    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    _db = 1 + int(re.sub(r"\D", "", _worker) or 0) % 15
    CACHES["default"]["LOCATION"] = re.sub(r"(/\d+)?$", f"/{_db}", REDIS_URL.rstrip("/"), count=1)  # noqa: F405
    # The query counts the tests assert include the session's read, on SQLite and on PostgreSQL with Redis alike
    # (production with Redis reads sessions from it: config/settings/base.py).
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Group robots: the contract tests' local endpoints stand in for WeCom, DingTalk and Feishu; a robot that does not
# answer is given up on quickly.
CHUXIN_ROBOT_EXTRA_HOSTS = ["127.0.0.1"]
CHUXIN_ROBOT_TIMEOUT = 1

# Every gathering of a plain member's workbench checks each app's probe against the app itself
# (chuxin.workbench.selectors._to_ask): a probe that misses work fails the test that gathered.
CHUXIN_CHECK_WORKBENCH_PROBES = True
# Every app's items the workbench reads from what it kept are checked against the app asked afresh: a write that
# reaches an app's work without moving its version fails the test where it shows (chuxin.core.versions).
CHUXIN_CHECK_WORKBENCH_KEPT = True
