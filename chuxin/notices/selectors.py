"""Reads for notices, groups and robots, already narrowed to what the user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.accounts.models import RoleGrant, User
from chuxin.core import access
from chuxin.core.access import Need, fetch, scope_q
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import ancestor_paths, subtree_q
from chuxin.core.protocols import WorkItem
from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from .access import GROUP_MEMBER, RECIPIENT
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

MESSAGE_PAGE = 30
POLL_MAX = 100
MATRIX_PAGE = 100


# ---------------------------------------------------------------------------------------------------------------
# Notices


def access_notice(user, pk, *, need: Need) -> Notice:
    """Its recipients read it; the sending side (standing on the sender) manages it."""
    relations = [RECIPIENT] if need <= Need.READ else []
    return fetch(user, Notice.objects.select_related("organization", "sender"), pk, need=need,
                 relations=relations)


def access_notice_attachment(user, pk) -> NoticeAttachment:
    return fetch(user, NoticeAttachment.objects.select_related("notice__organization"), pk, need=Need.READ,
                 organization="notice.organization", relations=[RECIPIENT.of("notice")])


def manageable_organizations(user) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_q(user, Need.MANAGE), status=Organization.Status.ACTIVE)


def received(user) -> QuerySet[NoticeRecipient]:
    return (NoticeRecipient.objects.filter(user=user).select_related("notice__organization")
            .order_by("-notice__created_at", "-notice_id"))


def sent(user) -> QuerySet[Notice]:
    return (Notice.objects.filter(scope_q(user, Need.MANAGE, "organization_path"))
            .select_related("organization").order_by("-created_at", "-id"))


def recipient_row(user, notice: Notice) -> NoticeRecipient | None:
    if not user.is_authenticated:
        return None
    return NoticeRecipient.objects.filter(notice=notice, user=user).first()


def people_choices(organization: Organization) -> QuerySet[Member]:
    """Members with an account in the organization's subtree: the people a notice or a custom group may name."""
    return (Member.objects.filter(subtree_q(organization.path, "organization__path"), user__isnull=False,
                                  user__is_active=True, status=Member.Status.ACTIVE)
            .select_related("organization").order_by("name_pinyin", "id"))


@dataclass
class MatrixRow:
    organization_id: int
    name: str
    total: int
    read: int
    confirmed: int

    @property
    def unread(self) -> int:
        return self.total - self.read


@dataclass
class Matrix:
    rows: list[MatrixRow]
    total: int = 0
    read: int = 0
    confirmed: int = 0
    missing: list[NoticeRecipient] = field(default_factory=list)  # the first page of who has not read / confirmed
    more: bool = False

    @property
    def unread(self) -> int:
        return self.total - self.read


def read_matrix(notice: Notice, *, show: str = "unread", organization_id: int | None = None,
                after: int = 0) -> Matrix:
    """Who has read and confirmed, per organization, and the first page of who has not. Three queries whatever
    the number of recipients: the counts by organization (one grouped scan of the notice's index range), the
    organizations' names, and a page of names keyed by id."""
    base = NoticeRecipient.objects.filter(notice=notice)
    counts = list(base.order_by().values("organization_id").annotate(
        total=Count("id"), read=Count("read_at"), confirmed=Count("confirmed_at")))
    names = dict(Organization.objects.filter(pk__in=[c["organization_id"] for c in counts])
                 .values_list("pk", "name"))
    rows = sorted((MatrixRow(c["organization_id"], names.get(c["organization_id"], ""), c["total"], c["read"],
                             c["confirmed"]) for c in counts), key=lambda r: r.name)
    matrix = Matrix(rows, sum(r.total for r in rows), sum(r.read for r in rows), sum(r.confirmed for r in rows))
    missing = base.filter(confirmed_at__isnull=True) if show == "unconfirmed" else base.filter(read_at__isnull=True)
    if organization_id:
        missing = missing.filter(organization_id=organization_id)
    page = list(missing.filter(pk__gt=after).order_by("pk").only("pk", "name", "organization_id", "read_at")
                [: MATRIX_PAGE + 1])
    matrix.missing, matrix.more = page[:MATRIX_PAGE], len(page) > MATRIX_PAGE
    for row in matrix.missing:
        row.organization_name = names.get(row.organization_id, "")
    return matrix


