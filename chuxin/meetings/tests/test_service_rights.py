"""Every write service of the meetings app checks its actor itself, whoever calls it: a stranger and the sibling
branch's secretary are refused, and nothing is written."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chuxin.meetings import services
from chuxin.meetings.models import Kind, LeaveRequest, PeriodExemption, Rectification
from chuxin.plans.services import plan_create, plan_item_create
from chuxin.testing import not_refused, service_functions

from .conftest import convened, plan

# Public functions of the service module that write nothing.
READS = {"frequency", "snapshot", "heads"}


def test_every_write_service_refuses_an_actor_without_standing(world, branch):
    planned = plan(world)
    meeting = convened(world, title="已召集")
    life = convened(world, Kind.LIFE, title="组织生活会")
    row = meeting.attendances.get(member=world.member)
    leave = LeaveRequest.objects.create(attendance=meeting.attendances.get(member=branch.full[0]), reason="病假")
    rect = Rectification.objects.create(meeting=life, text="整改", due_on=timezone.localdate())
    exemption = PeriodExemption.objects.create(organization=world.b1, organization_path=world.b1.path,
                                               kind="general", period="2020-Q1", reason="新成立")
    arrangement = branch.elderly.meeting_arrangements.first()
    plan_ = plan_create(actor=world.secretary, organization=world.b1, year=2031, title="计划", owner=world.secretary)
    item = plan_item_create(actor=world.secretary, plan=plan_, area=plan_.organization.plan_areas.first(),
                            title="事项")
    today = timezone.localdate()
    attachment = services.meeting_attachments_add(actor=world.secretary, meeting=meeting, attachments=[
        SimpleUploadedFile("签到表.pdf", b"%PDF-1.4")])[0]
    tried = {
        "meeting_plan": lambda a: services.meeting_plan(actor=a, organization=world.b1, kind="general", title="会",
                                                        planned_at=timezone.now()),
        "meeting_update": lambda a: services.meeting_update(actor=a, meeting=planned, title="改"),
        "meeting_plan_batch": lambda a: services.meeting_plan_batch(actor=a, committee=world.pc, title="主题党日",
                                                                    topics="", planned_at=timezone.now()),
        "meeting_convene": lambda a: services.meeting_convene(actor=a, meeting=planned),
        "meeting_cancel": lambda a: services.meeting_cancel(actor=a, meeting=planned),
        "attendance_mark": lambda a: services.attendance_mark(actor=a, meeting=meeting, marks={row.pk: "present"}),
        "observer_add": lambda a: services.observer_add(actor=a, meeting=meeting, member=world.b2_member),
        "leave_request": lambda a: services.leave_request(actor=a, attendance=row, reason="出差"),
        "leave_decide": lambda a: services.leave_decide(actor=a, leave=leave, approve=True),
        "checkin_toggle": lambda a: services.checkin_toggle(actor=a, meeting=meeting, open_=True),
        "attendance_checkin": lambda a: _checkin(a, meeting),
        "resolution_add": lambda a: services.resolution_add(actor=a, meeting=meeting, text="决议", votes_for=0,
                                                            votes_against=0, votes_abstain=0),
        "meeting_finalize": lambda a: services.meeting_finalize(actor=a, meeting=meeting, held_on=today,
                                                                minutes="纪要"),
        "minutes_amend": lambda a: services.minutes_amend(actor=a, meeting=meeting, minutes="新", reason="因"),
        "meeting_review": lambda a: services.meeting_review(actor=a, meeting=meeting, accept=True),
        "exemption_set": lambda a: services.exemption_set(actor=a, organization=world.b1, kind="general",
                                                          period=f"{today.year}-Q1", reason="因"),
        "exemption_remove": lambda a: services.exemption_remove(actor=a, exemption=exemption),
        "arrangement_add": lambda a: services.arrangement_add(actor=a, member=world.member, kind="exempt"),
        "arrangement_end": lambda a: services.arrangement_end(actor=a, arrangement=arrangement),
        "preparation_save": lambda a: services.preparation_save(
            actor=a, meeting=life, study_done_on=today, study_note="", opinions_done_on=None, opinions_note=""),
        "criticism_save": lambda a: services.criticism_save(actor=a, meeting=life, member=world.member,
                                                            self_criticism="自我批评"),
        "rectification_add": lambda a: services.rectification_add(actor=a, meeting=life, text="整改",
                                                                  due_on=today + datetime.timedelta(days=30)),
        "meeting_attachments_add": lambda a: services.meeting_attachments_add(
            actor=a, meeting=meeting, attachments=[SimpleUploadedFile("名单.pdf", b"%PDF-1.4")]),
        "meeting_attachment_delete": lambda a: services.meeting_attachment_delete(actor=a, attachment=attachment),
        "rectification_to_task": lambda a: services.rectification_to_task(actor=a, rectification=rect,
                                                                          plan_item=item),
    }
    assert set(tried) | READS == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []


def _checkin(actor, meeting):
    """Checking in needs an account on the list: a stranger or an outsider with a valid code is refused, and
    that refusal is a ValidationError (it says why), so here it is shown as the PermissionDenied of the rest."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from chuxin.meetings import checkin as codes

    services.checkin_toggle(actor=None, meeting=meeting, open_=True)
    try:
        services.attendance_checkin(actor=actor, meeting=meeting,
                                    code=codes.token(meeting.pk, codes.window_now()))
    except ValidationError as error:
        raise PermissionDenied(str(error)) from None
