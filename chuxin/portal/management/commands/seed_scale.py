"""Build a large unit for benchmarks: thousands of organizations, up to hundreds of thousands of members.

Everything it makes has an organization code starting with "S-" (and the login `bench-worker`), so it never
touches the demo data and `--fresh` can wipe exactly what an earlier run made. Rows are written with
`bulk_create`, level by level for the tree (a child needs its parent's id) and in chunks for the members (so
memory stays flat whatever --members is). Rows skip the services on purpose: this is test data, built the way
`seed_demo` builds it, with the same derived fields (pinyin keys, encrypted / masked / digested ID numbers).
"""

from __future__ import annotations

import datetime
import random
import secrets
import time
from collections import defaultdict

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction
from django.utils import timezone

from chuxin.accounts.models import Role, RoleGrant, User
from chuxin.core.db import analyze, vacuum
from chuxin.core.paths import STEP_LEN, encode_step, next_child_path
from chuxin.members import citizen_id
from chuxin.members.models import Member, MemberTally
from chuxin.members.pinyin import name_keys
from chuxin.members.tallies import recount
from chuxin.orgs import rules
from chuxin.orgs.models import Organization, Position, WorkUnit

from .seed_demo import GIVEN, SURNAMES

PREFIX = "S-"
WORKER_USERNAME = "bench-worker"
# Area codes (first six digits of a citizen ID) used by no other seed, so the numbers never collide with
# the demo's or the tests'. bench/make_import_file.py uses yet other ones.
AREAS = ("330106", "350102", "370102", "410105", "430104", "500103", "610113", "120101")
NAME_POOL = 6000
CHUNK = 5000

K = Organization.Kind


