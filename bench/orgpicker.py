"""Benchmark of the organization pickers (issue 14, item 4): forms and filters at 10,000 organizations.

    .venv/bin/python bench/orgpicker.py
    .venv/bin/python bench/orgpicker.py --orgs 10000 --repeat 30 --out /tmp/orgpicker.json
    cd /work/main && .venv/bin/python /path/to/bench/orgpicker.py --root .   # the same pages on another checkout

Its own SQLite file (/tmp/chuxin-bench-orgpicker.sqlite3): a superior committee over 100 committees, each with
--orgs / 100 branches (bulk inserts), one member file, and a Party-affairs worker on the top. Then, as that worker,
the pages whose organization picker held every organization in scope: a new member file (the organization to
file under), a new partner unit (its host), the member list (its organization filter), and the pickers' own
search (orgs:pick, as htmx asks it while a person types). Measured as bench/common.py does (the server's time and
this process's CPU, median of --repeat after three unmeasured, and the query count).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

parser = argparse.ArgumentParser(description="Benchmark of the organization pickers.")
parser.add_argument("--orgs", type=int, default=10000)
parser.add_argument("--repeat", type=int, default=30)
parser.add_argument("--db", type=Path, default=Path("/tmp/chuxin-bench-orgpicker.sqlite3"))
parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="the checkout to measure (default: this one)")
parser.add_argument("--out", type=Path)
args = parser.parse_args()

sys.path.insert(0, str(args.root.resolve()))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import measure, setup_django  # noqa: E402  (bench/ is the script's own folder)


def build(orgs: int):
    from chuxin.accounts.models import Role, RoleGrant, User
    from chuxin.core.paths import encode_step
    from chuxin.orgs.models import Organization
    from chuxin.testing import PASSWORD, make_member

    K = Organization.Kind
    top = Organization.objects.create(name="市委组织部", code="TOP", kind=K.SUPERIOR_COMMITTEE, path=encode_step(1),
                                      depth=1)
    committees = Organization.objects.bulk_create(
        Organization(name=f"第{c + 1}区党委", code=f"C{c:03d}", kind=K.GRASSROOTS_COMMITTEE, parent=top,
                     path=top.path + encode_step(c + 1), depth=2)
        for c in range(100)
    )
    per = max(1, orgs // 100)
    Organization.objects.bulk_create(
        Organization(name=f"第{b + 1}支部", code=f"C{c:03d}B{b:04d}", kind=K.BRANCH, parent=committee,
                     path=committee.path + encode_step(b + 1), depth=3)
        for c, committee in enumerate(committees) for b in range(per)
    )
    make_member(committees[0], "张三")
    worker = User.objects.create_user(username="bench-worker", password=PASSWORD, must_change_password=False)
    RoleGrant.objects.create(user=worker, organization=top, role=Role.WORKER)
    return worker, Organization.objects.count()


def main() -> None:
    setup_django(args.db)
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    worker, total = build(args.orgs)
    client = Client()
    client.force_login(worker)
    pages = [("new member file", reverse("members:create"), False),
             ("new partner unit", reverse("orgs:partner-create"), False),
             ("member list", reverse("members:list"), False)]
    try:
        pick = reverse("orgs:pick")
        pages += [("search 支部 (orgs:pick)", f"{pick}?need=manage&q=支部", True),
                  ("search 第37区 (orgs:pick)", f"{pick}?need=manage&q=第37区", True)]
    except NoReverseMatch:
        pass  # a checkout before the search
    results = {"organizations": total, "pages": {}}
    print(f"{total} organizations; median of {args.repeat} requests")
    print(f"{'page':28} {'ms':>7} {'cpu':>7} {'queries':>8} {'KiB':>7}")
    for name, url, htmx in pages:
        row = measure(client, url, args.repeat, htmx=htmx)
        results["pages"][name] = row
        print(f"{name:28} {row['median_ms']:7.1f} {row['cpu_median_ms']:7.1f} {row['queries']:8} "
              f"{row['bytes'] / 1024:7.1f}")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
