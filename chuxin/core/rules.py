"""Rules as data: the regulations' thresholds and frequencies, and the platform's feature switches.

A rule is declared once, by the app whose work it governs, in its hooks (`Hooks(rules=(Rule(...), ...))`): a
code, a label, the glossary's default, a type and unit, the article it cites and whether an organization may
change it. The statutory thresholds (three full members for a branch, seven for a committee, a committee of 3-7)
are shown but never configurable; what differs between places (the glossary's *configurable*) is.

An organization's own value holds for it and everything under it; the nearest one on the path wins (the
organization itself, then its parent, up to the root), else the default. Overrides are stored by the app that
keeps them and reached through the registry (hook `rule_overrides`), so the kernel names no app.

    rules.value("term_warning_days", organization)        # one lookup (at most one query)
    book = rules.Resolver(scope_prefixes(user, Need.READ))  # many organizations: overrides loaded once
    book.value("term_warning_days", org)

Only configurable rules ever touch the database, and a Resolver loads the overrides of all its organizations in
one query, on the first configurable lookup: a page that asks only statutory thresholds makes no query at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuxin.core import registry, versions
from chuxin.core.paths import ancestor_paths, minimal_prefixes


class Type(StrEnum):
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    CHOICE = "choice"


_INT = re.compile(r"^[+-]?\d{1,9}$")
_TRUE = {"true", "1", "on", "yes"}
_FALSE = {"false", "0", "off", "no"}


@dataclass(frozen=True)
class Rule:
    """One rule. `article` is the citation: English in the source, the regulation's own Chinese words in the zh
    catalogue. `minimum`/`maximum` bound a configurable number; `choices` are (value, label) for a choice."""

    code: str
    label: Any  # a lazy translation
    default: Any
    type: Type = Type.INT
    unit: Any = ""
    article: Any = ""
    configurable: bool = False
    minimum: Any = None
    maximum: Any = None
    choices: tuple[tuple[str, Any], ...] = ()
    group: Any = ""  # the heading it stands under on the Rules page
    order: int = 100

    def parse(self, raw: Any) -> Any:
        """`raw` (typed in a form or stored as JSON) as this rule's type within its bounds; ValidationError if not."""
        if self.type == Type.BOOL:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValidationError(_("Choose on or off."), code="invalid")
        if self.type == Type.CHOICE:
            if isinstance(raw, str) and raw in dict(self.choices):
                return raw
            raise ValidationError(_("Choose one of the offered values."), code="invalid")
        if self.type == Type.INT:
            if isinstance(raw, bool) or not (isinstance(raw, int) or _INT.match(str(raw).strip())):
                raise ValidationError(_("Enter a whole number."), code="invalid")
            value: Any = int(str(raw).strip())
        else:
            try:
                value = Decimal(str(raw).strip())
            except InvalidOperation:
                value = None
            if isinstance(raw, bool) or value is None or not value.is_finite():
                raise ValidationError(_("Enter a number."), code="invalid")
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("The value must be at least %(min)s."), code="min", params={"min": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_("The value must be at most %(max)s."), code="max", params={"max": self.maximum})
        return value

    def to_json(self, value: Any) -> Any:
        """How a parsed value is stored: a decimal as text (JSON numbers are floats), the rest as they are."""
        return str(value) if self.type == Type.DECIMAL else value

    def display(self, value: Any) -> str:
        """The value as a person reads it, in the current language: "90 days", "on", a choice's label."""
        if self.type == Type.BOOL:
            return str(_("On") if value else _("Off"))
        if self.type == Type.CHOICE:
            return str(dict(self.choices).get(value, value))
        if self.unit:
            return str(_("%(value)s %(unit)s") % {"value": value, "unit": self.unit})
        return str(value)


# Feature switches: tools an organization may switch on, never on by default. The guidance against "formalism at
# the fingertips" (2024) rules out forced points rankings and check-ins; the learning and assessment capabilities
# read these before they show points or a ranking.
FEATURES = _("Features")
FORMALISM_GUIDANCE = _(
    "Apps that staff use for office work, management and learning must in principle have no forced check-ins, "
    "points rankings or online-time counts. (Opinions on Preventing “Formalism at the Fingertips”, 2024)"
)
POINTS_ENABLED = Rule(
    "points_enabled", _("Points for study, meetings and volunteering"), False, Type.BOOL,
    article=FORMALISM_GUIDANCE, configurable=True, group=FEATURES, order=900,
)
RANKINGS_ENABLED = Rule(
    "rankings_enabled", _("Rankings and red/black lists"), False, Type.BOOL,
    article=FORMALISM_GUIDANCE, configurable=True, group=FEATURES, order=910,
)


