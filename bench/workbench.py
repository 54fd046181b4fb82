"""Benchmarks of "responsibility and work" (issue 3): a person's workbench with 500 open items, and a
directive's matrix over 1,000 recipient organizations.

    .venv/bin/python bench/workbench.py
    .venv/bin/python bench/workbench.py --repeat 50 --db /tmp/chuxin-bench-work.sqlite3 --out /tmp/wb.json

It works on its own SQLite file (/tmp/chuxin-bench-work.sqlite3 unless --db says otherwise; never ./var):
migrate, build a superior committee over a grassroots committee with 1,000 branches, then

1. the workbench of one branch secretary at two sizes, ~100 and ~500 open items: tasks assigned to them in
   their branch's published plan, directives from the committee to their branch, and the monthly reports
   their branch owes (report requirements of the committee, begun a year ago). The data is made directly with
   the apps' models (bulk inserts), as the apps' own services would leave it. Pages: the workbench, its
   "later" group alone (its first page of 50), the navigation's count (the badge htmx loads on every page),
   the calendar (this month) and the iCalendar feed.
2. a directive's matrix: one directive sent to 100 branches, one sent (through directives' own service, "the
   whole subtree") to all 1,000, with a third of the recipients acknowledged and a third completed. Pages: the
   directive's page (counts and the first page of the matrix), the matrix partial (htmx), "behind" only.

A page's time is the server's, as bench/run.py takes it: the test client's request to its response in this
process, DEBUG off, a fresh database connection per request; median and 95th percentile of --repeat requests
after three unmeasured ones. Its query count is taken once more and must be the same at both sizes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from common import measure, setup_django  # noqa: E402  (bench/ is the script's own folder)

TARGET_MS = 100
PREFIX = "WB-"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmarks of the workbench and the directive matrix.")
    parser.add_argument("--db", type=Path, default=Path("/tmp/chuxin-bench-work.sqlite3"))
    parser.add_argument("--repeat", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--branches", type=int, default=1000, help="recipients of the big directive")
    parser.add_argument("--items", type=int, default=500, help="open items on the big workbench (about)")
    parser.add_argument("--small-items", type=int, default=100, help="open items on the small workbench")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    args.db = args.db.resolve()
    if (ROOT / "var") in args.db.parents:
        parser.error("keep the benchmark database out of ./var (that is the demo's); use /tmp")
    return args


# ---------------------------------------------------------------------------------------------------------------
# Data


class World:
    """The tree and the people: SUP > PC > 1,000 branches; the sender manages PC; the person is B0001's
    secretary (a directive from PC is "from above" for them)."""

    def __init__(self, branches: int):
        from chuxin.accounts.models import Role, RoleGrant, User
        from chuxin.core.paths import STEP_LEN, encode_step
        from chuxin.orgs.models import Organization

        K = Organization.Kind

        def make(code, name, kind, parent, path):
            return Organization(code=f"{PREFIX}{code}", name=name, kind=kind, parent=parent, path=path,
                                depth=len(path) // STEP_LEN)

        self.sup = make("SUP", "基准测试上级党委", K.SUPERIOR_COMMITTEE, None, encode_step(900))
        self.sup.save()
        self.pc = make("PC", "基准测试集团党委", K.GRASSROOTS_COMMITTEE, self.sup, self.sup.path + encode_step(1))
        self.pc.save()
        self.branches = Organization.objects.bulk_create([
            make(f"B{i:04d}", f"第{i}党支部", K.BRANCH, self.pc, self.pc.path + encode_step(i))
            for i in range(1, branches + 1)
        ], batch_size=500)
        if not all(b.pk for b in self.branches):
            self.branches = list(Organization.objects.filter(parent=self.pc).order_by("path"))
        self.branch = self.branches[0]

        def user(username, role, org):
            account = User(username=f"bench-{username}", display_name=username, must_change_password=False)
            account.set_unusable_password()  # force_login needs none; hashing would only cost time here
            account.save()
            RoleGrant.objects.create(user=account, organization=org, role=role)
            return account

        self.sender = user("sender", Role.WORKER, self.pc)
        self.person = user("person", Role.SECRETARY, self.branch)
        # Task people are member files: the person's own, in their branch.
        from chuxin.testing import make_member

        self.person_file = make_member(self.branch, "基准党员", user=self.person)


_counter = iter(range(1, 10**9))


def add_tasks(world: World, count: int, today: datetime.date) -> None:
    """Open tasks of the person's branch plan, assigned to the person, due over the coming year (some past)."""
    from chuxin.plans.models import Plan, PlanArea, PlanItem, Task, TaskAssignment

    area, _ = PlanArea.objects.get_or_create(organization=world.branch, name="组织建设")
    plan, _ = Plan.objects.get_or_create(
        organization=world.branch, year=today.year,
        defaults={"title": f"{today.year}年党建工作计划", "owner": world.sender, "status": Plan.Status.PUBLISHED},
    )
    item = PlanItem.objects.create(plan=plan, area=area, title=f"落实“三会一课”制度（第{next(_counter)}批）")
    tasks = Task.objects.bulk_create([
        Task(plan_item=item, title=f"任务{next(_counter)}：组织专题学习并形成记录", start_on=today.replace(month=1, day=1),
             due_on=today + datetime.timedelta(days=(i * 7) % 360 - 30),
             status=Task.Status.IN_PROGRESS if i % 3 else Task.Status.OPEN, progress=(i * 10) % 90)
        for i in range(count)
    ], batch_size=500)
    if not all(t.pk for t in tasks):
        tasks = list(Task.objects.filter(plan_item=item))
    TaskAssignment.objects.bulk_create(
        [TaskAssignment(task=t, member=world.person_file, role=TaskAssignment.Role.RESPONSIBLE) for t in tasks],
        batch_size=500,
    )


