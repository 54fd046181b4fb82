"""The daily practice under load (issue 11): 500 members taking it at once through a real server.

    .venv/bin/python bench/quizzes.py --database postgres://postgres@127.0.0.1:5432/bench_quizzes
    .venv/bin/python bench/quizzes.py --database sqlite:////tmp/chuxin-bench-quizzes.sqlite3 --members 100

Locust is not among the packages this project may install, so the client is bench/load.py's: plain threads with
http.client on the loopback address, one thread per member.

1. Builds its world in the given (empty or earlier) database: migrate; a committee with 25 branches and --members
   members with login accounts spread over them; the demo's bank of 107 questions on the committee; points switched
   on at the committee with a rule "a practice finished: 1 point";
2. makes one session per member (Django's own login, no password check) and starts gunicorn as docs/operations.md
   runs it (`-c config/gunicorn.py`, preloaded), --workers workers, DEBUG off;
3. all members at once (a barrier releases every thread together): each opens today's practice, answers its
   questions one by one with the htmx request the page makes, sends its last answer a second time (a replayed
   submit) and opens the page again. Every request is timed (p50, p95, p99, max); any status but 200 is an error;
4. checks the ledger: one "practice finished" record and one point entry per member, none twice.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
P95_TARGET_MS = 200


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="500 members taking the daily practice at once.")
    parser.add_argument("--database", required=True, help="postgres://... (or sqlite:////tmp/...) for the server")
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/chuxin-bench-quizzes.json"))
    return parser.parse_args(argv)


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
        make_member(branches[i % len(branches)], f"党员{i:05d}", user=user)
    # A fresh day for every run: the previous run's practice, records and points of these members are removed.
    users = list(User.objects.filter(username__startswith="qb-").order_by("username")[:members])
    sessions = PracticeSession.objects.filter(user__in=users)
    PointEntry.objects.filter(user__in=users).delete()
    WorkRecord.objects.filter(kind="quiz.practice_done", target_id__in=[str(s) for s in
                                                                        sessions.values_list("pk", flat=True)]).delete()
    sessions.delete()
    assert Question.objects.filter(organization=committee).count() >= 100
    keys = []
    for user in users:
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    return keys


def request(port: int, method: str, path: str, cookies: dict, body: str = "", headers=None) -> tuple[int, float, str]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body.encode(), headers={
            "Cookie": cookie, "Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                cookies["csrftoken"] = value.split(";")[0].split("=", 1)[1]
        status = response.status
    except OSError as error:
        status, text = 0, str(error)
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000, text


QUESTION = re.compile(r'id="q-(\d+)"')


def member(port: int, key: str, barrier: threading.Barrier, times: list, errors: list, lock: threading.Lock):
    cookies = {"sessionid": key}
    mine, problems = [], []

    def call(method, path, body=""):
        headers = {}
        if method == "POST":
            headers = {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                       "X-CSRFToken": cookies.get("csrftoken", "")}
        status, ms, text = request(port, method, path, cookies, body, headers)
        mine.append(ms)
        if status != 200:
            problems.append(f"{method} {path}: {status}")
        return text

    barrier.wait()
    page = call("GET", "/quizzes/daily/")
    versions = QUESTION.findall(page)
    if not versions:
        problems.append("no questions on the page")
    for version in versions:
        # Every kind takes one of these: an option index, "true", or a word for a blank.
        call("POST", f"/quizzes/daily/answer/{version}/", "response=0&response=true&response=32")
    if versions:
        call("POST", f"/quizzes/daily/answer/{versions[-1]}/", "response=0")  # the replayed last answer
    call("GET", "/quizzes/daily/")
    with lock:
        times.extend(mine)
        errors.extend(problems)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 1) if ordered else 0.0


def main(argv=None) -> None:
    args = parse_args(argv)
    os.environ.update({**ENV, "DATABASE_URL": args.database})
    keys = build(args.members)
    port = free_port()
    env = {**os.environ}
    log = open("/tmp/chuxin-bench-quizzes-gunicorn.log", "w")  # noqa: SIM115  (closed below)
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "120",
               "--access-logfile", "/dev/null"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    times: list[float] = []
    errors: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while request(port, "GET", "/healthz", {})[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start; see /tmp/chuxin-bench-quizzes-gunicorn.log")
            time.sleep(0.5)
        request(port, "GET", "/quizzes/daily/", {"sessionid": keys[0]})  # the workers' first request, unmeasured
        lock = threading.Lock()
        barrier = threading.Barrier(len(keys))
        threads = [threading.Thread(target=member, args=(port, key, barrier, times, errors, lock)) for key in keys]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    from django.db.models import Count

    from chuxin.quizzes.models import PointEntry, PracticeSession
    from chuxin.records.models import WorkRecord

    users = [k for k in keys]
    finished = PracticeSession.objects.filter(user__username__startswith="qb-", finished_at__isnull=False).count()
    records = WorkRecord.objects.filter(kind="quiz.practice_done", users__username__startswith="qb-").count()
    entries = PointEntry.objects.filter(user__username__startswith="qb-")
    twice = entries.values("user").annotate(n=Count("id")).filter(n__gt=1).count()
    result = {
        "database": args.database.split("@")[-1], "members": len(users), "workers": args.workers,
        "requests": len(times), "seconds": round(elapsed, 1), "requests_per_s": round(len(times) / elapsed, 1),
        "ms": {"p50": pct(times, 50), "p95": pct(times, 95), "p99": pct(times, 99), "max": pct(times, 100)},
        "errors": len(errors), "error_samples": errors[:5], "practices_finished": finished,
        "records": records, "point_entries": entries.count(), "members_with_points_twice": twice,
        "target_p95_ms": P95_TARGET_MS,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    ok = (not errors and twice == 0 and entries.count() == finished == len(users) and result["ms"]["p95"]
          < P95_TARGET_MS)
    print("PASS" if ok else "FAIL: see the figures above")


if __name__ == "__main__":
    main()
