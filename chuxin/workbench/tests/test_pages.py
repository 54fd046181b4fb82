"""The workbench page and the month calendar."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

D = datetime.date
WEDNESDAY = D(2026, 11, 25)


def test_the_page_shows_my_items_grouped_with_counts_per_kind(world, fake_work, fixed_today, client_for):
    fixed_today(WEDNESDAY)
    me = world.secretary
    fake_work.give(me, D(2026, 11, 20), title="逾期的任务", state="overdue", overdue=True)
    fake_work.give(me, WEDNESDAY, kind="directive", title="今天要签收的指示", state="to acknowledge")
    fake_work.give(me, D(2026, 12, 31), kind="report", title="年度报告", state="due")
    fake_work.give(me, None, kind="responsibility", title="一岗双责", state="open")
    fake_work.give(world.committee, WEDNESDAY, title="别人的任务")
    response = client_for(me).get(reverse("workbench:home"))
    assert response.status_code == 200
    groups = {s.key: [r.title for r in s.rows] for s in response.context["groups"]}
    assert groups == {"overdue": ["逾期的任务"], "this_week": ["今天要签收的指示"], "later": ["年度报告"],
                      "no_date": ["一岗双责"]}
    # in the order the apps declare for their kinds (not INSTALLED_APPS order)
    from chuxin.core import registry

    kinds = [(k["kind"], k["count"]) for k in response.context["kinds"]]
    assert [kind for kind, _n in kinds] == list(registry.workbench_kinds())
    assert kinds[:4] == [("task", 1), ("directive", 1), ("meeting", 0), ("notice", 0)]
    assert dict(kinds) == {**dict.fromkeys(registry.workbench_kinds(), 0), "task": 1, "directive": 1, "report": 1,
                           "responsibility": 1}
    html = response.content.decode()
    assert "别人的任务" not in html
    for text in ("逾期的任务", "第一支部", "2026-11-20", "to acknowledge", "bi-megaphone", 'href="/directives/'):
        assert text in html


def test_each_group_shows_its_soonest_rows_and_a_link_to_all_of_them(world, fake_work, fixed_today, client_for):
    fixed_today(WEDNESDAY)
    for i in range(45):
        fake_work.give(world.secretary, D(2027, 1, 1) + datetime.timedelta(days=i), title=f"later-{i:02d}")
    fake_work.give(world.secretary, D(2026, 11, 1), title="overdue")
    client = client_for(world.secretary)
    response = client.get(reverse("workbench:home"))
    sections = {s.key: s for s in response.context["groups"]}
    later = sections["later"]
    assert (later.count, len(later.rows), later.more) == (45, 20, 25)
    assert [r.title for r in later.rows] == [f"later-{i:02d}" for i in range(20)]
    assert sections["overdue"].more == 0
    html = response.content.decode()
    assert 'href="?group=later"' in html and 'href="?group=overdue"' not in html

    whole = client.get(reverse("workbench:home"), {"group": "later"})
    (section,) = whole.context["groups"]
    assert section.count == 45 and [r.title for r in section.rows] == [f"later-{i:02d}" for i in range(45)]
    assert "overdue" not in whole.content.decode()  # that group alone
    assert response.context["kinds"][0]["count"] == 46  # the counts stay whole


def test_a_group_page_of_many_items_is_paginated(world, fake_work, fixed_today, client_for):
    fixed_today(WEDNESDAY)
    for i in range(120):
        fake_work.give(world.secretary, None, title=f"n-{i:03d}")
    client = client_for(world.secretary)
    page = client.get(reverse("workbench:home"), {"group": "no_date", "page": 3})
    assert page.context["page_obj"].number == 3
    assert [r.title for r in page.context["groups"][0].rows] == [f"n-{i:03d}" for i in range(100, 120)]
    assert "group=no_date&amp;page=2" in page.content.decode()


@pytest.mark.parametrize("group", ["nonsense", "", "OVERDUE"])
def test_an_unknown_group_is_not_found(world, fake_work, client_for, group):
    assert client_for(world.secretary).get(reverse("workbench:home"), {"group": group}).status_code == 404


def test_an_empty_workbench_says_nothing_is_waiting(world, fake_work, client_for):
    response = client_for(world.stranger).get(reverse("workbench:home"))
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert "Nothing is waiting for you." in response.content.decode()


def test_a_kind_the_workbench_does_not_know_still_shows(world, fake_work, client_for):
    fake_work.give(world.secretary, D(2026, 1, 1), kind="visit", title="走访困难党员")
    response = client_for(world.secretary).get(reverse("workbench:home"))
    assert "走访困难党员" in response.content.decode()
    assert {"kind": "visit", "count": 1} in [{"kind": k["kind"], "count": k["count"]}
                                               for k in response.context["kinds"]]


# ---------------------------------------------------------------------------------------------------------------
# The calendar


def days(month) -> dict[D, list[str]]:
    return {day.date: [i.title for i in day.items] for week in month.weeks for day in week if day.items}


def test_the_calendar_puts_items_on_their_days_across_month_boundaries(world, fake_work, fixed_today, client_for):
    fixed_today(D(2026, 2, 10))
    me = world.secretary
    fake_work.give(me, D(2026, 1, 31), title="一月底")
    fake_work.give(me, D(2026, 2, 1), title="二月初")
    fake_work.give(me, D(2026, 2, 28), title="二月底")
    fake_work.give(me, D(2026, 3, 1), title="三月初")
    fake_work.give(me, None, title="没有日期")
    client = client_for(me)

    february = client.get(reverse("workbench:calendar"), {"month": "2026-02"}).context["month"]
    # Feb 2026 starts on a Sunday: the grid's first week is Jan 26 - Feb 1, its last ends Sunday Mar 1.
    assert february.weeks[0][0].date == D(2026, 1, 26)
    assert february.weeks[-1][-1].date == D(2026, 3, 1)
    assert days(february) == {D(2026, 1, 31): ["一月底"], D(2026, 2, 1): ["二月初"], D(2026, 2, 28): ["二月底"],
                              D(2026, 3, 1): ["三月初"]}
    # The phone's list is this month's days only.
    assert [d.date for d in february.days_with_items] == [D(2026, 2, 1), D(2026, 2, 28)]
    assert not february.weeks[0][5].in_month and february.weeks[0][6].in_month

    january = client.get(reverse("workbench:calendar"), {"month": "2026-01"}).context["month"]
    assert [(d.date, [i.title for i in d.items]) for d in january.days_with_items] == [(D(2026, 1, 31), ["一月底"])]


def test_the_calendar_defaults_to_this_month_and_marks_today(world, fake_work, fixed_today, client_for):
    fixed_today(D(2026, 12, 31))
    response = client_for(world.secretary).get(reverse("workbench:calendar"))
    month = response.context["month"]
    assert month.first == D(2026, 12, 1)
    assert [d.date for w in month.weeks for d in w if d.is_today] == [D(2026, 12, 31)]
    # previous and next cross the year
    assert (month.previous, month.next) == (D(2026, 11, 1), D(2027, 1, 1))
    html = response.content.decode()
    assert "?month=2026-11" in html and "?month=2027-01" in html and 'aria-current="date"' in html
    assert ">December 2026</h2>" in html
    chinese = client_for(world.secretary).get(reverse("workbench:calendar"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert ">2026年12月</h2>" in chinese.content.decode()


def test_a_phone_opening_the_calendar_lists_the_next_four_weeks_not_the_month_gone_by(world, fake_work, fixed_today,
                                                                                        client_for):
    fixed_today(D(2026, 11, 25))
    me = world.secretary
    fake_work.give(me, D(2026, 11, 3), title="本月已过")
    fake_work.give(me, D(2026, 11, 25), title="今天")
    fake_work.give(me, D(2026, 12, 10), title="下月上旬")
    fake_work.give(me, D(2026, 12, 22), title="第四周末")  # today + 27: the last day of the four weeks
    fake_work.give(me, D(2026, 12, 23), title="四周以后")
    client = client_for(me)
    response = client.get(reverse("workbench:calendar"))
    coming = response.context["coming"]
    assert [(d.date, [i.title for i in d.items]) for d in coming] == [
        (D(2026, 11, 25), ["今天"]), (D(2026, 12, 10), ["下月上旬"]), (D(2026, 12, 22), ["第四周末"])]
    assert coming[0].is_today
    phone = response.content.decode().split('data-testid="day-list"', 1)[1].split("d-none d-md-block", 1)[0]
    assert "The next four weeks: 11-25 to 12-22" in phone
    assert "下月上旬" in phone and "本月已过" not in phone and "四周以后" not in phone
    # The desktop grid still shows the whole month, past days included.
    assert days(response.context["month"])[D(2026, 11, 3)] == ["本月已过"]
    # A month chosen on purpose lists that month's days, on a phone too.
    chosen = client.get(reverse("workbench:calendar"), {"month": "2026-11"})
    assert chosen.context["coming"] is None
    assert "本月已过" in chosen.content.decode().split('data-testid="day-list"', 1)[1].split("d-none d-md-block", 1)[0]


def test_four_weeks_without_deadlines_say_so(world, fake_work, fixed_today, client_for):
    fixed_today(D(2026, 11, 25))
    fake_work.give(world.secretary, D(2026, 11, 3), title="本月已过")
    page = client_for(world.secretary).get(reverse("workbench:calendar")).content.decode()
    assert "No deadlines in the next four weeks." in page


def test_another_month_links_back_to_this_one(world, fake_work, fixed_today, client_for):
    fixed_today(D(2026, 11, 25))
    month = client_for(world.secretary).get(reverse("workbench:calendar"), {"month": "2027-01"}).context["month"]
    assert not any(d.is_today for w in month.weeks for d in w)
    assert month.previous == D(2026, 12, 1)


@pytest.mark.parametrize(
    "value", ["garbage", "2026-13", "2026-00", "2026-1", "26-01", "2026/01", "0000-01", "9999-12", "2026-01-01",
              "２０２６-01", "-2026-01", "2026-+1"]
)
def test_a_bad_month_is_not_found(world, fake_work, client_for, value):
    assert client_for(world.secretary).get(reverse("workbench:calendar"), {"month": value}).status_code == 404


def test_the_calendars_ends_have_no_link_beyond_them(world, fake_work, client_for):
    client = client_for(world.secretary)
    assert client.get(reverse("workbench:calendar"), {"month": "1900-01"}).context["month"].previous is None
    assert client.get(reverse("workbench:calendar"), {"month": "2999-12"}).context["month"].next is None


# ---------------------------------------------------------------------------------------------------------------
# The navigation's count


def test_the_badge_counts_my_open_items(world, fake_work, client_for):
    for i in range(3):
        fake_work.give(world.secretary, D(2026, 1, 1 + i))
    fake_work.give(world.committee, D(2026, 1, 1))
    html = client_for(world.secretary).get(reverse("workbench:badge")).content.decode()
    assert 'data-testid="workbench-count"' in html and ">3</span>" in html


def test_the_badge_is_empty_when_nothing_waits_and_caps_at_99(world, fake_work, client_for):
    client = client_for(world.secretary)
    assert client.get(reverse("workbench:badge")).content.decode().strip() == ""
    for _i in range(120):
        fake_work.give(world.secretary, None)
    assert ">99+</span>" in client.get(reverse("workbench:badge")).content.decode()


def test_inside_wechat_the_calendar_link_comes_with_how_to_subscribe(world, client_for):
    # The link is shown once, in the answer to the request that makes it (only its digest is stored).
    client = client_for(world.secretary)
    wechat = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36 MicroMessenger/8.0.49.2600 WeChat/arm64"
    html = client.post(reverse("workbench:feed-settings"), HTTP_USER_AGENT=wechat).content.decode()
    hint = html.index('data-testid="wechat-hint"')
    assert "WeChat's browser cannot subscribe to calendars" in html[hint:]
    assert 0 < html.index('href="webcal://') - hint < 1000  # right before the subscription link
    plain = client.post(reverse("workbench:feed-settings"), HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/604.1")
    assert 'href="webcal://' in plain.content.decode() and "wechat-hint" not in plain.content.decode()


def test_the_badge_is_counted_once_until_something_is_written(world, fake_work, client_for,
                                                              django_assert_num_queries):
    """The count every page loads is cached per user: no gathering (no provider call, no query beyond the session
    and the user) until a write moves the version on (chuxin.core.versions), then counted afresh."""
    client = client_for(world.secretary)
    fake_work.give(world.secretary, D(2026, 1, 1))
    assert ">1</span>" in client.get(reverse("workbench:badge")).content.decode()
    calls = fake_work.calls
    with django_assert_num_queries(2):  # the session, the user
        assert ">1</span>" in client.get(reverse("workbench:badge")).content.decode()
    assert fake_work.calls == calls
    fake_work.give(world.secretary, D(2026, 1, 2))
    assert ">2</span>" in client.get(reverse("workbench:badge")).content.decode()


def test_a_real_write_renews_the_badge(world, client_for):
    """Through an app's own service: a directive sent to the secretary's branch is on their badge at once."""
    from chuxin.directives.services import directive_send

    client = client_for(world.secretary)
    before = client.get(reverse("workbench:badge")).content.decode()
    directive_send(actor=world.worker, sender=world.pc, title="关于开展自查的通知", body="请按期报送。",
                   due_on=D(2030, 1, 1), recipients=[world.b1], subtree=False)
    after = client.get(reverse("workbench:badge")).content.decode()
    assert after != before and 'data-testid="workbench-count"' in after


def test_a_record_of_ones_own_work_renews_only_the_people_it_names(world, fake_work):
    """An exam submitted changes no one's open work but its member's (RecordKind.own_work): five hundred members
    submitting at once must not make every badge in the house gather a whole workbench again."""
    from django.test import Client

    from chuxin import testing
    from chuxin.records.services import record_work

    secretary = testing.logged_in(Client(), world.secretary)
    committee = testing.logged_in(Client(), world.committee)
    fake_work.give(world.secretary, D(2026, 1, 1))
    fake_work.give(world.committee, D(2026, 1, 1))
    assert ">1</span>" in secretary.get(reverse("workbench:badge")).content.decode()
    assert ">1</span>" in committee.get(reverse("workbench:badge")).content.decode()
    calls = fake_work.calls
    fake_work.items[world.secretary.pk].append(fake_work.items[world.secretary.pk][0])  # unseen until renewed
    fake_work.items[world.committee.pk].append(fake_work.items[world.committee.pk][0])
    record_work(kind="quiz.exam_taken", organization=world.b1, on=D(2026, 1, 1), target=world.b1,
                key=f"exam:{world.secretary.pk}", actor=world.secretary, users=[world.secretary],
                payload={"exam": 1, "percent": 80, "passed": True})
    assert ">2</span>" in secretary.get(reverse("workbench:badge")).content.decode()  # theirs is counted again
    assert ">1</span>" in committee.get(reverse("workbench:badge")).content.decode()  # the others' is kept
    assert fake_work.calls == calls + 1


def test_a_record_of_no_ones_work_renews_no_count(world, fake_work):
    """A practice finished is never an item on a workbench (RecordKind.no_work): finishing it leaves every count
    kept, the member's own too, so the page after it does not gather the whole workbench again."""
    from django.test import Client

    from chuxin import testing
    from chuxin.records.services import record_work

    secretary = testing.logged_in(Client(), world.secretary)
    fake_work.give(world.secretary, D(2026, 1, 1))
    assert ">1</span>" in secretary.get(reverse("workbench:badge")).content.decode()
    calls = fake_work.calls
    record_work(kind="quiz.practice_done", organization=world.b1, on=D(2026, 1, 1), target=world.b1,
                key=f"practice:{world.secretary.pk}", actor=world.secretary, users=[world.secretary],
                payload={"kind": "daily", "correct": 3, "answered": 5})
    assert ">1</span>" in secretary.get(reverse("workbench:badge")).content.decode()
    assert fake_work.calls == calls


