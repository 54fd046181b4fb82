"""The counters of members on the roll (members.tallies) stay equal to a fresh count through every write that can
change them: filing, transferring, a category or status change, leaving the roll and coming back, an import, an
organization moved with its members; and the home page shows them. `recount_members` finds and repairs drift.
Every member's copy of its organization's path (Member.org_path) is checked at the same steps."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from chuxin.members import citizen_id, importing, org_paths
from chuxin.members.models import Member, MemberTally
from chuxin.members.services import member_create, member_update
from chuxin.members.tallies import fresh_counts, tallies_match
from chuxin.members.tests.test_import import person, upload
from chuxin.orgs.models import Organization
from chuxin.orgs.services import (
    organization_create,
    organization_deactivate,
    organization_move,
    organization_reactivate,
)
from chuxin.testing import valid_citizen_id

BORN = datetime.date(1991, 2, 3)


def file_member(world, org, name, *, category="full", born=BORN):
    return member_create(
        actor=world.worker, citizen_id_number=valid_citizen_id(born), organization=org, name=name, gender="male",
        birth_date=born, joined_on=datetime.date(2015, 7, 1),
        full_member_on=datetime.date(2016, 7, 1) if category == "full" else None, category=category,
    )


def assert_counters_match():
    assert tallies_match() == []
    assert org_paths.mismatched() == []  # every member's org_path is its organization's path


def tally(org) -> tuple[int, int]:
    row = MemberTally.objects.filter(organization=org).first()
    return (row.full, row.probationary) if row else (0, 0)


def test_organizations_created_deactivated_reactivated_and_moved_keep_their_counts(world, client_for):
    K = Organization.Kind
    assert_counters_match()
    b3 = organization_create(actor=None, parent=world.pc, name="第三支部", code="B3", kind=K.BRANCH)
    g3 = organization_create(actor=None, parent=b3, name="第三党小组", code="G3", kind=K.PARTY_GROUP)
    assert_counters_match()
    organization_deactivate(actor=None, organization=g3)
    organization_deactivate(actor=None, organization=g3)  # twice: counted once
    assert_counters_match()
    organization_reactivate(actor=None, organization=g3)
    assert_counters_match()
    organization_move(actor=None, organization=b3, new_parent=world.sup)
    assert_counters_match()
    home = client_for(world.worker).get(reverse("portal:home"))
    assert home.context["org_count"] == Organization.objects.filter(
        path__startswith=world.pc.path, status="active").count()


def test_every_write_keeps_the_counters_equal_to_a_fresh_count(world, client_for):
    assert_counters_match()
    a = file_member(world, world.g1, "陈一")
    b = file_member(world, world.b2, "陈二", category="probationary", born=BORN + datetime.timedelta(days=1))
    assert_counters_match()
    before = tally(world.pc)

    # A transfer from the Party group under B1 to B2: B1 and G1 lose one, B2 gains one, the committee keeps it.
    member_update(actor=world.worker, member=Member.objects.get(pk=a.pk), organization=world.b2)
    assert_counters_match()
    assert tally(world.pc) == before
    # Probationary to full.
    member_update(actor=world.worker, member=Member.objects.get(pk=b.pk), category="full",
                  full_member_on=datetime.date(2016, 7, 1))
    assert_counters_match()
    # Off the roll (left the Party), and back (a mistake corrected); deceased.
    member_update(actor=world.worker, member=Member.objects.get(pk=a.pk), status=Member.Status.LEFT)
    assert_counters_match()
    assert tally(world.pc) == (before[0], before[1] - 1)
    member_update(actor=world.worker, member=Member.objects.get(pk=a.pk), status=Member.Status.ACTIVE)
    member_update(actor=world.worker, member=Member.objects.get(pk=b.pk), status=Member.Status.DECEASED)
    assert_counters_match()

    # An import: two new files and a transfer of an existing one (the same ID number, another organization).
    existing = Member.objects.get(pk=world.member.pk)
    rows = [
        person("周一", born=datetime.date(1980, 1, 1), code="B2"),
        person("周二", born=datetime.date(1981, 1, 1), code="G1", category="预备党员", full=""),
    ]
    result = importing.import_members(actor=world.worker, upload=upload(rows), write=True)
    assert result.ok and result.created == 2, result.errors
    assert_counters_match()
    moved = person(existing.name, born=existing.birth_date, code="B2",
                   cid=citizen_id.decrypt(existing.citizen_id_encrypted))
    moved["性别"] = "男" if existing.gender == "male" else "女"
    moved["入党日期"], moved["转正日期"] = existing.joined_on, existing.full_member_on
    result = importing.import_members(actor=world.worker, upload=upload([moved]), write=True)
    assert result.ok and result.updated == 1, result.errors
    assert Member.objects.get(pk=existing.pk).organization == world.b2
    assert_counters_match()

    # An organization moved with its members: B1 (and its Party group) from the committee to the top.
    full_in_b1 = tally(world.b1)
    committee = tally(world.pc)
    organization_move(actor=None, organization=world.b1, new_parent=world.sup)
    assert_counters_match()
    assert tally(world.pc) == (committee[0] - full_in_b1[0], committee[1] - full_in_b1[1])

    # The home page shows them.
    response = client_for(world.worker).get(reverse("portal:home"))
    counted = fresh_counts()[world.pc.pk]  # the worker's scope: the committee (B1 has moved out of it)
    assert response.context["counts"] == {"full": counted[0], "probationary": counted[1],
                                          "active": counted[0] + counted[1], "organizations": counted[2]}


def test_the_member_list_counts_from_the_counters(world, client_for):
    client = client_for(world.worker)
    on_roll = Member.objects.filter(status="active").count()
    page = client.get(reverse("members:list")).context["page_obj"]
    assert (page.count, page.count_exact) == (on_roll, True)
    page = client.get(reverse("members:list"), {"organization": world.b2.pk}).context["page_obj"]
    assert page.count == Member.objects.filter(status="active", organization=world.b2).count()


def test_recount_finds_and_repairs_drift(world):
    call_command("recount_members", "--check")  # all agree
    MemberTally.objects.filter(organization=world.b1).update(full=99)
    with pytest.raises(CommandError):
        call_command("recount_members", "--check")
    call_command("recount_members")
    assert_counters_match()
