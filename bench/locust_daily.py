"""Locust's users for bench/quizzes.py: members taking today's practice as people do, one question at a time.

Run by bench/quizzes.py (which builds the members, starts gunicorn and reads the figures back), not on its own.
It reads from the environment:

- CHUXIN_LOCUST_KEYS: a JSON file of session keys, one per member (each virtual user takes the next one);
- CHUXIN_LOCUST_THINK: "min,max" seconds a member spends reading a question before answering (default "5,15");
- CHUXIN_LOCUST_SPREAD: seconds over which each member's arrival is spread (default 0): Locust starts its users
  in batches, all of a second's at the same instant; with the batch's interval here, each member waits a random
  moment of it before the first request, so the arrivals fall uniformly over the whole window, as people who each
  open the app some time in those seconds (bench/quizzes.py --arrivals);
- CHUXIN_LOCUST_OUT: where to write the figures as JSON when locust quits.

A member's journey: open /quizzes/daily/ (the page draws today's questions the first time; with it the request
the page makes as it loads for the workbench count and the notification count, when it could not draw them), then for each
question wait (reading it) and send the answer with the htmx request the page makes; the last answer is sent a
second time at once (a double tap: it must not count twice); after a pause the page is opened again, and the
member is done. When every member is done, locust stops (it stops anyway at --run-time, the bound).
Any status but 200, or an answer fragment without its result, is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import string

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser
from locust_common import asked_on_load, figures  # beside this file: Locust puts its folder on the path

with open(os.environ["CHUXIN_LOCUST_KEYS"]) as keys_file:
    KEYS: list[str] = json.load(keys_file)
THINK = tuple(float(x) for x in os.environ.get("CHUXIN_LOCUST_THINK", "5,15").split(","))
SPREAD = float(os.environ.get("CHUXIN_LOCUST_SPREAD", "0"))
QUESTION = re.compile(r'id="q-(\d+)"')
RESULT = 'data-testid="result"'
_next_key = itertools.count()
_finished = itertools.count(1)  # locust's users are greenlets in one thread: no lock is needed


class PracticingMember(FastHttpUser):
    """Locust's FastHttpUser (geventhttpclient) keeps the client's own CPU small. Cookies are a header of our own
    (the cookie jar is off): the session, and a CSRF secret of this user's making, which Django accepts as the
    cookie and, unmasked, as the X-CSRFToken header, as htmx sends the page's token."""

    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.client.client.cookiejar = None
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.cookie = f"sessionid={KEYS[next(_next_key) % len(KEYS)]}; csrftoken={csrf}"
        self.token = csrf
        self.todo: list[str] | None = None
        self.last = ""
        self.done = False
        if SPREAD:
            gevent.sleep(random.uniform(0, SPREAD))

    def _page(self) -> list[str]:
        with self.client.get("/quizzes/daily/", name="/quizzes/daily/ (page)", headers={"Cookie": self.cookie},
                             catch_response=True, allow_redirects=False) as response:
            versions = QUESTION.findall(response.text or "")
            if response.status_code != 200 or not versions:
                response.failure(f"status {response.status_code}, {len(versions)} questions")
                raise StopUser
        # What the page asks for as it loads, as a browser does: the workbench count and the notification count,
        # unless the page could draw them itself.
        for badge in asked_on_load(response.text):
            with self.client.get(badge, name=badge, headers={"Cookie": self.cookie, "HX-Request": "true"},
                                 catch_response=True, allow_redirects=False) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
        return versions

    def _answer(self, version: str, name: str) -> None:
        headers = {"HX-Request": "true", "X-CSRFToken": self.token, "Cookie": self.cookie,
                   "Referer": f"{self.host}/quizzes/daily/",
                   "Content-Type": "application/x-www-form-urlencoded"}
        # One response every kind of question takes: an option index, "true", or a word for a blank.
        with self.client.post(f"/quizzes/daily/answer/{version}/", data="response=0&response=true&response=32",
                              headers=headers, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200 or RESULT not in (response.text or ""):
                response.failure(f"status {response.status_code}, no result in the fragment")

    @task
    def step(self) -> None:
        if self.done:  # done, page still open: asks nothing more, and is not replaced by a new user (below)
            gevent.sleep(5)
            return
        if self.todo is None:
            self.todo = self._page()
            return
        if self.todo:
            self.last = self.todo.pop(0)
            self._answer(self.last, "/quizzes/daily/answer/<version>/")
            if not self.todo:
                self._answer(self.last, "/quizzes/daily/answer/<version>/ (replayed)")
            return
        self._page()
        self.done = True
        # Not StopUser: while Locust is still starting users it replaces a stopped one, and the replacement took
        # another member's session (at --spawn-rate 8, 33 of them: 5% more requests, and a member left undone).
        if next(_finished) >= len(KEYS):
            self.environment.runner.quit()


@events.quitting.add_listener
def write_figures(environment, **_kwargs) -> None:
    out = os.environ.get("CHUXIN_LOCUST_OUT")
    if not out:
        return

    stats = environment.stats
    result = {"total": figures(stats.total),
              "by_request": {name: figures(entry) for (name, _method), entry in sorted(stats.entries.items())},
              "failures": [{"name": f.name, "error": str(f.error), "count": f.occurrences}
                           for f in list(stats.errors.values())[:10]],
              "seconds": round(stats.total.last_request_timestamp - stats.total.start_time, 1)
              if stats.total.last_request_timestamp else 0,
              "members_done": next(_finished) - 1}
    with open(out, "w") as handle:
        json.dump(result, handle, indent=2)
