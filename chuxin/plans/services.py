"""Writes to plans, items, tasks and their progress.

Every service checks its actor first, whoever calls it (MANAGE on the plan's organization, or the relation a
step allows: an assignee reports progress, the plan's owner confirms); then the rules that span rows (scope of
people and departments, dates, versions), runs full_clean, saves in a transaction with its audit entry, and
notifies the people concerned (notifications are idempotent, so a retried write never notifies twice).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record, diff, snapshot
from chuxin.core.access import Need, authorize, can
from chuxin.core.models import IdempotencyKey, next_position
from chuxin.members.models import Member
from chuxin.notifications.services import notify
from chuxin.records.selectors import has_records
from chuxin.records.services import record_work

from . import selectors
from .access import ASSIGNEE
from .models import DEFAULT_AREAS, Milestone, Plan, PlanArea, PlanItem, ProgressUpdate, Task, TaskAssignment
from .states import TASKS

KEEP = object()  # task_update: leave the people as they are


@dataclass(frozen=True)
class TaskOrigin:
    """What a task carries out, when another app's work made it (see Task.origin_*)."""

    target: Any  # the model instance (a directive's recipient row...)
    label: str
    url: str
    organization: Any  # whose readers may follow the link


class StaleTask(ValidationError):
    """The task changed after the user opened it; `latest` is the task as it is now."""

    def __init__(self, latest: Task):
        super().__init__(_("The task changed since you opened it; here is the latest. Your note is kept below."))
        self.latest = latest


def _send(*, recipient, kind: str, target, title: str, url: str, actor, dedup_key: str = "", params=None) -> None:
    """`title`: the message untranslated (gettext_noop), `params` its parameters; each reader gets it in their
    own language. The `actor` (whose action it reports) is never told of it."""
    notify(recipient=recipient, kind=kind, target=target, title=title, url=url, dedup_key=dedup_key, params=params,
           actor=actor)


def task_url(task: Task) -> str:
    return reverse("plans:task", args=[task.pk])


# ---------------------------------------------------------------------------------------------------------------
# Areas


def _default_areas_ensure(organization) -> bool:
    """Write the six standard areas for an organization that has none; whether it did."""
    if PlanArea.objects.filter(organization=organization).exists():
        return False
    PlanArea.objects.bulk_create(
        [PlanArea(organization=organization, name=name, order=(i + 1) * 10) for i, name in enumerate(DEFAULT_AREAS)],
        ignore_conflicts=True,  # a double click racing this one
    )
    return True


@transaction.atomic
def areas_add_defaults(*, actor, organization) -> bool:
    """The explicit action on the areas page of an organization without areas (a plan's creation does the same)."""
    authorize(actor, organization, Need.MANAGE)
    if not _default_areas_ensure(organization):
        return False
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, organization=organization,
                 target_repr=_("plan areas of %(org)s") % {"org": organization.name})
    return True


@transaction.atomic
def areas_save(*, actor, organization, rows: Iterable[tuple[PlanArea | None, str]]) -> None:
    """Rename and add areas in one go: rows of (existing area or None, name). A new area comes last."""
    authorize(actor, organization, Need.MANAGE)
    for area, name in rows:
        name = (name or "").strip()
        if area is None:
            if not name:
                continue
            area = PlanArea(organization=organization,
                            order=next_position(PlanArea.objects.filter(organization=organization), "order"))
        elif area.organization_id != organization.pk:
            raise PermissionDenied
        area.name = name
        area.full_clean()
        try:
            with transaction.atomic():
                area.save()
        except IntegrityError as exc:
            raise ValidationError(_("Two areas cannot have the same name: %(name)s") % {"name": name}) from exc
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, organization=organization,
                 target_repr=_("plan areas of %(org)s") % {"org": organization.name})


@transaction.atomic
def area_move(*, actor, area: PlanArea, up: bool) -> bool:
    """Move an area one place up or down among its organization's areas (they are renumbered 10, 20, 30... in
    their order as shown). Whether it moved (the first cannot go up, the last down)."""
    if not can(actor, area.organization, Need.MANAGE):
        raise PermissionDenied
    areas = list(PlanArea.objects.select_for_update().filter(organization_id=area.organization_id)
                 .order_by("order", "id"))
    at = next((i for i, a in enumerate(areas) if a.pk == area.pk), None)
    to = None if at is None else at - 1 if up else at + 1
    if to is None or not 0 <= to < len(areas):
        return False
    before = " / ".join(a.name for a in areas)
    areas[at], areas[to] = areas[to], areas[at]
    for n, a in enumerate(areas, start=1):
        a.order = n * 10
    PlanArea.objects.bulk_update(areas, ["order"])
    # On the area moved; the change is the order of all of them (a field of the area, so the log names it).
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=area, organization=area.organization,
                 changes={"order": [before, " / ".join(a.name for a in areas)]})
    return True


