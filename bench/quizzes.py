"""The daily practice under load (issue 11): 500 members taking it at once through a real server, with Locust.

    .venv/bin/python bench/quizzes.py --database postgres://postgres@127.0.0.1:5432/bench_quizzes
    .venv/bin/python bench/quizzes.py --database sqlite:////tmp/chuxin-bench-quizzes.sqlite3 --members 100

Locust (2.47.0 from PyPI) brings gevent, Flask and their pins, which the application does not need: it lives in a
venv of its own, `.venv-bench/` (git-ignored), made on the first run (`--locust PATH` names another locust).

1. Builds its world in the given (empty or earlier) database: migrate; a committee with 25 branches and --members
   members with login accounts spread over them; the demo's bank of 107 questions on the committee; points switched
   on at the committee with a rule "a practice finished: 1 point";
2. makes one session per member (Django's own login, no password check), starts a Redis of its own (the
   production cache) and gunicorn as docs/operations.md runs it (`-c config/gunicorn.py`, preloaded), --workers
   workers, DEBUG off;
3. runs Locust headless on the loopback address (bench/locust_daily.py): --members users, all started within
   --members / --spawn-rate seconds (10 s by default), each at a random moment of that window (--arrivals
   uniform, the default; `batches` is Locust's own dispatcher: a second's fifty members in the same instant,
   once a second); each opens today's practice, reads each question for
   --think seconds (5 to 15 by default, drawn at random: a question of 20-60 characters and its options, read
   and thought over) and answers it with the htmx request the page makes,
   sends its last answer a second time at once (a double tap), opens the page again and is done. Locust stops
   when every member is done, or at --run-time (the bound). Any status but 200 is an error;
4. reports every request's latency (p50, p95, p99, max, by kind of request), the requests a second, the server's
   CPU per request (gunicorn's workers and PostgreSQL's backends, from /proc) and the client's, then checks the
   ledger: one "practice finished" record and one point entry per member, none twice.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
P95_TARGET_MS = 200


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="500 members taking the daily practice at once (Locust).")
    parser.add_argument("--database", required=True, help="postgres://... (or sqlite:////tmp/...) for the server")
    parser.add_argument("--members", type=int, default=500, help="members, one Locust user each (default 500)")
    parser.add_argument("--spawn-rate", type=float, default=50, help="members starting per second (default 50)")
    parser.add_argument("--arrivals", choices=("uniform", "batches"), default="uniform",
                        help="uniform: each member arrives at a random moment of the window (default); batches: "
                             "Locust's own, --spawn-rate members in the same instant once a second")
    parser.add_argument("--think", default="5,15", help="seconds reading a question, min,max (default 5,15)")
    parser.add_argument("--run-time", type=int, default=300, help="the bound in seconds (default 300)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--locust", default="", help="a locust executable (default: .venv-bench/, made if missing)")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "quizzes.json")
    return parser.parse_args(argv)


def spread(args: argparse.Namespace) -> float:
    """The seconds over which each of Locust's batches is spread: its dispatcher starts ceil(rate) users at once
    every ceil(rate) / rate seconds (one second from a rate of 1 up), so a random wait within that interval makes
    the arrivals uniform over the whole window, at the same rate."""
    if args.arrivals == "batches":
        return 0.0
    return math.ceil(args.spawn_rate) / args.spawn_rate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ENV = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "0", "DJANGO_LOG_LEVEL": "ERROR",
       "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}
def build(members: int) -> list[str]:
    """The world, and a session key per member."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    from chuxin.accounts.models import User
    from chuxin.members.models import Member
    from chuxin.orgs.models import Organization
    from chuxin.orgs.services import organization_create, rule_set
    from chuxin.quizzes import services
    from chuxin.quizzes.demo_bank import QUESTIONS
    from chuxin.quizzes.models import PointEntry, PracticeSession, Question
    from chuxin.records.models import WorkRecord
    from chuxin.testing import make_member

    committee = Organization.objects.filter(code="QB-PC").first()
    if committee is None:
        committee = organization_create(actor=None, parent=None, name="压测党委", code="QB-PC",
                                        kind=Organization.Kind.GRASSROOTS_COMMITTEE)
        branches = [organization_create(actor=None, parent=committee, name=f"压测第{i + 1}支部", code=f"QB-B{i:02d}",
                                        kind=Organization.Kind.BRANCH) for i in range(25)]
        for kind, topic, text, options, answer, explanation, source, difficulty in QUESTIONS:
            services.question_create(actor=None, organization=committee, kind=kind, topic=topic, text=text,
                                     options=options, answer=answer, explanation=explanation, source=source,
                                     difficulty=difficulty)
        rule_set(actor=None, organization=committee, code="points_enabled", value=True)
        services.point_rule_save(actor=None, organization=committee, kind="quiz.practice_done", points=1,
                                 daily_cap=None, weekly_cap=None, once_only=False)
    else:
        branches = list(Organization.objects.filter(code__startswith="QB-B").order_by("code"))
    have = Member.objects.filter(organization__code__startswith="QB-B", user__isnull=False).count()
    for i in range(have, members):
        user = User.objects.create_user(username=f"qb-{i:05d}", password=None, must_change_password=False)
        # A birth date of its own per member: the citizen ID numbers stay unique across runs of this script.
        make_member(branches[i % len(branches)], f"党员{i:05d}", user=user,
                    born=datetime.date(1960, 1, 1) + datetime.timedelta(days=i))
    # A fresh day for every run: the previous run's practice, records and points of these members are removed.
    users = list(User.objects.filter(username__startswith="qb-").order_by("username")[:members])
    sessions = PracticeSession.objects.filter(user__in=users)
    PointEntry.objects.filter(user__in=users).delete()
    # By the people, not the sessions: a record whose session an older run removed is theirs all the same.
    WorkRecord.objects.filter(kind="quiz.practice_done", users__in=users).delete()
    sessions.delete()
    assert Question.objects.filter(organization=committee).count() >= 100
    keys = []
    for user in users:
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    return keys


