"""Printing: the plan, the directive matrix, a report and the responsibility overview carry a "Print" button (handled
in chuxin.js, no inline script), and chuxin.css has the print rules that leave only the content."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from chuxin.directives.models import Directive, DirectiveRecipient
from chuxin.orgs.models import Organization
from chuxin.plans.models import Plan
from chuxin.reports.models import Report, ReportPeriod, ReportRequirement

STATIC = Path(settings.BASE_DIR) / "chuxin" / "static" / "chuxin"


def test_the_printable_pages_carry_the_print_button(world, client_for):
    plan = Plan.objects.create(organization=world.pc, year=2026, title="年度计划", owner=world.worker)
    directive = Directive.objects.create(sender=world.pc, title="通知", body="内容",
                                         due_on=datetime.date.today() + datetime.timedelta(days=5))
    DirectiveRecipient.objects.create(directive=directive, organization=world.b1)
    requirement = ReportRequirement.objects.create(
        organization=world.pc, title="月报", audience="organizations", org_kinds=[Organization.Kind.BRANCH],
        frequency="monthly", due_day=10, sections=[{"title": "工作情况", "guidance": ""}],
        starts_on=datetime.date(2026, 1, 1))
    period = ReportPeriod.objects.create(requirement=requirement, start=datetime.date(2026, 1, 1),
                                         end=datetime.date(2026, 1, 31), due_on=datetime.date(2026, 2, 10))
    report = Report.objects.create(period=period, organization=world.b1, status="submitted",
                                   sections=[{"title": "工作情况", "html": "<p>完成</p>"}])
    client = client_for(world.worker)
    for url in (reverse("plans:detail", args=[plan.pk]), reverse("directives:detail", args=[directive.pk]),
                reverse("reports:report", args=[report.pk]),
                reverse("responsibilities:overview", kwargs={"pk": world.pc.pk})):
        html = client.get(url).content.decode()
        assert re.search(r"<button[^>]*data-cx-print[^>]*>", html), url
        assert "window.print" not in html  # the script is chuxin.js, never inline
    assert "[data-cx-print]" in (STATIC / "chuxin.js").read_text()


def test_the_stylesheet_prints_only_the_content():
    css = (STATIC / "chuxin.css").read_text()
    block = css[css.index("@media print"):]
    for rule in (".cx-topbar", ".cx-sidebar", ".cx-bottombar", ".btn", "form", "display: none",
                 "break-inside: avoid", "width: 100%", "a[href]::after"):
        assert rule in block, rule
