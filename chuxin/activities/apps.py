from decimal import Decimal

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule, Type

# Rules as data (chuxin.core.rules): how service hours are counted, and how many micro-wishes one address may post.
GROUP = _("Activities and volunteering")
HOURS_STEP = "activity_hours_step"
WISH_LIMIT = "wish_public_limit_per_hour"
WISH_LIMIT_DEFAULT = 5
RULES = (
    Rule(HOURS_STEP, _("Service hours are counted in steps of"), Decimal("0.5"), Type.DECIMAL, unit=_("hours"),
         article=_("“Volunteer service time is the time a volunteer actually serves, counted in hours, not including "
                   "the journey there and back.” (Measures for Recording Volunteer Service, Ministry of Civil "
                   "Affairs) The platform counts from check-in to check-out, rounded down to this step."),
         group=GROUP, order=600),
    Rule(WISH_LIMIT, _("Micro-wishes one address may post an hour"), WISH_LIMIT_DEFAULT, unit=_("at most"),
         article=_("The public form's protection against floods: more are refused with a message, nothing is "
                   "saved."), group=GROUP, order=610),
)


class ActivitiesConfig(AppConfig):
    name = "chuxin.activities"
    label = "activities"
    verbose_name = _("Activities and volunteering")
    hooks = Hooks(
        record_kinds=(
            # An activity closed by its organizer: the reports count the activities held.
            RecordKind("activity_held", _("activities held"),
                       payload={"kind": str, "participants": int, "hours": str},
                       fact=_("Member activity days and volunteer activities held"), fact_order=60,
                       fact_sentence=_("%(n)s member activity days and volunteer activities were held")),
            # One participant's service at a closed activity, with their hours: the member file's volunteer hours
            # per year and the reports' hours of volunteer service read these.
            RecordKind("activity_served", _("volunteer service"), payload={"kind": str, "hours": str}),
            # A micro-wish fulfilled by a member: for the member and the organization.
            RecordKind("wish_fulfilled", _("micro-wishes fulfilled"), payload={},
                       fact=_("Micro-wishes fulfilled"), fact_order=62,
                       fact_sentence=_("%(n)s micro-wishes of residents were fulfilled")),
        ),
        workbench="chuxin.activities.selectors.workbench_items",
        workbench_probe="chuxin.activities.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("activity", _("Activities and wishes"), "heart", order=45),),
        reminders="chuxin.activities.reminders.due_reminders",
        facts="chuxin.activities.selectors.period_facts",
        facts_label=_("Activities and volunteering"),
        facts_order=60,
        demo=Demo("chuxin.activities.demo.seed_demo_data", after=("meetings",)),
        navigation=(
            NavEntry("activities:list", _("Activities"), "calendar-heart", Need.PUBLIC, "life", 45),
            NavEntry("activities:wishes", _("Micro-wishes"), "heart", Need.PUBLIC, "life", 46),
        ),
        rules=RULES,
        matrix_routes="chuxin.activities.tests.matrix_routes.routes",
        member_history="chuxin.activities.selectors.member_history",
    )