def tree_shape(orgs: int) -> dict[str, int]:
    """How many organizations of each kind make about `orgs` in all (at least 5)."""
    orgs = max(orgs, 5)
    committees = max(1, round(orgs / 200))
    general = max(1, orgs // 40)
    rest = orgs - 1 - committees - general
    branches = max(1, round(rest * 0.4))
    return {"committees": committees, "general": general, "branches": branches, "groups": max(0, rest - branches)}


class Command(BaseCommand):
    help = "Load a large unit (codes S-...) and the login bench-worker, for benchmarks. --fresh rebuilds it."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="How many member files to make.")
        parser.add_argument("--orgs", type=int, default=None, help="About how many organizations (default members/10).")
        parser.add_argument("--fresh", action="store_true", help="Wipe the scale data of an earlier run first.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed gives the same data).")

    def handle(self, *args, **options):
        if settings.CHUXIN_PRODUCTION:
            raise CommandError("seed_scale refuses to run under production settings: it adds made-up members.")
        members, orgs = options["members"], options["orgs"]
        if members < 0:
            raise CommandError("--members must be 0 or more.")
        orgs = orgs if orgs is not None else max(5, members // 10)
        self.verbosity = options["verbosity"]
        started = time.perf_counter()
        with transaction.atomic():
            if self.present():
                if not options["fresh"]:
                    raise CommandError("Scale data (codes S-...) is already present; add --fresh to rebuild it.")
                self.wipe()
                self.say(f"wiped the earlier scale data ({time.perf_counter() - started:.1f} s)")
            self.rng = random.Random(options["seed"])
            tree = self.build_tree(orgs)
            self.say(f"{len(tree['all'])} organizations ({time.perf_counter() - started:.1f} s)")
            self.build_members(members, tree)
            self.say(f"{members} members ({time.perf_counter() - started:.1f} s)")
            recount()  # the home page's counters, as the services keep them
            analyze(Organization, Member, MemberTally)  # fresh statistics for the planner after a bulk load
            self.say(f"counters and statistics ({time.perf_counter() - started:.1f} s)")
            password = self.build_worker(tree["root"])
        vacuum(Organization, Member, MemberTally)  # committed: the new pages all-visible, as autovacuum leaves them
        self.stdout.write(self.style.SUCCESS(
            f"Scale data ready in {time.perf_counter() - started:.1f} s: {len(tree['all'])} organizations, "
            f"{members} members. Login: {WORKER_USERNAME} / {password}"
        ))

    def say(self, text: str) -> None:
        if self.verbosity > 0:
            self.stdout.write(f"  {text}")

    # Wiping --------------------------------------------------------------------------------------

    def present(self) -> bool:
        return Organization.objects.filter(code__startswith=PREFIX).exists() or User.objects.filter(
            username=WORKER_USERNAME
        ).exists()

    def wipe(self) -> None:
        scale = {"organization__code__startswith": PREFIX}
        User.objects.filter(username=WORKER_USERNAME).delete()
        Position.objects.filter(**scale).delete()
        # Members first: an organization is protected while it has members or work units.
        Member.objects.filter(**scale).delete()
        WorkUnit.objects.filter(**scale).delete()
        # Deepest first, because a parent is protected while it has children.
        depths = Organization.objects.filter(code__startswith=PREFIX).values_list("depth", flat=True)
        for depth in sorted(set(depths.order_by().distinct()), reverse=True):
            Organization.objects.filter(code__startswith=PREFIX, depth=depth).delete()

    # The tree ------------------------------------------------------------------------------------

    def build_tree(self, orgs: int) -> dict:
        shape = tree_shape(orgs)
        rng = self.rng
        today = timezone.localdate()
        last_root = Organization.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True)
        root_path = next_child_path("", last_root.first())
        next_step: dict[str, int] = defaultdict(int)

        def make(code: str, name: str, kind: str, parent: Organization | None) -> Organization:
            parent_path = parent.path if parent else ""
            if parent is None:
                path = root_path
            else:
                next_step[parent_path] += 1
                path = parent_path + encode_step(next_step[parent_path])
            extra: dict = {}
            if kind != K.PARTY_GROUP:
                extra["established_on"] = datetime.date(rng.randint(1990, 2020), rng.randint(1, 12), rng.randint(1, 28))
                # Terms started within the last few years, so some end soon and the warnings have something to say.
                extra["term_start"] = today - datetime.timedelta(days=rng.randint(30, 5 * 365 - 30))
                extra["term_end"] = rules.default_term_end(kind, extra["term_start"])
            return Organization(code=code, name=name, kind=kind, parent=parent, path=path,
                                depth=len(path) // STEP_LEN, **extra)

        root = make(f"{PREFIX}SUP", "规模测试市委组织部党委", K.SUPERIOR_COMMITTEE, None)
        root.save()
        committees = Organization.objects.bulk_create([
            make(f"{PREFIX}C{i:04d}", f"规模测试第{i}集团公司党委", K.GRASSROOTS_COMMITTEE, root)
            for i in range(1, shape["committees"] + 1)
        ])
        units = WorkUnit.objects.bulk_create([
            WorkUnit(name=f"规模测试第{i}集团公司", organization=c, code=f"{PREFIX}UNIT-{i:04d}")
            for i, c in enumerate(committees, 1)
        ])
        unit_of = {c.path: u for c, u in zip(committees, units, strict=True)}
        general = Organization.objects.bulk_create([
            make(f"{PREFIX}G{i:05d}", f"第{i}党总支", K.GENERAL_BRANCH, committees[(i - 1) % len(committees)])
            for i in range(1, shape["general"] + 1)
        ], batch_size=2000)
        # A branch sits under a general branch three times as often as straight under a committee.
        branch_parents = general * 3 + committees
        branches = Organization.objects.bulk_create([
            make(f"{PREFIX}B{i:06d}", f"第{i}党支部", K.BRANCH, rng.choice(branch_parents))
            for i in range(1, shape["branches"] + 1)
        ], batch_size=2000)
        groups = Organization.objects.bulk_create([
            make(f"{PREFIX}P{i:06d}", f"第{i}党小组", K.PARTY_GROUP, rng.choice(branches))
            for i in range(1, shape["groups"] + 1)
        ], batch_size=2000)
        everything = [root, *committees, *general, *branches, *groups]
        return {
            "root": root,
            "all": everything,
            # Members sit in branches and Party groups.
            "homes": branches + groups,
            "unit_of": lambda org: unit_of[org.path[: 2 * STEP_LEN]],
        }

    # Members -------------------------------------------------------------------------------------

    def name_pool(self) -> list[tuple[str, str, str]]:
        """Distinct names with their pinyin keys: pypinyin runs once per name, not once per member."""
        rng = self.rng
        names: set[str] = set()
        while len(names) < NAME_POOL:
            names.add(rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))))
        return [(name, *name_keys(name)) for name in sorted(names)]

    def build_members(self, count: int, tree: dict) -> None:
        rng = self.rng
        pool = self.name_pool()
        homes = tree["homes"]
        unit_of = tree["unit_of"]
        today = timezone.localdate()
        used: set[str] = set()
        educations = [e for e, _label in Member.Education.choices]
        posts = ["职员", "工程师", "高级工程师", "主管", "经理", "技术员", "会计", "教师", "医生", "村民"]
        ethnicities = ["汉族"] * 18 + ["回族", "满族", "蒙古族", "壮族"]
        statuses = [Member.Status.ACTIVE] * 96 + [Member.Status.TRANSFERRED_OUT] * 2 + [
            Member.Status.SUSPENDED, Member.Status.DECEASED]
        batch: list[Member] = []
        for _i in range(count):
            name, name_pinyin, name_initials = rng.choice(pool)
            male = rng.random() < 0.6
            born = datetime.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
            number = citizen_id.fake(rng, born, male, AREAS)
            while number in used:
                number = citizen_id.fake(rng, born, male, AREAS)
            used.add(number)
            joined = born.replace(year=born.year + rng.randint(18, 40))
            if joined > today - datetime.timedelta(days=30):
                joined = today - datetime.timedelta(days=rng.randint(30, 700))
            probationary = joined > today - datetime.timedelta(days=365)
            org = rng.choice(homes)
            batch.append(Member(
                organization=org, org_path=org.path, name=name, name_pinyin=name_pinyin, name_initials=name_initials,
                gender="male" if male else "female", ethnicity=rng.choice(ethnicities), birth_date=born,
                # Each member gets their own Fernet token (it carries a random IV), so no two rows share one.
                citizen_id_encrypted=citizen_id.encrypt(number), citizen_id_masked=citizen_id.mask(number),
                citizen_id_digest=citizen_id.digest(number),
                phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
                education=rng.choice(educations), work_unit=unit_of(org), post=rng.choice(posts),
                joined_on=joined, full_member_on=None if probationary else joined + datetime.timedelta(days=365),
                category=Member.Category.PROBATIONARY if probationary else Member.Category.FULL,
                status=rng.choice(statuses),
            ))
            if len(batch) >= CHUNK:
                Member.objects.bulk_create(batch)
                batch = []
                reset_queries()  # under DEBUG, Django keeps every statement; these are large
        if batch:
            Member.objects.bulk_create(batch)

    # The login -----------------------------------------------------------------------------------

    def build_worker(self, root: Organization) -> str:
        password = secrets.token_urlsafe(12)
        worker = User.objects.create_user(
            username=WORKER_USERNAME, password=password, display_name="规模测试 党务工作者", must_change_password=False
        )
        RoleGrant.objects.create(user=worker, organization=root, role=Role.WORKER)
        return password
