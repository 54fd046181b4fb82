"""Show an audit entry's recorded changes in the reader's language (the rules are in chuxin/audit/display.py)."""

from __future__ import annotations

from django import template

from chuxin.audit.display import changes_shown

register = template.Library()


@register.filter
def audit_changes(entry) -> list[tuple[str, str, str | None]]:
    """[(label, old, new)] for pairs, [(label, value, None)] for single facts such as counts."""
    return changes_shown(entry.target_type, entry.changes)
