"""The member list's rows, drawn in Python (chuxin.members.listing): what people typed stays text, and each row
shows what the template showed (link, labels in the reader's language, age, the probationary badge)."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from chuxin.orgs.models import Organization
from chuxin.orgs.services import organization_create
from chuxin.testing import make_member

HOSTILE = '<script>alert("x")</script>'


def _row_of(html: str, name_escaped: str) -> str:
    rows = [row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if name_escaped in row]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_hostile_name_and_organization_appear_as_text_in_the_page_and_the_partial(world, client_for):
    org = organization_create(actor=None, parent=world.pc, name="<b>第三</b>支部", code="B3",
                              kind=Organization.Kind.BRANCH)
    member = make_member(org, HOSTILE)
    client = client_for(world.worker)
    for headers in ({}, {"HX-Request": "true"}):
        html = client.get(reverse("members:list"), headers=headers).content.decode()
        assert HOSTILE not in html and "<b>第三</b>" not in html
        row = _row_of(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
        assert f'href="/members/{member.pk}/"' in row
        assert "&lt;b&gt;第三&lt;/b&gt;支部" in row


def test_a_row_shows_the_link_labels_age_and_badge_in_the_readers_language(world, client_for):
    today = timezone.localdate()
    born = datetime.date(today.year - 30, 1, 1)  # 30 all year
    member = make_member(world.b1, "钱多多", male=False, category="probationary", full_member_on=None, born=born)
    client = client_for(world.worker)

    row = _row_of(client.get(reverse("members:list")).content.decode(), "钱多多")
    assert f'<a href="{reverse("members:detail", args=[member.pk])}">钱多多</a>' in row
    assert ">女<" in row and ">30<" in row and "第一支部" in row
    assert '<span class="badge text-bg-warning">预备党员</span>' in row
    assert ">正常<" in row  # the status in Chinese, never its code
    assert f"<code>{member.citizen_id_masked}</code>" in row

    client.post(reverse("set_language"), {"language": "en"})
    row = _row_of(client.get(reverse("members:list")).content.decode(), "钱多多")
    assert ">female<" in row and ">probationary member</span>" in row and ">active<" in row
    full = _row_of(client.get(reverse("members:list")).content.decode(), "李四")
    assert ">full member<" in full and "badge" not in full


def test_a_page_without_members_says_so(world, client_for):
    html = client_for(world.worker).get(reverse("members:list"), {"q": "xyz"}).content.decode()
    assert "没有符合条件的党员。" in html
    assert "<tr><td><a" not in html