def notice_attachments(notice: Notice) -> list[NoticeAttachment]:
    return list(notice.attachments.all())


def _to_confirm(user) -> QuerySet[NoticeRecipient]:
    return NoticeRecipient.objects.filter(user=user, confirmed_at__isnull=True, notice__needs_confirmation=True)


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`)."""
    return [_PROBE.bind(user.pk)] if user.is_authenticated else []


_PROBE = PreparedExists(_to_confirm)


def workbench_items(user) -> list[WorkItem]:
    """Notices that ask the user for a confirmation they have not given (one query)."""
    today = timezone.localdate()
    rows = (_to_confirm(user).select_related("notice__organization").order_by("notice__confirm_by", "notice_id")[:100])
    items = []
    for row in rows:
        due = row.notice.confirm_by
        items.append(WorkItem(
            kind="notice", title=row.notice.title, url=row.notice.get_absolute_url(), due=due,
            state=_("overdue") if due and due < today else (_("to read") if row.read_at is None
                                                               else _("to confirm")),
            organization=row.notice.organization.name, overdue=bool(due and due < today),
            uid=f"notice-{row.notice_id}@chuxin"))
    return items


# ---------------------------------------------------------------------------------------------------------------
# Groups


@dataclass
class GroupEntry:
    group: Group
    unread: int
    mentioned: bool


def my_organizations(user) -> list[Organization]:
    """The organizations whose group the user is in: every one their standing lies in (their own and those above
    it). One query."""
    paths = sorted({p for s in access.standings(user) if s.path for p in ancestor_paths(s.path)})
    if not paths:
        return []
    return list(Organization.objects.filter(path__in=paths, status=Organization.Status.ACTIVE).order_by("path"))


def my_custom_groups(user) -> list[Group]:
    return list(Group.objects.filter(kind=Group.Kind.CUSTOM, people__user=user).select_related("organization")
                .order_by("name", "id"))


def group_entries(user, groups: list[Group]) -> list[GroupEntry]:
    """The groups with the user's unread counts and whether a mention waits: two queries, the reading places and
    the unread counts of all of them at once."""
    if not groups:
        return []
    places = dict(GroupRead.objects.filter(user=user, group__in=groups).values_list("group_id", "last_id"))
    q = Q(pk__in=[])
    for g in groups:
        q |= Q(group_id=g.pk, id__gt=places.get(g.pk, 0))
    unread = {row["group_id"]: row for row in Message.objects.filter(q).exclude(author=user).order_by()
              .values("group_id").annotate(n=Count("id"), mine=Count("id", filter=Q(mentions=user)))}
    return [GroupEntry(g, unread.get(g.pk, {}).get("n", 0), bool(unread.get(g.pk, {}).get("mine")))
            for g in groups]


def access_group(user, pk) -> Group:
    """Members only: anyone else, whatever their standing, finds nothing (404)."""
    return fetch(user, Group.objects.select_related("organization"), pk, need=Need.READ,
                 organization=access.NOWHERE, relations=[GROUP_MEMBER])


def access_message_attachment(user, pk) -> MessageAttachment:
    return fetch(user, MessageAttachment.objects.select_related("message__group__organization"), pk,
                 need=Need.READ, organization=access.NOWHERE, relations=[GROUP_MEMBER.of("message.group")])


def _messages(group: Group) -> QuerySet[Message]:
    return (Message.objects.filter(group=group).select_related("reply_to")
            .prefetch_related("attachments"))


def latest_messages(group: Group, *, before: int | None = None) -> tuple[list[Message], bool]:
    """A page of messages, oldest first on the page: the latest, or those before the key `before` (older on
    demand). Keyed by id on the (group, id) index: as fast at message 50,000 as at message 50."""
    qs = _messages(group)
    if before:
        qs = qs.filter(id__lt=before)
    page = list(qs.order_by("-id")[: MESSAGE_PAGE + 1])
    more = len(page) > MESSAGE_PAGE
    return list(reversed(page[:MESSAGE_PAGE])), more


def new_messages(group: Group, after: int) -> list[Message]:
    """Only what came after the key `after` (the htmx poll)."""
    return list(_messages(group).filter(id__gt=after).order_by("id")[:POLL_MAX])


def search_messages(group: Group, query: str) -> list[Message]:
    words = [w for w in re.split(r"\s+", query.strip()) if w][:5]
    if not words:
        return []
    qs = _messages(group)
    for word in words:
        qs = qs.filter(text__icontains=word[:50])
    return list(qs.order_by("-id")[:50])


def group_people(group: Group) -> QuerySet[User]:
    """Who is in the group now: for an organization's group, the accounts with an active member file or a role
    grant in its subtree (read now, never stored); for a custom group, its rows."""
    if group.kind == Group.Kind.CUSTOM:
        return User.objects.filter(is_active=True, pk__in=GroupMember.objects.filter(group=group).values("user"))
    path = group.organization.path
    files = Member.objects.filter(subtree_q(path, "organization__path"), status=Member.Status.ACTIVE,
                                  user__isnull=False).values("user")
    grants = RoleGrant.objects.filter(subtree_q(path, "organization__path")).values("user")
    return User.objects.filter(Q(pk__in=files) | Q(pk__in=grants), is_active=True)


def mentioned_users(group: Group, text: str) -> list[User]:
    """The group's people named by "@name" in `text` (by their member file's name or their display name)."""
    names = {n for n in re.findall(r"@([^\s@，。,.:：;；!?！？]{1,30})", text)}
    if not names:
        return []
    people = group_people(group)
    by_file = Member.objects.filter(name__in=names, user__in=people).values("user")
    return list(people.filter(Q(pk__in=by_file) | Q(display_name__in=names) | Q(username__in=names))[:50])


def read_place(user, group: Group) -> int:
    return GroupRead.objects.filter(user=user, group=group).values_list("last_id", flat=True).first() or 0


def quiet_hours_of(user) -> QuietHours | None:
    return QuietHours.objects.filter(user=user).first()


def quiet_users(users, moment) -> set[int]:
    """The ids of those among `users` who are in their quiet hours at `moment` (one query)."""
    return {q.user_id for q in QuietHours.objects.filter(user__in=users) if q.covers(moment)}


# ---------------------------------------------------------------------------------------------------------------
# Robots


def access_robot(user, pk, *, need: Need = Need.MANAGE) -> Robot:
    return fetch(user, Robot.objects.select_related("organization"), pk, need=need)


def access_push(user, pk) -> Push:
    return fetch(user, Push.objects.select_related("robot__organization"), pk, need=Need.MANAGE,
                 organization="robot.organization")


def robot_list(user) -> QuerySet[Robot]:
    failed = Push.objects.filter(robot=OuterRef("pk"), status=Push.Status.FAILED)
    waiting = Push.objects.filter(robot=OuterRef("pk"), status=Push.Status.PENDING)
    return (Robot.objects.filter(scope_q(user, Need.MANAGE, "organization__path")).select_related("organization")
            .annotate(has_failed=Exists(failed), has_waiting=Exists(waiting)))


def robot_pushes(robot: Robot) -> list[Push]:
    return list(robot.pushes.order_by("-created_at", "-id")[:50])


def robots_for(organizations, flag: str) -> QuerySet[Robot]:
    return Robot.objects.filter(organization__in=organizations, enabled=True, **{flag: True})
