"""Every write service of the reports app checks its actor itself, whoever calls it (a page, an API, a job): an
actor without standing (a stranger; the sibling branch's secretary, for B1's report and PC's requirement) is
refused, and nothing is written."""

from __future__ import annotations

import datetime

from chuxin.reports import services
from chuxin.testing import not_refused, service_functions

from .conftest import started

NO_WRITE = {"reporter_check": "the question itself (404 or 403, as the write page answers)"}


def test_every_write_service_refuses_an_actor_without_standing(world, monthly, january):
    report = started(january, world.b1, world.secretary)
    text = ["本月完成"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.report_save(actor=world.secretary, report=report, sections=text, version=report.version,
                         attachments=[SimpleUploadedFile("台账.pdf", b"%PDF-1.4")])
    report.refresh_from_db()
    attachment = report.attachments.get()
    tried = {
        "report_attachment_remove": lambda a: services.report_attachment_remove(actor=a, attachment=attachment),
        "requirement_create": lambda a: services.requirement_create(
            actor=a, organization=world.pc, title="季度报告", audience="organizations", org_kinds=["branch"],
            frequency="quarterly", due_day=10, sections=[{"title": "工作"}], starts_on=datetime.date(2026, 1, 1)),
        "requirement_update": lambda a: services.requirement_update(actor=a, requirement=monthly, title="改名"),
        "report_start": lambda a: services.report_start(actor=a, period=january, organization=world.b1),
        "report_save": lambda a: services.report_save(actor=a, report=report, sections=text, version=report.version),
        "report_submit": lambda a: services.report_submit(actor=a, report=report, sections=text,
                                                          version=report.version),
        "report_resubmit": lambda a: services.report_resubmit(actor=a, report=report, sections=text,
                                                              version=report.version),
        "report_return": lambda a: services.report_return(actor=a, report=report, comment="补充"),
        "report_accept": lambda a: services.report_accept(actor=a, report=report),
    }
    assert set(tried) | set(NO_WRITE) == service_functions(services)
    # Starting takes the organization by name, as the write page does: without standing there, 404 (reporter_check).
    assert not_refused({"report_start": tried.pop("report_start")}, world.stranger, world.outsider,
                       as_missing=True) == []
    assert not_refused({"report_start": lambda a: services.report_start(actor=a, period=january,
                                                                        organization=world.b1)}, world.committee) == []
    assert not_refused(tried, world.stranger, world.outsider) == []
    # The writer is no reviewer: B1's secretary neither returns nor accepts what PC asked for.
    reviewing = {k: tried[k] for k in ("report_return", "report_accept", "requirement_update")}
    assert not_refused(reviewing, world.secretary) == []
