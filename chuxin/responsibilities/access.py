"""Personal relations to responsibility lists in the access policy (chuxin.core.access), declared once here.

A list's holder (the member holding the seat, or an account it was made for) reads their own list and ticks its
duties off by hand, wherever their standing lies."""

from __future__ import annotations

from chuxin.core.access import Need, Relation

HOLDER = Relation("the list's holder", lambda user, rlist: rlist.is_held_by(user), Need.MANAGE)  # on a list
ITEM_HOLDER = HOLDER.of("list")  # the same person, on one of the list's duties
