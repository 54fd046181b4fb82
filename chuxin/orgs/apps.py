from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.core.access import Need
from chuxin.core.registry import Hooks, NavEntry, RecordKind
from chuxin.core.rules import Rule

# The organization rules, as data (chuxin.core.rules); chuxin/orgs/rules.py applies them. Each cites its article:
# the English source here, the regulation's own Chinese words in the zh_Hans catalogue. Counts are of full members.
ORGANIZATION = _("Organization and terms")
RULE_BRANCH_MINIMUM = _(
    "“Where there are three or more full Party members, a Party branch shall be set up.” "
    "(Regulations on the Work of Party Branches, art. 4)"
)
RULE_BRANCH_COMMITTEE = _(
    "“A Party branch with seven or more full members shall set up a branch committee.” "
    "(Regulations on the Work of Party Branches, art. 20)"
)
RULE_COMMITTEE_SIZE = _(
    "“A branch committee has three to five members, generally no more than seven.” "
    "(Regulations on the Work of Party Branches, art. 20)"
)
RULE_TERM = _(
    "“A Party committee, general branch or branch shall hold its re-election when its term ends; "
    "postponing or advancing it needs approval and is limited to one year.”"
)
RULE_BRANCH_TERM = _(
    "A village or community branch committee serves five years; a branch committee elsewhere generally serves "
    "three. (Regulations on the Work of Party Branches, ch. 6)"
)
FULL_MEMBERS, PEOPLE, DAYS, YEARS = _("full members"), pgettext_lazy("unit", "people"), _("days"), _("years")

RULES = (
    # Statutory: shown on the Rules page, never overridden.
    Rule("branch_min_full_members", _("Full members a branch needs"), 3, unit=FULL_MEMBERS,
         article=RULE_BRANCH_MINIMUM, group=ORGANIZATION, order=10),
    Rule("branch_committee_from_full_members", _("Full members from which a branch sets up a committee"), 7,
         unit=FULL_MEMBERS, article=RULE_BRANCH_COMMITTEE, group=ORGANIZATION, order=20),
    Rule("committee_min_seats", _("Fewest people on a branch committee"), 3, unit=PEOPLE,
         article=RULE_COMMITTEE_SIZE, group=ORGANIZATION, order=30),
    Rule("committee_max_seats", _("Most people on a branch committee"), 7, unit=PEOPLE,
         article=RULE_COMMITTEE_SIZE, group=ORGANIZATION, order=40),
    # The usual terms, which fill in a term end nobody typed; a village or community branch sets its own end date.
    Rule("term_years_committee", _("Term of a grassroots committee"), 5, unit=YEARS, group=ORGANIZATION, order=50),
    Rule("term_years_general_branch", _("Term of a general branch"), 3, unit=YEARS, group=ORGANIZATION, order=60),
    Rule("term_years_branch", _("Term of a branch or joint branch"), 3, unit=YEARS, article=RULE_BRANCH_TERM,
         group=ORGANIZATION, order=70),
    # The platform's reminder, not the regulation's: how far ahead a term's end is flagged.
    Rule("term_warning_days", _("Warn of a term's end this many days ahead"), 90, unit=DAYS, article=RULE_TERM,
         configurable=True, minimum=7, maximum=365, group=ORGANIZATION, order=80),
)


class OrgsConfig(AppConfig):
    name = "chuxin.orgs"
    label = "orgs"
    hooks = Hooks(
        record_kinds=(
            # A person takes a seat on a committee (or the seat's holder or dates change): responsibility lists
            # react to it. Keyed by holder and year, so a new holder of the same seat is a new record.
            RecordKind("position_taken", _("a committee seat taken"), payload={"post": str, "year": int}),
        ),
        navigation=(
            NavEntry("orgs:tree", _("Organizations"), "diagram-3", Need.READ, "org", 110),
            NavEntry("orgs:work-units", _("Work units"), "building", Need.READ, "org", 130),
            NavEntry("orgs:partners", _("Partner units"), "people-fill", Need.READ, "org", 140),
        ),
        rules=RULES,
        rule_overrides="chuxin.orgs.selectors.rule_overrides",
        serving="chuxin.orgs.access.seat_holders",
    )
