"""Organizational life walked in Chromium: a branch's quarter as its people live it.

The secretary plans and convenes a committee meeting and a general meeting; a member asks for leave from the
committee meeting on a 390 px phone and the secretary approves it; the member checks in to the general meeting with
the six digits on the host's screen after a stale code is refused; the secretary marks the rest, records a vote,
finalizes both records and amends the general meeting's minutes (the old text kept); the committee's duty ticks
itself, the monthly report's draft lists the meetings, and the committee's matrix shows the branch compliant and
its sibling missing its general meetings.

Assertions lean on structure (test ids, data attributes) and on data the test made; messages are compared with their
Chinese translations, the language the page speaks.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.meetings import checkin as codes
from chuxin.meetings import services
from chuxin.meetings.models import Attendance, Meeting
from chuxin.orgs.models import Position
from chuxin.orgs.services import position_create
from chuxin.reports.models import ReportRequirement
from chuxin.reports.periods import periods_open
from chuxin.reports.services import report_start
from chuxin.responsibilities.models import EvidenceKind, ListItem, PostKind
from chuxin.responsibilities.services import lists_ensure_for_year, templates_create_defaults
from chuxin.testing import make_member

from .conftest import PHONE_390

pytestmark = pytest.mark.e2e
START = datetime.date(2020, 1, 1)


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


@pytest.fixture
def branch(world):
    """B1 with a committee (the secretary, a committee member and the world's member on it) and four more members;
    the responsibility lists of the year; last year's four general meetings of B1 (B2 held none)."""
    secretary_member = make_member(world.b1, "赵书记", user=world.secretary)
    committee_member = make_member(world.b1, "钱委员", user=world.committee)
    for kind, member in ((Position.Kind.SECRETARY, secretary_member), (Position.Kind.ORGANIZATION, committee_member),
                         (Position.Kind.DISCIPLINE, world.member)):
        position_create(actor=None, organization=world.b1, kind=kind, member=member, started_on=START)
    for name in ("周一", "吴二", "郑三", "王四"):
        make_member(world.b1, name)
    year = timezone.localdate().year
    templates_create_defaults(world.pc)
    lists_ensure_for_year(year)
    for month in (2, 5, 8, 11):
        held = datetime.date(year - 1, month, 12)
        meeting = services.meeting_plan(actor=None, organization=world.b1, kind="general", title=f"{month}月党员大会",
                                        planned_at=timezone.make_aware(datetime.datetime(year - 1, month, 12, 9)))
        meeting = services.meeting_convene(actor=None, meeting=meeting)
        services.attendance_mark(actor=None, meeting=meeting, marks={
            pk: "present" for pk in meeting.attendances.values_list("pk", flat=True)})
        services.meeting_finalize(actor=None, meeting=meeting, held_on=held, minutes="学习党章。")
    return secretary_member


def plan_and_convene(page, org, kind: str, title: str) -> Meeting:
    page.goto(f"/meetings/new/?organization={org.pk}")
    form = page.get_by_test_id("meeting-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=topics]").fill("学习党章\n研究发展党员工作")
    # An hour ago, but not before today's midnight: in a month's first hour the meeting still falls in this month
    # (the monthly report below reads this month's meetings).
    now = timezone.localtime()
    when = max(now - datetime.timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))
    form.locator("input[name=planned_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=place]").fill("党员活动室")
    form.get_by_test_id("save-meeting").click()
    expect(page.get_by_test_id("meeting-title")).to_have_text(title)
    page.get_by_test_id("convene").click()
    expect(page.get_by_test_id("meeting-status")).to_have_attribute("data-status", "convened")
    return Meeting.objects.get(title=title)


