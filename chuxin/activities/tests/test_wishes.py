"""Micro-wishes: the public form and list without login, review, claim, fulfilment and the wisher's feedback."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from chuxin.activities import selectors, services
from chuxin.activities.models import Wish
from chuxin.core.public_forms import HONEYPOT, STAMP
from chuxin.notifications.models import Notification
from chuxin.records.models import WorkRecord

WishState = Wish.State


def _form(client: Client, url: str) -> dict:
    """The stamp the page gave, as a browser sends it back."""
    import re

    page = client.get(url).content.decode()
    stamp = re.search(rf'name="{STAMP}" value="([^"]+)"', page)[1]
    return {STAMP: stamp, HONEYPOT: ""}


def _post_wish(client: Client, world, text="帮我修一下楼道的灯", **extra):
    url = reverse("activities:public-new")
    data = {**_form(client, url), "organization": world.b1.pk, "text": text, "who": "elderly",
            "wisher_name": "王奶奶", "wisher_contact": "13812345678", **extra}
    return client.post(url, data)


def _wish(world, state=WishState.PUBLISHED, text="给独居老人送一次菜") -> tuple[Wish, str]:
    wish, token = services.wish_submit(organization=world.b1, name="王奶奶", contact="13812345678", who="elderly",
                                       text=text)
    if state != WishState.SUBMITTED:
        services.wish_review(actor=world.secretary, wish=wish, publish=True)
    return wish, token


def test_a_resident_posts_a_wish_without_logging_in_and_follows_it_by_a_private_link(world):
    client = Client()
    response = _post_wish(client, world)
    assert response.status_code == 302 and "?new=1" in response["Location"]
    wish = Wish.objects.get()
    assert (wish.organization, wish.state, wish.wisher_name) == (world.b1, WishState.SUBMITTED, "王奶奶")
    assert len(wish.token_hash) == 64 and wish.token_hash not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Keep this page" in page and "帮我修一下楼道的灯" in page and "review your wish soon" in page
    assert client.get(reverse("activities:follow", args=["x" * 32])).status_code == 404


def test_a_wish_sent_twice_is_kept_once_and_the_last_link_works(world):
    client = Client()
    first = _post_wish(client, world)["Location"]
    second = _post_wish(client, world)["Location"]
    assert Wish.objects.count() == 1
    assert client.get(second).status_code == 200
    assert client.get(first).status_code == 404


def test_the_public_list_shows_the_wish_and_never_the_wishers_name_or_contact(world):
    wish, _token = _wish(world)
    submitted, _token = _wish(world, WishState.SUBMITTED, text="还没审核的心愿")
    for url in (reverse("activities:public-wishes"), reverse("activities:public-org-wishes", args=[world.b1.code])):
        page = Client().get(url).content.decode()
        assert "给独居老人送一次菜" in page and "elderly resident" in page
        assert "王奶奶" not in page and "13812345678" not in page
        assert "还没审核的心愿" not in page


def test_a_flood_from_one_address_is_refused_with_a_clear_message_and_nothing_saved(world, settings):
    client = Client()
    for i in range(5):
        assert _post_wish(client, world, text=f"心愿{i}").status_code == 302
    response = _post_wish(client, world, text="第六个")
    assert response.status_code == 429
    assert "Too many submissions" in response.content.decode() and "Nothing was saved" in response.content.decode()
    assert Wish.objects.count() == 5


def test_a_bot_filling_the_hidden_field_is_refused(world):
    response = _post_wish(Client(), world, **{HONEYPOT: "http://spam.example"})
    assert response.status_code == 200 and "could not be accepted" in response.content.decode()
    assert not Wish.objects.exists()


def test_a_wish_without_text_says_what_is_missing_and_keeps_what_was_typed(world):
    response = _post_wish(Client(), world, text="")
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required." in page and "13812345678" in page
    assert not Wish.objects.exists()


def test_hostile_text_is_shown_as_text_on_the_public_list(world):
    _wish(world, text="<script>alert(1)</script>")
    page = Client().get(reverse("activities:public-wishes")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_review_publishes_or_declines_with_a_reason(world):
    wish, token = _wish(world, WishState.SUBMITTED)
    with pytest.raises(ValidationError):
        services.wish_review(actor=world.secretary, wish=wish, publish=False, reason="")
    services.wish_review(actor=world.secretary, wish=wish, publish=False, reason="不属于本社区")
    page = Client().get(reverse("activities:follow", args=[token])).content.decode()
    assert "不属于本社区" in page
    with pytest.raises(ValidationError, match="already been reviewed"):
        services.wish_review(actor=world.secretary, wish=wish, publish=True)


def test_a_wish_waiting_for_review_is_only_for_the_organizations_managers(world, client_for):
    wish, _token = _wish(world, WishState.SUBMITTED)
    assert client_for(world.member_user).get(wish.get_absolute_url()).status_code == 404
    page = client_for(world.secretary).get(wish.get_absolute_url()).content.decode()
    assert "13812345678" in page and "Publish on the public list" in page
    assert [i.state for i in selectors.workbench_items(world.secretary)] == ["to review"]


def test_a_member_claims_then_sees_the_contact_and_a_second_claim_is_refused(world, people, client_for):
    wish, _token = _wish(world)
    client = client_for(people.li.user)
    assert "13812345678" not in client.get(wish.get_absolute_url()).content.decode()
    client.post(reverse("activities:wish-claim", args=[wish.pk]))
    assert "13812345678" in client.get(wish.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError, match="already been claimed by another member"):
        services.wish_claim(actor=people.zhou.user, wish=wish)
    response = client_for(people.zhou.user).post(reverse("activities:wish-claim", args=[wish.pk]), follow=True)
    assert "already been claimed by another member" in response.content.decode()
    assert Wish.objects.get(pk=wish.pk).claimed_by == people.li


def test_only_members_of_the_organization_claim(world):
    wish, _token = _wish(world)
    with pytest.raises(ValidationError, match="Only members"):
        services.wish_claim(actor=world.secretary, wish=wish)  # no member file


def test_fulfilment_writes_a_record_and_the_wishers_feedback_closes_it(world, people, client_for,
                                                                     django_capture_on_commit_callbacks):
    wish, token = _wish(world)
    services.wish_claim(actor=people.li.user, wish=wish)
    with pytest.raises(PermissionDenied):
        services.wish_fulfil(actor=people.zhou.user, wish=wish, note="不是我认领的")
    response = client_for(people.li.user).post(reverse("activities:wish-fulfil", args=[wish.pk]),
                                               {"note": "周六送了一次菜"})
    assert response.status_code == 302
    record = WorkRecord.objects.get(kind="wish_fulfilled")
    assert list(record.members.all()) == [people.li] and record.organization == world.b1
    client = Client()
    url = reverse("activities:follow", args=[token])
    assert "周六送了一次菜" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"rating": "5", "text": "谢谢！"}).status_code == 302
    wish.refresh_from_db()
    assert (wish.state, wish.rating, wish.feedback) == (WishState.CLOSED, 5, "谢谢！")
    assert Notification.objects.filter(recipient=people.li.user).exists()
    again = client.post(url, {"rating": "1"})
    assert "already given your feedback" in again.content.decode()
    assert Wish.objects.get(pk=wish.pk).rating == 5


def test_feedback_before_fulfilment_is_refused(world):
    wish, token = _wish(world)
    with pytest.raises(ValidationError, match="once the wish has been fulfilled"):
        services.wish_feedback(wish=wish, rating=4)


def test_the_claimer_may_give_a_wish_back(world, people):
    wish, _token = _wish(world)
    services.wish_claim(actor=people.li.user, wish=wish)
    services.wish_release(actor=people.li.user, wish=wish)
    assert services.wish_claim(actor=people.zhou.user, wish=wish).claimed_by == people.zhou


def test_the_member_file_lists_the_wishes_fulfilled(world, people):
    wish, _token = _wish(world)
    services.wish_claim(actor=people.li.user, wish=wish)
    services.wish_fulfil(actor=people.li.user, wish=wish, note="送到了")
    sections = selectors.member_history(people.li, world.secretary)
    assert [s.title for s in sections] == ["Micro-wishes fulfilled"]


def test_the_private_link_reads_in_chinese_in_every_state(world, people):
    from chuxin.core.tests.test_page_language import problems, visible_text

    wish, token = _wish(world, WishState.SUBMITTED)
    url = reverse("activities:follow", args=[token])
    client = Client()
    pages = [client.get(url + "?new=1", HTTP_ACCEPT_LANGUAGE="zh-hans")]
    services.wish_review(actor=world.secretary, wish=wish, publish=True)
    services.wish_claim(actor=people.li.user, wish=wish)
    pages.append(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    services.wish_fulfil(actor=people.li.user, wish=wish, note="送到了")
    pages.append(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    pages.append(client.post(url, {"rating": "9"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))  # an error on the page
    for response in pages:
        found = problems(visible_text(response.content.decode()))
        assert not [p for p in found if "http" not in p], found
