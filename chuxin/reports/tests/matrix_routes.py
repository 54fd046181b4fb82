"""The reports URLs in the role matrix. Objects live at the target organization: the requirement is that
organization's own (it reviews), and the organization reports to itself as a branch."""

import datetime

from chuxin.testing import FORBIDDEN, anywhere, get_and_post, login_only, obj

# Removing a file: only the person who attached it (the manager standing at each place); another manager there
# (the worker at B1) is refused.
UPLOADERS = {"B1": "secretary", "B2": "outsider", "X2": "superuser"}


def routes() -> dict:
    from chuxin.core.access import Need
    from chuxin.orgs.models import Organization
    from chuxin.reports.models import Report, ReportPeriod, ReportRequirement

    R, M = Need.READ, Need.MANAGE
    start = datetime.date(2026, 1, 1)
    SUBMITTED = datetime.datetime(2026, 2, 5, 9, 0, tzinfo=datetime.UTC)

    def requirement(env, where):
        return env.once(("report-requirement", where), lambda: ReportRequirement.objects.create(
            organization=env.org(where), title=f"月报-{where}", audience="organizations",
            org_kinds=[Organization.Kind.BRANCH], frequency="monthly", due_day=10,
            sections=[{"title": "工作情况", "guidance": ""}], starts_on=start))

    def period(env, where):
        return env.once(("report-period", where), lambda: ReportPeriod.objects.create(
            requirement=requirement(env, where), start=start, end=datetime.date(2026, 1, 31),
            due_on=datetime.date(2026, 2, 10)))

    def report(env, where):
        return env.once(("report", where), lambda: Report.objects.create(
            period=period(env, where), organization=env.org(where), status="submitted",
            submitted_at=SUBMITTED, first_submitted_at=SUBMITTED,
            sections=[{"title": "工作情况", "html": "<p>完成</p>"}]))

    def requirement_pk(env, where):
        return {"pk": requirement(env, where).pk}, {}

    def write(env, where):
        return {"period": period(env, where).pk, "org": env.org(where).pk}, {}

    def report_pk(env, where):
        return {"pk": report(env, where).pk}, {}

    def attach(owner, uploaded_by=None):
        from django.core.files.base import ContentFile

        from chuxin.reports.models import ReportAttachment

        attachment = ReportAttachment(report=owner, name="台账.pdf", size=8, uploaded_by=uploaded_by)
        attachment.file.save("ledger.pdf", ContentFile(b"%PDF-1.4"), save=False)
        attachment.save()
        return attachment

    def draft(env, where):
        return env.once(("report-draft", where), lambda: Report.objects.create(
            period=period(env, where), organization=env.org(where), holder=env.users[UPLOADERS[where]],
            sections=[{"title": "工作情况", "html": ""}]))

    def file_pk(env, where):
        return {"pk": env.once(("report-file", where), lambda: attach(report(env, where))).pk}, {}

    def fresh_file_pk(env, where):  # fresh each time: a removal deletes it
        return {"pk": attach(draft(env, where), env.users[UPLOADERS[where]]).pk}, {}

    return {
        "reports:mine": [login_only("get")],
        # READ follows the reports of its subtree (the requirements, each period's status, the reports handed in);
        # MANAGE sets requirements, writes and reviews.
        "reports:requirements": [anywhere("get", R)],
        "reports:requirement-create": get_and_post(anywhere("get", M)),
        "reports:requirement": [obj("get", R, requirement_pk)],
        "reports:requirement-export": [obj("get", R, requirement_pk)],  # the period's status as .xlsx: as the page
        "reports:requirement-edit": get_and_post(obj("get", M, requirement_pk)),
        "reports:write": [obj("get", M, write), obj("post", M, write)],
        # The report (submitted): read with READ; saved or submitted from the same page with MANAGE.
        "reports:report": [obj("get", R, report_pk), obj("post", M, report_pk)],
        "reports:review": get_and_post(obj("get", M, report_pk)),  # accept or return
        "reports:word": [obj("get", R, report_pk)],  # the report as .docx: as reading it
        "reports:attachment": [obj("get", R, file_pk)],  # a file of the report: as reading it
        "reports:attachment-remove": [obj("post", M, fresh_file_pk, special={("worker", "B1"): FORBIDDEN})],
    }
