"""Export of member files to .xlsx, masked unless the user may see full ID numbers; every export is audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.access import Need, rank_on
from chuxin.core.spreadsheet import sheet_title, start_sheet, workbook_bytes, write_row

from . import citizen_id
from .models import Member

WIDTHS = (12, 8, 8, 12, 22, 14, 14, 24, 16, 14, 12, 14, 12, 10, 14, 30)


def export_columns() -> list[str]:
    return [
        pgettext("person", "Name"), _("Gender"), _("Ethnicity"), _("Birth date"), _("Citizen ID number"), _("Mobile phone"),
        _("Education"), _("Work unit"), _("Department"), _("Post"), _("Date joined"), _("Date of full membership"),
        _("Category"), _("Status"), _("Organization code"), _("Party organization"),
    ]


@transaction.atomic
def export_members(*, actor, queryset: QuerySet[Member], reveal: bool, request=None) -> bytes:
    """Write the rows with a streaming (write-only) workbook; full ID numbers only where the actor is a worker.

    Every cell goes through the safe writer: a name like =HYPERLINK(...) is text, never a formula."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("Members")))
    start_sheet(ws, export_columns(), widths=WIDTHS)
    rows = 0
    revealed = 0
    qs = queryset.select_related("organization", "work_unit", "department")
    for m in qs.iterator(chunk_size=2000):
        if reveal and rank_on(actor, m.organization.path) >= Need.ADMIN:
            number = citizen_id.decrypt(m.citizen_id_encrypted)
            revealed += 1
        else:
            number = m.citizen_id_masked
        write_row(ws, [
            m.name, m.get_gender_display(), m.ethnicity, m.birth_date, number, m.phone, m.get_education_display(),
            m.work_unit.name if m.work_unit else "", m.department.name if m.department else "", m.post, m.joined_on,
            m.full_member_on, m.get_category_display(), m.get_status_display(), m.organization.code,
            m.organization.name,
        ])
        rows += 1
    content = workbook_bytes(wb)
    audit_record(
        actor=actor, action=AuditEntry.Action.EXPORT, target=None, request=request,
        target_repr=_("Member list (%(n)s rows)") % {"n": rows},
        changes={"rows": rows, "full_citizen_ids": revealed},
    )
    return content