def test_a_kind_of_no_ones_work_may_be_consumed_only_by_consumers_that_change_no_ones(monkeypatch):
    from chuxin.core import registry

    quiet = registry.RecordKind("test.quiet", "quiet", no_work=True)
    own = registry.RecordKind("test.own", "own", own_work=True)
    entries = [registry.Entry("a", registry.Hooks(record_kinds=(quiet, own))),
               registry.Entry("b", registry.Hooks(consumers=(registry.Consumer(("test.quiet",), "x.y",
                                                                                 own_work=True),)))]
    monkeypatch.setattr(registry, "entries", lambda: entries)
    with pytest.raises(ValueError, match="test.quiet"):
        registry.record_kinds()
    # a consumer that changes no one's work may consume either kind
    entries[1] = registry.Entry("b", registry.Hooks(consumers=(registry.Consumer(("test.quiet", "test.own"), "x.y",
                                                                                 no_work=True),)))
    assert {"test.quiet", "test.own"} <= set(registry.record_kinds())


def test_a_record_that_may_reach_anyone_renews_every_badge(world, fake_work, client_for):
    from chuxin.records.services import record_work

    committee = client_for(world.committee)
    fake_work.give(world.committee, D(2026, 1, 1))
    assert ">1</span>" in committee.get(reverse("workbench:badge")).content.decode()
    fake_work.items[world.committee.pk].append(fake_work.items[world.committee.pk][0])
    record_work(kind="activity_served", organization=world.b1, on=D(2026, 1, 1), target=world.b1, key="x",
                actor=world.secretary, payload={"kind": "volunteer", "hours": "2"})
    assert ">2</span>" in committee.get(reverse("workbench:badge")).content.decode()


