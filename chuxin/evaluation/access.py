"""Who may do what in the evaluation and the talks, beyond standing on the organization (chuxin.core.access).

- A participant acts on their own part (self-assessment, ballot, feedback): the relation PARTICIPANT, tested on
  the evaluation for the asking user (one query, answered from `participant_for` when the view loaded it).
- A committee member (a current seat on the organization's committee, held with a member file linked to the
  account) proposes grades and records their own talks: the relation SEAT.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from chuxin.core.access import Need, Relation
from chuxin.orgs.models import Position

from .models import Participant


def participant_for(evaluation, user) -> Participant | None:
    """The user's own participation in `evaluation` (cached on the evaluation for the request), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = evaluation.__dict__.setdefault("_participant_for", {})
    if user.pk not in cache:
        cache[user.pk] = (
            Participant.objects.filter(evaluation=evaluation, member__user=user).select_related("member").first()
        )
    return cache[user.pk]


def holds_seat(user, organization, today=None) -> bool:
    """Whether the user's member file holds a seat on the organization's committee today."""
    if not getattr(user, "is_authenticated", False):
        return False
    today = today or timezone.localdate()
    return Position.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today), organization=organization, member__user=user,
        started_on__lte=today,
    ).exists()


PARTICIPANT = Relation("participant", lambda user, evaluation: participant_for(evaluation, user) is not None,
                       Need.MANAGE)
SEAT = Relation("committee seat", lambda user, evaluation: holds_seat(user, evaluation.organization), Need.MANAGE)
ORG_SEAT = Relation("committee seat", lambda user, organization: holds_seat(user, organization), Need.MANAGE)
