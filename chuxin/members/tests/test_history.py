"""A member's file shows the history other apps contribute through the `member_history` hook, for its reader."""

import datetime

import pytest

from chuxin.core.protocols import HistoryRow, HistorySection
from chuxin.testing import logged_in

pytestmark = pytest.mark.django_db


def _sources(sections):
    def source(member, user):
        return [s(member, user) for s in sections]

    return [("someapp", source)]


def test_the_file_shows_each_section_an_app_gives_for_its_reader(client, world, monkeypatch):
    seen = []

    def life(member, user):
        seen.append((member.pk, user.username))
        return HistorySection(title="组织生活", rows=[
            HistoryRow(date=datetime.date(2026, 3, 5), text="支部党员大会", url="/x/", note="出席"),
        ])

    def empty(member, user):
        return HistorySection(title="空的部分", rows=[])

    monkeypatch.setattr("chuxin.members.selectors.member_history_sources", lambda: _sources([life, empty]))
    page = logged_in(client, world.secretary).get(f"/members/{world.member.pk}/").content.decode()
    assert "组织生活" in page and "支部党员大会" in page and "2026-03-05" in page and "出席" in page
    assert "空的部分" not in page  # an empty section is left out
    assert seen == [(world.member.pk, "secretary")]  # built for this reader


def test_without_contributions_the_file_has_no_history_sections(client, world):
    page = logged_in(client, world.secretary).get(f"/members/{world.member.pk}/").content.decode()
    assert 'aria-labelledby="history-1"' not in page
