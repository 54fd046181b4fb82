from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule

TRANSFERS = _("Membership transfers")
VALID_DAYS = "transfer_letter_valid_days"
RULES = (
    Rule(VALID_DAYS, _("An introduction letter is valid for"), 30, unit=_("days"),
         article=_("Practice varies: about 10 days within a city, 30 days elsewhere, at most three months."),
         configurable=True, minimum=1, maximum=180, group=TRANSFERS, order=700),
)


class TransfersConfig(AppConfig):
    name = "chuxin.transfers"
    label = "transfers"
    verbose_name = _("Membership transfers")
    hooks = Hooks(
        record_kinds=(
            RecordKind("member_transferred", _("membership transfers completed"), payload={"kind": str}),
        ),
        workbench="chuxin.transfers.selectors.workbench_items",
        workbench_probe="chuxin.transfers.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("transfer", _("Transfers"), "arrow-left-right", order=62),),
        reminders="chuxin.transfers.reminders.due_reminders",
        demo=Demo("chuxin.transfers.demo.seed_demo_data", after=("recruitment",)),
        navigation=(
            NavEntry("transfers:list", _("Membership transfers"), "arrow-left-right", Need.READ, "membership", 62),
        ),
        rules=RULES,
        matrix_routes="chuxin.transfers.tests.matrix_routes.routes",
        member_history="chuxin.transfers.selectors.member_history",
    )