def declared() -> dict[str, Rule]:
    """Every installed app's rules by code, in their order (a code declared twice is an error)."""
    found: dict[str, Rule] = {}
    for rule in sorted(registry.rules(), key=lambda r: r.order):
        if rule.code in found:
            raise ValueError(f"rule {rule.code!r} is declared twice")
        found[rule.code] = rule
    return found


def get(code: str) -> Rule:
    """The declared rule, or LookupError (a code nobody declared: a typo, or a forged form)."""
    try:
        return declared()[code]
    except KeyError:
        raise LookupError(f"no rule {code!r} is declared") from None


@dataclass(frozen=True)
class Resolved:
    rule: Rule
    value: Any
    source: str | None = None  # the path of the organization whose setting gives the value; None: the default


@dataclass
class Resolver:
    """Rule values for organizations on or under `prefixes` (and their ancestors).

    The overrides of the whole lot are loaded in one query on the first lookup of a configurable rule, and kept:
    make one per request (or per page of organizations), not one per organization. An organization outside the
    prefixes is still answered right, at the cost of one more query.
    """

    prefixes: Iterable[str] = ()
    _rules: dict[str, Rule] = field(default_factory=declared, init=False, repr=False)
    _loaded: list[str] = field(default_factory=list, init=False, repr=False)
    _settings: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.prefixes = minimal_prefixes(list(self.prefixes))

    def rule(self, code: str) -> Rule:
        try:
            return self._rules[code]
        except KeyError:
            raise LookupError(f"no rule {code!r} is declared") from None

    def rules(self) -> list[Rule]:
        return list(self._rules.values())

    def lookup(self, code: str, organization) -> Resolved:
        rule = self.rule(code)
        if not rule.configurable:
            return Resolved(rule, rule.default)
        settings = self._settings_for(organization.path)
        for path in reversed(ancestor_paths(organization.path)):  # nearest first
            raw = settings.get(path, {}).get(code, _MISSING)
            if raw is _MISSING:
                continue
            try:
                return Resolved(rule, rule.parse(raw), path)
            except ValidationError:
                continue  # a stored value the rule no longer allows (its bounds changed): the next one up holds
        return Resolved(rule, rule.default)

    def value(self, code: str, organization) -> Any:
        return self.lookup(code, organization).value

    @classmethod
    def on_path(cls, path: str, settings: dict[str, dict[str, Any]]) -> Resolver:
        """A resolver for the organization at `path` from its path's settings already loaded (`path_settings`)."""
        book = cls([path])
        book._settings, book._loaded = settings, [path]
        return book

    def path_settings(self, path: str) -> dict[str, dict[str, Any]]:
        """The loaded settings of `path` and its ancestors (what `on_path` needs to answer for it)."""
        on_path = set(ancestor_paths(path))
        return {where: codes for where, codes in self._settings.items() if where in on_path}

    def _settings_for(self, path: str) -> dict[str, dict[str, Any]]:
        if not any(path.startswith(prefix) for prefix in self._loaded):
            # The first time, every prefix at once (one query for the whole page); later, only a stray organization.
            wanted = [] if self._loaded else list(self.prefixes)
            if not any(path.startswith(prefix) for prefix in wanted):
                wanted.append(path)
            for source in registry.rule_override_sources():
                for where, code, raw in source(wanted):
                    self._settings.setdefault(where, {})[code] = raw
            self._loaded = minimal_prefixes([*self._loaded, *wanted])
        return self._settings


_MISSING = object()


def value(code: str, organization) -> Any:
    """The rule's value for one organization: its own setting, else the nearest ancestor's, else the default.

    The settings on the organization's path are kept in the cache under the version VERSION, which every write
    of a setting and every move of an organization renews (chuxin.orgs.services): pages many people open at once
    (the daily practice's number of questions, whether points are on) ask the database nothing for them."""
    path = organization.path
    book = Resolver([path])
    if not book.rule(code).configurable:
        return book.value(code, organization)  # the default, with no query
    key = f"chuxin:rules:{path}"
    version, found = versions.current_with(VERSION, key)
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        return Resolver.on_path(path, kept[1]).value(code, organization)
    answer = book.value(code, organization)
    cache.set(key, (version, book.path_settings(path)), KEPT_SECONDS)
    return answer


# The version of every organization's settings (chuxin.core.versions), and how long one path's are kept unused.
VERSION = "rules"
KEPT_SECONDS = 3600
