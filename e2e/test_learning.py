"""The learning library walked in Chromium: a worker imports a damaged article, reviews what the restoration
changed and publishes it to two branches as required reading; a member finds it on a phone and reads it; the
secretary sees who has not yet read it and who is below the study-hours target, the member's lecture attendance
(a meeting record) already counted.

Assertions lean on structure (test ids, data attributes) and on data the test made.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chuxin.learning.models import Item, Reading, Receipt
from chuxin.learning.tests.builders import held_lecture
from chuxin.testing import make_member

from .conftest import PHONE_390

pytestmark = pytest.mark.e2e
FIXTURES = Path(__file__).resolve().parent.parent / "chuxin" / "learning" / "fixtures"


def test_import_publish_as_required_reading_read_on_a_phone_and_followed_up(world, page, open_page, login):
    make_member(world.b1, "赵书记", user=world.secretary)
    other = make_member(world.b1, "周未读")
    held_lecture(world.b1, present=[world.member], absent=[other], hours=Decimal("3"), title="党课：学习党章")

    # The worker pastes the damaged copy and reviews every change before anything is published.
    login(page, "worker")
    page.goto("/learning/")
    page.get_by_test_id("import-article").click()
    page.locator("textarea[name=text]").fill((FIXTURES / "a_sanhui.damaged.txt").read_text(encoding="utf-8"))
    page.get_by_test_id("restore").click()
    expect(page.get_by_test_id("structured")).to_contain_text("以“三会一课”为抓手 全面提升党支部组织力")
    changes = page.get_by_test_id("changes")
    for kind in ("spam", "pinyin", "gbk", "traditional"):
        expect(changes.locator(f"[data-change={kind}]").first).to_be_visible()
    assert not Item.objects.exists()
    form = page.get_by_test_id("publish-form")
    form.get_by_label("第一支部").check()
    form.get_by_label("第二支部").check()
    form.locator("input[name=due_on]").fill(str(timezone.localdate() + datetime.timedelta(days=7)))
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("item")).to_contain_text("党支部是党的基础组织")
    item = Item.objects.get()
    reading = Reading.objects.get()
    assert set(reading.organizations.all()) == {world.b1, world.b2}

    # The member finds it on a 390 px phone (the library's list of what is asked of them) and reads it.
    phone = open_page(**PHONE_390)
    login(phone, "member")
    phone.goto("/learning/")
    mine = phone.get_by_test_id("my-unread")
    expect(mine).to_contain_text(item.title)
    mine.get_by_role("link", name=item.title).click()
    expect(phone.get_by_test_id("item")).to_contain_text("组织生活")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert Receipt.objects.filter(item=item, member=world.member).exists()

    # The secretary sees who has not read it yet (their branch only) and who is below the study-hours target.
    secretary = open_page(viewport={"width": 1366, "height": 860})
    login(secretary, "secretary")
    secretary.goto("/learning/readings/")
    secretary.get_by_test_id("followed").get_by_role("link", name=item.title).click()
    expect(secretary.get_by_test_id("unread")).to_contain_text("周未读")
    expect(secretary.get_by_test_id("unread")).not_to_contain_text(world.member.name)
    expect(secretary.get_by_test_id("read")).to_contain_text(world.member.name)
    expect(secretary.locator("body")).not_to_contain_text(world.b2_member.name)
    secretary.goto(f"/learning/hours/organization/?organization={world.b1.pk}")
    row = secretary.locator(f"[data-member='{world.member.pk}']")
    expect(row).to_contain_text("3.0 / 32")
    row.get_by_role("link", name=world.member.name).click()
    expect(secretary.get_by_test_id("ledger")).to_contain_text("党课：学习党章")


@pytest.fixture
def demo(live_server):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("username", ["worker", "member1"])
def test_every_learning_page_of_the_demo_fits_a_phone_and_passes_axe(demo, open_page, login, username):
    """The demo's library, course, class and study hours as a Party-affairs worker and a member see them on a
    390 px phone: each page answers, nothing is wider than the screen (axe checks every page loaded)."""
    from chuxin.learning.models import Course, Item, TrainingClass
    from chuxin.orgs.models import Organization
    from chuxin.portal.management.commands.seed_demo import DEMO_PASSWORD

    pc = Organization.objects.get(code="HX-PC")
    article = Item.objects.filter(kind="article").order_by("pk").first()
    pdf = Item.objects.filter(kind="document").first()
    course = Course.objects.first()
    cls = TrainingClass.objects.first()
    pages = ["/learning/", f"/learning/items/{article.pk}/", f"/learning/items/{pdf.pk}/", "/learning/readings/",
             "/learning/courses/", f"/learning/courses/{course.pk}/", "/learning/hours/", "/learning/?q=组织生活"]
    if username == "worker":
        session = cls.sessions.first()
        pages += [f"/learning/readings/{Reading.objects.first().pk}/", f"/learning/courses/{course.pk}/progress/",
                  f"/learning/classes/{cls.pk}/", f"/learning/sessions/{session.pk}/attendance/",
                  f"/learning/hours/organization/?organization={pc.pk}", "/learning/import/", "/learning/categories/",
                  "/learning/items/new/?kind=video", "/learning/courses/new/", "/learning/classes/new/",
                  f"/learning/items/{article.pk}/require/"]
    else:
        pages += ["/learning/hours/elsewhere/new/"]
    phone = open_page(**PHONE_390)
    login(phone, username, DEMO_PASSWORD)
    for path in pages:
        response = phone.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
