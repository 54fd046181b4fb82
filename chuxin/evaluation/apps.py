from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule

# The cap on 优秀: at most one in every N graded members (floor(n / N)); N = 3 is "generally not more than a third",
# as the Organization Department's annual notice on the evaluation puts it (REFERENCE.md, [S4]). An organization
# may be stricter (one in four, five ...), never looser.
EXCELLENT_SHARE = "evaluation_excellent_share"
RULES = (
    Rule(EXCELLENT_SHARE, _("“Excellent” in the member evaluation: at most one in every"), 3,
         unit=_("graded members"),
         article=_("In the annual member evaluation the grade “excellent” generally goes to no more than one third of "
                   "the members graded; probationary members take part without a grade. (Regulations on the "
                   "Education and Management of Party Members, 2019, Article 18; the Organization Department's "
                   "annual notice)"),
         configurable=True, minimum=3, maximum=10, group=_("Organizational life"), order=400),
)

RECORD_KINDS = (
    RecordKind("evaluation.concluded", _("a member evaluation concluded"),
               payload={"year": int, "graded": int, "excellent": int},
               fact=_("Member evaluations concluded"), fact_order=60,
               fact_sentence=_("%(n)s member evaluations concluded")),
    # The meetings app counts these for the organizational life meeting's checklist: keep the code "talk.held".
    RecordKind("talk.held", _("a heart-to-heart talk held"), payload={"kind": str},
               fact=_("Heart-to-heart talks held"), fact_order=61,
               fact_sentence=_("%(n)s heart-to-heart talks held")),
)


class EvaluationConfig(AppConfig):
    name = "chuxin.evaluation"
    label = "evaluation"
    verbose_name = _("Member evaluation and talks")
    hooks = Hooks(
        record_kinds=RECORD_KINDS,
        workbench="chuxin.evaluation.selectors.workbench_items",
        workbench_probe="chuxin.evaluation.selectors.workbench_probe",
        workbench_kinds=(
            WorkbenchKind("evaluation", _("Member evaluation"), "clipboard-check", order=70),
            WorkbenchKind("talk", _("Heart-to-heart talks"), "chat-heart", order=71),
        ),
        reminders="chuxin.evaluation.reminders.due_reminders",
        # The heading of its record kinds' counts in a report's facts panel.
        facts_label=_("Member evaluation and talks"),
        facts_order=60,
        demo=Demo("chuxin.evaluation.demo.seed_demo_data", after=("directives",)),
        navigation=(
            NavEntry("evaluation:index", _("Member evaluation"), "clipboard-check", None, "life", 75),
            NavEntry("evaluation:talks-start", _("Heart-to-heart talks"), "chat-heart", Need.READ, "life", 76),
        ),
        rules=RULES,
        matrix_routes="chuxin.evaluation.tests.matrix_routes.routes",
        member_history="chuxin.evaluation.selectors.member_history",
    )
