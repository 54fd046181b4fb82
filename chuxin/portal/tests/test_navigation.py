"""The side navigation, drawn once per strongest standing and language (portal.context_processors.Navigation):
who sees which entry, which one is marked, and a new role showing at the next page without anything to clear."""

from __future__ import annotations

import re

from django.urls import reverse

from chuxin.accounts.models import Role, RoleGrant


def _nav(html: str) -> str:
    return re.search(r'<nav class="nav flex-column[^>]*>(.*?)</nav>', html, re.S).group(1)


def _links(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link cx-nav-link[^"]*" href="([^"]+)"', _nav(html))


def test_a_person_without_standing_sees_no_member_list_until_granted_a_role(world, client_for):
    client = client_for(world.stranger)
    before = _links(client.get(reverse("portal:me")).content.decode())
    assert reverse("portal:me") in before and reverse("members:list") not in before

    RoleGrant.objects.create(user=world.stranger, organization=world.b2, role=Role.SECRETARY)
    after = _links(client.get(reverse("portal:me")).content.decode())
    assert reverse("members:list") in after and reverse("audit:list") not in after  # a secretary: no audit log
    assert set(before) < set(after)


def test_the_current_pages_entry_alone_is_marked(world, client_for):
    client = client_for(world.worker)
    nav = _nav(client.get(reverse("members:list")).content.decode())
    assert nav.count('aria-current="page"') == 1 and nav.count(" active\"") == 1
    assert f'<a class="nav-link cx-nav-link active" href="{reverse("members:list")}" aria-current="page">' in nav
    # A page without its own entry marks its app's namesake: a member file marks "Members".
    nav = _nav(client.get(reverse("members:detail", args=[world.member.pk])).content.decode())
    assert f'active" href="{reverse("members:list")}" aria-current="page"' in nav
    assert nav.count('aria-current="page"') == 1


def test_the_navigation_speaks_the_readers_language_and_links_the_workbench_count(world, client_for):
    client = client_for(world.worker)
    nav = _nav(client.get(reverse("portal:home")).content.decode())
    assert ">组织与党员</div>" in nav and ">党员</a>" in nav
    assert f'hx-get="{reverse("workbench:badge")}"' in nav
    client.post(reverse("set_language"), {"language": "en"})
    nav = _nav(client.get(reverse("portal:home")).content.decode())
    assert ">Organization and members</div>" in nav and ">Members</a>" in nav and "党员" not in nav


def test_an_htmx_partial_carries_no_navigation(world, client_for):
    html = client_for(world.worker).get(reverse("members:list"), headers={"HX-Request": "true"}).content.decode()
    assert "cx-nav-link" not in html
