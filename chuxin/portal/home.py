"""The home page's list of warnings, drawn in Python: up to 50 organizations, each a link and its warnings.

Through the template each organization cost a reverse() and a dozen lookups (~3 ms for 50); here the link is the
detail URL's prefix and the organization's id, and every value is escaped (html.escape, as Django escapes).
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

_PK = 987654321  # stands for an organization's id in the reversed detail URL


def warning_list(warnings) -> SafeString:
    """The "Needs attention" card's entries for `warnings` (orgs.selectors.warnings_in_scope: (organization,
    [rules.Warning]) pairs); "" for none (the template says that every organization meets the rules)."""
    head, _sep, tail = (escape(part) for part in reverse("orgs:detail", args=[_PK]).partition(str(_PK)))
    parts = []
    for org, found in warnings:
        lines = "".join(
            f'<div class="small">{escape(str(w.message))}<div class="cx-rule">{escape(str(w.rule))}</div></div>'
            for w in found
        )
        parts.append(
            f'<div class="border-top py-2">\n'
            f'        <a href="{head}{int(org.pk)}{tail}" class="fw-semibold">{escape(org.name)}</a>\n'
            f"        {lines}\n"
            f"      </div>"
        )
    return mark_safe("\n      ".join(parts))  # noqa: S308  (every value escaped above)
