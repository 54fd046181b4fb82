"""The public site and the joint committee walked in Chromium.

- A secretary writes a news item (with a script in its title), submits it; another committee member publishes it
  after review; a visitor on a phone, not logged in, sees it on the public site (the script shown as text) and the
  feed carries it.
- A resident on a phone files a joint-service request without logging in and keeps the private link; the worker
  routes it to a partner unit, whose member answers; the resident rates the answer through the link.
- Two partner units want the same room at overlapping times: the owner approves the first; the second is refused.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.joint import services as joint
from chuxin.joint.models import Resource, ServiceRequest
from chuxin.orgs.models import PartnerUnit
from chuxin.site import services as site
from chuxin.testing import make_user

from .conftest import PHONE_390

pytestmark = pytest.mark.e2e


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


def test_a_news_item_is_published_after_review_and_appears_on_the_public_site(world, open_page, login):
    site.profile_save(actor=None, organization=world.b1, slug="diyi", slogan="支部建在一线")
    secretary = open_page(viewport={"width": 1366, "height": 860})
    login(secretary, "secretary")
    secretary.goto(f"/site/?organization={world.b1.pk}")
    secretary.get_by_test_id("new-article").click()
    form = secretary.get_by_test_id("article-form")
    form.locator("input[name=title]").fill("<script>alert(1)</script>社区义诊")
    form.locator("input[name=summary]").fill("支部组织党员医生为居民义诊。")
    secretary.get_by_test_id("richtext-body").fill("党员医生为社区居民提供免费义诊服务。")
    form.get_by_test_id("save-article").click()
    expect(secretary.get_by_test_id("status")).to_have_text(zh("draft"))
    secretary.get_by_test_id("step-submit").click()
    expect(secretary.get_by_test_id("status")).to_have_text(zh("submitted for review"))
    expect(secretary.get_by_test_id("step-publish")).to_have_count(0)  # the author does not publish it

    reviewer = open_page(viewport={"width": 1366, "height": 860})
    login(reviewer, "committee")
    reviewer.goto("/site/")
    reviewer.get_by_test_id("waiting-review").get_by_role("link").first.click()
    reviewer.get_by_test_id("step-publish").click()
    expect(reviewer.get_by_test_id("status")).to_have_text(zh("published"))

    visitor = open_page(**PHONE_390)
    visitor.goto("/s/diyi/")
    expect(visitor.get_by_test_id("site-slogan")).to_have_text("支部建在一线")
    card = visitor.get_by_test_id("public-article").first
    expect(card).to_contain_text("<script>alert(1)</script>社区义诊")
    scroll_width, inner_width = visitor.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width
    card.get_by_role("link").click()
    expect(visitor.get_by_test_id("public-article-page")).to_contain_text("免费义诊")
    feed = visitor.request.get("/s/diyi/feed/atom/")
    assert feed.ok and "社区义诊" in feed.text()


@pytest.fixture
def committee(world):
    units = [PartnerUnit.objects.create(host=world.pc, name=name) for name in ("市第一医院", "区供电公司")]
    users = [make_user(f"partner{n}") for n in (1, 2)]
    for user, unit in zip(users, units, strict=True):
        joint.seat_add(actor=None, host=world.pc, user=user, name=f"{unit.name}委员", partner_unit=unit)
    return units


def test_a_resident_files_a_request_a_partner_answers_and_the_resident_rates_it(world, committee, open_page, login):
    resident = open_page(**PHONE_390)
    resident.goto(f"/joint/ask/{world.pc.pk}/")
    form = resident.get_by_test_id("ask-form")
    form.locator("input[name=name]").fill("张阿姨")
    form.locator("input[name=contact]").fill("13800005555")
    form.locator("input[name=subject]").fill("楼道灯不亮")
    form.locator("textarea[name=text]").fill("3号楼2单元楼道灯坏了一周。")
    resident.get_by_test_id("send-request").click()
    expect(resident.get_by_test_id("request-status")).to_have_text(zh("new"))
    link = resident.url
    filed = ServiceRequest.objects.get()
    assert filed.token in link

    worker = open_page(viewport={"width": 1366, "height": 860})
    login(worker, "worker")
    worker.goto(f"/joint/requests/{filed.pk}/")
    worker.get_by_test_id("route-form").locator("select[name=partner_unit]").select_option(str(committee[1].pk))
    worker.get_by_test_id("route-form").get_by_role("button").click()
    expect(worker.get_by_test_id("request-status")).to_have_text(zh("with a partner unit"))

    partner = open_page(**PHONE_390)
    login(partner, "partner2")
    partner.goto("/workbench/")
    partner.get_by_role("link", name="楼道灯不亮").first.click()
    partner.get_by_test_id("reply-form").locator("textarea[name=reply]").fill("已派电工更换，今晚恢复照明。")
    partner.get_by_test_id("reply-form").get_by_role("button").click()
    expect(partner.get_by_test_id("request-status")).to_have_text(zh("answered"))

    resident.goto(link)
    expect(resident.get_by_test_id("reply")).to_contain_text("今晚恢复照明")
    resident.get_by_test_id("rating-form").locator("label", has_text="5").click()
    resident.get_by_test_id("send-rating").click()
    expect(resident.get_by_test_id("rated")).to_be_visible()
    filed.refresh_from_db()
    assert filed.rating == 5


def test_two_partner_units_book_the_same_room_and_one_is_refused(world, committee, open_page, login):
    room = Resource.objects.create(host=world.pc, host_path=world.pc.path, owner=committee[0], name="医院党员活动室",
                                   capacity=40, opens_at=datetime.time(0, 0), closes_at=datetime.time(23, 59))
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(hour=9, minute=0, second=0,
                                                                                    microsecond=0)
    booking = joint.booking_request(actor=None, resource=room, unit=committee[0], purpose="主题党日",
                                    starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    owner = open_page(viewport={"width": 1366, "height": 860})
    login(owner, "partner1")
    owner.goto(f"/joint/resources/{room.pk}/")
    owner.get_by_test_id("bookings").get_by_test_id("approve").click()
    expect(owner.get_by_test_id("bookings")).to_contain_text(zh("approved"))

    other = open_page(**PHONE_390)
    login(other, "partner2")
    other.goto(f"/joint/resources/{room.pk}/")
    form = other.get_by_test_id("booking-form")
    form.locator("input[name=purpose]").fill("党课")
    form.locator("input[name=starts_at]").fill((start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=ends_at]").fill((start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    other.get_by_test_id("request-booking").click()
    expect(other.locator("main")).to_contain_text(zh("%(name)s is already booked at that time. Choose another time.",
                                                     name=room.name))
    assert room.bookings.count() == 1 and booking.pk
