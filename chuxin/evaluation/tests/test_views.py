"""The evaluation as people use it through the pages: a member's own part, the secretary's stages, the committee's
proposal with the tally, the decision with the cap, the feedback, the workbench and the member file."""

from __future__ import annotations

from django.urls import reverse

from chuxin.evaluation import services
from chuxin.evaluation.models import Ballot, Evaluation, VoterRecord
from chuxin.testing import make_user
from chuxin.workbench.selectors import my_items


def test_a_member_of_another_branch_gets_404(branch, client_for):
    evaluation = branch.to_grading()
    b2_user = branch.world.outsider  # secretary of B2: no standing on B1
    for name in ("detail", "mine", "propose", "decide"):
        assert client_for(b2_user).get(reverse(f"evaluation:{name}", kwargs={"pk": evaluation.pk})).status_code == 404
    response = client_for(b2_user).post(reverse("evaluation:ballot", kwargs={"pk": evaluation.pk}), {})
    assert response.status_code == 404 and not VoterRecord.objects.exists()
    # A plain member of the sibling branch, with a login: the same 404, for their own page too.
    b2_member = branch.world.b2_member
    b2_member.user = make_user("b2-member")
    b2_member.save()
    for name in ("detail", "mine"):
        url = reverse(f"evaluation:{name}", kwargs={"pk": evaluation.pk})
        assert client_for(b2_member.user).get(url).status_code == 404


def test_a_member_writes_and_votes_from_their_page(branch, client_for):
    evaluation = branch.open()
    client = client_for(branch.user("陈一"))
    mine = reverse("evaluation:mine", kwargs={"pk": evaluation.pk})
    response = client.post(reverse("evaluation:self-assess", kwargs={"pk": evaluation.pk}), {"text": ""})
    assert response.status_code == 200 and "Write your self-assessment before saving it." in response.content.decode()
    response = client.post(reverse("evaluation:self-assess", kwargs={"pk": evaluation.pk}), {"text": "我的自评"})
    assert response.status_code == 302 and response["Location"] == mine
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="start_grading")
    page = client.get(mine).content.decode()
    assert "我的自评" in page and 'data-testid="ballot"' in page
    assert "郑五" not in page.split('data-testid="ballot"')[1]  # probationary: not on the ballot
    others = evaluation.participants.filter(graded=True).exclude(member=branch.member("陈一"))
    data = {f"grade_{p.pk}": "qualified" for p in others}
    assert client.post(reverse("evaluation:ballot", kwargs={"pk": evaluation.pk}), data).status_code == 302
    assert Ballot.objects.count() == 3
    # The same ballot again (a second tab): refused with a message, nothing written.
    response = client.post(reverse("evaluation:ballot", kwargs={"pk": evaluation.pk}), data, follow=True)
    assert "already cast your ballot" in response.content.decode() or "already cast" in response.content.decode()
    assert Ballot.objects.count() == 3 and VoterRecord.objects.count() == 1
    assert 'data-testid="voted"' in client.get(mine).content.decode()


def test_a_secretary_cannot_vote_unless_taking_part(branch, client_for):
    evaluation = branch.to_grading()
    response = client_for(branch.world.secretary).post(reverse("evaluation:ballot", kwargs={"pk": evaluation.pk}), {})
    assert response.status_code == 403
    page = client_for(branch.world.secretary).get(reverse("evaluation:mine", kwargs={"pk": evaluation.pk}))
    assert 'data-testid="not-taking-part"' in page.content.decode()


def test_the_committee_sees_the_tally_and_the_cap_is_refused_with_nothing_lost(branch, client_for):
    evaluation = branch.to_grading()
    zhou = branch.part(evaluation, "周二")
    for name in ("李四", "陈一", "郑五"):
        others = evaluation.participants.filter(graded=True).exclude(member=branch.member(name))
        services.ballot_cast(actor=branch.user(name), evaluation=evaluation,
                             grades={p.pk: "excellent" if p.pk == zhou.pk else "qualified" for p in others})
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="close_grading")
    client = client_for(branch.user("陈一"))  # a seat on the committee
    page = client.get(reverse("evaluation:propose", kwargs={"pk": evaluation.pk})).content.decode()
    row = page.split(f'data-participant="{zhou.pk}"')[1].split("data-participant")[0]
    assert 'data-ballots="3"' in row and 'data-grade="excellent"' in row
    graded = list(evaluation.participants.filter(graded=True))
    data = {f"grade_{p.pk}": "excellent" for p in graded} | {"submit": "1"}
    response = client.post(reverse("evaluation:propose", kwargs={"pk": evaluation.pk}), data)
    assert response.status_code == 200 and "At most 1 of the 4 graded members" in response.content.decode()
    assert Evaluation.objects.get(pk=evaluation.pk).stage == "proposal"
    assert not evaluation.participants.exclude(proposed_grade="").exists()
    data = {f"grade_{p.pk}": "excellent" if p.pk == zhou.pk else "qualified" for p in graded}
    data |= {f"comment_{zhou.pk}": "带头攻关", "submit": "1"}
    assert client.post(reverse("evaluation:propose", kwargs={"pk": evaluation.pk}), data).status_code == 302
    assert Evaluation.objects.get(pk=evaluation.pk).stage == "decision"
    # The secretary records the decision: over the cap refused, the form keeps what was typed.
    secretary = client_for(branch.world.secretary)
    decide = reverse("evaluation:decide", kwargs={"pk": evaluation.pk})
    over = {f"grade_{p.pk}": "excellent" for p in graded} | {"meeting_on": branch.today.isoformat()}
    response = secretary.post(decide, over)
    assert response.status_code == 200 and "At most 1 of the 4" in response.content.decode()
    assert Evaluation.objects.get(pk=evaluation.pk).stage == "decision"
    response = secretary.post(decide, {**data, "meeting_on": branch.today.isoformat(), "meeting_note": "表决通过"})
    assert response.status_code == 302
    # Feedback: each member sees their own grade and the committee's comment.
    page = client_for(branch.user("周二")).get(reverse("evaluation:mine", kwargs={"pk": evaluation.pk})).content.decode()
    assert 'data-testid="final-grade">excellent' in page and "带头攻关" in page
    page = client_for(branch.user("郑五")).get(reverse("evaluation:mine", kwargs={"pk": evaluation.pk})).content.decode()
    assert "without a grade" in page


