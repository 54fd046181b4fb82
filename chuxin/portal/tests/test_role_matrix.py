"""Every URL of the project, walked with every role and every method it accepts, inside and outside its scope.

EXPECT names each URL with the methods it accepts (one Route per method, or per way of calling it), the Need each
requires and how it finds its object. A URL that exists but is not in EXPECT fails `test_every_url_is_in_the_table`
(and its own case), so a new view is covered the moment its URL exists; a method the table does not name for a URL
must be refused with 405 (`test_every_url_refuses_the_methods_it_does_not_name`), so a URL that takes a POST the
table forgot cannot pass unnoticed.

The expected answers come from a hand-written table of standings (RANKS), not from the access module, so a
mistake in the policy shows up here:
- anonymous                                   -> 302 to the login page (healthz, set_language, login are public)
- no standing on the object's organization    -> 404
- some standing, weaker than the need         -> 403
- enough                                      -> 200 (GET), 200, 400 or a redirect (POST)
Pages without an object answer 403 to users who lack the need on every organization. A refused request writes
nothing: every request whose expected answer is a refusal (login, 403, 404) is watched for INSERT, UPDATE and
DELETE statements. POSTs carry no form data (or the route's `data`): a valid form is the business of each app's
own tests; here the question is only who gets in.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The matrix's language (who stands where, routes, outcomes) lives in chuxin/testing.py, so the apps' matrix_routes
# import it from there and not from this test module.
from chuxin.testing import (
    BEST,
    FORBIDDEN,
    LOGIN_URL,
    NOT_FOUND,
    OK,
    RANKS,
    ROLE_TARGETS,
    ROLES,
    TO_LANDING,
    TO_LOGIN,
    TO_ME,
    A,
    Build,
    Env,
    M,
    Outcome,
    P,
    R,
    Route,
    anywhere,
    build_matrix_env,
    get_and_post,
    login_only,
    obj,
    parent_query,
    pk_of,
    query,
)


def url_names() -> list[str]:
    """Every URL pattern of the project as 'namespace:name'; unnamed patterns as '<unnamed ...>'."""
    found: list[str] = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern):
                found.append(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>")

    walk(get_resolver(), "")
    return found




def describe(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} -> {response['Location']}"
    return str(response.status_code)


def matches(outcome: Outcome, response, method: str) -> bool:
    status = response.status_code
    if outcome is OK:
        if method == "get":
            return status == 200
        return status in (200, 400) or (status == 302 and not response["Location"].startswith(LOGIN_URL))
    if status != outcome.status:
        return False
    if outcome.location is not None:
        return response["Location"].split("?")[0] == outcome.location
    return True




def rule_of(**params) -> Build:
    """An organization's configurable rule (the term warning); the parameters go in the query string."""
    return lambda env, where: ({"pk": env.org(where).pk, "code": "term_warning_days"}, params)


def org_query(env: Env, where: str) -> tuple[dict, dict]:
    return {}, {"org": env.org(where).pk}


OWN_FILE_OK = {("member", "OWN"): OK}  # a member reads their own file and may reveal their own ID
NOT_YOURS = {(role, ""): NOT_FOUND for role in ("secretary", "outsider", "superuser")}