def switch_to(page, login, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    login(page, username)


def test_a_quarter_of_organizational_life(world, branch, page, open_page, login):
    year = timezone.localdate().year
    login(page, "secretary")
    committee = plan_and_convene(page, world.b1, "committee", "本月支委会")
    general = plan_and_convene(page, world.b1, "general", "本季度党员大会")
    assert committee.attendances.count() == 3 and general.attendances.count() == 7

    # A member asks for leave from the committee meeting on their phone.
    phone = open_page(**PHONE_390)
    login(phone, "member")
    phone.goto(f"/meetings/{committee.pk}/")
    phone.get_by_test_id("leave-form").locator("input[name=reason]").fill("在外地出差")
    phone.get_by_test_id("ask-leave").click()
    expect(phone.locator(".alert-success")).to_contain_text(zh("Your leave request has been sent to the host and "
                                                               "the secretary."))
    # The secretary approves it.
    page.goto(f"/meetings/{committee.pk}/leave/")
    page.get_by_test_id("approve-leave").click()
    expect(page.locator("[data-testid=leave-requests] li[data-state=approved]")).to_have_count(1)

    # Check-in at the general meeting: the host opens it and shows the six digits.
    page.goto(f"/meetings/{general.pk}/check-in/screen/")
    page.get_by_test_id("open-checkin").click()
    digits = page.get_by_test_id("six-digits").inner_text().strip()
    assert re.fullmatch(r"\d{6}", digits)
    phone.goto(f"/meetings/{general.pk}/check-in/")
    stale = codes.six_digits(general.pk, codes.window_now() - 3)
    phone.locator("input[name=code]").fill(stale)
    phone.get_by_test_id("submit-code").click()
    expect(phone.get_by_test_id("checkin-refused")).to_contain_text(zh(
        "This is not the meeting's current code. Scan or type the code on the screen now."))
    phone.locator("input[name=code]").fill(codes.six_digits(general.pk, codes.window_now()))
    phone.get_by_test_id("submit-code").click()
    expect(phone.get_by_test_id("checked-in")).to_be_visible()
    assert general.attendances.get(member=world.member).state in (Attendance.State.PRESENT, Attendance.State.LATE)

    # The recorder marks the rest by hand.
    for meeting in (committee, general):
        page.goto(f"/meetings/{meeting.pk}/attendance/")
        selects = page.locator("select[name^=att-]")
        for i in range(selects.count()):
            if selects.nth(i).input_value() == "":
                selects.nth(i).select_option("present")
        page.get_by_test_id("save-attendance").click()
        expect(page.locator(".alert-success")).to_be_visible()

    # A resolution is voted at the general meeting: 7 voters expected, 5 for.
    page.goto(f"/meetings/{general.pk}/")
    form = page.get_by_test_id("resolution-form")
    form.locator("input[name=text]").fill("同意将吴二列为发展对象")
    form.locator("input[name=votes_for]").fill("5")
    form.get_by_test_id("add-resolution").click()
    expect(page.locator("[data-resolution][data-passed='1'][data-valid='1']")).to_have_count(1)

    # Both records finalized; the general meeting's minutes amended, the old text kept.
    for meeting, minutes in ((committee, "研究了本月党建工作。"), (general, "会议学习了党章。")):
        page.goto(f"/meetings/{meeting.pk}/finalize/")
        page.locator("textarea[name=minutes]").fill(minutes)
        page.get_by_test_id("finalize-submit").click()
        expect(page.get_by_test_id("meeting-status")).to_have_attribute("data-status", "finalized")
    page.get_by_test_id("amend").click()
    page.locator("textarea[name=minutes]").fill("会议学习了党章，讨论了发展党员工作。")
    page.locator("input[name=reason]").fill("补充议题")
    page.get_by_test_id("amend-submit").click()
    expect(page.get_by_test_id("minutes")).to_contain_text("讨论了发展党员工作")
    page.get_by_test_id("revision").locator("summary").click()
    expect(page.get_by_test_id("revision")).to_contain_text("会议学习了党章。")

    # The committee's duty "三会一课" ticked itself from the finalized meetings.
    item = ListItem.objects.filter(list__organization=world.b1, list__post_kind=PostKind.COMMITTEE, list__year=year,
                                   evidence_kind=EvidenceKind.MEETING_HELD, required_count=12).get()
    assert item.done_count == 2

    # The monthly report's draft lists the meetings held.
    month = timezone.localdate().replace(day=1)
    requirement = ReportRequirement.objects.create(
        organization=world.pc, title="支部月度工作报告", audience="organizations", frequency="monthly",
        org_kinds=["branch"], position_kinds=[], due_day=10, sections=[{"title": "本月工作", "guidance": ""}],
        starts_on=month)
    periods_open(month, [requirement])
    report = report_start(actor=world.secretary, period=requirement.periods.get(start=month), organization=world.b1)
    page.goto(f"/reports/{report.pk}/")
    body = page.locator("main").inner_text()
    assert "本月支委会" in body and "本季度党员大会" in body

    # The committee's matrix: last year B1 held every general meeting, B2 none.
    switch_to(page, login, "worker")
    page.goto(f"/meetings/compliance/?organization={world.pc.pk}&year={year - 1}&kind=general")
    matrix = page.get_by_test_id("matrix")
    expect(matrix.locator("tr[data-org=B1] [data-missing]")).to_have_attribute("data-missing", "0")
    expect(matrix.locator("tr[data-org=B2] [data-missing]")).to_have_attribute("data-missing", "4")
    expect(matrix.locator("tr[data-org=B2] a[data-state=missing]")).to_have_count(4)
    # This year, B1's general meeting of the quarter is held.
    page.goto(f"/meetings/compliance/?organization={world.pc.pk}&year={year}&kind=general")
    expect(page.locator(f"tr[data-org=B1] a[data-period='{general.period}']")).to_have_attribute("data-state", "held")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_secretary_adds_a_sign_in_sheet_to_the_meeting_and_downloads_it(world, branch, open_page, login, size,
                                                                           tmp_path):
    """Optional files with the record: added through "Add files" while the meeting is convened, listed with name
    and size, downloaded under their Chinese name; the page fits a 390 px phone."""
    from chuxin.meetings.models import MeetingAttachment

    meeting = services.meeting_convene(actor=world.secretary, meeting=services.meeting_plan(
        actor=world.secretary, organization=world.b1, kind="general", title="附件党员大会",
        planned_at=timezone.now() - datetime.timedelta(hours=2)))
    page = open_page(**PHONE_390) if size == "phone" else open_page(viewport={"width": 1366, "height": 860})
    login(page, "secretary")
    page.goto(f"/meetings/{meeting.pk}/")
    sheet = tmp_path / "签到表.pdf"
    sheet.write_bytes(b"%PDF-1.4 sign-in sheet")
    form = page.get_by_test_id("attach-form")
    form.locator("summary").click()
    form.locator("input[type=file]").set_input_files(str(sheet))
    form.get_by_test_id("attach").click()
    expect(page.locator("main .alert-success")).to_have_text(zh("The files have been attached."))
    item = page.get_by_test_id("attachment").filter(has_text="签到表.pdf")
    expect(item).to_be_visible()
    assert MeetingAttachment.objects.get(meeting=meeting).name == "签到表.pdf"
    with page.expect_download() as download:
        item.locator("a").first.click()
    assert download.value.suggested_filename == "签到表.pdf"
    if size == "phone":
        scroll_width, inner_width = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        assert inner_width == 390 and scroll_width <= inner_width
