"""The issue's story: a monthly period opens, the draft is pre-filled with the month's facts, it is submitted,
returned, resubmitted and accepted; the missing list shows who has not reported."""

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from chuxin.core import registry
from chuxin.core.protocols import Fact
from chuxin.records.models import WorkRecord
from chuxin.reports import facts
from chuxin.reports.models import Report, ReportPeriod

D = datetime.date


def fake_plan_facts(organization, start, end):
    return [Fact("tasks_overdue", _("Tasks overdue"), 1, ["整改台账"], _("%(n)s tasks overdue") % {"n": 1})]


def fake_directive_facts(organization, start, end):
    from chuxin.directives.selectors import directives_sentence

    sentence = directives_sentence(received=3, on_time=1, late=1, still_open=1)
    return [Fact("received", _("Directives received"), 3, ["学习贯彻通知"], sentence, titles_in_sentence=False),
            Fact("completed_on_time", _("Completed on time"), 1), Fact("completed_late", _("Completed late"), 1),
            Fact("open", _("Still open"), 1), Fact("open_overdue", _("Open past their due date"), 0)]


def no_facts(organization, start, end):
    return []


def broken_facts(organization, start, end):
    raise RuntimeError("a source's bug")


def task_done(org, on: datetime.date, label: str, pk: int) -> WorkRecord:
    """A task completed, as the plans app records it (kind "task_done")."""
    return WorkRecord.objects.create(kind="task_done", organization=org, organization_path=org.path, on=on,
                                     target_type="plans.task", target_id=str(pk), label=label)


@pytest.fixture
def fake_sources(world, monkeypatch):
    """The facts of January for B1: two tasks completed (work records: they alone count, not B2's nor February's),
    the states from the apps' `facts` hooks faked, one source with nothing to say and one that fails."""
    task_done(world.b1, D(2026, 1, 5), f"{world.b1.name}学习01月", 1)
    task_done(world.b1, D(2026, 1, 31), "走访群众", 2)
    task_done(world.b2, D(2026, 1, 10), "第二支部的任务", 3)
    task_done(world.b1, D(2026, 2, 1), "二月的任务", 4)
    monkeypatch.setattr(registry, "fact_sources", lambda: [
        ("plans", "Annual plan tasks", fake_plan_facts), ("directives", "Directives from above", fake_directive_facts),
        ("responsibilities", "Responsibility list", no_facts), ("other", None, broken_facts),
    ])


def counts(block: list[dict]) -> dict[str, int]:
    return {fact["code"]: fact["count"] for fact in block}


