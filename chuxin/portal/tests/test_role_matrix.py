"""Every URL of the project, walked with every role, inside and outside its scope.

EXPECT names each URL with the method it is tried with, the Need it requires and how it finds its object.
A URL that exists but is not in EXPECT fails `test_every_url_is_in_the_table` (and its own case), so a new view
is covered the moment its URL exists.

The expected answers come from a hand-written table of standings (RANKS), not from the access module, so a
mistake in the policy shows up here:
- anonymous                                   -> 302 to the login page (healthz, set_language, login are public)
- no standing on the object's organization    -> 404
- some standing, weaker than the need         -> 403
- enough                                      -> 200 (GET), 200 or a redirect (POST)
Pages without an object answer 403 to users who lack the need on every organization.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chuxin.accounts.models import Role, RoleGrant
from chuxin.core.access import Need
from chuxin.orgs.models import Department, Organization, PartnerUnit, Position, WorkUnit
from chuxin.orgs.services import organization_create
from conftest import make_member, make_user

LOGIN_URL = "/accounts/login/"


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


# ---------------------------------------------------------------------------------------------------------------
# Outcomes


@dataclass(frozen=True)
class Outcome:
    label: str
    status: int | None = None  # exact status, or None for "OK"
    location: str | None = None  # for redirects


OK = Outcome("ok")
FORBIDDEN = Outcome("403", 403)
NOT_FOUND = Outcome("404", 404)
TO_LOGIN = Outcome("login", 302, LOGIN_URL)
TO_LANDING = Outcome("redirect to the landing", 302, "/workbench/start/")
TO_ME = Outcome("redirect to me", 302, "/me/")


def describe(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} -> {response['Location']}"
    return str(response.status_code)


def matches(outcome: Outcome, response, method: str) -> bool:
    status = response.status_code
    if outcome is OK:
        if method == "get":
            return status == 200
        return status == 200 or (status == 302 and not response["Location"].startswith(LOGIN_URL))
    if status != outcome.status:
        return False
    if outcome.location is not None:
        return response["Location"].split("?")[0] == outcome.location
    return True


# ---------------------------------------------------------------------------------------------------------------
# Who stands where. Written out by hand from the fixture's grants, independent of chuxin.core.access.
#   B1: the fixture's branch;  B2: its sibling;  X2: a branch in a second, separate tree (SUP2).

ROLES = ("stranger", "member", "committee", "secretary", "outsider", "viewer", "worker", "superuser")
# Each role meets the object once where it stands and once where it does not (the superuser stands everywhere,
# the stranger nowhere); X2 is the only place out of reach for those whose scope covers both branches.
ROLE_TARGETS: dict[str, tuple[str, ...]] = {
    "stranger": ("B1",),
    "member": ("B1", "B2"),
    "committee": ("B1", "B2"),
    "secretary": ("B1", "B2"),
    "outsider": ("B2", "B1"),
    "viewer": ("B1", "X2"),
    "worker": ("B1", "X2"),
    "superuser": ("X2",),
}
P, R, M, A = Need.PUBLIC, Need.READ, Need.MANAGE, Need.ADMIN
RANKS: dict[str, dict[str, int]] = {
    "stranger": {},
    "member": {"B1": P},  # a member file in B1
    "committee": {"B1": R},
    "secretary": {"B1": M},
    "outsider": {"B2": M},  # secretary of the sibling branch
    "viewer": {"B1": R, "B2": R},  # superior viewer on SUP
    "worker": {"B1": A, "B2": A},  # Party-affairs worker on PC
    "superuser": {"B1": A, "B2": A, "X2": A},
}
# The strongest standing anywhere, for pages without an object.
BEST: dict[str, int] = {"stranger": 0, "member": P, "committee": R, "secretary": M, "outsider": M, "viewer": R,
                        "worker": A, "superuser": A}


# ---------------------------------------------------------------------------------------------------------------
# The objects the URLs point at, one set per organization, made on first use.


@dataclass
class Env:
    world: object
    orgs: dict[str, Organization]
    users: dict[str, object]
    cache: dict = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def once(self, key, make: Callable):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def org(self, where: str) -> Organization:
        return self.orgs[where]

    def member(self, where: str):
        if where == "OWN":
            return self.world.member
        return self.once(("member", where), lambda: make_member(self.org(where), "赵六"))

    def member_with_phone(self, where: str):
        n = next(self.counter)
        return make_member(self.org(where), "钱七", phone=f"1380000{n:04d}")

    def position(self, where: str) -> Position:
        return self.once(("position", where), lambda: Position.objects.create(
            organization=self.org(where), kind=Position.Kind.MEMBER, person_name="孙八",
            started_on=datetime.date(2024, 1, 1)))

    def work_unit(self, where: str) -> WorkUnit:
        return self.once(("unit", where), lambda: WorkUnit.objects.create(
            name=f"单位-{where}", organization=self.org(where)))

    def department(self, where: str) -> Department:
        return self.once(("department", where), lambda: Department.objects.create(
            work_unit=self.work_unit(where), name="办公室"))

    def partner(self, where: str) -> PartnerUnit:
        return self.once(("partner", where), lambda: PartnerUnit.objects.create(
            host=self.org(where), name=f"共建-{where}"))

    def grant(self, where: str) -> RoleGrant:
        # Fresh each time: a successful revoke deletes it.
        grantee = self.once("grantee", lambda: make_user("grantee"))
        grant, _ = RoleGrant.objects.get_or_create(user=grantee, organization=self.org(where), role=Role.VIEWER)
        return grant


Build = Callable[[Env, str], tuple[dict, dict]]  # -> (url kwargs, query string)


def pk_of(getter: str) -> Build:
    def build(env: Env, where: str) -> tuple[dict, dict]:
        return {"pk": getattr(env, getter)(where).pk}, {}

    return build


def no_object(env: Env, where: str) -> tuple[dict, dict]:
    return {}, {}


def query(**params) -> Build:
    return lambda env, where: ({}, params)


def parent_query(env: Env, where: str) -> tuple[dict, dict]:
    return {}, {"parent": env.org(where).pk}


def rule_of(**params) -> Build:
    """An organization's configurable rule (the term warning), with the form's fields."""
    return lambda env, where: ({"pk": env.org(where).pk, "code": "term_warning_days"}, params)


@dataclass(frozen=True)
class Route:
    """How to try one URL. scope: 'public', 'login' (any account), 'anywhere' (the need on some organization),
    'superuser', or 'object' (the need on the organization of the object `build` makes at each target)."""

    method: str
    need: Need | None
    scope: str
    build: Build = no_object
    extra_targets: tuple[str, ...] = ()  # beyond each role's own in and out of scope
    # (role, target) -> outcome, for the views' documented special cases
    special: dict[tuple[str, str], Outcome] = field(default_factory=dict)
    logged_in_outcome: Outcome | None = None  # what every account gets, when the view always redirects


def obj(method: str, need: Need, build: Build, *, special=None, extra_targets: tuple[str, ...] = ()) -> Route:
    return Route(method, need, "object", build, extra_targets, special or {})


def anywhere(method: str, need: Need, build: Build = no_object, *, special=None) -> Route:
    return Route(method, need, "anywhere", build, special=special or {})


def login_only(method: str, build: Build = no_object, *, special=None, logged_in_outcome=None) -> Route:
    return Route(method, None, "login", build, special=special or {}, logged_in_outcome=logged_in_outcome)


OWN_FILE_OK = {("member", "OWN"): OK}  # a member reads their own file and may reveal their own ID

# A route may be tried several ways; each variant is checked.
EXPECT: dict[str, list[Route]] = {
    "healthz": [Route("get", None, "public")],
    "set_language": [Route("post", None, "public", query(language="en"))],
    "accounts:login": [Route("get", None, "public", logged_in_outcome=TO_LANDING)],
    "accounts:logout": [login_only("post", logged_in_outcome=TO_LOGIN)],
    "accounts:password_change": [login_only("get")],
    "accounts:org-access": [obj("get", A, pk_of("org"))],
    "accounts:grant-revoke": [obj("post", A, pk_of("grant"))],
    "orgs:tree": [anywhere("get", R)],
    "orgs:create": [
        Route("get", None, "superuser"),  # a new tree: superuser only
        obj("get", A, parent_query),  # under a parent: the need on the parent
    ],
    "orgs:detail": [obj("get", R, pk_of("org"))],
    "orgs:children": [obj("get", R, pk_of("org"))],
    "orgs:edit": [obj("get", A, pk_of("org"))],
    "orgs:move": [obj("get", A, pk_of("org"))],
    "orgs:deactivate": [obj("post", A, pk_of("org"))],
    "orgs:rules": [obj("get", R, pk_of("org"))],
    "orgs:rule-set": [obj("post", A, rule_of(value="60", reason="matrix"))],
    "orgs:rule-clear": [obj("post", A, rule_of())],
    "orgs:committee": [obj("get", P, pk_of("org"))],  # a plain member sees their own organization's committee
    "orgs:position-create": [obj("get", M, pk_of("org"))],
    "orgs:position-edit": [obj("get", M, pk_of("position"))],
    "orgs:work-units": [anywhere("get", R)],
    "orgs:work-unit-create": [anywhere("get", A)],
    "orgs:work-unit": [
        obj("get", R, pk_of("work_unit")),
        obj("post", A, pk_of("work_unit")),  # adding a department on the same page needs more than reading it
    ],
    "orgs:work-unit-edit": [obj("get", A, pk_of("work_unit"))],
    "orgs:department-edit": [obj("get", A, pk_of("department"))],
    "orgs:partners": [anywhere("get", R)],
    "orgs:partner-create": [anywhere("get", A)],
    "orgs:partner-edit": [obj("get", A, pk_of("partner"))],
    "members:list": [anywhere("get", R)],
    "members:create": [anywhere("get", M)],
    "members:import": [anywhere("get", M)],
    "members:import-template": [anywhere("get", M)],
    "members:export": [anywhere("get", R), anywhere("get", A, query(full_id="1"))],
    "members:detail": [obj("get", R, pk_of("member"), special=OWN_FILE_OK, extra_targets=("OWN",))],
    "members:edit": [obj("get", M, pk_of("member"), extra_targets=("OWN",))],
    "members:reveal-id": [obj("post", A, pk_of("member"), special=OWN_FILE_OK, extra_targets=("OWN",))],
    "members:account-create": [obj("post", A, pk_of("member_with_phone"))],
    "audit:list": [anywhere("get", A)],
    "portal:home": [login_only("get", special={("stranger", ""): TO_ME, ("member", ""): TO_ME})],
    "portal:me": [login_only("get")],
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
    K = Organization.Kind
    sup2 = organization_create(actor=None, parent=None, name="另一上级党委", code="SUP2", kind=K.SUPERIOR_COMMITTEE)
    x2 = organization_create(actor=None, parent=sup2, name="另一支部", code="X2", kind=K.BRANCH)
    make_member(x2, "周九")
    users = {
        "stranger": world.stranger, "member": world.member_user, "committee": world.committee,
        "secretary": world.secretary, "outsider": world.outsider, "viewer": world.viewer, "worker": world.worker,
        "superuser": make_user("root", is_superuser=True),
    }
    return Env(world=world, orgs={"B1": world.b1, "B2": world.b2, "X2": x2}, users=users)


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


def request(client: Client, method: str, name: str, kwargs: dict, params: dict):
    url = reverse(name, kwargs=kwargs)
    if method == "get":
        return client.get(url, params)
    return client.post(url, params)


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
    """An id that exists nowhere is 404 for everyone, the superuser included (checked in the same test as the
    matrix, to build the world once)."""
    route = next((r for r in EXPECT[name] if r.scope == "object"), None)
    if route is None:
        return []
    kwargs, params = route.build(env, "B1")
    kwargs = {k: 999999 for k in kwargs}
    params = {k: 999999 for k in params}
    wrong = []
    for role in ROLES:
        response = request(clients[role], route.method, name, kwargs, params)
        if response.status_code != 404:
            wrong.append(f"{route.method.upper()} {name} with forged id 999999 as {role}: expected 404, "
                         f"got {describe(response)}")
    return wrong


@pytest.mark.parametrize("name", ALL_NAMES)
def test_role_matrix(name, env, clients):
    assert name in EXPECT, f"{name} exists but the role matrix does not cover it; add it to EXPECT"
    wrong = []
    for route in EXPECT[name]:
        for role, where in cases(route):
            kwargs, params = route.build(env, where or "B1")
            response = request(clients[role], route.method, name, kwargs, params)
            want = expected(route, role, where)
            if not matches(want, response, route.method):
                wrong.append(
                    f"{route.method.upper()} {name} {kwargs or ''}{params or ''} as {role} at {where or '-'}: "
                    f"expected {want.label}, got {describe(response)}"
                )
    wrong += forged_id_answers(name, clients, env)
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
