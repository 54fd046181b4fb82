"""The evaluation's stages and who moves it on (chuxin.core.states).

self-assessment -> peer grading -> committee proposal -> meeting decision -> concluded. The secretary (MANAGE on
the branch) opens grading and closes it; the committee (MANAGE, or a seat on the branch's committee) hands its
proposal to the meeting; the secretary records the meeting's decision, which concludes the evaluation.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from chuxin.core.access import Need, can
from chuxin.core.states import Machine, Transition

from .access import holds_seat
from .models import Evaluation

S = Evaluation.Stage


def may_propose(user, evaluation: Evaluation) -> bool:
    return can(user, evaluation.organization, Need.MANAGE) or holds_seat(user, evaluation.organization)


STAGES = Machine(
    S,
    Transition("start_grading", [S.SELF_ASSESSMENT], S.GRADING, who=Need.MANAGE,
               refused=gettext_lazy("Peer grading can only be opened after the self-assessment stage.")),
    Transition("close_grading", [S.GRADING], S.PROPOSAL, who=Need.MANAGE,
               refused=gettext_lazy("Only open peer grading can be closed.")),
    Transition("submit_proposal", [S.PROPOSAL], S.DECISION, who=may_propose,
               refused=gettext_lazy("The committee's proposal can only be handed on while it is being written.")),
    Transition("conclude", [S.DECISION], S.CONCLUDED, who=Need.MANAGE,
               refused=gettext_lazy("The final grades can only be recorded after the committee's proposal.")),
    where=lambda evaluation: evaluation.organization,
)

