"""A committee is listed the way a Party organization lists it: 书记, 副书记, then the members by office
(组织委员, 宣传委员, 纪检委员, 青年委员, 委员, 兼职委员), on every page that shows seats."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from chuxin.orgs.models import Position
from chuxin.orgs.selectors import current_positions, member_positions, past_positions
from chuxin.testing import make_member

K = Position.Kind
OFFICE_ORDER = [K.SECRETARY, K.DEPUTY_SECRETARY, K.ORGANIZATION, K.PUBLICITY, K.DISCIPLINE, K.YOUTH, K.MEMBER,
                K.PART_TIME]
# Seats made in an order that neither the codes' alphabet nor the insertion order would put right.
MADE_IN = [K.YOUTH, K.MEMBER, K.PART_TIME, K.DISCIPLINE, K.SECRETARY, K.PUBLICITY, K.DEPUTY_SECRETARY, K.ORGANIZATION]
HOLDERS = {K.SECRETARY: "甲书记", K.DEPUTY_SECRETARY: "乙副书记", K.ORGANIZATION: "丙组织", K.PUBLICITY: "丁宣传",
           K.DISCIPLINE: "戊纪检", K.YOUTH: "己青年", K.MEMBER: "庚委员", K.PART_TIME: "辛兼职"}


@pytest.fixture
def committee(world):
    for kind in MADE_IN:
        Position.objects.create(organization=world.b1, kind=kind, person_name=HOLDERS[kind],
                                started_on=datetime.date(2024, 1, 1))
    return world.b1


def order_on(page: str, names: list[str]) -> list[str]:
    missing = [n for n in names if n not in page]
    assert not missing, f"not on the page: {missing}"
    return sorted(names, key=page.index)


EXPECTED = [HOLDERS[k] for k in OFFICE_ORDER]


def test_the_selector_lists_the_secretary_first_then_by_office(committee):
    assert [p.kind for p in current_positions(committee)] == OFFICE_ORDER


@pytest.mark.parametrize("page", ["orgs:committee", "orgs:detail"])
def test_organization_pages_list_the_committee_by_office(world, committee, client_for, page):
    html = client_for(world.worker).get(reverse(page, args=[committee.pk])).content.decode()
    assert order_on(html, EXPECTED) == EXPECTED


def test_the_me_page_lists_my_organizations_committee_by_office(world, committee, client_for):
    html = client_for(world.member_user).get(reverse("portal:me")).content.decode()
    assert order_on(html, EXPECTED) == EXPECTED


def test_earlier_terms_list_the_latest_term_first_and_each_by_office(world, client_for):
    for kind, name, start, end in [
        (K.MEMBER, "旧委员甲", datetime.date(2018, 1, 1), datetime.date(2020, 12, 31)),
        (K.SECRETARY, "旧书记甲", datetime.date(2018, 1, 1), datetime.date(2020, 12, 31)),
        (K.DEPUTY_SECRETARY, "旧副书记乙", datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)),
        (K.SECRETARY, "旧书记乙", datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)),
    ]:
        Position.objects.create(organization=world.b1, kind=kind, person_name=name, started_on=start, ended_on=end)
    expected = ["旧书记乙", "旧副书记乙", "旧书记甲", "旧委员甲"]
    assert [p.holder_name for p in past_positions(world.b1)] == expected
    html = client_for(world.worker).get(reverse("orgs:committee", args=[world.b1.pk])).content.decode()
    assert order_on(html, expected) == expected


def test_a_member_file_lists_the_seats_held_now_first_then_by_office(world, client_for):
    person = make_member(world.b1, "多职务")
    for org, kind, end in [
        (world.pc, K.MEMBER, None), (world.b2, K.ORGANIZATION, datetime.date(2022, 12, 31)),
        (world.b1, K.SECRETARY, None), (world.g1, K.DEPUTY_SECRETARY, None),
    ]:
        Position.objects.create(organization=org, kind=kind, member=person, started_on=datetime.date(2020, 1, 1),
                                ended_on=end)
    assert [(p.organization.code, p.kind) for p in member_positions(person)] == [
        ("B1", K.SECRETARY), ("G1", K.DEPUTY_SECRETARY), ("PC", K.MEMBER), ("B2", K.ORGANIZATION)]
    html = client_for(world.worker).get(reverse("members:detail", args=[person.pk])).content.decode()
    in_file = [f"{org.name} · " for org in (world.b1, world.g1, world.pc, world.b2)]
    assert order_on(html, in_file) == in_file
