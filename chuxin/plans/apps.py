from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind


class PlansConfig(AppConfig):
    name = "chuxin.plans"
    label = "plans"
    hooks = Hooks(
        record_kinds=(
            RecordKind("task_done", _("a task completed"), fact=_("Tasks completed"), fact_order=10,
                       fact_sentence=_("%(n)s tasks completed this period")),
        ),
        workbench="chuxin.plans.selectors.workbench_items",
        workbench_probe="chuxin.plans.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("task", _("Tasks"), "check2-square", order=20),),
        reminders="chuxin.plans.reminders.due_reminders",
        facts="chuxin.plans.selectors.period_facts",
        facts_label=_("Annual plan tasks"),
        facts_order=20,
        demo=Demo("chuxin.plans.demo.seed_demo_data"),
        navigation=(NavEntry("plans:list", _("Annual plans"), "calendar2-check", Need.READ, "work", 20),),
        matrix_routes="chuxin.plans.tests.matrix_routes.routes",
    )