# A route may be tried several ways; each variant is checked.
EXPECT: dict[str, list[Route]] = {
    "healthz": [Route("get", None, "public")],
    "set_language": [Route("post", None, "public", data={"language": "en"})],
    "accounts:login": get_and_post(Route("get", None, "public", logged_in_outcome=TO_LANDING)),
    "accounts:logout": [login_only("post", logged_in_outcome=TO_LOGIN)],
    "accounts:password_change": get_and_post(login_only("get")),
    "accounts:org-access": get_and_post(obj("get", A, pk_of("org"))),
    "accounts:grant-revoke": [obj("post", A, pk_of("grant"))],
    "orgs:tree": [anywhere("get", R)],
    "orgs:create": [
        *get_and_post(Route("get", None, "superuser")),  # a new tree: superuser only
        *get_and_post(obj("get", A, parent_query)),  # under a parent: the need on the parent
    ],
    # The pickers' search: 403 to those who hold the need nowhere; the answer never leaves the scope
    # (chuxin/orgs/tests/test_org_picker.py).
    "orgs:pick": [anywhere("get", R), anywhere("get", M, query(need="manage")),
                  anywhere("get", A, query(need="admin", q="支部"))],
    "orgs:detail": [obj("get", R, pk_of("org"))],
    "orgs:children": [obj("get", R, pk_of("org"))],
    "orgs:edit": get_and_post(obj("get", A, pk_of("org"))),
    "orgs:move": get_and_post(obj("get", A, pk_of("org"))),
    "orgs:deactivate": [obj("post", A, pk_of("org"))],
    "orgs:rules": [obj("get", R, pk_of("org"))],
    "orgs:rule-set": [obj("post", A, rule_of(value="60", reason="matrix"))],
    "orgs:rule-clear": [obj("post", A, rule_of())],
    "orgs:committee": [obj("get", P, pk_of("org"))],  # a plain member sees their own organization's committee
    "orgs:position-create": get_and_post(obj("get", M, pk_of("org"))),
    "orgs:position-edit": get_and_post(obj("get", M, pk_of("position"))),
    "orgs:work-units": [anywhere("get", R)],
    "orgs:work-unit-create": get_and_post(anywhere("get", A)),
    "orgs:work-unit": [
        obj("get", R, pk_of("work_unit")),
        obj("post", A, pk_of("work_unit")),  # adding a department on the same page needs more than reading it
    ],
    "orgs:work-unit-edit": get_and_post(obj("get", A, pk_of("work_unit"))),
    "orgs:department-edit": get_and_post(obj("get", A, pk_of("department"))),
    "orgs:partners": [anywhere("get", R)],
    "orgs:partner-create": get_and_post(anywhere("get", A)),
    "orgs:partner-edit": get_and_post(obj("get", A, pk_of("partner"))),
    "members:list": [anywhere("get", R)],
    "members:create": get_and_post(anywhere("get", M)),
    "members:import": get_and_post(anywhere("get", M)),
    "members:import-template": [anywhere("get", M)],
    # A background import is its uploader's (the worker's) alone: anyone else who manages files gets 404.
    "members:import-job": [anywhere("get", M, pk_of("import_job"), special=NOT_YOURS)],
    "members:export": [anywhere("get", R), anywhere("get", A, query(full_id="1"))],
    "members:detail": [obj("get", R, pk_of("member"), special=OWN_FILE_OK, extra_targets=("OWN",))],
    "members:edit": get_and_post(obj("get", M, pk_of("member"), extra_targets=("OWN",))),
    "members:reveal-id": [obj("post", A, pk_of("member"), special=OWN_FILE_OK, extra_targets=("OWN",))],
    "members:account-create": [obj("post", A, pk_of("member_with_phone"))],
    "audit:list": [anywhere("get", A)],
    "audit:export": [anywhere("get", A)],  # the same scope and filters as the page
    "portal:home": [login_only("get", special={("stranger", ""): TO_ME, ("member", ""): TO_ME})],
    "portal:me": [login_only("get")],
    "portal:badges": [login_only("get")],  # one's own counts
    "portal:me-display": [login_only("post", logged_in_outcome=TO_ME)],  # one's own "large text" setting
    # The summary of a subtree's work: the user's topmost organization, or any organization they may read.
    "portal:summary": [anywhere("get", R), obj("get", R, org_query)],
}


def _app_routes() -> None:
    """Apps add their URLs through their `matrix_routes` hook (chuxin.core.registry): a `routes()` function in
    chuxin/<app>/tests/matrix_routes.py returning more EXPECT entries built with the helpers above."""
    from chuxin.core import registry

    for _app, routes in registry.matrix_route_sources():
        EXPECT.update(routes())


_app_routes()


def rank(role: str, where: str) -> int:
    return RANKS[role].get("B1" if where == "OWN" else where, 0)


def expected(route: Route, role: str, where: str) -> Outcome:
    if route.scope == "public":
        return route.logged_in_outcome if (role != "anon" and route.logged_in_outcome) else OK
    if role == "anon":
        return TO_LOGIN
    if (role, where) in route.special:
        return route.special[(role, where)]
    if route.logged_in_outcome:
        return route.logged_in_outcome
    if route.scope == "login":
        return OK
    if route.scope == "superuser":
        return OK if role == "superuser" else FORBIDDEN
    if route.scope == "anywhere":
        return OK if BEST[role] >= route.need else FORBIDDEN
    standing = rank(role, where)
    if standing == 0:
        return NOT_FOUND
    return FORBIDDEN if standing < route.need else OK


