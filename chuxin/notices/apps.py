from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Consumer, Demo, Hooks, NavEntry, WorkbenchKind


class NoticesConfig(AppConfig):
    name = "chuxin.notices"
    label = "notices"
    verbose_name = _("Notices and groups")
    hooks = Hooks(
        # Convened meetings and issued directives reach the groups' robots through their work records: meetings
        # and directives never import this app.
        consumers=(
            Consumer(("meeting_convened",), "chuxin.notices.consumers.push_meeting_convened"),
            Consumer(("directive_issued",), "chuxin.notices.consumers.push_directive_issued"),
        ),
        workbench="chuxin.notices.selectors.workbench_items",
        workbench_probe="chuxin.notices.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("notice", _("Notices to confirm"), "envelope-paper", order=36),),
        reminders="chuxin.notices.reminders.due_reminders",
        housekeeping=("chuxin.notices.delivery.housekeeping",),
        demo=Demo("chuxin.notices.demo.seed_demo_data", after=("meetings", "directives")),
        navigation=(
            NavEntry("notices:list", _("Notices"), "envelope-paper", None, "communication", 12),
            NavEntry("notices:groups", _("Member groups"), "chat-dots", None, "communication", 13),
            NavEntry("notices:robots", _("Group robots"), "robot", Need.MANAGE, "org", 145),
        ),
        matrix_routes="chuxin.notices.tests.matrix_routes.routes",
    )
