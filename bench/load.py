"""A load test: gunicorn with --preload on the loopback address, and Locust's users (a bounded client) as people.

    .venv/bin/python bench/load.py --database postgres://postgres@127.0.0.1:5432/chuxin_bench --users 10,50,100

It runs against data `bench/run.py` left in that database (`seed_scale`'s unit and its `bench-worker`, and
bench/workbench.py's committee with its secretary `bench-person`): run that first, e.g.
`bench/run.py --database URL --members 1000000 --orgs 100000 --skip-import --skip-server`.

Locust (2.47.0 from PyPI, with gevent and Flask) lives in a venv of its own, `.venv-bench/` (git-ignored), made
on the first run; `--locust PATH` names another.

What it does:

1. starts a Redis of its own on a free port (the production cache: the workbench counts are shared by the
   workers) unless --no-redis, and gunicorn as docs/operations.md runs it (`-c config/gunicorn.py`, which preloads
   the application) with --workers workers, DEBUG off;
2. logs the users in once each (a session per virtual user, made with Django's own login, no password check);
3. for each number of users in --users: that many Locust users (bench/locust_pages.py) for --warmup + --seconds,
   each going from page to page with --think seconds between page views (1 to 3 by default: faster than anyone
   reads a page); then a capacity run: --capacity-users users with no pause at all (a closed loop: the most page
   views a second the server gives); the figures leave the warm-up out. A page view is the page and the requests
   the page asks for as it loads (bench/locust_common.py: `/badges/`, the notification and workbench counts in
   one htmx request, when the page could not draw them itself), one after the other, as a browser makes them. The pages are the key pages of
   bench/run.py, a secretary's workbench among them;
4. reports page views a second, the latency of the page views and of every request (p50, p95, p99), errors
   (a status other than 200, or no answer), the server's CPU per page view (the gunicorn workers', and
   PostgreSQL's backends' separately, from /proc) and the client's, and each worker's memory: resident (RSS) and
   its proportional share (PSS: pages shared copy-on-write with the preloaded arbiter counted by their share).

The client runs on the same machine and takes CPU from it; its own CPU time is reported too.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
from locust_common import AFTER_A_PAGE  # noqa: E402  (bench/ is on the path only now)

TICKS = os.sysconf("SC_CLK_TCK")
LOCUST_VERSION = "2.47.0"


def locust_executable(given: str) -> str:
    if given:
        return given
    venv = ROOT / ".venv-bench"
    executable = venv / "bin" / "locust"
    if not executable.exists():
        print(f"installing locust=={LOCUST_VERSION} into {venv} (once) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"locust=={LOCUST_VERSION}"], check=True)
    return str(executable)




def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Load test against gunicorn (see bench/README.md).")
    parser.add_argument("--database", required=True, help="the database bench/run.py seeded (a URL)")
    parser.add_argument("--users", default="10,50,100", help="concurrent users, one run each (default 10,50,100)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each run (default 30)")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds before each run (default 5)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4: two per core)")
    parser.add_argument("--think", default="1,3", help="seconds between a user's page views, min,max (default 1,3)")
    parser.add_argument("--capacity-users", type=int, default=100,
                        help="users of the last run, with no pause between page views: the most the server serves "
                             "(0: no such run; default 100)")
    parser.add_argument("--locust", default="", help="a locust executable (default: .venv-bench/, made if missing)")
    parser.add_argument("--no-redis", action="store_true", help="the per-process memory cache instead of Redis")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "load.json")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as kids:
            return [int(p) for p in kids.read().split()]
    except FileNotFoundError:
        return []


def postgres_pids() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as comm:
                    if comm.read().strip() in ("postgres", "postmaster"):
                        found.append(int(entry))
            except OSError:
                pass
    return found


def memory_mb(pid: int) -> dict[str, float]:
    out = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                out["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith(("Pss:", "Private_Clean:", "Private_Dirty:")):
                    key = {"Pss:": "pss_mb"}.get(line.split()[0], "private_mb")
                    out[key] = round(out.get(key, 0) + int(line.split()[1]) / 1024, 1)
    except FileNotFoundError:
        pass
    return out


def sessions(database: str) -> dict[str, list[str]]:
    """A session key per virtual user and login (100 each), made in the database the server reads."""
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "0",
                       "DATABASE_URL": database, "DJANGO_LOG_LEVEL": "ERROR",
                       "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"})
    import django

    django.setup()
    from django.test import Client

    from chuxin.accounts.models import User

    keys: dict[str, list[str]] = {}
    for username in ("bench-worker", "bench-person"):
        user = User.objects.get(username=username)
        keys[username] = []
        for _ in range(100):
            client = Client()
            client.force_login(user)
            keys[username].append(client.cookies["sessionid"].value)
    return keys


def pages() -> list[tuple[str, str]]:
    """(login, path) in the order each user goes through them: bench/run.py's key pages."""
    from run import member_cursor

    from chuxin.orgs.models import Organization

    committee = Organization.objects.filter(code__startswith="S-C").order_by("code").first()
    return [
        ("bench-worker", "/members/"),
        ("bench-worker", "/"),
        ("bench-worker", "/members/?q=%E5%BC%A0"),
        ("bench-worker", "/orgs/"),
        ("bench-worker", "/members/?category=full&q=z"),
        ("bench-person", "/workbench/"),
        ("bench-worker", f"/members/?organization={committee.pk}"),
        ("bench-worker", f"/members/?after={member_cursor(4999)}"),
        ("bench-worker", "/members/?education=bachelor"),
        ("bench-worker", "/summary/"),
    ]




