"""Campaigns, study and innovation walked in Chromium.

The grassroots committee's Party-affairs worker launches a theme education campaign for its two branches and sets
three stages (a stage outside the campaign's period is refused with a clear message); the first branch holds the
stage's themed Party day and its checklist ticks itself through the meeting's record; the daily reminder run
reminds the second branch's secretary, who reads it; the committee's matrix shows one branch done and one not.
A young member proposes an innovation project on a phone, two reviewers score it, the committee approves it, the
member starts it and reports progress on the phone, and the committee records its delivery with an award: the
project appears on the member's file.

Messages are compared with their Chinese translations, the language the page speaks.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.accounts.models import Role
from chuxin.campaigns.models import Campaign, Project
from chuxin.meetings import services as meetings
from chuxin.notifications.models import Notification
from chuxin.notifications.reminders import send_due_reminders
from chuxin.records.models import WorkRecord
from chuxin.testing import make_member, make_user

from .conftest import PHONE_390

pytestmark = pytest.mark.e2e


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


def switch_to(page, login, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    login(page, username)


def day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def hold_themed_day(world):
    """B1's secretary holds the themed Party day: planned, convened, marked and finalized (the meetings app's own
    journey is walked in test_meetings.py)."""
    meeting = meetings.meeting_plan(actor=world.secretary, organization=world.b1, kind="themed_day",
                                    title="主题党日：重温入党誓词", planned_at=timezone.now() - datetime.timedelta(hours=2),
                                    place="党员活动室")
    meeting = meetings.meeting_convene(actor=world.secretary, meeting=meeting)
    meetings.attendance_mark(actor=world.secretary, meeting=meeting, marks={
        pk: "present" for pk in meeting.attendances.values_list("pk", flat=True)})
    return meetings.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(),
                                     minutes="集体重温入党誓词。")


def test_a_campaign_through_its_stages(world, page, login):
    login(page, "worker")
    page.goto(f"/campaigns/new/?organization={world.pc.pk}")
    page.locator("input[name=name]").fill("学习贯彻主题教育")
    page.locator("input[name=starts_on]").fill(day(-10))
    page.locator("input[name=ends_on]").fill(day(80))
    page.get_by_test_id("launch-submit").click()
    expect(page.locator(".alert-success")).to_contain_text(zh("The campaign has been launched; add its stages."))
    campaign = Campaign.objects.get()
    assert {p.organization for p in campaign.participants.all()} == {world.b1, world.b2}

    # A stage past the campaign's end is refused, and the campaign keeps no stage.
    form = page.get_by_test_id("stage-form")
    form.locator("input[name=name]").fill("延伸阶段")
    form.locator("input[name=starts_on]").fill(day(70))
    form.locator("input[name=ends_on]").fill(day(95))
    form.locator("textarea[name=manual]").fill("总结")
    form.locator("button[type=submit]").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text(zh(
        "The stage must lie within the campaign's period, %(start)s to %(end)s.", start=day(-10), end=day(80)))
    assert campaign.stages.count() == 0

    stages = [("学习教育", -10, 5, "themed_day", ""), ("检视问题", 6, 40, "", "形成问题清单"),
              ("整改落实", 41, 80, "life", "形成整改清单")]
    for name, start, end, kind, manual in stages:
        form = page.get_by_test_id("stage-form")
        form.locator("input[name=name]").fill(name)
        form.locator("input[name=starts_on]").fill(day(start))
        form.locator("input[name=ends_on]").fill(day(end))
        if kind:
            form.locator(f"input[name=meeting_kinds][value={kind}]").check()
        form.locator("textarea[name=manual]").fill(manual)  # the refused stage's text is still there
        form.locator("button[type=submit]").click()
        expect(page.locator(".alert-success")).to_contain_text(zh("The stage has been added."))
    expect(page.get_by_test_id("stages").locator("> li")).to_have_count(3)

    # B1 holds the stage's themed Party day: its checklist ticks itself through the meeting's record.
    hold_themed_day(world)
    b1 = campaign.participants.get(organization=world.b1)
    b2 = campaign.participants.get(organization=world.b2)
    switch_to(page, login, "secretary")
    page.goto("/campaigns/")
    page.get_by_test_id("checklists").get_by_role("link").first.click()
    assert page.url.endswith(f"/campaigns/checklists/{b1.pk}/")
    first = page.locator("[data-stage=学习教育] li[data-action]")
    expect(first).to_have_attribute("data-done", "yes")
    expect(first).to_contain_text(zh("ticked by the record"))
    expect(first).to_contain_text("主题党日：重温入党誓词")

    # Three days before the stage ends the daily run reminds B2, which has not held it; B1 is not reminded.
    send_due_reminders(timezone.localdate() + datetime.timedelta(days=2))
    told = Notification.objects.filter(target_type="campaigns.participant")
    assert set(told.values_list("target_id", flat=True)) == {str(b2.pk)}
    switch_to(page, login, "outsider")
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("学习教育")
    page.goto(f"/campaigns/checklists/{b2.pk}/")
    expect(page.locator("[data-stage=学习教育] li[data-action]")).to_have_attribute("data-done", "no")

    # The committee's matrix: B1 has done the first stage, B2 has not.
    switch_to(page, login, "worker")
    page.goto(f"/campaigns/{campaign.pk}/")
    matrix = page.get_by_test_id("matrix")
    expect(matrix.locator(f"tr[data-org='{world.b1.name}'] td").first).to_contain_text(zh(
        "%(done)s of %(n)s", done=1, n=1))
    expect(matrix.locator(f"tr[data-org='{world.b2.name}'] td").first).to_contain_text(zh(
        "%(done)s of %(n)s", done=0, n=1))
    page.get_by_test_id("summary-link").click()
    expect(page.get_by_test_id("summary-text")).to_contain_text(world.b2.name)


def test_an_innovation_project_from_proposal_to_delivery(world, page, open_page, login):
    make_user("reviewer", role=Role.COMMITTEE, org=world.pc)
    young_user = make_user("young")
    young = make_member(world.b1, "青年甲", user=young_user, born=datetime.date(2001, 3, 1))
    login(page, "worker")
    page.goto(f"/campaigns/innovation/calls/new/?organization={world.pc.pk}")
    page.locator("input[name=title]").fill("年度双创项目征集")
    for name in ("reviewer", "viewer"):
        page.locator("fieldset").get_by_label(name, exact=True).check()
    page.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(zh("The call for projects is open."))

    # The young member proposes on a phone.
    phone = open_page(**PHONE_390)
    login(phone, "young")
    phone.goto("/campaigns/innovation/")
    phone.get_by_test_id("calls").get_by_role("link").first.click()
    phone.get_by_test_id("propose").click()
    phone.locator("input[name=title]").fill("社区党群服务小程序")
    phone.locator("textarea[name=problem]").fill("居民办事信息分散")
    phone.locator("textarea[name=goal]").fill("一站式办理")
    phone.locator("textarea[name=expected_result]").fill("办事时间减半")
    phone.locator("select[name=team]").select_option(label="李四")
    phone.get_by_test_id("propose-submit").click()
    expect(phone.get_by_test_id("project-state")).to_have_text(zh("submitted"))
    project = Project.objects.get()
    assert project.leader == young

    # Two reviewers score it; the committee cannot approve before the second review.
    for reviewer, score in (("reviewer", "86"), ("viewer", "91")):
        switch_to(page, login, reviewer)
        page.goto(f"/campaigns/innovation/{project.pk}/")
        form = page.get_by_test_id("review-form")
        form.locator("input[name=score]").fill(score)
        form.locator("textarea[name=comment]").fill("选题贴近群众需求")
        form.locator("button[type=submit]").click()
        expect(page.locator(".alert-success")).to_contain_text(zh("Your review has been recorded."))
    expect(page.get_by_test_id("reviews").locator("li")).to_have_count(2)

    switch_to(page, login, "worker")
    page.goto(f"/campaigns/innovation/{project.pk}/")
    page.get_by_test_id("decide-form").locator("button[value=approve]").click()
    expect(page.get_by_test_id("project-state")).to_have_text(zh("approved"))

    # The leader starts it and reports progress on the phone.
    phone.goto(f"/campaigns/innovation/{project.pk}/")
    phone.get_by_test_id("start").click()
    expect(phone.get_by_test_id("project-state")).to_have_text(zh("running"))
    phone.locator("textarea[name=text]").fill("完成需求调研，小程序试运行")
    phone.get_by_role("button", name=zh("Record the progress")).click()
    expect(phone.get_by_test_id("updates")).to_contain_text("试运行")

    # The committee records its delivery with an award; the team's files carry it.
    page.goto(f"/campaigns/innovation/{project.pk}/")
    form = page.get_by_test_id("close-form")
    form.locator("textarea[name=evaluation]").fill("群众满意度明显提升")
    form.locator("select[name=award]").select_option("excellent")
    form.locator("button[value=delivered]").click()
    expect(page.get_by_test_id("project-state")).to_have_text(zh("delivered"))
    expect(page.get_by_test_id("award")).to_have_text(zh("excellent project"))
    record = WorkRecord.objects.get(kind="innovation.delivered")
    assert set(record.members.all()) == {young, world.member}
    page.goto(f"/members/{world.member.pk}/")
    expect(page.locator("main")).to_contain_text("社区党群服务小程序")
