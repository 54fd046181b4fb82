"""Writes for directives: send, acknowledge, follow-up actions and tasks, complete, remind, close, withdraw.

Each service checks the actor's standing itself (views check first, but a service may be called from
elsewhere), validates, writes in a transaction with its audit entry, and sends notifications once the write has
committed. A second acknowledgement or completion of the same row changes nothing: double clicks are harmless.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.access import Need, authorize
from chuxin.core.attachments import attachment_delete, attachments_save
from chuxin.core.models import IdempotencyKey
from chuxin.notifications.services import notify
from chuxin.orgs.models import Organization
from chuxin.plans.services import TaskOrigin, task_create
from chuxin.records.services import record_work

from . import selectors
from .models import Directive, DirectiveAction, DirectiveAttachment, DirectiveRecipient
from .states import DIRECTIVES, RECIPIENTS

State = DirectiveRecipient.State
DEFAULT_SUBTREE_KINDS = tuple(Organization.BRANCH_KINDS)


def _notify(*, recipient, kind: str, target, title: str, url: str, actor, dedup_key: str = "",
            params=None) -> None:
    notify(recipient=recipient, kind=kind, target=target, title=title, url=url, dedup_key=dedup_key, params=params,
           actor=actor)


def _notify_officers(rows: list[DirectiveRecipient], *, kind: str, title: str, actor, dedup_key: str = "",
                     params=None) -> None:
    """Tell each row's organization's secretaries and workers, after the write has committed, except the actor
    (a worker who sends to a branch where they are also an officer is not told of their own directive). `title`
    is the message untranslated (gettext_noop), `params` its parameters."""
    people = selectors.officers({row.organization_id: row.organization for row in rows}.values())
    for row in rows:
        url = reverse("directives:recipient", kwargs={"pk": row.pk})
        for user in people.get(row.organization_id, []):
            _notify(recipient=user, kind=kind, target=row, title=title, url=url, actor=actor, dedup_key=dedup_key,
                    params=params)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# ---------------------------------------------------------------------------------------------------------------
# The sender


@transaction.atomic
def directive_send(
    *,
    actor,
    sender: Organization,
    title: str,
    body: str,
    due_on: datetime.date | None,
    recipients: Iterable[Organization] | None,
    subtree: bool = False,
    kinds: Iterable[str] | None = None,
    today: datetime.date | None = None,
    token: str = "",
    attachments=(),
) -> Directive:
    """Send a directive from `sender` to chosen organizations strictly below it, and/or to every active
    organization of `kinds` (branches by default) in its subtree when `subtree` is set. The same form sent twice
    (`token`, the form's one-time token) sends once: one directive, one notification each. `attachments`: uploaded
    files (the original notice, templates to fill in), all optional."""
    authorize(actor, sender, Need.MANAGE)
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Directive, create=lambda: _send_directive(
        actor=actor, sender=sender, title=title, body=body, due_on=due_on, recipients=recipients, subtree=subtree,
        kinds=kinds, today=_today(today), attachments=attachments))


def _send_directive(*, actor, sender: Organization, title: str, body: str, due_on: datetime.date | None,
                    recipients: Iterable[Organization] | None, subtree: bool, kinds: Iterable[str] | None,
                    today: datetime.date, attachments=()) -> Directive:
    if not sender.is_active:
        raise ValidationError(_("The sending organization is deactivated."))
    directive = Directive(
        sender=sender, title=(title or "").strip(), body=(body or "").strip(), due_on=due_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    directive.full_clean()
    if directive.due_on < today:
        raise ValidationError({"due_on": _("The due date has already passed; choose today or a later date.")})

    chosen = {org.pk: org for org in recipients or []}
    outside = [org for org in chosen.values() if not org.path.startswith(sender.path) or org.pk == sender.pk]
    if outside:
        raise ValidationError({"recipients": _(
            "A directive goes only to organizations under %(sender)s; these are not: %(names)s."
        ) % {"sender": sender.name, "names": "、".join(org.name for org in outside)}})
    inactive = [org for org in chosen.values() if not org.is_active]
    if inactive:
        raise ValidationError({"recipients": _("These organizations are deactivated: %(names)s.") % {
            "names": "、".join(org.name for org in inactive)}})
    if subtree:
        kinds = list(kinds or DEFAULT_SUBTREE_KINDS)
        for org in selectors.subordinates(sender).filter(kind__in=kinds):
            chosen.setdefault(org.pk, org)
    if not chosen:
        raise ValidationError({"recipients": _(
            "Choose at least one organization to receive the directive (none of the chosen kinds is under %(sender)s)."
            if subtree else "Choose at least one organization to receive the directive."
        ) % {"sender": sender.name}})

    directive.save()
    rows = DirectiveRecipient.objects.bulk_create(
        [DirectiveRecipient(directive=directive, organization=chosen[pk]) for pk in sorted(chosen)]
    )
    files = attachments_save(DirectiveAttachment, attachments, uploaded_by=_person(actor), directive=directive)
    changes = {"recipients": ["", str(len(rows))], "due_on": ["", str(directive.due_on)]}
    if files:
        changes["attachments"] = [[], [f.name for f in files]]
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=directive, organization=sender, changes=changes)
    if not all(row.pk for row in rows):  # databases that do not return ids from a bulk insert
        rows = list(directive.recipients.select_related("organization"))
    # Recorded once: consumers (the recipients' group robots) hear of it without this app knowing them.
    record_work(kind="directive_issued", organization=sender, on=today, target=directive, actor=actor,
                label=directive.title, url=reverse("directives:inbox"),
                payload={"due_on": f"{directive.due_on:%Y-%m-%d}",
                         "organizations": [row.organization_id for row in rows]})
    params = {"title": directive.title, "due": f"{directive.due_on:%Y-%m-%d}"}
    transaction.on_commit(lambda: _notify_officers(
        rows, kind="directive", title=gettext_noop("New directive: %(title)s (due %(due)s)"), actor=actor,
        params=params))
    return directive


@transaction.atomic
def directive_remind(
    *, actor, directive: Directive, recipients: Iterable[DirectiveRecipient] | None = None,
    today: datetime.date | None = None,
) -> int:
    """Remind the recipients behind (or the given ones, if behind), at most once a day each. Returns how many
    were reminded now."""
    authorize(actor, directive.sender, Need.MANAGE)
    today = _today(today)
    if not directive.is_open:
        raise ValidationError(_("The directive is closed; there is no one to remind."))
    rows = directive.recipients.filter(selectors.behind_q(directive, today))
    if recipients is not None:
        rows = rows.filter(pk__in=[row.pk for row in recipients])
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    rows = list(
        rows.exclude(reminded_at__gte=start_of_day).select_for_update(of=("self",)).select_related("organization")
        .only("id", "organization_id", "directive_id", "organization__path")
    )
    if not rows:
        return 0
    DirectiveRecipient.objects.filter(pk__in=[row.pk for row in rows]).update(
        reminded_at=timezone.now(), reminder_count=F("reminder_count") + 1
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=directive, organization=directive.sender,
        changes={"reminded": ["", str(len(rows))]},
    )
    title = gettext_noop("Reminder: %(title)s (due %(due)s)")
    params = {"title": directive.title, "due": f"{directive.due_on:%Y-%m-%d}"}
    dedup_key = f"remind:{today:%Y-%m-%d}"
    transaction.on_commit(
        lambda: _notify_officers(rows, kind="reminded", title=title, actor=actor, dedup_key=dedup_key,
                                 params=params))
    return len(rows)


@transaction.atomic
def directive_close(*, actor, directive: Directive) -> Directive:
    """Close the directive: nothing more is expected from anyone; what was done stays on record."""
    DIRECTIVES.require(actor, directive, "close")
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if not DIRECTIVES.can(directive.status, "close"):  # closed already (a double click), or withdrawn
        return directive
    directive.status = Directive.Status.CLOSED
    directive.closed_at = timezone.now()
    directive.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=directive, organization=directive.sender,
        changes={"status": [Directive.Status.OPEN, Directive.Status.CLOSED]},
    )
    return directive


@transaction.atomic
def directive_withdraw(*, actor, directive: Directive) -> Directive:
    """Take back a directive sent by mistake, before any recipient has reported it completed: it leaves the
    recipients' workbenches and inboxes, their officers are told, and its pages say it was withdrawn (what the
    recipients wrote stays on record). Withdrawing again changes nothing; a closed directive stays closed."""
    DIRECTIVES.require(actor, directive, "withdraw")
    directive = Directive.objects.select_for_update().select_related("sender").get(pk=directive.pk)
    if directive.status == Directive.Status.WITHDRAWN:
        return directive
    DIRECTIVES.check(directive.status, Directive.Status.WITHDRAWN, via="withdraw")
    rows = list(directive.recipients.select_related("organization").order_by("organization__path"))
    completed = [row.organization.name for row in rows if row.state == State.COMPLETED]
    if completed:
        raise ValidationError(_(
            "%(names)s already reported it completed, so it can no longer be withdrawn; close it instead."
        ) % {"names": "、".join(completed)})
    directive.status = Directive.Status.WITHDRAWN
    directive.closed_at = timezone.now()
    directive.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=directive, organization=directive.sender,
        changes={"status": [Directive.Status.OPEN, Directive.Status.WITHDRAWN]},
    )
    params = {"title": directive.title, "sender": directive.sender.name}
    transaction.on_commit(lambda: _notify_officers(
        rows, kind="withdrawn", title=gettext_noop("Withdrawn by %(sender)s: %(title)s"), actor=actor, params=params))
    return directive


# ---------------------------------------------------------------------------------------------------------------
# The recipient


def _lock(recipient: DirectiveRecipient) -> DirectiveRecipient:
    """The stored row, locked, so two clicks or two people cannot both move it."""
    row = DirectiveRecipient.objects.select_for_update().select_related("directive", "organization").get(
        pk=recipient.pk
    )
    if row.directive.status == Directive.Status.WITHDRAWN:
        raise ValidationError(_("The directive has been withdrawn by its sender."))
    if not row.directive.is_open:
        raise ValidationError(_("The directive has been closed by its sender."))
    return row


def _acknowledge(row: DirectiveRecipient, actor, now) -> None:
    row.state = State.ACKNOWLEDGED
    row.acknowledged_at = now
    row.acknowledged_by = actor


@transaction.atomic
def directive_acknowledge(*, actor, recipient: DirectiveRecipient) -> DirectiveRecipient:
    """Confirm receipt. Acknowledging again changes nothing."""
    RECIPIENTS.require(actor, recipient, "acknowledge")
    row = _lock(recipient)
    if not RECIPIENTS.can(row.state, "acknowledge"):
        return row
    _acknowledge(row, actor, timezone.now())
    row.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "updated_at"])
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=row, organization=row.organization,
        changes={"state": [State.SENT, State.ACKNOWLEDGED]},
    )
    return row


@transaction.atomic
def directive_action_add(
    *, actor, recipient: DirectiveRecipient, text: str, responsible=None, due_on: datetime.date | None = None,
    token: str = "", attachments=(),
) -> DirectiveAction:
    """Record a follow-up step, with optional files (a ledger, a sign-in sheet); the directive counts as
    acknowledged and in progress from then on. The same form sent twice (`token`) records it once."""
    RECIPIENTS.require(actor, recipient, "add_action")
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=DirectiveAction, create=lambda: (
        _action_add(actor=actor, recipient=recipient, text=text, responsible=responsible, due_on=due_on,
                    attachments=attachments)))


def _action_add(*, actor, recipient: DirectiveRecipient, text: str, responsible,
                due_on: datetime.date | None, attachments=()) -> DirectiveAction:
    row = _lock(recipient)
    RECIPIENTS.check(row.state, State.IN_PROGRESS, via="add_action")
    if responsible is not None and not selectors.responsible_choices(row.organization).filter(
        pk=responsible.pk
    ).exists():
        raise ValidationError({"responsible": _("The responsible person must belong to %(org)s.") % {
            "org": row.organization.name}})
    action = DirectiveAction(recipient=row, text=(text or "").strip(), responsible=responsible, due_on=due_on)
    action.full_clean()
    action.save()
    before = row.state
    if row.state == State.SENT:
        _acknowledge(row, actor, timezone.now())
    row.state = State.IN_PROGRESS
    row.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "updated_at"])
    files = attachments_save(DirectiveAttachment, attachments, uploaded_by=_person(actor), directive=row.directive,
                             recipient=row, action=action)
    changes = {"state": [before, row.state]} if before != row.state else {}
    if files:
        changes["attachments"] = [[], [f.name for f in files]]
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=action, organization=row.organization,
                 changes=changes or None)
    return action


@transaction.atomic
def directive_task_add(*, actor, recipient: DirectiveRecipient, plan_item, **task_fields):
    """Make the directive one of the organization's own tasks, in an item of its own plan, through the plans
    app's task_create (fields: title, start_on, due_on, description, department, lead, responsible, cooperating,
    token). The directive counts as acknowledged and in progress from then on. Returns the task."""
    RECIPIENTS.require(actor, recipient, "add_task")
    row = _lock(recipient)
    RECIPIENTS.check(row.state, State.IN_PROGRESS, via="add_task")
    if plan_item.plan.organization_id != row.organization_id:
        raise ValidationError({"plan_item": _("Choose an item of %(org)s's own plan: the directive was sent to it.")
                               % {"org": row.organization.name}})
    origin = TaskOrigin(target=row, label=row.directive.title, organization=row.organization,
                        url=reverse("directives:recipient", kwargs={"pk": row.pk}))
    task = task_create(actor=actor, plan_item=plan_item, origin=origin, **task_fields)
    before = row.state
    if row.state == State.SENT:
        _acknowledge(row, actor, timezone.now())
    if row.state != State.IN_PROGRESS:
        row.state = State.IN_PROGRESS
        row.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "updated_at"])
        audit_record(
            actor=actor, action=AuditEntry.Action.UPDATE, target=row, organization=row.organization,
            changes={"state": [before, row.state]},
        )
    return task


@transaction.atomic
def directive_action_toggle(*, actor, action: DirectiveAction, today: datetime.date | None = None) -> DirectiveAction:
    """Mark a follow-up step done (today), or not done again."""
    authorize(actor, action.recipient.organization, Need.MANAGE)
    _lock(action.recipient)
    action = DirectiveAction.objects.select_for_update().get(pk=action.pk)
    before = action.done_on
    action.done_on = None if action.done_on else _today(today)
    action.save(update_fields=["done_on", "updated_at"])
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=action, organization=action.recipient.organization,
        changes={"done_on": [str(before or ""), str(action.done_on or "")]},
    )
    return action


@transaction.atomic
def directive_complete(*, actor, recipient: DirectiveRecipient, answer: str, attachments=()) -> DirectiveRecipient:
    """Report the directive carried out, with how, and optionally its paperwork (photos of a sign-in sheet, a
    ledger: never demanded as proof). Reporting again changes nothing."""
    RECIPIENTS.require(actor, recipient, "complete")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Say how the directive was carried out before reporting completion.")})
    row = _lock(recipient)
    if row.state == State.COMPLETED:
        return row
    RECIPIENTS.check(row.state, State.COMPLETED, via="complete")
    now = timezone.now()
    before = row.state
    if row.state == State.SENT:
        _acknowledge(row, actor, now)
    row.state = State.COMPLETED
    row.completed_at = now
    row.completed_by = actor
    row.answer = answer
    row.full_clean()
    row.save()
    files = attachments_save(DirectiveAttachment, attachments, uploaded_by=_person(actor), directive=row.directive,
                             recipient=row)
    changes = {"state": [before, State.COMPLETED]}
    if files:
        changes["attachments"] = [[], [f.name for f in files]]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=row, organization=row.organization,
                 changes=changes)
    # Collect once: the completion is a work record; responsibility lists and report facts read it.
    done_on = timezone.localdate(now)
    record_work(kind="directive_done", organization=row.organization, on=done_on, target=row, actor=actor,
                users=[actor], payload={"on_time": done_on <= row.directive.due_on}, label=row.directive.title,
                url=reverse("directives:recipient", kwargs={"pk": row.pk}))
    return row


# ---------------------------------------------------------------------------------------------------------------
# Attachments: the sender's (the notice, templates) and each recipient's (its paperwork), while the directive is
# open. Each side adds and removes its own; only the person who attached a file removes it.


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _open(directive: Directive) -> Directive:
    locked = Directive.objects.select_for_update().get(pk=directive.pk)
    if locked.status == Directive.Status.WITHDRAWN:
        raise ValidationError(_("The directive has been withdrawn by its sender."))
    if not locked.is_open:
        raise ValidationError(_("The directive has been closed by its sender."))
    return locked


@transaction.atomic
def directive_attach(*, actor, directive: Directive, recipient: DirectiveRecipient | None = None,
                     attachments, token: str = "") -> list[DirectiveAttachment]:
    """Attach files to an open directive: the sender's (no `recipient`: MANAGE on the sender) or a receiving
    organization's paperwork (MANAGE on that organization). The same form sent twice (`token`) attaches once."""
    owner = recipient.organization if recipient is not None else directive.sender
    authorize(actor, owner, Need.MANAGE)
    if recipient is not None and recipient.directive_id != directive.pk:
        raise ValidationError(_("The attachment does not belong to this directive."))
    if not attachments:
        return []
    made: list[DirectiveAttachment] = []

    def attach() -> DirectiveAttachment:
        _open(directive)
        made.extend(attachments_save(DirectiveAttachment, attachments, uploaded_by=_person(actor),
                                     directive=directive, recipient=recipient))
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=recipient or directive,
                     organization=owner, changes={"attachments": [[], [f.name for f in made]]})
        return made[0]

    first = IdempotencyKey.objects.create_once(actor=actor, token=token, model=DirectiveAttachment, create=attach)
    return made or [first]


@transaction.atomic
def directive_attachment_remove(*, actor, attachment: DirectiveAttachment) -> None:
    """Remove a file its own uploader attached, while the directive is open. Removing it twice is harmless."""
    owner = attachment.owner_organization
    authorize(actor, owner, Need.MANAGE)
    if attachment.uploaded_by_id != getattr(actor, "pk", None):
        raise PermissionDenied
    _open(attachment.directive)
    row = DirectiveAttachment.objects.select_for_update().filter(pk=attachment.pk).first()
    if row is None:
        return
    attachment_delete(row)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=attachment.recipient or attachment.directive,
                 organization=owner, changes={"attachments": [[attachment.name], []]})
