"""Hostile values in every form of every app never make a server error.

The forms are found by opening every page of the URL conf (forms_on_pages.py) as the superuser, as the plain
member who is assigned a task (the progress form is only theirs) and anonymously (the login form). Each form is
then sent:
- once per hostile value with every field set to it;
- once per field and hostile value with the other fields as a browser would send them, so that a value that
  passes its own field reaches the form's rules, the service and the database.
Anything but a 5xx is an answer (a form with errors, a redirect, 400, 403, 404). Run it on PostgreSQL too:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuxin_harden pytest chuxin/core/tests/test_hostile_input.py`.
"""

from __future__ import annotations

import traceback

import pytest
from django.test import Client
from django.urls import reverse

from chuxin.core.tests.forms_on_pages import Form, discover, pages
from chuxin.testing import Env

HUGE = "9223372036854775808"  # 2**63: one past the largest 64-bit id
HOSTILE: dict[str, str | list[str]] = {
    "huge int": HUGE,
    "huge negative": "-9223372036854775809",
    "enormous int": "1" + "0" * 40,
    "negative id": "-1",
    "float overflow": "1e309",
    "nul": "第一\x00支部",
    "10k characters": "党" * 10_000,
    "far future date": "9999-12-31",
    "year one": "0001-01-01",
    "impossible date": "2026-02-30",
    "unicode": "𝕏😀\u202egnp.exe\ufeff\u200d",
    "sql and html": "' OR 1=1; DROP TABLE audit_auditentry; -- \"><script>alert(1)</script><img src=x onerror=alert(1)>",
    "array": [HUGE, "-1", "1", "\x00"],
}


def _send(client: Client, form: Form, data: dict[str, list[str]]):
    if form.method == "get":
        return client.get(form.action, data)
    return client.post(form.action, data)


def _outcome(client: Client, form: Form, data: dict) -> str | None:
    """None when the answer is not a server error; otherwise what went wrong."""
    response = _send(client, form, data)
    if response.status_code < 500:
        return None
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return str(response.status_code)
    where = traceback.extract_tb(exc_info[2])[-1]
    return f"{response.status_code} {exc_info[0].__name__}: {str(exc_info[1])[:200]} (at {where.filename}:{where.lineno})"


# Per field, the values that can pass its own check and so reach the form's rules, the service and the
# database (a date field never lets 10,000 characters through; a text field takes them).
DEEP = {
    "date": ["far future date", "year one"],
    "number": ["huge int", "huge negative", "negative id", "float overflow"],
    "select": ["huge int", "negative id", "array"],
    "checkbox": ["huge int", "negative id", "array"],
    "radio": ["huge int", "negative id", "array"],
    "hidden": ["huge int", "negative id", "nul", "10k characters"],
    "file": [],
}
TEXT = ["nul", "10k characters"]


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def _cases(form: Form):
    """(label, data) pairs: every field hostile at once, then each field alone with the others plausible."""
    base = form.baseline()
    if not form.names:  # a button: nothing to fill in
        yield "as is", base
        return
    for label, value in HOSTILE.items():
        yield f"all fields = {label}", {**base, **{name: _as_list(value) for name in form.names}}
    kinds = {}
    for f in form.fields:
        kinds.setdefault(f.name, f.kind)
    for name in form.names:
        for label in DEEP.get(kinds[name], TEXT):
            yield f"{name} = {label}", {**base, name: _as_list(HOSTILE[label])}


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _drive(client: Client, forms: list[Form]) -> list[str]:
    wrong = []
    for form in forms:
        for label, data in _cases(form):
            problem = _outcome(client, form, data)
            if problem:
                wrong.append(f"{form.method.upper()} {form.action} ({form.action_name}, on {form.page}) "
                             f"with {label}: {problem}")
    return wrong


@pytest.fixture
def draft_report(env: Env):
    """A report still being written, so its editing form is on a page (the matrix's report is submitted)."""
    from chuxin.reports.models import Report
    from chuxin.reports.tests.matrix_routes import routes

    routes()["reports:report"][0].build(env, "B1")  # the matrix's requirement and period at B1
    period = env.cache[("report-period", "B1")]
    return Report.objects.create(period=period, organization=env.org("B2"), status="draft",
                                 sections=[{"title": "工作情况", "html": "<p>草稿</p>"}])


@pytest.mark.django_db(transaction=True)  # a failed statement must not poison the next request on PostgreSQL
def test_no_form_answers_hostile_values_with_a_server_error(env, draft_report):
    visits = pages(env) + [("reports:report", reverse("reports:report", args=[draft_report.pk]), {})]
    superuser = _client(env.users["superuser"])
    forms = discover(superuser, visits)
    assignee = _client(env.users["member"])
    own = [form for form in discover(assignee, visits) if form.key not in {f.key for f in forms}]
    anonymous = _client()
    public = discover(anonymous, [("accounts:login", reverse("accounts:login"), {})])

    # The inventory itself: the forms this test must reach, so a broken discovery cannot pass quietly.
    names = {form.action_name for form in forms + own + public}
    for expected in ("directives:create", "directives:action-add", "plans:task-create", "plans:milestone-create",
                     "plans:task-progress", "reports:requirement-create", "reports:report", "members:create",
                     "members:list", "audit:list", "orgs:create", "orgs:position-create",
                     "responsibilities:template-item-create", "accounts:login", "accounts:org-access"):
        assert expected in names, f"no form of {expected} was found"

    wrong = _drive(superuser, forms) + _drive(assignee, own) + _drive(anonymous, public)
    assert not wrong, f"{len(wrong)} server errors:\n" + "\n".join(wrong[:40])
    # Whatever the hostile values managed to store breaks no page afterwards: not the pages, not anyone's
    # workbench, calendar or calendar feed (a due date of 9999-12-31 once broke the feed for good).
    broken = _pages_that_fail(env, visits)
    assert not broken, "pages broken by what was stored:\n" + "\n".join(broken)


def _pages_that_fail(env: Env, visits) -> list[str]:
    from chuxin.workbench.services import feed_token_regenerate

    broken = []
    for role, user in env.users.items():
        client = _client(user)
        own = [reverse("workbench:home"), reverse("workbench:calendar"), reverse("workbench:badge"),
               reverse("workbench:feed", kwargs={"token": feed_token_regenerate(actor=user).token})]
        every = [(path, params) for _name, path, params in visits] if role == "superuser" else []
        for path, params in [(path, {}) for path in own] + every:
            response = client.get(path, params)
            if response.status_code >= 500:
                broken.append(f"GET {path} as {role}: {response.status_code}")
    return broken


QUERIES = [
    "/audit/?q=%00", "/audit/?q=%00&action=create", "/members/?q=%00", "/members/?organization=9223372036854775808",
    "/plans/?year=9223372036854775808", "/plans/?organization=-1", "/workbench/calendar/?month=9999-12",
    "/workbench/calendar/?month=0001-01", "/directives/?page=99999999999999999999",
    "/responsibilities/overview/?year=%00",
]


def test_hostile_query_strings_are_answered(env):
    client = _client(env.users["superuser"])
    answers = {path: client.get(path).status_code for path in QUERIES}
    assert all(status < 500 for status in answers.values()), answers