# ---------------------------------------------------------------------------------------------------------------
# Plans and items

PLAN_FIELDS = ["year", "title", "owner"]


def _check_owner(plan: Plan) -> None:
    owner = plan.owner
    if not selectors.owner_choices(plan.organization).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("%(name)s is outside this organization; choose someone inside it.")
                               % {"name": owner}})


@transaction.atomic
def plan_create(*, actor, organization, year: int, title: str, owner, token: str = "") -> Plan:
    """`token`: the form's one-time token; the same form sent twice answers with the plan it made."""
    authorize(actor, organization, Need.MANAGE)
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Plan, create=lambda: _plan_create(
        actor=actor, organization=organization, year=year, title=title, owner=owner))


def _plan_create(*, actor, organization, year: int, title: str, owner) -> Plan:
    if Plan.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": _("%(org)s already has a plan for %(year)s.")
                               % {"org": organization.name, "year": year}})
    plan = Plan(organization=organization, year=year, title=title, owner=owner)
    plan.full_clean()
    _check_owner(plan)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # a twin saved between the check and the insert
        raise ValidationError({"year": _("This organization already has a plan for that year.")}) from exc
    _default_areas_ensure(organization)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=plan, organization=organization)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, **fields: Any) -> Plan:
    authorize(actor, plan.organization, Need.MANAGE)
    before = snapshot(plan, PLAN_FIELDS)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    _check_owner(plan)
    plan.save()
    changes = diff(plan, before, PLAN_FIELDS)
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=plan, organization=plan.organization,
                     changes=changes)
    return plan


@transaction.atomic
def plan_publish(*, actor, plan: Plan) -> Plan:
    """Publish the plan: its tasks appear on the assignees' workbenches and each assignee is told once."""
    authorize(actor, plan.organization, Need.MANAGE)
    if plan.is_published:
        return plan
    plan.status, plan.published_at = Plan.Status.PUBLISHED, timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=plan, organization=plan.organization,
                 changes={"status": ["draft", "published"]})
    for a in TaskAssignment.objects.filter(task__plan_item__plan=plan).select_related("task", "member__user"):
        _notify_assigned(a.task, a.member, actor)
    # Tasks confirmed while the plan was a draft become real work now: recorded on the day they were confirmed.
    for task in Task.objects.filter(plan_item__plan=plan, status=Task.Status.DONE).select_related(
            "plan_item__plan__organization"):
        _record_done(task, actor)
    return plan


ITEM_FIELDS = ["area", "title", "description", "order"]


def _check_item(item: PlanItem) -> None:
    if item.area.organization_id != item.plan.organization_id:
        raise ValidationError({"area": _("This area belongs to another organization.")})


def _last_in_area(plan: Plan, area) -> int:
    return next_position(PlanItem.objects.filter(plan=plan, area=area), "order")


@transaction.atomic
def plan_item_create(*, actor, plan: Plan, token: str = "", **fields: Any) -> PlanItem:
    """Add an item to the plan; without an `order` it comes last in its area."""
    authorize(actor, plan.organization, Need.MANAGE)
    def create() -> PlanItem:
        item = PlanItem(plan=plan, **fields)
        if "order" not in fields and item.area_id:
            item.order = _last_in_area(plan, item.area_id)
        item.full_clean()
        _check_item(item)
        item.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=item, organization=plan.organization)
        return item

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=PlanItem, create=create)


@transaction.atomic
def plan_item_update(*, actor, item: PlanItem, **fields: Any) -> PlanItem:
    """Change an item; moved to another area (without an `order`), it comes last there."""
    authorize(actor, item.plan.organization, Need.MANAGE)
    before = snapshot(item, ITEM_FIELDS)
    for name, value in fields.items():
        setattr(item, name, value)
    if "order" not in fields and item.area_id != before["area"].pk:
        item.order = _last_in_area(item.plan, item.area_id)
    item.full_clean()
    _check_item(item)
    item.save()
    changes = diff(item, before, ITEM_FIELDS)
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=item, organization=item.plan.organization,
                     changes=changes)
    return item


