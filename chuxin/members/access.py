"""What member files contribute to the access policy (chuxin.core.access), declared in this app's hooks."""

from __future__ import annotations

from chuxin.core.access import Need, is_user
from chuxin.core.db import Prepared

from .models import Member

# The member themself may read their own file and reveal their own ID number, whatever their roles.
THEMSELF = is_user("user_id", "the member themself", Need.READ)


# Where the standings' read leaves the file's (id, organization path, organization id) for the same request: the
# workbench's probes ask with it (chuxin.members.selectors.own_member_key) and a practice counts at the organization
# (own_place).
KEY_ATTR = "_chuxin_own_member_key"


def member_standings(user) -> list[tuple[str, int]]:
    """One query: an active member file gives the member's standing on its organization (and below). The row
    also gives the file's id and its organization's, kept on the user object beside the standings (`KEY_ATTR`:
    (member id, organization path, organization id) or None)."""
    rows = _ACTIVE_FILE.rows(user.pk)
    key = tuple(rows[0]) if rows and rows[0][1] else None
    setattr(user, KEY_ATTR, key)
    return [(key[1], Need.PUBLIC)] if key else []


# Every request reads it (chuxin.core.access.standings): compiled once (chuxin.core.db.Prepared). The first in the
# model's order, as .first() took it.
_ACTIVE_FILE = Prepared(lambda user_id: Member.objects.filter(user_id=user_id, status=Member.Status.ACTIVE)
                        .values_list("pk", "organization__path", "organization_id")[:1])
