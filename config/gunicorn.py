"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi:application` (see
docs/operations.md). The command line may add to them (--bind, --workers, ...).

The access log goes to standard output with the secrets some URLs carry (the calendar feed's token, see
CHUXIN_SECRET_PATHS in config/settings/base.py) replaced by `[redacted]`.
"""

import gc

from gunicorn.glogging import Logger

from chuxin.core.log_filters import redact

accesslog = "-"

# Load the application once in the arbiter and fork the workers from it: the code and the translations are
# shared copy-on-write instead of loaded by each worker (see docs/operations.md, "Memory"). `--reload` does not
# work with it; `systemctl reload chuxin` (HUP) still restarts the workers with new code only when the arbiter
# is restarted too, so upgrades use `systemctl restart chuxin`.
preload_app = True


def when_ready(server):
    """The application is loaded in the arbiter: its garbage collected once, before any worker is forked."""
    gc.collect()


def pre_fork(server, worker):
    """Everything the arbiter holds (Django, the apps, the compiled templates and translations) is moved out of
    the collector's reach before each fork (`gc.freeze`): a worker's collections no longer walk those objects nor
    write to their headers, so their pages stay shared copy-on-write and a full collection in a worker costs only
    what the worker made itself."""
    gc.freeze()


class RedactingLogger(Logger):
    """gunicorn's logger, with every text of an access-log line (request line, path, referrer, headers) passed
    through chuxin.core.log_filters.redact."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


logger_class = RedactingLogger
