"""What member files contribute to the access policy (chuxin.core.access), declared in this app's hooks."""

from __future__ import annotations

from chuxin.core.access import Need, is_user
from chuxin.core.db import Prepared

from .models import Member

# The member themself may read their own file and reveal their own ID number, whatever their roles.
THEMSELF = is_user("user_id", "the member themself", Need.READ)


def member_standings(user) -> list[tuple[str, int]]:
    """One query: an active member file gives the member's standing on its organization (and below)."""
    rows = _ACTIVE_FILE.rows(user.pk)
    path = rows[0][0] if rows else None
    return [(path, Need.PUBLIC)] if path else []


# Every request reads it (chuxin.core.access.standings): compiled once (chuxin.core.db.Prepared). The first in the
# model's order, as .first() took it.
_ACTIVE_FILE = Prepared(lambda user_id: Member.objects.filter(user_id=user_id, status=Member.Status.ACTIVE)
                        .values_list("organization__path", flat=True)[:1])
