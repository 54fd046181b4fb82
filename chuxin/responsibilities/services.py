"""Writes to responsibility lists: making this year's lists, ticking items off from recorded work or by hand,
and editing an organization's templates."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record, diff, snapshot
from chuxin.core.access import Need, authorize, rank_on
from chuxin.core.models import IdempotencyKey, next_position, url_of
from chuxin.orgs.models import Organization, Position
from chuxin.records.selectors import records_of_year

from .access import ITEM_HOLDER
from .defaults import DEFAULT_TEMPLATES, default_item
from .models import (
    EvidenceKind,
    EvidenceLink,
    Frequency,
    ListItem,
    PostKind,
    ResponsibilityList,
    ResponsibilityTemplate,
    TemplateItem,
)

# Which template a committee seat takes; every seat not named here carries the dual duty.
POST_FOR_POSITION: dict[str, str] = {
    Position.Kind.SECRETARY: PostKind.SECRETARY,
    Position.Kind.DISCIPLINE: PostKind.DISCIPLINE,
}


def post_kind_for(position: Position) -> str:
    return POST_FOR_POSITION.get(position.kind, PostKind.LEADER)


# --- templates -------------------------------------------------------------------------------------------------


def _defaults_home(organization: Organization) -> Organization:
    """Where default templates are made on first use: the topmost grassroots committee above (or at) the
    organization, so one set serves its whole unit; an organization with none above it gets its own."""
    paths = [*organization.ancestor_paths, organization.path]
    home = (
        Organization.objects.filter(path__in=paths, kind=Organization.Kind.GRASSROOTS_COMMITTEE)
        .order_by("path")
        .first()
    )
    return home or organization


def templates_create_defaults(organization: Organization) -> list[ResponsibilityTemplate]:
    """Give the organization the default template of every post it does not define yet."""
    have = set(organization.responsibility_templates.values_list("post_kind", flat=True))
    made = []
    for post_kind, (title, items) in DEFAULT_TEMPLATES.items():
        if post_kind in have:
            continue
        template = ResponsibilityTemplate.objects.create(organization=organization, post_kind=post_kind, title=title)
        TemplateItem.objects.bulk_create(
            TemplateItem(template=template, sort_order=i * 10, **default_item(row))
            for i, row in enumerate(items, start=1)
        )
        made.append(template)
    return made


def template_for(organization: Organization, post_kind: str) -> ResponsibilityTemplate:
    """The template that applies: the nearest one defined at the organization or above; defaults on first use."""
    paths = [*organization.ancestor_paths, organization.path]
    found = (
        ResponsibilityTemplate.objects.filter(organization__path__in=paths, post_kind=post_kind)
        .order_by("-organization__path")
        .first()
    )
    if found is None:
        templates_create_defaults(_defaults_home(organization))
        found = (
            ResponsibilityTemplate.objects.filter(organization__path__in=paths, post_kind=post_kind)
            .order_by("-organization__path")
            .first()
        )
    return found


# --- making lists ----------------------------------------------------------------------------------------------


def _list_get_or_create(
    *, template: ResponsibilityTemplate, organization: Organization, year: int, holder_key: str, **holder: Any
) -> ResponsibilityList:
    # Looked up by post, not template: an organization adopting templates of its own mid-year must not give
    # anyone a second list for the same post.
    existing = ResponsibilityList.objects.filter(
        organization=organization, post_kind=template.post_kind, holder_key=holder_key, year=year
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not spoil the caller's transaction
            rlist = ResponsibilityList.objects.create(
                template=template, organization=organization, post_kind=template.post_kind, year=year,
                holder_key=holder_key, **holder,
            )
    except IntegrityError:
        return ResponsibilityList.objects.get(
            organization=organization, post_kind=template.post_kind, holder_key=holder_key, year=year
        )
    ListItem.objects.bulk_create(
        ListItem(
            list=rlist, template_item=item, text=item.text, evidence_kind=item.evidence_kind,
            required_count=item.required_count, frequency=item.frequency, sort_order=item.sort_order,
        )
        for item in template.items.all()
    )
    return rlist


def committee_list_ensure(*, organization: Organization, year: int) -> ResponsibilityList:
    return _list_get_or_create(
        template=template_for(organization, PostKind.COMMITTEE), organization=organization, year=year, holder_key=""
    )


def responsibility_list_ensure(*, position: Position, year: int | None = None) -> list[ResponsibilityList]:
    """This year's list for the person holding the position, and the organization's committee list.

    Called when a position is created or changed; idempotent. A position that does not run during the year
    makes nothing.
    """
    year = year or timezone.localdate().year
    if position.started_on.year > year or (position.ended_on and position.ended_on.year < year):
        return []
    organization = position.organization
    if position.member_id:
        holder_key, holder = f"m:{position.member_id}", {
            "holder_member": position.member, "holder_name": position.member.name,
        }
    else:
        holder_key, holder = f"n:{position.person_name}", {"holder_name": position.person_name}
    own = _list_get_or_create(
        template=template_for(organization, post_kind_for(position)), organization=organization, year=year,
        holder_key=holder_key, position=position, **holder,
    )
    return [own, committee_list_ensure(organization=organization, year=year)]


def lists_ensure_for_year(year: int) -> int:
    """Lists for every position running during the year (the management command and the demo)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    positions = (
        Position.objects.filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("organization", "member")
    )
    made = 0
    for position in positions:
        with transaction.atomic():
            made += len(responsibility_list_ensure(position=position, year=year))
    return made


