"""The home page's "Needs attention" card: drawn in Python (chuxin.portal.home), read in batches
(orgs.selectors.warnings_in_scope)."""

from __future__ import annotations

import datetime
import itertools
import re

from django.urls import reverse

from chuxin.orgs import selectors
from chuxin.orgs.models import Organization, Position
from chuxin.orgs.services import organization_create
from chuxin.testing import make_member

_born = (datetime.date(1970, 1, 1) + datetime.timedelta(days=i) for i in itertools.count())


def _branch(world, name: str, code: str, *, full_members: int = 0, seated: bool = False) -> Organization:
    org = organization_create(actor=None, parent=world.pc, name=name, code=code, kind=Organization.Kind.BRANCH)
    for _ in range(full_members):
        make_member(org, "吴敏", born=next(_born))
    if seated:  # a current seat makes it a candidate; a secretary alone is no committee, so it breaks no rule
        Position.objects.create(organization=org, kind=Position.Kind.SECRETARY, person_name="周强",
                                started_on=datetime.date(2025, 1, 1))
    return org


def test_a_hostile_organization_name_is_shown_as_text_with_its_link_and_warning(world, client_for):
    org = _branch(world, '<img src=x onerror="alert(1)">支部', "HX")
    html = client_for(world.worker).get(reverse("portal:home")).content.decode()
    attention = html[html.index("bi-exclamation-triangle"):html.index("col-12 col-xl-4")]
    assert "<img src=x" not in attention
    link = f'<a href="{reverse("orgs:detail", args=[org.pk])}" class="fw-semibold">'
    entry = attention[attention.index(link):]
    entry = entry[:entry.index("</div>\n")]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;支部</a>" in entry
    assert "本支部现有正式党员0名，成立党支部至少需要3名。" in entry
    assert re.search(r'<div class="cx-rule">[^<]+</div>', entry)


def test_no_warning_says_every_organization_meets_the_rules(world, client_for):
    html = client_for(world.secretary).get(reverse("portal:home")).content.decode()
    assert "border-top py-2" in html  # B1, one full member: too small
    for _ in range(2):
        make_member(world.b1, "吴敏", born=next(_born))
    html = client_for(world.secretary).get(reverse("portal:home")).content.decode()
    assert "border-top py-2" not in html and "所有党组织在党员人数、委员会设置和任期方面均符合规定。" in html


def test_warnings_read_in_small_batches_are_the_same_as_in_one(world, monkeypatch):
    for i in range(6):  # in tree order: silent, warning, silent, warning, ...
        _branch(world, f"支部{i}", f"BB{i}", full_members=3 if i % 2 == 0 else 0, seated=i % 2 == 0)
    whole = [(org.code, [w.code for w in found]) for org, found in selectors.warnings_in_scope(world.worker)]
    assert len(whole) == 2 + 3  # B1 and B2 (one full member each) and the three small ones
    monkeypatch.setattr(selectors, "WARNING_FIRST_BATCH", 2)
    monkeypatch.setattr(selectors, "WARNING_BATCH", 2)
    batched = [(org.code, [w.code for w in found]) for org, found in selectors.warnings_in_scope(world.worker)]
    assert batched == whole
    first = [org.code for org, _found in selectors.warnings_in_scope(world.worker, limit=3)]
    assert first == [code for code, _w in whole[:3]]
