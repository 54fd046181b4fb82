"""What the page benchmarks share (bench/workbench.py, bench/meetings.py): a fresh SQLite database with the
schema, and one page measured as the server's time, its CPU and its query count."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path


def setup_django(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "ERROR",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def measure(client, url: str, repeat: int, *, htmx: bool = False) -> dict:
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(3):  # warm-up: templates compiled, periods opened, SQLite pages cached
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    times, cpu = [], []
    for _ in range(repeat):
        connections.close_all()  # a server without persistent connections opens one per request
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
        count = len(queries)
    times.sort()
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": p95(times),
        "max_ms": round(times[-1], 1),
        # This process's CPU time (SQLite runs in it too): what the request costs, less disturbed than the wall
        # clock when other work shares the machine.
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": p95(cpu),
        "queries": count,
        "bytes": len(response.content),
    }


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=20, method="inclusive")[18], 1)
