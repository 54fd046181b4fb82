"""A report's statuses and the steps between them (chuxin.core.states).

Its writer (the post holder, or a manager of the reporting organization) submits a draft, and submits it again
once returned; a manager of the organization that set the requirement returns a submitted report for changes or
accepts it. An accepted report moves no more.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need, can
from chuxin.core.states import Machine, Transition

from .access import WRITER
from .models import Report


def may_write(actor, report: Report) -> bool:
    """The post holder (reports.access.WRITER), or a manager of the reporting organization."""
    return WRITER.test(actor, report) or can(actor, report.organization, Need.MANAGE)


def reviewing_organization(report: Report):
    return report.period.requirement.organization


S = Report.Status

REPORTS = Machine(
    Report.Status,
    Transition("submit", Report.EDITABLE, S.SUBMITTED, who=may_write),
    Transition("resubmit", (S.RETURNED,), S.SUBMITTED, who=may_write,
               refused=_("Only a returned report can be submitted again.")),
    Transition("return", (S.SUBMITTED,), S.RETURNED, who=Need.MANAGE, where=reviewing_organization,
               refused=_("Only a submitted report can be returned.")),
    Transition("accept", (S.SUBMITTED,), S.ACCEPTED, who=Need.MANAGE, where=reviewing_organization,
               refused=_("Only a submitted report can be accepted.")),
)
