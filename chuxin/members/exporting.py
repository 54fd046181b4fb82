"""Export of member files to .xlsx, masked unless the user may see full ID numbers; every export is audited.

The birth date is written only where the user may reveal the number (a worker on the row's organization, or the
member themself): it is eight of the number's digits. Everyone gets the age. Every cell goes through the safe
writer (chuxin.core.spreadsheet): a name like =HYPERLINK(...) is text, never a formula."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.access import Need, has_any, rank_on, scope_prefixes, scope_q
from chuxin.core.paths import STEP_LEN
from chuxin.core.spreadsheet import sheet_title, start_sheet, workbook_bytes, write_row
from chuxin.orgs.models import Organization
from chuxin.orgs.selectors import organization_above

from . import citizen_id
from .models import Member

WIDTHS = (12, 8, 8, 12, 22, 14, 14, 24, 16, 14, 12, 14, 12, 10, 14, 30, 12, 12, 8, 12, 16, 8, 16, 20, 14, 30, 6)
# The national template (全国党员管理信息系统, 16 items; REFERENCE.md E4) in its order; where an item has two parts
# (mobile and landline, lost contact and its date, away and where to) each part has its column.
NATIONAL_WIDTHS = (12, 8, 8, 22, 12, 14, 12, 30, 12, 14, 14, 14, 14, 30, 16, 8, 12, 8, 20)


def export_columns() -> list[str]:
    """The titles of the export, the same as the import reads (members.importing.COLUMNS): it imports again."""
    return [
        pgettext("person", "Name"), _("Gender"), _("Ethnicity"), _("Birth date"), _("Citizen ID number"), _("Mobile phone"),
        _("Education"), _("Work unit"), _("Department"), _("Post"), _("Date joined"), _("Date of full membership"),
        _("Category"), _("Status"),
        _("Landline"), _("Home address"), _("Membership status"), _("Membership status since"), _("Lost contact"),
        _("Date contact was lost"), _("Reason contact was lost"), _("Away from home"), _("Gone to"),
        _("Party organization there"),
        _("Organization code"), _("Party organization"), _("Age"),
    ]


def national_columns() -> list[str]:
    return [
        pgettext("person", "Name"), _("Gender"), _("Ethnicity"), _("Citizen ID number"), _("Birth date"), _("Education"),
        _("Category"), _("Party branch"), _("Date joined"), _("Date of full membership"), _("Post"),
        _("Mobile phone"), _("Landline"), _("Home address"), _("Membership status"), _("Lost contact"),
        _("Date contact was lost"), _("Away from home"), _("Gone to"),
    ]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _row(m: Member, number: str, may_reveal: bool, today) -> list:
    return [
        m.name, m.get_gender_display(), m.ethnicity, m.birth_date if may_reveal else None, number, m.phone,
        m.get_education_display(), m.work_unit.name if m.work_unit else "", m.department.name if m.department else "",
        m.post, m.joined_on, m.full_member_on, m.get_category_display(), m.get_status_display(),
        m.landline, m.home_address if may_reveal else "", m.get_party_standing_display(), m.party_standing_on,
        _yes_no(m.lost_contact), m.lost_contact_on, m.get_lost_contact_reason_display(), _yes_no(m.away),
        m.away_destination, m.away_organization,
        m.organization.code, m.organization.name, m.age(today),
    ]


def _national_row(m: Member, number: str, may_reveal: bool, today) -> list:
    return [
        m.name, m.get_gender_display(), m.ethnicity, number, m.birth_date if may_reveal else None,
        m.get_education_display(), m.get_category_display(), m.organization.name, m.joined_on, m.full_member_on,
        m.post, m.phone, m.landline, m.home_address if may_reveal else "", m.get_party_standing_display(),
        _yes_no(m.lost_contact), m.lost_contact_on, _yes_no(m.away),
        " · ".join(x for x in (m.away_destination, m.away_organization) if x),
    ]


@transaction.atomic
def export_members(*, actor, queryset: QuerySet[Member], reveal: bool,
                   organization: Organization | None = None, national: bool = False) -> bytes:
    """Write the rows with a streaming (write-only) workbook; full ID numbers only where the actor is a worker.

    `organization` is the one the list was filtered to, if any. The export is audited against the organization
    whose members went out (see _audit), so the Party-affairs workers there see it in their audit log."""
    if actor is not None:  # only files the actor may read go out, whatever the caller's queryset
        if not has_any(actor, Need.READ):
            raise PermissionDenied
        queryset = queryset.filter(scope_q(actor, Need.READ, "organization__path"))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("Members")))
    if national:
        start_sheet(ws, national_columns(), widths=NATIONAL_WIDTHS)
    else:
        start_sheet(ws, export_columns(), widths=WIDTHS)
    make_row = _national_row if national else _row
    # Per organization tree (the first step of the path): the exported rows' organization paths and the counts.
    trees: dict[str, _Tree] = {}
    qs = queryset.select_related("organization", "work_unit", "department")
    today = timezone.localdate()
    for m in qs.iterator(chunk_size=2000):
        # Who may reveal the number may see the birth date (which is digits 7-14 of it); others get the age.
        may_reveal = m.user_id == actor.pk or rank_on(actor, m.organization.path) >= Need.ADMIN
        tree = trees.setdefault(m.organization.path[:STEP_LEN], _Tree())
        tree.paths.add(m.organization.path)
        tree.rows += 1
        if reveal and may_reveal:
            number = citizen_id.decrypt(m.citizen_id_encrypted)
            tree.full += 1
        else:
            number = m.citizen_id_masked
        write_row(ws, make_row(m, number, may_reveal, today))
    content = workbook_bytes(wb)
    _audit(actor=actor, organization=organization, trees=trees)
    return content


@dataclass
class _Tree:
    paths: set[str] = field(default_factory=set)
    rows: int = 0
    full: int = 0


def _audit(*, actor, organization: Organization | None, trees: dict[str, _Tree]) -> None:
    """One `export` entry per organization tree the rows came from, recorded against the organization the list was
    filtered to or else the narrowest one above every exported row; an empty export against the filter's
    organization or the top of the actor's scope."""
    if not trees:
        if organization is None:
            organization = organization_above(scope_prefixes(actor, Need.READ))
        entries = [(organization, 0, 0)]
    else:
        entries = []
        for tree in trees.values():
            if organization is not None and all(p.startswith(organization.path) for p in tree.paths):
                entries.append((organization, tree.rows, tree.full))
            else:
                entries.append((organization_above(tree.paths), tree.rows, tree.full))
    for org, count, full in entries:
        audit_record(
            actor=actor, action=AuditEntry.Action.EXPORT, target=None, organization=org,
            target_repr=_("Member list (%(n)s rows)") % {"n": count},
            changes={"rows": count, "full_citizen_ids": full},
        )
