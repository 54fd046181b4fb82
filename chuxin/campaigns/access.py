"""Who may do what beyond standing on the organization (chuxin.core.access).

- A call for projects is the committee's, but every member of its subtree reads it to propose: IN_SUBTREE.
- A project's team (its leader and members with accounts) reads it and reports progress: TEAM (MANAGE, for the
  team's own steps; approving and closing stay with the committee, which services check on the call).
- A reviewer named on the call reads the projects it reviews: REVIEWER.
"""

from __future__ import annotations

from chuxin.core.access import Need, Relation, fetch, standings


def _in_subtree(user, call) -> bool:
    return any(s.path.startswith(call.organization_path) for s in standings(user))


def on_team(user, project) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cache = project.__dict__.setdefault("_team_users", None)
    if cache is None:
        cache = {project.leader.user_id, *project.team.values_list("user_id", flat=True)} - {None}
        project.__dict__["_team_users"] = cache
    return user.pk in cache


def is_reviewer(user, call) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cache = call.__dict__.setdefault("_reviewer_ids", None)
    if cache is None:
        cache = set(call.reviewers.values_list("pk", flat=True))
        call.__dict__["_reviewer_ids"] = cache
    return user.pk in cache


IN_SUBTREE = Relation("member of the call's subtree", _in_subtree, Need.PUBLIC)
TEAM = Relation("project team", on_team, Need.MANAGE)
REVIEWER = Relation("reviewer", lambda user, project: is_reviewer(user, project.call), Need.READ)


def access_call(user, pk, *, need: Need):
    from .models import Call

    return fetch(user, Call.objects.select_related("organization"), pk, need=need, relations=[IN_SUBTREE])


def access_project(user, pk, *, need: Need):
    from .models import Project

    return fetch(user, Project.objects.select_related("organization", "call__organization", "leader"), pk,
                 need=need, relations=[TEAM, REVIEWER])
