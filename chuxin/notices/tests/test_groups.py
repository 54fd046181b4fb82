"""Member groups: membership read from the access policy (it follows a member's move at once), messages seen and
searched by members only, mentions, quiet hours, unread counts, the poll that brings only new messages, key paging."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuxin.members.models import Member
from chuxin.notices import selectors, services
from chuxin.notices.models import Group, Message, QuietHours
from chuxin.notifications.models import Notification


@pytest.fixture
def b1_group(world) -> Group:
    return services.group_of(world.b1)


def test_an_organizations_group_follows_its_membership_without_a_sync(world, b1_group, b2_person):
    assert selectors.access_group(world.member_user, b1_group.pk) == b1_group
    with pytest.raises(Exception):  # noqa: B017 (404)
        selectors.access_group(b2_person, b1_group.pk)
    Member.objects.filter(user=b2_person).update(organization=world.b1, org_path=world.b1.path)  # moved to B1
    b2_person._chuxin_standings = None
    del b2_person._chuxin_standings
    assert selectors.access_group(b2_person, b1_group.pk) == b1_group
    assert set(selectors.group_people(b1_group).values_list("username", flat=True)) >= {"member", "b2person",
                                                                                        "secretary"}


def test_my_groups_are_my_organization_and_those_above_it(world):
    titles = [e.group.title for e in services.my_groups(world.member_user)]
    assert titles == ["上级党委", "基层党委", "第一支部"]


def test_messages_are_seen_and_searched_by_members_only(world, b1_group, client_for, b2_person):
    services.message_post(actor=world.member_user, group=b1_group, text="周五学习党章第三章")
    assert "学习党章" in client_for(world.secretary).get(reverse("notices:group", args=[b1_group.pk])).content.decode()
    found = client_for(world.secretary).get(reverse("notices:search", args=[b1_group.pk]), {"q": "党章"})
    assert 'data-message' in found.content.decode()
    for outsider in (world.outsider, world.worker, world.viewer, b2_person):
        client = client_for(outsider)
        assert client.get(reverse("notices:group", args=[b1_group.pk])).status_code == 404
        assert client.get(reverse("notices:search", args=[b1_group.pk]), {"q": "党章"}).status_code == 404
        assert client.get(reverse("notices:messages", args=[b1_group.pk]), {"after": 0}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.message_post(actor=world.outsider, group=b1_group, text="闯入")


def test_a_script_in_a_message_is_shown_as_text(world, b1_group, client_for):
    services.message_post(actor=world.member_user, group=b1_group, text='<img src=x onerror=alert(1)><script>x</script>')
    page = client_for(world.secretary).get(reverse("notices:group", args=[b1_group.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page and "<script>x" not in page


def test_a_mention_tells_the_person_except_in_their_quiet_hours(world, b1_group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_post(actor=world.secretary, group=b1_group, text="@李四 请准备发言")
    assert list(message.mentions.values_list("username", flat=True)) == ["member"]
    assert Notification.objects.filter(kind="mention", recipient=world.member_user).count() == 1
    QuietHours.objects.create(user=world.member_user, start=datetime.time(0, 0), end=datetime.time(23, 59, 59))
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(actor=world.secretary, group=b1_group, text="@李四 再提醒一下")
    assert Notification.objects.filter(kind="mention", recipient=world.member_user).count() == 1
    entry = next(e for e in services.my_groups(world.member_user) if e.group == b1_group)
    assert entry.unread == 2 and entry.mentioned


def test_unread_counts_and_the_poll_bring_only_new_messages(world, b1_group, client_for):
    first = services.message_post(actor=world.secretary, group=b1_group, text="第一条")
    client = client_for(world.member_user)
    client.get(reverse("notices:group", args=[b1_group.pk]))  # read up to the first
    second = services.message_post(actor=world.secretary, group=b1_group, text="第二条")
    assert next(e for e in services.my_groups(world.member_user) if e.group == b1_group).unread == 1
    poll = client.get(reverse("notices:messages", args=[b1_group.pk]), {"after": first.pk},
                      HTTP_HX_REQUEST="true").content.decode()
    assert f'data-message="{second.pk}"' in poll and f'data-message="{first.pk}"' not in poll
    assert f"after={second.pk}" in poll
    assert next(e for e in services.my_groups(world.member_user) if e.group == b1_group).unread == 0


def test_a_post_by_htmx_answers_with_the_new_messages_and_a_fresh_composer(world, b1_group, client_for):
    client = client_for(world.member_user)
    page = client.get(reverse("notices:group", args=[b1_group.pk]))
    token = page.context["form"].initial["token"]
    answer = client.post(reverse("notices:group", args=[b1_group.pk]), {"token": token, "text": "你好", "after": 0},
                         HTTP_HX_REQUEST="true").content.decode()
    assert "你好" in answer and 'hx-swap-oob="true"' in answer
    empty = client.post(reverse("notices:group", args=[b1_group.pk]), {"token": "other", "text": " ", "after": 0},
                        HTTP_HX_REQUEST="true")
    assert "Write a message or attach a file." in empty.content.decode()
    assert Message.objects.count() == 1


def test_a_reply_names_a_message_of_the_same_group_only(world, b1_group):
    other = services.group_of(world.b2)
    foreign = Message.objects.create(group=other, author_name="x", text="别组")
    with pytest.raises(ValidationError):
        services.message_post(actor=world.member_user, group=b1_group, text="回复", reply_to=foreign)


def test_a_group_of_many_messages_opens_on_its_latest_page_in_a_constant_number_of_queries(world, b1_group):
    Message.objects.bulk_create([Message(group=b1_group, author_name="甲", text=f"消息{i}") for i in range(80)])
    with CaptureQueriesContext(connection) as queries:
        page, more = selectors.latest_messages(b1_group)
    # the page (keyed by id), its attachments
    assert len(queries) == 2 and more and page[-1].text == "消息79"
    older, _more = selectors.latest_messages(b1_group, before=page[0].pk)
    assert older[-1].pk < page[0].pk


def test_a_custom_group_holds_the_people_chosen_and_its_maker(world, client_for):
    group = services.custom_group_create(actor=world.secretary, organization=world.b1, name="宣传小组",
                                         people=[world.member])
    assert set(selectors.group_people(group).values_list("username", flat=True)) == {"secretary", "member"}
    assert client_for(world.committee).get(reverse("notices:group", args=[group.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.custom_group_create(actor=world.worker, organization=world.b2, name="越界", people=[world.member])


def test_quiet_hours_need_both_ends(world, client_for):
    response = client_for(world.member_user).post(reverse("notices:quiet"), {"start": "22:00", "end": ""})
    assert "Give both a start and an end" in response.content.decode()
    client_for(world.member_user).post(reverse("notices:quiet"), {"start": "22:00", "end": "07:00"})
    quiet = QuietHours.objects.get(user=world.member_user)
    from django.utils import timezone

    assert quiet.covers(timezone.make_aware(datetime.datetime(2026, 1, 1, 23, 30)))
    assert quiet.covers(timezone.make_aware(datetime.datetime(2026, 1, 2, 6, 59)))
    assert not quiet.covers(timezone.make_aware(datetime.datetime(2026, 1, 2, 7, 0)))
