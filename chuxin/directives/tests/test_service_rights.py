"""Every write service of the directives app checks its actor itself, whoever calls it (a page, an API, a job):
an actor without standing (a stranger; the sibling branch's secretary, for the sender's directive and B1's row)
is refused, and nothing is written."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.directives import services
from chuxin.plans.services import plan_create, plan_item_create
from chuxin.testing import not_refused, service_functions

from .conftest import row_of


def pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("通知.pdf", b"%PDF-1.4")


def test_every_write_service_refuses_an_actor_without_standing(world, sent_to_three):
    directive, row = sent_to_three, row_of(sent_to_three, world.b1)
    action = services.directive_action_add(actor=world.secretary, recipient=row, text="研究部署")
    plan = plan_create(actor=world.secretary, organization=world.b1, year=2031, title="计划", owner=world.secretary)
    item = plan_item_create(actor=world.secretary, plan=plan, area=plan.organization.plan_areas.first(), title="事项")
    today = timezone.localdate()
    [own_file] = services.directive_attach(actor=world.secretary, directive=directive, recipient=row,
                                           attachments=[pdf()])
    tried = {
        "directive_attach": lambda a: services.directive_attach(actor=a, directive=directive, attachments=[pdf()]),
        "directive_attachment_remove": lambda a: services.directive_attachment_remove(actor=a, attachment=own_file),
        "directive_send": lambda a: services.directive_send(
            actor=a, sender=world.pc, title="通知", body="内容", due_on=today, recipients=[world.b1]),
        "directive_remind": lambda a: services.directive_remind(actor=a, directive=directive),
        "directive_close": lambda a: services.directive_close(actor=a, directive=directive),
        "directive_withdraw": lambda a: services.directive_withdraw(actor=a, directive=directive),
        "directive_acknowledge": lambda a: services.directive_acknowledge(actor=a, recipient=row),
        "directive_action_add": lambda a: services.directive_action_add(actor=a, recipient=row, text="跟进"),
        "directive_task_add": lambda a: services.directive_task_add(
            actor=a, recipient=row, plan_item=item, title="落实", start_on=today,
            due_on=today + datetime.timedelta(days=3)),
        "directive_action_toggle": lambda a: services.directive_action_toggle(actor=a, action=action),
        "directive_complete": lambda a: services.directive_complete(actor=a, recipient=row, answer="已完成"),
    }
    assert set(tried) == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
