"""Every create form sent twice makes one object, one audit entry and each notification once: a double click, a
retry on a slow line, the same form in two tabs.

The create forms are found on the site's pages (forms_on_pages.py): every form carrying the one-time `token`
(chuxin.core.forms.IdempotentFormMixin). Each is filled in validly (CREATE below) and sent twice with the token
the page gave it: one after the other on every database, and at the same moment from two threads on PostgreSQL,
where the second request waits on the first one's idempotency key.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chuxin.accounts.models import Role, RoleGrant
from chuxin.audit.models import AuditEntry
from chuxin.core.forms import IdempotentFormMixin
from chuxin.core.models import IdempotencyKey
from chuxin.core.tests.forms_on_pages import Form, discover, pages
from chuxin.notifications.models import Notification
from chuxin.testing import Env, make_user, valid_citizen_id


@dataclass
class Create:
    model: str  # app_label.ModelName of what the form makes
    fill: Callable[[Env], dict]  # valid values beyond what the page already holds
    who: str = "superuser"
    notifies: int = 0  # notifications one submission sends
    same_answer: bool = True  # the second submission is answered as the first


def _today(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("双提交通知.pdf", b"%PDF-1.4")


CREATE: dict[str, Create] = {
    "accounts:org-access": Create("accounts.RoleGrant", lambda env: {
        "identifier": env.world.stranger.username, "role": Role.COMMITTEE}),
    "orgs:create": Create("orgs.Organization", lambda env: {
        "name": "双提交党委", "code": "DOUBLE", "kind": "grassroots_committee"}),
    "orgs:position-create": Create("orgs.Position", lambda env: {
        "kind": "member", "member": "", "person_name": "孙八", "partner_unit": "", "started_on": "2026-01-01"}),
    "orgs:work-unit-create": Create("orgs.WorkUnit", lambda env: {
        "name": "双提交单位", "organization": env.org("B1").pk}),
    "orgs:work-unit": Create("orgs.Department", lambda env: {"name": "双提交科室", "sort_order": "1"}),
    "orgs:partner-create": Create("orgs.PartnerUnit", lambda env: {
        "host": env.org("B1").pk, "name": "双提交共建单位"}),
    "members:create": Create("members.Member", lambda env: {
        "name": "钱双", "gender": "male", "ethnicity": "汉族", "birth_date": "1990-03-04",
        "citizen_id": valid_citizen_id(datetime.date(1990, 3, 4)), "organization": env.org("B1").pk,
        "category": "full", "joined_on": "2015-07-01", "full_member_on": "2016-07-01", "status": "active",
        "work_unit": "", "department": "", "phone": ""}),
    # The account slips are shown to the first submission only (the passwords are kept nowhere): the second is told
    # the logins were made then.
    "members:logins": Create("accounts.User", lambda env: {"members": [env.member("B1").pk]}, same_answer=False),
    "plans:create": Create("plans.Plan", lambda env: {"year": "2027", "title": "2027年计划"}),
    "plans:item-create": Create("plans.PlanItem", lambda env: {"title": "双提交事项", "order": "3"}),
    "plans:task-create": Create("plans.Task", lambda env: {
        "title": "双提交任务", "start_on": "2026-01-05", "due_on": "2026-02-05", "lead": env.world.member.pk,
        "responsible": "", "cooperating": []}),
    "plans:milestone-create": Create("plans.Milestone", lambda env: {"title": "双提交节点", "due_on": "2026-02-15"}),
    "plans:task-progress": Create("plans.ProgressUpdate", lambda env: {"progress": "100", "note": "完成"},
                                  who="member", notifies=1),  # the plan's owner is asked to confirm
    "directives:create": Create("directives.Directive", lambda env: {
        "title": "双提交通知", "body": "内容", "due_on": _today(5), "recipients": [env.cache["G1"].pk],
        "whole_subtree": []}, notifies=1),  # G1's secretary
    "directives:action-add": Create("directives.DirectiveAction", lambda env: {
        "text": "双提交措施", "responsible": "", "due_on": ""}),
    "directives:task-add": Create("plans.Task", lambda env: {
        "title": "双提交落实任务", "start_on": _today(), "due_on": _today(10), "lead": "", "responsible": "",
        "cooperating": []}),
    # Files added to an open directive, by the sender or a recipient (a double click attaches them once).
    "directives:attach": Create("directives.DirectiveAttachment", lambda env: {"attachments": _pdf()}),
    "directives:recipient-attach": Create("directives.DirectiveAttachment", lambda env: {"attachments": _pdf()}),
    "reports:requirement-create": Create("reports.ReportRequirement", lambda env: {
        "organization": env.org("B1").pk, "title": "双提交月报", "frequency": "monthly", "due_day": "10",
        "starts_on": "2026-01-01", "audience": "organizations", "org_kinds": ["party_group"], "position_kinds": [],
        "sections_text": "工作情况", "is_active": "on"}),
    "meetings:create": Create("meetings.Meeting", lambda env: {
        "kind": "general", "title": "双提交会议", "planned_at": f"{_today(3)}T09:00", "study_hours": "0",
        "makes_up": ""}),
    # Files added to a meeting's record before it is finalized (a double click attaches them once).
    "meetings:attach": Create("meetings.MeetingAttachment", lambda env: {"attachments": _pdf()}),
    "evaluation:create": Create("evaluation.Evaluation", lambda env: {
        "year": str(timezone.localdate().year - 1), "self_assessment_due": _today(3), "grading_due": _today(7)},
        notifies=3),  # B1's members with a login: the member, the secretary and the committee member (people_files)
    "evaluation:talk-create": Create("evaluation.Talk", lambda env: {"kind": "routine", "note": "双提交谈话"}),
    "recruitment:create": Create("recruitment.Applicant", lambda env: {
        "name": "钱申请", "gender": "male", "ethnicity": "汉族", "birth_date": "1990-03-04",
        "citizen_id": valid_citizen_id(datetime.date(1990, 3, 4)), "phone": "", "education": "", "unit": "",
        "applied_on": _today(-2)}),
    "learning:item-create": Create("learning.Item", lambda env: {
        "title": "双提交文章", "body": "<p>正文</p>", "summary": "", "authors": "", "source": "", "published_on": "",
        "category": "", "topic": "", "tags": ""}),
    "learning:reading-create": Create("learning.Reading", lambda env: {
        "organization": env.org("B1").pk, "organizations": [env.org("B1").pk], "members": [], "due_on": _today(5),
        "note": ""}),
    "learning:course-create": Create("learning.Course", lambda env: {"title": "双提交课程", "description": ""}),
    "learning:class-create": Create("learning.TrainingClass", lambda env: {
        "kind": "members", "title": "双提交培训班", "starts_on": _today(), "ends_on": _today(1), "description": ""}),
    "learning:external-add": Create("learning.ExternalTraining", lambda env: {
        "title": "双提交培训", "provider": "区委党校", "on": _today(), "hours": "8", "certificate": _pdf()}),
    "quizzes:question-create": Create("quizzes.Question", lambda env: {
        "organization": env.org("B1").pk, "kind": "single", "topic": "党章", "text": "双提交题目", "options": "甲\n乙",
        "answer": "A", "difficulty": "2"}),
    "quizzes:exam-create": Create("quizzes.Exam", lambda env: {
        "organization": env.org("B1").pk, "title": "双提交考试", "mode": "random", "opens_at": f"{_today()}T09:00",
        "closes_at": f"{_today(3)}T09:00", "time_limit": "30", "pass_mark": "60", "max_attempts": "1",
        "audience_orgs": [env.org("B1").pk], "questions": [], "topics": [], "single": "1", "multiple": "0",
        "true_false": "0", "fill": "0"}),
    # campaigns: a campaign, its stage, a study plan and topic, a call for projects, a member's proposal.
    "campaigns:create": Create("campaigns.Campaign", lambda env: {
        "name": "双提交主题教育", "starts_on": _today(), "ends_on": _today(60)}),
    "campaigns:stage-add": Create("campaigns.Stage", lambda env: {
        "name": "双提交阶段", "starts_on": _today(), "ends_on": _today(10), "meeting_kinds": ["themed_day"]}),
    "campaigns:plan-create": Create("campaigns.StudyPlan", lambda env: {
        "year": str(timezone.localdate().year), "title": "双提交学习计划"}),
    "campaigns:topic-add": Create("campaigns.StudyTopic", lambda env: {"month": "5", "title": "双提交专题"}),
    "campaigns:call-create": Create("campaigns.Call", lambda env: {
        "year": str(timezone.localdate().year), "title": "双提交征集", "closes_on": _today(30),
        "reviews_needed": "1", "reviewers": [str(env.users["committee"].pk)]}),
    "campaigns:propose": Create("campaigns.Project", lambda env: {
        "title": "双提交项目", "problem": "问题", "goal": "目标", "expected_result": "结果"}, who="member"),
    # A payment (the page's first month ticked, and a voluntary extra): paid twice by a double click, recorded once;
    # the second sending is answered with the first's redirect, though the month it settled is no longer offered.
    "dues:pay": Create("dues.DuesPayment", lambda env: {"extra": "5.00", "paid_on": _today(), "method": "cash"}),
    "responsibilities:template-item-create": Create("responsibilities.TemplateItem", lambda env: {
        "text": "双提交职责", "required_count": "1", "sort_order": "99"}),
    "activities:create": Create("activities.Activity", lambda env: {
        "kind": "volunteer", "title": "双提交志愿服务", "place": "社区", "capacity": "10",
        "starts_at": (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (timezone.localtime() + datetime.timedelta(days=2, hours=2)).strftime("%Y-%m-%dT%H:%M")}),
    "notices:create": Create("notices.Notice", lambda env: {
        "title": "双提交通知", "body": "请阅", "priority": "normal", "to_organizations": [env.org("B1").pk],
        "people": [], "confirm_by": ""}, notifies=4),  # the members with a login in B1 and below it
    "notices:group-create": Create("notices.Group", lambda env: {"name": "双提交群", "people": []}),
    "notices:group": Create("notices.Message", lambda env: {"text": "双提交消息", "reply_to": ""}, who="member"),
    "notices:robot-create": Create("notices.Robot", lambda env: {
        "platform": "dingtalk", "name": "双提交机器人", "secret": "",
        "webhook": "https://oapi.dingtalk.com/robot/send?access_token=double"}),
    "site:article-create": Create("site.Article", lambda env: {
        "kind": "news", "title": "双提交新闻", "summary": "", "body": "正文", "member": "", "picture_alt": ""}),
    "joint:proposal-create": Create("joint.Proposal", lambda env: {"title": "双提交议题", "background": "背景"}),
    "joint:comment": Create("joint.Comment", lambda env: {"text": "双提交意见"}),
    "joint:resource-create": Create("joint.Resource", lambda env: {
        "owner": "", "kind": "room", "name": "双提交会议室", "capacity": "10", "opens_at": "08:00",
        "closes_at": "18:00", "opening_days": "", "description": "", "is_active": "on"}),
    "joint:resource": Create("joint.Booking", lambda env: {
        "unit": "", "purpose": "双提交预约", "starts_at": f"{_today(3)}T09:00", "ends_at": f"{_today(3)}T10:00"}),
}

# Forms that make nothing, or whose object exists once by nature (a constraint or a state): they carry no token.
NOT_CREATE_FORMS = {
    "LoginForm", "PasswordChangeForm",  # accounts
    "MemberFilterForm", "ImportForm",  # a search; an import finds existing files by their ID number
    "MoveForm",  # a change
    "OrganizationPickForm",  # a GET form choosing which organization's page to open
    "AreaForm",  # the areas page saves the whole list; area names are unique per organization
    "PlanOrgForm",  # a picker
    "CompleteForm", "ReviewForm", "MarkDoneForm",  # state changes done once (a second time changes nothing)
    "OverviewFilterForm",
    "RuleForm",  # sets a value: sent twice, the same value stands
    "PointRuleForm",  # quizzes: sets an organization's points for one kind of record (one row per kind)
    # meetings: changes and states (a second time changes nothing or is refused), or once by a constraint (an
    # exempt period, an observer, a leave request, a member's criticism, an arrangement still running); the
    # committee's themed day is planned once per title and time.
    "MeetingEditForm", "AttendanceForm", "CheckinForm", "DecideForm", "FinalizeForm", "AmendForm", "LeaveForm",
    "ObserverForm", "ExemptionForm", "ArrangementForm", "PreparationForm", "CriticismForm", "RectificationTaskForm",
    "BatchForm",
    "ReportFilesForm",  # goes with the report's save, which checks the version: a stale second save attaches nothing
    "SelfAssessmentForm", "ProposalForm", "DecisionForm",  # one text or grade per member, saved again the same
    "QuietHoursForm",  # notices: one row per person, saved again the same
    "BallotForm", "_PerParticipantForm",  # once per voter by nature: the voter record is unique; their base
    # recruitment: a step is recorded once (the repeated assessment once a day), a stop and the holiday calendar
    # are states; transfers: one open transfer per member, a letter registered once, the rest state changes.
    "StepForm", "StopForm", "HolidayForm",
    "RequestForm", "IncomingForm", "ApproveForm", "ReasonForm", "SlipForm",
    # learning: a category or topic once per name; an import is a draft to review (its publishing makes the article
    # once); a lesson once per course and item, a roster entry once per person, a session once per class, day and
    # subject (a constraint); the rest are pickers and filters.
    "TaxonomyForm", "PublishForm", "LessonForm", "EnrollForm", "SessionForm",
    # campaigns: a tick, a meeting linked to a topic and a review are once by a constraint; ending a campaign and
    # deciding or closing a project are states (a second time changes nothing).
    "TickForm", "EndForm", "LinkMeetingForm", "CloseForm",
    # activities: a change, a picker, states (hours, a fulfilment, feedback: a second time is refused or the same);
    # the public wish form has no account to key a token on: a wish sent twice is kept once by its text and contact.
    "ActivityEditForm", "ChooseOrganizationForm", "HoursForm", "FulfilForm", "FeedbackForm", "WishForm",
    # site: the brand is one per organization; publishing is a state change
    "ProfileForm",
    # joint: a seat is one per person (updated again), a vote one per seat (changed, not added); states (routed,
    # answered, closed, rated once); a public request sent again within minutes is the one already filed
    "SeatForm", "VoteForm", "RouteForm", "ReplyForm", "RatingForm", "PublicRequestForm",
    # dues: one base per member and month, a reason on a bill (ReasonForm, named with transfers' above): sent again,
    # the same stands; a reduction proposal the same as one still waiting is that one (dues.services.reduction_propose)
    "BaseForm", "ReductionForm",
    "FinalExamForm",  # learning: a class's final exam is set, not added (sent twice, the same exam stands)
}


def test_every_form_either_creates_with_a_token_or_is_listed_as_making_nothing():
    from chuxin.core.tests.test_input_bounds import _form_classes

    unclassified = sorted(cls.__name__ for cls in _form_classes()
                          if not issubclass(cls, IdempotentFormMixin) and cls.__name__ not in NOT_CREATE_FORMS)
    assert not unclassified, (f"forms neither idempotent nor known to make nothing: {unclassified}; a create form "
                              "uses IdempotentFormMixin and its service IdempotencyKey.objects.create_once")


@pytest.fixture
def site(env: Env):
    """The matrix's world at B1, with a secretary on B1's Party group G1, who hears of directives sent to it."""
    env.cache["G1"] = env.world.g1
    RoleGrant.objects.create(user=env.world.committee, organization=env.world.g1, role=Role.SECRETARY)
    return env


def _clients(env: Env) -> dict[str, Client]:
    clients = {}
    for who in ("superuser", "member"):
        client = Client()
        client.force_login(env.users[who])
        clients[who] = client
    return clients


def _create_forms(env: Env, clients: dict[str, Client]) -> dict[str, Form]:
    """The create forms, as each is shown to the person who uses it."""
    visits = pages(env)
    found: dict[str, Form] = {}
    for who, client in clients.items():
        for form in discover(client, visits):
            if "token" in form.names and form.action_name not in found:
                create = CREATE.get(form.action_name)
                if create is None or create.who == who:
                    found[form.action_name] = form
    return found


def _data(form: Form, env: Env) -> dict:
    data = form.baseline()
    data.update(CREATE[form.action_name].fill(env))
    assert data["token"], f"{form.action_name}: the page gave no token"
    return data


def _counts(model) -> tuple[int, int, int]:
    return model.objects.count(), AuditEntry.objects.count(), Notification.objects.count()


def test_every_create_form_sent_twice_makes_one_object(people_files, site, django_capture_on_commit_callbacks):
    env = site
    clients = _clients(env)
    forms = _create_forms(env, clients)
    assert sorted(forms) == sorted(CREATE), "the create forms on the pages are not the ones this test fills in"
    wrong = []
    for name, form in forms.items():
        create = CREATE[name]
        model = apps.get_model(create.model)
        client = clients[create.who]
        data = _data(form, env)
        before = _counts(model)
        with django_capture_on_commit_callbacks(execute=True):  # notifications go out once the write commits
            first = client.post(form.action, data)
        after_first = _counts(model)
        with django_capture_on_commit_callbacks(execute=True):
            second = client.post(form.action, data)
        after_second = _counts(model)
        if after_first[0] != before[0] + 1:
            form_errors = first.context.get("form").errors if first.context and first.context.get("form") else ""
            wrong.append(f"{name}: the first submission made {after_first[0] - before[0]} objects {form_errors}")
            continue
        if after_first[2] - before[2] != create.notifies:
            wrong.append(f"{name}: {after_first[2] - before[2]} notifications, expected {create.notifies}")
        if after_second != after_first:
            wrong.append(f"{name}: the second submission changed (objects, audit entries, notifications) "
                         f"from {after_first} to {after_second}")
        if create.same_answer and (first.status_code != second.status_code
                                   or first.get("Location") != second.get("Location")):
            wrong.append(f"{name}: the second answer differs: {first.status_code} {first.get('Location')} vs "
                         f"{second.status_code} {second.get('Location')}")
    assert not wrong, "\n".join(wrong)
    assert IdempotencyKey.objects.count() == len(CREATE)


def test_a_token_whose_twin_committed_first_answers_with_the_twins_object(world):
    """The race itself, made certain: the key is already there, as when the twin request committed between this
    one's start and its insert. Nothing is made; the twin's directive is the answer."""
    from chuxin.directives.models import Directive
    from chuxin.directives.services import directive_send

    made = directive_send(actor=world.worker, sender=world.pc, title="通知", body="内容",
                          due_on=timezone.localdate(), recipients=[world.b1], token="twin-token")
    again = directive_send(actor=world.worker, sender=world.pc, title="通知", body="内容",
                           due_on=timezone.localdate(), recipients=[world.b1], token="twin-token")
    assert again == made and Directive.objects.count() == 1
    # The same token from another person is another form: tokens are per account.
    other = directive_send(actor=make_user("root-twin", is_superuser=True), sender=world.pc, title="通知",
                           body="内容", due_on=timezone.localdate(), recipients=[world.b1], token="twin-token")
    assert other != made and Directive.objects.count() == 2


def test_a_token_reused_for_another_kind_of_object_is_refused(world):
    from django.core.exceptions import ValidationError

    from chuxin.directives.services import directive_send
    from chuxin.orgs.services import position_create

    directive_send(actor=world.worker, sender=world.pc, title="通知", body="内容", due_on=timezone.localdate(),
                   recipients=[world.b1], token="one-token")
    with pytest.raises(ValidationError):
        position_create(actor=world.worker, organization=world.b1, kind="member", person_name="孙八",
                        started_on=datetime.date(2026, 1, 1), token="one-token")


def test_a_refused_form_can_be_sent_again_with_its_token(world, client_for):
    """A failed create takes its key with it: corrected, the same form (same token) goes through."""
    client = client_for(world.worker)
    url = reverse("orgs:create") + f"?parent={world.pc.pk}"
    token = client.get(url).context["form"]["token"].value()
    refused = client.post(url, {"name": "新支部", "code": "", "kind": "branch", "token": token})
    assert refused.status_code == 200 and refused.context["form"]["token"].value() == token
    assert client.post(url, {"name": "新支部", "code": "NEWB", "kind": "branch", "token": token}).status_code == 302
    assert client.post(url, {"name": "新支部", "code": "NEWB", "kind": "branch", "token": token}).status_code == 302
    from chuxin.orgs.models import Organization

    assert Organization.objects.filter(code="NEWB").count() == 1


def test_each_empty_create_form_carries_a_fresh_token(world, client_for):
    client = client_for(world.worker)
    url = reverse("orgs:work-unit-create")
    one = client.get(url).context["form"]["token"].value()
    two = client.get(url).context["form"]["token"].value()
    assert one and two and one != two and len(one) >= 16


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that runs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_every_create_form_sent_twice_at_the_same_moment_makes_one_object(people_files, site, monkeypatch):
    env = site
    clients = _clients(env)
    forms = _create_forms(env, clients)
    # Hold each first request for a moment after it made its object and before it commits, so its twin is sure to
    # arrive meanwhile and wait on the idempotency key.
    real = ContentType.objects.get_for_model

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(ContentType.objects, "get_for_model", slow)
    wrong = []
    for name, form in forms.items():
        create = CREATE[name]
        model = apps.get_model(create.model)
        # The same form twice (one token), each with its own upload: a file object read by two threads at once
        # would reach one of them empty.
        both = [_data(form, env), _data(form, env)]
        before = _counts(model)
        answers: list = []
        barrier = threading.Barrier(2)

        def submit(data, form=form, who=create.who, barrier=barrier, answers=answers):
            client = Client()
            client.force_login(env.users[who])
            try:
                barrier.wait()
                answers.append(client.post(form.action, data).status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=submit, args=(data,)) for data in both]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = _counts(model)
        if after[0] != before[0] + 1:
            wrong.append(f"{name}: two simultaneous submissions made {after[0] - before[0]} objects ({answers})")
        if after[2] - before[2] != create.notifies:
            wrong.append(f"{name}: {after[2] - before[2]} notifications, expected {create.notifies}")
        # Sent at the same moment, the twin waits on the idempotency key and is answered as the first (a redirect).
        if answers != [302, 302] and not (not create.same_answer and sorted(answers) == [200, 302]):
            wrong.append(f"{name}: answers {answers}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that runs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_a_login_made_twice_at_the_same_moment_is_made_once(world):
    """"Create login" is a button, not a form with a token: the member's file is locked, so the second click waits
    and is told the account exists (it once failed on the unique username instead)."""
    from chuxin.accounts.models import User
    from chuxin.members.models import Member

    member = Member.objects.get(pk=world.b2_member.pk)
    Member.objects.filter(pk=member.pk).update(phone="13900000077")
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def click():
        client = Client(raise_request_exception=False)
        client.force_login(world.worker)
        try:
            barrier.wait()
            answers.append(client.post(reverse("members:account-create", args=[member.pk])).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 302]  # the one-time password page, and "already has a login"
    assert User.objects.filter(username="13900000077").count() == 1
