"""The personal iCalendar feed (RFC 5545) and its secret link."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.urls import reverse

from chuxin.audit.models import AuditEntry
from chuxin.core.protocols import WorkItem
from chuxin.workbench import ics
from chuxin.workbench.models import FeedToken, feed_token_digest
from chuxin.workbench.services import feed_token_regenerate

D = datetime.date


def unfold(body: str) -> list[str]:
    assert "\n" not in body.replace("\r\n", ""), "every line ends with CRLF"
    assert body.endswith("\r\n")
    return body.replace("\r\n ", "").split("\r\n")[:-1]


def events(body: str) -> list[dict[str, str]]:
    """The VEVENTs as {name (with parameters): value}, after checking the nesting."""
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    found, current = [], None
    for line in lines[1:-1]:
        name, _colon, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            current[name] = value
    assert current is None
    return found


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


_tokens: dict[int, str] = {}


def feed_url(user) -> str:
    """The user's feed URL, made on first use (the token is known only when it is made)."""
    if user.pk not in _tokens or not FeedToken.objects.filter(user=user, digest=feed_token_digest(
            _tokens[user.pk])).exists():
        _tokens[user.pk] = feed_token_regenerate(actor=user).token
    return reverse("workbench:feed", kwargs={"token": _tokens[user.pk]})


def test_the_feed_is_a_calendar_with_one_all_day_event_per_dated_item(world, fake_work, client):
    me = world.secretary
    fake_work.give(me, D(2026, 12, 31), title="年度报告", state="to write", uid="report-7@chuxin")
    fake_work.give(me, D(2026, 2, 28), kind="directive", title="学习贯彻", state="to acknowledge",
                   organization="第一支部")
    fake_work.give(me, None, title="没有日期的事")
    response = client.get(feed_url(me))  # no login
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    body = response.content.decode()
    head = unfold(body)[:7]
    assert head[:5] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Chuxin//My workbench//EN",
                        "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    assert head[5].startswith("X-WR-CALNAME:")
    found = events(body)
    assert [e["SUMMARY"] for e in found] == ["学习贯彻", "年度报告"]  # soonest first; the undated one left out
    first = found[0]
    assert first["DTSTART;VALUE=DATE"] == "20260228" and first["DTEND;VALUE=DATE"] == "20260301"
    assert first["URL"].startswith("http://testserver/directives/")
    assert unescape(first["DESCRIPTION"]) == "to acknowledge · 第一支部"
    assert len(first["DTSTAMP"]) == 16 and first["DTSTAMP"].endswith("Z")
    assert found[1]["UID"] == "report-7@chuxin"
    assert found[1]["DTEND;VALUE=DATE"] == "20270101"  # across the year


def test_the_feed_uids_are_stable_across_fetches(world, fake_work, client):
    fake_work.give(world.secretary, D(2026, 3, 1), uid="task-1@chuxin")
    fake_work.give(world.secretary, D(2026, 3, 2), uid="")  # a provider without uids still gets stable ones
    url = feed_url(world.secretary)
    first = [e["UID"] for e in events(client.get(url).content.decode())]
    fake_work.items[world.secretary.pk].reverse()
    second = [e["UID"] for e in events(client.get(url).content.decode())]
    assert first == second and first[0] == "task-1@chuxin" and second[1].startswith("task-")
    assert len(set(first)) == 2


def test_text_is_escaped_and_long_lines_folded_at_75_octets(world, fake_work, client):
    title = "关于做好“不忘初心、牢记使命”主题教育; 检视问题,整改落实\\第二批\n（附件）" * 3
    fake_work.give(world.secretary, D(2026, 5, 4), title=title, organization="第一支部, 机关")
    body = client.get(feed_url(world.secretary)).content
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character was cut in half
    (event,) = events(body.decode())
    summary = event["SUMMARY"]
    assert "\\;" in summary and "\\," in summary and "\\\\" in summary and "\\n" in summary and "\n" not in summary
    assert unescape(summary) == title
    assert unescape(event["DESCRIPTION"]) == "open · 第一支部, 机关"


