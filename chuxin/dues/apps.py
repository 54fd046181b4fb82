from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind

from .rules import RULES


class DuesConfig(AppConfig):
    name = "chuxin.dues"
    label = "dues"
    verbose_name = _("Party dues")
    hooks = Hooks(
        record_kinds=(
            # Dues paid (months settled and any voluntary extra): points, assessment ("dues on time") and the
            # reports read it; `on_time`: every month paid in or before its own month.
            RecordKind("dues_paid", _("dues payments"),
                       payload={"months": list, "amount": str, "extra": str, "on_time": bool},
                       fact=_("Dues payments recorded"), fact_order=40),
        ),
        workbench="chuxin.dues.selectors.workbench_items",
        workbench_probe="chuxin.dues.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("dues", _("Party dues"), "cash-coin", order=45),),
        reminders="chuxin.dues.selectors.due_reminders",
        housekeeping=("chuxin.dues.services.bills_housekeeping",),
        facts="chuxin.dues.selectors.period_facts",
        facts_label=_("Party dues"),
        facts_order=40,
        demo=Demo("chuxin.dues.demo.seed_demo_data", after=("meetings",)),
        navigation=(NavEntry("dues:home", _("Party dues"), "cash-coin", Need.PUBLIC, "membership", 45),),
        rules=RULES,
        matrix_routes="chuxin.dues.tests.matrix_routes.routes",
        member_history="chuxin.dues.selectors.member_history",
    )
