"""What tests build on: the fixed world, people, member files, logged-in clients, and the role matrix's language.

Tests import these from here, never from another test module: conftest.py turns the builders into fixtures, each
app's tests/matrix_routes.py declares its URLs with the route language below, and
chuxin/portal/tests/test_role_matrix.py walks them with every role.

The top layer of the import contract (pyproject.toml): it builds worlds across the apps, and no product module
imports it.

The world:          SUP (superior committee)
                     └─ PC (grassroots committee)
                         ├─ B1 (branch) ── G1 (Party group)
                         └─ B2 (branch, the sibling)
People: worker (Party-affairs worker on PC), secretary (secretary on B1), committee (committee member on B1),
member (a plain member with a file in B1), outsider (secretary on sibling B2),
viewer (superior viewer on SUP), stranger (an account with no role anywhere).
"""

from __future__ import annotations

import datetime
import inspect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from chuxin.accounts.models import Role, RoleGrant, User
from chuxin.core.access import Need
from chuxin.core.models import ImportJob
from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.members.pinyin import name_keys
from chuxin.members.services import apply_citizen_id
from chuxin.members.tallies import state_of, tally_changes
from chuxin.orgs.models import Department, Organization, PartnerUnit, Position, WorkUnit
from chuxin.orgs.services import organization_create

PASSWORD = "test-pass-123"

# ---------------------------------------------------------------------------------------------------------------
# People and member files

_serial = itertools.count(1)
_rng = random.Random(11643)  # unused while the area and serial are fixed; fake() takes one all the same


def valid_citizen_id(born: datetime.date, *, male: bool = True) -> str:
    """A valid number for a test's member, different from every other this process makes for the same birth date
    and sex (500 of them before they repeat)."""
    return citizen_id.fake(_rng, born, male, "110105", serial=next(_serial) % 500)


def make_member(org: Organization, name: str = "张三", *, category: str = "full", male: bool = True,
                born: datetime.date = datetime.date(1985, 5, 20), **extra) -> Member:
    member = Member(
        organization=org, org_path=org.path, name=name, gender="male" if male else "female", birth_date=born,
        joined_on=extra.pop("joined_on", datetime.date(2010, 7, 1)),
        full_member_on=extra.pop("full_member_on", datetime.date(2011, 7, 1) if category == "full" else None),
        category=category, **extra,
    )
    member.name_pinyin, member.name_initials = name_keys(name)
    apply_citizen_id(member, valid_citizen_id(born, male=male))
    member.save()
    tally_changes([(None, state_of(member))])  # as the services keep the home page's counters
    return member


def make_user(username: str, *, role: str | None = None, org: Organization | None = None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, must_change_password=False, **extra)
    if role and org:
        RoleGrant.objects.create(user=user, organization=org, role=role)
    return user


def logged_in(client, user: User):
    """The test client, logged in as `user`."""
    client.force_login(user)
    return client


# ---------------------------------------------------------------------------------------------------------------
# The world


@dataclass
class World:
    sup: Organization
    pc: Organization
    b1: Organization
    g1: Organization
    b2: Organization
    unit: WorkUnit
    worker: User
    secretary: User
    committee: User
    member_user: User
    member: Member
    outsider: User
    viewer: User
    stranger: User
    b2_member: Member


def build_world() -> World:
    """The fixed tree and people of the module docstring, in an empty database."""
    K = Organization.Kind
    sup = organization_create(actor=None, parent=None, name="上级党委", code="SUP", kind=K.SUPERIOR_COMMITTEE)
    pc = organization_create(actor=None, parent=sup, name="基层党委", code="PC", kind=K.GRASSROOTS_COMMITTEE)
    b1 = organization_create(actor=None, parent=pc, name="第一支部", code="B1", kind=K.BRANCH)
    g1 = organization_create(actor=None, parent=b1, name="第一党小组", code="G1", kind=K.PARTY_GROUP)
    b2 = organization_create(actor=None, parent=pc, name="第二支部", code="B2", kind=K.BRANCH)
    unit = WorkUnit.objects.create(name="测试单位", organization=pc)
    member_user = make_user("member")
    member = make_member(b1, "李四", user=member_user, phone="13900000001")
    return World(
        sup=sup, pc=pc, b1=b1, g1=g1, b2=b2, unit=unit,
        worker=make_user("worker", role=Role.WORKER, org=pc),
        secretary=make_user("secretary", role=Role.SECRETARY, org=b1),
        committee=make_user("committee", role=Role.COMMITTEE, org=b1),
        member_user=member_user, member=member,
        outsider=make_user("outsider", role=Role.SECRETARY, org=b2),
        viewer=make_user("viewer", role=Role.VIEWER, org=sup),
        stranger=make_user("stranger"),
        b2_member=make_member(b2, "王五", male=False),
    )


