"""Locust's users for bench/load.py: people going from key page to key page, each page with its own requests.

Run by bench/load.py (which seeds nothing: it reads bench/run.py's data, starts gunicorn and reads the figures
back), not on its own. It reads from the environment:

- CHUXIN_LOCUST_KEYS: a JSON file {"login": [session keys]} (a user takes the key of its own number);
- CHUXIN_LOCUST_PLAN: a JSON file {"pages": [[login, path], ...]};
- CHUXIN_LOCUST_THINK: "min,max" seconds between page views ("0,0": none, a closed loop at full speed);
- CHUXIN_LOCUST_WARMUP: seconds after the start whose requests are not counted (the statistics start afresh then);
- CHUXIN_LOCUST_OUT: where to write the figures as JSON when locust quits.

A page view is the page and the htmx requests the page makes as it loads (`/badges/`, the notification and the
workbench counts in one, when the page could not draw them itself: bench/locust_common.py), one after the other as a
browser makes them; its time is from the page's request to the last answer. Users start at different pages. Any status but 200 (a redirect to the login page included) is an error.
Locust's FastHttpUser keeps the client's own CPU low; the session cookie is sent as a header and the cookie jar is
switched off, so a csrftoken cookie a page sets cannot replace it.
"""

from __future__ import annotations

import itertools
import json
import os
import time

import gevent
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust_common import asked_on_load, figures  # beside this file: Locust puts its folder on the path

with open(os.environ["CHUXIN_LOCUST_KEYS"]) as keys_file:
    KEYS: dict[str, list[str]] = json.load(keys_file)
with open(os.environ["CHUXIN_LOCUST_PLAN"]) as plan_file:
    _plan = json.load(plan_file)
PAGES: list[list[str]] = _plan["pages"]
THINK = tuple(float(x) for x in os.environ.get("CHUXIN_LOCUST_THINK", "0,0").split(","))
WARMUP = float(os.environ.get("CHUXIN_LOCUST_WARMUP", "0"))
_numbers = itertools.count()


class PageViewer(FastHttpUser):
    wait_time = between(*THINK) if THINK[1] > 0 else constant(0)

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.step = self.number
        self.client.client.cookiejar = None  # the session is the header below, whatever a page sets

    @task
    def page_view(self) -> None:
        login, path = PAGES[self.step % len(PAGES)]
        self.step += 1
        cookie = f"sessionid={KEYS[login][self.number % len(KEYS[login])]}"
        started = time.perf_counter()
        failed = None
        todo = [(path, False)]
        while todo:
            url, htmx = todo.pop(0)
            headers = {"Cookie": cookie, **({"HX-Request": "true"} if htmx else {})}
            name = url if htmx else path.split("?")[0] + ("?…" if "?" in path else "")
            with self.client.get(url, headers=headers, name=name, catch_response=True,
                                 allow_redirects=False) as response:
                if response.status_code != 200:
                    failed = f"{response.status_code} {url}"
                    response.failure(failed)
                elif not htmx:
                    todo.extend((after, True) for after in asked_on_load(response.text))
        self.environment.events.request.fire(
            request_type="VIEW", name="page view", response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=RuntimeError(failed) if failed else None, context={})


@events.test_start.add_listener
def forget_the_warmup(environment, **_kwargs) -> None:
    """The figures are of the run after the warm-up: Locust's own --reset-stats starts afresh when every user has
    started, which with every user started in the first second counted the warm-up's cold starts in."""
    if WARMUP > 0:
        def reset() -> None:
            gevent.sleep(WARMUP)
            environment.stats.reset_all()

        gevent.spawn(reset)


@events.quitting.add_listener
def write_figures(environment, **_kwargs) -> None:
    out = os.environ.get("CHUXIN_LOCUST_OUT")
    if not out:
        return

    stats = environment.stats
    views = stats.get("page view", "VIEW")
    requests = [entry for (name, method), entry in stats.entries.items() if method != "VIEW"]
    result = {
        "page_views": figures(views),
        "requests": sum(e.num_requests for e in requests), "request_failures": sum(e.num_failures for e in requests),
        "by_request": {name: figures(entry) for (name, method), entry in sorted(stats.entries.items())
                       if method != "VIEW"},
        "seconds": round(views.last_request_timestamp - views.start_time, 1) if views.last_request_timestamp else 0,
        "failures": [{"name": f.name, "error": str(f.error), "count": f.occurrences}
                     for f in list(stats.errors.values())[:10]],
    }
    with open(out, "w") as handle:
        json.dump(result, handle, indent=2)
