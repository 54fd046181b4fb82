"""Writes for notices, member groups and robots. Each checks its actor (chuxin.core.access.authorize)."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import richtext, versions
from chuxin.core.access import Need, authorize
from chuxin.core.attachments import attachments_save
from chuxin.core.models import IdempotencyKey
from chuxin.members.models import Member
from chuxin.notifications.services import notify
from chuxin.orgs.models import Organization

from . import delivery, platforms, selectors
from .access import in_group
from .models import (
    Group,
    GroupMember,
    GroupRead,
    Message,
    MessageAttachment,
    Notice,
    NoticeAttachment,
    NoticeRecipient,
    Push,
    QuietHours,
    Robot,
)
from .tasks import notify_notice_recipients

MESSAGE_MAX = 4000


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------------------------------
# Notices


def _recipients(organization: Organization, to_organizations, people) -> dict[int, Member]:
    """{account id: member file} of everyone a notice reaches: the active members with an account in each chosen
    organization's subtree, and the chosen people; each once."""
    found: dict[int, Member] = {}
    for org in to_organizations:
        for member in selectors.people_choices(org).only("pk", "name", "user_id", "organization_id"):
            found.setdefault(member.user_id, member)
    for member in people:
        if member.user_id and member.organization.path.startswith(organization.path):
            found.setdefault(member.user_id, member)
    return found


@transaction.atomic
def notice_send(*, actor, organization: Organization, title: str, body: str, priority: str = "normal",
                needs_confirmation: bool = False, confirm_by: datetime.date | None = None,
                to_organizations=(), people=(), attachments=(), token: str = "") -> Notice:
    """Send a notice from `organization` to organizations in its subtree (their members) and/or chosen people.
    Each recipient is told once in the notification centre; robots connected on the chosen organizations push a
    short line with a link back (where the read is recorded). The same form sent twice sends once."""
    authorize(actor, organization, Need.MANAGE)
    to_organizations = list(to_organizations or [])
    people = list(people or [])

    def create() -> Notice:
        outside = [o.name for o in to_organizations if not o.path.startswith(organization.path)]
        outside += [m.name for m in people if not m.organization.path.startswith(organization.path)]
        if outside:
            raise ValidationError(_("A notice goes only within %(org)s; these are outside it: %(names)s.") % {
                "org": organization.name, "names": "、".join(outside)})
        clean = richtext.sanitize(body)
        if richtext.is_blank(clean):
            raise ValidationError({"body": _("Write the notice's text.")})
        if confirm_by and not needs_confirmation:
            raise ValidationError({"confirm_by": _("A confirm-by date needs the confirmation switched on.")})
        if confirm_by and confirm_by < timezone.localdate():
            raise ValidationError({"confirm_by": _("The confirm-by date has already passed.")})
        reach = _recipients(organization, to_organizations, people)
        reach.pop(getattr(actor, "pk", None), None)  # the sender does not receive their own notice
        if not reach:
            raise ValidationError(_("Nobody would receive it: the chosen organizations have no members with an "
                                    "account, and no one was chosen."))
        notice = Notice(organization=organization, organization_path=organization.path, title=(title or "").strip(),
                        body=clean, priority=priority, needs_confirmation=needs_confirmation, confirm_by=confirm_by,
                        sender=_person(actor), recipient_count=len(reach))
        notice.full_clean()
        notice.save()
        notice.to_organizations.set(to_organizations)
        NoticeRecipient.objects.bulk_create(
            [NoticeRecipient(notice=notice, user_id=uid, name=m.name[:100], organization_id=m.organization_id)
             for uid, m in reach.items()], batch_size=2000)
        files = attachments_save(NoticeAttachment, attachments, uploaded_by=_person(actor), notice=notice)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=notice, organization=organization,
                     changes={"recipients": ["", str(len(reach))], "attachments": [[], [f.name for f in files]]})
        transaction.on_commit(lambda: notify_notice_recipients.enqueue(notice.pk))
        if to_organizations:
            delivery.queue(selectors.robots_for(to_organizations, "push_notices"), source=f"notice:{notice.pk}",
                           title=_("Notice: %(title)s") % {"title": notice.title},
                           text=_("From %(org)s. Open it in Chuxin to read it.") % {"org": organization.name},
                           url=notice.get_absolute_url())
        return notice

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Notice, create=create)


def notice_open(*, user, notice: Notice) -> NoticeRecipient:
    """Record the recipient's first open (nothing to press: opening is reading); only a recipient's."""
    row = selectors.recipient_row(user, notice)
    if row is None:
        raise PermissionDenied
    if row.read_at is None:
        now = timezone.now()
        NoticeRecipient.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=now)
        row.read_at = now
        # Opening is a GET, which the own-write renewal (core.middleware.OwnWorkMiddleware) leaves alone: a notice
        # asking for confirmation goes from "to read" to "to confirm" on the reader's kept workbench.
        versions.work_changed(["notices"], users=[user.pk])
    return row


