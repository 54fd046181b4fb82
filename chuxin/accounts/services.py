"""Logging in with lockout, password changes, accounts for members and role grants."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import access
from chuxin.core.models import IdempotencyKey

from .models import RoleGrant, User


class LoginRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _find(identifier: str) -> User | None:
    identifier = identifier.strip()
    return User.objects.filter(Q(username__iexact=identifier) | Q(phone=identifier)).order_by("id").first()


def login_attempt(*, request, identifier: str, password: str) -> User:
    """Authenticate, counting failures per account; lock the account after too many in a row."""
    now = timezone.now()
    account = _find(identifier)
    if account is not None and account.is_locked(now):
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(
            _("Too many failed attempts: this account is locked. Try again in %(minutes)s minutes.")
            % {"minutes": minutes}
        )
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        if account is not None:
            _count_failure(account, request, now)
        raise LoginRefused(_("The username or phone number and password do not match."))
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    audit_record(actor=user, action=AuditEntry.Action.LOGIN, target=user, request=request)
    return user


def _count_failure(account: User, request, now: datetime.datetime) -> None:
    with transaction.atomic():
        User.objects.filter(pk=account.pk).update(failed_login_count=F("failed_login_count") + 1)
        account.refresh_from_db(fields=["failed_login_count"])
        audit_record(actor=None, action=AuditEntry.Action.LOGIN_FAILED, target=account, request=request)
        locked = account.failed_login_count >= settings.LOGIN_MAX_FAILURES
        if locked:
            User.objects.filter(pk=account.pk).update(
                locked_until=now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES), failed_login_count=0
            )
            audit_record(actor=None, action=AuditEntry.Action.LOCKOUT, target=account, request=request)
    if locked:  # raised outside the block so the lock itself is committed
        raise LoginRefused(
            _("Too many failed attempts: this account is locked for %(minutes)s minutes.")
            % {"minutes": settings.LOGIN_LOCKOUT_MINUTES}
        )


@transaction.atomic
def password_change(*, user: User, new_password: str, request=None) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=user, action=AuditEntry.Action.PASSWORD, target=user, request=request)


@transaction.atomic
def account_create_for_member(*, actor, member, request=None) -> tuple[User, str]:
    """A login for a member: username is the phone number (or a generated one); a one-time password to hand over."""
    # The file is locked first, so a double click waits here and then finds the account the first one made.
    if type(member).objects.select_for_update().filter(pk=member.pk).values_list("user_id", flat=True).get():
        raise ValidationError(_("This member already has a login account."))
    if member.user_id:
        raise ValidationError(_("This member already has a login account."))
    if not member.phone:
        raise ValidationError(_("Record the member's mobile phone number first; it is used to log in."))
    if User.objects.filter(Q(phone=member.phone) | Q(username=member.phone)).exists():
        raise ValidationError(_("Another account already uses this phone number."))
    password = secrets.token_urlsafe(9)
    user = User(username=member.phone, phone=member.phone, display_name=member.name, must_change_password=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, target=user, organization=member.organization, request=request,
        target_repr=f"{member.name} ({user.username})",
    )
    return user, password


@transaction.atomic
def role_grant(*, actor, user: User, organization, role: str, token: str = "", request=None) -> RoleGrant:
    """`token`: the form's one-time token; the same form sent twice grants once and answers with that grant."""

    def create() -> RoleGrant:
        grant, created = RoleGrant.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"granted_by": actor}
        )
        if not created:
            raise ValidationError(_("%(user)s already holds this role here.") % {"user": user})
        audit_record(
            actor=actor, action=AuditEntry.Action.GRANT, target=grant, organization=organization, request=request,
        )
        access.forget(user)
        return grant

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=RoleGrant, create=create)


@transaction.atomic
def role_revoke(*, actor, grant: RoleGrant, request=None) -> None:
    if grant.user_id == actor.pk and grant.role == "worker":
        raise ValidationError(_("You cannot revoke your own Party-affairs worker role."))
    audit_record(
        actor=actor, action=AuditEntry.Action.REVOKE, target=grant, organization=grant.organization, request=request,
    )
    grant.delete()