# ---------------------------------------------------------------------------------------------------------------
# Tasks

TASK_FIELDS = ["title", "description", "department", "start_on", "due_on"]


def _check_task(task: Task, organization) -> None:
    if task.department_id and not selectors.allowed_departments(organization).filter(pk=task.department_id).exists():
        raise ValidationError({"department": _("The department %(dept)s is outside %(org)s and its work unit.")
                               % {"dept": task.department.name, "org": organization.name}})


def _person(value, field_name: str) -> Member | None:
    """A task's person is a member file. An account given instead (a caller holding the logged-in user) stands
    for its person's file; an account without one cannot hold a task."""
    if value is None or isinstance(value, Member):
        return value
    member = Member.objects.filter(user_id=value.pk).select_related("user").first()
    if member is None:
        raise ValidationError({field_name: _("%(name)s has no member file, so cannot be given a task; choose a "
                                             "member.") % {"name": value}})
    return member


def _people(lead, responsible, cooperating) -> tuple:
    return (_person(lead, "lead"), _person(responsible, "responsible"),
            [_person(m, "cooperating") for m in cooperating])


def _check_people(organization, lead, responsible, cooperating) -> None:
    chosen = [("lead", lead), ("responsible", responsible)] + [("cooperating", m) for m in cooperating]
    ids = {m.pk for _f, m in chosen if m is not None}
    inside = set(selectors.eligible_people(organization).filter(pk__in=ids).values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    for field_name, member in chosen:
        if member is not None and member.pk not in inside:
            errors.setdefault(field_name, []).append(
                _("%(name)s is outside %(org)s; only the members of its organizations can be assigned.")
                % {"name": member, "org": organization.name}
            )
    seen: set[int] = set()
    for field_name, member in chosen:
        if member is None:
            continue
        if member.pk in seen:
            errors.setdefault(field_name, []).append(
                _("%(name)s already has another role on this task; one role per person.") % {"name": member}
            )
        seen.add(member.pk)
    if errors:
        raise ValidationError(errors)


def _notify_assigned(task: Task, member: Member, actor) -> None:
    """A person with a login is told themself; for one without, whoever answers for their organization (its
    secretary, nearest up the tree) is told to pass it on, and sees it on their workbench until the person has an
    account (selectors.workbench_items)."""
    if member.user_id is not None:
        _send(recipient=member.user, kind="assigned", target=task, url=task_url(task), actor=actor,
              title=gettext_noop("You have been assigned: %(task)s"), params={"task": task.title})
        return
    for secretary in selectors.passers_on(member.organization):
        _send(recipient=secretary, kind="assigned", target=task, url=task_url(task), actor=actor,
              title=gettext_noop("Tell %(person)s (no login) of a new task: %(task)s"),
              params={"person": member.name, "task": task.title}, dedup_key=f"pass-on:{member.pk}")


def _tell_people(task: Task, *, actor, kind: str, title: str, dedup_key: str = "", url: str | None = None) -> None:
    """Tell the task's people with a login (the others hear it from their secretary, who sees the task)."""
    for a in task.assignments.select_related("member__user"):
        if a.member.user_id is not None:
            _send(recipient=a.member.user, kind=kind, target=task, url=task_url(task) if url is None else url,
                  actor=actor, title=title, params={"task": task.title}, dedup_key=dedup_key)


def _set_people(task: Task, lead, responsible, cooperating) -> list:
    """Make the assignments match the chosen people (member files); returns the people newly assigned."""
    wanted = {}
    for member in cooperating:
        wanted[member.pk] = (member, TaskAssignment.Role.COOPERATING)
    if responsible is not None:
        wanted[responsible.pk] = (responsible, TaskAssignment.Role.RESPONSIBLE)
    if lead is not None:
        wanted[lead.pk] = (lead, TaskAssignment.Role.LEAD)
    current = {a.member_id: a for a in task.assignments.all()}
    task.assignments.exclude(member_id__in=list(wanted)).delete()
    # Clear changed roles first, so the one-lead / one-responsible constraints never see two at once.
    changed = [a for mid, a in current.items() if mid in wanted and a.role != wanted[mid][1]]
    TaskAssignment.objects.filter(pk__in=[a.pk for a in changed]).delete()
    added = []
    for mid, (member, role) in wanted.items():
        if mid in current and current[mid].role == role:
            continue
        TaskAssignment.objects.create(task=task, member=member, role=role)
        if mid not in current:
            added.append(member)
    return added


def _people_repr(task: Task) -> str:
    """The task's people as one line for the audit log, e.g. "lead: A; responsible: B; cooperating: C, D"."""
    roles: dict[str, list[str]] = {}
    for a in task.assignments.select_related("member").order_by("role", "member_id"):
        roles.setdefault(a.role, []).append(str(a.member))
    return "; ".join(f"{role}: {', '.join(roles[role])}" for role in TaskAssignment.Role.values if role in roles)


@transaction.atomic
def task_assign(*, actor, task: Task, lead, responsible, cooperating: Iterable,
                audit: bool = True) -> Task:
    """Make the task's people the chosen ones. The change is audited, unless the caller records it itself
    (task_create puts the people in its own entry)."""
    plan = task.plan_item.plan
    authorize(actor, plan.organization, Need.MANAGE)
    lead, responsible, cooperating = _people(lead, responsible, cooperating)
    _check_people(plan.organization, lead, responsible, cooperating)
    before = _people_repr(task) if audit else ""
    added = _set_people(task, lead, responsible, cooperating)
    if audit:
        after = _people_repr(task)
        if after != before:
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=task, organization=plan.organization,
                         changes={"people": [before, after]})
    if plan.is_published:
        for member in added:
            _notify_assigned(task, member, actor)
    return task


