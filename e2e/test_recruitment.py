"""Recruitment and a transfer walked in Chromium, as two branch secretaries live them.

The secretary of B1 records an application (handed in more than a year ago, so that the whole pipeline can be
walked today): the talk's deadline, one month after the application, stands on the person's page and on the
workbench. The secretary records the talk and the activist stage; an attempt to record the candidate's sponsors
before the person is a candidate is refused with the reason; a probationary sponsor is refused; the person is
confirmed as candidate after the year, trained, reviewed, voted in by the general meeting, and the higher committee's
approval arrives: the member file appears as probationary. Then a member of B1 transfers to B2: the sending
secretary requests and approves, the receiving secretary accepts on a 390 px phone, and the file is B2's.

Messages are compared with their Chinese translations, the language the page speaks.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.members.models import Member
from chuxin.recruitment.models import Applicant
from chuxin.testing import make_member, valid_citizen_id
from chuxin.transfers.models import Transfer

from .conftest import PHONE_390

pytestmark = pytest.mark.e2e


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


def record_step(page, applicant: Applicant, number: int, on: datetime.date, *, notice: datetime.date | None = None,
                people: tuple[str, ...] = (), training_days: int | None = None) -> None:
    page.goto(f"/recruitment/{applicant.pk}/step/{number}/")
    page.locator("input[name=on]").fill(on.isoformat())
    if notice:
        page.locator("input[name=notice_from]").fill(notice.isoformat())
    for name in people:
        page.locator(".form-check", has_text=name).locator("input[type=checkbox]").check()
    if training_days:
        page.locator("input[name=training_days]").fill(str(training_days))
    page.get_by_test_id("save-step").click()
    expect(page).to_have_url(f"/recruitment/{applicant.pk}/")


def test_a_person_goes_from_application_to_probationary_member(world, page, login):
    for name in ("周一", "吴二"):
        make_member(world.b1, name)
    make_member(world.b1, "冯预备", category="probationary")
    today = timezone.localdate()
    day = lambda n: today - datetime.timedelta(days=n)  # noqa: E731
    applied = day(480)
    born = datetime.date(2000, 3, 4)
    login(page, "secretary")

    page.goto(f"/recruitment/?organization={world.b1.pk}")
    page.get_by_test_id("new-application").click()
    form = page.locator("form")
    form.locator("input[name=name]").fill("林晓")
    form.locator("select[name=gender]").select_option("female")
    form.locator("input[name=birth_date]").fill(born.isoformat())
    form.locator("input[name=citizen_id]").fill(valid_citizen_id(born, male=False))
    form.locator("input[name=applied_on]").fill(applied.isoformat())
    page.get_by_test_id("save").click()
    applicant = Applicant.objects.get(name="林晓")
    expect(page).to_have_url(f"/recruitment/{applicant.pk}/")
    talk_due = (applied.replace(month=applied.month % 12 + 1, year=applied.year + (applied.month == 12)))
    expect(page.get_by_test_id("due")).to_contain_text(talk_due.isoformat())

    page.goto("/workbench/")
    expect(page.locator(f"a[href='/recruitment/{applicant.pk}/']").first).to_be_visible()

    record_step(page, applicant, 2, day(460))
    record_step(page, applicant, 3, day(440), notice=day(455))
    expect(page.get_by_test_id("stage")).to_have_text(zh("Activist"))
    record_step(page, applicant, 4, day(435))
    record_step(page, applicant, 5, day(430), people=("周一",))
    record_step(page, applicant, 6, day(300))

    # Skipping the candidate's confirmation: the sponsors' step is refused, with the step that comes first.
    page.goto(f"/recruitment/{applicant.pk}/step/9/")
    page.locator("input[name=on]").fill(day(59).isoformat())
    page.locator(".form-check", has_text="周一").locator("input[type=checkbox]").check()
    page.locator(".form-check", has_text="吴二").locator("input[type=checkbox]").check()
    page.get_by_test_id("save-step").click()
    expect(page.locator(".alert-danger")).to_contain_text(zh(
        "Step %(n)s (%(name)s) cannot be recorded yet: step %(m)s (%(missing)s) comes first.",
        n=9, name="确定入党介绍人", m=7, missing="确定发展对象"))

    record_step(page, applicant, 7, day(60), notice=day(75))
    expect(page.get_by_test_id("stage")).to_have_text(zh("Candidate"))
    record_step(page, applicant, 8, day(55))
    # A probationary sponsor is refused.
    page.goto(f"/recruitment/{applicant.pk}/step/9/")
    page.locator("input[name=on]").fill(day(50).isoformat())
    page.locator(".form-check", has_text="周一").locator("input[type=checkbox]").check()
    page.locator(".form-check", has_text="冯预备").locator("input[type=checkbox]").check()
    page.get_by_test_id("save-step").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("冯预备")
    record_step(page, applicant, 9, day(50), people=("周一", "吴二"))
    record_step(page, applicant, 10, day(45))
    record_step(page, applicant, 11, day(40), training_days=3)
    record_step(page, applicant, 12, day(35), notice=day(47))
    record_step(page, applicant, 13, day(30))
    record_step(page, applicant, 14, day(28))
    record_step(page, applicant, 15, day(25))  # the branch general meeting votes
    record_step(page, applicant, 16, day(20))
    record_step(page, applicant, 17, day(10))  # the higher committee's approval arrives
    expect(page.get_by_test_id("member-file")).to_contain_text(zh("probationary member"))
    member = Member.objects.get(name="林晓")
    assert member.category == "probationary" and member.joined_on == day(25)
    page.get_by_test_id("member-file").get_by_role("link").click()
    expect(page).to_have_url(f"/members/{member.pk}/")


def test_a_member_transfers_to_another_branch_and_the_receiving_secretary_accepts(world, page, open_page, login):
    moving = make_member(world.b1, "郑调动")
    login(page, "secretary")
    page.goto("/transfers/?q=郑调动")
    page.get_by_test_id("found").get_by_role("link", name="郑调动").click()
    page.locator("input[name=kind][value=within]").check()
    page.locator("select[name=destination]").select_option(str(world.b2.pk))
    page.locator("input[name=reason]").fill("工作调动")
    page.get_by_test_id("request-transfer").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("status")).to_have_text(zh("approved by the sending side"))
    moving.refresh_from_db()
    assert moving.organization == world.b1  # still the sending branch's until accepted

    phone = open_page(**PHONE_390)
    login(phone, "outsider")
    phone.goto("/workbench/")
    transfer = Transfer.objects.get(member=moving)
    phone.locator(f"a[href='/transfers/{transfer.pk}/']").first.click()
    phone.get_by_test_id("accept").click()
    expect(phone).to_have_url(f"/members/{moving.pk}/")
    moving.refresh_from_db()
    assert moving.organization == world.b2
