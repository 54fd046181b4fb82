"""Writes for periodic reports: requirements, starting, saving, submitting and reviewing reports.

A report is one row per (period, organization[, post holder]), guaranteed by the database, so starting twice or
submitting twice never makes two. Saving checks the version the author loaded (optimistic locking): a stale save
is refused and the view gives the author their text back.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record, diff, snapshot
from chuxin.core.access import Need, authorize, holders, require
from chuxin.core.attachments import attachment_delete, attachments_save
from chuxin.core.models import IdempotencyKey
from chuxin.core.richtext import is_blank, sanitize
from chuxin.notifications.services import notify
from chuxin.orgs.models import Organization
from chuxin.records.services import record_work

from . import facts as report_facts
from .models import Report, ReportAttachment, ReportPeriod, ReportRequirement, period_message
from .periods import periods_open
from .selectors import expected_reporters
from .states import REPORTS, may_write

logger = logging.getLogger(__name__)

REQUIREMENT_FIELDS = [
    "title", "description", "audience", "org_kinds", "position_kinds", "frequency", "due_day", "sections",
    "starts_on", "is_active",
]


def _clean_sections(sections: list[dict]) -> list[dict]:
    cleaned = []
    for section in sections or []:
        title = str(section.get("title", "")).strip()[:200]
        if title:
            cleaned.append({"title": title, "guidance": str(section.get("guidance", "")).strip()[:1000]})
    if not cleaned:
        raise ValidationError({"sections": _("Give the report at least one section.")})
    return cleaned


def _check_audience(requirement: ReportRequirement) -> None:
    A = ReportRequirement.Audience
    if requirement.audience == A.ORGANIZATIONS and not requirement.org_kinds:
        raise ValidationError({"org_kinds": _("Choose which kinds of organization report.")})
    if requirement.audience == A.POSTS and not requirement.position_kinds:
        raise ValidationError({"position_kinds": _("Choose which posts report.")})


@transaction.atomic
def requirement_create(*, actor, organization: Organization, token: str = "",
                       **fields) -> ReportRequirement:
    """`token`: the form's one-time token; the same form sent twice makes one requirement."""
    authorize(actor, organization, Need.MANAGE)


    def create() -> ReportRequirement:
        fields["sections"] = _clean_sections(fields.get("sections", []))
        requirement = ReportRequirement(organization=organization, created_by=actor, **fields)
        _check_audience(requirement)
        requirement.full_clean()
        requirement.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=requirement, organization=organization)
        periods_open(timezone.localdate(), [requirement])  # its current period waits for nobody's daily job
        return requirement

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=ReportRequirement, create=create)


@transaction.atomic
def requirement_update(*, actor, requirement: ReportRequirement, **fields) -> ReportRequirement:
    authorize(actor, requirement.organization, Need.MANAGE)
    before = snapshot(requirement, REQUIREMENT_FIELDS)
    if "sections" in fields:
        fields["sections"] = _clean_sections(fields["sections"])
    for name, value in fields.items():
        setattr(requirement, name, value)
    _check_audience(requirement)
    requirement.full_clean()
    requirement.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=requirement,
                 organization=requirement.organization, changes=diff(requirement, before, REQUIREMENT_FIELDS))
    periods_open(timezone.localdate(), [requirement])
    return requirement


# ---------------------------------------------------------------------------------------------------------------
# Reports


def reporter_check(*, actor, period: ReportPeriod, organization: Organization) -> int | None:
    """May `actor` write `organization`'s report for `period`? Returns the holder key (None for an organization's
    report). 404 when the organization owes no such report or the actor has no standing there; 403 when the
    actor stands there but is neither its manager nor the post holder."""
    requirement = period.requirement
    reporters = {r.key for r in expected_reporters(period)}
    if requirement.audience == ReportRequirement.Audience.ORGANIZATIONS:
        if (organization.pk, None) not in reporters:
            raise Http404
        require(actor, organization, Need.MANAGE)
        return None
    if (organization.pk, actor.pk) in reporters:
        return actor.pk
    if not any(org_id == organization.pk for org_id, _h in reporters):
        raise Http404
    require(actor, organization, Need.PUBLIC)
    raise PermissionDenied


