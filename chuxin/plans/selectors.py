"""Reads of plans and tasks, narrowed to what the user may see, with their relations fetched once."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from chuxin.accounts.models import Role, RoleGrant, User
from chuxin.core import registry
from chuxin.core.access import Need, Relation, fetch, has_any, holders_by_org, scope_q, scope_ranges
from chuxin.core.db import Bound, PreparedExists, PreparedRows, totals
from chuxin.core.links import id_url
from chuxin.core.paths import ranges_q, subtree_bounds, subtree_q
from chuxin.core.protocols import Fact, WorkItem
from chuxin.members.models import Member
from chuxin.members.selectors import member_search
from chuxin.orgs.models import Department, Organization

from .access import OWNER
from .models import DUE_SOON_DAYS, Plan, PlanArea, PlanItem, ProgressUpdate, Task, TaskAssignment

# ---------------------------------------------------------------------------------------------------------------
# Who and what a plan of an organization may reach


def eligible_people(organization: Organization) -> QuerySet[Member]:
    """Who may be given a task of this organization's plan: the members on the roll (active files) of its
    subtree, with or without a login."""
    return (
        Member.objects.filter(subtree_q(organization.path, "organization__path"), status=Member.Status.ACTIVE)
        .select_related("organization", "user")
        .order_by("name_pinyin", "id")
    )


# The people picker offers at most this many members for what was typed (a branch has dozens, a committee's
# subtree may hold 10,000): typing more of the name narrows it.
PEOPLE_SEARCH_MAX = 20


def people_search(organization: Organization, term: str, *, limit: int = PEOPLE_SEARCH_MAX) -> tuple[list, bool]:
    """Members of the plan's organization subtree for the picker: by name, pinyin or its initials (张三: 张,
    zhangsan, zs); (the first `limit`, whether there are more). One query."""
    rows = list(member_search(eligible_people(organization), term)[: limit + 1])
    return rows[:limit], len(rows) > limit


def passers_on(organization: Organization) -> list:
    """Who tells a member without a login of their tasks: the accounts answering for the member's organization
    at MANAGE (a secretary's grant, or the serving secretary's seat), else for the nearest organization above that
    has any (a Party group's members hear from their branch's secretary). Three queries."""
    chain = list(Organization.objects.filter(path__in=[*organization.ancestor_paths, organization.path]))
    found = holders_by_org(chain, Need.MANAGE, serving=True)
    for org in sorted(chain, key=lambda o: -len(o.path)):
        if found.get(org.pk):
            return found[org.pk]
    return []


def owner_choices(organization: Organization) -> QuerySet:
    """Who may own a plan (an account: the owner confirms its tasks): the accounts of the members of its
    subtree, the role holders there, or a secretary or Party-affairs worker of an organization above (the
    committee's worker often keeps a branch's plan)."""

    in_files = Member.objects.filter(
        subtree_q(organization.path, "organization__path"), status=Member.Status.ACTIVE, user__isnull=False
    ).values("user_id")
    with_roles = RoleGrant.objects.filter(subtree_q(organization.path, "organization__path")).values("user_id")
    above = RoleGrant.objects.filter(
        organization__path__in=organization.ancestor_paths, role__in=[Role.SECRETARY, Role.WORKER]
    ).values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=in_files) | Q(pk__in=with_roles) | Q(pk__in=above))
        .order_by("display_name", "username")
    )


def allowed_departments(organization: Organization) -> QuerySet[Department]:
    """Departments of the work units inside the organization's subtree, and of the unit it sits in: a branch
    inside a company works with the company's departments (whose unit hangs on the committee above), but never
    with a sibling branch's own unit."""
    q = subtree_q(organization.path, "work_unit__organization__path") | Q(
        work_unit__organization__path__in=organization.ancestor_paths
    )
    if organization.work_unit_id:
        q |= Q(work_unit_id=organization.work_unit_id)
    return Department.objects.filter(q).select_related("work_unit").order_by("work_unit__name", "sort_order", "name")


def area_list(organization: Organization) -> QuerySet[PlanArea]:
    """The organization's areas. Only reads: the defaults are written by services (plan_create, areas_add_defaults)."""
    return PlanArea.objects.filter(organization=organization).order_by("order", "id")


def plan_items_of_year(organization: Organization, year: int) -> QuerySet[PlanItem]:
    """The items of the organization's own plan for the year, in the plan's order (with their areas)."""
    return (
        PlanItem.objects.filter(plan__organization=organization, plan__year=year)
        .select_related("area", "plan")
        .order_by("area__order", "area_id", "order", "id")
    )


