"""The audit log page: scoped like everything else, filterable, for Party-affairs workers only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.orgs.models import Organization
from chuxin.orgs.services import organization_create

A = AuditEntry.Action


@pytest.fixture
def log(world):
    """One entry in each corner of the forest, told apart by their object names."""
    sup2 = organization_create(actor=None, parent=None, name="另一上级党委", code="SUP2",
                               kind=Organization.Kind.SUPERIOR_COMMITTEE)
    AuditEntry.objects.all().delete()  # the fixtures' own creation entries
    for org, label, action in [
        (world.b1, "在第一支部", A.UPDATE),
        (world.g1, "在党小组", A.REVEAL),
        (world.b2, "在第二支部", A.UPDATE),
        (world.pc, "在基层党委", A.GRANT),
        (world.sup, "在上级党委", A.UPDATE),
        (sup2, "在另一棵树", A.UPDATE),
    ]:
        audit_record(actor=world.secretary, action=action, organization=org, target_repr=label)


def shown(response) -> set[str]:
    return {e.target_repr for e in response.context["page_obj"]}


def test_a_worker_sees_their_subtree_only(world, log, client_for):
    response = client_for(world.worker).get(reverse("audit:list"))
    assert response.status_code == 200
    assert shown(response) == {"在第一支部", "在党小组", "在第二支部", "在基层党委"}
    html = response.content.decode()
    assert "在第一支部" in html
    assert "在上级党委" not in html  # above the worker's organization
    assert "在另一棵树" not in html  # another tree


def test_a_worker_of_a_sibling_tree_sees_none_of_ours(world, log, client_for):
    from chuxin.accounts.models import Role, RoleGrant
    from chuxin.testing import make_user

    other = make_user("other-worker")
    RoleGrant.objects.create(user=other, organization=Organization.objects.get(code="SUP2"), role=Role.WORKER)
    assert shown(client_for(other).get(reverse("audit:list"))) == {"在另一棵树"}


def test_a_superuser_sees_everything(world, log, client_for):
    from chuxin.testing import make_user

    root = make_user("root", is_superuser=True)
    assert len(shown(client_for(root).get(reverse("audit:list")))) == 6


def test_a_worker_sees_their_own_account_events(world, client, client_for):
    client.post(reverse("accounts:login"), {"identifier": "worker", "password": "wrong"})
    client.post(reverse("accounts:login"), {"identifier": "secretary", "password": "wrong"})
    response = client_for(world.worker).get(reverse("audit:list"), {"action": A.LOGIN_FAILED})
    entries = list(response.context["page_obj"])
    assert [e.target_id for e in entries] == [str(world.worker.pk)]  # not the secretary's


def test_filter_by_action(world, log, client_for):
    client = client_for(world.worker)
    assert shown(client.get(reverse("audit:list"), {"action": A.REVEAL})) == {"在党小组"}
    assert shown(client.get(reverse("audit:list"), {"action": A.GRANT})) == {"在基层党委"}
    assert shown(client.get(reverse("audit:list"), {"action": A.LOCKOUT})) == set()


def test_an_unknown_action_shows_everything(world, log, client_for):
    response = client_for(world.worker).get(reverse("audit:list"), {"action": "drop table"})
    assert response.status_code == 200
    assert len(shown(response)) == 4


def test_filter_by_who_or_what(world, log, client_for):
    client = client_for(world.worker)
    assert shown(client.get(reverse("audit:list"), {"q": "党小组"})) == {"在党小组"}
    assert len(shown(client.get(reverse("audit:list"), {"q": "secretary"}))) == 4
    assert shown(client.get(reverse("audit:list"), {"q": "nobody"})) == set()


def test_the_log_pages_by_fifty(world, client_for):
    for i in range(55):
        audit_record(actor=world.worker, action=A.UPDATE, organization=world.b1, target_repr=f"条目{i}")
    client = client_for(world.worker)
    first = client.get(reverse("audit:list"), {"action": A.UPDATE})
    second = client.get(reverse("audit:list"), {"action": A.UPDATE, "page": 2})
    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 5
    assert "条目54" in first.content.decode()  # newest first
    assert "条目0<" in second.content.decode()


@pytest.mark.parametrize("who", ["viewer", "secretary", "committee", "member_user", "outsider", "stranger"])
def test_only_workers_may_read_the_log(world, log, client_for, who):
    response = client_for(getattr(world, who)).get(reverse("audit:list"))
    assert response.status_code == 403
    assert "在第一支部" not in response.content.decode()


def test_changes_show_field_names_and_choice_labels_in_the_readers_language(world, client_for):
    from chuxin.audit.models import AuditEntry
    from chuxin.members.models import Member

    AuditEntry.objects.create(
        actor=world.worker, actor_name="worker", action=AuditEntry.Action.UPDATE,
        target_type="members.member", target_id=str(world.member.pk), target_repr="李四",
        organization=world.b1, organization_path=world.b1.path,
        changes={"category": ["probationary", "full"], "rows": 3},
    )
    page = client_for(world.worker).get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    category = Member._meta.get_field("category")
    from django.utils import translation

    with translation.override("zh-hans"):
        label, old, new = str(category.verbose_name), str(Member.Category.PROBATIONARY.label), str(
            Member.Category.FULL.label)
    assert f"{label}：</span>{old} → {new}" in page
    assert "行数：</span>3 个" in page


def details(client, language: str = "zh-hans") -> list[str]:
    """The "details" cell of each entry on the log page, as text."""
    import re

    page = client.get("/audit/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    cells = re.findall(r'<td class="small">((?:<div>.*?</div>)+)</td>', page)
    return [" | ".join(re.sub(r"<[^>]+>", "", div) for div in re.findall(r"<div>(.*?)</div>", cell)) for cell in cells]


def test_what_services_record_reads_in_chinese(people_files, world, client_for):
    """Real writes, read back: states by their names, relations counted, nothing as 无, codes and field names
    nowhere."""
    import datetime

    from chuxin.directives.services import directive_send
    from chuxin.members.services import member_reveal_citizen_id, member_update
    from chuxin.plans.models import Plan, PlanArea, PlanItem
    from chuxin.plans.services import plan_publish, progress_update, task_create

    AuditEntry.objects.all().delete()
    directive_send(actor=world.worker, sender=world.pc, title="关于开展自查的通知", body="请自查",
                   due_on=datetime.date(2030, 12, 3), recipients=[world.b1, world.b2, world.g1])
    plan = Plan.objects.create(organization=world.b1, year=2030, title="年度计划", owner=world.secretary)
    area = PlanArea.objects.create(organization=world.b1, name="组织建设", order=1)
    item = PlanItem.objects.create(plan=plan, area=area, title="规范三会一课")
    task = task_create(actor=world.secretary, plan_item=item, title="制定学习计划", start_on=datetime.date(2030, 1, 1),
                       due_on=datetime.date(2030, 3, 31), lead=world.secretary, responsible=world.member_user,
                       cooperating=[world.committee])
    plan_publish(actor=world.secretary, plan=plan)
    progress_update(actor=world.member_user, task=task, progress=60, expected_version=task.version)
    member_update(actor=world.worker, member=world.member, category="probationary", full_member_on=None)
    member_reveal_citizen_id(actor=world.worker, member=world.member)

    shown = details(client_for(world.worker))
    assert "接收单位：无 → 3 个 | 截止日期：无 → 2030-12-03" in shown
    assert "人员：无 → 主管领导（亲自抓）：周建国；分管领导（具体抓）：李四；配合人员（配合抓）：吴丽" in shown
    assert "状态：草稿 → 已发布" in shown
    assert "进度：0 → 60 | 状态：未开始 → 办理中" in shown
    assert "转正日期：2011-07-01 → 无 | 党员类别：正式党员 → 预备党员" in shown
    assert "查看内容：公民身份号码" in shown
    for code in ("open", "in_progress", "draft", "published", "recipients", "citizen_id", "lead", "∅", "status"):
        assert not [line for line in shown if code in line], code

    english = details(client_for(world.worker), "en")
    assert "recipients: none → 3 | due date: none → 2030-12-03" in english
    assert "status: not started → in progress" in " ".join(english)


@pytest.mark.parametrize("target_type, changes, shown", [
    ("orgs.position", {"kind": ["member", "secretary"]}, [("职务", "委员", "书记")]),
    ("orgs.organization", {"status": ["deactivated", "active"]}, [("状态", "已撤销", "正常")]),
    ("orgs.partnerunit", {"is_active": ["True", "False"]}, [("正常", "是", "否")]),
    ("reports.reportrequirement", {"org_kinds": [["branch"], ["branch", "general_branch"]]},
     [("组织类型", "党支部", "党支部、党总支")]),
    ("reports.reportrequirement", {"sections": [[], [{"title": "工作情况", "guidance": ""}]]},
     [("报告栏目", "无", "工作情况")]),
    ("reports.reportrequirement", {"sections": ["[]", "[{'title': '工作情况', 'guidance': ''}]"]},
     [("报告栏目", "无", "工作情况")]),  # as an older version recorded it
    ("reports.report", {"status": ["", "submitted"]}, [("状态", "无", "已提交")]),
    ("responsibilities.listitem", {"done": ["", "marked by hand"]}, [("已完成", "无", "手动标记")]),
    ("plans.task", {"status": ["", "reopened"]}, [("状态", "无", "重新办理")]),  # an older entry's word
    ("plans.progressupdate", {"status": ["open", "in_progress"]}, [("状态", "未开始", "办理中")]),
    ("directives.directiveaction", {"state": ["acknowledged", "in_progress"]}, [("状态", "已签收", "办理中")]),
    ("directives.directive", {"reminded": ["", "2"]}, [("催办单位", "无", "2 个")]),
    ("directives.directive", {"status": ["open", "withdrawn"]}, [("状态", "进行中", "已撤回")]),  # withdrawn
    ("plans.task", {"people": ["lead: 张三; responsible: 李四; cooperating: 王五, 赵六", ""]},  # a task deleted
     [("人员", "主管领导（亲自抓）：张三；分管领导（具体抓）：李四；配合人员（配合抓）：王五、赵六", "无")]),
    ("plans.planarea", {"order": ["政治建设 / 思想建设", "思想建设 / 政治建设"]},  # an area moved up
     [("排序", "政治建设 / 思想建设", "思想建设 / 政治建设")]),
    ("members.member", {"citizen_id": ["***", "***"]}, [("公民身份号码", "***", "***")]),
    ("", {"file": "党员.xlsx", "rows": 3, "created": 1, "updated": 0, "unchanged": 2},
     [("文件", "党员.xlsx", None), ("行数", "3 个", None), ("新增", "1 个", None), ("修改", "无", None),
      ("无变化", "2 个", None)]),
])
def test_every_audited_kind_of_change_reads_in_chinese(target_type, changes, shown):
    from django.utils import translation

    from chuxin.audit.display import changes_shown

    with translation.override("zh-hans"):
        assert changes_shown(target_type, changes) == shown
