"""The personal relations activities declare to the access policy (chuxin.core.access).

An activity is open to the members of its organizer's subtree: a member of a branch reads the activities its
committee organizes (their own standing is on the branch only), signs up and checks in. A micro-wish's claimer
reads it, with the wisher's contact, wherever it is. Both tests read the user's member file once per request.
"""

from __future__ import annotations

from chuxin.core.access import Need, Relation, is_user
from chuxin.core.paths import ancestor_paths
from chuxin.members.models import Member
from chuxin.members.selectors import own_member


def member_of(user) -> Member | None:
    """The user's active member file (cached on the user object for the request), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_activities_member"):
        user._activities_member = own_member(user)
    return user._activities_member


def reachable_paths(user) -> list[str]:
    """The organizations whose activities and wishes the user's member file reaches: its own and its ancestors."""
    member = member_of(user)
    if member is None:
        return []
    path = member.organization.path
    return [*ancestor_paths(path), path]


def _eligible(user, obj) -> bool:
    member = member_of(user)
    return member is not None and member.organization.path.startswith(obj.organization_path)


def _claimer(user, wish) -> bool:
    member = member_of(user)
    return member is not None and wish.claimed_by_id == member.pk


ELIGIBLE = Relation("a member of the organizer's subtree", _eligible, Need.PUBLIC)
CLAIMER = Relation("the member who claimed the wish", _claimer, Need.PUBLIC)
SELF = is_user("member.user_id", "the participant themself", Need.PUBLIC)
