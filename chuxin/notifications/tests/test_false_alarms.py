"""No false alarms in the notification centre: nobody is told of their own actions; notifications of one kind within
an hour are one row; the bell and the workbench each say what they count, and on the demo their numbers are the
pages' own."""

from __future__ import annotations

import datetime
import re

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chuxin.accounts.models import Role, RoleGrant, User
from chuxin.notifications.models import Notification
from chuxin.notifications.selectors import grouped
from chuxin.notifications.services import notify


def test_notify_skips_the_actor(world):
    assert notify(recipient=world.secretary, actor=world.secretary, kind="assigned", target=world.b1,
                  title="x", url="/orgs/") is None
    assert notify(recipient=world.secretary, actor=world.worker, kind="assigned", target=world.b1,
                  title="x", url="/orgs/") is not None
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["secretary"]


def test_the_creator_of_a_task_is_not_told_of_it(people_files, world, django_capture_on_commit_callbacks):
    from chuxin.plans.models import Plan, PlanArea, PlanItem
    from chuxin.plans.services import plan_publish, progress_update, task_confirm_complete, task_create

    plan = Plan.objects.create(organization=world.b1, year=2030, title="年度计划", owner=world.secretary)
    area = PlanArea.objects.create(organization=world.b1, name="组织建设", order=1)
    item = PlanItem.objects.create(plan=plan, area=area, title="规范三会一课")
    plan_publish(actor=world.secretary, plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(actor=world.secretary, plan_item=item, title="制定学习计划",
                           start_on=datetime.date(2030, 1, 1), due_on=datetime.date(2030, 3, 31),
                           lead=world.secretary, responsible=world.committee)
    assert not Notification.objects.filter(recipient=world.secretary).exists()
    assert Notification.objects.filter(recipient=world.committee, kind="assigned").count() == 1
    # The owner who reports the task done themselves is not asked to confirm it, nor told it was confirmed.
    progress_update(actor=world.secretary, task=task, progress=100, expected_version=task.version)
    task.refresh_from_db()
    task_confirm_complete(actor=world.secretary, task=task)
    assert not Notification.objects.filter(recipient=world.secretary).exists()
    assert Notification.objects.filter(recipient=world.committee, kind="accepted").count() == 1


def test_an_officer_who_sends_a_directive_is_not_told_of_it(world, django_capture_on_commit_callbacks):
    from chuxin.directives.services import directive_send

    # The Party-affairs worker is also a worker on the branch itself: an officer who hears of its directives.
    RoleGrant.objects.create(user=world.worker, organization=world.b1, role=Role.WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        directive_send(actor=world.worker, sender=world.pc, title="关于开展自查的通知", body="请自查",
                       due_on=timezone.localdate() + datetime.timedelta(days=5), recipients=[world.b1])
    told = set(Notification.objects.filter(kind="directive").values_list("recipient__username", flat=True))
    assert told == {"secretary"}


# --- grouping ----------------------------------------------------------------------------------------------------


def at(notification, when):
    Notification.objects.filter(pk=notification.pk).update(created_at=when)


def test_notifications_of_one_kind_within_an_hour_are_one_row(world, client_for, english):
    now = timezone.now()
    made = {}
    for key, kind, minutes in (("a", "assigned", 50), ("b", "assigned", 20), ("c", "assigned", 5),
                               ("d", "overdue", 10), ("e", "assigned", 150)):
        made[key] = notify(recipient=world.secretary, kind=kind, target=world.b1, title=f"任务{key}", url="/orgs/",
                           dedup_key=key)
        at(made[key], now - datetime.timedelta(minutes=minutes))
    Notification.objects.filter(pk=made["a"].pk).update(read_at=now)
    response = client_for(world.secretary).get(reverse("notifications:list"))
    rows = [(g.kind, [n.title for n in g.items]) for g in response.context["groups"]]
    # Newest first; the three tasks of the last hour are one row, newest first inside it; the one from two and a
    # half hours ago stands apart, as does the other kind.
    assert rows == [("assigned", ["任务c", "任务b", "任务a"]), ("overdue", ["任务d"]), ("assigned", ["任务e"])]
    html = response.content.decode()
    group = re.search(r'<details[^>]*data-testid="notification-group"[^>]*>.*?</details>', html, re.S).group(0)
    assert 'data-count="3"' in group and 'data-unread-count="2"' in group
    assert "3 new items to do" in group and "2 new" in group
    # Expanded, each links to its own notification, newest first.
    links = re.findall(r'href="(/notifications/\d+/open/)"', group)
    assert links == [reverse("notifications:open", args=[made[k].pk]) for k in ("c", "b", "a")]
    # Every notification is still there to open: 5 links on the page, unread ones marked one by one.
    assert html.count('data-testid="notification"') == 5 and html.count('data-unread="1"') == 4


def test_a_group_is_one_kind_and_never_longer_than_an_hour(world):
    now = timezone.now()
    for i, minutes in enumerate((0, 40, 61, 100)):
        n = notify(recipient=world.secretary, kind="reminded", target=world.b1, title=f"催办{i}", url="/orgs/",
                   dedup_key=str(i))
        at(n, now - datetime.timedelta(minutes=minutes))
    rows = grouped(Notification.objects.order_by("-created_at"))
    # 0 and 40 minutes ago together; 61 minutes is more than an hour after the newest: a new row, with 100.
    assert [[n.title for n in g.items] for g in rows] == [["催办0", "催办1"], ["催办2", "催办3"]]


# --- the bell and the workbench ----------------------------------------------------------------------------------


def number(html: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}"[^>]*>\s*(\d+)', html)
    return int(found.group(1)) if found else 0


def test_the_bell_and_the_workbench_count_what_they_say_on_the_demo(db, client_for, english):
    call_command("seed_demo", verbosity=0)
    from chuxin.workbench.selectors import my_items

    checked = 0
    for username in ("worker", "secretary1", "committee1", "viewer"):
        user = User.objects.get(username=username)
        client = client_for(user)
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        # The bell: unread notifications, and it says so.
        bell = client.get(reverse("notifications:badge")).content.decode()
        assert number(bell, "unread-count") == unread, username
        assert (f"Notifications: {unread} unread" if unread else "Notifications: none unread") in bell
        # The notification centre's Unread tab shows the same number, and its rows hold that many unread.
        listing = client.get(reverse("notifications:list"), {"show": "unread"})
        assert number(listing.content.decode(), "unread-total") == unread, username
        assert sum(g.unread for g in listing.context["groups"]) == min(unread, 30)
        # The workbench: open work, and it says so; the number beside "My workbench" is the page's own.
        badge = client.get(reverse("workbench:badge")).content.decode()
        page = client.get(reverse("workbench:home"))
        total = page.context["total"]
        assert total == len(my_items(User.objects.get(pk=user.pk)))
        assert number(badge, "workbench-count") == total, username
        assert (f"Open work: {total} item" in badge) if total else ("workbench-count" not in badge)
        assert f'data-testid="open-total" data-count="{total}"' in page.content.decode()
        assert sum(k["count"] for k in page.context["kinds"]) == total
        checked += bool(unread) + bool(total)
    assert checked >= 4  # the demo gives people both notifications and work
