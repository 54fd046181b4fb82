"""The facts a report starts from, gathered once from the apps that record the work (collect once).

Each source app may expose `period_facts(organization, start, end) -> dict` in its selectors module. A source
that is not there (not installed, not written yet) is skipped: a report never fails because of it. The snapshot
is stored on the report, so the facts panel shows what the author saw when they started writing.

The keys each source returns are named in `_labels` (counts, each with the key of its list of titles); keys
not named there are still shown in the panel, by their name.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from html import escape
from typing import Any

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SOURCES = (
    ("plans", "chuxin.plans.selectors"),
    ("directives", "chuxin.directives.selectors"),
    ("responsibilities", "chuxin.responsibilities.selectors"),
)


def gather(organization, start: datetime.date, end: datetime.date) -> dict[str, dict]:
    facts: dict[str, dict] = {}
    for name, module_name in SOURCES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        function = getattr(module, "period_facts", None)
        if not callable(function):
            continue
        try:
            result = function(organization, start, end)
        except Exception:  # one source's bug must not stop the author from writing
            logger.exception("period_facts of %s failed", module_name)
            continue
        if isinstance(result, dict):
            facts[name] = _jsonable(result)
    return facts


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _title(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("title") or value.get("text") or "")
    return str(value)


def _items(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [t for t in (_title(v) for v in value) if t]


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, list):
        return len(value)
    return None


def _labels() -> dict[str, dict[str, tuple[str, str | None]]]:
    """source -> count key -> (label, key of its list of titles). Keys not here are shown by their name."""
    return {
        "plans": {
            "tasks_done": (_("Tasks completed"), "tasks_done_titles"),
            "tasks_overdue": (_("Tasks overdue"), "tasks_overdue_titles"),
        },
        "directives": {
            "received": (_("Directives received"), "items"),
            "completed_on_time": (_("Completed on time"), None),
            "completed_late": (_("Completed late"), None),
            "open": (_("Still open"), None),
            "open_overdue": (_("Open past their due date"), None),
        },
        "responsibilities": {
            "responsibility_items_done": (_("Responsibility items completed"), "responsibility_items"),
        },
    }


HIDDEN = {"directives"}  # the directives source's count of distinct directives: "received" says it better


def _join(titles: list[str], limit: int = 10) -> str:
    shown = _(", ").join(titles[:limit])
    return shown + (_(" etc.") if len(titles) > limit else "")


def _n(data: dict, key: str) -> int:
    return _count(data.get(key)) or 0


def summary_lines(facts: dict[str, dict]) -> list[str]:
    """Short factual sentences for the first section, e.g. "本期完成任务 3 项：a、b、c；逾期 1 项：d"."""
    lines = []
    plans = facts.get("plans") or {}
    if "tasks_done" in plans:
        line = _("%(n)s tasks completed this period") % {"n": _n(plans, "tasks_done")}
        if _items(plans.get("tasks_done_titles")):
            line += _(": ") + _join(_items(plans["tasks_done_titles"]))
        lines.append(line)
    if "tasks_overdue" in plans:
        line = _("%(n)s tasks overdue") % {"n": _n(plans, "tasks_overdue")}
        if _items(plans.get("tasks_overdue_titles")):
            line += _(": ") + _join(_items(plans["tasks_overdue_titles"]))
        lines.append(line)
    directives = facts.get("directives") or {}
    if "received" in directives:
        done = _n(directives, "completed_on_time") + _n(directives, "completed_late")
        lines.append(_("%(received)s directives from above received, %(done)s completed (%(on_time)s on time), "
                       "%(open)s still open") % {
            "received": _n(directives, "received"), "done": done,
            "on_time": _n(directives, "completed_on_time"), "open": _n(directives, "open"),
        })
    duties = facts.get("responsibilities") or {}
    if "responsibility_items_done" in duties:
        line = _("%(n)s responsibility items completed") % {"n": _n(duties, "responsibility_items_done")}
        if _items(duties.get("responsibility_items")):
            line += _(": ") + _join(_items(duties["responsibility_items"]))
        lines.append(line)
    return lines


def summary_html(facts: dict[str, dict]) -> str:
    lines = summary_lines(facts)
    if not lines:
        return ""
    return "<p>" + _("; ").join(escape(line) for line in lines) + _(".") + "</p>"


def panel(facts: dict[str, dict]) -> list[dict]:
    """The facts as [{"source", "rows": [{"label", "count", "items"}]}] for the read-only panel."""
    names = {
        "plans": _("Annual plan tasks"),
        "directives": _("Directives from above"),
        "responsibilities": _("Responsibility list"),
    }
    known = _labels()
    # In a fixed order, not the stored one: PostgreSQL's jsonb keeps keys sorted by length, not as written.
    sources = [name for name, _module in SOURCES]
    result = []
    for source in sorted(facts, key=lambda s: (sources.index(s) if s in sources else len(sources), s)):
        data = facts[source]
        if not isinstance(data, dict):
            continue
        labels = known.get(source, {})
        list_keys = {k for _label, k in labels.values() if k}
        rows = []
        for key in [k for k in labels if k in data] + sorted(k for k in data if k not in labels):
            value = data[key]
            if key in list_keys or key in HIDDEN or isinstance(value, dict):
                continue
            label, list_key = labels.get(key, (key.replace("_", " "), None))
            items = _items(data.get(list_key)) if list_key else (_items(value) if isinstance(value, list) else [])
            count = _count(value)
            rows.append({"label": label, "count": count if count is not None else value, "items": items})
        result.append({"source": names.get(source, source), "rows": rows})
    return result
