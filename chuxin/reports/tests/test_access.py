import datetime

from django.urls import reverse

from chuxin.reports.services import report_start, report_submit

D = datetime.date


def test_a_branch_secretary_sees_only_their_own_reports(world, january, client_for):
    from chuxin.accounts.models import Role
    from chuxin.testing import make_user

    mine = report_start(actor=world.secretary, period=january, organization=world.b1)
    theirs = report_start(actor=world.outsider, period=january, organization=world.b2)
    client = client_for(world.secretary)
    assert client.get(reverse("reports:report", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reports:report", args=[theirs.pk])).status_code == 404
    # the review page belongs to the reviewing PC, where the branch secretary has no standing
    assert client.get(reverse("reports:review", args=[mine.pk])).status_code == 404
    assert client.get(reverse("reports:write", args=[january.pk, world.b2.pk])).status_code == 404
    page = client.get(reverse("reports:mine"))
    assert {d.organization.code for d in page.context["duties"]} == {"B1"}
    # a plain member of B1 sees neither
    member = client_for(world.member_user)
    assert member.get(reverse("reports:report", args=[mine.pk])).status_code == 403
    # a secretary on the superior committee reviews everything below
    sup_secretary = make_user("supsec", role=Role.SECRETARY, org=world.sup)
    assert client_for(sup_secretary).get(reverse("reports:review", args=[theirs.pk])).status_code == 200


def test_the_reviewer_needs_manage_on_the_requirement_organization(world, monthly, january, client_for):
    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    report_submit(actor=world.secretary, report=report, sections=["完成"], version=report.version)
    # (user, the requirement's status page, the review page): the superior viewer reads the status, never reviews.
    for user, status, review in ((world.viewer, 200, 403), (world.committee, 404, 404), (world.secretary, 404, 404),
                                 (world.worker, 200, 200)):
        client = client_for(user)
        assert client.get(reverse("reports:requirement", args=[monthly.pk])).status_code == status, user
        assert client.get(reverse("reports:review", args=[report.pk])).status_code == review, user
    response = client_for(world.secretary).post(reverse("reports:review", args=[report.pk]), {"action": "accept"})
    assert response.status_code == 404


def test_a_requirement_is_created_for_an_organization_the_user_manages(world, client_for):
    from chuxin.reports.models import ReportRequirement

    client = client_for(world.worker)
    data = {"organization": world.pc.pk, "title": "月度报告", "audience": "organizations", "org_kinds": ["branch"],
            "frequency": "monthly", "due_day": 10, "starts_on": "2026-01-01", "is_active": "on",
            "sections_text": "本月工作完成情况\n存在的问题 | 问题及原因\n下月工作打算"}
    response = client.post(reverse("reports:requirement-create"), data)
    requirement = ReportRequirement.objects.get()
    assert response["Location"] == reverse("reports:requirement", args=[requirement.pk])
    assert requirement.sections[1] == {"title": "存在的问题", "guidance": "问题及原因"}
    assert requirement.created_by == world.worker
    # the B1 secretary cannot pick PC, and an audience without kinds is refused with the data kept
    client = client_for(world.secretary)
    response = client.post(reverse("reports:requirement-create"), data)
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    response = client.post(reverse("reports:requirement-create"), {**data, "organization": world.b1.pk,
                                                                    "org_kinds": []})
    assert response.status_code == 200 and "org_kinds" in response.context["form"].errors
    assert "下月工作打算" in response.content.decode()
    # editing keeps the organization
    response = client_for(world.worker).post(reverse("reports:requirement-edit", args=[requirement.pk]),
                                             {**data, "title": "月度工作报告", "due_day": 5})
    requirement.refresh_from_db()
    assert (requirement.title, requirement.due_day, requirement.organization) == ("月度工作报告", 5, world.pc)


def test_a_requirement_title_a_spreadsheet_would_run_as_a_formula_is_refused(world, client_for, english):
    from chuxin.reports.models import ReportRequirement

    data = {"organization": world.pc.pk, "title": "+月度报告", "audience": "organizations", "org_kinds": ["branch"],
            "frequency": "monthly", "due_day": 10, "starts_on": "2026-01-01", "is_active": "on",
            "sections_text": "本月工作完成情况"}
    response = client_for(world.worker).post(reverse("reports:requirement-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "This cannot start with =, +, -, @ or a tab: spreadsheet programs would run it as a formula."
    ]
    assert not ReportRequirement.objects.exists()


def test_a_reader_reads_the_reports_handed_in_and_their_status_but_writes_and_reviews_nothing(
        world, monthly, january, client_for):
    """The superior viewer (READ on its subtree) follows the reports: the requirements, each period's status and
    every report handed in; it cannot edit, write, submit or review, and a draft stays its writers' own."""
    submitted = report_start(actor=world.secretary, period=january, organization=world.b1)
    report_submit(actor=world.secretary, report=submitted, sections=["本月完成三项工作"], version=submitted.version)
    draft = report_start(actor=world.outsider, period=january, organization=world.b2)
    viewer = client_for(world.viewer)

    listing = viewer.get(reverse("reports:requirements"))
    assert listing.status_code == 200 and [r.pk for r in listing.context["requirements"]] == [monthly.pk]
    assert reverse("reports:requirement-create") not in listing.content.decode()

    status = viewer.get(reverse("reports:requirement", args=[monthly.pk]), {"period": january.pk})
    html = status.content.decode()
    assert status.status_code == 200 and {row.state for row in status.context["rows"]} == {"submitted", "missing"}
    assert reverse("reports:report", args=[submitted.pk]) in html  # "View" leads to the report itself
    assert reverse("reports:review", args=[submitted.pk]) not in html
    assert reverse("reports:requirement-edit", args=[monthly.pk]) not in html

    page = viewer.get(reverse("reports:report", args=[submitted.pk]))
    assert page.status_code == 200 and "本月完成三项工作" in page.content.decode()
    assert "<textarea" not in page.content.decode() and page.context["can_write"] is False
    assert viewer.get(reverse("reports:report", args=[draft.pk])).status_code == 403  # a draft: not yet

    before = submitted.sections
    for response in (
        viewer.post(reverse("reports:report", args=[submitted.pk]), {"section-0": "改写", "action": "save"}),
        viewer.post(reverse("reports:review", args=[submitted.pk]), {"action": "accept"}),
        viewer.get(reverse("reports:requirement-edit", args=[monthly.pk])),
        viewer.post(reverse("reports:write", args=[january.pk, world.b2.pk])),
    ):
        assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.sections == before
    # The reports page links the reader to the requirements.
    assert reverse("reports:requirements") in viewer.get(reverse("reports:mine")).content.decode()
