"""Anonymity is real: even a superuser reading the database cannot tie a ballot to its voter. The ballot table
has no column naming a voter and no time; it shares no column with the voter records but the evaluation; its
keys are random, so ordering by key does not give the order ballots were cast; casting writes no audit entry,
notification or work record that would date the vote."""

from __future__ import annotations

import uuid

from django.db import connection

from chuxin.audit.models import AuditEntry
from chuxin.evaluation import services
from chuxin.evaluation.models import Ballot, VoterRecord
from chuxin.notifications.models import Notification
from chuxin.records.models import WorkRecord


def _columns(model) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table} WHERE 1 = 0")  # noqa: S608 - our own table names
        return {column[0] for column in cursor.description}


def test_the_tables_share_nothing_but_the_evaluation(db):
    ballot, voter = _columns(Ballot), _columns(VoterRecord)
    assert ballot == {"id", "evaluation_id", "graded_id", "grade"}
    assert voter == {"id", "evaluation_id", "voter_id"}
    assert ballot & voter == {"id", "evaluation_id"}  # "id": each its own random key, never equal across tables
    for model in (Ballot, VoterRecord):
        kinds = {f.get_internal_type() for f in model._meta.concrete_fields}
        assert not kinds & {"DateTimeField", "DateField", "TimeField", "AutoField", "BigAutoField"}


def test_a_superuser_cannot_tie_ballots_to_voters(branch):
    evaluation = branch.to_grading()
    cast_in_order: list[list[uuid.UUID]] = []
    voters = ["陈一", "周二", "李四", "吴三", "郑五"]
    written = (AuditEntry.objects.count(), Notification.objects.count(), WorkRecord.objects.count())
    for name in voters:
        before = set(Ballot.objects.values_list("pk", flat=True))
        others = evaluation.participants.filter(graded=True).exclude(member=branch.member(name))
        services.ballot_cast(actor=branch.user(name), evaluation=evaluation, grades={p.pk: "qualified" for p in others})
        cast_in_order.append(sorted(set(Ballot.objects.values_list("pk", flat=True)) - before))
    assert (AuditEntry.objects.count(), Notification.objects.count(), WorkRecord.objects.count()) == written
    # What a superuser reads: every row of both tables.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, evaluation_id, graded_id, grade FROM {Ballot._meta.db_table} ORDER BY id")  # noqa: S608
        ballots = cursor.fetchall()
        cursor.execute(f"SELECT id, evaluation_id, voter_id FROM {VoterRecord._meta.db_table} ORDER BY id")  # noqa: S608
        records = cursor.fetchall()
    assert len(ballots) == 3 + 3 + 3 + 3 + 4 and len(records) == 5  # the probationary 郑五 grades all four
    # The keys are random (version 4 UUIDs carry no time), so ordering by key does not reproduce the order of
    # casting: the ballots of one voter are not a run of consecutive keys.
    keys = [uuid.UUID(str(row[0])) for row in ballots]
    assert all(k.version == 4 for k in keys)
    position = {str(k): i for i, k in enumerate(keys)}
    runs = [sorted(position[str(k)] for k in group) for group in cast_in_order]
    assert not all(run == list(range(run[0], run[0] + len(run))) for run in runs)
    assert [str(k) for k in keys] != [str(k) for group in cast_in_order for k in group]
    # No voter record's key appears in any ballot row. (A voter is graded too, so the participants' ids appear on
    # both sides; that says who was graded, which is no secret, not who graded them.)
    assert not {str(row[0]) for row in records} & {str(v) for row in ballots for v in row}


def test_the_tally_waits_for_enough_voters_that_no_ballot_can_be_read_off_it(branch, client_for):
    from django.urls import reverse

    evaluation = branch.to_grading()
    for name in ("陈一", "周二"):
        others = evaluation.participants.filter(graded=True).exclude(member=branch.member(name))
        services.ballot_cast(actor=branch.user(name), evaluation=evaluation, grades={p.pk: "excellent" for p in others})
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="close_grading")
    page = client_for(branch.world.secretary).get(reverse("evaluation:propose", kwargs={"pk": evaluation.pk}))
    html = page.content.decode()
    assert 'data-testid="tally-hidden"' in html and 'data-testid="tally"' not in html
