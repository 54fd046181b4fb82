"""The state-machine helper (chuxin.core.states): declared steps, refusals in the user's language, who may act."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.states import Machine, Transition


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    ACCEPTED = "accepted", _("accepted")


S = Status


def is_author(user, paper) -> bool:
    return paper.author == user


PAPERS = Machine(
    Status,
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, who=is_author, forbidden=_("Only its author.")),
    Transition("return", (S.SUBMITTED,), S.RETURNED, who=Need.MANAGE),
    Transition("accept", (S.SUBMITTED,), S.ACCEPTED, who=Need.MANAGE,
               refused=_("Only a submitted report can be accepted.")),
    Transition("reopen", (S.ACCEPTED,), S.DRAFT, who=Need.ADMIN, where=lambda paper: paper.reviewer_org),
    where=lambda paper: paper.organization,
)


def refusal(source: str, target: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        PAPERS.check(source, target, **kwargs)
    return caught.value


def test_a_declared_step_passes_and_names_itself():
    assert PAPERS.check(S.DRAFT, S.SUBMITTED).name == "submit"
    assert PAPERS.check(S.RETURNED, S.SUBMITTED).name == "submit"
    assert PAPERS.check(S.SUBMITTED, S.ACCEPTED, via="accept").name == "accept"


def test_an_undeclared_step_is_refused_in_the_users_language():
    with translation.override("zh-hans"):
        error = refusal(S.ACCEPTED, S.SUBMITTED)
    assert error.messages == ["现在无法办理：当前状态为“已通过”，不能由此变为“已提交”。"]
    assert error.code == "transition"
    with translation.override("en"):
        assert refusal(S.DRAFT, S.RETURNED).messages == [
            "This cannot be done now: it is “draft”, and from there it cannot become “returned”."]


def test_a_step_refused_from_elsewhere_says_its_own_message():
    with translation.override("zh-hans"):
        assert refusal(S.RETURNED, S.ACCEPTED).messages == ["只有已提交的报告才能通过。"]
    with translation.override("en"):
        assert refusal(S.DRAFT, S.ACCEPTED, via="accept").messages == ["Only a submitted report can be accepted."]


def test_via_holds_the_check_to_one_step():
    # ACCEPTED -> DRAFT is the reopening; submitting does not lead there, whatever else does.
    assert PAPERS.check(S.ACCEPTED, S.DRAFT).name == "reopen"
    with pytest.raises(ValidationError):
        PAPERS.check(S.ACCEPTED, S.DRAFT, via="submit")
    with pytest.raises(ValidationError):
        PAPERS.check(S.DRAFT, S.SUBMITTED, via="accept")  # accept leads elsewhere


def test_allowed_gives_the_steps_open_from_a_state():
    assert PAPERS.allowed(S.DRAFT) == {"submit"}
    assert PAPERS.allowed(S.SUBMITTED) == {"return", "accept"}
    assert PAPERS.allowed(S.ACCEPTED) == {"reopen"}
    assert PAPERS.can(S.RETURNED, "submit") and not PAPERS.can(S.ACCEPTED, "submit")


def test_who_is_a_need_on_the_objects_organization_or_a_predicate(world):
    paper = SimpleNamespace(author=world.member_user, organization=world.b1, reviewer_org=world.pc)
    assert PAPERS.allowed(S.SUBMITTED, user=world.secretary, obj=paper) == {"return", "accept"}  # MANAGE on B1
    assert PAPERS.allowed(S.SUBMITTED, user=world.committee, obj=paper) == set()  # READ only
    assert PAPERS.allowed(S.SUBMITTED, user=world.outsider, obj=paper) == set()  # the sibling branch
    assert PAPERS.allowed(S.DRAFT, user=world.member_user, obj=paper) == {"submit"}  # the author
    assert PAPERS.allowed(S.DRAFT, user=world.secretary, obj=paper) == set()
    # A step may name its own organization: reopening needs ADMIN on the reviewer's, which B1's secretary lacks.
    assert not PAPERS.may(world.secretary, paper, "reopen")
    assert PAPERS.may(world.worker, paper, "reopen")


def test_require_refuses_with_the_steps_message_or_a_plain_403(world):
    paper = SimpleNamespace(author=world.member_user, organization=world.b1, reviewer_org=world.pc)
    with translation.override("en"), pytest.raises(PermissionDenied) as caught:
        PAPERS.require(world.secretary, paper, "submit")
    assert str(caught.value) == "Only its author."
    with pytest.raises(PermissionDenied) as caught:
        PAPERS.require(world.committee, paper, "accept")
    assert str(caught.value) == ""
    PAPERS.require(world.secretary, paper, "accept")  # no exception
    PAPERS.require(world.member_user, paper, "submit")


def test_a_machine_refuses_a_bad_declaration():
    with pytest.raises(ValueError, match="lacks"):
        Machine(Status, Transition("archive", (S.ACCEPTED,), "archived"))
    with pytest.raises(ValueError, match="share a name"):
        Machine(Status, Transition("go", (S.DRAFT,), S.SUBMITTED), Transition("go", (S.SUBMITTED,), S.ACCEPTED))
    with pytest.raises(ValueError, match="on which organization"):
        Machine(Status, Transition("accept", (S.SUBMITTED,), S.ACCEPTED, who=Need.MANAGE))
