"""The personal relation recruitment declares to the access policy: the person themself reads their own record."""

from __future__ import annotations

from chuxin.core.access import Need, is_user

THE_PERSON = is_user("user_id", "the person themself", Need.READ)
