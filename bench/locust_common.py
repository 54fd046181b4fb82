"""What the Locust files (bench/locust_daily.py, bench/locust_pages.py; bench/load.py plans with it) share: the
htmx requests a browser makes after a page of base.html, and what they write back of one line of Locust's
stats (its requests, failures and latency percentiles in milliseconds)."""

from __future__ import annotations

import re


def figures(entry) -> dict:
    return {"requests": entry.num_requests, "failures": entry.num_failures,
            "ms": {f"p{p}": entry.get_response_time_percentile(p / 100) for p in (50, 95, 99)} | {
                "max": entry.max_response_time, "mean": round(entry.avg_response_time, 1)}}


# What base.html asks for as it loads (htmx, hx-trigger="load"): the bell's request, whose answer brings the
# workbench count too (portal:badges), when the page could not draw the counts itself (the count was not known
# without counting: a first visit, a write since). chuxin/portal/tests/test_navigation.py checks this against
# the pages.
ASKED_ON_LOAD = re.compile(r'hx-get="([^"]+)" hx-trigger="load\b')
# Every request that can be asked on load (a page view fetches those its page asks for).
AFTER_A_PAGE = ["/badges/"]


def asked_on_load(html: str) -> list[str]:
    """The requests a browser makes after this page, as htmx does."""
    return ASKED_ON_LOAD.findall(html or "")
