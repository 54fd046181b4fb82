"""The joint committee's rules as data (chuxin.core.rules)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from chuxin.core.rules import Rule, Type

JOINT = _("Joint committee")
ART_DEMOCRATIC_CENTRALISM = _(
    "“When a decision is made by vote, more than half of the members must be present, and a decision is adopted "
    "by the majority.” (Regulations on the Work of Grassroots Party Organizations; the joint committee's own "
    "rules of procedure)")
QUORUM = "joint_vote_quorum"
MAJORITY = "joint_vote_majority"
ANSWER_DAYS = "joint_request_answer_days"
RULES = (
    Rule(QUORUM, _("Members voting for a valid vote"), Decimal("0.5"), Type.DECIMAL,
         unit=_("(more than this share of the members)"), article=ART_DEMOCRATIC_CENTRALISM, group=JOINT, order=700),
    Rule(MAJORITY, _("Votes in favour for a decision"), Decimal("0.5"), Type.DECIMAL,
         unit=_("(more than this share of those voting)"), article=ART_DEMOCRATIC_CENTRALISM, group=JOINT,
         order=710),
    Rule(ANSWER_DAYS, _("Days a partner unit has to answer a joint-service request"), 5, unit=_("days"),
         article=_("The platform's default; the worker may set another date when routing a request."),
         configurable=True, minimum=1, maximum=60, group=JOINT, order=720),
)
