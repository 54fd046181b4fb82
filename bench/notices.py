"""Benchmarks of notices and member groups (issue 12): a notice's read matrix over 10,000 recipients, and a member
group with 50,000 messages opened on its latest page.

    .venv/bin/python bench/notices.py
    .venv/bin/python bench/notices.py --recipients 10000 --messages 50000 --repeat 30 --out /tmp/notices.json
    .venv/bin/python bench/notices.py --database postgres://postgres@127.0.0.1:5432/bench_notices

It works on its own database: a fresh SQLite file (/tmp/chuxin-bench-notices.sqlite3 unless --db says otherwise;
never ./var), or the PostgreSQL database named by --database (migrated, its notices tables emptied first). It builds
a committee with 50 branches, --recipients accounts spread over them, a notice to all of them (60 % read, 30 %
confirmed, as a notice looks a few days on) and --messages messages in the committee's group, with bulk inserts;
then, as the committee's Party-affairs worker (a member of its group by their grant):

1. the read matrix page (/notices/<pk>/readers/): counts by branch and the first page of who has not read;
2. the group's page (/notices/groups/<pk>/): the latest 30 messages, older ones on demand;
3. the htmx poll of the group with nothing new, and the page of older messages 25,000 messages back.

A page's time is the server's (bench/common.py): the test client's request to its response in this process, DEBUG
off, a fresh database connection per request; median and 95th percentile of --repeat requests after three
unmeasured ones, and the query count.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from common import measure, setup_django  # noqa: E402  (bench/ is the script's own folder)

MATRIX_TARGET_MS = 100
GROUP_TARGET_MS = 100


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmarks of a notice's read matrix and a large member group.")
    parser.add_argument("--db", type=Path, default=Path("/tmp/chuxin-bench-notices.sqlite3"))
    parser.add_argument("--database", default="", help="a PostgreSQL URL instead of the SQLite file")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path)
    return parser.parse_args(argv)


def setup(args) -> None:
    if not args.database:
        setup_django(args.db)
        return
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "0",
                       "DATABASE_URL": args.database, "DJANGO_ALLOWED_HOSTS": "testserver",
                       "DJANGO_LOG_LEVEL": "ERROR"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(args):
    from django.utils import timezone

    from chuxin.accounts.models import Role, RoleGrant, User
    from chuxin.notices.models import Group, Message, Notice, NoticeRecipient
    from chuxin.notices.services import group_of
    from chuxin.orgs.models import Organization
    from chuxin.orgs.services import organization_create

    Message.objects.all().delete()
    NoticeRecipient.objects.all().delete()
    Notice.objects.all().delete()
    Group.objects.all().delete()
    K = Organization.Kind
    committee = Organization.objects.filter(code="BENCH-N").first() or organization_create(
        actor=None, parent=None, name="基准党委", code="BENCH-N", kind=K.GRASSROOTS_COMMITTEE)
    branches = list(Organization.objects.filter(parent=committee).order_by("pk"))
    for i in range(len(branches), 50):
        branches.append(organization_create(actor=None, parent=committee, name=f"第{i + 1}支部",
                                            code=f"BENCH-N-{i + 1}", kind=K.BRANCH))
    worker = User.objects.filter(username="bench-notices").first()
    if worker is None:
        worker = User.objects.create_user("bench-notices", password=None, must_change_password=False)
        RoleGrant.objects.create(user=worker, organization=committee, role=Role.WORKER)
    existing = User.objects.filter(username__startswith="bench-n-").count()
    unusable = "!"  # no password: these accounts only receive the notice
    User.objects.bulk_create([User(username=f"bench-n-{i}", password=unusable)
                              for i in range(existing, args.recipients)], batch_size=2000)
    users = list(User.objects.filter(username__startswith="bench-n-").order_by("pk")[: args.recipients])
    notice = Notice.objects.create(organization=committee, organization_path=committee.path,
                                   title="关于开展主题党日的通知", body="<p>请各支部组织。</p>",
                                   needs_confirmation=True, sender=worker, recipient_count=len(users))
    now = timezone.now()
    NoticeRecipient.objects.bulk_create([
        NoticeRecipient(notice=notice, user=u, name=f"党员{i:05d}", organization=branches[i % len(branches)],
                        read_at=now if i % 10 < 6 else None, confirmed_at=now if i % 10 < 3 else None)
        for i, u in enumerate(users)], batch_size=2000)
    group = group_of(committee)
    Message.objects.bulk_create([Message(group=group, author=users[i % len(users)], author_name=f"党员{i % 997}",
                                         text=f"第{i}条消息：本周学习安排和志愿服务的分工。")
                                 for i in range(args.messages)], batch_size=5000)
    return worker, notice, group


def main(argv=None) -> int:
    args = parse_args(argv)
    setup(args)
    from django.test import Client

    from chuxin.notices.models import Message

    worker, notice, group = build(args)
    client = Client()
    client.force_login(worker)
    last = Message.objects.filter(group=group).order_by("-id").values_list("id", flat=True).first()
    middle = Message.objects.filter(group=group).order_by("id").values_list("id", flat=True)[args.messages // 2]
    results = {
        "database": "postgresql" if args.database else "sqlite",
        "recipients": args.recipients, "messages": args.messages,
        "read_matrix": measure(client, f"/notices/{notice.pk}/readers/", args.repeat),
        "group_page": measure(client, f"/notices/groups/{group.pk}/", args.repeat),
        "group_poll": measure(client, f"/notices/groups/{group.pk}/messages/?after={last}", args.repeat, htmx=True),
        "group_older": measure(client, f"/notices/groups/{group.pk}/messages/?before={middle}", args.repeat,
                               htmx=True),
    }
    results["targets"] = {"read_matrix_ms": MATRIX_TARGET_MS, "group_page_ms": GROUP_TARGET_MS}
    results["met"] = (results["read_matrix"]["median_ms"] < MATRIX_TARGET_MS
                      and results["group_page"]["median_ms"] < GROUP_TARGET_MS)
    text = json.dumps(results, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0 if results["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