# ---------------------------------------------------------------------------------------------------------------
# Lists


def plan_list(user, *, year: int | None = None) -> QuerySet[Plan]:
    qs = Plan.objects.filter(scope_q(user, Need.READ, "organization__path")).select_related("organization", "owner")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "organization__path")


def plan_years(user) -> list[int]:
    return list(
        Plan.objects.filter(scope_q(user, Need.READ, "organization__path"))
        .order_by("-year").values_list("year", flat=True).distinct()
    )


@dataclass
class AreaGroup:
    area: PlanArea
    items: list[PlanItem] = field(default_factory=list)


def _task_people(task: Task) -> None:
    """Split the prefetched assignments into the three roles, for the table and the export."""
    task.lead = task.responsible = None
    task.cooperating = []
    for a in task.assignments.all():
        if a.role == TaskAssignment.Role.LEAD:
            task.lead = a.member
        elif a.role == TaskAssignment.Role.RESPONSIBLE:
            task.responsible = a.member
        else:
            task.cooperating.append(a.member)


def plan_table(plan: Plan) -> list[AreaGroup]:
    """The decomposition table: items grouped by area, each with its tasks and their people.

    Three queries whatever the plan's size: items with their areas, tasks with departments, assignments with
    their users."""
    tasks = Prefetch(
        "tasks",
        queryset=Task.objects.select_related("department").prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("member").order_by("role", "id"))
        ).order_by("due_on", "id"),
    )
    items = PlanItem.objects.filter(plan=plan).select_related("area").prefetch_related(tasks)
    groups: OrderedDict[int, AreaGroup] = OrderedDict()
    for item in items.order_by("area__order", "area_id", "order", "id"):
        for task in item.tasks.all():
            _task_people(task)
        groups.setdefault(item.area_id, AreaGroup(item.area)).items.append(item)
    return list(groups.values())


def plan_counts(groups: list[AreaGroup]) -> dict[str, int]:
    counts = {"items": 0, "tasks": 0, "done": 0, "overdue": 0, "due_soon": 0, "to_confirm": 0}
    for group in groups:
        for item in group.items:
            counts["items"] += 1
            for task in item.tasks.all():
                counts["tasks"] += 1
                if task.state in counts:
                    counts[task.state] += 1
    return counts


def plan_next_steps(groups: list[AreaGroup], user, *, can_confirm: bool) -> None:
    """Set `task.next_step` on every task of the table, for the phone cards' one button: "confirm" (submitted,
    and the user may confirm it), "progress" (an open task the user is assigned to) or "view". Reads only what
    plan_table prefetched: no query."""
    for group in groups:
        for item in group.items:
            for task in item.tasks.all():
                mine = any(a.member.user_id == user.pk for a in task.assignments.all())
                if task.status == Task.Status.SUBMITTED and can_confirm:
                    task.next_step = "confirm"
                elif mine and task.status in (Task.Status.OPEN, Task.Status.IN_PROGRESS):
                    task.next_step = "progress"
                else:
                    task.next_step = "view"


def task_history(task: Task) -> QuerySet[ProgressUpdate]:
    return task.updates.select_related("author").order_by("-created_at", "-id")


def task_with_people(task: Task) -> Task:
    task.assignment_list = list(task.assignments.select_related("member__user").order_by("role", "id"))
    task.lead = task.responsible = None
    task.cooperating = []
    for a in task.assignment_list:
        if a.role == TaskAssignment.Role.LEAD:
            task.lead = a.member
        elif a.role == TaskAssignment.Role.RESPONSIBLE:
            task.responsible = a.member
        else:
            task.cooperating.append(a.member)
    # People without a login: told through their secretary, who records their progress for them.
    task.without_login = [a.member for a in task.assignment_list if a.member.user_id is None]
    return task


# ---------------------------------------------------------------------------------------------------------------
# Single objects through the access policy


def access_plan(user, pk, *, need: Need) -> Plan:
    """A plan: its owner may read it (and confirm its tasks), even when their own standing lies lower."""
    return fetch(user, Plan.objects.select_related("organization", "owner"), pk, need=need, relations=[OWNER])


def access_plan_item(user, pk, *, need: Need) -> PlanItem:
    return fetch(user, PlanItem.objects.select_related("plan__organization", "plan__owner", "area"), pk, need=need,
                 organization="plan.organization")


