"""Search gives the same members as a plain scan of the names, whichever index answers it (a surname, the
beginning of a name, anywhere in it, pinyin, initials, phone), on SQLite and on PostgreSQL (CI runs the suite on
both); and each form of search still reads one page with a constant number of queries."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.urls import reverse

from chuxin.members.models import Member
from chuxin.members.selectors import MemberFilters, member_list
from chuxin.testing import make_member

NAMES = [
    "张伟", "张伟明", "张三丰", "章伟", "长孙无忌", "李张伟", "王张", "伟张", "欧阳建国", "张", "阿卜杜热合曼·买买提",
    "单田芳", "曾国藩", "吕伟", "张𠀋", "张伟伟", "李四", "建国",
]
TERMS = ["张", "伟", "张伟", "建国", "欧阳", "伟张", "𠀋", "张𠀋", "买买提", "四", "长孙", "曾", "吕", "不在"]
_n = itertools.count()


@pytest.fixture
def crowd(world):
    for name in NAMES:
        make_member(world.b1, name, born=datetime.date(1980, 1, 1) + datetime.timedelta(days=next(_n)),
                    phone=f"1390{next(_n):07d}")


def scan(world, term: str, *, contains: bool) -> set[int]:
    """The truth: every member in scope, read whole, tested in Python."""
    everyone = member_list(world.worker, MemberFilters())
    return {m.pk for m in everyone if (term in m.name if contains else m.name.startswith(term))}


@pytest.mark.parametrize("contains", [False, True], ids=["begins", "anywhere"])
def test_chinese_search_equals_a_plain_scan(world, crowd, contains):
    for term in TERMS:
        found = {m.pk for m in member_list(world.worker, MemberFilters(q=term, contains=contains))}
        assert found == scan(world, term, contains=contains), term


def test_pinyin_initials_and_phone_equal_a_plain_scan(world, crowd):
    everyone = list(member_list(world.worker, MemberFilters()))
    for term in ["zhang", "z", "zw", "zhangw", "ouyang", "lv"]:
        found = {m.pk for m in member_list(world.worker, MemberFilters(q=term))}
        expected = {m.pk for m in everyone if m.name_pinyin.startswith(term) or (
            len(term) > 1 and m.name_initials.startswith(term))}
        assert found == expected, term
    for term in ["1390", "0000001", "139"]:
        found = {m.pk for m in member_list(world.worker, MemberFilters(q=term))}
        assert found == {m.pk for m in everyone if term in m.phone}, term


def test_one_chinese_character_is_a_surname_unless_anywhere_is_ticked(world, crowd, client_for):
    client = client_for(world.worker)
    names = {m.name for m in client.get(reverse("members:list"), {"q": "伟"}).context["page_obj"]}
    assert names == {"伟张"}
    names = {m.name for m in client.get(reverse("members:list"), {"q": "伟", "contains": "on"}).context["page_obj"]}
    assert names == {n for n in NAMES if "伟" in n}


def test_pages_by_key_cover_the_list_once_in_order(world, crowd, client_for, monkeypatch):
    """Next and previous walk the list by its key: every member once, in name order, and back."""
    from chuxin.members import views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client = client_for(world.worker)
    expected = [m.pk for m in member_list(world.worker, MemberFilters(status=Member.Status.ACTIVE))]
    seen, pages, params = [], [], {}
    while True:
        page = client.get(reverse("members:list"), params).context["page_obj"]
        pages.append(page)
        seen += [m.pk for m in page]
        if not page.has_next:
            break
        params = {"after": page.next_cursor}
    assert seen == expected and len(pages) == (len(expected) + 3) // 4
    back = client.get(reverse("members:list"), {"before": pages[-1].previous_cursor}).context["page_obj"]
    assert [m.pk for m in back] == [m.pk for m in pages[-2]]
    # A cursor that is not one is the first page, never an error.
    first = client.get(reverse("members:list"), {"after": "x'; DROP TABLE"}).context["page_obj"]
    assert [m.pk for m in first] == expected[:4]


def test_a_long_filtered_count_stops_at_the_cap(world, client_for, monkeypatch):
    from chuxin.core import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    monkeypatch.setattr(paging.capped_count, "__defaults__", (3,))
    for i in range(5):
        make_member(world.b2, "赵云", born=datetime.date(1970, 1, 1) + datetime.timedelta(days=i))
    response = client_for(world.worker).get(reverse("members:list"), {"q": "赵"})
    page = response.context["page_obj"]
    assert (page.count, page.count_exact) == (3, False)
    assert "超过3名" in response.content.decode()


def test_anywhere_search_follows_renames_new_numbers_and_removals(world, crowd):
    """SQLite answers three characters anywhere from its FTS5 trigram table, which triggers keep in step with the
    member rows; PostgreSQL from its trigram indexes. Either way the answer is a plain scan's."""
    renamed = Member.objects.get(name="张三丰")
    renamed.name, renamed.phone = "张翠山丰", "13712345678"
    renamed.save()
    Member.objects.filter(name="阿卜杜热合曼·买买提").delete()
    make_member(world.b2, "买买提·艾力", phone="13812345678")
    everyone = list(member_list(world.worker, MemberFilters()))
    for term in ["张三丰", "张翠山", "翠山丰", "买买提", "艾力", "热合曼", "伟明", '张"伟', "%张_"]:
        found = {m.pk for m in member_list(world.worker, MemberFilters(q=term, contains=True))}
        assert found == {m.pk for m in everyone if term in m.name}, term
    for term in ["12345678", "137123", "1390", "0000002"]:
        found = {m.pk for m in member_list(world.worker, MemberFilters(q=term))}
        assert found == {m.pk for m in everyone if term in m.phone}, term


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL searches by its trigram indexes")
def test_sqlite_keeps_its_trigram_table_and_triggers(db):
    """A migration that makes SQLite rebuild members_member (Django copies the table to alter a column) drops the
    triggers with the old table: it must create them again (members/migrations/0010)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'members_member'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers >= {f"members_member_search_{event}" for event in ("insert", "update", "delete")}
