"""What the Locust files (bench/locust_daily.py, bench/locust_pages.py; bench/load.py plans with it) share: the
htmx requests a browser makes after every page of base.html, and what they write back of one line of Locust's
stats (its requests, failures and latency percentiles in milliseconds)."""

from __future__ import annotations


def figures(entry) -> dict:
    return {"requests": entry.num_requests, "failures": entry.num_failures,
            "ms": {f"p{p}": entry.get_response_time_percentile(p / 100) for p in (50, 95, 99)} | {
                "max": entry.max_response_time, "mean": round(entry.avg_response_time, 1)}}


# The htmx requests of base.html after every page: the bell's, whose answer brings the workbench count too
# (portal:badges). chuxin/portal/tests/test_navigation.py checks this against the page.
AFTER_EVERY_PAGE = ["/badges/"]