def test_fold_cuts_only_between_characters_and_continues_with_a_space():
    assert ics.fold("A" * 75) == "A" * 75
    assert ics.fold("A" * 76) == "A" * 75 + "\r\n A"
    folded = ics.fold("SUMMARY:" + "党" * 60)  # 8 + 180 octets
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == "SUMMARY:" + "党" * 60


def test_escape_text():
    assert ics.escape_text('a\\b;c,d\r\ne\nf"g:h') == 'a\\\\b\\;c\\,d\\ne\\nf"g:h'


def test_calendar_text_without_items_is_still_a_calendar():
    body = ics.calendar_text([], name="我的", absolute=str, now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    assert body == ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Chuxin//My workbench//EN\r\nCALSCALE:GREGORIAN\r\n"
                    "METHOD:PUBLISH\r\nX-WR-CALNAME:我的\r\nEND:VCALENDAR\r\n")


def test_dtstamp_is_utc():
    item = WorkItem(kind="task", title="t", url="/t/", due=D(2026, 1, 1), state="open", uid="t@chuxin")
    tz = datetime.timezone(datetime.timedelta(hours=8))
    body = ics.calendar_text([item], name="n", absolute=str, now=datetime.datetime(2026, 1, 1, 8, 30, tzinfo=tz))
    assert events(body)[0]["DTSTAMP"] == "20260101T003000Z"


# ---------------------------------------------------------------------------------------------------------------
# The token


def test_another_users_token_shows_only_their_items(world, fake_work, client):
    fake_work.give(world.secretary, D(2026, 3, 1), title="书记的事")
    fake_work.give(world.committee, D(2026, 3, 1), title="委员的事")
    assert [e["SUMMARY"] for e in events(client.get(feed_url(world.committee)).content.decode())] == ["委员的事"]
    assert [e["SUMMARY"] for e in events(client.get(feed_url(world.secretary)).content.decode())] == ["书记的事"]


def test_the_token_not_the_login_decides_whose_feed_it_is(world, fake_work, client_for):
    fake_work.give(world.secretary, D(2026, 3, 1), title="书记的事")
    url = feed_url(world.secretary)
    body = client_for(world.committee).get(url).content.decode()
    assert [e["SUMMARY"] for e in events(body)] == ["书记的事"]


@pytest.mark.parametrize("token", ["x", "A" * 43, "not-a-token-at-all"])
def test_an_unknown_token_is_not_found(world, fake_work, client, token):
    feed_token_regenerate(actor=world.secretary)
    assert client.get(reverse("workbench:feed", kwargs={"token": token})).status_code == 404


def test_a_deactivated_users_feed_is_gone(world, fake_work, client):
    url = feed_url(world.secretary)
    world.secretary.is_active = False
    world.secretary.save()
    assert client.get(url).status_code == 404


def test_the_feed_answers_get_only(world, fake_work, client):
    assert client.post(feed_url(world.secretary)).status_code == 405


def _shown_token(page) -> str:
    """The token in the link the settings page shows (once, in the answer that made it)."""
    url = page.context["url"]
    assert url.startswith("http://testserver/workbench/feed/") and url.endswith(".ics")
    return url.removeprefix("http://testserver/workbench/feed/").removesuffix(".ics")


def test_regenerating_the_token_invalidates_the_old_url(world, fake_work, client_for):
    client = client_for(world.secretary)
    settings_url = reverse("workbench:feed-settings")
    page = client.get(settings_url)
    assert page.context["feed"] is None and "Make my calendar link" in page.content.decode()

    response = client.post(settings_url)
    assert response.status_code == 200  # the link is in this answer, and only in this one
    assert "Your calendar link is ready." in response.content.decode()
    first = _shown_token(response)
    old_url = f"http://testserver/workbench/feed/{first}.ics"
    assert response.context["webcal"] == f"webcal://testserver/workbench/feed/{first}.ics"
    assert old_url in response.content.decode() and "shown only now" in response.content.decode()
    assert client.get(old_url).status_code == 200
    page = client.get(settings_url)  # later: the page says a link exists, not what it is
    assert page.context["url"] == "" and first not in page.content.decode()
    assert "shown only when it is made" in page.content.decode()

    response = client.post(settings_url)
    assert "the old one no longer works" in response.content.decode()
    second = _shown_token(response)
    assert second != first and len(second) >= 43
    assert client.get(old_url).status_code == 404
    assert client.get(f"/workbench/feed/{second}.ics").status_code == 200
    assert FeedToken.objects.count() == 1


