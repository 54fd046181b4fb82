from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from .models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind nginx the real address arrives in X-Forwarded-For (docs/operations.md sets it).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return candidate or None


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
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
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
