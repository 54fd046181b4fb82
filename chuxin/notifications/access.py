"""Personal relations to notifications in the access policy (chuxin.core.access), declared once here.

A notification belongs to no organization: only its recipient reaches it, whatever their standing."""

from __future__ import annotations

from chuxin.core.access import is_user

RECIPIENT = is_user("recipient_id", "the recipient")  # on a notification
