"""The access policy's machinery: personal relations in fetch and authorize, and the reverse question."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chuxin.accounts.models import Role, RoleGrant
from chuxin.core.access import NOWHERE, Need, authorize, fetch, holders, holders_by_org, is_user
from chuxin.members.models import Member
from chuxin.orgs.models import Organization, Position
from chuxin.testing import make_user

D = datetime.date


def test_holders_answer_by_grant_and_with_serving_by_the_secretarys_seat(world):
    assert set(holders(world.b1, Need.MANAGE)) == {world.secretary}
    assert set(holders(world.b1, Need.READ)) == {world.secretary, world.committee}
    assert set(holders(world.b1, Need.MANAGE, inherited=True)) == {world.secretary, world.worker}
    assert set(holders(world.b1, Need.ADMIN, inherited=True)) == {world.worker}
    Position.objects.create(organization=world.b1, kind=Position.Kind.SECRETARY, member=world.member,
                            started_on=D(2020, 1, 1))
    # The seat gives no standing: the reverse question by standing is unchanged; told, the seat's holder is too.
    assert set(holders(world.b1, Need.MANAGE)) == {world.secretary}
    assert set(holders(world.b1, Need.MANAGE, serving=True)) == {world.secretary, world.member_user}
    assert set(holders(world.b1, Need.ADMIN, serving=True)) == set()  # a secretary answers at MANAGE, no more
    # A seat that has ended, or not yet begun on the day asked, answers for nothing.
    assert set(holders(world.b1, Need.MANAGE, serving=True, on=D(2019, 12, 31))) == {world.secretary}


def test_holders_leave_out_deactivated_accounts(world):
    world.secretary.is_active = False
    world.secretary.save()
    assert list(holders(world.b1, Need.MANAGE)) == []
    assert holders_by_org([world.b1], Need.MANAGE) == {}


def test_holders_by_org_answers_many_organizations_in_two_queries(world, django_assert_num_queries):
    Position.objects.create(organization=world.b2, kind=Position.Kind.SECRETARY,
                            member=Member.objects.get(pk=world.b2_member.pk), started_on=D(2020, 1, 1))
    b2_user = make_user("b2-secretary-seat")
    Member.objects.filter(pk=world.b2_member.pk).update(user=b2_user)
    RoleGrant.objects.create(user=world.worker, organization=world.b2, role=Role.WORKER)
    orgs = list(Organization.objects.filter(pk__in=[world.b1.pk, world.b2.pk, world.g1.pk]))
    with django_assert_num_queries(2):
        found = holders_by_org(orgs, Need.MANAGE, serving=True)
    assert {org: set(users) for org, users in found.items()} == {
        world.b1.pk: {world.secretary}, world.b2.pk: {world.outsider, world.worker, b2_user},
    }
    assert {org: set(users) for org, users in holders_by_org(orgs, Need.MANAGE).items()} == {
        world.b1.pk: {world.secretary}, world.b2.pk: {world.outsider, world.worker},
    }
    assert holders_by_org([], Need.MANAGE) == {}


OWN = is_user("user_id", "the member themself")


def test_fetch_lets_a_relation_in_up_to_what_it_grants(world):
    files = Member.objects.select_related("organization")
    assert fetch(world.member_user, files, world.member.pk, need=Need.READ, relations=[OWN]) == world.member
    with pytest.raises(PermissionDenied):  # they stand in B1 as a member: too weak, and the relation stops at READ
        fetch(world.member_user, files, world.member.pk, need=Need.MANAGE, relations=[OWN])
    assert fetch(world.member_user, files, world.member.pk, need=Need.MANAGE,
                 relations=[OWN.granting(Need.MANAGE)]) == world.member
    with pytest.raises(Http404):  # nobody's relation, no standing: as if it did not exist
        fetch(world.stranger, files, world.member.pk, need=Need.READ, relations=[OWN])
    for missing in (0, -1, 2**63, "x", None, world.b2_member.pk + 1000):
        with pytest.raises(Http404):
            fetch(world.worker, files, missing, need=Need.READ)


def test_fetch_of_a_row_of_no_organization_answers_only_to_its_relations(world):
    files = Member.objects.all()
    assert fetch(world.member_user, files, world.member.pk, need=Need.READ, organization=NOWHERE,
                 relations=[OWN]) == world.member
    with pytest.raises(Http404):  # even a worker standing above: standing reaches no such row
        fetch(world.worker, files, world.member.pk, need=Need.READ, organization=NOWHERE, relations=[OWN])


def test_authorize_is_a_services_own_check(world):
    authorize(world.secretary, world.b1, Need.MANAGE)
    authorize(None, world.b1, Need.ADMIN)  # the house itself: seeding, the daily run
    for actor, org in ((world.stranger, world.b1), (world.outsider, world.b1), (world.committee, world.b1)):
        with pytest.raises(PermissionDenied):
            authorize(actor, org, Need.MANAGE)
    authorize(world.member_user, world.b2, Need.READ, obj=world.member, relations=[OWN])
    with pytest.raises(PermissionDenied):
        authorize(world.member_user, world.b2, Need.READ, obj=world.b2_member, relations=[OWN])


def test_a_scopes_ranges_pick_the_rows_its_filter_picks(world):
    """scope_ranges and paths.ranges_q (the workbench's probes, compiled once) against scope_q: the same
    organizations for one place, two places, none, and the whole house."""
    from chuxin.core.access import scope_q, scope_ranges
    from chuxin.core.paths import ranges_q

    RoleGrant.objects.create(user=world.secretary, organization=world.b2, role=Role.SECRETARY)  # two places now
    admin = make_user("admin")
    admin.is_superuser = True
    admin.save()
    cases = [(world.secretary, Need.MANAGE, {world.b1, world.b2}), (world.worker, Need.MANAGE, None),
             (world.member_user, Need.MANAGE, set()), (world.stranger, Need.READ, set()), (admin, Need.ADMIN, None)]
    for user, need, expected in cases:
        by_ranges = set(Organization.objects.filter(ranges_q(scope_ranges(user, need))))
        assert by_ranges == set(Organization.objects.filter(scope_q(user, need))), user
        if expected is not None:
            assert {o for o in by_ranges if o.kind in Organization.BRANCH_KINDS} == expected, user
    assert len(scope_ranges(world.secretary, Need.MANAGE)) == 4  # two ranges, flat
    assert set(Organization.objects.filter(ranges_q(scope_ranges(admin, Need.ADMIN)))) == set(
        Organization.objects.all())
