"""Daily reminders for periodic reports: open the periods that have started, then remind the reporters
REMIND_DAYS before the due day and once the due day has passed (once per period, reporter and kind)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_noop

from chuxin.accounts.models import User
from chuxin.core.access import Need, holders_by_org
from chuxin.core.protocols import Reminder

from .models import Report, ReportPeriod, ReportRequirement, period_message
from .selectors import REMIND_DAYS, expected_reporters

OVERDUE = gettext_noop("Report overdue: %(requirement)s %(period)s · %(organization)s")
DUE = gettext_noop("Report due on %(due)s: %(requirement)s %(period)s · %(organization)s")


def _recipients(period: ReportPeriod, reporters, today: datetime.date) -> dict[tuple[int, int | None], list]:
    """Who to remind for each reporter: the post holder, or those who answer for the organization (the access
    policy's holders of MANAGE on it, by a grant or by serving in its secretary's seat). Two queries."""
    people: dict[tuple[int, int | None], list] = {}
    if period.requirement.audience == ReportRequirement.Audience.POSTS:
        users = {u.pk: u for u in User.objects.filter(pk__in=[r.holder_id for r in reporters], is_active=True)}
        for r in reporters:
            if r.holder_id in users:
                people[r.key] = [users[r.holder_id]]
        return people
    by_org = holders_by_org([r.organization for r in reporters], Need.MANAGE, on=today, serving=True)
    for r in reporters:
        people[r.key] = by_org.get(r.organization.pk, [])
    return people


def due_reminders(today: datetime.date) -> list:
    """Periods are opened by this app's housekeeping, which the daily run does first."""
    periods = (
        ReportPeriod.objects.filter(
            requirement__is_active=True,
            due_on__lte=today + datetime.timedelta(days=REMIND_DAYS),
            due_on__gte=today - datetime.timedelta(days=60),  # stop nagging about long-dead periods
        )
        .select_related("requirement__organization")
        .order_by("due_on")
    )
    reminders = []
    for period in periods:
        reporters = expected_reporters(period, today)
        done = {
            (r.organization_id, r.holder_id): r
            for r in period.reports.only("id", "organization_id", "holder_id", "status")
        }
        overdue = today > period.due_on
        recipients = _recipients(period, reporters, today)
        for reporter in reporters:
            report = done.get(reporter.key)
            if report is not None and report.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
                continue
            if report is not None:
                url = reverse("reports:report", args=[report.pk])
            else:
                url = reverse("reports:write", args=[period.pk, reporter.organization.pk])
            title = OVERDUE if overdue else DUE
            params = {"requirement": period.requirement.title, "organization": reporter.organization.name,
                      "period": period_message(period.requirement.frequency, period.start),
                      "due": period.due_on.isoformat()}
            stage = "overdue" if overdue else "due"
            for user in recipients.get(reporter.key, []):
                reminders.append(Reminder(
                    recipient=user, kind="report_due", target=period, title=title, url=url, params=params,
                    dedup_key=f"{stage}:{period.due_on:%Y-%m-%d}:{reporter.organization.pk}",
                ))
    return reminders
