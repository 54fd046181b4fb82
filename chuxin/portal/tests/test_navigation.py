"""The side navigation, drawn once per strongest standing and language (portal.context_processors.Navigation):
who sees which entry, which one is marked, and a new role showing at the next page without anything to clear."""

from __future__ import annotations

import re

from django.db import connection
from django.urls import reverse

from chuxin.accounts.models import Role, RoleGrant


def _nav(html: str) -> str:
    return re.search(r'<nav class="nav flex-column[^>]*>(.*?)</nav>', html, re.S).group(1)


def _links(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link cx-nav-link[^"]*" href="([^"]+)"', _nav(html))


def test_a_person_without_standing_sees_no_member_list_until_granted_a_role(world, client_for):
    client = client_for(world.stranger)
    before = _links(client.get(reverse("portal:me")).content.decode())
    assert reverse("portal:me") in before and reverse("members:list") not in before

    RoleGrant.objects.create(user=world.stranger, organization=world.b2, role=Role.SECRETARY)
    after = _links(client.get(reverse("portal:me")).content.decode())
    assert reverse("members:list") in after and reverse("audit:list") not in after  # a secretary: no audit log
    assert set(before) < set(after)


def test_the_current_pages_entry_alone_is_marked(world, client_for):
    client = client_for(world.worker)
    nav = _nav(client.get(reverse("members:list")).content.decode())
    assert nav.count('aria-current="page"') == 1 and nav.count(" active\"") == 1
    assert f'<a class="nav-link cx-nav-link active" href="{reverse("members:list")}" aria-current="page">' in nav
    # A page without its own entry marks its app's namesake: a member file marks "Members".
    nav = _nav(client.get(reverse("members:detail", args=[world.member.pk])).content.decode())
    assert f'active" href="{reverse("members:list")}" aria-current="page"' in nav
    assert nav.count('aria-current="page"') == 1


def test_the_navigation_speaks_the_readers_language_and_links_the_workbench_count(world, client_for):
    client = client_for(world.worker)
    nav = _nav(client.get(reverse("portal:home")).content.decode())
    assert ">组织与党员</div>" in nav and ">党员</a>" in nav
    assert 'id="cx-workbench-count"' in nav  # filled by the bell's request (portal:badges), out of band
    client.post(reverse("set_language"), {"language": "en"})
    nav = _nav(client.get(reverse("portal:home")).content.decode())
    assert ">Organization and members</div>" in nav and ">Members</a>" in nav and "党员" not in nav


def test_an_htmx_partial_carries_no_navigation(world, client_for):
    html = client_for(world.worker).get(reverse("members:list"), headers={"HX-Request": "true"}).content.decode()
    assert "cx-nav-link" not in html


def test_one_request_brings_both_counts(world, client_for):
    """The bell's request (portal:badges) answers the unread notifications for the bell and the open work, out of
    band, for the side navigation's workbench entry: a page view costs two requests, not three."""
    import datetime

    from chuxin.directives.services import directive_send
    from chuxin.notifications.services import notify

    client = client_for(world.secretary)
    page = client.get(reverse("portal:home")).content.decode()
    assert page.count(f'hx-get="{reverse("portal:badges")}"') == 1 and 'id="cx-workbench-count"' in page
    assert reverse("workbench:badge") not in page and reverse("notifications:badge") not in page
    empty = client.get(reverse("portal:badges")).content.decode()
    assert 'data-testid="unread-count"' not in empty and 'data-testid="workbench-count"' not in empty
    assert re.search(r'<span id="cx-workbench-count" hx-swap-oob="innerHTML">\s*</span>', empty)  # emptied: none
    directive_send(actor=world.worker, sender=world.pc, title="关于开展自查的通知", body="请按期报送。",
                   due_on=datetime.date(2030, 1, 1), recipients=[world.b1], subtree=False)
    notify(recipient=world.secretary, actor=world.worker, kind="assigned", target=world.b1, title="请查收", url="/")
    html = client.get(reverse("portal:badges")).content.decode()
    assert 'data-testid="unread-count" aria-hidden="true">1</span>' in html
    oob = html[html.index('<span id="cx-workbench-count" hx-swap-oob="innerHTML">'):]
    assert 'data-testid="workbench-count" aria-hidden="true"' in oob and ">1</span>" in oob


