"""Who writes and reviews a site's articles.

Writing and reviewing are committee work: a role of committee member, secretary or Party-affairs worker on the
organization or an ancestor (not a superior's read-only viewer, whose standing is READ like a committee member's).
The reviewer who publishes is never the author. The member a pioneer story is about reads it and gives or takes
back consent (the relation SUBJECT).
"""

from __future__ import annotations

from chuxin.accounts.models import Role, RoleGrant
from chuxin.core.access import Need, Relation, rank_on
from chuxin.core.paths import ancestor_paths

COMMITTEE_ROLES = (Role.COMMITTEE, Role.SECRETARY, Role.WORKER)


def is_committee(user, organization) -> bool:
    """A committee role on the organization or above (the superuser stands everywhere). One query, kept per user."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if rank_on(user, organization.path) < Need.READ:
        return False
    memo = user.__dict__.setdefault("_site_committee", {})
    if organization.path not in memo:
        paths = [*ancestor_paths(organization.path), organization.path]
        memo[organization.path] = RoleGrant.objects.filter(
            user=user, role__in=COMMITTEE_ROLES, organization__path__in=paths).exists()
    return memo[organization.path]


def may_write(user, article) -> bool:
    return is_committee(user, article.organization)


def may_review(user, article) -> bool:
    return is_committee(user, article.organization) and article.author_id != user.pk


def _is_subject(user, article) -> bool:
    return bool(user.is_authenticated and article.member_id and article.member.user_id == user.pk)


SUBJECT = Relation("the member the story is about", _is_subject, Need.PUBLIC)
