"""Activity days, volunteering and micro-wishes walked in Chromium.

The secretary opens a volunteer activity with two places; two members sign up and the third goes to the waiting
list; one cancels and the waiting member moves up (and is told). The secretary checks a participant in and out,
corrects the hours with a note, closes the activity, and the hours stand on the member's file. A resident posts a
micro-wish from a 375 px phone without logging in and keeps the private link; the branch publishes it (the public
list shows no name or contact); a member claims and fulfils it on their phone; the resident's feedback closes it.

Messages are compared with their Chinese translations, the language the page speaks.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.activities.models import Activity, Participant, Wish
from chuxin.notifications.models import Notification
from chuxin.records.models import WorkRecord
from chuxin.testing import make_member, make_user

pytestmark = pytest.mark.e2e
PHONE_375 = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


@pytest.fixture
def members(world):
    zhou = make_member(world.b1, "周一", user=make_user("zhou"))
    wu = make_member(world.b1, "吴二", user=make_user("wu"))
    return zhou, wu


def sign_up(page, login, username: str, activity: Activity) -> None:
    page.context.clear_cookies()
    login(page, username)
    page.goto(f"/activities/{activity.pk}/")
    page.get_by_test_id("sign-up").click()


def test_an_activity_fills_up_moves_its_waiting_list_and_puts_hours_on_the_member_file(world, members, page,
                                                                                      open_page, login):
    login(page, "secretary")
    page.goto(f"/activities/new/?organization={world.b1.pk}")
    form = page.get_by_test_id("activity-form")
    form.locator("select[name=kind]").select_option("volunteer")
    form.locator("input[name=title]").fill("社区义诊志愿服务")
    form.locator("input[name=place]").fill("华兴社区服务中心")
    start = timezone.localtime() + datetime.timedelta(minutes=40)
    form.locator("input[name=starts_at]").fill(start.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=ends_at]").fill((start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=capacity]").fill("2")
    form.get_by_test_id("save-activity").click()
    expect(page.get_by_test_id("activity-title")).to_have_text("社区义诊志愿服务")
    activity = Activity.objects.get(title="社区义诊志愿服务")

    # The plain member signs up on a phone; 周一 takes the last place; 吴二 goes to the waiting list.
    phone = open_page(**PHONE_375)
    sign_up(phone, login, "member", activity)
    expect(phone.get_by_test_id("my-state")).to_have_attribute("data-state", "signed_up")
    other = open_page()
    sign_up(other, login, "zhou", activity)
    expect(other.get_by_test_id("my-state")).to_have_attribute("data-state", "signed_up")
    waiting = open_page(**PHONE_375)
    waiting.context.clear_cookies()
    login(waiting, "wu")
    waiting.goto(f"/activities/{activity.pk}/")
    expect(waiting.get_by_test_id("places")).to_contain_text(zh("%(signed)s of %(capacity)s taken", signed=2,
                                                                capacity=2))
    waiting.get_by_test_id("sign-up").click()
    expect(waiting.locator(".alert-info")).to_contain_text(zh(
        "The activity is full: you are on the waiting list. If a place is set free, you move up and are told."))
    expect(waiting.get_by_test_id("my-state")).to_have_attribute("data-state", "waiting")

    # 周一 cancels: 吴二 moves up and is told.
    other.once("dialog", lambda dialog: dialog.accept())
    other.get_by_test_id("withdraw").click()
    expect(other.get_by_test_id("sign-up")).to_be_visible()
    waiting.reload()
    expect(waiting.get_by_test_id("my-state")).to_have_attribute("data-state", "signed_up")
    assert Notification.objects.filter(recipient__username="wu", target_id=str(activity.pk)).exists()

    # The organizer checks the member in and out, and corrects the hours with a note.
    page.goto(f"/activities/{activity.pk}/participants/")
    li = Participant.objects.get(activity=activity, member=world.member)
    row = page.locator(f"[data-participant='{li.pk}']")
    row.get_by_test_id("check-in").click()
    expect(page.locator(".alert-success")).to_contain_text(zh("Checked in."))
    page.locator(f"[data-participant='{li.pk}']").get_by_test_id("check-out").click()
    expect(page.locator(".alert-success")).to_contain_text(zh("Checked out."))
    page.locator(f"[data-participant='{li.pk}']").get_by_test_id("edit-hours").click()
    hours = page.get_by_test_id("hours-form")
    hours.locator("input[name=hours]").fill("2.5")
    hours.locator("input[name=note]").fill("提前到场布置，签退时忘记扫码")
    hours.get_by_test_id("save-hours").click()
    expect(page.locator(f"[data-participant='{li.pk}'] [data-testid=hours]")).to_contain_text("2.5")

    # Some hours later: the organizer closes the activity; the hours stand on the member's file.
    begun = timezone.now() - datetime.timedelta(hours=4)
    Activity.objects.filter(pk=activity.pk).update(starts_at=begun, ends_at=begun + datetime.timedelta(hours=3))
    page.goto(f"/activities/{activity.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("close-activity").click()
    expect(page.locator(".alert-success")).to_contain_text(zh(
        "The activity is closed: the hours are on each participant's file."))
    assert WorkRecord.objects.filter(kind="activity_served", members=world.member).count() == 1
    page.goto(f"/members/{world.member.pk}/")
    expect(page.locator("main")).to_contain_text(zh("%(year)s: %(hours)s hours of volunteer service",
                                                    year=timezone.localdate().year, hours="2.5"))
    phone.goto("/activities/?when=past")
    expect(phone.get_by_test_id("activity-cards")).to_contain_text("社区义诊志愿服务")


def test_a_resident_wishes_from_a_phone_a_member_fulfils_it_and_the_feedback_closes_it(world, page, open_page,
                                                                                     login):
    resident = open_page(**PHONE_375)
    resident.goto(f"/activities/wishes/public/{world.b1.code}/")
    resident.get_by_test_id("make-wish").click()
    form = resident.get_by_test_id("wish-form")
    form.locator("textarea[name=text]").fill("家里的灯坏了，想请人帮忙换个灯泡")
    form.locator("select[name=who]").select_option("elderly")
    form.locator("input[name=wisher_name]").fill("王奶奶")
    form.locator("input[name=wisher_contact]").fill("13812345678")
    form.get_by_test_id("send-wish").click()
    expect(resident.get_by_test_id("keep-link")).to_be_visible()
    private = resident.get_by_test_id("private-link").inner_text().strip()
    wish = Wish.objects.get()
    assert wish.organization == world.b1 and wish.state == Wish.State.SUBMITTED

    # The branch publishes it: the public list shows the wish, never the name or contact.
    login(page, "secretary")
    page.goto(f"/activities/wishes/{wish.pk}/")
    expect(page.get_by_test_id("wisher-contact")).to_have_text("13812345678")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("wish-state")).to_have_attribute("data-state", "published")
    resident.goto(f"/activities/wishes/public/{world.b1.code}/")
    listing = resident.get_by_test_id("public-wishes")
    expect(listing).to_contain_text("家里的灯坏了")
    body = resident.locator("body").inner_text()
    assert "王奶奶" not in body and "13812345678" not in body

    # A member claims it on their phone, sees how to reach her, and records what was done.
    member = open_page(**PHONE_375)
    login(member, "member")
    member.goto("/activities/wishes/")
    member.locator(f"[data-wish='{wish.pk}'] a").click()
    member.get_by_test_id("claim").click()
    expect(member.get_by_test_id("wisher-contact")).to_have_text("13812345678")
    member.get_by_test_id("fulfil").click()
    member.get_by_test_id("fulfil-form").locator("textarea[name=note]").fill("周六上午上门换好了灯泡")
    member.get_by_test_id("save-fulfilment").click()
    expect(member.get_by_test_id("wish-state")).to_have_attribute("data-state", "fulfilled")

    # The resident opens the private link and gives feedback, which closes the wish.
    resident.goto(private)
    expect(resident.locator("main")).to_contain_text("周六上午上门换好了灯泡")
    feedback = resident.get_by_test_id("feedback-form")
    feedback.locator("input[name=rating][value='5']").check()
    feedback.locator("textarea[name=text]").fill("谢谢党员同志！")
    feedback.get_by_test_id("send-feedback").click()
    expect(resident.get_by_test_id("closed")).to_be_visible()
    wish.refresh_from_db()
    assert (wish.state, wish.rating) == (Wish.State.CLOSED, 5)
    assert WorkRecord.objects.filter(kind="wish_fulfilled", members=world.member).exists()