def _initial_sections(requirement: ReportRequirement, gathered: dict) -> list[dict]:
    sections = [{"title": s["title"], "html": ""} for s in requirement.sections]
    if sections:
        sections[0]["html"] = report_facts.summary_html(gathered)
    return sections


def report_start(*, actor, period: ReportPeriod, organization: Organization) -> Report:
    """The draft of `organization`'s report for `period`, created with the period's facts on first call.
    Idempotent: a second call (or a concurrent one) returns the same report. Only its writer may: reporter_check
    refuses anyone else (404 without standing there, or when the organization owes no such report; else 403)."""
    holder_id = reporter_check(actor=actor, period=period, organization=organization)
    existing = Report.objects.filter(period=period, organization=organization, holder_id=holder_id).first()
    if existing is not None:
        return existing
    gathered = report_facts.gather(organization, period.start, period.end)
    report = Report(
        period=period, organization=organization, holder_id=holder_id, author=actor, facts=gathered,
        sections=_initial_sections(period.requirement, gathered),
    )
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
            audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=report, organization=organization)
    except IntegrityError:
        # Someone started it in the same instant: theirs is the report.
        return Report.objects.get(period=period, organization=organization, holder_id=holder_id)
    return report


def _stale() -> ValidationError:
    return ValidationError(
        _("Someone else saved this report after you opened it. Your text is kept below: copy what you need, "
          "reload the page and apply it again.")
    )


def report_save(*, actor, report: Report, sections: list[str], version: int, attachments=()) -> Report:
    """Store the author's section texts (sanitized) if nobody saved in between, and the files they attached
    (optional; stored only with the text, so a stale save attaches nothing)."""
    if not may_write(actor, report):
        raise PermissionDenied
    if not report.is_editable:
        raise ValidationError(_("This report has been submitted and can no longer be changed."))
    titles = [s.get("title", "") for s in report.sections]
    new_sections = [
        {"title": title, "html": sanitize(sections[i] if i < len(sections) else "")} for i, title in enumerate(titles)
    ]
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, version=version, status__in=Report.EDITABLE).update(
            sections=new_sections, version=version + 1, author=actor, updated_at=timezone.now()
        )
        if not updated:
            raise _stale()
        files = attachments_save(ReportAttachment, attachments, uploaded_by=actor, report=report)
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=report, organization=report.organization,
                     changes={"attachments": [[], [f.name for f in files]]} if files else None)
    report.sections, report.version, report.author = new_sections, version + 1, actor
    return report


def _notify(**kwargs) -> None:
    notify(**kwargs)


def _reviewers(report: Report):
    """The people who review: those who manage the requirement's organization by a grant on it."""
    return list(holders(report.period.requirement.organization, Need.MANAGE))


def report_submit(*, actor, report: Report, sections: list[str] | None = None, version: int | None = None,
                  attachments=()) -> Report:
    """Hand the report in (first time or after a return). A second submit of a report already in is harmless."""
    REPORTS.require(actor, report, "submit")
    if sections is not None and report.is_editable:
        try:
            report = report_save(actor=actor, report=report, sections=sections, version=version,
                                 attachments=attachments)
        except ValidationError:
            # A double click racing itself: the first click already handed in this very text.
            current = Report.objects.get(pk=report.pk)
            sent = [sanitize(text) for text in sections]
            if current.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED) and sent == [
                s.get("html", "") for s in current.sections
            ]:
                return current
            raise
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
            return locked  # the double click: already in, nothing more to do
        REPORTS.check(locked.status, Report.Status.SUBMITTED, via="submit")
        if all(is_blank(s.get("html", "")) for s in locked.sections):
            raise ValidationError(_("Write at least one section before submitting."))
        now = timezone.now()
        locked.status = Report.Status.SUBMITTED
        locked.submitted_at = now
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.author = actor
        locked.version += 1
        locked.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=locked, organization=locked.organization,
                     changes={"status": ["", Report.Status.SUBMITTED]})
        locked.period = report.period
        filed_on = timezone.localdate(now)
        record_work(kind="report_filed", organization=locked.organization, on=filed_on, target=locked, actor=actor,
                    users=[actor], payload={"period": str(locked.period), "late": filed_on > locked.period.due_on,
                                            "frequency": locked.period.requirement.frequency},
                    url=reverse("reports:report", args=[locked.pk]))
        title = gettext_noop("Report to review: %(requirement)s %(period)s · %(organization)s")
        url = reverse("reports:review", args=[locked.pk])
        for reviewer in _reviewers(locked):
            _notify(recipient=reviewer, kind="assigned", target=locked, title=title, url=url, actor=actor,
                    params=_period_params(locked.period) | {"organization": locked.organization.name},
                    dedup_key=f"submitted:{now:%Y%m%d%H%M%S%f}")
    return locked


