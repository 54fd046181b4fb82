"""A task's statuses and the steps between them (chuxin.core.states).

Its assignees report progress, and reaching 100% submits it for confirmation; the plan's owner or a manager of
its organization confirms it done, or reopens it once submitted or done. Nothing moves a confirmed task but a
reopening.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chuxin.core.states import Machine, Transition

from .access import can_confirm, records_progress
from .models import Task

S = Task.Status
NOT_DONE = (S.OPEN, S.IN_PROGRESS, S.SUBMITTED)
ALREADY_DONE = _("The task is already confirmed complete; ask the owner to reopen it.")
ASSIGNEES_ONLY = _("Only the people assigned to this task (for those without a login, their secretary or the plan's "
                   "owner) can update its progress.")

TASKS = Machine(
    Task.Status,
    Transition("progress", NOT_DONE, S.IN_PROGRESS, who=records_progress, refused=ALREADY_DONE,
               forbidden=ASSIGNEES_ONLY),
    Transition("submit", NOT_DONE, S.SUBMITTED, who=records_progress, refused=ALREADY_DONE, forbidden=ASSIGNEES_ONLY),
    Transition("confirm", NOT_DONE, S.DONE, who=can_confirm,
               forbidden=_("Only the plan's owner or its organization's secretary can confirm completion.")),
    Transition("reopen", (S.SUBMITTED, S.DONE), S.IN_PROGRESS, who=can_confirm),
)
