"""The member list's rows, drawn in Python: a page's 50 rows are the largest part of the list's page.

Through the template each row cost ~0.25 ms: a reverse() for its link, three get_FOO_display() (each flattening
the choices and translating every label again), a dozen variable lookups and filters. Here the link is the detail
URL's prefix and the row's id, the labels are translated (and escaped) once a page into dicts, and each row is
one str.format() whose every value is escaped first (a name is what people typed: `<script>` stays text):
~10 µs a row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .models import Member

_PK = 987654321  # stands for a row's id in the reversed detail URL

# What a row reads (member_rows) and the page's key: a page loads these columns only, not the member file's thirty
# and its organization's (half the CPU of the rows: ~2.5 ms instead of ~5 for 51 members with their organizations).
ROW_FIELDS = ("id", "name", "name_pinyin", "gender", "birth_date", "category", "status", "citizen_id_masked",
              "organization_id", "organization__name")

_ROW = (
    '<tr><td><a href="{href}">{name}</a></td>\n'
    '        <td class="d-none d-md-table-cell">{gender}</td>\n'
    '        <td class="d-none d-md-table-cell">{age}</td>\n'
    "        <td>{category}</td>\n"
    '        <td class="small">{organization}</td>\n'
    '        <td class="d-none d-lg-table-cell"><code>{masked}</code></td>\n'
    '        <td class="d-none d-lg-table-cell">{status}</td></tr>'
)


def _labels(choices) -> dict[str, str]:
    """value -> label, translated now and escaped once (the labels are ours, but escaping costs nothing here)."""
    return {value: escape(str(label)) for value, label in choices}


def member_rows(members: Iterable[Member], today: datetime.date) -> SafeString:
    """The <tr>s of the member list's table for `members` (with their organizations loaded), as the list showed
    them; "" for none (the template says "No members match.").

    Every value that comes from the database goes through `escape` (html.escape, as Django's own escaping:
    & < > " '); the labels are escaped in `_labels`, the id and the age are integers."""
    head, _sep, tail = reverse("members:detail", args=[_PK]).partition(str(_PK))
    genders, categories, statuses = (_labels(Member.Gender.choices), _labels(Member.Category.choices),
                                     _labels(Member.Status.choices))
    probationary = Member.Category.PROBATIONARY
    rows = []
    for m in members:
        category = categories.get(m.category) or escape(m.category)
        if m.category == probationary:
            category = f'<span class="badge text-bg-warning">{category}</span>'
        rows.append(_ROW.format(
            href=f"{escape(head)}{int(m.pk)}{escape(tail)}", name=escape(m.name),
            gender=genders.get(m.gender) or escape(m.gender), age=int(m.age(today)), category=category,
            organization=escape(m.organization.name), masked=escape(m.citizen_id_masked),
            status=statuses.get(m.status) or escape(m.status),
        ))
    return mark_safe("\n      ".join(rows))  # noqa: S308  (every value escaped above)
