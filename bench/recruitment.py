"""Benchmark of recruitment (issue 13): a committee's recruitment overview with 2,000 people in the pipeline.

    .venv/bin/python bench/recruitment.py
    .venv/bin/python bench/recruitment.py --people 2000 --branches 40 --repeat 30 --out /tmp/recruitment.json
    .venv/bin/python bench/recruitment.py --database postgres://postgres@127.0.0.1:5432/bench_recruitment

It works on its own database (an SQLite file in /tmp unless --database names a PostgreSQL one, which it creates
when missing and empties): migrate, then a grassroots committee with --branches branches and ten members each,
and --people people in recruitment spread over the five stages, with the next step and its dates as
recruitment.services leaves them (bulk inserts: the services' own walk is tested elsewhere), a few hundred due
within the month and some overdue. Then the overview page (/recruitment/?organization=<committee>: people per
stage, the deadlines within a month, the first page of people) as a Party-affairs worker on the committee, and
the same at one of its branches.

A page's time is the server's, as bench/meetings.py takes it (bench/common.py: the test client's request to its
response in this process, DEBUG off, a fresh connection per request; median and 95th percentile of --repeat
requests after three unmeasured ones), with its query count; the count must not grow with the number of people
(measured at a tenth of the size first).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from common import measure, setup_django  # noqa: E402  (bench/ is the script's own folder)

TARGET_MS = 100


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark of the recruitment overview.")
    parser.add_argument("--database", default="/tmp/chuxin-bench-recruitment.sqlite3",
                        help="an SQLite file, or a postgres:// URL")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--branches", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path)
    return parser.parse_args(argv)


def setup(database: str) -> None:
    if not database.startswith("postgres"):
        path = Path(database).resolve()
        if (ROOT / "var") in path.parents:
            raise SystemExit("keep the benchmark database out of ./var (that is the demo's); use /tmp")
        setup_django(path)
        return
    import psycopg

    base, name = database.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "0",
                       "DATABASE_URL": database, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
                       "DJANGO_LOG_LEVEL": "ERROR"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(people: int, branches: int, today: datetime.date, tag: str):
    """A committee, its branches and members, and `people` in recruitment; returns (committee, a branch)."""
    from chuxin.members import citizen_id
    from chuxin.orgs.models import Organization
    from chuxin.orgs.services import organization_create
    from chuxin.recruitment import deadlines
    from chuxin.recruitment.models import Applicant, RuleSet
    from chuxin.testing import make_member

    started = time.perf_counter()
    top = Organization.objects.filter(parent__isnull=True, code="B-TOP").first() or organization_create(
        actor=None, parent=None, name="上级党委", code="B-TOP", kind=Organization.Kind.SUPERIOR_COMMITTEE)
    committee = organization_create(actor=None, parent=top, name=f"党委{tag}", code=f"B-PC{tag}",
                                    kind=Organization.Kind.GRASSROOTS_COMMITTEE)
    orgs = [organization_create(actor=None, parent=committee, name=f"第{i}支部{tag}", code=f"B-{tag}-{i}",
                                kind=Organization.Kind.BRANCH) for i in range(branches)]
    for org in orgs[:3]:
        for n in range(10):
            make_member(org, f"党员{n}")
    rules = RuleSet.objects.get(code="2014")
    steps = {s.number: s for s in rules.steps.all()}
    stage_last = {1: [1, 2], 2: [3, 4, 5, 6], 3: [7, 8, 9, 10, 11], 4: [12, 13, 14, 15, 16, 17, 18],
                  5: [19, 20, 21, 22, 23, 24]}
    rng = random.Random(13)
    rows = []
    for i in range(people):
        org = orgs[i % branches]
        stage = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5])
        last = rng.choice(stage_last[stage])
        applied = today - datetime.timedelta(days=rng.randint(10, 900))
        born = datetime.date(1990 + i % 12, 1 + i % 12, 1 + i % 28)
        number = citizen_id.fake(rng, born, bool(i % 2), "110105")
        nxt = steps.get(last + 1)
        due = today + datetime.timedelta(days=rng.randint(-20, 200)) if nxt and (nxt.deadline_months) else None
        rows.append(Applicant(
            organization=org, organization_path=org.path, rule_set=rules, name=f"申请人{tag}{i}", gender="male",
            birth_date=born, applied_on=applied, citizen_id_encrypted="x", citizen_id_masked=citizen_id.mask(number),
            citizen_id_digest=f"{tag}-{i}-{citizen_id.digest(number)}"[:64], stage=stage, last_step=last,
            next_step=last + 1, next_due=due,
            next_earliest=deadlines.add_months(applied, 12) if last + 1 == 7 else None))
    Applicant.objects.bulk_create(rows, batch_size=2000)
    return committee, orgs[0], round(time.perf_counter() - started, 1)


def main(argv=None) -> int:
    args = parse_args(argv)
    setup(args.database)
    from django.test import Client
    from django.utils import timezone

    from chuxin.accounts.models import Role, RoleGrant, User

    today = timezone.localdate()
    results: dict = {"when": timezone.localtime().isoformat(timespec="minutes"), "database": args.database.split(
        "@")[-1], "sizes": {}}
    worker = User.objects.create_user(username="bench-worker", password=None, must_change_password=False)
    for tag, people in (("s", max(1, args.people // 10)), ("f", args.people)):
        committee, branch, seconds = build(people, args.branches, today, tag)
        RoleGrant.objects.create(user=worker, organization=committee, role=Role.WORKER)
        client = Client()
        client.force_login(worker)
        results["sizes"][tag] = {
            "people": people, "seconds": seconds,
            "overview of the committee": measure(client, f"/recruitment/?organization={committee.pk}", args.repeat),
            "overview of a branch": measure(client, f"/recruitment/?organization={branch.pk}", args.repeat),
        }
        print(f"{tag}: {people} people built in {seconds} s")
    small, full = results["sizes"]["s"], results["sizes"]["f"]
    print(f"\n| page ({args.people} people, {args.branches} branches; {results['database']}) | median ms | p95 ms "
          f"| CPU median ms | queries small / full | target |")
    print("|---|---:|---:|---:|---:|---|")
    ok = True
    for name in ("overview of the committee", "overview of a branch"):
        page = full[name]
        good = page["median_ms"] < TARGET_MS and page["queries"] == small[name]["queries"]
        ok &= good
        print(f"| {name} | {page['median_ms']} | {page['p95_ms']} | {page['cpu_median_ms']} | "
              f"{small[name]['queries']} / {page['queries']} | < {TARGET_MS} ms, flat: {'ok' if good else 'NOT MET'} |")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
