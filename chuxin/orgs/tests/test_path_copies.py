"""A subtree that moves takes its records with it: every copy of its path on other rows follows the move, so the
new superior sees the branch's meetings and work records and the old one no longer does."""

from __future__ import annotations

import datetime

from chuxin.meetings.models import Meeting
from chuxin.orgs import services
from chuxin.orgs.models import Organization
from chuxin.orgs.path_copies import path_copies
from chuxin.records.models import WorkRecord
from chuxin.records.services import record_work


def test_every_copy_of_a_moved_branch_path_follows_it(world):
    K = Organization.Kind
    other = services.organization_create(actor=None, parent=world.sup, name="第二基层党委", code="PC2",
                                         kind=K.GRASSROOTS_COMMITTEE)
    meeting = Meeting.objects.create(organization=world.b1, organization_path=world.b1.path, kind="general",
                                     title="支部党员大会",
                                     planned_at=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC))
    group_record, _made = record_work(kind="quiz.practice_done", organization=world.g1, on=datetime.date(2026, 3, 1),
                               target=meeting, label="小组会",
                               payload={"kind": "daily", "correct": 5, "answered": 5})
    stays, _made = record_work(kind="quiz.practice_done", organization=world.b2, on=datetime.date(2026, 3, 1), target=meeting,
                        key="b2", label="第二支部", payload={"kind": "daily", "correct": 5, "answered": 5})
    before = {(m._meta.label, f): set(m._base_manager.values_list(f, flat=True)) for m, f in path_copies()}
    assert world.b1.path in before[("meetings.Meeting", "organization_path")]

    services.organization_move(actor=None, organization=world.b1, new_parent=other)
    b1, g1 = Organization.objects.get(pk=world.b1.pk), Organization.objects.get(pk=world.g1.pk)
    assert b1.path.startswith(other.path) and g1.path.startswith(b1.path)

    # Every copy now starts with the new path; none is left at the old one; rows outside the subtree untouched.
    for model, name in path_copies():
        left = model._base_manager.filter(**{f"{name}__startswith": world.b1.path}).count()
        assert left == 0, f"{model._meta.label}.{name}: {left} rows still at the old path"
    assert Meeting.objects.get(pk=meeting.pk).organization_path == b1.path
    assert WorkRecord.objects.get(pk=group_record.pk).organization_path == g1.path
    assert WorkRecord.objects.get(pk=stays.pk).organization_path == world.b2.path

    # Scope follows: the new committee's records include the branch's group, the old committee's no longer do.
    from chuxin.records.selectors import records_in

    assert group_record.pk in set(records_in(other).values_list("pk", flat=True))
    assert group_record.pk not in set(records_in(world.pc).values_list("pk", flat=True))

def test_every_path_copy_follows_the_naming_rule():
    """The move finds copies by name (a CharField ending in `_path`). These are the ones today; a new one is
    welcome, a copy under another name would be missed by the move: name it `*_path`."""
    found = {f"{m._meta.label}.{f}" for m, f in path_copies()}
    assert {"members.Member.org_path", "records.WorkRecord.organization_path", "meetings.Meeting.organization_path",
            "audit.AuditEntry.organization_path", "joint.Proposal.host_path",
            "transfers.Transfer.destination_path"} <= found
