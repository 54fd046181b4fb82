"""The committee's page and a resource's bookings cost the same number of queries whatever their length."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chuxin.joint import services
from chuxin.joint.models import Booking, Resource
from chuxin.orgs.models import PartnerUnit


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _rows(world, unit, room, n, offset):
    for i in range(n):
        services.proposal_create(actor=world.worker, host=world.pc, title=f"议题{offset + i}", background="背景")
        filed = services.request_file(host=world.pc, name="居民", contact="1", subject=f"诉求{offset + i}", text="t")
        services.request_route(actor=world.worker, asked=filed, partner_unit=unit)
        start = timezone.now() + datetime.timedelta(days=2, hours=offset + i)
        Booking.objects.create(resource=room, unit=unit, purpose="活动", starts_at=start,
                               ends_at=start + datetime.timedelta(minutes=30))


def test_lists_do_not_grow_with_rows(world, client_for):
    unit = PartnerUnit.objects.create(host=world.pc, name="共建单位")
    room = Resource.objects.create(host=world.pc, host_path=world.pc.path, owner=unit, name="会议室",
                                   opens_at=datetime.time(0), closes_at=datetime.time(23, 59))
    worker = client_for(world.worker)
    committee = reverse("joint:committee", args=[world.pc.pk])
    resource = reverse("joint:resource", args=[room.pk])
    _rows(world, unit, room, 2, 0)
    few = (_count(worker, committee), _count(worker, resource))
    _rows(world, unit, room, 6, 10)
    assert (_count(worker, committee), _count(worker, resource)) == few
