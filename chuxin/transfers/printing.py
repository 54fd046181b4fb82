"""The introduction letter (党员组织关系介绍信) as PDF: the stub kept by the sending side, the letter, and the return
slip, laid out by WeasyPrint with the system's CJK fonts as chuxin.meetings' minutes are."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

STYLESHEET = Path(__file__).with_name("print.css")


def letter_pdf(request, transfer) -> bytes:
    from weasyprint import CSS, HTML  # imported on use: the pages never need it

    html = render_to_string("transfers/print/letter.html", {"t": transfer, "printed": timezone.localdate()},
                            request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))])
