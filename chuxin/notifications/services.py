"""Writes of the notification centre.

`notify` is the one way any app tells a person something. It is idempotent: the same
(recipient, kind, target, dedup_key) is stored once, so callers may call it inside their transaction or after it,
and a reminder job may run as often as it likes. An email goes out only for a newly stored notification, only
when CHUXIN_NOTIFY_BY_EMAIL is on and the recipient has an address, and only after the write commits (a
background task sends it, so a slow mail server never holds up a page).

What it says is stored untranslated: `title` is a message marked with gettext_noop (or gettext_lazy) and `params`
its parameters, rendered in each reader's language when read (messages.py). A title already translated, without
params, is stored and shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme

from chuxin.accounts.models import User
from chuxin.core import versions
from chuxin.core.access import Need, authorize

from .access import RECIPIENT
from .messages import freeze, msgid_of, render
from .models import Notification
from .selectors import unread_version


def is_local_path(url: str) -> bool:
    """A path on this site ("/plans/tasks/3/"), never another host: notifications only send people inward."""
    return (
        bool(url) and url.startswith("/") and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def target_key(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)


def _words(title: Any, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored fields for `title`: its msgid and parameters when it is a message to translate, and the title
    as written in the default language (shown when the message cannot be, and searchable)."""
    message = msgid_of(title)
    if message is None or (params is None and not isinstance(title, Promise)):
        return {"title": str(title)[:200], "message": "", "params": {}}
    frozen = freeze(params)
    with translation.override(settings.LANGUAGE_CODE):
        written = render(message, frozen)
    return {"title": written[:200], "message": message[:300], "params": frozen}


def notify_once(
    *, recipient: User | None, kind: str, target: models.Model | None, title: Any, url: str, body: str = "",
    dedup_key: str = "", params: Mapping[str, Any] | None = None, actor: User | None = None,
) -> tuple[Notification | None, bool]:
    """notify, also saying whether the notification is new (the reminder job counts the new ones)."""
    if recipient is None or not recipient.is_active:
        return None, False
    if actor is not None and getattr(actor, "pk", None) is not None and actor.pk == recipient.pk:
        return None, False  # nobody is told of what they did themselves
    target_type, target_id = target_key(target)
    lookup = {"recipient": recipient, "kind": kind, "target_type": target_type, "target_id": target_id,
              "dedup_key": dedup_key[:100]}
    defaults = {**_words(title, params), "body": str(body), "url": url if is_local_path(url) else ""}
    try:
        # A savepoint, so a concurrent job inserting the same key cannot break the caller's transaction.
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        notification, created = Notification.objects.get(**lookup), False
    if created:
        versions.bump_on_commit(unread_version(recipient.pk))  # the bell's count (selectors.unread_count)
    if created and settings.CHUXIN_NOTIFY_BY_EMAIL and recipient.email:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.enqueue(notification.pk))
    return notification, created


def notify(
    *, recipient: User | None, kind: str, target: models.Model | None, title: Any, url: str, body: str = "",
    dedup_key: str = "", params: Mapping[str, Any] | None = None, actor: User | None = None,
) -> Notification | None:
    """Tell `recipient` about `target` once per (kind, target, dedup_key); None for no or an inactive account,
    and None when the recipient is the `actor`, the person whose action it reports (the creator of a task is not
    told "you have been assigned"; a secretary who sends a directive to their own branch is not told of it).

    `title` is the message untranslated, `params` its parameters: notify(..., title=gettext_noop("Reopened:
    %(task)s"), params={"task": task.title}); each reader sees it in their language. `url` is where the recipient
    acts, a local path (anything else is dropped). For reminders that must repeat when a date moves, put the date
    in dedup_key, e.g. f"due:{task.due:%Y-%m-%d}"."""
    notification, _created = notify_once(
        recipient=recipient, kind=kind, target=target, title=title, url=url, body=body, dedup_key=dedup_key,
        params=params, actor=actor,
    )
    return notification


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (once: the first reading time is kept)."""
    authorize(user, None, Need.READ, obj=notification, relations=[RECIPIENT])
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
        versions.bump_on_commit(unread_version(user.pk))
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    versions.bump_on_commit(unread_version(user.pk))
    return marked


def recipient_language(user: User) -> str:
    """The language a person reads their e-mail in: their own choice where the account keeps one, else the
    site's default (Chinese)."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def notification_send_email(*, notification_id: int) -> bool:
    """Send one notification by email, once; the background task calls this. False when there is nothing to do."""
    from django.core.mail import send_mail

    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id, emailed_at__isnull=True).first()
    )
    if notification is None or not notification.recipient.email or not notification.recipient.is_active:
        return False
    with translation.override(recipient_language(notification.recipient)):
        text = notification.text
    lines = [text]
    if notification.body:
        lines += ["", notification.body]
    if notification.url:
        lines += ["", f"{settings.CHUXIN_SITE_URL.rstrip('/')}{notification.url}"]
    send_mail(
        subject=f"[{settings.CHUXIN_SITE_NAME}] {text}"[:200],
        message="\n".join(lines),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