def test_the_monthly_report_story(world, monthly, client_for, fake_sources, monkeypatch, django_capture_on_commit_callbacks):
    from chuxin.notifications.models import Notification

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 2, 12))
    # The reviewer's page opens the January period by itself (and February, which has started).
    reviewer = client_for(world.worker)
    page = reviewer.get(reverse("reports:requirement", args=[monthly.pk]))
    assert page.status_code == 200
    january = ReportPeriod.objects.get(requirement=monthly, start=D(2026, 1, 1))

    # The B1 secretary starts the report: the facts are gathered once and summarized in the first section.
    secretary = client_for(world.secretary)
    response = secretary.post(reverse("reports:write", args=[january.pk, world.b1.pk]))
    report = Report.objects.get(period=january, organization=world.b1)
    assert response["Location"] == reverse("reports:report", args=[report.pk])
    assert counts(report.facts["plans"]) == {"task_done": 2, "tasks_overdue": 1} and "other" not in report.facts
    assert "responsibilities" not in report.facts
    first = report.sections[0]["html"]
    assert "第一支部学习01月" in first and "整改台账" in first and "3" in first
    assert first == ("<p>本期完成任务2项：第一支部学习01月、走访群众；逾期任务1项：整改台账；"
                     "收到上级交办事项3项，已办结2项（按期1项），尚未办结1项。</p>")
    page = secretary.get(reverse("reports:report", args=[report.pk]))
    assert "走访群众" in page.content.decode()  # the read-only facts panel

    # Submitted, with the judgement written; the reviewer is told.
    with django_capture_on_commit_callbacks(execute=True):
        secretary.post(reverse("reports:report", args=[report.pk]), {
            "version": report.version, "section-0": first + "<p>总体完成较好。</p>", "section-1": "学习深度不够",
            "section-2": "开展主题党日", "action": "submit",
        })
    report.refresh_from_db()
    assert report.status == "submitted" and report.author == world.secretary
    assert Notification.objects.filter(recipient=world.worker, kind="assigned").exists()

    # Returned with a comment, which the author sees.
    reviewer = client_for(world.worker)
    assert reviewer.post(reverse("reports:review", args=[report.pk]), {"action": "return", "comment": ""}
                         ).status_code == 200  # a comment is required
    reviewer.post(reverse("reports:review", args=[report.pk]), {"action": "return", "comment": "请补充问题原因"})
    report.refresh_from_db()
    assert report.status == "returned"
    assert Notification.objects.filter(recipient=world.secretary, kind="returned").exists()
    secretary = client_for(world.secretary)
    assert "请补充问题原因" in secretary.get(reverse("reports:report", args=[report.pk])).content.decode()

    # Resubmitted and accepted.
    secretary.post(reverse("reports:report", args=[report.pk]), {
        "version": report.version, "section-0": "总体完成较好", "section-1": "学习深度不够，原因是时间安排紧",
        "section-2": "开展主题党日", "action": "submit",
    })
    report.refresh_from_db()
    assert report.status == "submitted"
    reviewer = client_for(world.worker)
    reviewer.post(reverse("reports:review", args=[report.pk]), {"action": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.status == "accepted" and report.reviewer == world.worker
    assert Notification.objects.filter(recipient=world.secretary, kind="accepted").exists()

    # The period page: B1 accepted, B2 missing (due on 10 February, today the 12th).
    page = reviewer.get(reverse("reports:requirement", args=[monthly.pk]), {"period": january.pk})
    rows = {row.reporter.organization.code: row for row in page.context["rows"]}
    assert rows["B1"].state == "accepted" and rows["B2"].state == "missing"
    assert [row.reporter.organization.code for row in page.context["missing"]] == ["B2"]
    # Handed in (by the real clock) long after 10 February: on the late list as well.
    assert [row.reporter.organization.code for row in page.context["late"]] == ["B1"]
    body = page.content.decode()
    assert 'id="missing-list"' in body and "第二支部" in body


def test_the_real_sources_are_gathered_once_and_summarized(world, january):
    from chuxin.reports.services import report_start

    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    # Every app with facts, and the test-only probe app's record kind (chuxin/records/tests/probe), at zero.
    assert set(report.facts) == {"plans", "directives", "responsibilities", "meetings", "records_probe", "evaluation",
                                 "activities", "campaigns", "dues", "joint", "quizzes", "site"}
    assert counts(report.facts["evaluation"]) == {"evaluation.concluded": 0, "talk.held": 0}
    assert counts(report.facts["plans"]) == {"task_done": 0, "tasks_overdue": 0}  # zeros are facts too
    assert counts(report.facts["directives"])["received"] == 0
    assert counts(report.facts["responsibilities"]) == {"responsibility_items_done": 0}
    # Nothing was held: the month's themed Party day and G1's group meeting are missing (chuxin.meetings); the
    # zeros write no sentence, the missing meetings do.
    assert counts(report.facts["meetings"])["meetings_missing"] == 2
    assert report.sections[0]["html"].startswith("<p>缺开应开会议2次")
    assert all(block["rows"] for block in facts.panel(report.facts))


def test_the_facts_panel_reads_in_the_same_order_whatever_order_the_database_returns(english):
    # PostgreSQL's jsonb hands keys back sorted by length, SQLite as written: the panel must not depend on it. The
    # blocks follow the apps' order in the registry; the facts within a block are a list, kept as gathered. A block
    # of an app that is no longer installed still shows, last, under its name.
    def fact(code, label, count, items=()):
        return {"code": code, "label": label, "count": count, "items": list(items), "sentence": ""}

    plans = [fact("task_done", "Tasks completed", 2, ["甲", "乙"]), fact("tasks_overdue", "Tasks overdue", 0)]
    directives = [fact("received", "Directives received", 3, ["通知"]), fact("completed_on_time", "Completed on time", 1),
                  fact("completed_late", "Completed late", 1), fact("open", "Still open", 1),
                  fact("open_overdue", "Open past their due date", 0)]
    duties = [fact("responsibility_items_done", "Responsibility items completed", 1, ["丙"])]
    as_written = {"plans": plans, "directives": directives, "responsibilities": duties}
    as_jsonb = {"responsibilities": duties, "zz_gone": [fact("x", "Something else", 4)], "plans": plans,
                "directives": directives}

    def read(panel):
        return [(block["source"], [(row["label"], row["count"]) for row in block["rows"]]) for block in panel]

    expected = [
        ("Annual plan tasks", [("Tasks completed", 2), ("Tasks overdue", 0)]),
        ("Directives from above", [("Directives received", 3), ("Completed on time", 1), ("Completed late", 1),
                                   ("Still open", 1), ("Open past their due date", 0)]),
        ("Responsibility list", [("Responsibility items completed", 1)]),
    ]
    assert read(facts.panel(as_written)) == expected
    expected.append(("zz_gone", [("Something else", 4)]))
    assert read(facts.panel(as_jsonb)) == expected
