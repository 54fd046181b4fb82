"""Where an action came from, for the audit log, without handing the HTTP request to services.

`AuditContextMiddleware` (chuxin.core.middleware) sets the context of each request: the client's address (never a
value a client made up, see `client_ip`) and its user agent. The audit app reads it when a service records an
entry, so services take plain data and no request. Code that runs outside a request (the daily run, a background
job, the seed commands, a test calling a service) has no context, and its entries carry no address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class AuditContext:
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request: HttpRequest) -> AuditContext:
        # NUL cannot be stored in a PostgreSQL text column; a header is the client's to fill, so drop it.
        agent = request.META.get("HTTP_USER_AGENT", "").replace("\x00", "")[:300]
        return cls(ip=client_ip(request), user_agent=agent)


_current: ContextVar[AuditContext | None] = ContextVar("chuxin_audit_context", default=None)


def current() -> AuditContext | None:
    """The context of the request being answered, or None outside a request."""
    return _current.get()


@contextmanager
def acting_from(context: AuditContext | None) -> Iterator[None]:
    """Run the block with `context` as where its actions come from (the middleware's, for each request)."""
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, or None when it cannot be known; never a value a client made up.

    With CHUXIN_TRUSTED_PROXY_COUNT = 0 (the default) that is the socket's address (REMOTE_ADDR). Behind N proxies
    that each append the address they received the request from to X-Forwarded-For, it is the Nth entry from the
    right: the entries left of it were written by whoever sent the request and prove nothing. A value that is not
    an IP address is treated as unknown, so the audit log (an `inet` column on PostgreSQL) never stores garbage
    and a forged header can never make a write fail.
    """
    if request is None:
        return None
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return _ip(forwarded[-count])
        # Fewer entries than proxies: the request did not come through them all; only the socket is certain.
    return _ip(request.META.get("REMOTE_ADDR", ""))


def _ip(value: str) -> str | None:
    """The address in canonical form, accepting the `1.2.3.4:port` and `[::1]:port` forms some proxies write."""
    value = (value or "").strip()
    if len(value) > 64:
        return None
    candidates = [value]
    if value.startswith("[") and "]" in value:
        candidates.append(value[1:value.index("]")])
    elif value.count(":") == 1:
        candidates.append(value.split(":")[0])
    for candidate in candidates:
        try:
            # A zone (fe80::1%eth0) names an interface of the proxy, not the client; PostgreSQL's inet refuses it.
            return str(ipaddress.ip_address(candidate.split("%")[0]))
        except ValueError:
            continue
    return None
