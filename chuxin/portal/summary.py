"""The summary of a subtree's work: what a superior viewer (READ on the subtree) looks at first.

Completed work is counted from the work records (collect once: the records of the subtree, `records_between`, one aggregate over the kinds, for the
year so far); states that are not records come from the apps' selectors: tasks open and overdue (plans), directive
rows open past their due date (directives), the year's responsibility duties done (responsibilities). Each number
comes with the list behind it. A constant number of queries, whatever the size of the subtree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.core.db import PreparedRows, totals
from chuxin.core.paths import subtree_bounds
from chuxin.directives.selectors import overdue_in
from chuxin.plans.selectors import task_counts_in
from chuxin.records.selectors import records_between
from chuxin.responsibilities.selectors import progress_in

KINDS = ("task_done", "directive_done", "report_filed", "report_accepted")
_DONE_COUNTS = {
    "tasks": Count("id", filter=Q(kind="task_done")),
    "directives_on_time": Count("id", filter=Q(kind="directive_done", payload__on_time=True)),
    "directives_late": Count("id", filter=Q(kind="directive_done", payload__on_time=False)),
    "reports_on_time": Count("id", filter=Q(kind="report_filed", payload__late=False)),
    "reports_late": Count("id", filter=Q(kind="report_filed", payload__late=True)),
    "reports_accepted": Count("id", filter=Q(kind="report_accepted")),
}
# The year's records of the subtree counted in one aggregate, compiled once (chuxin.core.db.PreparedRows).
_DONE = PreparedRows(lambda bounds, kinds, start, end: totals(records_between(bounds, kinds, start, end),
                                                              **_DONE_COUNTS))


@dataclass(frozen=True)
class Number:
    code: str
    label: object  # a lazy translation
    value: int
    url: str
    warn: bool = False  # shown in red when not zero (overdue, late)


@dataclass(frozen=True)
class Card:
    code: str
    title: object
    icon: str
    headline: str  # "83%" or a count
    headline_label: object
    numbers: list[Number]
    url: str


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def subtree_summary(organization, *, today: datetime.date) -> list[Card]:
    """The four cards for the organization's subtree, this year up to today. Four queries."""
    year = today.year
    done = _DONE.row(list(subtree_bounds(organization.path)), list(KINDS), datetime.date(year, 1, 1), today) or dict.fromkeys(
        _DONE_COUNTS, 0)
    tasks = task_counts_in(organization, today=today)
    directives_overdue = overdue_in(organization, today=today)
    duties = progress_in(organization, year=year)

    plans_url = f"{reverse('plans:list')}?year={year}"
    directives_url = reverse("directives:sent")
    reports_url = reverse("reports:requirements")
    duties_url = f"{reverse('responsibilities:overview', args=[organization.pk])}?year={year}"
    directives_done = done["directives_on_time"] + done["directives_late"]
    reports_filed = done["reports_on_time"] + done["reports_late"]
    return [
        Card("tasks", _("Plan tasks"), "kanban", str(done["tasks"]), _("completed this year"), [
            Number("tasks_done", _("Completed this year"), done["tasks"], plans_url),
            Number("tasks_open", _("Still open"), tasks["open"], plans_url),
            Number("tasks_overdue", _("Open past the due date"), tasks["overdue"], plans_url, warn=True),
        ], plans_url),
        Card("directives", _("Directives from above"), "megaphone",
             percent(done["directives_on_time"], directives_done), _("completed on time"), [
                 Number("directives_on_time", _("Completed on time"), done["directives_on_time"], directives_url),
                 Number("directives_late", _("Completed late"), done["directives_late"], directives_url, warn=True),
                 Number("directives_overdue", _("Open past the due date"), directives_overdue, directives_url,
                        warn=True),
             ], directives_url),
        Card("reports", _("Periodic reports"), "file-earmark-text", percent(done["reports_on_time"], reports_filed),
             _("filed on time"), [
                 Number("reports_on_time", _("Filed on time"), done["reports_on_time"], reports_url),
                 Number("reports_late", _("Filed late"), done["reports_late"], reports_url, warn=True),
                 Number("reports_accepted", _("Accepted"), done["reports_accepted"], reports_url),
             ], reports_url),
        Card("responsibilities", _("Responsibility lists"), "list-check", percent(duties["done"], duties["items"]),
             _("of this year's duties done"), [
                 Number("duties_done", _("Duties done"), duties["done"], duties_url),
                 Number("duties_open", _("Duties still open"), duties["items"] - duties["done"], duties_url),
                 Number("duty_lists", _("Lists"), duties["lists"], duties_url),
             ], duties_url),
    ]
