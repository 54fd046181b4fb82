"""The matrix's rows and cards are written in Python (chuxin/directives/matrix.py), not by the template: what a
sender sees in each, and text people typed coming out as text, never as markup."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from chuxin.directives.models import DirectiveRecipient
from chuxin.orgs.models import Organization
from chuxin.testing import make_user

from .conftest import sent_days_ago

State = DirectiveRecipient.State
HOSTILE = "<script>alert(1)</script>"


def _matrix(client, directive) -> str:
    return client.get(reverse("directives:detail", kwargs={"pk": directive.pk})).content.decode()


def _table_row(page: str, code: str) -> str:
    return re.search(rf'<tr data-org="{code}".*?</tr>', page, re.S).group(0)


def _card(page: str, code: str) -> str:
    return re.search(rf'<li class="cx-item-card[^"]*" data-testid="recipient-card" data-org="{code}".*?</li>',
                     page, re.S).group(0)


def test_typed_text_comes_out_as_text_in_the_table_and_the_cards(world, three, sent_to_three, client_for):
    Organization.objects.filter(pk=three.b3.pk).update(name=f"第三支部{HOSTILE}")
    completer = make_user("hostile", display_name='<img src=x onerror="alert(2)">')
    DirectiveRecipient.objects.filter(directive=sent_to_three, organization=three.b3).update(
        state=State.COMPLETED, acknowledged_at=timezone.now(), completed_at=timezone.now(), completed_by=completer,
        answer=f"<b>已完成</b>{HOSTILE}\n第二行")
    page = _matrix(client_for(world.worker), sent_to_three)
    assert HOSTILE not in page and "<img src=x" not in page and "<b>已完成</b>" not in page
    for part in (_table_row(page, "B3"), _card(page, "B3")):
        assert "第三支部&lt;script&gt;alert(1)&lt;/script&gt;" in part
        # The answer in its summary (up to 40 characters) and in full, its lines kept apart by <br>, its markup text.
        assert "<summary>&lt;b&gt;已完成&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;\n第二行</summary>" in part
        assert "&lt;/script&gt;<br>第二行</div>" in part
    assert "by &lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in _card(page, "B3")


def test_each_row_shows_its_state_dates_reminders_and_tasks(world, three, sent_to_three, client_for):
    sent_days_ago(sent_to_three, 7)  # B2 and B3 never acknowledged: behind
    done_at = timezone.now() - datetime.timedelta(days=1)
    when = timezone.localtime(done_at).strftime("%Y-%m-%d %H:%M")
    DirectiveRecipient.objects.filter(directive=sent_to_three, organization=world.b1).update(
        state=State.COMPLETED, acknowledged_at=done_at, completed_at=done_at, completed_by=world.secretary,
        answer="已于本月组织主题党日活动。")
    reminded_at = timezone.now()
    DirectiveRecipient.objects.filter(directive=sent_to_three, organization=three.b3).update(
        reminder_count=2, reminded_at=reminded_at)
    page = _matrix(client_for(world.worker), sent_to_three)
    b1 = DirectiveRecipient.objects.get(directive=sent_to_three, organization=world.b1)
    url = reverse("directives:recipient", kwargs={"pk": b1.pk})

    done, behind = _table_row(page, "B1"), _table_row(page, "B3")
    assert f'<a href="{url}">{world.b1.name}</a>' in done and 'class="table-danger"' not in done
    assert 'data-state="completed">completed</span></td>' in done and "data-behind" not in done
    assert done.count(f">{when}</td>") == 2  # acknowledged and completed
    assert 'data-tasks="0/0">—</td>' in done
    assert '<tr data-org="B3" class="table-danger">' in behind
    assert 'data-state="sent">sent</span> <span class="badge text-bg-danger" data-behind="1">behind</span>' in behind
    assert f">2 · {timezone.localtime(reminded_at):%m-%d}</td>" in behind

    due = f"Due: {sent_to_three.due_on:%Y-%m-%d}"
    card = _card(page, "B1")
    assert f"Completed {when} by {world.secretary}" in card and "已于本月组织主题党日活动。" in card
    assert f'<div class="small" data-due>{due}</div>' in card
    assert f'href="{url}" data-testid="next-action">View</a>' in card
    card = _card(page, "B3")
    assert 'class="cx-item-card cx-item-card-danger"' in card and "Reminded 2 times" in card
    assert f'<div class="small text-danger fw-semibold" data-due>{due}</div>' in card


def test_no_row_says_so_in_the_table_and_the_cards(world, three, sent_to_three, client_for):
    page = client_for(world.worker).get(reverse("directives:detail", kwargs={"pk": sent_to_three.pk}),
                                        {"show": "completed"}).content.decode()
    assert page.count("No recipients match.") == 2
    assert "data-testid=\"recipient-card\"" not in page
