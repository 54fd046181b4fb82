"""What member files contribute to the access policy (chuxin.core.access), declared in this app's hooks."""

from __future__ import annotations

from chuxin.core.access import Need, is_user

from .models import Member

# The member themself may read their own file and reveal their own ID number, whatever their roles.
THEMSELF = is_user("user_id", "the member themself", Need.READ)


def member_standings(user) -> list[tuple[str, int]]:
    """One query: an active member file gives the member's standing on its organization (and below)."""
    path = (
        Member.objects.filter(user=user, status=Member.Status.ACTIVE)
        .values_list("organization__path", flat=True)
        .first()
    )
    return [(path, Need.PUBLIC)] if path else []
