"""The member evaluation walked in Chromium: a member writes their self-assessment and casts their ballot on a
390 px phone, from the workbench; the secretary moves the stages, the committee's proposal over the cap is refused
and corrected, and the secretary records the meeting's decision, after which the member sees their own grade.
The secretary's coverage of talks reads as cards on the phone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chuxin.evaluation import services
from chuxin.evaluation.models import Ballot, Evaluation, VoterRecord
from chuxin.orgs.models import Position
from chuxin.testing import make_member, make_user
from e2e.conftest import PHONE_390

pytestmark = pytest.mark.e2e
PHONE_WIDTH = PHONE_390["viewport"]["width"]


def _idle(*pages) -> None:
    """No request in flight (the badges load after each page): the test's own writes never meet the server's on
    the shared in-memory SQLite database."""
    for page in pages:
        page.wait_for_load_state("networkidle")


def _fits(page) -> None:
    scroll_width, inner_width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE_WIDTH and scroll_width <= inner_width, (scroll_width, inner_width)


@pytest.fixture
def b1(world):
    """B1: the world's plain member 李四 and three more full members, one of them (陈一) on the committee, and a
    probationary member; the secretary opens this year's evaluation."""
    people = {}
    for name, category in (("陈一", "full"), ("周二", "full"), ("吴三", "full"), ("郑五", "probationary")):
        people[name] = make_member(world.b1, name, category=category, user=make_user(f"u{len(people)}"))
    Position.objects.create(organization=world.b1, kind=Position.Kind.ORGANIZATION, member=people["陈一"],
                            started_on=datetime.date(2024, 1, 1))
    today = timezone.localdate()
    evaluation = services.evaluation_open(actor=world.secretary, organization=world.b1, year=today.year,
                                          self_assessment_due=today + datetime.timedelta(days=2),
                                          grading_due=today + datetime.timedelta(days=9))
    return evaluation, people


def test_a_member_self_assesses_and_votes_on_a_phone_and_the_secretary_concludes_within_the_cap(
        open_page, login, world, b1):
    evaluation, people = b1
    phone = open_page(**PHONE_390)
    login(phone, "member")
    # The workbench asks for the self-assessment; it leads to the member's own page.
    phone.goto("/workbench/")
    phone.locator(f"a[href='/evaluation/{evaluation.pk}/me/']").first.click()
    expect(phone).to_have_url(re.compile(rf"/evaluation/{evaluation.pk}/me/$"))
    phone.locator("textarea[name=text]").fill("本年度按时参加组织生活，认真完成岗位工作；理论学习还需加强。")
    phone.get_by_test_id("save-self-assessment").click()
    expect(phone.locator("textarea[name=text]")).to_have_value(re.compile("理论学习还需加强"))
    _fits(phone)

    # The secretary opens peer grading (on a desktop).
    desk = open_page(viewport={"width": 1366, "height": 860})
    login(desk, "secretary")
    desk.goto(f"/evaluation/{evaluation.pk}/")
    expect(desk.get_by_test_id("written")).to_have_text("1")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_test_id("start-grading").click()
    expect(desk.get_by_test_id("stage")).to_have_attribute("data-stage", "grading")

    # The member grades the four others graded (not the probationary member, not themself) and casts the ballot.
    phone.goto(f"/evaluation/{evaluation.pk}/me/")
    expect(phone.get_by_test_id("self-assessment")).to_contain_text("理论学习还需加强")
    ballot = phone.get_by_test_id("ballot")
    expect(ballot.locator("select")).to_have_count(3)
    expect(ballot).not_to_contain_text("郑五")
    for select in ballot.locator("select").all():
        select.select_option("qualified")
    ballot.locator("select").first.select_option("excellent")
    _fits(phone)
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("cast-ballot").click()
    expect(phone.get_by_test_id("voted")).to_be_visible()
    _idle(phone, desk)
    assert Ballot.objects.count() == 3 and VoterRecord.objects.count() == 1
    _fits(phone)

    # Others vote; the secretary closes grading and proposes, with the tally beside each member.
    for name in ("陈一", "周二", "郑五"):
        others = evaluation.participants.filter(graded=True).exclude(member=people[name])
        services.ballot_cast(actor=people[name].user, evaluation=evaluation,
                             grades={p.pk: "qualified" for p in others})
    desk.reload()
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_test_id("close-grading").click()
    expect(desk.get_by_test_id("stage")).to_have_attribute("data-stage", "proposal")
    desk.get_by_test_id("propose").click()
    rows = desk.locator("[data-participant]")
    expect(rows).to_have_count(5)  # everyone taking part; the probationary member without a grade field
    expect(desk.get_by_test_id("tally").first).to_be_visible()
    # Two "excellent" of 4 graded: over the cap of 1, refused, nothing lost.
    for select in desk.locator("select").all():
        select.select_option("qualified")
    selects = desk.locator("select").all()
    selects[0].select_option("excellent")
    selects[1].select_option("excellent")
    desk.get_by_test_id("submit-proposal").click()
    expect(desk.get_by_test_id("form-errors")).to_contain_text("4")
    _idle(phone, desk)
    assert Evaluation.objects.get(pk=evaluation.pk).stage == "proposal"
    expect(desk.locator("select").nth(1)).to_have_value("excellent")  # what was chosen is still there
    desk.locator("select").nth(1).select_option("qualified")
    desk.get_by_test_id("submit-proposal").click()
    expect(desk.get_by_test_id("stage")).to_have_attribute("data-stage", "decision")

    # The meeting's decision: over the cap again refused; then recorded.
    desk.get_by_test_id("decide").click()
    desk.locator("select").nth(1).select_option("excellent")
    desk.locator("input[name=meeting_on]").fill(timezone.localdate().isoformat())
    desk.locator("input[name=meeting_note]").fill("支部党员大会表决通过")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_test_id("conclude").click()
    expect(desk.get_by_test_id("form-errors")).to_be_visible()
    _idle(phone, desk)
    assert Evaluation.objects.get(pk=evaluation.pk).stage == "decision"
    desk.locator("select").nth(1).select_option("qualified")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_test_id("conclude").click()
    expect(desk.get_by_test_id("stage")).to_have_attribute("data-stage", "concluded")
    expect(desk.get_by_test_id("results").locator("[data-grade=excellent]")).to_contain_text("1")

    # The member sees their own result on the phone.
    phone.goto(f"/evaluation/{evaluation.pk}/me/")
    expect(phone.get_by_test_id("final-grade")).to_be_visible()
    _fits(phone)
    _idle(phone, desk)


def test_the_secretary_reads_the_talk_coverage_as_cards_on_a_phone(open_page, login, world, b1):
    _evaluation, people = b1
    services.talk_record(actor=world.secretary, organization=world.b1, talker=people["陈一"], member=world.member,
                         held_on=timezone.localdate(), kind="routine", note="了解思想动态")
    phone = open_page(**PHONE_390)
    login(phone, "secretary")
    phone.goto(f"/evaluation/talks/{world.b1.pk}/coverage/")
    cards = phone.get_by_test_id("coverage-cards")
    expect(cards).to_be_visible()
    expect(phone.get_by_test_id("coverage")).to_be_hidden()
    expect(cards).to_contain_text("周二")  # not yet talked with
    _fits(phone)
    _idle(phone)
