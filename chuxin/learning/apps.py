from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule

# Study hours (学时) as rules data (chuxin.core.rules): the yearly targets differ by year and place, so an
# organization may set its own for its subtree; the candidates' training minimum is statutory.
STUDY = _("Learning")
TARGET_MEMBER = "learning_hours_member"
TARGET_LEADER = "learning_hours_leader"
CANDIDATE_DAYS = "learning_candidate_training_days"
CANDIDATE_HOURS = "learning_candidate_training_hours"
REMIND_DAYS = "learning_reading_remind_days"
RULES = (
    Rule(TARGET_MEMBER, _("Study hours a year for members"), 32, unit=pgettext_lazy("study", "hours"),
         article=_("“Members' concentrated study and training time is generally no less than 32 study hours a "
                   "year.” (Regulations on the Education and Management of Party Members, 2019, art. 20)"),
         configurable=True, minimum=1, maximum=200, group=STUDY, order=600),
    Rule(TARGET_LEADER, _("Study hours a year for secretaries and committee members"), 56, unit=pgettext_lazy("study", "hours"),
         article=_("“Secretaries and committee members of grassroots organizations take part in concentrated "
                   "training and collective study for generally no less than 56 study hours a year.” (National "
                   "plan for the education and training of Party members, 2019-2023)"),
         configurable=True, minimum=1, maximum=200, group=STUDY, order=610),
    Rule(CANDIDATE_DAYS, _("Candidates' training: days"), 3, unit=_("days at least"),
         article=_("“A candidate takes a short concentrated training of no less than 3 days or 24 study hours; "
                   "no one is admitted without it.” (Rules for Recruiting Party Members, art. 17)"),
         group=STUDY, order=620),
    Rule(CANDIDATE_HOURS, _("Candidates' training: study hours"), 24, unit=_("hours at least"),
         article=_("“A candidate takes a short concentrated training of no less than 3 days or 24 study hours; "
                   "no one is admitted without it.” (Rules for Recruiting Party Members, art. 17)"),
         group=STUDY, order=630),
    Rule(REMIND_DAYS, _("Remind unread required reading this many days before it is due"), 2, unit=_("days"),
         article=_("The platform's reminder to those who have not yet opened a required reading."),
         configurable=True, minimum=1, maximum=30, group=STUDY, order=640),
)


READ = "learning.read"
LESSON_DONE = "learning.lesson_done"


class LearningConfig(AppConfig):
    name = "chuxin.learning"
    label = "learning"
    verbose_name = _("Learning")
    hooks = Hooks(
        # Reading and lessons are recorded so that points (opt-in, chuxin.quizzes) can read them; they are not
        # report facts: reading is never a measure of a member.
        record_kinds=(
            RecordKind(READ, _("a library item read (first opening)"), own_work=True),
            RecordKind(LESSON_DONE, _("a course lesson done"), own_work=True),
        ),
        workbench="chuxin.learning.selectors.workbench_items",
        workbench_probe="chuxin.learning.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("reading", _("Required reading"), "book", order=60),),
        reminders="chuxin.learning.reminders.due_reminders",
        demo=Demo("chuxin.learning.demo.seed_demo_data", after=("meetings",)),
        navigation=(
            NavEntry("learning:library", _("Study library"), "book", Need.PUBLIC, "learning", 60),
            NavEntry("learning:courses", _("Courses and training"), "mortarboard", Need.PUBLIC, "learning", 61),
            NavEntry("learning:hours", _("My study hours"), "hourglass-split", Need.PUBLIC, "me", 62),
            NavEntry("learning:hours-org", _("Study hours"), "bar-chart-steps", Need.READ, "learning", 63),
        ),
        rules=RULES,
        matrix_routes="chuxin.learning.tests.matrix_routes.routes",
    )