def give_member_files(world: World) -> World:
    """Member files in B1 for the world's secretary (周建国) and committee member (吴丽), for tests where they are
    a task's people (task people are members; the world itself keeps B1 at one file, which other tests count).
    Each account shows its file's name, the plain member's (李四) too."""
    if world.member_user.display_name != world.member.name:
        world.member_user.display_name = world.member.name
        world.member_user.save(update_fields=["display_name"])
    for user, name, phone in ((world.secretary, "周建国", "13900000011"), (world.committee, "吴丽", "13900000012")):
        if not Member.objects.filter(user=user).exists():
            make_member(world.b1, name, user=user, phone=phone, male=name == "周建国")
            if user.display_name != name:
                user.display_name = name
                user.save(update_fields=["display_name"])
    return world


# ---------------------------------------------------------------------------------------------------------------
# The role matrix's language: what an answer should be, who stands where, the objects at each place, and how to
# try one URL. Apps declare their URLs with it in tests/matrix_routes.py (the `matrix_routes` hook).

LOGIN_URL = "/accounts/login/"


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


# Who stands where. Written out by hand from the world's grants, independent of chuxin.core.access.
#   B1: the world's branch;  B2: its sibling;  X2: a branch in a second, separate tree (SUP2).

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


@dataclass
class Env:
    """The world plus a second tree (X2), the users by role, and the objects the URLs point at, one set per
    organization, made on first use."""

    world: World
    orgs: dict[str, Organization]
    users: dict[str, User]
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

    def import_job(self, where: str) -> ImportJob:
        return self.once("import_job", lambda: ImportJob.objects.create(kind="members", actor=self.world.worker))

    def grant(self, where: str) -> RoleGrant:
        # Fresh each time: a successful revoke deletes it.
        grantee = self.once("grantee", lambda: make_user("grantee"))
        grant, _ = RoleGrant.objects.get_or_create(user=grantee, organization=self.org(where), role=Role.VIEWER)
        return grant


def build_matrix_env(world: World) -> Env:
    """The matrix's places: the world's B1 and B2, and X2, a branch of a second tree that only the superuser
    reaches."""
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
    data: dict = field(default_factory=dict)  # the form data a POST carries (the query string comes from `build`)


def obj(method: str, need: Need, build: Build, *, special=None, extra_targets: tuple[str, ...] = ()) -> Route:
    return Route(method, need, "object", build, extra_targets, special or {})


def anywhere(method: str, need: Need, build: Build = no_object, *, special=None) -> Route:
    return Route(method, need, "anywhere", build, special=special or {})


def login_only(method: str, build: Build = no_object, *, special=None, logged_in_outcome=None) -> Route:
    return Route(method, None, "login", build, special=special or {}, logged_in_outcome=logged_in_outcome)


def get_and_post(route: Route) -> list[Route]:
    """A form page: the same answers to GET (the form) and POST (the submission) for everyone; an empty POST
    is an invalid form, answered with the page again (or a redirect), never with a write."""
    return [route, replace(route, method="post")]


# ---------------------------------------------------------------------------------------------------------------
# Services check their actor themselves: each app's tests/test_service_rights.py tries every write service with
# actors who lack standing, and names why each other public function of its service modules is no write.


def service_functions(*modules) -> set[str]:
    """The public functions the given modules define: what a page, an API or a job may call."""
    return {
        name for module in modules for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")
    }


def _written() -> tuple[int, ...]:
    from chuxin.audit.models import AuditEntry
    from chuxin.notifications.models import Notification
    from chuxin.records.models import WorkRecord

    return AuditEntry.objects.count(), Notification.objects.count(), WorkRecord.objects.count()


def not_refused(calls: dict[str, Callable[[User], object]], *actors: User, as_missing: bool = False) -> list[str]:
    """The calls some actor was not refused (PermissionDenied), or that wrote an audit entry, a notification or a
    work record before refusing: [] when every service checks every actor first. `as_missing`: a 404 counts as
    the refusal too (a service that takes an organization by name answers "no such report there" like a page)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    refusals = (PermissionDenied, Http404) if as_missing else (PermissionDenied,)
    failed = []
    for name, call in calls.items():
        for actor in actors:
            before = _written()
            try:
                call(actor)
            except refusals:
                if _written() != before:
                    failed.append(f"{name} ({actor}): wrote before refusing")
            except Exception as error:  # noqa: BLE001 - any other answer is a failure to name
                failed.append(f"{name} ({actor}): {type(error).__name__}: {error}")
            else:
                failed.append(f"{name} ({actor}): not refused")
    return failed


def many_branches(parent: Organization, count: int, prefix: str = "片区") -> list[Organization]:
    """`count` branches under `parent` named prefix000支部, prefix001支部, ..., written in one statement (the service
    takes seconds for hundreds), so an organization picker has more than it lists (chuxin.core.forms.SearchSelect)."""
    from chuxin.core.paths import STEP_LEN, decode_step, encode_step

    last = parent.children.order_by("-path").values_list("path", flat=True).first()
    start = decode_step(last[-STEP_LEN:]) + 1 if last else 1
    code = prefix.encode().hex()[:6].upper()
    return Organization.objects.bulk_create(
        Organization(name=f"{prefix}{i:03d}支部", code=f"{code}{i:03d}", kind=Organization.Kind.BRANCH, parent=parent,
                     path=parent.path + encode_step(start + i), depth=parent.depth + 1)
        for i in range(count)
    )
