"""Every write service of the notices app checks its actor itself, whoever calls it: a stranger and the sibling
branch's secretary are refused, and nothing is written."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from chuxin.notices import services
from chuxin.notices.models import Push, Robot
from chuxin.testing import not_refused, service_functions

# Public functions of the service module that an actor does not call on someone else's behalf.
READS = {
    "organization_groups", "group_of",  # the house makes an organization's group on first use: nothing personal
    "my_groups",  # the caller's own groups (made where missing)
    "quiet_hours_set",  # the caller's own quiet hours: everyone may set theirs
}


def test_every_write_service_refuses_an_actor_without_standing(world):
    notice = services.notice_send(actor=world.worker, organization=world.pc, title="通知", body="正文",
                                  needs_confirmation=True, to_organizations=[world.b1])
    group = services.group_of(world.b1)
    custom = services.custom_group_create(actor=world.secretary, organization=world.b1, name="小组")
    robot = Robot.objects.create(organization=world.b1, platform="dingtalk", name="群",
                                 webhook="https://oapi.dingtalk.com/robot/send?access_token=x", enabled=False)
    push = Push.objects.create(robot=robot, source="test:1", title="t", status=Push.Status.FAILED)
    tried = {
        "notice_send": lambda a: services.notice_send(actor=a, organization=world.b1, title="t", body="b",
                                                      to_organizations=[world.b1]),
        "notice_open": lambda a: services.notice_open(user=a, notice=notice),
        "notice_confirm": lambda a: services.notice_confirm(user=a, notice=notice),
        "notice_remind": lambda a: services.notice_remind(actor=a, notice=notice),
        "message_post": lambda a: services.message_post(actor=a, group=group, text="你好", attachments=[
            SimpleUploadedFile("a.pdf", b"%PDF-1.4")]),
        "group_mark_read": lambda a: services.group_mark_read(user=a, group=group, last_id=5),
        "custom_group_create": lambda a: services.custom_group_create(actor=a, organization=world.b1, name="群"),
        "custom_group_leave": lambda a: services.custom_group_leave(actor=a, group=custom),
        "robot_connect": lambda a: services.robot_connect(
            actor=a, organization=world.b1, platform="wecom", name="群",
            webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
        "robot_update": lambda a: services.robot_update(actor=a, robot=robot, name="改"),
        "robot_test": lambda a: services.robot_test(actor=a, robot=robot),
        "push_retry": lambda a: services.push_retry(actor=a, push=push),
    }
    assert set(tried) | READS == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