def test_a_kind_of_own_work_may_not_be_consumed_by_a_consumer_that_reaches_others(monkeypatch):
    """The registry refuses the pairing: a consumer that may change anyone's open work (ticking a duty the secretary
    sees) would go unseen by the other badges if the kind renewed only its own people's."""
    from chuxin.core import registry

    own = registry.RecordKind("test.own", "own", own_work=True)
    entries = [registry.Entry("a", registry.Hooks(record_kinds=(own,))),
               registry.Entry("b", registry.Hooks(consumers=(registry.Consumer(("test.own",), "x.y"),)))]
    monkeypatch.setattr(registry, "entries", lambda: entries)
    with pytest.raises(ValueError, match="test.own"):
        registry.record_kinds()
    entries[1] = registry.Entry("b", registry.Hooks(consumers=(registry.Consumer(("test.own",), "x.y",
                                                                                 own_work=True),)))
    assert "test.own" in registry.record_kinds()


def test_a_person_s_count_is_counted_by_one_request_at_a_time(world, fake_work, client_for):
    """When the count is out of date and another of the person's requests is already counting (a second tab, the
    page and its badge at once), the count as it stood is shown instead of a second gathering of the workbench."""
    from django.core.cache import cache

    client = client_for(world.secretary)
    fake_work.give(world.secretary, D(2026, 1, 1))
    assert ">1</span>" in client.get(reverse("workbench:badge")).content.decode()
    fake_work.give(world.secretary, D(2026, 1, 2))  # the version moves on: the count is out of date
    calls = fake_work.calls
    counting = f"chuxin:workbench-counting:{world.secretary.pk}"
    assert cache.add(counting, 1, 10)  # another request holds the right to count
    assert ">1</span>" in client.get(reverse("workbench:badge")).content.decode()
    assert fake_work.calls == calls
    cache.delete(counting)  # that request is done (or its hold has run out)
    assert ">2</span>" in client.get(reverse("workbench:badge")).content.decode()
    assert fake_work.calls == calls + 1
    assert cache.get(counting) is None  # the right is given back after counting


