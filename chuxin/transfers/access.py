"""The relations transfers declare to the access policy: the receiving side reads (and acts on) a transfer coming
to it, though the sending organization owns the row; the member reads their own."""

from __future__ import annotations

from chuxin.core.access import Need, Relation, is_user, rank_on


def _receiving(need: Need):
    def test(user, transfer) -> bool:
        return bool(transfer.destination_path and rank_on(user, transfer.destination_path) >= need)

    return test


RECEIVING = Relation("the receiving side", _receiving(Need.READ), Need.READ)
RECEIVING_MANAGER = Relation("the receiving side's manager", _receiving(Need.MANAGE), Need.MANAGE)
THE_MEMBER = is_user("member.user_id", "the member themself", Need.READ)
