from decimal import Decimal

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind
from chuxin.core.rules import Rule, Type

# The rules of organizational life, as data (chuxin.core.rules). Frequencies are the glossary's defaults, which a
# committee overrides for its subtree and a branch for itself ("not required" switches a kind off there);
# the quorum fractions are statutory and shown, never changed. Codes: FREQUENCY[kind].
LIFE = _("Organizational life")
FREQUENCY_CHOICES = (
    ("monthly", _("monthly")), ("quarterly", _("quarterly")), ("half_yearly", _("half-yearly")),
    ("yearly", _("yearly")), ("none", _("not required")),
)
ART_BRANCH_RULES = _("Regulations on the Work of Party Branches (2018), art. 11-13 and 19-20; Regulations on "
                     "Organizational Life (2019), art. 16-17")
FREQUENCY = {
    "general": "meeting_frequency_general",
    "committee": "meeting_frequency_committee",
    "group": "meeting_frequency_group",
    "lecture": "meeting_frequency_lecture",
    "themed_day": "meeting_frequency_themed_day",
    "life": "meeting_frequency_life",
}
CLOSING_DAYS = "meeting_reminder_days_before_close"
REVIEW_ENABLED = "meeting_review_enabled"
RULES = (
    Rule(FREQUENCY["general"], _("Branch general meeting"), "quarterly", Type.CHOICE, choices=FREQUENCY_CHOICES,
         article=_("“A branch general meeting is generally held once a quarter.” (Regulations on the Work of "
                   "Party Branches, art. 11)"), configurable=True, group=LIFE, order=400),
    Rule(FREQUENCY["committee"], _("Branch committee meeting"), "monthly", Type.CHOICE, choices=FREQUENCY_CHOICES,
         article=_("“A branch committee meeting is generally held once a month.” (Regulations on the Work of "
                   "Party Branches, art. 12)"), configurable=True, group=LIFE, order=410),
    Rule(FREQUENCY["group"], _("Party group meeting"), "monthly", Type.CHOICE, choices=FREQUENCY_CHOICES,
         article=_("“A Party group meeting is generally held once a month.” (Regulations on the Work of Party "
                   "Branches, art. 13)"), configurable=True, group=LIFE, order=420),
    Rule(FREQUENCY["lecture"], _("Party lecture"), "quarterly", Type.CHOICE, choices=FREQUENCY_CHOICES,
         article=_("No national frequency; once a quarter is the usual local rule. The branch secretary gives a "
                   "lecture at least once a year. (Regulations on the Work of Party Branches, art. 19)"),
         configurable=True, group=LIFE, order=430),
    Rule(FREQUENCY["themed_day"], _("Themed Party day"), "monthly", Type.CHOICE, choices=FREQUENCY_CHOICES,
         article=_("“A themed Party day is held once a month, on a fairly fixed day.” (Regulations on "
                   "Organizational Life, 2019, art. 16)"), configurable=True, group=LIFE, order=440),
    Rule(FREQUENCY["life"], _("Organizational life meeting"), "yearly", Type.CHOICE, choices=FREQUENCY_CHOICES,
         article=_("“An organizational life meeting is held at least once a year, generally in the fourth "
                   "quarter.” (Regulations on Organizational Life, 2019, art. 17)"),
         configurable=True, group=LIFE, order=450),
    Rule("meeting_quorum_committee", _("Committee members present for a committee meeting"), Decimal("0.5"),
         Type.DECIMAL, unit=_("(more than this share)"),
         article=_("“A branch committee meeting may proceed only with more than half of its members present.” "
                   "(Regulations on the Work of Party Branches, art. 12)"), group=LIFE, order=460),
    Rule("meeting_quorum_general", _("Full members present for a general meeting"), Decimal("0.5"), Type.DECIMAL,
         unit=_("(more than this share)"),
         article=_("More than half of the full members with voting rights present; a resolution needs the votes "
                   "of more than half of the full members with voting rights expected; probationary members do "
                   "not vote."), group=LIFE, order=470),
    Rule("meeting_quorum_election", _("Full members present for an election"), Decimal("0.8"), Type.DECIMAL,
         unit=_("(at least this share)"),
         article=_("An election needs at least four fifths of the full members with voting rights present."),
         group=LIFE, order=480),
    Rule("meeting_secretary_lectures", _("Lectures the secretary gives a year"), 1, unit=_("at least"),
         article=ART_BRANCH_RULES, group=LIFE, order=490),
    Rule("meeting_without_life_months", _("Months without organizational life flagged to the secretary"), 6,
         unit=_("months"),
         article=_("Six consecutive months without organizational life, dues or assigned work and without good "
                   "reason is treated as leaving the Party (Regulations on Organizational Life, 2019, art. 31): "
                   "the platform flags it, never acts on it."), group=LIFE, order=500),
    Rule(CLOSING_DAYS, _("Remind this many days before a period closes"), 14, unit=_("days"),
         article=_("The platform's reminder to organizations that have not yet held a required meeting in the "
                   "period."), configurable=True, minimum=1, maximum=60, group=LIFE, order=510),
    Rule(REVIEW_ENABLED, _("Superior reviews the meeting records"), False, Type.BOOL,
         article=_("Where switched on, a finalized record waits for the superior organization to accept it or "
                   "return it with a comment."), configurable=True, group=LIFE, order=520),
)


class MeetingsConfig(AppConfig):
    name = "chuxin.meetings"
    label = "meetings"
    hooks = Hooks(
        record_kinds=(
            # A finalized meeting: responsibility duties tick themselves (kind "meeting_held"), the reports count
            # it, the study-hours ledger reads its hours for the members present.
            RecordKind("meeting_held", _("meetings held"),
                       payload={"kind": str, "period": str, "expected": int, "attended": int, "study_hours": str},
                       fact=_("Meetings held (三会一课 and themed Party days)"), fact_order=20,
                       fact_sentence=_("%(n)s meetings of organizational life were held")),
            # A lecture given: the lecturer's own duty ("the secretary gives a lecture at least once a year").
            RecordKind("lecture_given", _("Party lectures given"), payload={"period": str}),
            # The yearly organizational life meeting held: the committee's duty.
            RecordKind("life_meeting_held", _("organizational life meetings held"), payload={"year": int}),
            # A meeting convened (its attendees told): the groups' robots announce it (chuxin.notices consumes).
            RecordKind("meeting_convened", _("meetings convened"), payload={"kind": str, "planned_at": str}),
        ),
        workbench="chuxin.meetings.selectors.workbench_items",
        workbench_probe="chuxin.meetings.selectors.workbench_probe",
        workbench_kinds=(WorkbenchKind("meeting", _("Meetings"), "people", order=35),),
        reminders="chuxin.meetings.reminders.due_reminders",
        facts="chuxin.meetings.selectors.period_facts",
        facts_label=_("Organizational life"),
        facts_order=20,
        demo=Demo("chuxin.meetings.demo.seed_demo_data", after=("plans",)),
        navigation=(
            NavEntry("meetings:list", _("Organizational life"), "people", Need.PUBLIC, "life", 35),
            NavEntry("meetings:compliance", _("Organizational life compliance"), "grid-3x3", Need.READ, "life", 36),
        ),
        rules=RULES,
        matrix_routes="chuxin.meetings.tests.matrix_routes.routes",
        member_history="chuxin.meetings.selectors.member_history",
    )
