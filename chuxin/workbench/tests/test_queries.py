"""Query counts of the workbench pages: the same with few items as with many."""

from __future__ import annotations

import datetime
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chuxin.core import versions
from chuxin.testing import give_member_files
from chuxin.workbench.services import feed_token_regenerate

_n = itertools.count(1)
D = datetime.date


def test_workbench_query_count_with_a_fake_provider(world, fake_work, client_for, django_assert_num_queries):
    client = client_for(world.secretary)
    for i in range(3):
        fake_work.give(world.secretary, D(2026, 1, 1) + datetime.timedelta(days=i))
    # 1 session, 2 user, 3-4 standings for the navigation (grants, member file), 5 the bell's unread count (the
    # page draws both counts: the workbench count is the page's own list; the unread one is kept from then on);
    # the fake provider reads nothing.
    with django_assert_num_queries(5):
        client.get(reverse("workbench:home"))
    for i in range(30):
        fake_work.give(world.secretary, None if i % 5 == 0 else D(2026, 2, 1) + datetime.timedelta(days=i))
    with django_assert_num_queries(4):
        response = client.get(reverse("workbench:home"))
    assert response.context["total"] == 33
    with django_assert_num_queries(4):
        client.get(reverse("workbench:calendar"), {"month": "2026-02"})
    # the badge does not draw the navigation: 1 session, 2 user
    with django_assert_num_queries(2):
        client.get(reverse("workbench:badge"))


def test_feed_query_count_with_a_fake_provider(world, fake_work, client, django_assert_num_queries):
    url = reverse("workbench:feed", kwargs={"token": feed_token_regenerate(actor=world.secretary).token})
    fake_work.give(world.secretary, D(2026, 1, 1))
    # 1 the token with its user
    with django_assert_num_queries(1):
        client.get(url)
    for i in range(30):
        fake_work.give(world.secretary, D(2026, 1, 2) + datetime.timedelta(days=i))
    with django_assert_num_queries(1):
        client.get(url)


# ---------------------------------------------------------------------------------------------------------------
# With the real providers: tasks (plans), directives, reports, responsibility items


def seed_tasks(world, user, count: int) -> None:
    from chuxin.members.models import Member
    from chuxin.plans.models import Plan, PlanArea, PlanItem, Task, TaskAssignment

    give_member_files(world)  # task people are member files
    member = Member.objects.get(user=user)

    area, _ = PlanArea.objects.get_or_create(organization=world.b1, name="组织建设")
    plan, _ = Plan.objects.get_or_create(
        organization=world.b1, year=timezone.localdate().year,
        defaults={"title": "2026年党建工作计划", "owner": world.secretary, "status": Plan.Status.PUBLISHED},
    )
    item = PlanItem.objects.create(plan=plan, area=area, title=f"计划事项{next(_n)}")
    for i in range(count):
        today = timezone.localdate()
        task = Task.objects.create(plan_item=item, title=f"任务{next(_n)}", start_on=today - datetime.timedelta(days=30),
                                   due_on=today + datetime.timedelta(days=10 + i))
        TaskAssignment.objects.create(task=task, member=member, role=TaskAssignment.Role.RESPONSIBLE)
    versions.work_changed(["plans"])  # written past the services: the version they move (chuxin.core.versions)


def seed_directives(world, count: int) -> None:
    from chuxin.directives.models import Directive, DirectiveRecipient

    for i in range(count):
        directive = Directive.objects.create(sender=world.pc, title=f"上级交办{next(_n)}", body="请落实。",
                                             due_on=timezone.localdate() + datetime.timedelta(days=20 + i))
        DirectiveRecipient.objects.create(directive=directive, organization=world.b1)
    versions.work_changed(["directives"])


def seed_reports(world, count: int) -> None:
    """Monthly report requirements on PC for its branches, begun three months ago: B1's secretary owes several.

    Made by the requirement service, which opens the periods that have begun (the workbench only reads them)."""
    from chuxin.reports.models import ReportRequirement
    from chuxin.reports.services import requirement_create

    starts = timezone.localdate().replace(day=1) - datetime.timedelta(days=80)
    for _i in range(count):
        requirement_create(
            actor=world.worker, organization=world.pc, title=f"月度工作报告{next(_n)}",
            audience=ReportRequirement.Audience.ORGANIZATIONS, org_kinds=["branch"],
            frequency=ReportRequirement.Frequency.MONTHLY, due_day=5, starts_on=starts,
            sections=[{"title": "工作情况"}],
        )


def test_workbench_query_count_with_the_real_providers(world, client_for, django_assert_num_queries):
    client = client_for(world.secretary)
    seed_tasks(world, world.secretary, 3)
    seed_directives(world, 3)
    seed_reports(world, 1)
    url = reverse("workbench:home")
    # 21 at the time of writing: 1 session, 2 user; responsibilities 3 (my behind-schedule items); plans 4-5 (my
    # open tasks, tasks for me to confirm); 6-7 standings (grants, member file; the directives' scope needs them
    # first); plans 8 (tasks to pass on to members without a login); directives 9 (rows to acknowledge or
    # complete); reports 10-11 my seats (positions, secretary grants), 12 requirements, 13 periods, 14 their
    # reports, 15 reports to review; evaluation 16 my participations, 17 evaluations I propose or decide in, 18-20
    # the branches I record talks for (organizations, seats, members), 21 this year's talks. The navigation reuses
    # the standings. The workbench only reads: the requirement services and the daily housekeeping open the report
    # periods, so the first sight writes nothing.
    # The providers own their counts; this test holds that the sum does not grow with the items, under a bound
    # that leaves room for a provider or two more (each app's own test pins its own count). The round that added
    # notices, learning, quizzes, campaigns, activities, site, joint, dues, recruitment and transfers brought it to
    # about 46.
    with CaptureQueriesContext(connection) as small_queries:
        small = client.get(url).context["total"]
    count = len(small_queries)  # now: the next request resets the connection's query log
    assert count <= 55, [q["sql"][:120] for q in small_queries]
    assert all(q["sql"].startswith("SELECT") for q in small_queries), [q["sql"][:120] for q in small_queries]
    seed_tasks(world, world.secretary, 27)
    seed_directives(world, 27)
    seed_reports(world, 9)
    versions.bump(versions.of_user(world.secretary.pk))  # every app asked again, as at first (not only those written)
    with django_assert_num_queries(count - 1):  # the bell's unread count is kept since the first page
        response = client.get(url)
    kinds = {k["kind"]: k["count"] for k in response.context["kinds"]}
    assert kinds["task"] == 30 and kinds["directive"] == 30
    assert kinds["report"] >= 10 and response.context["total"] > small
    # the calendar reads the list that gathering kept, the badge after it the count (the session and the user,
    # and for the calendar's navigation the standings: grants, member file; the bell's unread count is kept), until
    # the next write
    with django_assert_num_queries(4):
        assert len(client.get(reverse("workbench:calendar")).context["coming"]) >= 1
    with django_assert_num_queries(2):
        assert response.context["total"] and client.get(reverse("workbench:badge")).status_code == 200