@transaction.atomic
def task_create(
    *, actor, plan_item: PlanItem, title: str, start_on: datetime.date, due_on: datetime.date,
    description: str = "", department=None, lead=None, responsible=None, cooperating: Iterable = (),
    token: str = "", origin: TaskOrigin | None = None,
) -> Task:
    """Create a task with its people. A form submitted twice carries the same one-time token and gets the first
    task (IdempotencyKey). `origin`: the piece of work the task carries out (a directive from above received by
    the plan's organization: directives.services.directive_task_add checks that and moves the directive on)."""
    authorize(actor, plan_item.plan.organization, Need.MANAGE)

    def create() -> Task:
        task = Task(plan_item=plan_item, title=title, description=description, department=department,
                    start_on=start_on, due_on=due_on)
        if origin is not None:
            task.origin_type, task.origin_id = origin.target._meta.label_lower, origin.target.pk
            task.origin_label, task.origin_url = origin.label[:200], origin.url[:300]
            task.origin_organization = origin.organization
        task.full_clean()
        organization = plan_item.plan.organization
        _check_task(task, organization)
        chosen_lead, chosen_responsible, people = _people(lead, responsible, cooperating)
        _check_people(organization, chosen_lead, chosen_responsible, people)
        task.save()
        task_assign(actor=actor, task=task, lead=chosen_lead, responsible=chosen_responsible, cooperating=people,
                    audit=False)
        assigned = _people_repr(task)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=task, organization=organization,
                     changes={"people": ["", assigned]} if assigned else None)
        return task

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Task, create=create)


@transaction.atomic
def task_update(
    *, actor, task: Task, expected_version: int, lead=KEEP, responsible=KEEP, cooperating: Iterable | object = KEEP,
        **fields: Any,
) -> Task:
    """Change a task's fields and, when given, its people. A version older than the stored one is refused with
    StaleTask, so an edit never silently overwrites progress or another edit made meanwhile."""
    authorize(actor, task.plan_item.plan.organization, Need.MANAGE)
    stored = Task.objects.select_for_update().select_related("plan_item__plan__organization").get(pk=task.pk)
    if stored.version != expected_version:
        raise StaleTask(stored)
    before = snapshot(stored, TASK_FIELDS)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean()
    organization = stored.plan_item.plan.organization
    _check_task(stored, organization)
    stored.version = F("version") + 1
    stored.save()
    stored.refresh_from_db()
    if not (lead is KEEP and responsible is KEEP and cooperating is KEEP):
        people = {a.role: a.member for a in stored.assignments.select_related("member__user")}
        task_assign(
            actor=actor, task=stored,
            lead=people.get(TaskAssignment.Role.LEAD) if lead is KEEP else lead,
            responsible=people.get(TaskAssignment.Role.RESPONSIBLE) if responsible is KEEP else responsible,
            cooperating=[a.member for a in stored.assignments.filter(role=TaskAssignment.Role.COOPERATING)]
            if cooperating is KEEP else cooperating,
        )
    changes = diff(stored, before, TASK_FIELDS)
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=stored, organization=organization,
                     changes=changes)
    return stored