def get(port: int, path: str, session: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={session}", "Host": "127.0.0.1",
                                           **({"HX-Request": "true"} if path in AFTER_A_PAGE else {})})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 1)


def run_level(locust: str, port: int, files: dict, users: int, seconds: float, warmup: float, think: str,
              server_pid: int) -> dict:
    """One level: `users` Locust users for warmup + seconds; the figures are the last `seconds` (bench/locust_pages.py
    starts its statistics afresh after the warm-up), the CPU that of the same window."""
    out = Path("/tmp/chuxin-bench-load-locust.json")
    out.unlink(missing_ok=True)
    client = subprocess.Popen(
        [locust, "-f", str(BENCH / "locust_pages.py"), "--headless", "--only-summary",
         "--host", f"http://127.0.0.1:{port}", "--users", str(users), "--spawn-rate", str(max(1, users)),
         "--run-time", f"{int(warmup + seconds)}s", "--stop-timeout", "5", "--loglevel", "WARNING"],
        cwd=ROOT, stdout=subprocess.DEVNULL,
        env={**os.environ, "CHUXIN_LOCUST_KEYS": str(files["keys"]), "CHUXIN_LOCUST_PLAN": str(files["plan"]),
             "CHUXIN_LOCUST_THINK": think, "CHUXIN_LOCUST_WARMUP": str(warmup), "CHUXIN_LOCUST_OUT": str(out)})
    time.sleep(warmup)
    workers = children(server_pid)
    cpu_before = sum(cpu_seconds(p) for p in workers)
    # Per process: a backend that exits during the run takes its CPU with it (counted up to its last sample).
    pg_before = {p: cpu_seconds(p) for p in postgres_pids()}
    client_before = cpu_seconds(client.pid)
    started = time.perf_counter()
    client_cpu = 0.0
    while client.poll() is None:
        client_cpu = max(client_cpu, cpu_seconds(client.pid) - client_before)
        cpu = sum(cpu_seconds(p) for p in workers) - cpu_before
        elapsed = time.perf_counter() - started
        time.sleep(0.5)
    pg_cpu = sum(max(0.0, cpu_seconds(p) - pg_before.get(p, 0.0)) for p in postgres_pids())
    if not out.exists():
        raise SystemExit("locust wrote no figures")
    figures = json.loads(out.read_text())
    views = figures["page_views"]["requests"] - figures["page_views"]["failures"]
    rate = views / figures["seconds"] if figures["seconds"] else 0.0
    in_window = rate * elapsed  # page views during the CPU window
    return {
        "users": users, "think_seconds": think, "seconds": figures["seconds"], "page_views": views,
        "page_views_per_s": round(rate, 1), "requests_per_s": round(figures["requests"] / figures["seconds"], 1)
        if figures["seconds"] else 0.0,
        "page_view_ms": figures["page_views"]["ms"], "by_request": figures["by_request"],
        "errors": figures["page_views"]["failures"], "error_samples": figures["failures"],
        "cpu_ms_per_page_view": {
            "gunicorn": round(cpu * 1000 / in_window, 1) if in_window else None,
            "postgresql": round(pg_cpu * 1000 / in_window, 1) if in_window else None,
            "client": round(client_cpu * 1000 / in_window, 1) if in_window else None,
        },
        "cpu_busy": {"gunicorn": round(cpu / elapsed, 2), "postgresql": round(pg_cpu / elapsed, 2),
                     "client": round(client_cpu / elapsed, 2)},
    }