def access_task(user, pk, *, need: Need, relations: Iterable[Relation] = ()) -> Task:
    """The task, if the user's standing on the plan's organization meets `need`, or one of `relations`
    (plans.access: ASSIGNEE, TASK_OWNER) lets them in: a member of a branch assigned a task of the committee's
    plan has no standing on the committee itself. Others: 404 without standing, 403 with too little."""
    return fetch(
        user,
        Task.objects.select_related("plan_item__plan__organization", "plan_item__plan__owner", "plan_item__area",
                                    "department__work_unit", "origin_organization"),
        pk, need=need, organization="plan_item.plan.organization", relations=relations,
    )


# ---------------------------------------------------------------------------------------------------------------
# For other apps: the workbench and periodic reports


def _my_tasks(user) -> tuple[QuerySet[Task], QuerySet[Task]]:
    """(My open tasks in published plans, tasks submitted to me as their plan's owner.)"""
    base = Task.objects.filter(plan_item__plan__status=Plan.Status.PUBLISHED)
    return (base.filter(assignments__member__user=user, status__in=[Task.Status.OPEN, Task.Status.IN_PROGRESS]),
            base.filter(plan_item__plan__owner=user, status=Task.Status.SUBMITTED))


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): my tasks, and where I manage, the tasks of
    people without a login whom I may have to tell."""
    if not user.is_authenticated:
        return []
    bounds = scope_ranges(user, Need.MANAGE)
    return [_PROBE.bind(user.pk), *([_PASS_ON_PROBE.bind(bounds)] if bounds else [])]


_PROBE = PreparedExists(lambda user_id: _my_tasks(user_id))
_PASS_ON_PROBE = PreparedExists(lambda bounds: _pass_on_rows(ranges_q(bounds, "member__organization__path")))


def workbench_items(user) -> list[WorkItem]:
    """My open tasks in published plans (assigned to me, not yet submitted), and tasks waiting for my
    confirmation as a plan's owner. Two queries whatever their number, read as plain values (a secretary may have
    hundreds: model instances and a reverse() per task cost more than the queries)."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    task_url = id_url("plans:task")
    labels = {value: str(label) for value, label in Task.Status.choices}  # once, not per task
    overdue_label, soon_label, confirm_label = _("overdue"), _("due soon"), _("to confirm")
    items: list[WorkItem] = []
    for pk, title, due_on, status, organization in _MINE.tuples(user.pk):
        # Open or in progress: not done, so overdue and due soon depend on the date alone (Task.overdue_on).
        overdue = due_on < today
        state = overdue_label if overdue else soon_label if due_on <= soon else labels[status]
        items.append(WorkItem(kind="task", title=title, url=task_url(pk), due=due_on, state=state,
                              organization=organization, overdue=overdue, uid=f"task-{pk}@chuxin"))
    for pk, title, due_on, _status, organization in _TO_CONFIRM.tuples(user.pk):
        items.append(WorkItem(kind="task", title=title, url=task_url(pk), due=due_on, state=confirm_label,
                              organization=organization, overdue=False, uid=f"task-confirm-{pk}@chuxin"))
    return items + _pass_on_items(user, today)


# The two queries of workbench_items, compiled once (chuxin.core.db.PreparedRows): building and compiling them
# was a fifth of a secretary's gathering.
_TASK_FIELDS = ("id", "title", "due_on", "status", "plan_item__plan__organization__name")
_MINE = PreparedRows(lambda user_id: _my_tasks(user_id)[0].distinct().values_list(*_TASK_FIELDS))
_TO_CONFIRM = PreparedRows(lambda user_id: _my_tasks(user_id)[1].values_list(*_TASK_FIELDS))


def _pass_on_rows(where: Q) -> QuerySet[TaskAssignment]:
    """The open assignments of people without a login in `where` (a scope's filter on the member's organization)."""
    # "Without a login" as an expression, not `user_id IS NULL`: SQLite, without statistics, took that for a
    # lookup in the unique index on user_id and walked every member without a login in the whole database
    # (90 ms at 100,000 members) instead of the few open assignments.
    return TaskAssignment.objects.alias(login=Coalesce("member__user_id", 0)).filter(
        where, login=0,
        task__plan_item__plan__status=Plan.Status.PUBLISHED,
        task__status__in=[Task.Status.OPEN, Task.Status.IN_PROGRESS],
    )


