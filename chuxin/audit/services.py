from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from .models import AuditEntry


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


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    organization=None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    target_repr: str = "",
) -> AuditEntry:
    """Write one audit line. Call inside the transaction that makes the change, so both land or neither."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(str(actor) if actor else "")[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:200],
        organization=organization,
        organization_path=organization.path if organization is not None else "",
        changes=changes or {},
        ip_address=client_ip(request),
        # NUL cannot be stored in a PostgreSQL text column; a header is the client's to fill, so drop it.
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "").replace("\x00", "")[:300],
    )


def diff(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list]:
    """Field-by-field changes as {field: [old, new]} for the audit log, values kept as text (lists as lists)."""
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changes[name] = [_show(old), _show(new)]
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def _show(value: Any) -> Any:
    """A value as the log keeps it: codes and names as text, lists (a JSON field's) as lists; the log page shows
    them in the reader's language (chuxin/audit/display.py)."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return value
    return str(value)
