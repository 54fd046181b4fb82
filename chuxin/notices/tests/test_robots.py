"""Contract tests: each platform's payload and signature checked by a local server; failures retried with backoff,
then shown as failed with nothing lost; a burst merged into a digest within the platform's rate."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chuxin.notices import delivery, platforms, services
from chuxin.notices.models import Push, Robot

from .conftest import SECRET


def connect(world, server, platform="dingtalk", **extra) -> Robot:
    return services.robot_connect(actor=world.worker, organization=extra.pop("org", world.b1), platform=platform,
                                  name=f"{platform} 群", webhook=server.address(platform), secret=SECRET, **extra)


@pytest.mark.parametrize("platform", ["dingtalk", "wecom", "feishu"])
def test_a_test_message_reaches_each_platform_signed_as_it_documents(world, platforms_server, platform,
                                                                      django_capture_on_commit_callbacks):
    robot = connect(world, platforms_server, platform)
    with django_capture_on_commit_callbacks(execute=True):
        push = services.robot_test(actor=world.worker, robot=robot)
    push.refresh_from_db()
    assert push.status == Push.Status.SENT, push.last_error
    assert [p for p, _q, _b in platforms_server.received] == [platform]
    assert not platforms_server.refused


def test_a_wrong_dingtalk_secret_is_refused_and_shown(world, platforms_server, django_capture_on_commit_callbacks):
    robot = connect(world, platforms_server)
    Robot.objects.filter(pk=robot.pk).update(secret="wrong")
    robot.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        push = services.robot_test(actor=world.worker, robot=robot)
    push.refresh_from_db()
    robot.refresh_from_db()
    assert push.status == Push.Status.PENDING and push.attempts == 1
    assert "sign not match" in push.last_error and "sign not match" in robot.last_error


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_a_failing_robot_is_retried_with_backoff_then_failed_and_retry_puts_it_back(
        world, platforms_server, mode, django_capture_on_commit_callbacks):
    robot = connect(world, platforms_server)
    platforms_server.mode = mode
    delivery.queue([robot], source="notice:1", title="通知", url="/notices/1/")
    now = timezone.now()
    waits = []
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.deliver_due(now)
        push = Push.objects.get(robot=robot)
        waits.append((push.next_attempt_at - now).total_seconds())
        now = push.next_attempt_at
    push = Push.objects.get(robot=robot)
    assert push.status == Push.Status.FAILED and push.attempts == delivery.MAX_ATTEMPTS and push.last_error
    assert waits[:4] == sorted(waits[:4]) and waits[0] >= 30  # backing off
    platforms_server.mode = "ok"
    with django_capture_on_commit_callbacks(execute=True):
        services.push_retry(actor=world.worker, push=push)
    push.refresh_from_db()
    assert push.status == Push.Status.SENT  # nothing was lost


def test_a_burst_beyond_the_rate_is_merged_into_one_digest(world, platforms_server):
    robot = connect(world, platforms_server)
    now = timezone.now() + datetime.timedelta(seconds=30)
    for i in range(25):
        delivery.queue([robot], source=f"notice:{i}", title=f"通知{i}", url=f"/notices/{i}/")
        delivery.deliver_due(now)
    assert len(platforms_server.received) == 20  # the platform's 20 a minute
    assert Push.objects.filter(status=Push.Status.PENDING).count() == 5
    delivery.deliver_due(now + datetime.timedelta(seconds=61))
    assert len(platforms_server.received) == 21
    digest = platforms_server.received[-1][2]["markdown"]
    assert "5" in digest["title"] and "通知24" in digest["text"]
    assert set(Push.objects.filter(digest_size=5).values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize("platform,url", [
    ("dingtalk", "https://evil.example.com/robot/send?access_token=x"),
    ("dingtalk", "http://oapi.dingtalk.com/robot/send?access_token=x"),
    ("dingtalk", "https://oapi.dingtalk.com/robot/send"),
    ("wecom", "https://qyapi.weixin.qq.com.evil.cn/cgi-bin/webhook/send?key=x"),
    ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/"),
    ("feishu", "https://user@open.feishu.cn/open-apis/bot/v2/hook/x"),
])
def test_only_the_platforms_own_addresses_are_accepted(world, platform, url):
    with pytest.raises(ValidationError) as error:
        platforms.check_webhook(platform, url)
    assert "webhook" in error.value.message_dict


def test_the_documented_addresses_are_accepted():
    assert platforms.check_webhook("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=ab")
    assert platforms.check_webhook("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ab")
    assert platforms.check_webhook("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/uuid")


def test_a_convened_meeting_and_an_issued_directive_are_pushed_through_their_records(
        world, platforms_server, django_capture_on_commit_callbacks):
    import datetime as dt

    from chuxin.directives.services import directive_send
    from chuxin.meetings import services as meetings

    connect(world, platforms_server)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meetings.meeting_plan(actor=world.secretary, organization=world.b1, kind="general",
                                        title="第二季度党员大会", planned_at=timezone.now() + dt.timedelta(days=2))
        meetings.meeting_convene(actor=world.secretary, meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        directive_send(actor=world.worker, sender=world.pc, title="开展安全检查", body="请落实", recipients=[world.b1],
                       due_on=timezone.localdate() + dt.timedelta(days=9))
    texts = [b["markdown"]["title"] for _p, _q, b in platforms_server.received]
    assert any("第二季度党员大会" in t for t in texts) and any("开展安全检查" in t for t in texts)


def test_others_cannot_connect_or_test_a_robot(world, platforms_server):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        connect(world, platforms_server, org=world.b1) if False else services.robot_connect(
            actor=world.outsider, organization=world.b1, platform="dingtalk", name="x",
            webhook=platforms_server.address("dingtalk"))
    robot = connect(world, platforms_server)
    with pytest.raises(PermissionDenied):
        services.robot_test(actor=world.member_user, robot=robot)


def test_feishu_is_held_to_five_messages_a_second(world, platforms_server):
    robot = connect(world, platforms_server, "feishu")
    now = timezone.now() + datetime.timedelta(seconds=30)
    for i in range(7):
        delivery.queue([robot], source=f"notice:{i}", title=f"通知{i}")
        delivery.deliver_due(now)
    assert len(platforms_server.received) == 5
    delivery.deliver_due(now + datetime.timedelta(seconds=2))
    assert len(platforms_server.received) == 6 and "2" in platforms_server.received[-1][2]["content"]["text"]


def test_a_title_cannot_smuggle_a_link_or_a_tag_into_the_group(world, platforms_server):
    robot = connect(world, platforms_server, "wecom")
    delivery.queue([robot], source="notice:x", title='[点我领奖](http://evil.example) <font color="warning">急</font>',
                   url="/notices/1/")
    delivery.deliver_due(timezone.now() + datetime.timedelta(seconds=5))
    content = platforms_server.received[-1][2]["markdown"]["content"]
    assert "](http://evil" not in content and "<font" not in content and "/notices/1/" in content


def test_the_webhook_and_the_secret_are_encrypted_at_rest_and_read_back_to_send(world, platforms_server,
                                                                                 django_capture_on_commit_callbacks):
    """A database dump or backup holds no robot's key, token or signing secret; sending still works."""
    from django.db import connection

    robot = connect(world, platforms_server)
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook, secret FROM notices_robot WHERE id = %s", [robot.pk])
        webhook, secret = cursor.fetchone()
    address = platforms_server.address("dingtalk")
    assert address not in webhook and SECRET not in secret and "access_token" not in webhook
    assert webhook.startswith("gAAAAA") and secret.startswith("gAAAAA")
    robot = Robot.objects.get(pk=robot.pk)
    assert (robot.webhook, robot.secret) == (address, SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        push = services.robot_test(actor=world.worker, robot=robot)
    push.refresh_from_db()
    assert push.status == Push.Status.SENT, push.last_error
    # A row written before the column was encrypted still reads (the migration then encrypts it).
    with connection.cursor() as cursor:
        cursor.execute("UPDATE notices_robot SET secret = %s WHERE id = %s", ["SEC-plain", robot.pk])
    assert Robot.objects.get(pk=robot.pk).secret == "SEC-plain"
