"""The demo for `make run`: the embedded default as users would see it, debug off.

Same database and key as `make dev` (config.settings.local): SQLite in ./var, so the two commands share one demo
whose citizen ID numbers stay readable (their encryption key derives from SECRET_KEY). What differs is what a user
would notice: no Django debug pages (a 404 is the product's own page) and static files served by WhiteNoise from
`collectstatic`'s hashed, compressed copies in ./staticfiles, as in production.

The secret key is the public development key: this runs on your own machine only, never exposed beyond it.
"""

from .local import *  # noqa: F403
from .local import BASE_DIR, env

DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
