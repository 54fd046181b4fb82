"""Statuses that move only by declared steps, and who may take each step.

An app declares its object's machine once (e.g. chuxin/reports/states.py), beside the status choices:

    REPORTS = Machine(
        Report.Status,
        Transition("submit", [Report.Status.DRAFT, Report.Status.RETURNED], Report.Status.SUBMITTED, who=may_write),
        Transition("accept", [Report.Status.SUBMITTED], Report.Status.ACCEPTED, who=Need.MANAGE,
                   where=lambda report: report.period.requirement.organization,
                   refused=gettext_lazy("Only a submitted report can be accepted.")),
    )

Its service asks `REPORTS.require(actor, report, "accept")` (PermissionDenied unless the actor may take the
step) and `REPORTS.check(report.status, Report.Status.ACCEPTED)` (a ValidationError in the user's language when
the step does not lead there from the current status); a page asks `REPORTS.allowed(report.status)` for the
names of the steps open from there, to know which buttons to show. Repeating a step that has already been taken
(a double click) is the service's business: it returns before asking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .access import Need, can

Who = Need | Callable[[Any, Any], bool] | None  # a Need on the object's organization, or a predicate (user, obj)


@dataclass(frozen=True)
class Transition:
    """A step named `name` (what the button does) from any of `sources` to `target`.

    `who` may take it: None (anyone the view let in), a Need on the organization `where(obj)` (the machine's
    `where` unless given), or a predicate `who(user, obj)`. `refused` is the message when the step is tried from
    another status; `forbidden` the one when the user may not take it."""

    name: str
    sources: Iterable[str]
    target: str
    _: KW_ONLY
    who: Who = None
    where: Callable[[Any], Any] | None = None
    refused: Any = None  # a lazy translation
    forbidden: Any = None  # a lazy translation

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", tuple(self.sources))


class Machine:
    def __init__(self, states: type[models.TextChoices], *transitions: Transition,
                 where: Callable[[Any], Any] | None = None) -> None:
        values = set(states.values)
        names = [t.name for t in transitions]
        if len(set(names)) != len(names):
            raise ValueError(f"two transitions share a name: {names}")
        for t in transitions:
            unknown = {*t.sources, t.target} - values
            if unknown:
                raise ValueError(f"transition {t.name!r} names states that {states.__name__} lacks: {unknown}")
            if isinstance(t.who, Need) and not (t.where or where):
                raise ValueError(f"transition {t.name!r} needs {t.who!r} but says nowhere on which organization")
        self.states = states
        self.transitions = transitions
        self.where = where
        self._by_name = {t.name: t for t in transitions}

    def __getitem__(self, name: str) -> Transition:
        return self._by_name[name]

    def can(self, source: str, name: str) -> bool:
        """Whether the step `name` may be taken from `source`."""
        return source in self[name].sources

    def allowed(self, source: str, *, user=None, obj=None) -> frozenset[str]:
        """The names of the steps open from `source` (and, given a user and the object, those the user may take):
        which buttons a page shows."""
        return frozenset(
            t.name for t in self.transitions
            if source in t.sources and (user is None or self._may(t, user, obj))
        )

    def check(self, source: str, target: str, *, via: str | None = None) -> Transition:
        """The step that leads from `source` to `target` (the step `via`, when given); a ValidationError with a
        message for the user when there is none."""
        candidates = [self[via]] if via else [t for t in self.transitions if t.target == target]
        for t in candidates:
            if source in t.sources and t.target == target:
                return t
        refused = next((t.refused for t in candidates if t.refused and t.target == target), None)
        if refused is None:
            refused = _("This cannot be done now: it is “%(source)s”, and from there it cannot become “%(target)s”.") % {
                "source": self.label(source), "target": self.label(target)}
        raise ValidationError(str(refused), code="transition")

    def may(self, user, obj, name: str) -> bool:
        return self._may(self[name], user, obj)

    def require(self, user, obj, name: str) -> None:
        """PermissionDenied unless `user` may take the step `name` on `obj`. `user=None` is the house itself (a
        job, the seed), as for chuxin.core.access.authorize."""
        if user is None:
            return
        t = self[name]
        if not self._may(t, user, obj):
            raise PermissionDenied(str(t.forbidden)) if t.forbidden else PermissionDenied

    def label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return str(state)

    def _may(self, t: Transition, user, obj) -> bool:
        if t.who is None:
            return True
        if isinstance(t.who, Need):
            return can(user, (t.where or self.where)(obj), t.who)
        return bool(t.who(user, obj))
