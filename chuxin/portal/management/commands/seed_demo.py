"""Build a believable demo unit. Idempotent: running it again changes nothing."""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from chuxin.accounts.models import Role, RoleGrant, User
from chuxin.accounts.services import account_link_member
from chuxin.core import registry
from chuxin.core.paths import STEP_LEN, next_child_path
from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.members.pinyin import name_keys
from chuxin.members.services import apply_citizen_id
from chuxin.members.tallies import recount
from chuxin.orgs import rules
from chuxin.orgs.models import Department, Organization, PartnerUnit, Position, WorkUnit

DEMO_PASSWORD = "chuxin-demo-2026"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文辉鹏飞宇婷雪梅晨阳欣怡子涵浩然思远海燕德胜玉兰立新"

# (username, display name, role, organization code). The display name is kept only by an account without a member
# file (the superior's viewer); the others belong to the member files of the people they are and show their names.
ACCOUNTS = [
    ("worker", "党务工作者", Role.WORKER, "HX-PC"),
    ("secretary1", "机关第一党支部书记", Role.SECRETARY, "HX-B01"),
    ("committee1", "研发中心党支部委员", Role.COMMITTEE, "HX-B02"),
    ("viewer", "上级党委 督查员", Role.VIEWER, "SASAC-PC"),
]