# --- evidence: ticking items off from recorded work ------------------------------------------------------------

EVIDENCE_KINDS = {
    EvidenceKind.TASK_DONE, EvidenceKind.REPORT_FILED, EvidenceKind.REPORT_ACCEPTED, EvidenceKind.DIRECTIVE_DONE,
    EvidenceKind.MEETING_HELD, EvidenceKind.LECTURE_GIVEN, EvidenceKind.LIFE_MEETING_HELD,
    EvidenceKind.EVALUATION_CONCLUDED, EvidenceKind.TALK_HELD,
}


def evidence_record(*, kind: str, organization: Organization | None, user, on: datetime.date, target,
                    frequency: str = "") -> list[ListItem]:
    """Count a piece of work towards the open list items it proves (see `_count`); for callers holding the
    target itself. The work-record stream reaches the same code through `evidence_from_record`."""
    users = [user] if user is not None and getattr(user, "is_authenticated", False) else []
    return _count(kind=kind, organization=organization, users=users, on=on,
                  target_type=target._meta.label_lower, target_id=str(target.pk), label=str(target)[:200],
                  url=url_of(target), frequency=frequency)


def evidence_from_record(record) -> list[ListItem]:
    """The registered consumer of work records (chuxin.records): runs in the producer's transaction. A record
    whose kind carries a frequency (a report's) passes it on, so only duties of that frequency count it."""
    users = getattr(record, "_users", None)
    if users is None:
        users = list(record.users.all())
    members = getattr(record, "_members", None)  # a task's person without a login holds a list by member file
    if members is None:
        members = list(record.members.all())
    return _count(kind=record.kind, organization=record.organization, users=users, members=members, on=record.on,
                  target_type=record.target_type, target_id=record.target_id, label=record.label, url=record.url,
                  frequency=str((record.payload or {}).get("frequency") or ""))


def evidence_replay(year: int) -> int:
    """Count the year's recorded work again (lists made after the work was recorded, the demo, a back-fill).
    Each record counts once per item, so running it again changes nothing. Returns the items touched."""
    touched = 0
    for record in records_of_year(year, kinds=EVIDENCE_KINDS):
        touched += len(evidence_from_record(record))
    return touched


def _count(*, kind: str, organization: Organization | None, users: list, on: datetime.date, target_type: str,
           target_id: str, label: str, url: str, frequency: str = "", members: list = ()) -> list[ListItem]:
    """Count a recorded piece of work towards the open list items it proves.

    Items touched: open items of that evidence kind in the year of `on`, on the lists the users hold and on
    the committee list of `organization`, whose frequency is the record's or empty (any): a monthly report
    ticks the monthly duties and those asking for any report, never a yearly one; a record without a frequency
    ticks only duties without one. Each record counts once per item (EvidenceLink's unique constraint); an item
    is done when its count reaches the required number. Runs in the caller's transaction (a savepoint of its
    own). Returns the items touched.
    """
    if kind not in EVIDENCE_KINDS:
        raise ValueError(f"unknown evidence kind {kind!r}")
    if isinstance(on, datetime.datetime):
        on = on.date()
    owners = Q(pk__in=[])
    for user in users:
        owners |= Q(holder_user=user) | Q(holder_member__user=user)
    if members:
        owners |= Q(holder_member__in=list(members))
    if organization is not None:
        owners |= Q(organization=organization, post_kind=PostKind.COMMITTEE)
    lists = ResponsibilityList.objects.filter(owners, year=on.year).values("pk")
    with transaction.atomic():
        # Lock the open items so two records arriving together both count (no lost increment).
        items = list(
            ListItem.objects.select_for_update()
            .filter(list__in=lists, evidence_kind=kind, done_at__isnull=True,
                    frequency__in={Frequency.ANY, frequency})
            .order_by("pk")
        )
        if not items:
            return []
        counted = set(
            EvidenceLink.objects.filter(item__in=items, target_type=target_type, target_id=target_id).values_list(
                "item_id", flat=True
            )
        )
        items = [item for item in items if item.pk not in counted]
        if not items:
            return []
        EvidenceLink.objects.bulk_create(
            EvidenceLink(item=item, target_type=target_type, target_id=target_id, on=on) for item in items
        )
        now = timezone.now()
        for item in items:
            item.done_count += 1
            item.done_source_type, item.done_source_id = target_type, target_id
            item.done_source_label, item.done_source_url = label[:200], url[:300]
            fields = ["done_count", "done_source_type", "done_source_id", "done_source_label", "done_source_url",
                      "updated_at"]
            if item.done_count >= item.required_count:
                item.done_at = now
                fields.append("done_at")
            item.save(update_fields=fields)
    return items


# --- lists made from records and by the daily housekeeping ----------------------------------------------------