def _pass_on_items(user, today: datetime.date) -> list[WorkItem]:
    """Open tasks of people without a login whom this user tells of them (passers_on: the secretary of their
    organization, nearest up the tree), until they have an account. Nothing for those who manage nowhere (no
    query); else one query, and three more when there are such people in their scope."""
    if not has_any(user, Need.MANAGE) or registry.probe_found(user, _PASS_ON_PROBE) is False:
        return []  # no standing to pass anything on, or the workbench's probe just found nothing to pass on
    rows = list(_pass_on_rows(scope_q(user, Need.MANAGE, "member__organization__path"))
                .select_related("member__organization", "task__plan_item__plan__organization")
                .order_by("task__due_on", "id"))
    if not rows:
        return []
    organizations = {a.member.organization.pk: a.member.organization for a in rows}
    paths = {p for org in organizations.values() for p in [*org.ancestor_paths, org.path]}
    chain = list(Organization.objects.filter(path__in=paths))
    found = holders_by_org(chain, Need.MANAGE, serving=True)
    nearest: dict[str, bool] = {}
    for org in organizations.values():
        above = sorted((o for o in chain if org.path.startswith(o.path)), key=lambda o: -len(o.path))
        tellers = next((found[o.pk] for o in above if found.get(o.pk)), [])
        nearest[org.path] = any(t.pk == user.pk for t in tellers)
    items = []
    for a in rows:
        if not nearest[a.member.organization.path]:
            continue
        task = a.task
        items.append(WorkItem(
            kind="task", title=_("Tell %(person)s (no login): %(task)s") % {"person": a.member.name, "task": task.title},
            url=reverse("plans:task", args=[task.pk]), due=task.due_on, state=_("to pass on"),
            organization=task.plan_item.plan.organization.name, overdue=task.overdue_on(today),
            uid=f"task-pass-on-{task.pk}-{a.member_id}@chuxin",
        ))
    return items


def period_facts(organization: Organization, start: datetime.date, end: datetime.date, *, limit: int = 10
                 ) -> list[Fact]:
    """The state of the plans of the organization's subtree at a period's end, for pre-filling a periodic report
    (the registry's `facts` hook): tasks due on or before the period's last day and not done by the end of it.
    Tasks completed are work records ("task_done"), counted by the reports app from the record stream. Only
    published plans count: a draft's tasks are not yet real work. Titles are capped at `limit`; the count is exact.
    """
    tz = timezone.get_current_timezone()
    end_at = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    in_tree = Task.objects.filter(  # a draft plan's tasks are not yet real work
        subtree_q(organization.path, "plan_item__plan__organization__path"),
        plan_item__plan__status=Plan.Status.PUBLISHED,
    )
    overdue = in_tree.filter(due_on__lte=end).exclude(status=Task.Status.DONE, confirmed_at__lt=end_at)
    titles = list(overdue.order_by("due_on", "id").values_list("title", flat=True)[:limit])
    n = overdue.count() if len(titles) == limit else len(titles)
    return [Fact(code="tasks_overdue", label=noop("Tasks overdue"), count=n, items=titles,
                 sentence=_("%(n)s tasks overdue") % {"n": n})]


def task_counts_in(organization: Organization, *, today: datetime.date) -> dict[str, int]:
    """The tasks of the published plans of the organization's subtree not done yet, and of those the ones past
    their due date: a state, for the summary of a subtree (completed tasks are work records). One query."""
    return _TASK_COUNTS.row(list(subtree_bounds(organization.path)), today) or {"open": 0, "overdue": 0}


# The summary's counts, compiled once (chuxin.core.db.PreparedRows): the subtree as its two bounds.
_TASK_COUNTS = PreparedRows(lambda bounds, today: totals(
    Task.objects.filter(ranges_q(bounds, "plan_item__plan__organization__path"),
                        plan_item__plan__status=Plan.Status.PUBLISHED).exclude(status=Task.Status.DONE),
    open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today))))


def tasks_of_origin(target) -> QuerySet[Task]:
    """The tasks another piece of work made (Task.origin_*), e.g. a directive's recipient row."""
    return Task.objects.filter(origin_type=target._meta.label_lower, origin_id=target.pk)


def origin_counts(origin_type: str, outer: str = "pk") -> dict:
    """Annotations counting, for each row of an outer query, the tasks it originated and those done."""
    tasks = Task.objects.filter(origin_type=origin_type, origin_id=OuterRef(outer)).order_by().values("origin_id")
    total = tasks.annotate(n=Count("id")).values("n")
    done = tasks.filter(status=Task.Status.DONE).annotate(n=Count("id")).values("n")
    return {
        "tasks_total": Coalesce(Subquery(total), 0),
        "tasks_done": Coalesce(Subquery(done), 0),
    }
