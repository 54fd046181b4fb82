"""Logging in with a throttle, password changes, accounts for members (made, unlocked, reset) and role grants."""

from __future__ import annotations

import datetime
import hashlib
import math
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import access
from chuxin.core.audit_context import current as current_context
from chuxin.core.models import IdempotencyKey

from .models import LoginThrottle, RoleGrant, User


class LoginRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _find(identifier: str) -> User | None:
    identifier = identifier.strip()
    return User.objects.filter(Q(username__iexact=identifier) | Q(phone=identifier)).order_by("id").first()


# ---------------------------------------------------------------------------------------------------------------
# Logging in, with a throttle per (account, address) pair and per address

# Failures are counted in windows of a day: a counter whose window began longer ago than this starts again from
# nothing at its next failure (never during a delay). So a shared office address is not held off by a week of
# ordinary typos, while an attacker gets a few guesses a day per pair and address.
FAILURE_WINDOW = datetime.timedelta(hours=24)


def _throttle_keys(account: User | None, identifier: str, address: str | None) -> dict[str, tuple[int, User | None]]:
    """{key: (failures allowed before the delay, account)} for the pair and, when the address is known, the address.

    An unknown name is counted under a digest of what was typed (never the text itself, which is sometimes a
    password typed into the wrong box), so it is delayed exactly like a real account and the answers cannot tell
    them apart."""
    if account is not None:
        who = f"a{account.pk}"
    else:
        who = "i" + hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    keys = {f"{who}|{address or '-'}": (settings.LOGIN_MAX_FAILURES, account)}
    if address and settings.LOGIN_MAX_FAILURES_PER_ADDRESS > 0:
        keys[f"ip|{address}"] = (settings.LOGIN_MAX_FAILURES_PER_ADDRESS, None)
    return keys


def _delay(failures_over: int) -> datetime.timedelta:
    """The first delay, doubled for each failure beyond the limit, up to the ceiling."""
    minutes = settings.LOGIN_LOCKOUT_MINUTES * 2 ** min(failures_over, 20)
    return datetime.timedelta(minutes=min(minutes, settings.LOGIN_DELAY_MAX_MINUTES))


@dataclass
class _Reservation:
    delayed_until: datetime.datetime | None = None  # refused: a key is in its delay until then
    started: dict[str, datetime.datetime] = field(default_factory=dict)  # delays this attempt started, by key


def _reserve(keys: dict[str, tuple[int, User | None]], now: datetime.datetime) -> _Reservation:
    """Check and count in one step: refuse if any key is in its delay, otherwise count this attempt as a failure.

    The attempt is counted before the password is checked, with the counter rows locked, so parallel guesses cannot
    all pass a check that none of them has counted yet; a correct password takes its count back (_take_back)."""
    for _attempt in range(3):
        with transaction.atomic():
            LoginThrottle.objects.bulk_create(
                [LoginThrottle(key=key, user=account, window_started_at=now, last_failure_at=now)
                 for key, (_limit, account) in keys.items()],
                ignore_conflicts=True,
            )
            # Locked in key order, so two attempts never wait for each other's second row.
            rows = list(LoginThrottle.objects.select_for_update().filter(key__in=list(keys)).order_by("key"))
            if len(rows) < len(keys):
                continue  # the housekeeping below removed a row between the insert and the lock: once more
            waits = [row.blocked_until for row in rows if row.is_blocked(now)]
            if waits:
                return _Reservation(delayed_until=max(waits))
            reservation = _Reservation()
            for row in rows:
                limit = keys[row.key][0]
                if row.window_started_at is None or row.window_started_at < now - FAILURE_WINDOW:
                    row.failures, row.window_started_at = 0, now
                row.failures += 1
                row.last_failure_at = now
                if row.failures >= limit:
                    row.blocked_until = now + _delay(row.failures - limit)
                    reservation.started[row.key] = row.blocked_until
                row.save(update_fields=["failures", "window_started_at", "last_failure_at", "blocked_until"])
        _forget_old(now)
        return reservation
    raise RuntimeError("the login throttle's rows kept disappearing")