def main(argv=None) -> None:
    args = parse_args(argv)
    locust = locust_executable(args.locust)
    keys = sessions(args.database)
    plan = pages()
    files = {"keys": Path("/tmp/chuxin-bench-load-keys.json"), "plan": Path("/tmp/chuxin-bench-load-plan.json")}
    files["keys"].write_text(json.dumps(keys))
    files["plan"].write_text(json.dumps({"pages": plan}))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "0",
           "DATABASE_URL": args.database, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_LOG_LEVEL": "ERROR"}
    redis = None
    if not args.no_redis:
        redis_port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    port = free_port()
    log = open("/tmp/chuxin-bench-gunicorn.log", "w")  # noqa: SIM115  (closed below)
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "120",
               "--access-logfile", "/dev/null"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    results: dict = {"command": " ".join(command[1:]), "workers": args.workers, "redis": redis is not None,
                     "pages": [p for _l, p in plan], "asked_after_a_page": AFTER_A_PAGE, "client": "locust",
                     "levels": []}
    try:
        deadline = time.monotonic() + 60
        while get(port, "/healthz", "")[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start; see /tmp/chuxin-bench-gunicorn.log")
            time.sleep(0.5)
        results["memory_started"] = {"arbiter": memory_mb(server.pid),
                                     "workers": [memory_mb(p) for p in children(server.pid)]}
        # Every worker's first request of each page (imports, templates, connections), unmeasured.
        for login, path in plan:
            for _ in range(2 * args.workers):
                get(port, path, keys[login][0])
                for after in AFTER_A_PAGE:
                    get(port, after, keys[login][0])
        runs = [(int(n), args.think) for n in args.users.split(",")]
        if args.capacity_users:
            runs.append((args.capacity_users, "0,0"))
        for users, think in runs:
            print(f"{users} users, {think} s between page views, for {args.seconds:.0f} s ...", flush=True)
            level = run_level(locust, port, files, users, args.seconds, args.warmup, think, server.pid)
            results["levels"].append(level)
            print(f"  {level['page_views_per_s']} page views/s, page view p50/p95/p99 "
                  f"{level['page_view_ms']['p50']}/{level['page_view_ms']['p95']}/{level['page_view_ms']['p99']} ms,"
                  f" errors {level['errors']}, CPU per page view: gunicorn "
                  f"{level['cpu_ms_per_page_view']['gunicorn']} ms, PostgreSQL "
                  f"{level['cpu_ms_per_page_view']['postgresql']} ms, client "
                  f"{level['cpu_ms_per_page_view']['client']} ms", flush=True)
        results["memory_after"] = {"arbiter": memory_mb(server.pid),
                                   "workers": [memory_mb(p) for p in children(server.pid)]}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
    results["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    workers = results["memory_after"]["workers"]
    print(f"workers after the runs: RSS {[w.get('rss_mb') for w in workers]} MB, "
          f"PSS {[w.get('pss_mb') for w in workers]} MB, private {[w.get('private_mb') for w in workers]} MB; "
          f"arbiter RSS {results['memory_after']['arbiter'].get('rss_mb')} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
