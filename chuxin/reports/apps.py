from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind


class ReportsConfig(AppConfig):
    name = "chuxin.reports"
    label = "reports"
    hooks = Hooks(
        record_kinds=(
            # `frequency` is the requirement's (monthly, quarterly, half_yearly, yearly): a duty that asks for a
            # yearly report is ticked only by a yearly one, never by a monthly report.
            RecordKind("report_filed", _("a written report filed"),
                       payload={"period": str, "late": bool, "frequency": str}),
            RecordKind("report_accepted", _("a written report accepted"), payload={"period": str, "frequency": str}),
        ),
        workbench="chuxin.reports.selectors.workbench_items",
        workbench_probe="chuxin.reports.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("report", _("Reports"), "file-earmark-text", order=40),),
        housekeeping=("chuxin.reports.periods.periods_open",),
        reminders="chuxin.reports.reminders.due_reminders",
        demo=Demo("chuxin.reports.demo.seed_demo_data", after=("plans", "directives")),
        navigation=(NavEntry("reports:mine", _("Periodic reports"), "file-earmark-text", None, "work", 40),),
        matrix_routes="chuxin.reports.tests.matrix_routes.routes",
    )
