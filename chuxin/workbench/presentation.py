"""How work items look: the icon and label of each kind, the groups' headings, the state badge's colour."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html import escape

from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chuxin.core import registry
from chuxin.core.protocols import WorkItem

from .selectors import Group, is_overdue

# A kind's label and icon are declared by the app that gives it (registry hook `workbench_kinds`); a kind
# nobody declared still shows, with a plain icon.
DEFAULT_KIND = (_("Other"), "circle")


def kind_look(kind: str, kinds: dict | None = None) -> tuple[Promise, str]:
    """`kinds`: registry.workbench_kinds(), when the caller has it (a section's rows look it up once, not per row:
    each lookup walks every installed app)."""
    declared = (registry.workbench_kinds() if kinds is None else kinds).get(kind)
    return (declared.label, declared.icon) if declared else DEFAULT_KIND

GROUP_LABELS: dict[str, Promise] = {
    Group.OVERDUE: _("Overdue"),
    Group.THIS_WEEK: _("This week"),
    Group.LATER: _("Later"),
    Group.NO_DATE: _("No date"),
}

SOON_DAYS = 3


@dataclass(frozen=True)
class Row:
    """One line of the page, flat so the template looks each value up once."""

    title: str
    url: str
    organization: str
    due: datetime.date | None
    state: str
    icon: str
    kind_label: Promise
    badge: str  # Bootstrap colour of the state badge
    is_today: bool


# A row's markup, made in Python: a page shows up to 80 of them, and the template language's per-variable cost was
# most of the workbench's time once its items were kept (as the member filters' FastSelect, chuxin.core.forms).
# Written with f-strings and the standard library's html.escape (what Django's escape calls), as the directive
# matrix is (chuxin.directives.matrix): format_html escaped each of a row's ten values through Django's wrappers.
_NO_DATE = SafeString('<span class="text-muted">—</span>')


def _text(value) -> str:
    """A value escaped, unless it is markup already (SafeString), as format_html would."""
    return value if isinstance(value, SafeData) else escape(str(value))


def _row_html(row: Row, today_label: str) -> str:
    when = _text(today_label) if row.is_today else row.due.isoformat() if row.due else _NO_DATE
    organization = f'<div class="small text-muted">{_text(row.organization)}</div>' if row.organization else ""
    label = _text(row.kind_label)
    return (f'<li class="list-group-item d-flex gap-2 align-items-start{" bg-warning-subtle" if row.is_today else ""}">'
            f'<i class="bi bi-{_text(row.icon)} fs-5 text-muted" role="img" title="{label}" aria-label="{label}"></i>'
            f'<div class="flex-grow-1 min-w-0"><a class="fw-semibold text-break" href="{_text(row.url)}">'
            f'{_text(row.title)}</a>{organization}</div>'
            f'<div class="text-end text-nowrap small"><div>{when}</div>'
            f'<span class="badge text-bg-{_text(row.badge)}">{_text(row.state)}</span></div></li>')


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise
    rows: list[Row]
    count: int  # the whole group's, when `rows` shows only its first ones

    @property
    def more(self) -> int:
        return self.count - len(self.rows)

    @property
    def rows_html(self) -> SafeString:
        """The rows as list items, every value escaped (`_text`)."""
        today_label = gettext("Today")
        return mark_safe("\n".join(_row_html(row, today_label) for row in self.rows))  # noqa: S308 (escaped above)


def icon_of(kind: str) -> str:
    return kind_look(kind)[1]


def badge_of(item: WorkItem, today: datetime.date) -> str:
    if is_overdue(item, today):
        return "danger"
    if item.due is not None and item.due <= today + datetime.timedelta(days=SOON_DAYS):
        return "warning"
    return "secondary"


def row_of(item: WorkItem, today: datetime.date, kinds: dict | None = None) -> Row:
    label, icon = kind_look(item.kind, kinds)
    return Row(item.title, item.url, item.organization, item.due, item.state, icon, label, badge_of(item, today),
               item.due == today)


def section_of(key: str, items: list[WorkItem], today: datetime.date, *, limit: int | None = None,
               count: int | None = None) -> Section:
    """The group's rows (its first `limit` ones); `count` when `items` is already one page of a bigger group."""
    shown = items if limit is None else items[:limit]
    kinds = registry.workbench_kinds()
    return Section(key, GROUP_LABELS[key], [row_of(item, today, kinds) for item in shown],
                   len(items) if count is None else count)


def kind_summary(counts: dict[str, int]) -> list[dict]:
    """The counts on top: the known kinds always (a zero says "nothing waiting"), then any others."""
    kinds = registry.workbench_kinds()
    known = [{"kind": code, "label": k.label, "icon": k.icon, "count": counts.get(code, 0)} for code, k in kinds.items()]
    others = [{"kind": kind, "label": DEFAULT_KIND[0], "icon": DEFAULT_KIND[1], "count": count}
              for kind, count in counts.items() if kind not in kinds]
    return known + others