def add_directives(world: World, count: int, today: datetime.date) -> None:
    """Directives from the committee to the person's branch, some acknowledged, none completed."""
    from chuxin.directives.models import Directive, DirectiveRecipient

    directives = Directive.objects.bulk_create([
        Directive(sender=world.pc, title=f"关于做好第{next(_counter)}项重点工作的通知", body="请结合实际抓好落实。",
                  due_on=today + datetime.timedelta(days=(i * 5) % 200 - 10), created_by=world.sender)
        for i in range(count)
    ], batch_size=500)
    if not all(d.pk for d in directives):
        directives = list(Directive.objects.filter(sender=world.pc).order_by("-id")[:count])
    State = DirectiveRecipient.State
    DirectiveRecipient.objects.bulk_create([
        DirectiveRecipient(directive=d, organization=world.branch, state=State.ACKNOWLEDGED if i % 2 else State.SENT)
        for i, d in enumerate(directives)
    ], batch_size=500)


def add_report_requirements(world: World, count: int, today: datetime.date) -> None:
    """Monthly reports the committee requires of its branches, begun a year ago: each one leaves the
    person's branch a dozen periods unreported (opened here, as the daily housekeeping or the requirement service
    would: pages only read)."""
    from chuxin.reports.models import ReportRequirement
    from chuxin.reports.periods import periods_open

    starts = (today.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    for _i in range(count):
        ReportRequirement.objects.create(
            organization=world.pc, title=f"支部月度工作报告（{next(_counter)}）",
            audience=ReportRequirement.Audience.ORGANIZATIONS, org_kinds=["branch"],
            frequency=ReportRequirement.Frequency.MONTHLY, due_day=5, starts_on=starts,
            sections=[{"title": "本月工作", "guidance": ""}, {"title": "存在问题", "guidance": ""}],
        )
    periods_open(today)


def mix(total: int) -> tuple[int, int, int]:
    """(tasks, directives, report requirements) for about `total` open items: 3/5 tasks, 3/10 directives, the
    rest reports (a requirement begun a year ago owes about 11 periods)."""
    requirements = max(1, round(total / 10 / 11))
    return round(total * 0.6), round(total * 0.3), requirements


# ---------------------------------------------------------------------------------------------------------------
# Measuring


def workbench_pages(client, world: World, repeat: int) -> dict[str, dict]:
    from django.urls import reverse

    from chuxin.workbench.services import feed_token_regenerate

    token = feed_token_regenerate(actor=world.person).token
    return {
        "workbench": measure(client, reverse("workbench:home"), repeat),
        "workbench, one group (?group=later)": measure(client, reverse("workbench:home") + "?group=later", repeat),
        "navigation count (htmx badge)": measure(client, reverse("workbench:badge"), repeat, htmx=True),
        "workbench calendar (this month)": measure(client, reverse("workbench:calendar"), repeat),
        "workbench iCalendar feed": measure(client, reverse("workbench:feed", kwargs={"token": token}), repeat),
    }


def open_items(world: World) -> dict[str, int]:
    from chuxin.accounts.models import User
    from chuxin.workbench.selectors import my_items

    counts: dict[str, int] = {}
    for item in my_items(User.objects.get(pk=world.person.pk)):
        counts[item.kind] = counts.get(item.kind, 0) + 1
    counts["total"] = sum(counts.values())
    return counts


def send_directive(world: World, recipients: list | None, today: datetime.date):
    """Through the directives app's own service (as the sender's form does), then a realistic spread of states."""
    from django.utils import timezone

    from chuxin.directives.models import DirectiveRecipient
    from chuxin.directives.services import directive_send

    directive = directive_send(
        actor=world.sender, sender=world.pc, title="关于开展党建工作专项检查的通知",
        body="各支部：请对照清单逐项自查，按期报送整改情况。", due_on=today + datetime.timedelta(days=20),
        recipients=recipients, subtree=recipients is None,
    )
    State = DirectiveRecipient.State
    now = timezone.now()
    ids = list(directive.recipients.order_by("id").values_list("id", flat=True))
    DirectiveRecipient.objects.filter(id__in=ids[0::3]).update(
        state=State.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=world.sender)
    DirectiveRecipient.objects.filter(id__in=ids[1::3]).update(
        state=State.COMPLETED, acknowledged_at=now, completed_at=now, answer="已按要求完成自查整改。")
    return directive


def matrix_pages(client, directive, repeat: int) -> dict[str, dict]:
    from django.urls import reverse

    url = reverse("directives:detail", kwargs={"pk": directive.pk})
    last = (directive.recipients.count() + 99) // 100  # directives.views.MATRIX_PAGE_SIZE
    return {
        "directive page with its matrix": measure(client, url, repeat),
        "matrix partial (htmx)": measure(client, url, repeat, htmx=True),
        "matrix ?show=behind": measure(client, f"{url}?show=behind", repeat),
        "matrix, last page": measure(client, f"{url}?page={last}", repeat),
    }


# ---------------------------------------------------------------------------------------------------------------


def table(title: str, small_label: str, big_label: str, small: dict, big: dict, target: bool = True) -> list[str]:
    lines = [title, f"  {'page':38} {'median':>8} {'p95':>8} {'max':>8}  {'cpu med':>8} {'cpu p95':>8}"
                    f"  queries {small_label}/{big_label}"]
    for name, r in big.items():
        before = small[name]["queries"]
        same = "same" if before == r["queries"] else "GROWS"
        verdict = "ok" if r["p95_ms"] < TARGET_MS and same == "same" else "OVER"
        lines.append(f"  {name:38} {r['median_ms']:>6.1f}ms {r['p95_ms']:>6.1f}ms {r['max_ms']:>6.1f}ms"
                     f"  {r['cpu_median_ms']:>6.1f}ms {r['cpu_p95_ms']:>6.1f}ms"
                     f"  {before}/{r['queries']} ({same}){'  ' + verdict if target else ''}")
    return lines


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    setup_django(args.db)
    from django.test import Client
    from django.utils import timezone

    today = timezone.localdate()
    world = World(args.branches)
    client = Client()
    client.force_login(world.person)

    # 1. The workbench, small then big
    tasks, directives, requirements = mix(args.small_items)
    add_tasks(world, tasks, today)
    add_directives(world, directives, today)
    add_report_requirements(world, requirements, today)
    small_pages = workbench_pages(client, world, args.repeat)
    small_items = open_items(world)
    big_tasks, big_directives, big_requirements = mix(args.items)
    add_tasks(world, big_tasks - tasks, today)
    add_directives(world, big_directives - directives, today)
    add_report_requirements(world, big_requirements - requirements, today)
    big_pages = workbench_pages(client, world, args.repeat)
    big_items = open_items(world)

    # 2. The directive matrix, 100 then all recipients
    sender = Client()
    sender.force_login(world.sender)
    few = send_directive(world, world.branches[:100], today)
    few_pages = matrix_pages(sender, few, args.repeat)
    many = send_directive(world, None, today)
    many_pages = matrix_pages(sender, many, args.repeat)
    recipients = many.recipients.count()

    load = os.getloadavg()
    lines = [
        f"Chuxin workbench and directive matrix benchmark · {today} · SQLite {args.db} · {args.repeat} requests a page",
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} at the end (the wall clock suffers when it is"
        f" above the CPU count; the CPU columns much less)",
        f"open items on the workbench: small {small_items}, big {big_items}",
        "",
        *table(f"My workbench ({small_items['total']} vs {big_items['total']} open items)",
               str(small_items["total"]), str(big_items["total"]), small_pages, big_pages),
        "",
        *table(f"Directive matrix ({few.recipients.count()} vs {recipients} recipient organizations)",
               str(few.recipients.count()), str(recipients), few_pages, many_pages),
        "",
        f"target: p95 < {TARGET_MS} ms and the same query count at both sizes · took {time.perf_counter() - started:.0f} s",
    ]
    print("\n".join(lines))
    results = {
        "date": str(today), "repeat": args.repeat, "cpus": os.cpu_count(), "load": round(load[0], 2),
        "workbench": {"items": {"small": small_items, "big": big_items}, "small": small_pages, "big": big_pages},
        "matrix": {"recipients": {"small": few.recipients.count(), "big": recipients}, "small": few_pages,
                   "big": many_pages},
    }
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    ok = all(
        r["p95_ms"] < TARGET_MS and small[name]["queries"] == r["queries"]
        for small, big in ((small_pages, big_pages), (few_pages, many_pages))
        for name, r in big.items()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
