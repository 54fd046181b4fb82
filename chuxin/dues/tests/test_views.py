"""The dues pages as people use them: a secretary sets a base, records a payment and closes the month; bad input
answers clearly in the user's language; a member sees their own statement and nobody else's; hostile text is
shown as text; the branch page's queries do not grow with its members."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chuxin.dues import months as mo
from chuxin.dues import services
from chuxin.dues.models import DuesBase, DuesBill, DuesPayment
from chuxin.testing import make_member

D = Decimal
XSS = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _in_english(english):
    pass


def this_month() -> datetime.date:
    return mo.first(timezone.localdate())


def test_a_secretary_sets_a_base_pays_and_closes(world, client_for):
    c = client_for(world.secretary)
    r = c.post(f"/dues/members/{world.member.pk}/base/", {"kind": "employed", "base": "4000.00",
                                                           "effective_month": f"{this_month():%Y-%m}"})
    assert r.status_code == 302
    c.post(f"/dues/branch/bills/?organization={world.b1.pk}&month={this_month():%Y-%m}")
    page = c.get(f"/dues/members/{world.member.pk}/pay/")
    token = page.context["form"]["token"].value()
    r = c.post(f"/dues/members/{world.member.pk}/pay/", {"months": [f"{this_month():%Y-%m}"],
                                                          "paid_on": f"{timezone.localdate():%Y-%m-%d}",
                                                          "method": "cash", "token": token})
    assert r.status_code == 302
    assert DuesBill.objects.get().paid == D("40.00")
    r = c.post(f"/dues/branch/close/?organization={world.b1.pk}&month={this_month():%Y-%m}", follow=True)
    assert "is closed" in r.content.decode()
    r = c.post(f"/dues/members/{world.member.pk}/pay/", {"extra": "5", "paid_on": f"{timezone.localdate():%Y-%m-%d}",
                                                          "method": "cash"})
    assert r.status_code == 200 and "is closed" in r.content.decode()
    assert DuesPayment.objects.count() == 1


def test_a_negative_base_gets_a_clear_error(world, client_for):
    r = client_for(world.secretary).post(f"/dues/members/{world.member.pk}/base/", {
        "kind": "employed", "base": "-100", "effective_month": "2026-01"})
    assert r.status_code == 200 and "greater than or equal to 0" in r.content.decode()
    assert not DuesBase.objects.exists()


def test_a_member_sees_their_own_statement_only(world, client_for):
    services.base_set(actor=None, member=world.member, kind="employed", base=D("4000"), effective_month=this_month())
    services.bills_generate(actor=None, organization=world.b1, month=this_month())
    c = client_for(world.member_user)
    page = c.get(f"/dues/members/{world.member.pk}/").content.decode()
    assert "40.00" in page and "Record a payment" not in page
    other = make_member(world.b1, "别人")
    assert c.get(f"/dues/members/{other.pk}/").status_code == 403
    assert c.get(f"/dues/members/{world.b2_member.pk}/").status_code == 404
    assert c.get(f"/dues/branch/?organization={world.b1.pk}").status_code == 403
    assert c.get(f"/dues/summary/?organization={world.b1.pk}").status_code == 200  # totals, no names


def test_hostile_text_is_shown_as_text(world, client_for):
    c = client_for(world.secretary)
    services.base_set(actor=None, member=world.member, kind="employed", base=D("4000"),
                      effective_month=mo.add(this_month(), -1))
    services.bills_generate(actor=None, organization=world.b1, month=mo.add(this_month(), -1))
    bill = DuesBill.objects.get()
    c.post(f"/dues/bills/{bill.pk}/reason/", {"reason": XSS})
    page = c.get(f"/dues/members/{world.member.pk}/?year={bill.month.year}").content.decode()
    assert XSS not in page and "&lt;script&gt;" in page
    r = c.post(f"/dues/members/{world.member.pk}/pay/", {"extra": "1", "paid_on": f"{timezone.localdate():%Y-%m-%d}",
                                                          "method": "cash", "paid_by": XSS, "note": XSS})
    page = c.get(f"/dues/members/{world.member.pk}/").content.decode()
    assert r.status_code == 302 and XSS not in page


def test_an_oversized_or_malformed_amount_is_refused(world, client_for):
    c = client_for(world.secretary)
    for value in ("1e400", "abc", "12.345", "99999999999"):
        r = c.post(f"/dues/members/{world.member.pk}/base/", {"kind": "employed", "base": value,
                                                               "effective_month": "2026-01"})
        assert r.status_code == 200, value
    assert not DuesBase.objects.exists()


def test_the_branch_page_makes_the_same_queries_for_more_members(world, client_for):
    c = client_for(world.secretary)
    url = f"/dues/branch/?organization={world.b1.pk}&month={this_month():%Y-%m}"

    def count() -> int:
        services.bills_generate(actor=None, organization=world.b1, month=this_month())
        with CaptureQueriesContext(connection) as q:
            assert c.get(url).status_code == 200
        return len(q.captured_queries)

    for i in range(3):
        services.base_set(actor=None, member=make_member(world.b1, f"党员{i}"), kind="retired", base=D("3000"),
                          effective_month=this_month())
    few = count()
    for i in range(10):
        services.base_set(actor=None, member=make_member(world.b1, f"党员甲{i}"), kind="employed", base=D("9000"),
                          effective_month=this_month())
    assert count() == few


def test_exports_write_real_numbers_and_the_named_list_is_audited(world, client_for):
    import io

    import openpyxl

    from chuxin.audit.models import AuditEntry

    services.base_set(actor=None, member=world.member, kind="employed", base=D("12000"), effective_month=this_month())
    services.bills_generate(actor=None, organization=world.b1, month=this_month())
    c = client_for(world.secretary)
    r = c.get(f"/dues/branch/month.xlsx?organization={world.b1.pk}&month={this_month():%Y-%m}")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].values)
    assert rows[2][:4] == ("李四", "employed: monthly after-tax regular pay", 12000, 240)
    assert AuditEntry.objects.filter(action="export", organization=world.b1).exists()
    r = client_for(world.member_user).get(f"/dues/summary.xlsx?organization={world.b1.pk}&year={this_month().year}")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].values)
    assert rows[-1][:2] == ("Total", 240) and not any("李四" in str(v) for row in rows for v in row)


def test_a_payment_form_sent_twice_records_one_payment(world, client_for):
    c = client_for(world.secretary)
    token = c.get(f"/dues/members/{world.member.pk}/pay/").context["form"]["token"].value()
    data = {"extra": "5.00", "paid_on": f"{timezone.localdate():%Y-%m-%d}", "method": "cash", "token": token}
    first = c.post(f"/dues/members/{world.member.pk}/pay/", data)
    second = c.post(f"/dues/members/{world.member.pk}/pay/", data)
    assert (first.status_code, second.status_code) == (302, 302), second.content.decode()[-3000:]
    assert DuesPayment.objects.count() == 1


def test_a_payment_of_a_month_sent_twice_is_answered_as_the_first(world, client_for):
    """The second sending no longer finds the month it pays among the choices (the first settled it): it is
    answered with the first's redirect all the same, not with the form refusing the month."""
    c = client_for(world.secretary)
    c.post(f"/dues/members/{world.member.pk}/base/", {"kind": "employed", "base": "4000.00",
                                                       "effective_month": f"{this_month():%Y-%m}"})
    c.post(f"/dues/branch/bills/?organization={world.b1.pk}&month={this_month():%Y-%m}")
    token = c.get(f"/dues/members/{world.member.pk}/pay/").context["form"]["token"].value()
    data = {"months": [f"{this_month():%Y-%m}"], "paid_on": f"{timezone.localdate():%Y-%m-%d}", "method": "cash",
            "token": token}
    first = c.post(f"/dues/members/{world.member.pk}/pay/", data)
    second = c.post(f"/dues/members/{world.member.pk}/pay/", data)
    assert (first.status_code, second.status_code) == (302, 302), second.content.decode()[-3000:]
    assert first["Location"] == second["Location"]
    assert DuesPayment.objects.count() == 1 and DuesBill.objects.get().paid == D("40.00")


def test_months_are_shown_in_words_not_as_codes(world, client_for):
    c = client_for(world.secretary)
    c.post(f"/dues/members/{world.member.pk}/base/", {"kind": "employed", "base": "4000.00",
                                                       "effective_month": f"{this_month():%Y-%m}"})
    c.post(f"/dues/branch/bills/?organization={world.b1.pk}&month={this_month():%Y-%m}")
    words, code = f"{this_month().year}年{this_month().month}月", f"{this_month():%Y-%m}"
    for url in (f"/dues/branch/?organization={world.b1.pk}&month={code}", f"/dues/members/{world.member.pk}/",
                f"/dues/members/{world.member.pk}/pay/"):
        page = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert words in page, url
        assert f">{code}<" not in page and f"{code} ·" not in page, url
    statement = c.get(f"/dues/members/{world.member.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "党费交至：" in statement
