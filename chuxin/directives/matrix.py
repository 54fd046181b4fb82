"""The sender's matrix, drawn once: a page of recipient rows read as plain values, then the desktop table's rows
and the phone's cards written from them in one pass.

The page used to draw every row twice in the template language (the table, then the cards), each with a state
badge {% include %}, two {% url %} and a few {% blocktranslate %}: 100 rows cost ~60 ms of CPU, more than the
rest of the page. Here each label is translated once per page, each URL is a prefix and an id
(chuxin.core.links), and each row's two pieces of markup are written with f-strings, every value escaped with
`escape` (a recipient's name or answer is typed by people: it is text, never markup). The markup is the one the
template drew (detail.html keeps the table's head and the empty case); the tests compare the two.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chuxin.core.links import id_url

from .models import DirectiveRecipient

State = DirectiveRecipient.State


FIELDS = (
    "id", "state", "behind", "acknowledged_at", "completed_at", "answer", "reminded_at", "reminder_count",
    "tasks_done", "tasks_total", "organization__name", "organization__code",
    *(f"{who}__{field}" for who in ("acknowledged_by", "completed_by")
      for field in ("display_name", "first_name", "last_name", "username")),
)

# The state badge's colour (what directives/_state.html picks)
BADGE = {State.COMPLETED: "text-bg-success", State.IN_PROGRESS: "text-bg-primary",
         State.ACKNOWLEDGED: "text-bg-info"}


@dataclass(frozen=True, slots=True)
class MatrixRow:
    pk: int
    url: str
    organization: str  # the name
    code: str
    state: str
    behind: bool
    acknowledged_at: datetime.datetime | None
    acknowledged_by: str  # the account's name as User.__str__ gives it, "" for nobody
    completed_at: datetime.datetime | None
    completed_by: str
    answer: str
    reminded_at: datetime.datetime | None
    reminder_count: int
    tasks_done: int
    tasks_total: int


def _person(display_name: str | None, first_name: str | None, last_name: str | None, username: str | None) -> str:
    """User.__str__ from the values: the display name, else the full name (AbstractUser.get_full_name), else the
    username; "" without an account."""
    if username is None:
        return ""
    return display_name or f"{first_name} {last_name}".strip() or username


def matrix_rows(values: Iterable[dict]) -> list[MatrixRow]:
    """One page of the matrix's rows as plain values (selectors.matrix_pages with FIELDS) as MatrixRows."""
    url = id_url("directives:recipient")
    return [
        MatrixRow(
            pk=v["id"], url=url(v["id"]), organization=v["organization__name"], code=v["organization__code"],
            state=v["state"], behind=v["behind"], acknowledged_at=v["acknowledged_at"],
            acknowledged_by=_person(*(v[f"acknowledged_by__{f}"] for f in
                                      ("display_name", "first_name", "last_name", "username"))),
            completed_at=v["completed_at"],
            completed_by=_person(*(v[f"completed_by__{f}"] for f in
                                   ("display_name", "first_name", "last_name", "username"))),
            answer=v["answer"], reminded_at=v["reminded_at"], reminder_count=v["reminder_count"],
            tasks_done=v["tasks_done"], tasks_total=v["tasks_total"],
        )
        for v in values
    ]


def _when(value: datetime.datetime | None, fmt: str = "%Y-%m-%d %H:%M", zone: datetime.tzinfo | None = None) -> str:
    """What the template's |date:"Y-m-d H:i" showed: the local time (in `zone`, the current time zone)."""
    return timezone.localtime(value, zone).strftime(fmt) if value is not None else ""


@dataclass(frozen=True)
class MatrixMarkup:
    table: SafeString  # the <tr>s of the desktop table's body
    cards: SafeString  # the <li>s of the phones' card list


