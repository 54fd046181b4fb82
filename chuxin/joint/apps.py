from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind

from .rules import RULES


class JointConfig(AppConfig):
    name = "chuxin.joint"
    label = "joint"
    verbose_name = _("Joint committee")
    hooks = Hooks(
        record_kinds=(
            RecordKind("joint_proposal_decided", _("joint committee decisions"),
                       payload={"outcome": str, "yes": int, "no": int, "abstain": int, "seats": int},
                       fact=_("Matters decided by the joint committee"), fact_order=85),
            RecordKind("joint_service_answered", _("joint-service requests answered"),
                       payload={"partner_unit": str}, fact=_("Joint-service requests answered"), fact_order=86),
        ),
        facts_label=_("Joint committee"),
        facts_order=85,
        workbench="chuxin.joint.workbench.workbench_items",
        workbench_probe="chuxin.joint.workbench.workbench_probe",
        workbench_kinds=(WorkbenchKind("joint", _("Joint committee"), "diagram-3", order=85),),
        reminders="chuxin.joint.workbench.due_reminders",
        demo=Demo("chuxin.joint.demo.seed_demo_data", after=("orgs", "plans")),
        navigation=(NavEntry("joint:home", _("Joint committee"), "diagram-3", Need.READ, "communication", 85),),
        rules=RULES,
        matrix_routes="chuxin.joint.tests.matrix_routes.routes",
    )
