"""The embedded default for developers (`make dev`): SQLite, no other server, debug on.

`make run` serves the same demo as users would see it: config.settings.demo, built on this one with debug off.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="chuxin-local-development-key-not-for-production-use")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# The embedded database and uploads live in ./var, made on first use.
VAR_DIR.mkdir(exist_ok=True)  # noqa: F405

# `make dev` serves static files straight from the app folders; collectstatic is for the demo and production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
