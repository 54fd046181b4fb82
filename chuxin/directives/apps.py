from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind


class DirectivesConfig(AppConfig):
    name = "chuxin.directives"
    label = "directives"
    hooks = Hooks(
        record_kinds=(
            # Its facts in a report are the directives' own (received, on time, late, open): see period_facts.
            RecordKind("directive_done", _("a directive from above completed"), payload={"on_time": bool}),
        ),
        workbench="chuxin.directives.selectors.workbench_items",
        workbench_kinds=(WorkbenchKind("directive", _("Directives"), "megaphone", order=30),),
        reminders="chuxin.directives.reminders.due_reminders",
        facts="chuxin.directives.selectors.period_facts",
        facts_label=_("Directives from above"),
        facts_order=30,
        demo=Demo("chuxin.directives.demo.seed_demo_data", after=("plans",)),
        navigation=(NavEntry("directives:inbox", _("Directives from above"), "megaphone", Need.READ, "work", 30),),
        matrix_routes="chuxin.directives.tests.matrix_routes.routes",
    )
