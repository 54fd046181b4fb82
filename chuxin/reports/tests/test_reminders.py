import datetime

from django.utils.translation import gettext as _

from chuxin.notifications.reminders import housekeep
from chuxin.orgs.models import Position
from chuxin.reports.reminders import due_reminders
from chuxin.reports.selectors import workbench_items
from chuxin.reports.services import report_start, report_submit

from .conftest import make_requirement

D = datetime.date


def daily_reminders(today: datetime.date) -> list:
    """This app's reminders as the daily run gathers them (notifications.reminders.send_due_reminders): every app's
    housekeeping first, which opens the report periods that have started, then the reminders."""
    housekeep(today)
    return due_reminders(today)


def test_reminders_open_periods_then_remind_three_days_before_and_when_overdue(world, monkeypatch):
    requirement = make_requirement(world.pc, starts_on=D(2026, 1, 1))
    assert daily_reminders(D(2026, 2, 6)) == []  # January is due on 10 February: not yet
    assert requirement.periods.count() == 2  # but January and February have opened
    soon = daily_reminders(D(2026, 2, 7))
    assert {(r.recipient, r.kind) for r in soon} == {(world.secretary, "report_due"), (world.outsider, "report_due")}
    assert all(r.dedup_key.startswith("due:2026-02-10") for r in soon)
    # B1 hands in; B2 is overdue the day after the due day, with another key so it goes out again.
    january = requirement.periods.get(start=D(2026, 1, 1))
    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    report_submit(actor=world.secretary, report=report, sections=["完成"], version=report.version)
    late = daily_reminders(D(2026, 2, 11))
    assert [(r.recipient, r.dedup_key.split(":")[0]) for r in late] == [(world.outsider, "overdue")]
    assert daily_reminders(D(2026, 2, 11))[0].dedup_key == late[0].dedup_key  # the same key: notified once


def test_post_holders_are_reminded_personally(world):
    make_requirement(world.pc, audience="posts", kinds=["secretary"], frequency="quarterly", title="书记述职",
                     starts_on=D(2026, 1, 1))
    Position.objects.create(organization=world.b1, kind=Position.Kind.SECRETARY, member=world.member,
                            started_on=D(2020, 1, 1))
    reminders = daily_reminders(D(2026, 4, 8))
    assert [(r.recipient, r.kind) for r in reminders] == [(world.member_user, "report_due")]


def test_workbench_has_my_due_and_returned_reports_and_those_to_review(world, monkeypatch):
    from chuxin.reports.services import report_return

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 2, 5))
    requirement = make_requirement(world.pc, starts_on=D(2026, 1, 1))
    housekeep(D(2026, 2, 5))  # the daily run opens January and February
    items = workbench_items(world.secretary)
    assert [(i.title, i.due, i.overdue) for i in items] == [("支部月度工作报告 2026年1月", D(2026, 2, 10), False)]
    january = requirement.periods.get(start=D(2026, 1, 1))
    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    report = report_submit(actor=world.secretary, report=report, sections=["完成"], version=report.version)
    assert workbench_items(world.secretary) == []
    assert [i.state for i in workbench_items(world.worker)] == [_("to review")]
    report_return(actor=world.worker, report=report, comment="补充")
    assert [i.state for i in workbench_items(world.secretary)] == [_("returned")]
    assert workbench_items(world.worker) == []
    assert workbench_items(world.stranger) == []


def test_workbench_items_query_count_does_not_grow(world, django_assert_num_queries, monkeypatch):
    from chuxin.core.access import forget
    from chuxin.reports.periods import periods_open
    from chuxin.reports.services import report_start, report_submit

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 6, 5))

    def seed(count):
        for i in range(count):
            requirement = make_requirement(world.pc, title=f"报告{count}-{i}", starts_on=D(2026, 1, 1))
            periods_open(D(2026, 6, 5), [requirement])
            period = requirement.periods.get(start=D(2026, 4, 1))
            report = report_start(actor=world.outsider, period=period, organization=world.b2)
            report_submit(actor=world.outsider, report=report, sections=["完成"], version=report.version)

    # the secretary: seats, secretary grants, the periods of the requirements above (with them), reports (no
    # periods opened here: the daily housekeeping does it); both: standings (grants, member file), reports to
    # review (the worker holds no seat: the first two only)
    seed(2)
    for user, expected in ((world.secretary, 7), (world.worker, 5)):
        forget(user)
        with django_assert_num_queries(expected):
            small = workbench_items(user)
    seed(10)
    for user, expected in ((world.secretary, 7), (world.worker, 5)):
        forget(user)
        with django_assert_num_queries(expected):
            large = workbench_items(user)
    assert len(large) > len(small)


def test_workbench_lists_every_report_waiting_for_review_beyond_two_hundred(world, monkeypatch,
                                                                            django_assert_num_queries):
    from django.utils import timezone

    from chuxin.core.access import forget
    from chuxin.reports.models import Report, ReportPeriod

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 6, 5))
    requirement = make_requirement(world.pc, frequency="yearly", starts_on=D(2000, 1, 1))
    periods = ReportPeriod.objects.bulk_create([
        ReportPeriod(requirement=requirement, start=D(2000, 1, 1) + datetime.timedelta(days=i),
                     end=D(2000, 1, 1) + datetime.timedelta(days=i), due_on=D(2000, 2, 1))
        for i in range(205)
    ])
    Report.objects.bulk_create([
        Report(period=p, organization=world.b2, author=world.outsider, status=Report.Status.SUBMITTED,
               submitted_at=timezone.now())
        for p in periods
    ])
    forget(world.worker)
    # standings (grants, member file), seats held (none for the worker: no duty queries), the reports to review
    with django_assert_num_queries(5):
        items = workbench_items(world.worker)
    assert len([i for i in items if i.state == _("to review")]) == 205


def test_an_organizations_reminders_go_to_who_answers_for_it_by_grant_or_seat(world):
    """The access policy's reverse question (holders of MANAGE on the branch itself, with its serving
    secretary): the secretary's grant, a worker granted on the branch, the member serving in its secretary's seat;
    not the worker above, who stands there only by inheritance."""
    from chuxin.accounts.models import Role, RoleGrant
    from chuxin.testing import make_user

    make_requirement(world.pc, starts_on=D(2026, 1, 1))
    Position.objects.create(organization=world.b1, kind=Position.Kind.SECRETARY, member=world.member,
                            started_on=D(2020, 1, 1))
    helper = make_user("helper", role=Role.WORKER, org=world.b1)
    gone = make_user("gone", role=Role.SECRETARY, org=world.b1, is_active=False)
    assert RoleGrant.objects.filter(user=gone).exists()
    soon = daily_reminders(D(2026, 2, 7))
    by_org = {}
    for r in soon:
        by_org.setdefault(r.params["organization"], set()).add(r.recipient)
    assert by_org == {world.b1.name: {world.secretary, helper, world.member_user}, world.b2.name: {world.outsider}}
