"""The default responsibility templates, made for a committee the first time it needs one.

The wording follows the usual Party-building responsibility-system documents (党建工作责任制): the committee's
primary responsibility, the secretary's first responsibility, the discipline member's supervisory
responsibility and every leader's dual duty. An organization edits its copy; these are only the starting point.
Each item is (text, evidence kind, times a year) and, for a duty met by reports, the reports' frequency: the
secretary's yearly 述职 is met by a yearly report only, never by the monthly or quarterly ones.
"""

from __future__ import annotations

from .models import EvidenceKind as E
from .models import Frequency as F
from .models import PostKind

DEFAULT_TEMPLATES: dict[str, tuple[str, list[tuple]]] = {
    PostKind.COMMITTEE: (
        "党组织主体责任清单",
        [
            ("专题研究部署党建工作每年不少于4次，研究解决党建工作重大问题", E.MEETING_HELD, 4),
            ("制定年度党建工作计划，分解任务到部门和责任人并推进落实", E.TASK_DONE, 1),
            ("严格落实“三会一课”制度，按期召开支部党员大会、支委会、党小组会，按时上好党课", E.MEETING_HELD, 12),
            ("按时向上级党组织书面报告党建工作情况", E.REPORT_FILED, 4, F.QUARTERLY),
            ("办结上级党组织交办事项，按要求反馈落实情况", E.DIRECTIVE_DONE, 1),
            ("每年召开一次专题组织生活会，开展民主评议党员", E.LIFE_MEETING_HELD, 1),
            ("做好发展党员工作，严把发展党员质量关", E.MANUAL, 1),
            ("落实意识形态工作责任制，每半年专题分析研判一次", E.MANUAL, 2),
        ],
    ),
    PostKind.SECRETARY: (
        "书记第一责任人责任清单",
        [
            ("亲自研究部署党建工作，主持召开党建工作专题会议", E.MEETING_HELD, 4),
            ("带头讲党课每年至少1次", E.LECTURE_GIVEN, 1),
            ("定期听取班子成员和下级党组织书记抓党建工作情况汇报", E.MANUAL, 2),
            ("亲自抓年度党建工作计划分解任务的推进落实", E.TASK_DONE, 1),
            ("按时报送党建工作书面报告", E.REPORT_FILED, 4, F.QUARTERLY),
            ("与班子成员、支部委员开展谈心谈话每年不少于1次", E.TALK_HELD, 1),
            ("年度向上级党组织述职，接受述职评议", E.REPORT_FILED, 1, F.YEARLY),
        ],
    ),
    PostKind.DISCIPLINE: (
        "纪检委员监督责任清单",
        [
            ("对党员遵守党章党规党纪情况开展监督检查每年不少于2次", E.MANUAL, 2),
            ("对党员干部开展廉政提醒谈话，重要节日前开展廉洁提醒", E.MANUAL, 4),
            ("与党员开展谈心谈话，及时掌握思想动态", E.TALK_HELD, 1),
            ("督促落实“三会一课”等组织生活制度", E.MEETING_HELD, 1),
            ("按时报送监督工作情况书面报告", E.REPORT_FILED, 2, F.HALF_YEARLY),
            ("完成年度党风廉政建设分解任务", E.TASK_DONE, 1),
        ],
    ),
    PostKind.LEADER: (
        "班子成员一岗双责责任清单",
        [
            ("分管领域党建工作与业务工作同部署、同落实、同检查、同考核", E.MANUAL, 2),
            ("完成年度党建工作计划中分管的分解任务", E.TASK_DONE, 1),
            ("参加所在党支部组织生活，以普通党员身份参加双重组织生活", E.MEETING_HELD, 4),
            ("到联系点或分管部门讲党课、作形势报告每年至少1次", E.LECTURE_GIVEN, 1),
            ("与分管部门负责人开展谈心谈话，抓好分管领域党风廉政建设", E.MANUAL, 1),
            ("办结上级交办的分管领域事项", E.DIRECTIVE_DONE, 1),
        ],
    ),
}


def default_item(row: tuple) -> dict:
    """A template row as TemplateItem fields: (text, kind, times a year[, frequency])."""
    text, kind, count, *rest = row
    return {"text": text, "evidence_kind": kind, "required_count": count, "frequency": rest[0] if rest else F.ANY}
