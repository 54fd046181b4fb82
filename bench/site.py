"""The public home page of an organization served from the cache (target < 20 ms).

    .venv/bin/python bench/site.py [--database postgres://postgres@127.0.0.1:5432/bench_site] [--articles 200]

Builds an organization with a public site and ARTICLES published articles, renders the home page once (filling the
cache), then times repeated requests through the whole Django stack (middleware, URL, the site lookup, the cache),
with DEBUG off and the database connection kept between requests as the settings keep it (CONN_MAX_AGE on
PostgreSQL). It reports the wall clock and this process's CPU time (less disturbed when other work shares the
machine; PostgreSQL's own time is in the wall clock only) and the queries of a cached request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="sqlite:////tmp/bench_site.sqlite3")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if args.database.startswith("sqlite:////"):
        Path(args.database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ.update({"DATABASE_URL": args.database, "DJANGO_SETTINGS_MODULE": "config.settings.local",
                       "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
                       "DJANGO_LOG_LEVEL": "ERROR"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("flush", interactive=False, verbosity=0) if "postgres" in args.database else None
    call_command("migrate", verbosity=0)
    from chuxin.orgs.models import Organization
    from chuxin.orgs.services import organization_create
    from chuxin.site.models import Article
    from chuxin.site.services import profile_save

    org = organization_create(actor=None, parent=None, name="基准党委", code="BENCH",
                              kind=Organization.Kind.GRASSROOTS_COMMITTEE)
    profile_save(actor=None, organization=org, slug="bench", slogan="不忘初心", history="历史" * 200)
    Article.objects.bulk_create(Article(organization=org, organization_path=org.path, title=f"新闻{n}",
                                        summary="摘要" * 20, body="<p>正文</p>" * 20, status="published",
                                        publish_at=timezone.now()) for n in range(args.articles))
    client = Client(HTTP_HOST="localhost")
    first = time.perf_counter()
    assert client.get("/s/bench/").status_code == 200
    cold = (time.perf_counter() - first) * 1000
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get("/s/bench/")
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get("/s/bench/")
    timings.sort()
    cpu.sort()
    median = statistics.median(timings)
    print(f"{args.database.split(':')[0]}: {args.articles} articles; first render {cold:.1f} ms; from cache "
          f"median {median:.2f} ms, p95 {timings[int(len(timings) * 0.95)]:.2f} ms, CPU median "
          f"{statistics.median(cpu):.2f} ms, {len(queries)} query; target < 20 ms: {'ok' if median < 20 else 'NOT MET'}")


if __name__ == "__main__":
    main()