def lists_from_record(record) -> None:
    """The registered consumer of "position_taken": the seat's holder gets the year's list."""
    position = Position.objects.select_related("organization", "member").filter(pk=record.target_id).first()
    if position is not None:
        responsibility_list_ensure(position=position, year=record.payload.get("year"))


def lists_ensure_housekeeping(today: datetime.date) -> None:
    """On the daily run's first pass of a new year, the year's lists for every seat (nothing else would make
    them until a seat changes)."""
    if not ResponsibilityList.objects.filter(year=today.year).exists():
        lists_ensure_for_year(today.year)


# --- by hand ---------------------------------------------------------------------------------------------------


@transaction.atomic
def list_item_mark_done(*, actor, item: ListItem, note: str = "") -> ListItem:
    authorize(actor, item.list.organization, Need.MANAGE, obj=item, relations=[ITEM_HOLDER])
    item = ListItem.objects.select_for_update().select_related("list__organization").get(pk=item.pk)
    if item.is_done:
        raise ValidationError(_("This duty is already marked done."))
    item.done_note = note.strip()[:500]
    item.done_count = max(item.done_count, item.required_count)
    item.done_at = timezone.now()
    item.marked_by = actor
    item.full_clean()
    item.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=item, organization=item.list.organization,
        changes={"done": ["", "marked by hand"]},
    )
    return item


@transaction.atomic
def list_item_undo(*, actor, item: ListItem) -> ListItem:
    """Take back a mark made by hand; what recorded work proved stays counted."""
    authorize(actor, item.list.organization, Need.MANAGE, obj=item, relations=[ITEM_HOLDER])
    item = ListItem.objects.select_for_update().select_related("list__organization").get(pk=item.pk)
    if not item.is_done:
        raise ValidationError(_("This duty is not marked done."))
    evidence = item.evidence.count()
    if evidence >= item.required_count:
        raise ValidationError(_("This duty was completed by recorded work; it cannot be undone by hand."))
    item.done_count = evidence
    item.done_at = None
    item.done_note = ""
    item.marked_by = None
    item.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=item, organization=item.list.organization,
        changes={"done": ["marked by hand", ""]},
    )
    return item


# --- editing templates -----------------------------------------------------------------------------------------

ITEM_FIELDS = ["text", "evidence_kind", "required_count", "frequency", "sort_order"]


@transaction.atomic
def templates_adopt(*, actor, organization: Organization) -> list[ResponsibilityTemplate]:
    """Give the organization templates of its own to edit for its subtree: a copy of each template that applies
    to it now (from a committee above), or the defaults where none does."""
    authorize(actor, organization, Need.MANAGE)
    have = set(organization.responsibility_templates.values_list("post_kind", flat=True))
    paths = organization.ancestor_paths
    made = []
    for post_kind, (title, defaults) in DEFAULT_TEMPLATES.items():
        if post_kind in have:
            continue
        source = (
            ResponsibilityTemplate.objects.filter(organization__path__in=paths, post_kind=post_kind)
            .order_by("-organization__path")
            .first()
        )
        rows = (
            [(i.text, i.evidence_kind, i.required_count, i.frequency) for i in source.items.order_by("sort_order", "pk")]
            if source else defaults
        )
        template = ResponsibilityTemplate.objects.create(
            organization=organization, post_kind=post_kind, title=source.title if source else title
        )
        TemplateItem.objects.bulk_create(
            TemplateItem(template=template, sort_order=i * 10, **default_item(row))
            for i, row in enumerate(rows, start=1)
        )
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=template, organization=organization)
        made.append(template)
    return made


@transaction.atomic
def template_item_save(*, actor, item: TemplateItem, before: dict | None = None, token: str = "") -> TemplateItem:
    """Add (before=None) or change a duty of a template; `token` makes a twice-sent add form add it once."""
    authorize(actor, item.template.organization, Need.MANAGE)
    if actor is not None and item.pk:  # a change: also where the stored duty stands
        stored = TemplateItem.objects.filter(pk=item.pk).values_list("template__organization__path", flat=True).first()
        if stored is not None and rank_on(actor, stored) < Need.MANAGE:
            raise PermissionDenied
    if before is None and token:
        return IdempotencyKey.objects.create_once(actor=actor, token=token, model=TemplateItem, create=lambda: (
            template_item_save(actor=actor, item=item)))
    if before is None and item.pk is None:  # a new duty comes after the template's others
        item.sort_order = next_position(TemplateItem.objects.filter(template=item.template_id), "sort_order")
    item.full_clean()
    item.save()
    organization = item.template.organization
    if before is None:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=item, organization=organization)
    else:
        changes = diff(item, before, ITEM_FIELDS)
        if changes:
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=item, organization=organization,
                         changes=changes)
    return item


@transaction.atomic
def template_item_delete(*, actor, item: TemplateItem) -> None:
    authorize(actor, item.template.organization, Need.MANAGE)
    organization = item.template.organization
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=item, organization=organization)
    item.delete()


def template_item_snapshot(item: TemplateItem) -> dict:
    return snapshot(item, ITEM_FIELDS)
