"""The facts a report starts from, gathered once (collect once) and stored on the report.

Two kinds of fact, both typed (chuxin.core.protocols.Fact), neither guessed from a dict's shape:
- completed work is read from the work-record stream (chuxin.records): every record kind that declares a fact
  label counts its records in the organization's subtree and the period, labels owned by the kind;
- states that are not records (tasks overdue, directives still open) come from the apps that declare a `facts`
  hook in the registry.

The snapshot is stored on the report as {app label: [fact, ...]}, so the facts panel shows what the author saw
when they started writing. A source that fails is logged and skipped: a report never fails to start because of it.
"""

from __future__ import annotations

import datetime
import logging
from html import escape

from django.utils.translation import gettext as _

from chuxin.core import registry
from chuxin.records.selectors import period_facts as record_facts

logger = logging.getLogger(__name__)


def _kind_apps() -> dict[str, str]:
    return {kind.code: entry.app for entry in registry.entries() for kind in entry.hooks.record_kinds}


def gather(organization, start: datetime.date, end: datetime.date) -> dict[str, list[dict]]:
    facts: dict[str, list[dict]] = {}
    apps = _kind_apps()
    try:
        for fact in record_facts(organization, start, end):
            facts.setdefault(apps.get(fact.code, "records"), []).append(fact.as_json())
    except Exception:  # one source's bug must not stop the author from writing
        logger.exception("the work records' facts failed")
    for app, _label, source in registry.fact_sources():
        try:
            found = source(organization, start, end)
        except Exception:
            logger.exception("period_facts of %s failed", app)
            continue
        if found:
            facts.setdefault(app, []).extend(fact.as_json() for fact in found)
    return facts


def _facts(facts: dict) -> list[tuple[str, list[dict]]]:
    """The stored blocks in the apps' order, each fact a dict; anything else stored there is left out."""
    order = {entry.app: entry.hooks.facts_order for entry in registry.entries()}
    blocks = [(app, rows) for app, rows in facts.items() if isinstance(rows, list)]
    return sorted(blocks, key=lambda block: (order.get(block[0], 10**6), block[0]))


def _label(fact: dict) -> str:
    """A fact's label in the reader's language: a record kind's own, else the source's stored message."""
    kind = registry.record_kinds().get(fact.get("code", ""))
    if kind is not None and kind.fact is not None:
        return str(kind.fact)
    # Sources store their label untranslated (gettext_noop), so each reader gets it in their own language.
    return _(str(fact.get("label") or fact.get("code", "")))


def _join(titles: list[str], limit: int = 10) -> str:
    shown = _(", ").join(titles[:limit])
    return shown + (_(" etc.") if len(titles) > limit else "")


def summary_lines(facts: dict) -> list[str]:
    """Short factual sentences for the first section, e.g. "本期完成任务 3 项：a、b、c"; nothing for a zero."""
    lines = []
    for _app, rows in _facts(facts):
        for fact in rows:
            sentence = fact.get("sentence") or ""
            if not sentence or not fact.get("count"):
                continue
            items = [str(t) for t in fact.get("items") or [] if t]
            if items and fact.get("titles_in_sentence", True):
                sentence += _(": ") + _join(items)
            lines.append(sentence)
    return lines


def summary_html(facts: dict) -> str:
    lines = summary_lines(facts)
    if not lines:
        return ""
    return "<p>" + _("; ").join(escape(line) for line in lines) + _(".") + "</p>"


def panel(facts: dict) -> list[dict]:
    """The facts as [{"source", "rows": [{"label", "count", "items"}]}] for the read-only panel."""
    headings = {entry.app: entry.hooks.facts_label for entry in registry.entries() if entry.hooks.facts_label}
    result = []
    for app, rows in _facts(facts):
        shown = [
            {"label": _label(fact), "count": fact.get("count", 0), "items": [str(t) for t in fact.get("items") or []]}
            for fact in rows if isinstance(fact, dict)
        ]
        if shown:
            result.append({"source": str(headings.get(app, app)), "rows": shown})
    return result