def notice_confirm(*, user, notice: Notice) -> NoticeRecipient:
    """The one-click "知道了": once, and it counts as read."""
    row = selectors.recipient_row(user, notice)
    if row is None:
        raise PermissionDenied
    if not notice.needs_confirmation:
        raise ValidationError(_("This notice asks for no confirmation."))
    now = timezone.now()
    NoticeRecipient.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=now)
    NoticeRecipient.objects.filter(pk=row.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    row.refresh_from_db()
    return row


@transaction.atomic
def notice_remind(*, actor, notice: Notice) -> int:
    """Remind those who have not read it, once, each in their own notification centre (never a list in a group).
    Returns how many were reminded."""
    authorize(actor, notice.organization, Need.MANAGE)
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.reminded_at is not None:
        raise ValidationError(_("The unread were already reminded on %(when)s; a notice reminds once.") % {
            "when": f"{timezone.localtime(locked.reminded_at):%Y-%m-%d %H:%M}"})
    unread = list(NoticeRecipient.objects.filter(notice=notice, read_at__isnull=True).select_related("user"))
    if not unread:
        raise ValidationError(_("Everyone has read it: there is nobody to remind."))
    locked.reminded_at = timezone.now()
    locked.save(update_fields=["reminded_at", "updated_at"])
    notice.reminded_at = locked.reminded_at
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=notice, organization=notice.organization,
                 changes={"reminded": ["", str(len(unread))]})
    params = {"title": notice.title}
    url = notice.get_absolute_url()
    transaction.on_commit(lambda: [
        notify(recipient=row.user, kind="reminded", target=notice, url=url, dedup_key="unread", actor=actor,
               title=gettext_noop("Not read yet: %(title)s"), params=params) for row in unread])
    return len(unread)


# ---------------------------------------------------------------------------------------------------------------
# Member groups


def organization_groups(organizations: list[Organization]) -> list[Group]:
    """Each organization's group, made on first use by the house (two first visits at once find the same group,
    by its unique constraint); no one's action, nothing personal."""
    found = {g.organization_id: g for g in Group.objects.filter(kind=Group.Kind.ORGANIZATION,
                                                                organization__in=organizations)}
    missing = [org for org in organizations if org.pk not in found]
    if missing:
        Group.objects.bulk_create([Group(kind=Group.Kind.ORGANIZATION, organization=org) for org in missing],
                                  ignore_conflicts=True)
        found = {g.organization_id: g for g in Group.objects.filter(kind=Group.Kind.ORGANIZATION,
                                                                    organization__in=organizations)}
    for org in organizations:
        if org.pk in found:
            found[org.pk].organization = org
    return [found[org.pk] for org in organizations if org.pk in found]


def group_of(organization: Organization) -> Group:
    return organization_groups([organization])[0]


def my_groups(user) -> list[selectors.GroupEntry]:
    """The user's groups (their organizations' groups made where missing, and their custom groups) with unread
    counts."""
    groups = organization_groups(selectors.my_organizations(user)) + selectors.my_custom_groups(user)
    return selectors.group_entries(user, groups)


def _require_member(actor, group: Group) -> None:
    if actor is not None and not in_group(actor, group):
        raise PermissionDenied


@transaction.atomic
def message_post(*, actor, group: Group, text: str, reply_to: Message | None = None, attachments=(),
                 token: str = "") -> Message:
    """Post to a group the actor is in. "@name" tells that person (outside their quiet hours); a reply quotes the
    message it answers (of the same group). The same form sent twice posts once."""
    _require_member(actor, group)
    text = (text or "").replace("\x00", "").strip()

    def create() -> Message:
        if not text and not attachments:
            raise ValidationError({"text": _("Write a message or attach a file.")})
        if len(text) > MESSAGE_MAX:
            raise ValidationError({"text": _("A message holds at most %(n)s characters.") % {"n": MESSAGE_MAX}})
        if reply_to is not None and reply_to.group_id != group.pk:
            raise ValidationError({"reply_to": _("You can reply only to a message of this group.")})
        message = Message.objects.create(group=group, author=_person(actor), author_name=str(actor)[:100]
                                         if actor else "Chuxin", text=text, reply_to=reply_to)
        attachments_save(MessageAttachment, attachments, uploaded_by=_person(actor), message=message)
        mentioned = [u for u in selectors.mentioned_users(group, text) if u.pk != getattr(actor, "pk", None)]
        if mentioned:
            message.mentions.set(mentioned)
        Group.objects.filter(pk=group.pk).update(last_message_at=message.created_at)
        if actor is not None:
            group_mark_read(user=actor, group=group, last_id=message.pk)
        if mentioned:
            transaction.on_commit(lambda: _tell_mentioned(message, mentioned))
        return message

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Message, create=create)


def _tell_mentioned(message: Message, people) -> None:
    quiet = selectors.quiet_users(people, timezone.now())
    for person in people:
        if person.pk in quiet:
            continue  # in their quiet hours: the mention waits, marked, in the group's unread count
        notify(recipient=person, kind="mention", target=message.group, url=message.group.get_absolute_url(),
               dedup_key=f"message:{message.pk}", title=gettext_noop("%(who)s mentioned you in %(group)s"),
               params={"who": message.author_name, "group": message.group.title})


