"""The same ballot sent twice at the same moment (a double tap on a slow line, two tabs): one wins, the other is
refused, and the ballots are those of one submission. The voter record's unique constraint decides, so the
database's own locking does the work (PostgreSQL: the second insert waits for the first to commit)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from chuxin.evaluation import services
from chuxin.evaluation.models import Ballot, VoterRecord


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that runs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_ballots_at_the_same_moment_one_wins(branch):
    evaluation = branch.to_grading()
    voter = branch.user("陈一")
    grades = {p.pk: "qualified" for p in evaluation.participants.filter(graded=True).exclude(member=branch.member("陈一"))}
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def cast():
        try:
            barrier.wait()
            services.ballot_cast(actor=voter, evaluation=evaluation, grades=grades)
            answers.append("cast")
        except ValidationError:
            answers.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["cast", "refused"]
    assert VoterRecord.objects.count() == 1 and Ballot.objects.count() == len(grades)
