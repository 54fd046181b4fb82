"""Every member row carries its organization's path (Member.org_path), which the member list narrows by. It stays
exact through the writes that change where a member stands (filing, a transfer, an import, an organization moved
with its subtree), the lists follow it, and whichever plan answers a list (a wide scope's walk in name order, a
branch's range, a search's own index) it gives the members a plain reading of every file would."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from chuxin.core.access import forget
from chuxin.members import org_paths
from chuxin.members.models import Member
from chuxin.members.selectors import MemberFilters, member_list
from chuxin.members.services import member_move, member_update
from chuxin.orgs.models import Organization
from chuxin.orgs.services import organization_create, organization_move
from chuxin.testing import make_member

EDUCATIONS = ["bachelor", "postgraduate", "junior_college", ""]


@pytest.fixture
def crowd(world):
    """Members across the tree, of every category, several educations and ages, some off the roll."""
    day = datetime.timedelta(days=1)
    people = []
    for i, (org, name) in enumerate([
        (world.b1, "张伟"), (world.b1, "赵敏"), (world.g1, "张三丰"), (world.g1, "周芷若"), (world.b2, "张无忌"),
        (world.b2, "殷离"), (world.pc, "宋青书"), (world.b2, "杨逍"), (world.g1, "范遥"),
    ]):
        born = datetime.date(1960 + 4 * i, 3, 1) + i * day
        people.append(make_member(org, name, born=born, category="probationary" if i % 3 == 0 else "full",
                                  education=EDUCATIONS[i % 4], phone=f"1380000{i:04d}"))
    member_update(actor=None, member=Member.objects.get(pk=people[1].pk), status=Member.Status.LEFT)
    return people


def names(user, **filters) -> set[str]:
    return {m.name for m in member_list(user, MemberFilters(**filters))}


def test_an_organization_moved_takes_its_members_paths_along(world, crowd, client_for):
    in_b1 = names(world.secretary, status="active")
    assert in_b1 == {"李四", "张伟", "张三丰", "周芷若", "范遥"}
    assert in_b1 <= names(world.worker, status="active")

    organization_move(actor=None, organization=world.b1, new_parent=world.sup)  # B1 and its group G1 leave PC
    for user in (world.secretary, world.worker, world.viewer):
        forget(user)  # their standings, kept for the request, name B1's old path

    assert org_paths.mismatched() == []
    world.b1.refresh_from_db()
    assert Member.objects.get(pk=crowd[2].pk).org_path == Organization.objects.get(pk=world.g1.pk).path
    assert names(world.secretary, status="active") == in_b1  # the branch's own list is the same people
    assert not in_b1 & names(world.worker, status="active")  # the committee's no longer holds them
    assert in_b1 <= names(world.viewer, status="active")  # the superior's still does
    page = client_for(world.secretary).get(reverse("members:list")).context["page_obj"]
    assert {m.name for m in page} == in_b1 and page.count == len(in_b1)  # the counters agree


def test_a_transfer_and_an_edit_move_the_member_between_lists(world, crowd):
    moving = Member.objects.get(pk=crowd[0].pk)  # 张伟, B1
    member_move(actor=world.worker, member=moving, organization=world.b2, approved_by=world.worker)
    assert "张伟" not in names(world.secretary) and "张伟" in names(world.outsider)
    member_update(actor=world.worker, member=Member.objects.get(pk=moving.pk), organization=world.g1)
    assert "张伟" in names(world.secretary) and "张伟" not in names(world.outsider)
    b3 = organization_create(actor=None, parent=world.b2, name="第三党小组", code="G3",
                             kind=Organization.Kind.PARTY_GROUP)
    filed = make_member(b3, "韦一笑")
    assert filed.org_path == b3.path and "韦一笑" in names(world.outsider)
    assert org_paths.mismatched() == []


@pytest.mark.parametrize("who", ["worker", "secretary", "viewer"])  # a wide scope, a branch, the whole tree
def test_every_plan_gives_what_a_plain_reading_gives(world, crowd, who):
    user = getattr(world, who)
    everyone = list(Member.objects.select_related("organization"))
    scope = {m.pk for m in member_list(user, MemberFilters())}
    today = datetime.date.today()
    cases = [
        ({}, lambda m: True),
        ({"status": "active"}, lambda m: m.status == "active"),
        ({"status": "active", "category": "probationary"}, lambda m: m.status == "active" and m.category ==
         "probationary"),
        ({"status": "active", "education": "bachelor"}, lambda m: m.status == "active" and m.education == "bachelor"),
        ({"status": "active", "age_band": "ge61"}, lambda m: m.status == "active" and m.age(today) >= 61),
        ({"status": "active", "organization": world.g1}, lambda m: m.status == "active" and
         m.organization.path.startswith(world.g1.path)),
        ({"status": "active", "organization": world.pc}, lambda m: m.status == "active" and
         m.organization.path.startswith(world.pc.path)),
        ({"status": "active", "q": "z"}, lambda m: m.status == "active" and m.name_pinyin.startswith("z")),
        ({"status": "active", "q": "张"}, lambda m: m.status == "active" and m.name.startswith("张")),
        ({"status": "active", "q": "三丰", "contains": True}, lambda m: m.status == "active" and "三丰" in m.name),
        ({"status": "active", "q": "1380000"}, lambda m: m.status == "active" and "1380000" in m.phone),
    ]
    for filters, test in cases:
        expected = {m.pk for m in everyone if m.pk in scope and test(m)}
        assert {m.pk for m in member_list(user, MemberFilters(**filters))} == expected, filters
    assert len(scope) > 1


def test_an_organization_outside_the_scope_shows_nobody(world, crowd):
    assert names(world.outsider, organization=world.b1) == set()
    assert names(world.secretary, organization=world.pc) == names(world.secretary)  # the part of it in scope


def test_recount_finds_and_repairs_a_wrong_path(world, crowd):
    call_command("recount_members", "--check")
    Member.objects.filter(pk=crowd[0].pk).update(org_path=world.b2.path)
    assert org_paths.mismatched() == [(crowd[0].pk, world.b2.path, world.b1.path)]
    with pytest.raises(CommandError):
        call_command("recount_members", "--check")
    call_command("recount_members")
    assert org_paths.mismatched() == []
