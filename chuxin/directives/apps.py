from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule

# The platform's expectation, not a regulation's: how soon a receiving organization confirms receipt. A recipient
# that has not acknowledged within this many working days (Monday to Friday) of the sending, or that has passed
# the due date, is behind; before that a fresh directive is simply waiting. The sending organization's value holds
# (nearest ancestor wins), since the sender sets what it expects of those it sends to.
ACK_WORKING_DAYS = "directive_ack_working_days"
RULES = (
    Rule(ACK_WORKING_DAYS, _("Working days to acknowledge a directive"), 3, unit=_("working days"),
         article=_("A recipient that has not acknowledged a directive within this many working days (Monday to "
                   "Friday) of its sending, or has passed its due date, is shown as behind and may be reminded; "
                   "the sending organization's value holds."),
         configurable=True, minimum=1, maximum=30, group=_("Directives from above"), order=300),
)


class DirectivesConfig(AppConfig):
    name = "chuxin.directives"
    label = "directives"
    hooks = Hooks(
        record_kinds=(
            # Its facts in a report are the directives' own (received, on time, late, open): see period_facts.
            RecordKind("directive_done", _("a directive from above completed"), payload={"on_time": bool}),
            # A directive sent down (its recipients told): their group robots announce it (chuxin.notices consumes).
            RecordKind("directive_issued", _("directives issued"), payload={"due_on": str, "organizations": list}),
        ),
        workbench="chuxin.directives.selectors.workbench_items",
        workbench_probe="chuxin.directives.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("directive", _("Directives"), "megaphone", order=30),),
        reminders="chuxin.directives.reminders.due_reminders",
        facts="chuxin.directives.selectors.period_facts",
        facts_label=_("Directives from above"),
        facts_order=30,
        demo=Demo("chuxin.directives.demo.seed_demo_data", after=("plans",)),
        navigation=(NavEntry("directives:inbox", _("Directives from above"), "megaphone", Need.READ, "work", 30),),
        rules=RULES,
        matrix_routes="chuxin.directives.tests.matrix_routes.routes",
    )