def test_only_a_digest_of_the_token_is_stored(world, fake_work, client):
    feed = feed_token_regenerate(actor=world.secretary)
    token = feed.token
    stored = FeedToken.objects.filter(pk=feed.pk).values().get()
    assert token not in str(stored)
    assert stored["digest"] == hashlib.sha256(token.encode()).hexdigest()
    # The digest itself is no key to the feed: only the token is.
    assert client.get(reverse("workbench:feed", kwargs={"token": stored["digest"]})).status_code == 404
    assert client.get(reverse("workbench:feed", kwargs={"token": token})).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_tokens_into_digests_and_the_links_keep_working(client):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from chuxin.testing import make_user

    user = make_user("subscriber")
    executor = MigrationExecutor(connection)
    executor.migrate([("workbench", "0001_initial")])
    old = executor.loader.project_state([("workbench", "0001_initial")]).apps.get_model("workbench", "FeedToken")
    old.objects.create(user_id=user.pk, token="an-old-token-already-in-someones-calendar-app")
    executor = MigrationExecutor(connection)
    executor.migrate([("workbench", "0002_feed_token_digest")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    feed = FeedToken.objects.get(user=user)
    assert feed.digest == hashlib.sha256(b"an-old-token-already-in-someones-calendar-app").hexdigest()
    url = reverse("workbench:feed", kwargs={"token": "an-old-token-already-in-someones-calendar-app"})
    assert client.get(url).status_code == 200


def test_regenerating_is_audited_without_the_token(world):
    first = feed_token_regenerate(actor=world.secretary).token
    feed = feed_token_regenerate(actor=world.secretary)
    entries = AuditEntry.objects.filter(target_type="workbench.feedtoken").order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert all(token not in str(e.changes) + e.target_repr for e in entries for token in (first, feed.token))


def test_the_settings_page_needs_a_login(client):
    response = client.get(reverse("workbench:feed-settings"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_demo_data_gives_each_demo_account_a_link_once(world, db):
    from chuxin.testing import make_user
    from chuxin.workbench.demo import seed_demo_data

    worker = make_user("worker1-not-demo")
    demo = make_user("secretary1")
    seed_demo_data(today=D(2026, 11, 25))
    digest = FeedToken.objects.get(user=demo).digest
    seed_demo_data(today=D(2026, 11, 26))
    assert FeedToken.objects.get(user=demo).digest == digest
    assert not FeedToken.objects.filter(user=worker).exists()


def test_the_first_and_last_days_a_date_can_hold_do_not_break_the_feed(world, fake_work, client):
    # A due date of 9999-12-31 once made every fetch of the assignee's feed fail (there is no day after it).
    fake_work.give(world.secretary, datetime.date.max, title="远期")
    fake_work.give(world.secretary, datetime.date.min, title="元年")
    fake_work.give(world.secretary, D(2026, 3, 1), title="平常")
    response = client.get(feed_url(world.secretary))
    assert response.status_code == 200
    found = {e["SUMMARY"]: e for e in events(response.content.decode())}
    assert found["远期"]["DTSTART;VALUE=DATE"] == "99991231" and "DTEND;VALUE=DATE" not in found["远期"]
    assert (found["元年"]["DTSTART;VALUE=DATE"], found["元年"]["DTEND;VALUE=DATE"]) == ("00010101", "00010102")
    assert (found["平常"]["DTSTART;VALUE=DATE"], found["平常"]["DTEND;VALUE=DATE"]) == ("20260301", "20260302")