class Command(BaseCommand):
    help = "Load the demo unit: a superior committee, a grassroots committee, three branches, ~60 members, logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit-only", action="store_true",
            help="Only the organizations, people and logins, without the plans, directives, reports and lists.",
        )

    def handle(self, *args, **options):
        if settings.CHUXIN_PRODUCTION:
            raise CommandError(
                "seed_demo refuses to run under production settings: it adds made-up members and accounts with a "
                "published password. Use config.settings.local (the default of manage.py) for a demo."
            )
        with transaction.atomic():
            created = self.seed()
        if options["unit_only"]:
            self.stdout.write(self.style.SUCCESS("Demo unit ready."))
            return
        today = timezone.localdate()
        # Each capability adds its own demo records on top of the unit, idempotently, in the order its hooks ask
        # for (chuxin.core.registry.Demo.after: reports pre-fill from plans and directives, responsibility lists
        # count the work all three recorded, the reminder run goes last over everything).
        for _app, seed in registry.demo_order():
            with transaction.atomic():
                seed(today=today)
        self.stdout.write(self.style.SUCCESS("Demo data ready." if created else "Demo data already present."))

    def org(self, code: str, name: str, kind: str, parent: Organization | None, **extra) -> Organization:
        existing = Organization.objects.filter(code=code).first()
        if existing:
            return existing
        last = (
            Organization.objects.filter(parent=parent).order_by("-path").values_list("path", flat=True).first()
        )
        path = next_child_path(parent.path if parent else "", last)
        if extra.get("term_start") and not extra.get("term_end"):
            extra["term_end"] = rules.default_term_end(kind, extra["term_start"])
        org = Organization(code=code, name=name, kind=kind, parent=parent, path=path, depth=len(path) // STEP_LEN,
                           **extra)
        org.full_clean()
        org.save()
        return org

    def seed(self) -> bool:
        if Organization.objects.filter(code="HX-PC").exists() and User.objects.filter(username="worker").exists():
            return False
        today = timezone.localdate()
        K = Organization.Kind
        sup = self.org("SASAC-PC", "市国资委党委", K.SUPERIOR_COMMITTEE, None,
                       established_on=datetime.date(2004, 7, 1), term_start=datetime.date(2021, 11, 20))
        pc = self.org("HX-PC", "华兴科技集团有限公司党委", K.GRASSROOTS_COMMITTEE, sup,
                      established_on=datetime.date(2008, 6, 28), term_start=datetime.date(2022, 6, 15))
        unit, _ = WorkUnit.objects.get_or_create(
            name="华兴科技集团有限公司",
            defaults={"organization": pc, "code": "91110105MA01ABCD3X", "address": "北京市朝阳区建国路88号"},
        )
        if pc.work_unit_id is None:
            pc.work_unit = unit
            pc.save(update_fields=["work_unit"])
        departments = {}
        for i, name in enumerate(["综合办公室", "人力资源部", "财务部", "研发中心", "市场部", "生产部"]):
            departments[name], _ = Department.objects.get_or_create(work_unit=unit, name=name,
                                                                   defaults={"sort_order": i})
        b1 = self.org("HX-B01", "机关第一党支部", K.BRANCH, pc, established_on=datetime.date(2008, 9, 1),
                      term_start=datetime.date(2024, 3, 18), work_unit=unit)
        b2 = self.org("HX-B02", "研发中心党支部", K.BRANCH, pc, established_on=datetime.date(2012, 5, 4),
                      term_start=datetime.date(2023, 9, 10), work_unit=unit)
        # Its term ends within 90 days, so the demo shows the re-election warning.
        b3 = self.org("HX-B03", "生产一线党支部", K.BRANCH, pc, established_on=datetime.date(2010, 7, 1),
                      term_start=today.replace(year=today.year - 3) + datetime.timedelta(days=45), work_unit=unit)
        g1 = self.org("HX-B02-G1", "研发中心第一党小组", K.PARTY_GROUP, b2)
        g2 = self.org("HX-B02-G2", "研发中心第二党小组", K.PARTY_GROUP, b2)
        partners = [
            PartnerUnit.objects.get_or_create(host=pc, name="城南街道社区", defaults={
                "party_organization_name": "城南街道社区党委", "contact_name": "赵红梅", "contact_phone": "13800138001",
                "agreement_on": datetime.date(2023, 3, 5)})[0],
            PartnerUnit.objects.get_or_create(host=pc, name="市第一人民医院", defaults={
                "party_organization_name": "市第一人民医院党委", "contact_name": "孙建国",
                "contact_phone": "13800138002", "agreement_on": datetime.date(2024, 4, 12)})[0],
        ]

        rng = random.Random(2026)
        plan = [(b1, 20, "综合办公室"), (b1, 6, "人力资源部"), (g1, 9, "研发中心"), (g2, 8, "研发中心"), (b2, 5, "研发中心"),
                (b3, 9, "生产部"), (pc, 3, "财务部")]
        members: list[Member] = []
        used_names: set[str] = set()
        for org, count, dept in plan:
            for _i in range(count):
                name = ""
                while not name or name in used_names:
                    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
                used_names.add(name)
                male = rng.random() < 0.58
                born = datetime.date(rng.randint(1962, 2001), rng.randint(1, 12), rng.randint(1, 28))
                joined = born.replace(year=born.year + rng.randint(19, 30))
                if joined > today - datetime.timedelta(days=60):
                    joined = today - datetime.timedelta(days=rng.randint(60, 300))
                probationary = joined > today - datetime.timedelta(days=365)
                member = Member(
                    organization=org, org_path=org.path, name=name, gender="male" if male else "female",
                    ethnicity=rng.choice(["汉族"] * 9 + ["回族", "满族", "蒙古族"]), birth_date=born,
                    phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    education=rng.choice(["postgraduate", "bachelor", "bachelor", "bachelor", "junior_college",
                                          "secondary"]),
                    work_unit=unit, department=departments[dept],
                    post=rng.choice(["职员", "工程师", "高级工程师", "主管", "经理", "技术员", "会计"]),
                    joined_on=joined,
                    full_member_on=None if probationary else joined + datetime.timedelta(days=365),
                    category="probationary" if probationary else "full",
                )
                member.name_pinyin, member.name_initials = name_keys(name)
                apply_citizen_id(member, citizen_id.fake(rng, born, male))
                members.append(member)
        # A few recent recruits still on probation (one year from the branch meeting's vote).
        for index, days in ((12, 120), (25, 200), (33, 300), (50, 45)):
            recruit = members[index]
            recruit.joined_on = today - datetime.timedelta(days=days)
            recruit.full_member_on = None
            recruit.category = Member.Category.PROBATIONARY
        # Two members who left the branch's books, so filters by status show something.
        members[5].status = Member.Status.TRANSFERRED_OUT
        members[40].status = Member.Status.DECEASED
        Member.objects.bulk_create(members)
        recount()  # the counters the services keep (organizations and members here were written in bulk)
        by_org: dict[int, list[Member]] = {}
        for m in Member.objects.order_by("id"):
            by_org.setdefault(m.organization_id, []).append(m)

        P = Position.Kind

        def seat(org, kind, member=None, person_name="", partner=None, start=None):
            Position.objects.get_or_create(
                organization=org, kind=kind, member=member, person_name=person_name,
                defaults={"partner_unit": partner, "started_on": start or org.term_start},
            )

        pcm = by_org[pc.pk] + by_org[b1.pk]
        seat(pc, P.SECRETARY, pcm[0])
        seat(pc, P.DEPUTY_SECRETARY, pcm[1])
        seat(pc, P.ORGANIZATION, pcm[2])
        seat(pc, P.PUBLICITY, pcm[3])
        seat(pc, P.DISCIPLINE, pcm[4])
        seat(pc, P.PART_TIME, person_name="赵红梅", partner=partners[0])
        b1m = by_org[b1.pk]
        seat(b1, P.SECRETARY, b1m[6])
        seat(b1, P.ORGANIZATION, b1m[7])
        seat(b1, P.PUBLICITY, b1m[8])
        b2m = by_org[g1.pk] + by_org[g2.pk] + by_org[b2.pk]
        seat(b2, P.SECRETARY, b2m[0])
        seat(b2, P.DEPUTY_SECRETARY, b2m[1])
        seat(b2, P.ORGANIZATION, b2m[2])
        seat(b2, P.PUBLICITY, b2m[3])
        seat(b2, P.YOUTH, b2m[4])
        seat(b3, P.SECRETARY, by_org[b3.pk][0])
        # A past term, so the committee page shows history.
        Position.objects.get_or_create(
            organization=b1, kind=P.SECRETARY, member=b1m[9],
            defaults={"started_on": datetime.date(2021, 3, 18), "ended_on": datetime.date(2024, 3, 17)},
        )

        for username, display, role, code in ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username, defaults={"display_name": display,
                                                                              "must_change_password": False})
            user.set_password(DEMO_PASSWORD)
            user.save()
            RoleGrant.objects.get_or_create(user=user, organization=Organization.objects.get(code=code), role=role)
        # Each login belongs to a person: the worker is the committee's organization member, the secretary and
        # committee logins the people holding those seats; each shows its member file's name.
        for username, member in (("worker", pcm[2]), ("secretary1", b1m[6]), ("committee1", b2m[2])):
            account_link_member(actor=None, account=User.objects.get(username=username), member=member)
        # A plain member logs in with their phone number and sees their own file.
        plain = b1m[10]
        member_user, _ = User.objects.get_or_create(
            username="member1", defaults={"display_name": plain.name, "phone": plain.phone,
                                          "must_change_password": False})
        member_user.set_password(DEMO_PASSWORD)
        member_user.save()
        account_link_member(actor=None, account=member_user, member=plain)
        admin, _ = User.objects.get_or_create(username="admin", defaults={
            "is_superuser": True, "is_staff": True, "display_name": "系统管理员", "must_change_password": False})
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        return True