def render(rows: list[MatrixRow], *, due_on: datetime.date) -> MatrixMarkup:
    """The table's rows and the cards of one page, in one pass; labels looked up once.

    Written with f-strings and `escape` (the standard library's html.escape, which is what Django's escape calls:
    & < > " ' all escaped) on every value a person typed or the database holds; the parts that are markup are made
    here. format_html per piece cost ~475 calls a page of 100 rows (~15 ms of CPU on a slow machine): a quarter
    of the page. html.escape itself, not Django's (which wraps it to accept lazy strings, ~800 calls a page), and
    the time zone looked up once: every value here is a str already."""
    labels = {value: escape(str(label)) for value, label in State.choices}
    behind_badge = ' <span class="badge text-bg-danger" data-behind="1">' + escape(_("behind")) + "</span>"
    due_text = escape(_("Due: %(date)s") % {"date": f"{due_on:%Y-%m-%d}"})
    due_plain = f'<div class="small" data-due>{due_text}</div>'
    due_behind = f'<div class="small text-danger fw-semibold" data-due>{due_text}</div>'
    view = escape(_("View"))
    completed_by, acknowledged_by = _("Completed %(when)s by %(name)s"), _("Acknowledged %(when)s by %(name)s")
    tasks_done = _("Tasks done: %(done)s / %(total)s")
    zone = timezone.get_current_timezone()
    table, cards = [], []
    for row in rows:
        state = escape(row.state)
        colour = BADGE.get(row.state, "text-bg-secondary")
        badge = (f'<span class="badge {colour}" data-state="{state}">{labels.get(row.state, state)}</span>'
                 + (behind_badge if row.behind else ""))
        answer = ("<summary>" + escape(Truncator(row.answer).chars(40)) + '</summary><div class="mt-1">'
                  + linebreaksbr(row.answer) + "</div>") if row.answer else ""
        code, url, organization = escape(row.code), escape(row.url), escape(row.organization)
        tasks = f"{row.tasks_done}/{row.tasks_total}"
        reminded = escape(f"{row.reminder_count} · {_when(row.reminded_at, '%m-%d', zone)}") if row.reminder_count else "—"
        danger = ' class="table-danger"' if row.behind else ""
        acknowledged = escape(_when(row.acknowledged_at, zone=zone) or "—")
        completed = escape(_when(row.completed_at, zone=zone) or "—")
        details = f"<details>{answer}</details>" if answer else "—"
        tasks_text = f"{row.tasks_done} / {row.tasks_total}" if row.tasks_total else "—"
        table.append(
            f'<tr data-org="{code}"{danger}><td><a href="{url}">{organization}</a></td>'
            f'<td class="text-nowrap">{badge}</td>'
            f'<td class="d-none d-md-table-cell small text-nowrap">{acknowledged}</td>'
            f'<td class="d-none d-md-table-cell small text-nowrap">{completed}</td>'
            f'<td class="small">{details}</td><td class="d-none d-lg-table-cell small">{reminded}</td>'
            f'<td class="small text-nowrap" data-tasks="{tasks}">{tasks_text}</td></tr>\n'
        )
        if row.completed_at:
            done = completed_by % {"when": _when(row.completed_at, zone=zone), "name": row.completed_by or "—"}
        elif row.acknowledged_at:
            done = acknowledged_by % {"when": _when(row.acknowledged_at, zone=zone), "name": row.acknowledged_by or "—"}
        else:
            done = ""
        # Spaces between the spans, as the template's line breaks left them.
        fact_done = f'<span class="me-2">{escape(done)}</span>' if done else ""
        fact_tasks = (f'<span class="me-2" data-tasks="{tasks}">'
                      + escape(tasks_done % {"done": row.tasks_done, "total": row.tasks_total}) + "</span>"
                      ) if row.tasks_total else ""
        fact_reminded = ("<span>" + escape(ngettext("Reminded once", "Reminded %(n)s times", row.reminder_count)
                                           % {"n": row.reminder_count}) + "</span>") if row.reminder_count else ""
        card_danger = " cx-item-card-danger" if row.behind else ""
        due = due_behind if row.behind else due_plain
        card_answer = f'<details class="small">{answer}</details>' if answer else ""
        cards.append(
            f'<li class="cx-item-card{card_danger}" data-testid="recipient-card" data-org="{code}">'
            '<div class="d-flex align-items-start justify-content-between gap-2">'
            f'<a class="fw-semibold cx-item-title" href="{url}">{organization}</a> '
            f'<span class="text-nowrap">{badge}</span></div>'
            f'<div class="small text-muted"> {fact_done} {fact_tasks} {fact_reminded} </div>{due}{card_answer}'
            f'<div><a class="btn btn-sm btn-outline-primary" href="{url}" data-testid="next-action">{view}</a></div>'
            "</li>\n"
        )
    # Every value was escaped above; the rest is markup made here.
    return MatrixMarkup(mark_safe("".join(table)), mark_safe("".join(cards)))  # noqa: S308