def group_mark_read(*, user, group: Group, last_id: int) -> None:
    """Move the reader's place forward to `last_id` (never back); a member's own place only."""
    _require_member(user, group)
    place, _created = GroupRead.objects.get_or_create(user=user, group=group)
    if last_id > place.last_id:
        GroupRead.objects.filter(pk=place.pk, last_id__lt=last_id).update(last_id=last_id)


@transaction.atomic
def custom_group_create(*, actor, organization: Organization, name: str, people=(), token: str = "") -> Group:
    """A custom group within an organization the actor manages, of people with member files there; the maker is
    in it."""
    authorize(actor, organization, Need.MANAGE)

    def create() -> Group:
        outside = [m.name for m in people if not m.organization.path.startswith(organization.path)]
        if outside:
            raise ValidationError({"people": _("These people are outside %(org)s: %(names)s.") % {
                "org": organization.name, "names": "、".join(outside)}})
        group = Group(kind=Group.Kind.CUSTOM, organization=organization, name=(name or "").strip(),
                      created_by=_person(actor))
        group.full_clean()
        if not group.name:
            raise ValidationError({"name": _("Give the group a name.")})
        group.save()
        users = {m.user_id for m in people if m.user_id}
        if _person(actor):
            users.add(actor.pk)
        GroupMember.objects.bulk_create([GroupMember(group=group, user_id=u) for u in sorted(users)])
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=group, organization=organization,
                     changes={"people": ["", str(len(users))]})
        return group

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Group, create=create)


@transaction.atomic
def custom_group_leave(*, actor, group: Group) -> None:
    _require_member(actor, group)
    if group.kind != Group.Kind.CUSTOM:
        raise ValidationError(_("An organization's group follows its membership; it cannot be left."))
    GroupMember.objects.filter(group=group, user=actor).delete()


def quiet_hours_set(*, user, start: datetime.time | None, end: datetime.time | None) -> QuietHours | None:
    """Set or (both empty) clear the user's quiet hours."""
    if start is None and end is None:
        QuietHours.objects.filter(user=user).delete()
        return None
    if start is None or end is None or start == end:
        raise ValidationError(_("Give both a start and an end, and make them different."))
    quiet, _created = QuietHours.objects.update_or_create(user=user, defaults={"start": start, "end": end})
    return quiet


# ---------------------------------------------------------------------------------------------------------------
# Robots


def _clean_robot(robot: Robot) -> None:
    robot.webhook = platforms.check_webhook(robot.platform, robot.webhook)
    robot.full_clean()
    if robot.platform == "wecom":
        robot.secret = ""  # WeCom's key is in the address; it has no signing secret


@transaction.atomic
def robot_connect(*, actor, organization: Organization, platform: str, name: str, webhook: str, secret: str = "",
                  push_notices: bool = True, push_meetings: bool = True, push_directives: bool = True,
                  token: str = "") -> Robot:
    authorize(actor, organization, Need.MANAGE)

    def create() -> Robot:
        robot = Robot(organization=organization, platform=platform, name=(name or "").strip(),
                      webhook=(webhook or "").strip(), secret=(secret or "").strip(), push_notices=push_notices,
                      push_meetings=push_meetings, push_directives=push_directives, created_by=_person(actor))
        _clean_robot(robot)
        robot.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=robot, organization=organization,
                     changes={"platform": ["", platform]})
        return robot

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Robot, create=create)


@transaction.atomic
def robot_update(*, actor, robot: Robot, **fields) -> Robot:
    """Change a robot; an empty secret keeps the one saved (it is never shown again)."""
    authorize(actor, robot.organization, Need.MANAGE)
    secret = (fields.pop("secret", "") or "").strip()
    for name, value in fields.items():
        setattr(robot, name, value.strip() if isinstance(value, str) else value)
    if secret:
        robot.secret = secret
    _clean_robot(robot)
    robot.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=robot, organization=robot.organization,
                 changes={k: ["", str(v)] for k, v in fields.items() if k != "webhook"})
    return robot


@transaction.atomic
def robot_test(*, actor, robot: Robot) -> Push:
    """Queue a test message (sent at once after the commit); its result shows on the robot's page."""
    authorize(actor, robot.organization, Need.MANAGE)
    if not robot.enabled:
        raise ValidationError(_("The robot is switched off; switch it on to send a test message."))
    push = Push.objects.create(robot=robot, source=f"test:{uuid.uuid4().hex}",
                               title=_("Test message from Chuxin"),
                               text=_("%(org)s's robot is connected. Nobody needs to reply.") % {
                                   "org": robot.organization.name})
    transaction.on_commit(lambda: delivery.deliver_robot(robot.pk))
    return push


@transaction.atomic
def push_retry(*, actor, push: Push) -> Push:
    """Put a failed push back in the queue (the worker's "retry"); sent at once after the commit."""
    authorize(actor, push.robot.organization, Need.MANAGE)
    updated = Push.objects.filter(pk=push.pk, status=Push.Status.FAILED).update(
        status=Push.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: delivery.deliver_robot(push.robot_id))
    push.refresh_from_db()
    return push
