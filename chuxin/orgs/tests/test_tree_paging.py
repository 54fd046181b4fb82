"""The tree opens a large organization's children a hundred at a time, with a button for the next hundred."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from chuxin.orgs.models import Organization
from chuxin.orgs.selectors import CHILDREN_PAGE
from chuxin.orgs.services import organization_create

K = Organization.Kind


@pytest.fixture
def big_committee(world):
    committee = organization_create(actor=None, parent=world.pc, name="大党委", code="BIGC", kind=K.GENERAL_BRANCH)
    for i in range(CHILDREN_PAGE + 5):
        organization_create(actor=None, parent=committee, name=f"第{i:03d}支部", code=f"BIG{i:03d}", kind=K.BRANCH)
    return committee


def names(html: str) -> list[str]:
    return re.findall(r'class="cx-node-name"[^>]*>([^<]+)<', html)


def test_the_first_hundred_then_the_rest_and_no_button_at_the_end(world, client_for, big_committee):
    client = client_for(world.viewer)
    url = reverse("orgs:children", kwargs={"pk": big_committee.pk})
    first = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert names(first) == [f"第{i:03d}支部" for i in range(CHILDREN_PAGE)]
    more = re.search(r'hx-get="([^"]+)"[^>]*data-testid="tree-more"', first)
    assert more and "大党委" in first
    rest = client.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"}).content.decode()
    assert names(rest) == [f"第{i:03d}支部" for i in range(CHILDREN_PAGE, CHILDREN_PAGE + 5)]
    assert "tree-more" not in rest
    assert "<ul" not in rest  # the next items replace the button inside the same list


@pytest.mark.parametrize("after", ["", "x'; drop table", "../..", "0" * 400, "%00"])
def test_a_malformed_cursor_gives_the_first_page(world, client_for, big_committee, after):
    url = reverse("orgs:children", kwargs={"pk": big_committee.pk})
    response = client_for(world.viewer).get(url, {"after": after}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert names(response.content.decode())[0] == "第000支部"


def test_the_cursor_never_reaches_past_the_organization_asked_for(world, client_for, big_committee):
    # A cursor taken from elsewhere in the tree pages only this organization's own children.
    url = reverse("orgs:children", kwargs={"pk": big_committee.pk})
    response = client_for(world.viewer).get(url, {"after": world.pc.path}, headers={"HX-Request": "true"})
    assert set(names(response.content.decode())) <= {f"第{i:03d}支部" for i in range(CHILDREN_PAGE + 5)}


def test_a_small_organization_has_no_more_button(world, client_for):
    url = reverse("orgs:children", kwargs={"pk": world.pc.pk})
    assert "tree-more" not in client_for(world.viewer).get(url, headers={"HX-Request": "true"}).content.decode()
