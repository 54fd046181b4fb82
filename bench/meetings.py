"""Benchmarks of organizational life (issue 9): the compliance matrix over 10,000 organizations for a year, and a
meeting's page with 200 attendees.

    .venv/bin/python bench/meetings.py
    .venv/bin/python bench/meetings.py --orgs 10000 --small-orgs 1000 --repeat 30 --out /tmp/meetings.json

It works on its own SQLite file (/tmp/chuxin-bench-meetings.sqlite3 unless --db says otherwise; never ./var):
migrate, then at two sizes (--small-orgs, then --orgs organizations, built by `seed_scale` with ten members an
organization)

1. committee seats on three branches in five (so those must hold committee meetings), and a year of finalized
   meetings made directly with bulk inserts, as meetings.services leaves them: every branch its monthly committee
   meeting (where it has a committee) and themed Party day and its quarterly general meeting and lecture, every
   Party group its monthly group meeting; one branch in ten misses a quarter's general meeting and one month's
   themed day, one in twenty made one up; a few exempt periods. About 20 meetings an organization;
2. the compliance pages as `bench-worker` (a Party-affairs worker on the top organization): the matrix of the top
   organization (its 50 grassroots committees × the periods, for the general meeting and for the themed Party
   day), the matrix of one grassroots committee, and a branch's year at a glance;
3. at the full size only, a branch with 200 members and a general meeting of them (convened and marked through
   meetings' own services, then finalized): its page as the secretary, and its attendance page.

A page's time is the server's, as bench/run.py and bench/workbench.py take it: the test client's request to its
response in this process, DEBUG off, a fresh database connection per request; median and 95th percentile of
--repeat requests after three unmeasured ones. Its query count is taken once more: the matrix's must be the same
at both sizes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from common import measure, setup_django  # noqa: E402  (bench/ is the script's own folder)

MATRIX_TARGET_MS = 200
PAGE_TARGET_MS = 100


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmarks of the compliance matrix and a meeting's page.")
    parser.add_argument("--db", type=Path, default=Path("/tmp/chuxin-bench-meetings.sqlite3"))
    parser.add_argument("--orgs", type=int, default=10_000, help="organizations at full size (default 10000)")
    parser.add_argument("--small-orgs", type=int, default=1_000, help="organizations at the small size")
    parser.add_argument("--attendees", type=int, default=200, help="attendees of the measured meeting")
    parser.add_argument("--repeat", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    args.db = args.db.resolve()
    if (ROOT / "var") in args.db.parents:
        parser.error("keep the benchmark database out of ./var (that is the demo's); use /tmp")
    return args


# ---------------------------------------------------------------------------------------------------------------
# Data


def build(orgs: int, year: int, today: datetime.date) -> dict:
    """The scale unit (fresh), seats and a year of meetings; returns how many of each were made."""
    from django.core.management import call_command
    from django.db import transaction

    from chuxin.meetings import rules
    from chuxin.meetings.models import Meeting, PeriodExemption
    from chuxin.orgs.models import Organization, Position

    started = time.perf_counter()
    Meeting.objects.all().delete()
    PeriodExemption.objects.all().delete()
    call_command("seed_scale", members=orgs * 10, orgs=orgs, fresh=True, verbosity=0)
    rng = random.Random(9)
    everyone = list(Organization.objects.filter(code__startswith="S-").only("id", "path", "kind"))
    branches = [o for o in everyone if o.kind in rules.BRANCH_KINDS]
    groups = [o for o in everyone if o.kind == Organization.Kind.PARTY_GROUP]
    with_committee = {o.pk for o in branches if rng.random() < 0.6}
    Position.objects.bulk_create(
        Position(organization_id=pk, kind=Position.Kind.ORGANIZATION, person_name="委员",
                 started_on=datetime.date(year - 1, 1, 1)) for pk in with_committee)
    made: list[Meeting] = []
    exemptions: list[PeriodExemption] = []
    closed_months = [m for m in range(1, 13) if datetime.date(year, m, 28) < today]

    def meeting(org, kind: str, month: int, period: str, makeup: bool = False) -> None:
        held = datetime.date(year, month, rng.randint(1, 28))
        at = datetime.datetime.combine(held, datetime.time(14, 30), tzinfo=datetime.UTC)
        made.append(Meeting(kind=kind, organization_id=org.pk, organization_path=org.path, title=f"{kind}-{period}",
                            planned_at=at, held_on=held, period=period, is_makeup=makeup,
                            status=Meeting.Status.FINALIZED, minutes="<p>纪要</p>", finalized_at=at))

    for org in branches:
        behind = rng.random() < 0.1
        for month in closed_months:
            period = f"{year}-{month:02d}"
            if org.pk in with_committee:
                meeting(org, "committee", month, period)
            if not (behind and month == 5):
                meeting(org, "themed_day", month, period)
            if month % 3 == 0:
                quarter = f"{year}-Q{month // 3}"
                if not (behind and month == 6):
                    meeting(org, "general", month, quarter)
                meeting(org, "lecture", month, quarter)
        if rng.random() < 0.05 and 7 in closed_months:
            meeting(org, "themed_day", 7, f"{year}-06", makeup=True)
        if rng.random() < 0.02:
            exemptions.append(PeriodExemption(organization_id=org.pk, organization_path=org.path, kind="general",
                                              period=f"{year}-Q1", reason="新成立"))
    for org in groups:
        for month in closed_months:
            meeting(org, "group", month, f"{year}-{month:02d}")
    with transaction.atomic():
        Meeting.objects.bulk_create(made, batch_size=5000)
        PeriodExemption.objects.bulk_create(exemptions, ignore_conflicts=True)
    return {"organizations": len(everyone), "branches": len(branches), "groups": len(groups),
            "meetings": len(made), "seconds": round(time.perf_counter() - started, 1)}


def big_meeting(attendees: int, today: datetime.date):
    """A branch with `attendees` members (a committee of five among them) and its general meeting, convened,
    marked and finalized through meetings' own services; returns (meeting, its secretary's account)."""
    from chuxin.accounts.models import Role, RoleGrant, User
    from chuxin.meetings import services
    from chuxin.members.models import Member
    from chuxin.orgs.models import Organization, Position
    from chuxin.orgs.services import organization_create

    parent = Organization.objects.filter(code__startswith="S-", kind=Organization.Kind.GRASSROOTS_COMMITTEE).first()
    branch = organization_create(actor=None, parent=parent, name="大支部", code="S-BIG", kind=Organization.Kind.BRANCH)
    template = list(Member.objects.filter(code_filter()).order_by("pk")[:attendees])
    Member.objects.filter(pk__in=[m.pk for m in template]).update(organization=branch, org_path=branch.path,
                                                                  status=Member.Status.ACTIVE)
    for m in template[:5]:
        Position.objects.create(organization=branch, kind=Position.Kind.MEMBER, member=m,
                                started_on=datetime.date(2020, 1, 1))
    secretary = User.objects.create_user(username="bench-secretary", password=None, must_change_password=False)
    RoleGrant.objects.create(user=secretary, organization=branch, role=Role.SECRETARY)
    meeting = services.meeting_plan(
        actor=None, organization=branch, kind="general", title="党员大会", topics="学习\n讨论",
        planned_at=datetime.datetime.combine(today, datetime.time(8, 0), tzinfo=datetime.UTC), place="礼堂")
    meeting = services.meeting_convene(actor=None, meeting=meeting)
    rows = list(meeting.attendances.values_list("pk", flat=True))
    services.attendance_mark(actor=None, meeting=meeting,
                             marks={pk: ("present" if i % 10 else "leave") for i, pk in enumerate(rows)})
    services.resolution_add(actor=None, meeting=meeting, text="决议", votes_for=len(rows) // 2 + 1,
                            votes_against=0, votes_abstain=0)
    return meeting, secretary


def code_filter():
    from django.db.models import Q

    return Q(organization__code__startswith="S-")


# ---------------------------------------------------------------------------------------------------------------
# Measuring


def compliance_pages(repeat: int, year: int) -> dict[str, dict]:
    from django.test import Client
    from django.urls import reverse

    from chuxin.accounts.models import User
    from chuxin.orgs.models import Organization

    client = Client()
    client.force_login(User.objects.get(username="bench-worker"))
    top = Organization.objects.get(code__startswith="S-", parent__isnull=True)
    committee = Organization.objects.filter(parent=top).order_by("path").first()
    branch = Organization.objects.filter(code__startswith="S-", kind="branch", path__startswith=committee.path) \
        .exclude(code="S-BIG").order_by("path").first()
    url = reverse("meetings:compliance")
    return {
        "matrix of the top organization (general meeting)": measure(
            client, f"{url}?organization={top.pk}&year={year}&kind=general", repeat),
        "matrix of the top organization (themed Party day)": measure(
            client, f"{url}?organization={top.pk}&year={year}&kind=themed_day", repeat),
        "matrix of a grassroots committee": measure(client, f"{url}?organization={committee.pk}&year={year}", repeat),
        "a branch's year at a glance": measure(client, f"{url}?organization={branch.pk}&year={year}", repeat),
    }


def meeting_pages(meeting, secretary, repeat: int, attendees: int) -> dict[str, dict]:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(secretary)
    return {
        f"meeting page, {attendees} attendees": measure(client, reverse("meetings:detail", args=[meeting.pk]), repeat),
        f"attendance page, {attendees} attendees": measure(client, reverse("meetings:attendance", args=[meeting.pk]), repeat),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django(args.db)
    from django.utils import timezone

    today = timezone.localdate()
    year = today.year
    results: dict = {"when": timezone.localtime().isoformat(timespec="minutes"), "sizes": {}}
    for label, orgs in (("small", args.small_orgs), ("full", args.orgs)):
        data = build(orgs, year, today)
        pages = compliance_pages(args.repeat, year)
        results["sizes"][label] = {"data": data, "pages": pages}
        print(f"{label}: {data}")
    meeting, secretary = big_meeting(args.attendees, today)
    results["meeting"] = meeting_pages(meeting, secretary, args.repeat, args.attendees)

    small, full = results["sizes"]["small"]["pages"], results["sizes"]["full"]["pages"]
    print(f"\n| page ({results['sizes']['full']['data']['organizations']} organizations, "
          f"{results['sizes']['full']['data']['meetings']} meetings) | median ms | p95 ms | CPU median ms | "
          f"queries small / full | target |")
    print("|---|---:|---:|---:|---:|---|")
    ok = True
    for name, page in full.items():
        flat = page["queries"] == small[name]["queries"]
        good = page["median_ms"] < MATRIX_TARGET_MS and flat
        ok &= good
        print(f"| {name} | {page['median_ms']} | {page['p95_ms']} | {page['cpu_median_ms']} | "
              f"{small[name]['queries']} / {page['queries']} | < {MATRIX_TARGET_MS} ms, flat: "
              f"{'ok' if good else 'NOT MET'} |")
    for name, page in results["meeting"].items():
        # The target is the meeting's page; the recorder's marking page (a form row per attendee) is shown beside.
        targeted = name.startswith("meeting page")
        good = page["median_ms"] < PAGE_TARGET_MS or not targeted
        ok &= good
        verdict = (f"< {PAGE_TARGET_MS} ms: {'ok' if good else 'NOT MET'}" if targeted else "no target")
        print(f"| {name} | {page['median_ms']} | {page['p95_ms']} | {page['cpu_median_ms']} | {page['queries']} | "
              f"{verdict} |")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