@transaction.atomic
def progress_update(
    *, actor, task: Task, progress: int, note: str = "", attachment=None, expected_version: int, token: str = "",
) -> ProgressUpdate:
    """An assignee reports progress. The write is refused when the task moved on since the form was opened
    (StaleTask carries the latest state); reaching 100% submits the task to the plan's owner. The same form sent
    twice (`token`) records one update and answers with it."""
    status, step = (Task.Status.SUBMITTED, "submit") if progress >= 100 else (Task.Status.IN_PROGRESS, "progress")
    TASKS.require(actor, task, step)
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=ProgressUpdate, create=lambda: (
        _progress_update(actor=actor, task=task, progress=progress, note=note, attachment=attachment,
                         expected_version=expected_version, status=status, step=step)))


def _progress_update(*, actor, task: Task, progress: int, note: str, attachment, expected_version: int,
                     status: str, step: str) -> ProgressUpdate:
    TASKS.check(task.status, status, via=step)
    update = ProgressUpdate(task=task, author=actor, progress=progress, note=note or "",
                            attachment=attachment or "")
    update.full_clean()
    # The version check and the write are one UPDATE, so two racing updates cannot both pass.
    changed = Task.objects.filter(pk=task.pk, version=expected_version).exclude(status=Task.Status.DONE).update(
        progress=progress, status=status, version=F("version") + 1, updated_at=timezone.now()
    )
    if not changed:
        raise StaleTask(Task.objects.get(pk=task.pk))
    before = {"progress": str(task.progress), "status": task.status}
    update.save()
    task.refresh_from_db(fields=["progress", "status", "version", "updated_at"])
    plan = task.plan_item.plan
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=update, organization=plan.organization,
                 changes={"progress": [before["progress"], str(progress)], "status": [before["status"], status]})
    if status == Task.Status.SUBMITTED:
        _send(recipient=plan.owner, kind="assigned", target=task, url=task_url(task), actor=actor,
              title=gettext_noop("Please confirm completion: %(task)s"), params={"task": task.title},
              dedup_key=f"confirm:{task.version}")
    return update


@transaction.atomic
def task_confirm_complete(*, actor, task: Task) -> Task:
    TASKS.require(actor, task, "confirm")
    if task.status == Task.Status.DONE:
        return task
    TASKS.check(task.status, Task.Status.DONE, via="confirm")
    now, before = timezone.now(), task.status
    changed = Task.objects.filter(pk=task.pk).exclude(status=Task.Status.DONE).update(
        status=Task.Status.DONE, progress=100, confirmed_by=actor, confirmed_at=now,
        version=F("version") + 1, updated_at=now,
    )
    task.refresh_from_db()
    if not changed:
        return task
    organization = task.plan_item.plan.organization
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=task, organization=organization,
                 changes={"status": [before, Task.Status.DONE]})
    if task.plan_item.plan.is_published:  # a draft's tasks are not yet real work: recorded when it is published
        _record_done(task, actor)
    _tell_people(task, actor=actor, kind="accepted", title=gettext_noop("Completion confirmed: %(task)s"),
                 dedup_key=f"done:{task.version}")
    return task


def _record_done(task: Task, actor) -> None:
    """Collect once: a confirmed task of a published plan is a work record ("task_done") of the plan's
    organization, concerning its responsible person (else its lead): their member file, and their account when
    they have one; responsibility lists and report facts read it. Dated the day it was confirmed."""
    people = list(task.assignments.select_related("member__user"))
    responsible = next((a.member for a in people if a.role == TaskAssignment.Role.RESPONSIBLE), None)
    responsible = responsible or next((a.member for a in people if a.role == TaskAssignment.Role.LEAD), None)
    record_work(kind="task_done", organization=task.plan_item.plan.organization,
                on=timezone.localdate(task.confirmed_at), target=task, actor=actor,
                users=[responsible.user] if responsible is not None and responsible.user_id else [],
                members=[responsible] if responsible is not None else [], label=task.title, url=task_url(task))


