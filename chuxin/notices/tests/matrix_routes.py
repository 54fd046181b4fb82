"""The notices app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization: a notice sent by it (at B1 its recipient is the world's member, who reads and confirms
it without any standing on the sender beyond their own file), its attachment, the organization's member group (its
members are those whose standing lies in its subtree: the viewer and the worker above it are not in B1's group,
nor is the superuser in X2's), a message file there, and a robot switched off (nothing leaves the test) with a failed
push.
"""

from __future__ import annotations

from chuxin.testing import FORBIDDEN, NOT_FOUND, OK, M, P, R, anywhere, get_and_post, login_only, obj


def _notice(env, where: str):
    from chuxin.notices.models import Notice, NoticeRecipient

    def make():
        org = env.org(where)
        notice = Notice.objects.create(organization=org, organization_path=org.path, title=f"通知-{where}",
                                       body="<p>正文</p>", needs_confirmation=True, recipient_count=1)
        if where == "B1":
            NoticeRecipient.objects.create(notice=notice, user=env.world.member_user, name="成员", organization=org)
        return notice

    return env.once(("notice", where), make)


def _file(env, where: str, model, **owner):
    from django.core.files.base import ContentFile

    row = model(name="材料.pdf", size=8, **owner)
    row.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
    row.save()
    return row


def _group(env, where: str):
    from chuxin.notices.services import group_of

    return env.once(("group", where), lambda: group_of(env.org(where)))


def _robot(env, where: str):
    from chuxin.notices.models import Push, Robot

    def make():
        robot = Robot.objects.create(organization=env.org(where), platform="dingtalk", name=f"机器人-{where}",
                                     webhook="https://oapi.dingtalk.com/robot/send?access_token=x", enabled=False)
        Push.objects.create(robot=robot, source="test:1", title="通知", status=Push.Status.FAILED, attempts=5)
        return robot

    return env.once(("robot", where), make)


def routes() -> dict:
    from chuxin.notices.models import Message, MessageAttachment, NoticeAttachment

    def notice(env, where):
        return {"pk": _notice(env, where).pk}, {}

    def notice_file(env, where):
        return {"pk": env.once(("notice-file", where), lambda: _file(
            env, where, NoticeAttachment, notice=_notice(env, where))).pk}, {}

    def group(env, where):
        return {"pk": _group(env, where).pk}, {}

    def message_file(env, where):
        def make():
            message = Message.objects.create(group=_group(env, where), author_name="甲", text="附件")
            return _file(env, where, MessageAttachment, message=message)

        return {"pk": env.once(("message-file", where), make).pk}, {}

    def robot(env, where):
        return {"pk": _robot(env, where).pk}, {}

    def push(env, where):
        return {"pk": _robot(env, where).pushes.first().pk}, {}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    # The recipient reads the notice and its file without standing on the sender.
    recipient = {("member", "B1"): OK}
    # Only a recipient confirms: standing alone is no confirmation.
    not_recipient = {(role, "B1"): FORBIDDEN for role in ("committee", "secretary", "viewer", "worker")}
    not_recipient.update({("outsider", "B2"): FORBIDDEN, ("superuser", "X2"): FORBIDDEN})
    # A group is its members': standing above the organization (viewer, worker) or a superuser is not membership.
    outside_group = {("viewer", "B1"): NOT_FOUND, ("worker", "B1"): NOT_FOUND, ("superuser", "X2"): NOT_FOUND}
    return {
        "notices:list": [login_only("get")],
        "notices:sent": [anywhere("get", M)],
        "notices:create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "notices:detail": [obj("get", R, notice, special=recipient)],
        "notices:confirm": [obj("post", R, notice, special={**not_recipient, ("member", "B1"): OK})],
        "notices:matrix": [obj("get", M, notice)],
        "notices:remind": [obj("post", M, notice)],
        "notices:attachment": [obj("get", R, notice_file, special=recipient)],
        "notices:groups": [login_only("get")],
        "notices:group-create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "notices:group": get_and_post(obj("get", P, group, special=outside_group)),
        "notices:messages": [obj("get", P, group, special=outside_group)],
        "notices:search": [obj("get", P, group, special=outside_group)],
        "notices:message-attachment": [obj("get", P, message_file, special=outside_group)],
        "notices:quiet": get_and_post(login_only("get")),
        "notices:robots": [anywhere("get", M)],
        "notices:robot-create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "notices:robot": get_and_post(obj("get", M, robot)),
        "notices:robot-test": [obj("post", M, robot)],
        "notices:push-retry": [obj("post", M, push)],
    }
