"""A directive's statuses and its recipient rows' states, and the steps between them (chuxin.core.states).

The directive: a manager of the sending organization closes it (nothing more is expected; what was done stays on
record) or, when it was sent by mistake and no recipient has reported it completed yet, withdraws it (it leaves
the recipients' workbenches and they are told). Either ends it.

A recipient row: a manager of the receiving organization acknowledges receipt, adds follow-up actions or tasks of
its own plan (the directive is then in progress) and reports it completed; after that nothing more is added.
Whether the directive is still open is checked apart, on the directive.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.states import Machine, Transition

from .models import Directive, DirectiveRecipient

D = Directive.Status
DIRECTIVES = Machine(
    Directive.Status,
    Transition("close", (D.OPEN,), D.CLOSED, who=Need.MANAGE),
    Transition("withdraw", (D.OPEN,), D.WITHDRAWN, who=Need.MANAGE,
               refused=_("Only an open directive can be withdrawn.")),
    where=lambda directive: directive.sender,
)

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