def _forget_old(now: datetime.datetime) -> None:
    """Drop counters whose window has passed and that hold no delay (their next failure would start afresh anyway),
    so guessed names do not pile up. Rows another login holds are skipped, not waited for (PostgreSQL), so this can
    never deadlock with a login under way."""
    old = LoginThrottle.objects.filter(last_failure_at__lt=now - FAILURE_WINDOW).filter(
        Q(blocked_until__isnull=True) | Q(blocked_until__lt=now)
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            old = old.select_for_update(skip_locked=True)
        ids = list(old.values_list("pk", flat=True)[:1000])
        if ids:
            LoginThrottle.objects.filter(pk__in=ids).delete()


def _take_back(keys: dict[str, tuple[int, User | None]], reservation: _Reservation) -> None:
    """A correct password: the pair starts afresh, and the address gets back the failure counted in advance and loses
    the delay that count started (unless another attempt has moved it since)."""
    with transaction.atomic():
        for row in LoginThrottle.objects.select_for_update().filter(key__in=list(keys)).order_by("key"):
            if not row.key.startswith("ip|"):
                row.delete()
                continue
            row.failures = max(0, row.failures - 1)
            if row.blocked_until is not None and row.blocked_until == reservation.started.get(row.key):
                row.blocked_until = None
            row.save(update_fields=["failures", "blocked_until"])


def _delayed_message(until: datetime.datetime, now: datetime.datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return _("Too many failed attempts. Try again in %(minutes)s minutes.") % {"minutes": minutes}


def login_attempt(*, identifier: str, password: str) -> User:
    """Authenticate, throttling failures per (account, address) pair and per address.

    Existing and unknown accounts get the same answers, the same counting and the same work (a password hash and one
    audit entry each), so the login form does not tell which accounts exist. Nothing here ever locks an account
    for everyone: a delay holds only for the pair or address that earned it. The address is the request's
    (its audit context, chuxin.core.audit_context); outside a request there is none and only the pair counts."""
    now = timezone.now()
    account = _find(identifier)
    context = current_context()
    keys = _throttle_keys(account, identifier, context.ip if context else None)
    reservation = _reserve(keys, now)
    if reservation.delayed_until is not None:
        raise LoginRefused(_delayed_message(reservation.delayed_until, now))
    user = authenticate(None, username=identifier, password=password)
    if user is None:
        _record_failure(account, started=bool(reservation.started))
        if reservation.started:
            raise LoginRefused(_delayed_message(max(reservation.started.values()), now))
        raise LoginRefused(_("The username or phone number and password do not match."))
    _take_back(keys, reservation)
    audit_record(actor=user, action=AuditEntry.Action.LOGIN, target=user)
    return user


def _record_failure(account: User | None, *, started: bool) -> None:
    """One audit entry per failure (and one when a delay starts), for a real account and an unknown name alike."""
    unknown = "" if account is not None else _("unknown account")
    audit_record(actor=None, action=AuditEntry.Action.LOGIN_FAILED, target=account, target_repr=unknown)
    if started:
        audit_record(actor=None, action=AuditEntry.Action.LOCKOUT, target=account, target_repr=unknown)


@transaction.atomic
def user_display_set(*, actor: User, large_text: bool) -> User:
    """The person's own display setting ("large text" in "me"); nobody sets another's. Audited like any change to
    an account, though it changes nothing but how the pages look to them."""
    if actor.large_text == large_text:
        return actor
    before = actor.large_text
    actor.large_text = large_text
    actor.save(update_fields=["large_text"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=actor,
                 changes={"large_text": [str(before), str(large_text)]})
    return actor


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=user, action=AuditEntry.Action.PASSWORD, target=user)


# One-time passwords are read off a printed slip and typed on a phone: no characters that look alike in print or
# handwriting (0/O/o, 1/l/I/i, 2/Z/z, 5/S/s, 8/B).
PASSWORD_ALPHABET = "".join(
    c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in "0Oo1lIi2Zz5Ss8B"
)
PASSWORD_LENGTH = 10


def one_time_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH))