def report_resubmit(*, actor, report: Report, sections: list[str] | None = None, version: int | None = None) -> Report:
    REPORTS.require(actor, report, "resubmit")
    if report.status != Report.Status.SUBMITTED:  # submitted already: the double click, harmless
        REPORTS.check(report.status, Report.Status.SUBMITTED, via="resubmit")
    return report_submit(actor=actor, report=report, sections=sections, version=version)


def _period_params(period: ReportPeriod) -> dict:
    """A report's requirement and period as notification parameters: the period is named in each reader's
    language."""
    return {"requirement": period.requirement.title,
            "period": period_message(period.requirement.frequency, period.start)}


def _tell_author(report: Report, kind: str, title: str, actor) -> None:
    """`title`: the message untranslated, with the report's requirement and period as its parameters. A reviewer
    who wrote the report themselves is not told of their own review."""
    recipient = report.author or report.holder
    if recipient is not None:
        _notify(recipient=recipient, kind=kind, target=report, title=title, params=_period_params(report.period),
                actor=actor,
                url=reverse("reports:report", args=[report.pk]),
                dedup_key=f"{kind}:{report.reviewed_at:%Y%m%d%H%M%S%f}")


def report_return(*, actor, report: Report, comment: str) -> Report:
    REPORTS.require(actor, report, "return")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be changed.")})
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status == Report.Status.RETURNED:
            return locked
        REPORTS.check(locked.status, Report.Status.RETURNED, via="return")
        locked.status, locked.review_comment = Report.Status.RETURNED, comment
        locked.reviewer, locked.reviewed_at = actor, timezone.now()
        locked.version += 1
        locked.save()
        locked.period = report.period
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=locked, organization=locked.organization,
                     changes={"status": [Report.Status.SUBMITTED, Report.Status.RETURNED]})
        _tell_author(locked, "returned", gettext_noop("Report returned: %(requirement)s %(period)s"), actor)
    return locked


def report_accept(*, actor, report: Report, comment: str = "") -> Report:
    REPORTS.require(actor, report, "accept")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status == Report.Status.ACCEPTED:
            return locked
        REPORTS.check(locked.status, Report.Status.ACCEPTED, via="accept")
        locked.status, locked.review_comment = Report.Status.ACCEPTED, (comment or "").strip()
        locked.reviewer, locked.reviewed_at = actor, timezone.now()
        locked.version += 1
        locked.save()
        locked.period = report.period
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=locked, organization=locked.organization,
                     changes={"status": [Report.Status.SUBMITTED, Report.Status.ACCEPTED]})
        record_work(kind="report_accepted", organization=locked.organization, target=locked, actor=actor,
                    on=timezone.localdate(locked.reviewed_at), users=[locked.author or locked.holder],
                    payload={"period": str(locked.period), "frequency": locked.period.requirement.frequency},
                    url=reverse("reports:report", args=[locked.pk]))
        _tell_author(locked, "accepted", gettext_noop("Report accepted: %(requirement)s %(period)s"), actor)
    return locked


@transaction.atomic
def report_attachment_remove(*, actor, attachment: ReportAttachment) -> None:
    """Remove a file from a report still being written (draft or returned): only the person who attached it.
    Removing it twice is harmless."""
    report = Report.objects.select_for_update().get(pk=attachment.report_id)
    if not may_write(actor, report) or attachment.uploaded_by_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if not report.is_editable:
        raise ValidationError(_("This report has been submitted and can no longer be changed."))
    row = ReportAttachment.objects.filter(pk=attachment.pk).first()
    if row is None:
        return
    attachment_delete(row)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=report, organization=report.organization,
                 changes={"attachments": [[attachment.name], []]})
