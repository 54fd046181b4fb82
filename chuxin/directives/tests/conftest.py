"""Directive fixtures on top of the root `world`: a third branch B3 under PC, so a directive can go to three."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from chuxin.accounts.models import Role
from chuxin.directives import services
from chuxin.orgs.models import Organization
from chuxin.orgs.services import organization_create
from chuxin.testing import make_user


@dataclass
class Three:
    b3: object
    secretary3: object  # secretary of B3

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()


@pytest.fixture
def three(world) -> Three:
    b3 = organization_create(actor=None, parent=world.pc, name="第三支部", code="B3", kind=Organization.Kind.BRANCH)
    return Three(b3=b3, secretary3=make_user("secretary3", role=Role.SECRETARY, org=b3))


@pytest.fixture
def sent_to_three(world, three):
    """A directive from PC to B1, B2 and B3, sent by PC's worker."""
    return services.directive_send(
        actor=world.worker, sender=world.pc, title="关于开展主题党日活动的通知", body="第一行\n第二行",
        due_on=timezone.localdate() + datetime.timedelta(days=5), recipients=[world.b1, world.b2, three.b3],
    )


@pytest.fixture
def notified(monkeypatch):
    """Every notification the directives app sends, as (username, kind, target, dedup_key)."""
    calls: list[tuple] = []

    def record(*, recipient, kind, target, title, url, actor, dedup_key="", params=None):
        if recipient != actor:  # as notify: nobody is told of what they did themselves
            calls.append((recipient.username, kind, target, dedup_key))

    monkeypatch.setattr(services, "_notify", record)
    return calls


def sent_days_ago(directive, days: int) -> None:
    """Move the directive's sending back by `days` calendar days (a recipient has working days to acknowledge)."""
    from chuxin.directives.models import Directive

    Directive.objects.filter(pk=directive.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    directive.refresh_from_db()


def row_of(directive, org):
    return directive.recipients.select_related("organization", "directive__sender").get(organization=org)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
