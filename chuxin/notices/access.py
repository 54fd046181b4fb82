"""The personal relations notices and groups declare to the access policy (chuxin.core.access).

A notice's recipient reads it wherever it came from (a committee's notice to a branch member); a group's member
reads and writes in it. Who is in an organization's group is read from the policy itself, at access time: anyone
whose standing lies in the organization's subtree (an active member file there, a role granted there). It is never
stored, so it cannot drift from the membership; a custom group keeps its people as rows."""

from __future__ import annotations

from chuxin.core.access import Need, Relation, standings


def _receives(user, notice) -> bool:
    if not user.is_authenticated:
        return False
    return notice.recipients.filter(user=user).exists()


def in_group(user, group) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if group.kind == "organization":
        prefix = group.organization.path
        return any(s.path.startswith(prefix) for s in standings(user))
    return group.people.filter(user=user).exists()


RECIPIENT = Relation("a recipient", _receives, Need.READ)
GROUP_MEMBER = Relation("a member of the group", in_group, Need.READ)
