"""Transfers as the two secretaries live them: request, approval by the sending side, acceptance by the receiving
side; the letter out of the platform with its number and return slip; a member from a letter, accepted once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from chuxin.members.models import Member
from chuxin.records.models import WorkRecord
from chuxin.testing import make_member, valid_citizen_id
from chuxin.transfers import reminders, services
from chuxin.transfers.models import Transfer
from chuxin.transfers.selectors import access_transfer, workbench_items

TODAY = datetime.date.today()


def within(world, member=None):
    member = member or world.member
    t = services.transfer_request(actor=world.secretary, member=member, kind="within", destination=world.b2,
                                  reason="工作调动")
    return services.transfer_approve(actor=world.secretary, transfer=t)


def test_the_member_moves_only_when_the_receiving_side_accepts(world):
    t = within(world)
    world.member.refresh_from_db()
    assert world.member.organization == world.b1  # still managed by the sending branch
    assert [i.state for i in workbench_items(world.outsider)] == ["to accept"]
    assert access_transfer(world.outsider, t.pk).pk == t.pk  # the receiving side reads it
    with pytest.raises(PermissionDenied):
        services.transfer_accept(actor=world.secretary, transfer=t)  # the sending side cannot accept
    services.transfer_accept(actor=world.outsider, transfer=t)
    world.member.refresh_from_db()
    assert world.member.organization == world.b2
    assert WorkRecord.objects.filter(kind="member_transferred", organization=world.b2).count() == 1
    assert workbench_items(world.outsider) == []


def test_a_transfer_accepted_twice_is_refused(world):
    t = within(world)
    services.transfer_accept(actor=world.outsider, transfer=t)
    with pytest.raises(ValidationError, match="already been accepted"):
        services.transfer_accept(actor=world.outsider, transfer=t)


def test_acceptance_needs_the_sending_sides_approval(world):
    t = services.transfer_request(actor=world.secretary, member=world.member, kind="within", destination=world.b2,
                                  reason="调动")
    with pytest.raises(ValidationError, match="requested"):
        services.transfer_accept(actor=world.outsider, transfer=t)
    with pytest.raises(ValidationError, match="already has a transfer"):
        services.transfer_request(actor=world.secretary, member=world.member, kind="out", other_name="外",
                                  reason="调动")


def test_nobody_else_requests_or_approves(world):
    with pytest.raises(PermissionDenied):
        services.transfer_request(actor=world.outsider, member=world.member, kind="within", destination=world.b2,
                                  reason="x")
    t = services.transfer_request(actor=world.secretary, member=world.member, kind="within", destination=world.b2,
                                  reason="x")
    for actor in (world.outsider, world.viewer, world.member_user):
        with pytest.raises(PermissionDenied):
            services.transfer_approve(actor=actor, transfer=t)


def test_a_letter_is_numbered_by_year_and_its_return_slip_takes_the_member_off_the_roll(world):
    letters = []
    for name in ("甲", "乙"):
        m = make_member(world.b1, name)
        t = services.transfer_request(actor=world.secretary, member=m, kind="out", other_name="某区街道党工委",
                                      reason="迁居")
        with pytest.raises(ValidationError):
            services.transfer_approve(actor=world.secretary, transfer=t)  # dues paid up to is needed
        # TODAY was read when the module was imported: the letter is dated by it too, so a run across midnight
        # does not date the letter a day after its return slip.
        letters.append(services.transfer_approve(actor=world.secretary, transfer=t, today=TODAY,
                                                 dues_paid_to=datetime.date(TODAY.year, 1, 15)))
    assert [t.letter_number for t in letters] == [f"{TODAY.year}-0001", f"{TODAY.year}-0002"]
    assert letters[0].valid_days == 30 and letters[0].dues_paid_to == datetime.date(TODAY.year, 1, 1)
    services.transfer_return_slip(actor=world.secretary, transfer=letters[0], on=TODAY)
    member = Member.objects.get(pk=letters[0].member_id)
    assert member.status == Member.Status.TRANSFERRED_OUT
    with pytest.raises(ValidationError, match="already been recorded"):
        services.transfer_return_slip(actor=world.secretary, transfer=letters[0], on=TODAY)


def test_an_overdue_letter_is_flagged_and_reminded_once(world):
    t = services.transfer_request(actor=world.secretary, member=world.member, kind="out", other_name="外", reason="x")
    t = services.transfer_approve(actor=world.secretary, transfer=t, valid_days=10,
                                  dues_paid_to=TODAY, today=TODAY - datetime.timedelta(days=20))
    assert t.is_overdue(TODAY)
    assert [i.state for i in workbench_items(world.secretary)] == ["return slip overdue"]
    found = reminders.due_reminders(TODAY)
    assert {r.recipient for r in found} >= {world.secretary}
    assert {r.dedup_key for r in found} == {f"letter:{t.letter_number}"}


def incoming(world, number: str = "2026-0137", **extra):
    born = datetime.date(1990, 10, 8)
    return services.incoming_register(
        actor=world.outsider, organization=world.b2, other_name="某大学党委", letter_number=number,
        letter_on=TODAY - datetime.timedelta(days=3), dues_paid_to=TODAY,
        citizen_id_number=extra.pop("citizen_id_number", None) or valid_citizen_id(born), name="陆明",
        gender="male", birth_date=born, category="full", joined_on=datetime.date(2012, 6, 1),
        full_member_on=datetime.date(2013, 6, 1), **extra)


def test_a_member_from_outside_is_registered_from_the_letter_once(world):
    t = incoming(world)
    assert t.member.organization == world.b2 and t.status == Transfer.Status.ACCEPTED
    with pytest.raises(ValidationError, match="already been accepted"):
        incoming(world)
    assert Member.objects.filter(name="陆明").count() == 1


def test_a_hostile_name_is_stored_as_text(world, client):
    t = services.transfer_request(actor=world.secretary, member=world.member, kind="out",
                                  other_name="<script>alert(1)</script>", reason="<img src=x onerror=alert(1)>")
    client.force_login(world.secretary)
    page = client.get(f"/transfers/{t.pk}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that runs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_letters_approved_at_the_same_moment_get_different_numbers(world):
    pending = [services.transfer_request(actor=world.secretary, member=make_member(world.b1, n), kind="out",
                                         other_name="外", reason="x") for n in ("甲", "乙", "丙")]
    barrier = threading.Barrier(len(pending))

    def approve(t):
        try:
            barrier.wait()
            services.transfer_approve(actor=world.secretary, transfer=t, dues_paid_to=timezone.localdate())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(t,)) for t in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = sorted(Transfer.objects.values_list("letter_number", flat=True))
    assert numbers == [f"{timezone.localdate().year}-000{i}" for i in (1, 2, 3)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that runs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_the_same_acceptance_at_the_same_moment_moves_once(world):
    t = within(world)
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def accept():
        try:
            barrier.wait()
            services.transfer_accept(actor=world.outsider, transfer=t)
            answers.append("accepted")
        except ValidationError:
            answers.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["accepted", "refused"]
    assert WorkRecord.objects.filter(kind="member_transferred").count() == 1


def test_the_letter_takes_dues_paid_up_to_from_the_dues_ledger_when_not_typed(world, client_for):
    from decimal import Decimal

    from django.urls import reverse

    from chuxin.dues.models import DuesBill

    m = make_member(world.b1, "丙")
    for month, paid in ((1, "40.00"), (2, "40.00"), (3, "0")):
        DuesBill.objects.create(member=m, organization=m.organization, organization_path=m.organization.path,
                                month=datetime.date(TODAY.year, month, 1), kind="employed", base=Decimal("4000"),
                                due=Decimal("40.00"), paid=Decimal(paid))
    t = services.transfer_request(actor=world.secretary, member=m, kind="out", other_name="某区街道党工委", reason="迁居")
    page = client_for(world.secretary).get(reverse("transfers:detail", args=[t.pk])).content.decode()
    assert f'value="{TODAY.year}-02"' in page  # the form offers February, the last month paid in a row
    letter = services.transfer_approve(actor=world.secretary, transfer=t)
    assert letter.dues_paid_to == datetime.date(TODAY.year, 2, 1)
