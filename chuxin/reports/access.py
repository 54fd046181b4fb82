"""Personal relations to reports in the access policy (chuxin.core.access), declared once here.

A report owed by a post (a secretary's report on their duties) is written by the person holding the post: they
open, save and submit their own report as its organization's managers may, wherever their standing lies."""

from __future__ import annotations

from chuxin.core.access import Need, is_user

WRITER = is_user("holder_id", "the post holder", Need.MANAGE)  # on a report owed by a post
