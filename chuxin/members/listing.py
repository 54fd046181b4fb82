"""The member list's rows, drawn in Python: a page's 50 rows are the largest part of the list's page.

Through the template each row cost ~0.25 ms: a reverse() for its link, three get_FOO_display() (each flattening
the choices and translating every label again), a dozen variable lookups and filters. Here the link is the detail
URL's prefix and the row's id, the labels are translated once a page into dicts, and each row is one
format_html(), which escapes every value (a name is what people typed: `<script>` stays text).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Member

_PK = 987654321  # stands for a row's id in the reversed detail URL

_ROW = (
    '<tr><td><a href="{}{}{}">{}</a></td>\n'
    '        <td class="d-none d-md-table-cell">{}</td>\n'
    '        <td class="d-none d-md-table-cell">{}</td>\n'
    "        <td>{}</td>\n"
    '        <td class="small">{}</td>\n'
    '        <td class="d-none d-lg-table-cell"><code>{}</code></td>\n'
    '        <td class="d-none d-lg-table-cell">{}</td></tr>'
)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def member_rows(members: Iterable[Member], today: datetime.date) -> SafeString:
    """The <tr>s of the member list's table for `members` (with their organizations loaded), as the list showed
    them; "" for none (the template says "No members match.")."""
    head, _sep, tail = reverse("members:detail", args=[_PK]).partition(str(_PK))
    genders, categories, statuses = (_labels(Member.Gender.choices), _labels(Member.Category.choices),
                                     _labels(Member.Status.choices))
    probationary = Member.Category.PROBATIONARY
    rows = []
    for m in members:
        category = categories.get(m.category, m.category)
        if m.category == probationary:
            category = format_html('<span class="badge text-bg-warning">{}</span>', category)
        rows.append(format_html(
            _ROW, head, m.pk, tail, m.name, genders.get(m.gender, m.gender), m.age(today), category,
            m.organization.name, m.citizen_id_masked, statuses.get(m.status, m.status),
        ))
    return mark_safe("\n      ".join(rows))  # noqa: S308  (each row is format_html's, every value escaped)
