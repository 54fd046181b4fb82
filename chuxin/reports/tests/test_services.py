import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from chuxin.accounts.models import Role
from chuxin.orgs.models import Position
from chuxin.reports import services
from chuxin.reports.models import Report
from chuxin.reports.services import report_accept, report_return, report_save, report_start, report_submit
from chuxin.testing import make_user

from .conftest import make_requirement, open_period, secretary_seat

D = datetime.date


def test_starting_twice_returns_the_same_report(world, january):
    first = report_start(actor=world.secretary, period=january, organization=world.b1)
    again = report_start(actor=world.worker, period=january, organization=world.b1)
    assert first.pk == again.pk and Report.objects.count() == 1


def test_the_database_refuses_a_second_report_for_the_same_reporter(world, january):
    Report.objects.create(period=january, organization=world.b1)
    with pytest.raises(IntegrityError):
        Report.objects.create(period=january, organization=world.b1)


def test_double_submit_makes_one_report_and_one_notification(world, january, client_for,
                                                            django_capture_on_commit_callbacks):
    from chuxin.notifications.models import Notification

    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    client = client_for(world.secretary)
    data = {"version": report.version, "section-0": "完成了", "section-1": "", "section-2": "", "action": "submit"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("reports:report", args=[report.pk]), data)
        second = client.post(reverse("reports:report", args=[report.pk]), data)  # the same stale version
    assert first.status_code == second.status_code == 302
    assert Report.objects.filter(period=january).count() == 1
    assert Report.objects.get().status == "submitted"
    assert Notification.objects.filter(kind="assigned", recipient=world.worker).count() == 1
    # and through the service directly: harmless
    assert report_submit(actor=world.secretary, report=Report.objects.get()).status == "submitted"


def test_a_stale_save_is_refused_and_the_text_comes_back(world, january, client_for):
    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    loaded = report.version
    report_save(actor=world.worker, report=report, sections=["书记外出，党委代填"], version=loaded)
    with pytest.raises(ValidationError):
        report_save(actor=world.secretary, report=Report.objects.get(), sections=["我的文字"], version=loaded)
    response = client_for(world.secretary).post(reverse("reports:report", args=[report.pk]), {
        "version": loaded, "section-0": "我写了很久的文字", "section-1": "", "section-2": "", "action": "save"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "我写了很久的文字" in body and response.context["errors"]  # the text kept, the reason shown
    assert Report.objects.get().sections[0]["html"] == "<p>书记外出，党委代填</p>"


def test_saved_sections_are_sanitized(world, january):
    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    report_save(actor=world.secretary, report=report, version=report.version,
                sections=['<p>好<script>alert(1)</script><img src=x onerror="alert(2)"></p>', "", ""])
    assert Report.objects.get().sections[0]["html"] == "<p>好</p>"


def test_submit_needs_some_text(world, january):
    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    with pytest.raises(ValidationError):
        report_submit(actor=world.secretary, report=report, sections=["", " ", ""], version=report.version)


def test_return_needs_a_comment_and_a_reviewer(world, january):
    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    report = report_submit(actor=world.secretary, report=report, sections=["完成"], version=report.version)
    with pytest.raises(ValidationError):
        report_return(actor=world.worker, report=report, comment="  ")
    with pytest.raises(PermissionDenied):  # B1's secretary manages B1, not the reviewing PC
        report_accept(actor=world.secretary, report=report)
    returned = report_return(actor=world.worker, report=report, comment="补充")
    assert returned.status == "returned"
    with pytest.raises(ValidationError):
        report_accept(actor=world.worker, report=returned)  # only a submitted report


def test_a_returned_report_can_be_resubmitted(world, january):
    report = report_start(actor=world.secretary, period=january, organization=world.b1)
    report = report_submit(actor=world.secretary, report=report, sections=["完成"], version=report.version)
    first_at = report.first_submitted_at
    report = report_return(actor=world.worker, report=report, comment="补充")
    report = services.report_resubmit(actor=world.secretary, report=report, sections=["完成，已补充"],
                                      version=report.version)
    assert report.status == "submitted" and report.first_submitted_at == first_at
    assert report_accept(actor=world.worker, report=report).status == "accepted"


def test_only_an_expected_reporter_may_start(world, january):
    from django.http import Http404

    with pytest.raises(Http404):  # PC is not a branch: it owes no report
        report_start(actor=world.worker, period=january, organization=world.pc)
    with pytest.raises(PermissionDenied):  # a committee member reads B1 but does not write for it
        report_start(actor=world.committee, period=january, organization=world.b1)
    with pytest.raises(Http404):
        report_start(actor=world.outsider, period=january, organization=world.b1)


def test_post_holders_report_personally(world):
    requirement = make_requirement(world.pc, audience="posts", kinds=[Position.Kind.SECRETARY],
                                   frequency="quarterly", title="书记季度述职")
    period = open_period(requirement, D(2026, 1, 1))
    secretary_seat(world.b1, world.secretary, "书记甲")
    b2_secretary = make_user("b2sec")
    secretary_seat(world.b2, b2_secretary, "书记乙")
    mine = report_start(actor=world.secretary, period=period, organization=world.b1)
    assert mine.holder == world.secretary
    theirs = report_start(actor=b2_secretary, period=period, organization=world.b2)
    assert theirs.holder == b2_secretary and theirs.pk != mine.pk
    with pytest.raises(PermissionDenied):  # the worker manages B1 but holds no seat there
        report_start(actor=world.worker, period=period, organization=world.b1)


def test_the_secretary_grant_alone_makes_a_writer(world, january):
    from chuxin.reports.selectors import my_duties

    duties = my_duties(world.secretary, D(2026, 2, 5))
    assert [(d.period.pk, d.organization.code) for d in duties] == [(january.pk, "B1")]
    assert my_duties(world.committee, D(2026, 2, 5)) == []
    assert Role.SECRETARY  # the grant the fixture gives


def test_a_report_moves_only_by_its_steps(world, january, client_for, english):
    draft = report_start(actor=world.secretary, period=january, organization=world.b1)
    with pytest.raises(ValidationError) as error:
        report_accept(actor=world.worker, report=draft)
    assert error.value.messages == ["Only a submitted report can be accepted."]
    with pytest.raises(ValidationError) as error:
        services.report_resubmit(actor=world.secretary, report=draft, sections=["完成"], version=draft.version)
    assert error.value.messages == ["Only a returned report can be submitted again."]
    report = report_submit(actor=world.secretary, report=draft, sections=["完成"], version=draft.version)
    review = client_for(world.worker).get(reverse("reports:review", args=[report.pk])).content.decode()
    assert 'value="accept"' in review and 'value="return"' in review
    accepted = report_accept(actor=world.worker, report=report)
    with pytest.raises(ValidationError) as error:
        report_return(actor=world.worker, report=accepted, comment="再改改")
    assert error.value.messages == ["Only a submitted report can be returned."]
    assert Report.objects.get().status == "accepted" and Report.objects.get().review_comment == ""
    review = client_for(world.worker).get(reverse("reports:review", args=[report.pk])).content.decode()
    assert 'value="accept"' not in review and 'value="return"' not in review
