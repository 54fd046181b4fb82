"""The progress matrix written out in one pass: a thousand organizations x five stages are 5,000 cells, which
Django's template engine renders in about a third of a second (a template node per cell and badge); joined here
as strings, every value escaped, they take a few milliseconds. The markup is what templates/campaigns/_cell.html
would give."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .selectors import Cell, MatrixRow


def cell_html(cell: Cell, of: str) -> str:
    if not cell.required:
        return '<span class="text-muted">—</span>'
    css = "text-bg-success" if cell.complete else ("text-bg-warning" if cell.done else "text-bg-light border")
    tick = '<i class="bi bi-check-lg" aria-hidden="true"></i> ' if cell.complete else ""
    return f'<span class="badge {css}">{tick}{escape(of % {"done": cell.done, "n": cell.required})}</span>'


def table_rows(rows: Iterable[MatrixRow], *, link: bool = True) -> SafeString:
    """<tr> per organization: its name (a link to its checklist) and a cell per stage."""
    of = _("%(done)s of %(n)s")
    base = reverse("campaigns:checklist", args=[0])[:-2]  # ".../checklists/" : the id and "/" follow
    parts = []
    for row in rows:
        name = escape(row.name)
        head = f'<a href="{base}{row.pk}/">{name}</a>' if link else name
        cells = "".join(f"<td>{cell_html(c, of)}</td>" for c in row.cells)
        parts.append(f'<tr data-org="{name}"><th scope="row" class="fw-normal">{head}</th>{cells}</tr>')
    return mark_safe("".join(parts))  # noqa: S308  (every name and text escaped above)


def cards(rows: Iterable[MatrixRow]) -> SafeString:
    """The same rows as cards, for a phone."""
    of = _("%(done)s of %(n)s")
    base = reverse("campaigns:checklist", args=[0])[:-2]
    parts = []
    for row in rows:
        items = "".join(f"<li>{escape(c.stage_name)}：{cell_html(c, of)}</li>" for c in row.cells)
        parts.append(f'<li class="cx-item-card"><a class="fw-semibold" href="{base}{row.pk}/">{escape(row.name)}'
                     f'</a><ul class="list-unstyled small mb-0">{items}</ul></li>')
    return mark_safe("".join(parts))  # noqa: S308  (every name and text escaped above)
