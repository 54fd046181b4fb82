from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule, Type

# Rules an organization sets for its subtree (chuxin.core.rules). The time limits of the steps themselves are the
# rule set's rows (models.StepRule), versioned as a whole; these are the local practices around them.
RECRUITMENT = _("Recruitment")
NOTICE = "recruitment_public_notice"
NOTICE_DAYS = "recruitment_public_notice_days"
WARNING_DAYS = "recruitment_warning_days"
BIRTHDAY_GREETING = "political_birthday_greeting"
RULES = (
    Rule(NOTICE, _("Public notice before the steps that call for one"), True, Type.BOOL,
         article=_("A public notice (公示) before confirming an activist, a candidate and before admission is local "
                   "practice; the reported 2026 revision requires one of at least five working days for candidates."),
         configurable=True, group=RECRUITMENT, order=600),
    Rule(NOTICE_DAYS, _("Length of the public notice"), 5, unit=_("working days"),
         article=_("At least five working days is the common rule; holidays do not count."),
         configurable=True, minimum=1, maximum=30, group=RECRUITMENT, order=610),
    Rule(WARNING_DAYS, _("Warn this many days before a recruitment deadline"), 7, unit=_("days"),
         article=_("The platform's warning on the secretary's workbench and by reminder: a talk within one month "
                   "of the application, approval within three months (Detailed Rules on Recruitment, 2014, "
                   "art. 8 and 24)."), configurable=True, minimum=1, maximum=60, group=RECRUITMENT, order=620),
    Rule(BIRTHDAY_GREETING, _("Greet members on their political birthday"), False, Type.BOOL,
         article=_("An optional greeting to a member on the anniversary of joining the Party."),
         configurable=True, group=RECRUITMENT, order=630),
)


class RecruitmentConfig(AppConfig):
    name = "chuxin.recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")
    hooks = Hooks(
        record_kinds=(
            # One step of recruitment taken (key: the step's number): reports count admissions from these.
            RecordKind("recruitment_step", _("recruitment steps taken"), payload={"step": int, "stage": int}),
        ),
        workbench="chuxin.recruitment.selectors.workbench_items",
        workbench_probe="chuxin.recruitment.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("recruitment", _("Recruitment"), "person-plus", order=60),),
        reminders="chuxin.recruitment.reminders.due_reminders",
        demo=Demo("chuxin.recruitment.demo.seed_demo_data", after=("meetings",)),
        navigation=(
            NavEntry("recruitment:list", _("Recruitment"), "person-plus", Need.PUBLIC, "membership", 60),
        ),
        rules=RULES,
        matrix_routes="chuxin.recruitment.tests.matrix_routes.routes",
        member_history="chuxin.recruitment.selectors.member_history",
    )
