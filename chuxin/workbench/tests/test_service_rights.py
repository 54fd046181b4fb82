"""The workbench's one write service checks its actor itself, whoever calls it: a calendar link is made only for
the person asking, and only for a person (someone not logged in is refused; nothing is written)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from chuxin.testing import not_refused, service_functions
from chuxin.workbench import services
from chuxin.workbench.models import FeedToken


def test_every_write_service_refuses_an_actor_without_standing(world):
    tried = {"feed_token_regenerate": lambda a: services.feed_token_regenerate(actor=a)}
    assert set(tried) == service_functions(services)
    assert not_refused(tried, AnonymousUser()) == []
    assert not FeedToken.objects.exists()
    services.feed_token_regenerate(actor=world.stranger)  # a person without standing still has their own calendar
    assert list(FeedToken.objects.values_list("user", flat=True)) == [world.stranger.pk]
