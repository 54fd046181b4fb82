"""The notification centre: my notifications only, open marks read and goes where I act (on this site only)."""

from __future__ import annotations

import json

from django.urls import reverse

from chuxin.notifications.models import Notification
from chuxin.notifications.services import notify

LIST = "/notifications/"


def make(world, user=None, *, title="请完成季度党建工作报告", url="/orgs/", key="", kind="report_due"):
    return notify(recipient=user or world.secretary, kind=kind, target=world.b1, title=title, url=url,
                  dedup_key=key)


def test_the_centre_shows_only_my_notifications_newest_first(world, client_for):
    make(world, title="较早的通知", key="1")
    make(world, title="较新的通知", key="2")
    make(world, world.committee, title="别人的通知")
    response = client_for(world.secretary).get(reverse("notifications:list"))
    assert reverse("notifications:list") == LIST
    titles = [n.title for n in response.context["page_obj"]]
    assert titles == ["较新的通知", "较早的通知"]
    assert "别人的通知" not in response.content.decode()


def test_unread_ones_are_highlighted_and_can_be_filtered(world, client_for):
    make(world, title="已读的", key="1").read_at = None
    Notification.objects.filter(title="已读的").update(read_at="2026-01-01T00:00:00Z")
    make(world, title="未读的", key="2")
    client = client_for(world.secretary)
    html = client.get(LIST).content.decode()
    assert html.count('data-unread="1"') == 1
    unread = client.get(LIST, {"show": "unread"})
    assert [n.title for n in unread.context["page_obj"]] == ["未读的"]


def test_open_marks_read_and_goes_where_i_act(world, client_for):
    n = make(world, url="/orgs/")
    response = client_for(world.secretary).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/orgs/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_someone_elses_notification_is_not_found(world, client_for):
    n = make(world, world.committee)
    response = client_for(world.secretary).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_an_external_url_is_never_followed(world, client_for):
    # Even one stored around notify (which drops such links) only leads back to the centre.
    client = client_for(world.secretary)
    for i, url in enumerate(["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]):
        n = Notification.objects.create(recipient=world.secretary, kind="assigned", title="x", url=url,
                                        dedup_key=str(i))
        response = client.get(reverse("notifications:open", args=[n.pk]))
        assert response["Location"] == LIST, url


def test_mark_all_read(world, client_for):
    make(world, key="1")
    make(world, key="2")
    other = make(world, world.committee)
    response = client_for(world.secretary).post(reverse("notifications:mark-all-read"))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Notification.objects.filter(recipient=world.secretary, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read_by_htmx_returns_the_list_and_refreshes_the_bell(world, client_for):
    make(world)
    response = client_for(world.secretary).post(reverse("notifications:mark-all-read") + "?show=unread",
                                                HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    # The bell refreshes, and the message is read out in the page's live region (HtmxMessagesMiddleware).
    events = json.loads(response["HX-Trigger"])
    assert "notifications-changed" in events
    assert [m["level"] for m in events["cx-messages"]] == ["success"]
    assert events["cx-messages"][0]["text"] in ("All notifications are marked read.", "所有通知已标记为已读。")
    html = response.content.decode()
    assert 'id="notification-results"' in html and "<html" not in html
    assert "No unread notifications." in html


def test_mark_all_read_refuses_get(world, client_for):
    assert client_for(world.secretary).get(reverse("notifications:mark-all-read")).status_code == 405


def test_the_badge_counts_my_unread(world, client_for):
    make(world, key="1")
    make(world, key="2")
    make(world, world.committee)
    client = client_for(world.secretary)
    assert client.get(reverse("notifications:badge")).context["unread"] == 2
    client.post(reverse("notifications:mark-all-read"))
    response = client.get(reverse("notifications:badge"))
    assert response.context["unread"] == 0 and b"unread-count" not in response.content


def test_the_top_bar_has_the_bell(world, client_for):
    html = client_for(world.secretary).get(LIST).content.decode()
    assert 'data-testid="bell"' in html and f'hx-get="{reverse("portal:badges")}"' in html


def test_the_list_is_paginated(world, client_for):
    for i in range(35):
        make(world, key=str(i))
    client = client_for(world.secretary)
    first = client.get(LIST)
    assert len(first.context["page_obj"]) == 30
    assert len(client.get(LIST, {"page": 2}).context["page_obj"]) == 5
    assert len(client.get(LIST, {"page": "x"}).context["page_obj"]) == 30