def _login_name(member) -> str:
    """The member's phone number when no account uses it, else a free login from the name's pinyin ("zhangsan",
    "zhangsan2", ...; "member" and the file's number for a name without pinyin)."""
    if member.phone and not User.objects.filter(Q(phone=member.phone) | Q(username=member.phone)).exists():
        return member.phone
    base = (getattr(member, "name_pinyin", "") or f"member{member.pk}")[:140]
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


@dataclass
class Slip:
    """What one printed account slip carries. The password exists only here, in the answer to the request that
    made it: it is stored hashed and never shown again."""

    member: object
    account: User
    password: str


def _account_create(*, actor, member) -> Slip:
    """The account for one member file, locked first (a double click waits here, then finds the account made).
    Raises ValidationError when the member already has one."""
    if type(member).objects.select_for_update().filter(pk=member.pk).values_list("user_id", flat=True).get():
        raise ValidationError(_("%(name)s already has a login account.") % {"name": member.name})
    phone_free = bool(member.phone) and not User.objects.filter(phone=member.phone).exists()
    password = one_time_password()
    user = User(username=_login_name(member), phone=member.phone if phone_free else None, display_name=member.name,
                must_change_password=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, target=user, organization=member.organization,
        target_repr=f"{member.name} ({user.username})",
    )
    return Slip(member=member, account=user, password=password)


@transaction.atomic
def account_create_for_member(*, actor, member) -> tuple[User, str]:
    """A login for a member: username is the phone number (or one from the name's pinyin); a one-time password
    to hand over on the account slip."""
    access.authorize(actor, member.organization, access.Need.ADMIN)
    slip = _account_create(actor=actor, member=member)
    return slip.account, slip.password


@dataclass
class BulkAccounts:
    slips: list[Slip] = field(default_factory=list)
    skipped: list = field(default_factory=list)  # members who had an account already
    repeated: bool = False  # the same form sent again: nothing made, the passwords were shown the first time


@transaction.atomic
def accounts_create_bulk(*, actor, organization, members, token: str = "") -> BulkAccounts:
    """Logins for many members of an organization's subtree in one go (a worker: ADMIN on it). Members who
    already have an account are skipped and named. The same form sent twice (`token`) makes the accounts once; the
    second answer says so and shows no passwords (they are not kept)."""
    access.authorize(actor, organization, access.Need.ADMIN)
    members = list(members)
    for member in members:
        if not member.organization.path.startswith(organization.path):
            raise ValidationError(_("%(name)s is outside %(org)s.") % {"name": member.name, "org": organization.name})
    result = BulkAccounts(repeated=True)

    def create() -> AuditEntry:
        result.repeated = False
        for member in sorted(members, key=lambda m: (m.name_pinyin, m.pk)):
            try:
                with transaction.atomic():
                    result.slips.append(_account_create(actor=actor, member=member))
            except ValidationError:
                result.skipped.append(member)
        return audit_record(
            actor=actor, action=AuditEntry.Action.CREATE, organization=organization,
            target_repr=_("Logins for members of %(org)s: %(count)s") % {
                "count": len(result.slips), "org": organization.name},
        )

    IdempotencyKey.objects.create_once(actor=actor, token=token, model=AuditEntry, create=create)
    return result


