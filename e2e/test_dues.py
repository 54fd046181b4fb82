"""Party dues walked in Chromium: a member's dues are billed, partly paid, the month is closed and reconciled.

The secretary sets a member's base, makes the month's bills on the branch's dues page, records a payment for one
month of two on a 390 px phone, closes the month on the desktop and reads the reconciliation; a payment dated in
the closed month is refused with a clear message. The member reads their own statement on their phone and is
refused another member's. Messages are compared with their Chinese translations, the language the page speaks.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.dues import months as mo
from chuxin.dues import services
from chuxin.dues.models import DuesBill, DuesMonth, DuesPayment
from chuxin.testing import make_member

from .conftest import PHONE_390

pytestmark = pytest.mark.e2e


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


def test_a_members_dues_are_billed_partly_paid_closed_and_reconciled(world, page, open_page, login):
    this = mo.first(timezone.localdate())
    last = mo.add(this, -1)
    other = make_member(world.b1, "周一")
    services.base_set(actor=None, member=other, kind="retired", base=Decimal("5000.01"), effective_month=last)

    login(page, "secretary")
    page.goto(f"/dues/members/{world.member.pk}/base/")
    form = page.get_by_test_id("dues-form")
    form.locator("select[name=kind]").select_option("employed")
    form.locator("input[name=base]").fill("-3000")
    form.locator("input[name=effective_month]").fill(f"{last:%Y-%m}")
    form.get_by_test_id("dues-submit").click()
    expect(page.locator(".invalid-feedback")).to_be_visible()  # a negative base: refused, nothing saved
    form.locator("input[name=base]").fill("3000.01")
    form.get_by_test_id("dues-submit").click()
    expect(page.get_by_test_id("set-base")).to_be_visible()

    # The branch's dues page for last month: bills made on demand.
    page.goto(f"/dues/branch/?organization={world.b1.pk}&month={last:%Y-%m}")
    page.get_by_test_id("generate-bills").click()
    expect(page.locator(f"[data-testid=dues-bills] tr[data-member='{world.member.pk}']")).to_contain_text("30.00")
    assert DuesBill.objects.filter(month=last).count() == 2

    # On a phone, the secretary records the member's payment of last month only (this month stays open).
    phone = open_page(**PHONE_390)
    login(phone, "secretary")
    phone.goto(f"/dues/branch/?organization={world.b1.pk}&month={this:%Y-%m}")
    phone.get_by_test_id("generate-bills").click()
    expect(phone.get_by_test_id("dues-cards")).to_be_visible()
    phone.goto(f"/dues/members/{world.member.pk}/pay/")
    pay = phone.get_by_test_id("dues-form")
    pay.locator(f"input[name=months][value='{last:%Y-%m}']").check()
    pay.get_by_test_id("dues-submit").click()
    expect(phone.locator(f"[data-testid=statement-months] [data-month='{last:%Y-%m}'] .badge")).to_have_text(
        zh("paid"))
    assert DuesPayment.objects.count() == 1

    # Last month is closed on the desktop, then reconciled: the member's 30.00 paid, 周一's 50.00 still open.
    page.goto(f"/dues/branch/?organization={world.b1.pk}&month={last:%Y-%m}")
    expect(page.get_by_test_id("dues-paid")).to_have_text("30.00")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("close-month").click()
    row = page.locator(f"[data-testid=reconciliation] tr[data-month='{last:%Y-%m}']")
    expect(row).to_contain_text("80.00")
    expect(row).to_contain_text("50.00")
    assert DuesMonth.objects.filter(organization=world.b1, month=last).exists()

    # A payment dated in the closed month is refused, clearly; nothing is recorded.
    page.goto(f"/dues/members/{other.pk}/pay/")
    pay = page.get_by_test_id("dues-form")
    pay.locator(f"input[name=months][value='{last:%Y-%m}']").check()
    pay.locator("input[name=paid_on]").fill(f"{last + datetime.timedelta(days=10):%Y-%m-%d}")
    pay.get_by_test_id("dues-submit").click()
    expect(page.locator(".alert-danger")).to_contain_text(f"{last.year}年{last.month}月")  # a month in words
    assert DuesPayment.objects.count() == 1

    # The member reads their own statement on a phone, and not someone else's.
    mine = open_page(**PHONE_390)
    login(mine, "member")
    mine.goto("/dues/")
    mine.get_by_test_id("my-dues").click()
    expect(mine.get_by_test_id("paid-up-to")).to_have_text(f"{last.year}年{last.month}月")
    response = mine.goto(f"/dues/members/{other.pk}/")
    assert response.status == 403