# ---------------------------------------------------------------------------------------------------------------
# Fixtures
@pytest.fixture
def env(world) -> Env:
    return build_matrix_env(world)


class Clients(dict):
    """role -> a test client logged in as that role's user, made on first use.

    The session is written directly (what force_login does, minus the login signal and key cycling) and all
    clients share one handler, so the matrix spends its time in the views, not in logging in."""

    def __init__(self, env: Env):
        super().__init__()
        self.env = env
        self.handler = Client().handler

    def __missing__(self, role: str) -> Client:
        client = Client()
        client.handler = self.handler
        if role != "anon":
            user = self.env.users[role]
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        self[role] = client
        return client


@pytest.fixture
def clients(env) -> Clients:
    return Clients(env)


def request(client: Client, method: str, name: str, kwargs: dict, params: dict, data: dict | None = None):
    """The query string comes from the route's build (a GET's parameters, or a POST's ?parent=); a POST's body
    from its data."""
    url = reverse(name, kwargs=kwargs)
    if method == "get":
        return client.get(url, params)
    if params:
        url = f"{url}?{urlencode(params)}"
    if method == "post":
        return client.post(url, data or {})
    return getattr(client, method)(url)


class FormReader(HTMLParser):
    """The fields of the first POST form on a page that posts to the page itself, as a browser would send them
    without a change: text inputs and hidden fields with their values, checked boxes, selected options, the text of
    text areas (buttons and files aside)."""

    def __init__(self, path: str):
        super().__init__()
        self.path, self.depth, self.done = path, 0, False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and not self.depth:
            if a.get("method", "").lower() == "post" and a.get("action", "").split("?")[0] in ("", self.path):
                self.depth = 1
            return
        if not self.depth:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "reset", "file", "image"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.data.setdefault(self.select, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data.setdefault(name, []).append("")

    def handle_data(self, data):
        if self.depth and self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.depth:
            self.depth, self.done = 0, True


def page_form(client: Client, name: str, kwargs: dict, params: dict) -> dict:
    """What the form page at this URL would send back unchanged (read as the superuser, who may open it anywhere):
    so a POST by a role that may not write carries a real submission, one that would write if it got through."""
    response = client.get(reverse(name, kwargs=kwargs), params)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return {}
    reader = FormReader(reverse(name, kwargs=kwargs))
    reader.feed(response.content.decode())
    return reader.data


WRITES = ("INSERT", "UPDATE", "DELETE")


def writes_of(queries) -> list[str]:
    """The statements that changed a table (the session table aside: Django's own bookkeeping)."""
    return [
        q["sql"] for q in queries
        if q["sql"].lstrip().upper().startswith(WRITES) and "django_session" not in q["sql"]
    ]


def cases(route: Route) -> list[tuple[str, str]]:
    """(role, target) pairs to try: every role in and out of its scope (once, for pages without an object),
    plus the route's extra targets for every role; anonymous once."""
    if route.scope != "object":
        return [("anon", ""), *((role, "") for role in ROLES)]
    pairs = [("anon", "B1")]
    for role in ROLES:
        pairs += [(role, where) for where in ROLE_TARGETS[role] + route.extra_targets]
    return pairs


# ---------------------------------------------------------------------------------------------------------------
# Tests

ALL_NAMES = sorted(set(url_names()) | set(EXPECT))


def test_every_url_is_in_the_table():
    names = url_names()
    missing = sorted(n for n in names if n not in EXPECT)
    stale = sorted(n for n in EXPECT if n not in names)
    assert not missing, f"URLs not covered by the role matrix (add them to EXPECT): {missing}"
    assert not stale, f"EXPECT names URLs that no longer exist: {stale}"


def test_the_table_tries_each_object_view_in_and_out_of_scope_for_every_role():
    # Guard the matrix itself: every role meets an object it may reach and one it may not (except the
    # superuser, who reaches everything, and the stranger, who reaches nothing).
    for role in ROLES:
        standings = {rank(role, where) > 0 for where in ROLE_TARGETS[role]}
        if role == "superuser":
            assert standings == {True}
        elif role == "stranger":
            assert standings == {False}
        else:
            assert standings == {True, False}, role


def forged_id_answers(name: str, clients: Clients, env: Env) -> list[str]:
    """An id that exists nowhere is 404 for everyone, the superuser included, whatever the method (checked in the
    same test as the matrix, to build the world once)."""
    wrong = []
    for route in EXPECT[name]:
        if route.scope != "object":
            continue
        kwargs, params = route.build(env, "B1")
        kwargs = {k: 999999 for k in kwargs}
        params = {k: 999999 for k in params}
        for role in ROLES:
            response = request(clients[role], route.method, name, kwargs, params, route.data)
            if response.status_code != 404:
                wrong.append(f"{route.method.upper()} {name} with forged id 999999 as {role}: expected 404, "
                             f"got {describe(response)}")
    return wrong


REFUSALS = (TO_LOGIN, FORBIDDEN, NOT_FOUND)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_role_matrix(name, env, clients):
    assert name in EXPECT, f"{name} exists but the role matrix does not cover it; add it to EXPECT"
    wrong = []
    has_page = any(route.method == "get" for route in EXPECT[name])
    for route in EXPECT[name]:
        for role, where in cases(route):
            kwargs, params = route.build(env, where or "B1")
            want = expected(route, role, where)
            data = route.data
            if route.method == "post" and not data and has_page:
                data = env.once(("form", name, where, str(kwargs), str(params)),
                                lambda kwargs=kwargs, params=params: page_form(clients["superuser"], name, kwargs,
                                                                               params))
            with CaptureQueriesContext(connection) as queries:
                response = request(clients[role], route.method, name, kwargs, params, data)
            said = f"{route.method.upper()} {name} {kwargs or ''}{params or ''} as {role} at {where or '-'}"
            if not matches(want, response, route.method):
                wrong.append(f"{said}: expected {want.label}, got {describe(response)}")
            if want in REFUSALS and (written := writes_of(queries.captured_queries)):
                wrong.append(f"{said}: refused ({describe(response)}) but wrote: {written}")
    wrong += forged_id_answers(name, clients, env)
    assert not wrong, "\n".join(wrong)


# Every method a browser or a script might send; the table names the ones each URL accepts.
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_every_url_refuses_the_methods_it_does_not_name(name, env, clients):
    """A URL answers only the methods its routes name; any other is 405, before any access check or write (so
    the answer is the same for every account), and for the public URLs before anything else too."""
    accepted = {route.method for route in EXPECT[name]}
    first = EXPECT[name][0]
    kwargs, params = first.build(env, "B1")
    who = ("anon", "superuser", "stranger") if first.scope == "public" else ("superuser", "stranger")
    wrong = []
    for method in METHODS:
        if method in accepted:
            continue
        for role in who:
            with CaptureQueriesContext(connection) as queries:
                response = request(clients[role], method, name, kwargs, params)
            if response.status_code != 405:
                wrong.append(f"{method.upper()} {name} as {role}: expected 405, got {describe(response)}")
            if written := writes_of(queries.captured_queries):
                wrong.append(f"{method.upper()} {name} as {role}: refused but wrote: {written}")
    assert not wrong, "\n".join(wrong)


def test_a_non_numeric_parent_is_not_found(clients):
    answers = {
        (role, value): clients[role].get(reverse("orgs:create"), {"parent": value}).status_code
        for role in ("worker", "superuser", "stranger")
        for value in ("abc", "1.5", "1;drop", "-1")
    }
    assert answers == dict.fromkeys(answers, 404)


def test_anonymous_is_sent_to_login_with_the_page_to_come_back_to(clients, env):
    url = reverse("members:detail", kwargs={"pk": env.world.member.pk})
    response = clients["anon"].get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={url}"


@pytest.mark.parametrize(
    "name", ["accounts:logout", "orgs:deactivate", "members:reveal-id", "members:account-create",
             "accounts:grant-revoke", "orgs:rule-set", "orgs:rule-clear"]
)
def test_post_only_views_refuse_get(name, env, clients):
    route = EXPECT[name][0]
    kwargs, _params = route.build(env, "B1")
    response = clients["superuser"].get(reverse(name, kwargs=kwargs))
    assert response.status_code == 405
