"""The summary of a subtree's work: what the superior viewer sees first. Its numbers come from the work records
and the apps' selectors, each links to the list behind it (which the viewer may open), it is narrowed to the chosen
organization's subtree, and its queries do not grow with the work."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from chuxin.directives.models import Directive, DirectiveRecipient
from chuxin.orgs.models import Position
from chuxin.orgs.services import position_create
from chuxin.plans.models import Plan, PlanArea, PlanItem, Task
from chuxin.records.services import record_work
from chuxin.responsibilities.models import ListItem
from chuxin.testing import make_member

TODAY = timezone.localdate()
_n = itertools.count()


@pytest.fixture(autouse=True)
def _in_english(english):
    """The labels these tests read are the English source strings."""


def seed(world, org, n: int, *, owner) -> None:
    """n pieces of each kind of work at `org`: completed tasks, directives done on time and late, reports filed on
    time and late and accepted (records); open and overdue tasks; directive rows open past their due date."""
    for _ in range(n):
        i = next(_n)
        for kind, payload in (("task_done", {}), ("directive_done", {"on_time": i % 2 == 0}),
                              ("report_filed", {"period": "p", "late": i % 2 == 1, "frequency": "monthly"}),
                              ("report_accepted", {"period": "p", "frequency": "monthly"})):
            record_work(kind=kind, organization=org, on=TODAY, target=org, key=f"seed-{i}", payload=payload)
    plan = Plan.objects.filter(organization=org, year=TODAY.year).first() or Plan.objects.create(
        organization=org, year=TODAY.year, title="年度计划", owner=owner, status=Plan.Status.PUBLISHED)
    area, _ = PlanArea.objects.get_or_create(organization=org, name="组织建设", defaults={"order": 1})
    item = PlanItem.objects.create(plan=plan, area=area, title="事项")
    Task.objects.bulk_create([
        Task(plan_item=item, title=f"任务{k}", start_on=TODAY - datetime.timedelta(days=30),
             due_on=TODAY + datetime.timedelta(days=-1 if k % 2 else 5)) for k in range(n)])
    directive = Directive.objects.create(sender=world.pc, title="通知", body="内容",
                                         due_on=TODAY - datetime.timedelta(days=1))
    DirectiveRecipient.objects.create(directive=directive, organization=org)


def summary(client, **params):
    return client.get(reverse("portal:summary"), params)


def numbers(response) -> dict[str, tuple[int, str]]:
    html = response.content.decode()
    return {code: (int(value), url.replace("&amp;", "&")) for url, code, value in re.findall(
        r'<a class="[^"]*" href="([^"]+)" data-testid="number-([a-z_]+)" data-value="(\d+)">', html)}


def test_the_viewer_sees_the_work_of_its_subtree_and_each_number_opens_its_list(world, client_for):
    position_create(actor=None, organization=world.b1, kind=Position.Kind.SECRETARY,
                    member=make_member(world.b1, "赵书记", user=world.secretary), started_on=datetime.date(2020, 1, 1))
    seed(world, world.b1, 4, owner=world.secretary)
    seed(world, world.b2, 2, owner=world.outsider)
    client = client_for(world.viewer)
    response = summary(client)
    assert response.status_code == 200 and response.context["organization"] == world.sup
    found = numbers(response)
    values = {code: value for code, (value, _url) in found.items()}
    assert values["tasks_done"] == 6 and values["tasks_open"] == 6 and values["tasks_overdue"] == 3
    assert (values["directives_on_time"], values["directives_late"], values["directives_overdue"]) == (3, 3, 2)
    assert (values["reports_on_time"], values["reports_late"], values["reports_accepted"]) == (3, 3, 6)
    items = ListItem.objects.filter(list__year=TODAY.year)
    assert values["duties_done"] == items.filter(done_at__isnull=False).count()
    assert values["duties_done"] + values["duties_open"] == items.count() > 0
    headlines = {card.code: card.headline for card in response.context["cards"]}
    assert headlines["directives"] == "50%" and headlines["reports"] == "50%"
    # Every number leads to a list the viewer may open.
    for code, (_value, url) in found.items():
        assert client.get(url).status_code == 200, (code, url)
    assert found["duties_done"][1] == f"{reverse('responsibilities:overview', args=[world.sup.pk])}?year={TODAY.year}"

    # Narrowed to B2's subtree: only its own work.
    b2 = numbers(summary(client, org=world.b2.pk))
    assert (b2["tasks_done"][0], b2["directives_overdue"][0], b2["reports_accepted"][0]) == (2, 1, 2)
    # The children of the organization shown lead to their own summaries.
    html = summary(client, org=world.pc.pk).content.decode()
    assert f'href="?org={world.b1.pk}"' in html and f'href="?org={world.b2.pk}"' in html


def test_who_may_see_a_summary(world, client_for):
    # A plain member reads no subtree; a branch secretary sees its branch, not its sibling's; nobody's is probed.
    assert summary(client_for(world.member_user)).status_code == 403
    secretary = client_for(world.secretary)
    assert summary(secretary).context["organization"] == world.b1
    assert summary(secretary, org=world.b2.pk).status_code == 404
    assert summary(secretary, org="abc").status_code == 404
    assert summary(client_for(world.member_user), org=world.b1.pk).status_code == 403


def test_the_summary_is_in_the_navigation_of_those_who_may_read(world, client_for):
    assert reverse("portal:summary") in client_for(world.viewer).get(reverse("portal:home")).content.decode()
    assert reverse("portal:summary") not in client_for(world.member_user).get(reverse("portal:me")).content.decode()


def test_the_summary_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    position_create(actor=None, organization=world.b1, kind=Position.Kind.SECRETARY,
                    member=make_member(world.b1, "赵书记", user=world.secretary), started_on=datetime.date(2020, 1, 1))
    client = client_for(world.viewer)
    seed(world, world.b1, 3, owner=world.secretary)
    # 1 session, 2 user, 3 grants, 4 member file (standings), 5 the user's topmost organizations, 6 the
    # organization's children, 7 the completed work (one aggregate over the records), 8 open and overdue tasks,
    # 9 directive rows open past due, 10 the year's duties done and open.
    # (The breadcrumbs of a root ask nothing: it has no ancestors.)
    with django_assert_num_queries(10):
        small = summary(client)
    seed(world, world.b1, 27, owner=world.secretary)
    seed(world, world.b2, 10, owner=world.outsider)
    with django_assert_num_queries(10):
        large = summary(client)
    assert numbers(small)["tasks_done"][0] == 3 and numbers(large)["tasks_done"][0] == 40
    # A chosen organization below: the organization itself and its ancestors for the breadcrumbs, instead.
    with django_assert_num_queries(12):
        summary(client, org=world.b1.pk)
