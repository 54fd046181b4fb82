from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Consumer, Demo, Hooks, NavEntry, WorkbenchKind


class ResponsibilitiesConfig(AppConfig):
    name = "chuxin.responsibilities"
    label = "responsibilities"
    hooks = Hooks(
        consumers=(
            # Duties tick themselves off from recorded work (collect once), in the producer's transaction.
            Consumer(("task_done", "report_filed", "report_accepted", "directive_done", "meeting_held",
                      "lecture_given", "life_meeting_held", "evaluation.concluded", "talk.held"),
                     "chuxin.responsibilities.services.evidence_from_record"),
            # A person taking a seat gets this year's list.
            Consumer(("position_taken",), "chuxin.responsibilities.services.lists_from_record"),
        ),
        workbench="chuxin.responsibilities.selectors.workbench_items",
        workbench_probe="chuxin.responsibilities.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("responsibility", _("Responsibilities"), "shield-check", order=50),),
        housekeeping=("chuxin.responsibilities.services.lists_ensure_housekeeping",),
        reminders="chuxin.responsibilities.reminders.due_reminders",
        facts="chuxin.responsibilities.selectors.period_facts",
        facts_label=_("Responsibility list"),
        facts_order=50,
        # After the producers: it counts the work their demos recorded.
        demo=Demo("chuxin.responsibilities.demo.seed_demo_data", after=("plans", "directives", "reports", "meetings")),
        navigation=(
            NavEntry("responsibilities:mine", _("Responsibility lists"), "list-check", None, "work", 50),
            NavEntry("responsibilities:overview-start", _("Responsibility overview"), "clipboard-data", Need.READ,
                     "work", 60),
        ),
        matrix_routes="chuxin.responsibilities.tests.matrix_routes.routes",
    )
