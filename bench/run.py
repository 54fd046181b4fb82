"""Chuxin's benchmarks: the member list, the organization tree, the Excel import and the demo server's memory.

    make bench                     # = .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --members 100000 --orgs 10000 --repeat 30
    .venv/bin/python bench/run.py --skip-import --skip-server      # pages only

It works on its own SQLite file (/tmp/chuxin-bench.sqlite3 unless --db says otherwise), never on ./var:
migrate, `seed_scale` with --small members, measure the pages, `seed_scale --fresh` with --members and
--orgs, measure them again, then import an --import-rows workbook in a subprocess, then start the demo server
(`manage.py runserver --noreload` on config.settings.local with `seed_demo` data, as `make run` does, on its
own SQLite file) and read its resident memory. It prints a table and writes bench/results/latest.json.

A page's time is the server's: from the test client's request to its response, in this process, with
DEBUG off; the median and 95th percentile of --repeat requests after a few unmeasured ones. Its query count
is taken once more with CaptureQueriesContext, at both sizes: it must not grow with the data.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import warnings
from http.cookiejar import CookieJar
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

PAGE_TARGET_MS = 100
# A page's median as a multiple of the floor's (a bare logged-in view) measured in the same run (issue 14).
RATIO_TARGET = {"postgresql": 10, "sqlite": 15}
IMPORT_TARGET_S = 10
MEMORY_TARGET_MB = 300
DEMO_PASSWORD = "chuxin-demo-2026"  # seed_demo's


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Chuxin benchmarks (see bench/README.md).")
    parser.add_argument("--members", type=int, default=100_000, help="members at full size (default 100000)")
    parser.add_argument("--orgs", type=int, default=10_000, help="organizations at full size (default 10000)")
    parser.add_argument("--small", type=int, default=1_000,
                        help="members at the small size the query counts are compared with (default 1000)")
    parser.add_argument("--repeat", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows in the imported workbook")
    parser.add_argument("--db", type=Path, default=Path("/tmp/chuxin-bench.sqlite3"), help="the benchmark database")
    parser.add_argument("--database", default="",
                        help="a PostgreSQL URL instead of the SQLite file, e.g. "
                             "postgres://postgres@127.0.0.1:5432/chuxin_bench (the database is dropped and made anew)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the data an earlier run left (same --members), without seeding again; the "
                             "query counts are then not compared with the small size")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-server", action="store_true")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    args = parser.parse_args(argv)
    args.db = args.db.resolve()
    if (ROOT / "var") in args.db.parents:
        parser.error("keep the benchmark database out of ./var (that is the demo's); use /tmp")
    return args


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def bench_env(db: Path, database: str = "") -> dict[str, str]:
    """The environment of this process and the import's subprocess: local settings, DEBUG off, the bench file
    (or the PostgreSQL database given)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database or sqlite_url(db),
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


# ---------------------------------------------------------------------------------------------------------------
# Pages


def member_cursor(offset: int) -> str:
    """The list's cursor after `offset` members (what "Next" leads to after offset / 50 pages), for the deep page."""
    from chuxin.accounts.models import User
    from chuxin.members.models import Member
    from chuxin.members.selectors import MemberFilters, member_list

    worker = User.objects.get(username="bench-worker")
    row = (member_list(worker, MemberFilters(status=Member.Status.ACTIVE))
           .values_list("name_pinyin", "id")[offset:offset + 1].first())
    return f"{row[0]}.{row[1]}" if row else ""


