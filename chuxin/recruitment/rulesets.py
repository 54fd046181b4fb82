"""The rule sets shipped with the platform, as data: the 2014 Detailed Rules on Recruitment (中国共产党发展党员工作细则,
2014): 5 stages, 25 steps, the article of each and the time limits the platform computes. The migration
0002_rules_2014 installs them; `install_shipped` also puts them back where a database lost them (a test database
flushed between browser tests), so recruitment never stops for want of its rules. A later revision is added as a
new RuleSet with its steps (in a migration or by the Party-affairs office), without code.
"""

import datetime

# number, stage, name, English name, article, kind, options
STEPS = [
    (1, 1, "递交入党申请书", "Application", "细则第六条", "plain", {}),
    (2, 1, "党组织派人谈话", "Talk with the applicant", "细则第八条：收到入党申请书后一个月内派人谈话", "plain",
     {"anchor": 1, "deadline_months": 1}),
    (3, 2, "推荐和确定入党积极分子", "Recommendation and confirmation as activist", "细则第九条、第十条", "plain",
     {"notice": True}),
    (4, 2, "上级党委备案", "Filing with the higher committee", "细则第十条", "plain", {}),
    (5, 2, "指定培养联系人", "Contacts assigned", "细则第十一条：一至两名正式党员", "contacts", {}),
    (6, 2, "培养教育考察", "Training and assessment", "细则第十三条：党支部每半年考察一次", "plain",
     {"repeatable": True, "anchor": 3, "deadline_months": 6}),
    (7, 3, "确定发展对象", "Confirmation as candidate", "细则第十四条：经过一年以上培养教育和考察", "plain",
     {"anchor": 3, "earliest_months": 12, "notice": True}),
    (8, 3, "报上级党委备案", "Filing with the higher committee", "细则第十四条", "plain", {}),
    (9, 3, "确定入党介绍人", "Two sponsors", "细则第十五条：两名正式党员作入党介绍人", "sponsors", {}),
    (10, 3, "进行政治审查", "Political review", "细则第十六条", "plain", {}),
    (11, 3, "开展集中培训", "Short intensive training", "细则第十七条：一般不少于三天（或不少于二十四个学时）", "training",
     {"min_training_days": 3, "min_training_hours": 24}),
    (12, 4, "支部委员会审查", "Review by the branch committee", "细则第十八条", "meeting", {"notice": True}),
    (13, 4, "上级党委预审", "Pre-review by the higher committee", "细则第十八条、第十九条", "plain", {}),
    (14, 4, "填写入党志愿书", "Application form filled in", "细则第二十条", "plain", {}),
    (15, 4, "支部大会讨论", "Branch general meeting votes", "细则第二十二条", "meeting", {}),
    (16, 4, "上级党委派人谈话", "Talk by the higher committee", "细则第二十三条", "plain", {}),
    (17, 4, "上级党委审批", "Approval by the higher committee", "细则第二十四条：三个月内审批，特殊情况可延长，最长不超过六个月",
     "admit", {"anchor": 15, "deadline_months": 3, "extended_months": 6}),
    (18, 4, "再上一级党委组织部门备案", "Filing with the organization department above", "细则第二十五条", "plain", {}),
    (19, 5, "编入党支部和党小组", "Placed in a branch and a group", "细则第二十七条", "plain", {}),
    (20, 5, "入党宣誓", "Oath", "细则第二十八条", "plain", {}),
    (21, 5, "继续教育考察", "Education and assessment during probation", "细则第二十九条", "plain", {}),
    (22, 5, "提出转正申请", "Application for full membership", "细则第三十条：预备期满时", "plain",
     {"anchor": 15, "deadline_months": 12}),
    (23, 5, "支部大会讨论转正", "Branch general meeting on full membership",
     "细则第三十一条：预备期自支部大会通过之日起计算，为一年", "meeting", {"anchor": 15, "earliest_months": 12}),
    (24, 5, "上级党委审批转正", "Approval of full membership", "细则第三十二条：三个月内审批", "confirm",
     {"anchor": 23, "deadline_months": 3}),
    (25, 5, "材料归档", "Records archived", "细则第三十三条", "plain", {}),
]


def install_shipped(RuleSet, StepRule):  # noqa: N803  (model classes, historical in the migration)
    rules, _created = RuleSet.objects.get_or_create(code="2014", defaults={
        "name": "中国共产党发展党员工作细则（2014年）", "name_en": "Detailed Rules on Recruitment (2014)",
        "effective_from": datetime.date(2014, 5, 28), "source": "中办发〔2014〕22号"})
    for number, stage, name, name_en, article, kind, options in STEPS:
        StepRule.objects.update_or_create(rule_set=rules, number=number, defaults={
            "stage": stage, "name": name, "name_en": name_en, "article": article, "kind": kind, **options})
