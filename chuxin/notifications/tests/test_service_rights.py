"""The notification centre's write services check their actor themselves, whoever calls them: a notification is
its recipient's alone, so anyone else (a stranger, a worker above) is refused marking it read, and nothing is
written. The rest are the house telling people things, with no actor, or a person's own inbox."""

from __future__ import annotations

from chuxin.notifications import services
from chuxin.notifications.models import Notification
from chuxin.testing import not_refused, service_functions

NO_WRITE = {
    "notify": "the house telling someone: no actor",
    "notify_once": "the house telling someone: no actor",
    "notification_send_email": "the background job that mails a notification: no actor",
    "notifications_mark_all_read": "a person's own inbox: it touches only the actor's notifications",
    "is_local_path": "a question about a link",
    "target_key": "how a target is stored",
    "recipient_language": "a person's language",
}


def test_every_write_service_refuses_an_actor_without_standing(world):
    note = services.notify(recipient=world.secretary, kind="assigned", target=world.b1, title="新任务", url="/orgs/")
    tried = {"notification_mark_read": lambda a: services.notification_mark_read(user=a, notification=note)}
    assert set(tried) | set(NO_WRITE) == service_functions(services)
    assert not_refused(tried, world.stranger, world.worker, world.committee) == []
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_marking_all_read_touches_only_the_actors_own(world):
    mine = services.notify(recipient=world.secretary, kind="assigned", target=world.b1, title="新任务", url="/orgs/")
    assert services.notifications_mark_all_read(user=world.worker) == 0
    assert Notification.objects.get(pk=mine.pk).read_at is None