def main(argv=None) -> None:
    from load import children, cpu_seconds, get, locust_executable, memory_mb, postgres_pids

    args = parse_args(argv)
    locust = locust_executable(args.locust)
    os.environ.update({**ENV, "DATABASE_URL": args.database})
    keys = build(args.members)
    keys_file = Path("/tmp/chuxin-bench-quizzes-keys.json")
    keys_file.write_text(json.dumps(keys))
    figures_file = Path("/tmp/chuxin-bench-quizzes-locust.json")
    figures_file.unlink(missing_ok=True)
    redis_port, port = free_port(), free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    log = open("/tmp/chuxin-bench-quizzes-gunicorn.log", "w")  # noqa: SIM115  (closed below)
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "120",
               "--access-logfile", "/dev/null"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while get(port, "/healthz", "")[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start; see /tmp/chuxin-bench-quizzes-gunicorn.log")
            time.sleep(0.5)
        for _ in range(2 * args.workers):  # every worker's first requests (imports, templates), unmeasured
            get(port, "/quizzes/", keys[0])
        workers = children(server.pid)
        cpu_before = sum(cpu_seconds(p) for p in workers)
        pg_before = {p: cpu_seconds(p) for p in postgres_pids()}
        client = subprocess.Popen(
            [locust, "-f", str(BENCH / "locust_daily.py"), "--headless", "--only-summary",
             "--host", f"http://127.0.0.1:{port}", "--users", str(args.members), "--spawn-rate",
             str(args.spawn_rate), "--run-time", f"{args.run_time}s", "--stop-timeout", "10", "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "CHUXIN_LOCUST_KEYS": str(keys_file), "CHUXIN_LOCUST_THINK": args.think,
                           "CHUXIN_LOCUST_SPREAD": str(spread(args)),
                           "CHUXIN_LOCUST_OUT": str(figures_file)})
        client_pid = client.pid
        client_cpu = 0.0
        while client.poll() is None:  # the client's own CPU, sampled while it lives
            client_cpu = max(client_cpu, cpu_seconds(client_pid))
            time.sleep(0.5)
        cpu = sum(cpu_seconds(p) for p in workers) - cpu_before
        pg_cpu = sum(max(0.0, cpu_seconds(p) - pg_before.get(p, 0.0)) for p in postgres_pids())
        memory = [memory_mb(p) for p in children(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        redis.terminate()
        redis.wait(timeout=10)
    if not figures_file.exists():
        raise SystemExit("locust wrote no figures (see its output above)")
    figures = json.loads(figures_file.read_text())

    from django.db.models import Count

    from chuxin.quizzes.models import PointEntry, PracticeSession
    from chuxin.records.models import WorkRecord

    names = [f"qb-{i:05d}" for i in range(args.members)]  # this run's members (build() cleared their day)
    finished = PracticeSession.objects.filter(user__username__in=names, finished_at__isnull=False).count()
    records = WorkRecord.objects.filter(kind="quiz.practice_done", users__username__in=names).count()
    entries = PointEntry.objects.filter(user__username__in=names)
    twice = entries.values("user").annotate(n=Count("id")).filter(n__gt=1).count()
    total = figures["total"]
    seconds = figures["seconds"] or 1
    result = {
        "database": args.database.split("@")[-1], "members": len(keys), "workers": args.workers,
        "spawn_rate": args.spawn_rate, "arrivals": args.arrivals, "think_seconds": args.think, "members_done": figures["members_done"],
        "requests": total["requests"], "seconds": seconds, "requests_per_s": round(total["requests"] / seconds, 1),
        "ms": total["ms"], "by_request": figures["by_request"], "errors": total["failures"],
        "error_samples": figures["failures"],
        "cpu_ms_per_request": {"gunicorn": round(cpu * 1000 / max(1, total["requests"]), 1),
                               "postgresql": round(pg_cpu * 1000 / max(1, total["requests"]), 1),
                               "client": round(client_cpu * 1000 / max(1, total["requests"]), 1)},
        "worker_memory_mb": memory, "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "practices_finished": finished, "records": records, "point_entries": entries.count(),
        "members_with_points_twice": twice, "target_p95_ms": P95_TARGET_MS,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    ok = (not total["failures"] and twice == 0 and entries.count() == finished == records == len(keys)
          and total["ms"]["p95"] < P95_TARGET_MS)
    print("PASS" if ok else "FAIL: see the figures above")


if __name__ == "__main__":
    main()
