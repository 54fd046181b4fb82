"""At the same moment, on PostgreSQL: the last place is taken once (the next sign-up waits on the activity's row
and goes to the waiting list), and a wish is claimed once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chuxin.activities.models import Activity, Participant, Wish, token_hash
from chuxin.testing import make_member, make_user

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that runs two writers at once"),
    pytest.mark.django_db(transaction=True),
]


def _together(users, url) -> list[int]:
    answers: list[int] = []
    barrier = threading.Barrier(len(users))

    def send(user):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            answers.append(client.post(url).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_simultaneous_sign_ups_never_overbook(world):
    start = timezone.now() + datetime.timedelta(days=1)
    activity = Activity.objects.create(organization=world.b1, organization_path=world.b1.path, title="名额有限",
                                       place="社区", starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                                       capacity=3)
    users = [make_user(f"p{i}") for i in range(8)]
    for i, user in enumerate(users):
        make_member(world.b1, f"成员{i}", user=user)
    answers = _together(users, reverse("activities:signup", args=[activity.pk]))
    assert answers == [302] * 8
    states = list(activity.participants.values_list("state", flat=True))
    assert states.count(Participant.State.SIGNED_UP) == 3
    assert states.count(Participant.State.WAITING) == 5


def test_two_simultaneous_claims_take_the_wish_once(world):
    wish = Wish.objects.create(organization=world.b1, organization_path=world.b1.path, wisher_name="王奶奶",
                               wisher_contact="138", text="修灯", state=Wish.State.PUBLISHED,
                               token_hash=token_hash("concurrent-claim-token-0123456789"))
    users = [make_user(f"c{i}") for i in range(2)]
    members = [make_member(world.b1, f"认领{i}", user=user) for i, user in enumerate(users)]
    _together(users, reverse("activities:wish-claim", args=[wish.pk]))
    wish.refresh_from_db()
    assert wish.state == Wish.State.CLAIMED and wish.claimed_by in members
