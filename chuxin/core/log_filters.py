"""Secrets that travel in a URL path (the calendar feed's token: calendar apps cannot log in or send a header)
kept out of the logs. The patterns are settings (CHUXIN_SECRET_PATHS); each match's secret part, the first
group, becomes `[redacted]`."""

from __future__ import annotations

import logging
import re
from functools import cache

from django.conf import settings

REDACTED = "[redacted]"


@cache
def _patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in getattr(settings, "CHUXIN_SECRET_PATHS", ()))


def redact(text: str) -> str:
    for pattern in _patterns():
        text = pattern.sub(lambda m: m.group(0).replace(m.group(1), REDACTED), text)
    return text


class RedactSecretPaths(logging.Filter):
    """A logging filter: the message, once formatted, with every secret path part replaced. Django's request
    log ("Not Found: /workbench/feed/….ics") and the development server's access log pass through it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