@transaction.atomic
def account_link_member(*, actor, account: User, member) -> None:
    """An existing account becomes the member's own (the member file's name is the name it shows)."""
    access.authorize(actor, member.organization, access.Need.ADMIN)
    if member.user_id and member.user_id != account.pk:
        raise ValidationError(_("%(name)s already has a login account.") % {"name": member.name})
    if type(member).objects.filter(user=account).exclude(pk=member.pk).exists():
        raise ValidationError(_("This account already belongs to another member file."))
    member.user = account
    member.save(update_fields=["user", "updated_at"])
    account_name_sync(account=account, name=member.name)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=account, organization=member.organization,
                 target_repr=f"{member.name} ({account.username})")


def account_name_sync(*, account: User | None, name: str) -> None:
    """An account shows its person's name from the member file: called when a file is renamed or linked (by the
    members' and accounts' services, not a signal). Part of the caller's transaction and audit entry."""
    if account is None or account.display_name == name:
        return
    account.display_name = name
    account.save(update_fields=["display_name"])


def _check_may_reset(*, actor, account: User) -> None:
    """A worker may take over only an account whose every right lies inside their own administration: resetting
    the password of an account with a role elsewhere (or a superuser) would hand the worker that role."""
    if account.pk == actor.pk:
        raise ValidationError(_("Change your own password on the password page."))
    if account.is_superuser or account.is_staff:
        raise ValidationError(_("This account has rights beyond your organizations; ask a system administrator."))
    for grant in RoleGrant.objects.filter(user=account).select_related("organization"):
        if not access.can(actor, grant.organization, access.Need.ADMIN):
            raise ValidationError(
                _("This account has rights beyond your organizations; ask a system administrator.")
            )


@transaction.atomic
def account_unlock(*, actor, member) -> int:
    """Lift the login delays on the member's account (from every address); returns how many were lifted."""
    access.authorize(actor, member.organization, access.Need.ADMIN)
    account = member.user
    if account is None:
        raise ValidationError(_("This member has no login account."))
    lifted, _per_model = LoginThrottle.objects.filter(user=account).delete()
    audit_record(
        actor=actor, action=AuditEntry.Action.UNLOCK, target=account, organization=member.organization,
        target_repr=f"{member.name} ({account.username})",
    )
    return lifted


@transaction.atomic
def account_password_reset(*, actor, member) -> str:
    """A new one-time password for the member's account, to hand over; the member must choose their own at the next
    login. The old password and every open session stop working, and any login delay is lifted."""
    access.authorize(actor, member.organization, access.Need.ADMIN)
    account = member.user
    if account is None:
        raise ValidationError(_("This member has no login account."))
    _check_may_reset(actor=actor, account=account)
    password = one_time_password()
    account.set_password(password)  # also ends the account's sessions: their hash no longer matches
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    LoginThrottle.objects.filter(user=account).delete()
    audit_record(
        actor=actor, action=AuditEntry.Action.PASSWORD_RESET, target=account, organization=member.organization,
        target_repr=f"{member.name} ({account.username})",
    )
    return password


@transaction.atomic
def role_grant(*, actor, user: User, organization, role: str, token: str = "") -> RoleGrant:
    """`token`: the form's one-time token; the same form sent twice grants once and answers with that grant."""
    access.authorize(actor, organization, access.Need.ADMIN)


    def create() -> RoleGrant:
        grant, created = RoleGrant.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"granted_by": actor}
        )
        if not created:
            raise ValidationError(_("%(user)s already holds this role here.") % {"user": user})
        audit_record(
            actor=actor, action=AuditEntry.Action.GRANT, target=grant, organization=organization,
        )
        access.forget(user)
        return grant

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=RoleGrant, create=create)


@transaction.atomic
def role_revoke(*, actor, grant: RoleGrant) -> None:
    access.authorize(actor, grant.organization, access.Need.ADMIN)
    if grant.user_id == actor.pk and grant.role == "worker":
        raise ValidationError(_("You cannot revoke your own Party-affairs worker role."))
    audit_record(
        actor=actor, action=AuditEntry.Action.REVOKE, target=grant, organization=grant.organization,
    )
    grant.delete()
