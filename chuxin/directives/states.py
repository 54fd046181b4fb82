"""A directive recipient row's states and the steps between them (chuxin.core.states).

A manager of the receiving organization acknowledges receipt, adds follow-up actions or tasks of its own plan (the
directive is then in progress) and reports it completed; after that nothing more is added. Whether the sender has
closed the directive is the directive's own status, checked apart.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.states import Machine, Transition

from .models import DirectiveRecipient

S = DirectiveRecipient.State
NOT_COMPLETED = (S.SENT, S.ACKNOWLEDGED, S.IN_PROGRESS)

RECIPIENTS = Machine(
    DirectiveRecipient.State,
    Transition("acknowledge", (S.SENT,), S.ACKNOWLEDGED, who=Need.MANAGE),
    Transition("add_action", NOT_COMPLETED, S.IN_PROGRESS, who=Need.MANAGE,
               refused=_("Completion has already been reported; no more actions can be added.")),
    Transition("add_task", NOT_COMPLETED, S.IN_PROGRESS, who=Need.MANAGE,
               refused=_("Completion has already been reported; no more tasks can be added.")),
    Transition("complete", NOT_COMPLETED, S.COMPLETED, who=Need.MANAGE),
    where=lambda row: row.organization,
)
