from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Consumer, Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule

STAGE_REMINDER_DAYS = "campaign_reminder_days_before_stage_end"
RULES = (
    Rule(STAGE_REMINDER_DAYS, _("Remind this many days before a campaign stage ends"), 7, unit=_("days"),
         article=_("The platform's reminder to each organization whose required actions of a campaign stage are "
                   "not all done; once per organization and stage."),
         configurable=True, minimum=1, maximum=30, group=_("Campaigns and study"), order=600),
)

RECORD_KINDS = (
    # One required action of a campaign stage done by one organization (ticked by a record or by hand).
    RecordKind("campaign.action_done", _("a campaign action done"),
               payload={"campaign": int, "stage": str, "by_hand": bool},
               fact=_("Campaign actions done"), fact_order=70,
               fact_sentence=_("%(n)s required actions of theme education campaigns were done")),
    # A study topic of the yearly plan studied in a meeting (the first meeting linked to it).
    RecordKind("study.topic_delivered", _("a study topic delivered"), payload={"year": int, "month": int},
               fact=_("Study topics delivered"), fact_order=71,
               fact_sentence=_("%(n)s topics of the study plan were studied")),
    # An innovation project delivered: its team's member files carry it.
    RecordKind("innovation.delivered", _("an innovation project delivered"), payload={"award": str},
               fact=_("Innovation projects delivered"), fact_order=72,
               fact_sentence=_("%(n)s innovation projects were delivered")),
)


class CampaignsConfig(AppConfig):
    name = "chuxin.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns and study")
    default_auto_field = "django.db.models.BigAutoField"
    hooks = Hooks(
        record_kinds=RECORD_KINDS,
        # Meetings held and reports filed tick the campaign checklists of the organizations that did them.
        consumers=(Consumer(("meeting_held", "report_filed"), "chuxin.campaigns.services.tick_from_record"),),
        workbench="chuxin.campaigns.selectors.workbench_items",
        workbench_probe="chuxin.campaigns.selectors.workbench_probe",
        workbench_kinds=(
            WorkbenchKind("campaign", _("Campaigns"), "flag", order=80),
            WorkbenchKind("innovation", _("Innovation projects"), "lightbulb", order=81),
        ),
        reminders="chuxin.campaigns.reminders.due_reminders",
        facts_label=_("Campaigns, study and innovation"),
        facts_order=70,
        demo=Demo("chuxin.campaigns.demo.seed_demo_data", after=("meetings", "reports")),
        navigation=(
            NavEntry("campaigns:index", _("Theme education"), "flag", Need.PUBLIC, "life", 80),
            NavEntry("campaigns:plans", _("Study plans"), "book", Need.PUBLIC, "learning", 81),
            NavEntry("campaigns:projects", _("Innovation projects"), "lightbulb", Need.PUBLIC, "life", 82),
        ),
        rules=RULES,
        matrix_routes="chuxin.campaigns.tests.matrix_routes.routes",
        member_history="chuxin.campaigns.selectors.member_history",
    )
