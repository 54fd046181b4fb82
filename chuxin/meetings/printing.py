"""PDFs inspectors read, from the same HTML templates as the pages' print views: the minutes of one meeting and a
branch's year as one record book (组织生活记录本) with a table of contents (page numbers by CSS target-counter).

WeasyPrint lays them out with the system's fonts: Debian's Noto CJK (fonts-noto-cjk) renders the Chinese; the
make targets install it, with pango, on a fresh machine (see the Makefile's chromium target).
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors

STYLESHEET = Path(__file__).with_name("print.css")  # not a page's: the Content-Security-Policy allows no inline style


def _pdf(html: str, base_url: str) -> bytes:
    from weasyprint import CSS, HTML  # imported on use: the pages never need it

    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def _meeting_context(meeting) -> dict:
    rows = selectors.attendance_rows(meeting)
    return {"meeting": meeting, "rows": rows, "tally": selectors.tally(rows),
            "resolutions": list(meeting.resolutions.all()),
            "revisions": list(meeting.revisions.select_related("amended_by")),
            "attachments": selectors.meeting_attachments(meeting),
            "criticisms": list(meeting.criticisms.select_related("member")) if meeting.kind == "life" else [],
            "rectifications": list(meeting.rectifications.all()) if meeting.kind == "life" else []}


def minutes_pdf(request, meeting) -> bytes:
    html = render_to_string("meetings/print/minutes.html", {"m": _meeting_context(meeting),
                                                              "printed": timezone.localdate()}, request=request)
    return _pdf(html, request.build_absolute_uri("/"))


def record_book_pdf(request, organization, year: int, meetings: list) -> bytes:
    html = render_to_string("meetings/print/record_book.html", {
        "organization": organization, "year": year, "printed": timezone.localdate(),
        "entries": [_meeting_context(m) for m in meetings]}, request=request)
    return _pdf(html, request.build_absolute_uri("/"))