@transaction.atomic
def task_reopen(*, actor, task: Task) -> Task:
    TASKS.require(actor, task, "reopen")
    if not TASKS.can(task.status, "reopen"):
        return task
    before = task.status
    Task.objects.filter(pk=task.pk).update(
        status=Task.Status.IN_PROGRESS, progress=min(task.progress, 90), confirmed_by=None, confirmed_at=None,
        version=F("version") + 1, updated_at=timezone.now(),
    )
    task.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=task,
                 organization=task.plan_item.plan.organization, changes={"status": [before, task.status]})
    _tell_people(task, actor=actor, kind="returned", title=gettext_noop("Reopened: %(task)s"),
                 dedup_key=f"reopen:{task.version}")
    return task


# ---------------------------------------------------------------------------------------------------------------
# Milestones


@transaction.atomic
def milestone_create(*, actor, task: Task, title: str, due_on: datetime.date, token: str = "") -> Milestone:
    authorize(actor, task.plan_item.plan.organization, Need.MANAGE)

    def create() -> Milestone:
        milestone = Milestone(task=task, title=title, due_on=due_on)
        milestone.full_clean()
        if not (task.start_on <= due_on <= task.due_on):
            raise ValidationError({"due_on": _("A milestone falls between the task's start and due dates.")})
        milestone.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=milestone,
                     organization=task.plan_item.plan.organization)
        return milestone

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Milestone, create=create)


@transaction.atomic
def milestone_toggle(*, actor, milestone: Milestone) -> Milestone:
    """Tick a milestone done, or not done again: a manager of the plan's organization or an assignee."""
    authorize(actor, milestone.task.plan_item.plan.organization, Need.MANAGE, obj=milestone.task,
              relations=[ASSIGNEE.granting(Need.MANAGE)])
    before = milestone.done_on
    milestone.done_on = None if milestone.done_on else timezone.localdate()
    milestone.save(update_fields=["done_on", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=milestone,
                 organization=milestone.task.plan_item.plan.organization,
                 changes={"done_on": [str(before or ""), str(milestone.done_on or "")]})
    return milestone


# ---------------------------------------------------------------------------------------------------------------
# Undoing a mistake: a task or an item made by mistake is deleted, while nothing has been done on it.


def task_delete_refusal(task: Task) -> str:
    """Why the task cannot be deleted ("" when it can): progress reported, a milestone done, or a work record it
    produced (a confirmed task is on record for good). Up to three small queries."""
    if task.status != Task.Status.OPEN or task.progress or task.updates.exists():
        return _("Progress has been recorded on this task, so it cannot be deleted. Edit it instead.")
    if task.milestones.filter(done_on__isnull=False).exists():
        return _("A milestone of this task is done, so it cannot be deleted. Edit it instead.")
    if has_records(task):
        return _("This task is on record as work done, so it cannot be deleted.")
    return ""


@transaction.atomic
def task_delete(*, actor, task: Task) -> None:
    """Delete a task created by mistake (a manager of the plan's organization), only before any progress. Its
    people, once told of it (a published plan), are told it is gone; the audit log keeps what it was."""
    stored = Task.objects.select_for_update().select_related("plan_item__plan__organization").get(pk=task.pk)
    plan = stored.plan_item.plan
    if not can(actor, plan.organization, Need.MANAGE):
        raise PermissionDenied
    refusal = task_delete_refusal(stored)
    if refusal:
        raise ValidationError(refusal)
    people = _people_repr(stored)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=stored, organization=plan.organization,
                 changes={"people": [people, ""]} if people else None)
    if plan.is_published:
        _tell_people(stored, actor=actor, kind="withdrawn", url="",
                     title=gettext_noop("Deleted as made by mistake: %(task)s"))
    stored.delete()


def plan_item_delete_refusal(item: PlanItem) -> str:
    """Why the item cannot be deleted ("" when it can): it has tasks. One query."""
    if item.tasks.exists():
        return _("This item has tasks, so it cannot be deleted. Delete its tasks first (only tasks without "
                 "progress can be).")
    return ""


@transaction.atomic
def plan_item_delete(*, actor, item: PlanItem) -> None:
    """Delete an item created by mistake (a manager of the plan's organization), only while it has no tasks."""
    stored = PlanItem.objects.select_for_update().select_related("plan__organization").get(pk=item.pk)
    organization = stored.plan.organization
    if not can(actor, organization, Need.MANAGE):
        raise PermissionDenied
    refusal = plan_item_delete_refusal(stored)
    if refusal:
        raise ValidationError(refusal)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=stored, organization=organization)
    stored.delete()
