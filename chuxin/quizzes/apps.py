from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Consumer, Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule

LEARNING = _("Quizzes and points")
DAILY_COUNT = "quiz_daily_questions"
CLOSING_HOURS = "exam_reminder_hours_before_close"
RULES = (
    Rule(DAILY_COUNT, _("Questions in the daily practice"), 5, unit=_("questions"),
         article=_("The daily practice is a voluntary review, never a check-in: nobody is told who did or did not "
                   "practise. (Opinions on Preventing “Formalism at the Fingertips”, 2024)"),
         configurable=True, minimum=1, maximum=20, group=LEARNING, order=930),
    Rule(CLOSING_HOURS, _("Remind members this many hours before an exam closes"), 24, unit=_("hours"),
         article=_("The platform's reminder to members who have not yet submitted an assigned exam."),
         configurable=True, minimum=1, maximum=168, group=LEARNING, order=940),
)

# Records that may earn points where an organization switches points on and says how many (PointRule). The
# record kinds other apps declare are named here (a consumer declares its kinds); a kind no app declares yet
# (the library's "article read") joins this list when its app lands.
POINT_KINDS = (
    "meeting_held", "lecture_given", "talk.held", "task_done",
    "quiz.practice_done", "quiz.exam_taken", "quiz.exam_passed",
    "learning.read", "learning.lesson_done",  # the library's first readings and course lessons (chuxin.learning)
)


class QuizzesConfig(AppConfig):
    name = "chuxin.quizzes"
    label = "quizzes"
    verbose_name = _("Quizzes and exams")
    hooks = Hooks(
        record_kinds=(
            # A practice session finished (daily or challenge): points only, never a report fact (practice on the
            # platform is not a measure of anyone), never an item on a workbench: it renews no one's count.
            RecordKind("quiz.practice_done", _("a practice finished"),
                       payload={"kind": str, "correct": int, "answered": int}, no_work=True),
            # An exam paper submitted: an organized exam is organized learning, counted in the reports.
            RecordKind("quiz.exam_taken", _("exam papers submitted"),
                       payload={"exam": int, "percent": int, "passed": bool},
                       fact=_("Exam papers submitted"), fact_order=60,
                       fact_sentence=_("%(n)s exam papers were submitted"), own_work=True),
            # An exam passed, once per person and exam however many attempts pass.
            RecordKind("quiz.exam_passed", _("an exam passed"), payload={"exam": int}, own_work=True),
        ),
        facts_label=_("Quizzes and exams"),
        facts_order=60,
        # Points are a ledger of their own, not anyone's open work.
        consumers=(Consumer(POINT_KINDS, "chuxin.quizzes.points.award", no_work=True),),
        workbench="chuxin.quizzes.selectors.workbench_items",
        workbench_probe="chuxin.quizzes.selectors.workbench_probe",
        # A training class's roster joins its final exam's audience (learning.services.class_enroll).
        workbench_reads=("learning",),
        workbench_kinds=(WorkbenchKind("exam", _("Exams"), "pencil-square", order=60),),
        reminders="chuxin.quizzes.reminders.due_reminders",
        housekeeping=("chuxin.quizzes.services.attempts_expire",),
        demo=Demo("chuxin.quizzes.demo.seed_demo_data", after=("meetings",)),
        navigation=(
            NavEntry("quizzes:home", _("Quizzes and exams"), "pencil-square", Need.PUBLIC, "me", 60),
            NavEntry("quizzes:bank", _("Question bank"), "collection", Need.MANAGE, "learning", 61),
        ),
        rules=RULES,
        matrix_routes="chuxin.quizzes.tests.matrix_routes.routes",
    )
