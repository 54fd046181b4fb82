import datetime

from django.db.models import Q, QuerySet

from chuxin.core.access import Need, scope_prefixes
from chuxin.core.paths import subtree_q

from .models import AuditEntry


def audit_entry_list(user, *, action: str = "", q: str = "", date_from: datetime.date | None = None,
                     date_to: datetime.date | None = None) -> QuerySet[AuditEntry]:
    """Entries about organizations in the user's admin scope, plus the user's own account events; `date_from` and
    `date_to` (both included) bound the local day of the entry."""
    prefixes = scope_prefixes(user, Need.ADMIN)
    qs = AuditEntry.objects.all()
    if prefixes != [""]:
        # The user's own account events (logins, failures, login delays, password changes) belong to no organization.
        scope = Q(target_type="accounts.user", target_id=str(user.pk))
        for prefix in prefixes:
            scope |= subtree_q(prefix, "organization_path")
        qs = qs.filter(scope)
    if action:
        qs = qs.filter(action=action)
    if q:
        qs = qs.filter(Q(actor_name__icontains=q) | Q(target_repr__icontains=q))
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-at", "-id")