def work_world():
    """bench/workbench.py's committee of 1,000 branches (codes WB-), made once in this database: a secretary with
    ~500 open items and a directive to all 1,000 branches, for the workbench and the matrix at this size."""
    import workbench as wb
    from django.utils import timezone

    from chuxin.accounts.models import User
    from chuxin.directives.models import Directive
    from chuxin.orgs.models import Organization

    if Organization.objects.filter(code=f"{wb.PREFIX}SUP").exists():
        person = User.objects.get(username="bench-person")
        sender = User.objects.get(username="bench-sender")
        directive = Directive.objects.filter(sender__code=f"{wb.PREFIX}PC").order_by("-id").first()
        return person, sender, directive
    today = timezone.localdate()
    world = wb.World(1000)
    tasks, directives, requirements = wb.mix(500)
    wb.add_tasks(world, tasks, today)
    wb.add_directives(world, directives, today)
    wb.add_report_requirements(world, requirements, today)
    directive = wb.send_directive(world, None, today)
    from chuxin.members.tallies import recount

    recount()  # the committee's organizations were written in bulk: count them as the services would have
    return world.person, world.sender, directive


FLOOR = "floor: a bare logged-in view"
FLOOR_URL = "/bench/floor/"


def last_page_after(parent) -> str:
    """The tree's cursor for the last page of the parent's children ("More organizations" pressed nine times)."""
    from chuxin.orgs.selectors import CHILDREN_PAGE

    paths = list(parent.children.order_by("path").values_list("path", flat=True))
    return paths[(len(paths) - 1) // CHILDREN_PAGE * CHILDREN_PAGE - 1]


def page_plan() -> list[tuple[str, str, bool, bool, str]]:
    """(name, url, htmx, has a target, who) for the current data; ids are looked up, so it runs after seeding.
    `who`: the login (bench-worker, the top organization's Party-affairs worker; bench-person, the branch
    secretary with ~500 open items; bench-sender, the committee's worker who sent the directive)."""
    from chuxin.orgs.models import Organization

    root = Organization.objects.get(code="S-SUP")
    committee = Organization.objects.filter(code__startswith="S-C").order_by("code").first()
    general = Organization.objects.filter(code__startswith="S-G").order_by("code").first()
    _person, _sender, directive = work_world()
    wb_committee = directive.sender
    W, P, S = "bench-worker", "bench-person", "bench-sender"
    return [
        (FLOOR, FLOOR_URL, False, True, W),
        ("member list", "/members/", False, True, W),
        ("member list ?category=full&q=z", "/members/?category=full&q=z", False, True, W),
        ("member list ?organization=<committee>", f"/members/?organization={committee.pk}", False, True, W),
        ("member list ?status=active (htmx)", "/members/?status=active", True, True, W),
        ("member list, 100 pages deep (by key)", f"/members/?after={member_cursor(4999)}", False, True, W),
        ("member list ?q=张 (surname)", "/members/?q=%E5%BC%A0", False, True, W),
        ("member list ?q=张伟 (name begins)", "/members/?q=%E5%BC%A0%E4%BC%9F", False, True, W),
        ("member list ?q=杨辉胜&contains (anywhere, trigrams)", "/members/?q=%E6%9D%A8%E8%BE%89%E8%83%9C&contains=on", False, True,
         W),
        ("member list ?q=13436533 (phone, trigrams)", "/members/?q=13436533", False, True, W),
        ("member list ?education=bachelor", "/members/?education=bachelor", False, True, W),
        ("member list ?age_band=36_45", "/members/?age_band=36_45", False, True, W),
        ("home (counts, warnings)", "/", False, True, W),
        ("tree /orgs/", "/orgs/", False, True, W),
        ("tree children of the top (htmx)", f"/orgs/{root.pk}/children/", True, True, W),
        ("tree children of a committee (htmx)", f"/orgs/{committee.pk}/children/", True, True, W),
        ("tree children of a general branch (htmx)", f"/orgs/{general.pk}/children/", True, True, W),
        # bench/workbench.py's committee has 1,000 branches: the tree sends them 100 at a time (orgs.selectors).
        ("tree children of 1,000 branches: the first 100 (htmx)", f"/orgs/{wb_committee.pk}/children/", True, True,
         S),
        ("tree children of 1,000 branches: the last 100 (htmx)",
         f"/orgs/{wb_committee.pk}/children/?after={last_page_after(wb_committee)}", True, True, S),
        ("work summary", "/summary/", False, True, W),
        ("workbench, ~500 open items", "/workbench/", False, True, P),
        # The same page after the person marked a task done (what that write moves, before each request): the
        # plans app asked again, and the apps consuming its work record; the others' items read from what was kept.
        (AFTER_TASK_DONE, "/workbench/", False, True, P),
        # The same page with every app asked: the first of the day (the daily run renews every workbench), after a
        # write of the foundation (an organization, a member file, a role), or five minutes after the last gathering
        # (COUNT_SECONDS: what changes by the clock alone). A target like every page's: it is a page people wait for.
        (EVERY_APP, "/workbench/", False, True, P),
        ("the counts after every page (htmx: unread, open work)", "/badges/", True, True, P),
        ("report requirements", "/reports/requirements/", False, True, S),
        ("directive page with its matrix, 1,000 recipients", f"/directives/{directive.pk}/", False, True, S),
        # No target: two characters anywhere in a name have no trigram; every row in scope is read.
        ("member list ?q=辉胜&contains (2 characters anywhere)", "/members/?q=%E8%BE%89%E8%83%9C&contains=on", False,
         False, W),
    ]


AFTER_TASK_DONE = "workbench, ~500 open items, after a task done"
EVERY_APP = "workbench, ~500 open items, every app asked"


def afresh(username: str, *, every_app: bool):
    """Before each request, what a write moves (chuxin.core.versions): with `every_app` the person's whole own
    version, so the workbench gathers from every app; else what marking one of their tasks done moves: the
    versions of the apps its work record reaches (plans, which declares "task_done", and the apps consuming it)
    and, for the POST, the person's own in the plans app. Nothing is written: the same ~500 items each time."""
    from chuxin.accounts.models import User
    from chuxin.core import registry, versions

    pk = User.objects.get(username=username).pk
    if every_app:
        name = versions.of_user(pk)
        return lambda: versions.bump(name)

    def task_done():
        versions.work_changed(registry.record_kind_apps("task_done"))  # the work record (and the audit entry)
        versions.work_changed(["plans"], users=[pk])  # the person's own write in the plans app

    return task_done


def measure_pages(repeat: int, *, fresh_connections: bool = True) -> dict[str, dict]:
    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chuxin.accounts.models import User

    settings.ROOT_URLCONF = "floor_urls"  # the site's URLs and the floor (bench/floor_urls.py)
    clients: dict[str, Client] = {}
    results = {}
    plan = page_plan()  # makes bench/workbench.py's world the first time
    if connection.vendor == "postgresql":
        # Every table's statistics, as autovacuum keeps them in production (docs/operations.md: keep it on). A
        # machine may run PostgreSQL with autovacuum off (this one did, 2026-12-02): the workbench world's tables
        # were then never analyzed, and the planner, guessing one row where there are 300, took 2 ms more on the
        # workbench's probe alone. ANALYZE samples: a second or two at 10^6 members.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    for name, url, htmx, has_target, who in plan:
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(User.objects.get(username=who))
        client = clients[who]
        headers = {"HX-Request": "true"} if htmx else {}
        before = afresh(who, every_app=name == EVERY_APP) if name in (AFTER_TASK_DONE, EVERY_APP) else (lambda: None)
        for _ in range(3):  # warm-up: templates compiled, SQLite pages cached
            before()
            response = client.get(url, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        times, cpu, floor_times, floor_cpu = [], [], [], []
        for _ in range(repeat):
            # SQLite: a server closes its connection after each request (CONN_MAX_AGE=0), so each request opens
            # one with an empty page cache; the test client keeps it open unless told. PostgreSQL: connections
            # persist (CONN_MAX_AGE=60 by default), as here.
            # Each request of the page follows one of the floor, made the same way: the page's ratio is to the
            # floor measured beside it. On a shared machine whose speed moves from minute to minute (another
            # tenant), a floor measured once at the start made ratios of 6x and 15x of the same page in two runs.
            for target, into, into_cpu, hx in ((FLOOR_URL, floor_times, floor_cpu, {}), (url, times, cpu, headers)):
                if fresh_connections:
                    connections.close_all()
                if target == url:
                    before()
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(target, headers=hx)
                into.append((time.perf_counter() - started) * 1000)
                into_cpu.append((time.process_time() - started_cpu) * 1000)
        before()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        times.sort()
        results[name] = {
            "url": url, "htmx": htmx, "has_target": has_target, "login": who,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(statistics.quantiles(times, n=20)[18], 1) if len(times) >= 2 else round(times[0], 1),
            "max_ms": round(times[-1], 1),
            # This process's CPU (Django and the driver, not the database server's): what the wall clock shows
            # on a machine that other work leaves alone, or nearly, for SQLite.
            "cpu_median_ms": round(statistics.median(cpu), 1),
            "queries": len(queries),
            "bytes": len(response.content),
            # The floor measured beside this page (one request before each of its own), and the ratios to it.
            "floor_ms": statistics.median(floor_times),
            "floor_cpu_ms": statistics.median(floor_cpu),
        }
    for result in results.values():
        result["ratio"] = round(result["median_ms"] / result["floor_ms"], 1)
        result["cpu_ratio"] = round(result["cpu_median_ms"] / result["floor_cpu_ms"], 1) if result["floor_cpu_ms"] else None
        result["floor_ms"], result["floor_cpu_ms"] = round(result["floor_ms"], 2), round(result["floor_cpu_ms"], 2)
    return results


def seed(members: int, orgs: int | None) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    options = {"members": members, "fresh": True, "stdout": io.StringIO()}
    if orgs is not None:
        options["orgs"] = orgs
    call_command("seed_scale", **options)
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------------------------------
# Import


def measure_import(args, env: dict[str, str]) -> dict:
    from make_import_file import make_rows, write_xlsx

    from chuxin.orgs.models import Organization, WorkUnit

    # Rows spread over 200 branches and Party groups under the first committee, as one unit's file would be.
    committee = Organization.objects.filter(code__startswith="S-C").order_by("code").first()
    homes = list(
        Organization.objects.filter(path__startswith=committee.path, kind__in=["branch", "party_group"])
        .order_by("path").values_list("code", flat=True)[:200]
    )
    unit = WorkUnit.objects.filter(organization=committee).values_list("name", flat=True).first() or ""
    path = Path("/tmp/chuxin-bench-import.xlsx")
    write_xlsx(path, make_rows(args.import_rows, homes, work_unit=unit))
    done = subprocess.run(
        [PYTHON, str(BENCH / "measure_import.py"), str(path)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"the import failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["organizations"] = len(homes)
    path.unlink(missing_ok=True)
    return result


# ---------------------------------------------------------------------------------------------------------------
# The demo server


def status_kb(pid: int) -> dict[str, int]:
    found = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _sep, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_demo_server() -> dict:
    db = Path("/tmp/chuxin-bench-demo.sqlite3")
    remove_db(db)
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": sqlite_url(db)}
    manage = [PYTHON, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open("/tmp/chuxin-bench-demo-server.log", "w")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(manage + ["runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the demo server did not start; see /tmp/chuxin-bench-demo-server.log") from None
                time.sleep(0.3)
        started = status_kb(server.pid)
        login_page = opener.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "identifier": "worker",
                                       "password": DEMO_PASSWORD}).encode()
        landed = opener.open(urllib.request.Request(f"{base}/accounts/login/", data=form,
                                                    headers={"Referer": f"{base}/accounts/login/"}))
        landed.read()
        # A person lands on the page with their work (the workbench) or on the home page.
        if landed.geturl().rstrip("/") not in (base, f"{base}/workbench"):
            raise SystemExit(f"logging in to the demo server failed (landed on {landed.geturl()})")
        logged_in = status_kb(server.pid)
        pages = ["/", "/members/", "/orgs/", "/members/?q=z", "/orgs/units/"]
        for _round in range(5):
            for page in pages:
                response = opener.open(f"{base}{page}")
                response.read()
                if response.status != 200:
                    raise SystemExit(f"the demo server answered {response.status} for {page}")
        after = status_kb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        remove_db(db)
    return {
        "command": "manage.py runserver --noreload (config.settings.local, DEBUG on, seed_demo data)",
        "pages": pages, "rounds": 5,
        "rss_after_start_mb": round(started["VmRSS"] / 1024, 1),
        "rss_after_login_mb": round(logged_in["VmRSS"] / 1024, 1),
        # The login's password check (Argon2id, 19 MiB of memory per check: chuxin/accounts/hashers.py) is the peak.
        "peak_after_login_mb": round(logged_in["VmHWM"] / 1024, 1),
        "rss_after_pages_mb": round(after["VmRSS"] / 1024, 1),
        "peak_rss_mb": round(after["VmHWM"] / 1024, 1),
    }


# ---------------------------------------------------------------------------------------------------------------
# Report


def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        memory_kb = int(info.readline().split()[1])
    import django

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(), "python": platform.python_version(), "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version, "commit": commit.stdout.strip(),
    }


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def report(results: dict) -> list[str]:
    small_n, big_n = results["sizes"]["small_members"], results["sizes"]["members"]
    ratio_target = results["targets"]["ratio"]
    database = results["machine"].get("postgresql") or f"SQLite {results['machine']['sqlite']}"
    seeded = (f"Seeding {big_n:,} members and {results['sizes']['orgs']:,} organizations: {results['seed_seconds']} s"
              if results["seed_seconds"] is not None else f"{big_n:,} members seeded by an earlier run (--reuse)")
    lines = [
        f"Chuxin benchmarks, {results['date']} on {results['machine']['cpu']} ({results['machine']['cores']} cores), "
        f"{database}, load average {results['load_before']} before",
        seeded,
        "",
        f"{'page':50} {'median':>8} {'p95':>8} {'floor':>6} {'x floor':>8} {'cpu':>6} {'x floor':>8} {'queries':>9}"
        f" {'queries':>9} {'KB':>5}  <{PAGE_TARGET_MS} ms, <={ratio_target}x,",
        f"{'':50} {'ms':>8} {'ms':>8} {'ms':>6} {'':>8} {'ms':>6} {'(cpu)':>8} {f'@{small_n:,}':>9} {f'@{big_n:,}':>9}"
        f" {'':5}  same queries",
    ]
    for name, big in results["pages"].items():
        small = (results["pages_small"] or {}).get(name)
        small_queries = small["queries"] if small else "-"
        ok = None
        if big["has_target"] and name != FLOOR:
            ok = (big["median_ms"] < PAGE_TARGET_MS and big["ratio"] <= ratio_target
                  and (small is None or small["queries"] == big["queries"]))
        notes = "" if small is None or small["queries"] == big["queries"] else " (queries grew)"
        if big["has_target"] and big["p95_ms"] >= PAGE_TARGET_MS:
            notes += " (p95 over)"
        lines.append(
            f"{name:50} {big['median_ms']:8.1f} {big['p95_ms']:8.1f} {big.get('floor_ms', 0):6.1f} {big['ratio']:8.1f}"
            f" {big['cpu_median_ms']:6.1f}"
            f" {big['cpu_ratio']!s:>8} {small_queries!s:>9}"
            f" {big['queries']:9} {big['bytes'] // 1024:5}  {verdict(ok)}{notes}"
        )
    if "import" in results:
        imp = results["import"]
        create, again = imp["runs"]["create"], imp["runs"]["reimport_unchanged"]
        lines += [
            "",
            f"Import of {imp['rows']:,} rows ({imp['file_kb']} KB .xlsx, {imp['organizations']} organizations) "
            f"into {imp['members_before']:,} members, in a subprocess:",
            f"  check + write (all new):      {create['seconds']:6.2f} s  {verdict(create['ok'] and create['seconds'] < IMPORT_TARGET_S)}"
            f"  (target < {IMPORT_TARGET_S} s; created {create['created']:,}, errors {create['errors']})",
            f"  again (all unchanged):        {again['seconds']:6.2f} s  (every row checked, nothing to write)",
            f"  peak resident memory:         {imp['peak_rss_mb']:6.1f} MB {verdict(imp['peak_rss_mb'] < MEMORY_TARGET_MB)}"
            f"  (target < {MEMORY_TARGET_MB} MB; {imp['baseline_rss_mb']} MB before the import)",
        ]
    if "demo_server" in results:
        demo = results["demo_server"]
        lines += [
            "",
            f"Demo server ({demo['command']}), after logging in and {demo['rounds']} rounds of "
            f"{', '.join(demo['pages'])}:",
            f"  resident: {demo['rss_after_start_mb']} MB started, {demo['rss_after_pages_mb']} MB after the pages "
            f"{verdict(demo['rss_after_pages_mb'] < MEMORY_TARGET_MB)} (target < {MEMORY_TARGET_MB} MB)",
            f"  peak: {demo['peak_rss_mb']} MB {verdict(demo['peak_rss_mb'] < MEMORY_TARGET_MB)}, reached while logging in "
            f"({demo['peak_after_login_mb']} MB by then): Argon2's password check takes 19 MiB for a moment",
        ]
    return lines


def recreate_postgres(url: str) -> None:
    """Drop and make anew the PostgreSQL database of `url` (the bench's own: never point it at real data)."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name) or "bench" not in name:
        raise SystemExit("the PostgreSQL database's name must contain 'bench' (it is dropped and made anew)")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def scale_present(members: int) -> bool:
    from chuxin.members.models import Member

    return Member.objects.filter(organization__code__startswith="S-").count() == members


def main(argv=None) -> None:
    args = parse_args(argv)
    env = bench_env(args.db, args.database)
    os.environ.update(env)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic in a bench
    import django

    postgres = args.database.startswith("postgres")
    if not args.reuse:
        if postgres:
            recreate_postgres(args.database)
        else:
            remove_db(args.db)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    results: dict = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "database": urllib.parse.urlparse(args.database)._replace(netloc="").geturl() if postgres else str(args.db),
        "vendor": connection.vendor,
        "sizes": {"small_members": args.small, "members": args.members, "orgs": args.orgs},
        "targets": {"page_ms": PAGE_TARGET_MS, "import_s": IMPORT_TARGET_S, "memory_mb": MEMORY_TARGET_MB,
                    "ratio": RATIO_TARGET[connection.vendor]},
    }
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            results["machine"]["postgresql"] = cursor.fetchone()[0].split(" on ")[0]
    print(f"migrating {results['database']} ...", flush=True)
    call_command("migrate", verbosity=0)
    fresh = not postgres  # see measure_pages
    if args.reuse and scale_present(args.members):
        print(f"reusing the {args.members:,} members already there", flush=True)
        results["seed_seconds"] = None
        results["pages_small"] = None
    else:
        print(f"seeding {args.small:,} members and measuring ...", flush=True)
        seed(args.small, None)
        results["pages_small"] = measure_pages(max(5, args.repeat // 3), fresh_connections=fresh)
        print(f"seeding {args.members:,} members and {args.orgs:,} organizations ...", flush=True)
        results["seed_seconds"] = round(seed(args.members, args.orgs), 1)
    print(f"measuring pages ({args.repeat} requests each) ...", flush=True)
    results["pages"] = measure_pages(args.repeat, fresh_connections=fresh)
    if not args.skip_import:
        print(f"importing {args.import_rows:,} rows ...", flush=True)
        results["import"] = measure_import(args, env)
    if not args.skip_server:
        print("measuring the demo server ...", flush=True)
        results["demo_server"] = measure_demo_server()
    results["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = report(results) + [f"load average {results['load_after']} after"]
    print()
    print("\n".join(lines))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