def test_the_badge_after_the_workbench_page_does_not_gather_again(world, fake_work, client_for):
    """The page gathers the work; the count it makes is kept, so the page's own badge request (and any badge
    until the next write) reads it instead of asking every app a second time."""
    client = client_for(world.secretary)
    fake_work.give(world.secretary, D(2026, 1, 1))
    fake_work.give(world.secretary, D(2026, 1, 2))
    assert client.get(reverse("workbench:home")).status_code == 200
    calls = fake_work.calls
    assert ">2</span>" in client.get(reverse("portal:badges")).content.decode()
    assert fake_work.calls == calls



def test_a_persons_own_write_renews_their_count_unless_the_view_changes_no_ones_work(world, fake_work, client_for):
    """OwnWorkMiddleware: a person's own write renews their kept count and items; a refused write, a read, or a
    view that says it changes no one's work (a practice question answered) renews nothing."""
    from types import SimpleNamespace

    from django.http import HttpResponse
    from django.test import RequestFactory

    from chuxin.core import versions
    from chuxin.core.middleware import OwnWorkMiddleware
    from chuxin.notices import views as notice_views
    from chuxin.quizzes import views as quiz_views

    client = client_for(world.secretary)
    fake_work.give(world.secretary, D(2026, 1, 1))
    assert ">1</span>" in client.get(reverse("workbench:badge")).content.decode()
    calls = fake_work.calls
    assert client.post(reverse("quizzes:daily-answer", args=[999999])).status_code == 404  # refused
    assert ">1</span>" in client.get(reverse("workbench:badge")).content.decode() and fake_work.calls == calls
    assert client.post(reverse("workbench:feed-settings")).status_code == 200  # an own write
    assert ">1</span>" in client.get(reverse("workbench:badge")).content.decode() and fake_work.calls == calls + 1

    name = versions.of_user(world.secretary.pk)

    def renews(status: int, method: str = "post", *, quiet: bool = False) -> bool:
        request = getattr(RequestFactory(), method)("/somewhere/")
        request.user = world.secretary

        def view(request):
            return None

        request.resolver_match = SimpleNamespace(func=versions.leaves_work_alone(view) if quiet else view)
        before = versions.current(name)
        OwnWorkMiddleware(lambda request: HttpResponse(status=status))(request)
        return versions.current(name) != before

    assert renews(200) and renews(302) and renews(204, "delete")
    assert not renews(200, quiet=True) and not renews(403) and not renews(200, "get") and not renews(200, "head")
    assert quiz_views.daily_answer_view.leaves_work_alone  # through login_required and require_POST
    assert not getattr(notice_views.confirm_view, "leaves_work_alone", False)


def test_rows_are_escaped_and_say_today_or_no_date(world, fake_work, client_for):
    """The rows' markup is made in Python (presentation.Section.rows_html): every value still escaped."""
    from django.utils import timezone

    fake_work.give(world.secretary, timezone.localdate(), title='<script>alert("x")</script>',
                   organization='"支部"&<b>')
    fake_work.give(world.secretary, None, title="无日期的工作", state="<i>open</i>")
    html = client_for(world.secretary).get(reverse("workbench:home")).content.decode()
    assert '<script>alert' not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&quot;支部&quot;&amp;&lt;b&gt;" in html and "&lt;i&gt;open&lt;/i&gt;" in html
    assert 'bg-warning-subtle">' in html and ">Today</div>" in html
    assert '<span class="text-muted">—</span>' in html