def test_a_page_draws_both_counts_when_the_work_count_is_known(world, client_for):
    """Most page views make no request for the counts: once the open work was counted and nothing was written
    since, the page is drawn with both (the bell's and the workbench entry's, which the phone's bottom bar copies)
    and the bell asks only on a change or every two minutes. A write makes the next page ask again, as it loads,
    and never makes a page wait for the workbench to be gathered."""
    import datetime

    from django.test.utils import CaptureQueriesContext

    from chuxin.directives.services import directive_send
    from chuxin.notifications.services import notify
    from chuxin.workbench import selectors as workbench

    client = client_for(world.secretary)
    directive_send(actor=world.worker, sender=world.pc, title="关于开展自查的通知", body="请按期报送。",
                   due_on=datetime.date(2030, 1, 1), recipients=[world.b1], subtree=False)
    notify(recipient=world.secretary, actor=world.worker, kind="assigned", target=world.b1, title="请查收", url="/")
    gather = workbench._gather_apps
    gathered = []
    workbench._gather_apps = lambda user, apps: gathered.append(user) or gather(user, apps)
    try:
        page = client.get(reverse("portal:me")).content.decode()
        assert gathered == [] and 'hx-trigger="load, notifications-changed from:body, every 120s"' in page
        assert 'data-testid="workbench-count"' not in page and 'data-testid="unread-count"' not in page
        client.get(reverse("portal:badges"), headers={"HX-Request": "true"})  # what the page asks: counted
        assert len(gathered) == 1
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("portal:me")).content.decode()
        assert len(gathered) == 1  # not gathered again: the count kept is drawn in
    finally:
        workbench._gather_apps = gather
    assert 'hx-trigger="notifications-changed from:body, every 120s"' in page and 'hx-trigger="load' not in page
    bell = page[page.index('data-testid="bell"'):page.index("</a>", page.index('data-testid="bell"'))]
    assert 'data-testid="unread-count" aria-hidden="true">1</span>' in bell
    assert 'data-testid="bell-label">通知：1条未读</span>' in bell
    nav = _nav(page)
    count = nav[nav.index('<span id="cx-workbench-count" data-cx-count="workbench">'):]
    assert 'data-testid="workbench-count" aria-hidden="true"' in count and ">1</span>" in count[:count.index("</a>")]
    assert not any("notifications_notification" in q["sql"] for q in queries.captured_queries)  # kept too
    notify(recipient=world.secretary, actor=world.worker, kind="assigned", target=world.b2, title="又一条", url="/")
    directive_send(actor=world.worker, sender=world.pc, title="第二份通知", body="请按期报送。",
                   due_on=datetime.date(2030, 1, 1), recipients=[world.b1], subtree=False)
    page = client.get(reverse("portal:me")).content.decode()  # written since: asked for as the page loads
    assert 'hx-trigger="load, notifications-changed' in page and 'data-testid="workbench-count"' not in page
    html = client.get(reverse("portal:badges")).content.decode()
    assert "通知：2条未读" in html and "待办工作：2项" in html


def test_the_load_tests_ask_what_a_browser_asks_after_every_page(world, client_for):
    """bench/ drives the server as a browser does: the page, then the htmx requests base.html makes on load. They
    must be the page's own, or the load figures measure another site."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "locust_common", Path(__file__).resolve().parents[3] / "bench" / "locust_common.py")
    common = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(common)
    client = client_for(world.secretary)
    first = client.get(reverse("portal:me")).content.decode()  # the count not known yet: asked for on load
    assert re.findall(r'hx-get="([^"]+)" hx-trigger="load\b', first) == common.asked_on_load(first)
    assert common.asked_on_load(first) == common.AFTER_A_PAGE == [reverse("portal:badges")]
    client.get(reverse("portal:badges"), headers={"HX-Request": "true"})
    again = client.get(reverse("portal:me")).content.decode()  # known now: drawn in, nothing asked
    assert 'hx-trigger="load' not in again and common.asked_on_load(again) == []


def test_a_plain_members_first_page_counts_nothing_open_itself(world, client_for, django_capture_on_commit_callbacks):
    """A member who reads nowhere and has nothing open: the first page of the day draws both counts (0) from the
    probe's one query and asks nothing as it loads (500 members starting the daily practice at once were 500
    requests more). Once something is open for them, the page asks as before and the badge counts it."""
    from django.test.utils import CaptureQueriesContext

    from chuxin.core import access
    from chuxin.notices.services import notice_send
    from chuxin.workbench import selectors as workbench

    assert not access.has_any(world.member_user, access.Need.READ)
    client = client_for(world.member_user)
    gather = workbench._gather_apps
    gathered = []
    workbench._gather_apps = lambda user, apps: gathered.append(apps) or gather(user, apps)
    try:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("portal:me")).content.decode()
    finally:
        workbench._gather_apps = gather
    assert 'hx-trigger="load' not in page and "hx-trigger=\"notifications-changed from:body, every 120s\"" in page
    from chuxin.accounts.models import User

    assert workbench._count_known(User.objects.get(pk=world.member_user.pk))[0] == 0  # counted, and kept
    assert gathered == []  # no gathering: the apps without a probe asked directly, each at once
    assert sum(q["sql"].startswith("SELECT EXISTS") for q in queries.captured_queries) == 1
    with django_capture_on_commit_callbacks(execute=True):
        notice_send(actor=world.worker, organization=world.pc, title="请确认收到", body="请按期报送。",
                    needs_confirmation=True, to_organizations=[world.b1])
    page = client.get(reverse("portal:me")).content.decode()  # something open: the badge's request counts it
    assert 'hx-trigger="load, notifications-changed' in page and 'data-testid="workbench-count"' not in page
    html = client.get(reverse("portal:badges"), headers={"HX-Request": "true"}).content.decode()
    assert "待办工作：1项" in html