def test_the_workbench_asks_each_for_their_part(branch):
    evaluation = branch.open()
    def kinds(user):
        user = type(user).objects.get(pk=user.pk)  # a fresh account: the workbench keeps its list on the object
        return [(i.kind, i.url) for i in my_items(user) if i.kind == "evaluation"]

    mine = reverse("evaluation:mine", kwargs={"pk": evaluation.pk})
    assert kinds(branch.user("周二")) == [("evaluation", mine)]
    services.self_assessment_write(actor=branch.user("周二"), evaluation=evaluation, text="自评")
    assert kinds(branch.user("周二")) == []
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="start_grading")
    assert kinds(branch.user("周二")) == [("evaluation", mine)]
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="close_grading")
    assert kinds(branch.user("周二")) == []
    propose = reverse("evaluation:propose", kwargs={"pk": evaluation.pk})
    assert kinds(branch.user("陈一")) == [("evaluation", propose)]  # the committee seat
    assert kinds(branch.world.secretary) == [("evaluation", propose)]


def test_before_october_a_secretarys_probe_finds_the_evaluation_in_their_scope(branch, monkeypatch):
    """Before October the evaluations to propose or to decide in the manager's scope are probed, compiled once: found
    for B1's secretary, not for B2's, and the gathering (which the suite's probe check makes ask every app) brings
    the secretary's item. From October the branches with talks to hold are probed as well."""
    import datetime

    from django.utils import timezone

    from chuxin.core.db import rows_exist
    from chuxin.evaluation.selectors import workbench_probe

    evaluation = branch.to_decision()
    march = datetime.date(branch.today.year, 3, 10)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: march)

    def fresh(user):
        return type(user).objects.get(pk=user.pk)

    assert workbench_probe(fresh(branch.world.secretary)) is not None
    assert any(rows_exist(workbench_probe(fresh(branch.world.secretary))))
    assert not any(rows_exist(workbench_probe(fresh(branch.world.outsider))))
    decide = reverse("evaluation:decide", kwargs={"pk": evaluation.pk})
    assert [i.url for i in my_items(fresh(branch.world.secretary)) if i.kind == "evaluation"] == [decide]
    # From October the talks not yet held are probed too: B1's committee has a seat in office (陈一), so B1's
    # secretary's probe finds a row with the evaluation decided; B2's secretary, whose branch has no seat, finds none.
    services.evaluation_conclude(actor=branch.world.secretary, evaluation=evaluation, grades={
        p.pk: "qualified" for p in evaluation.participants.filter(graded=True)}, meeting_on=march)
    october = datetime.date(march.year, 10, 1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: october)
    assert any(rows_exist(workbench_probe(fresh(branch.world.secretary))))
    assert not any(rows_exist(workbench_probe(fresh(branch.world.outsider))))
    assert [i.kind for i in my_items(fresh(branch.world.secretary)) if i.kind == "talk"] == ["talk"]
    assert [i.kind for i in my_items(fresh(branch.world.outsider))] == []


def test_grades_go_to_the_member_file_for_those_who_may_read_it(branch, client_for):
    evaluation = branch.to_decision()
    grades = {p.pk: "qualified" for p in evaluation.participants.filter(graded=True)}
    services.evaluation_conclude(actor=branch.world.secretary, evaluation=evaluation, grades=grades,
                                 meeting_on=branch.today)
    url = reverse("members:detail", kwargs={"pk": branch.member("周二").pk})
    for user in (branch.world.secretary, branch.world.viewer, branch.user("周二")):
        page = client_for(user).get(url).content.decode()
        assert f"Member evaluation {branch.today.year}" in page and "qualified" in page, user
    page = client_for(branch.world.secretary).get(
        reverse("members:detail", kwargs={"pk": branch.member("郑五").pk})).content.decode()
    assert "took part without a grade" in page


def test_the_audit_log_tells_the_evaluation_in_chinese_and_never_a_vote(branch, client_for, settings):
    from django.utils import translation

    evaluation = branch.open()
    services.self_assessment_write(actor=branch.user("陈一"), evaluation=evaluation, text="不应出现在日志里的自评")
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="start_grading")
    others = evaluation.participants.filter(graded=True).exclude(member=branch.member("陈一"))
    services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation, grades={p.pk: "excellent" for p in others})
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        page = client_for(branch.world.worker).get(reverse("audit:list"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = page.content.decode()
    assert "参评党员" in html and "已填写" in html
    assert "不应出现在日志里的自评" not in html and "written" not in html and "participants" not in html
    assert "优秀" not in html  # no grade of a ballot anywhere in the log
