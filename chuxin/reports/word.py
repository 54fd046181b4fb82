"""A report as a Word document (.docx), for filing and printing where paper is still the record.

The sections' text is the sanitized HTML the author wrote (chuxin.core.richtext: p br strong em ul ol li h3 h4
blockquote, no attributes), read tag by tag into Word paragraphs: bold and italic runs, bulleted and numbered
lists, headings, quotations. Chinese text is set in 仿宋 (headings in 宋体) on the East Asian runs, which is
where Word takes the font of Chinese characters from.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from .models import Report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"
HEADING_FONT = "宋体"
BLACK = RGBColor(0, 0, 0)


def _east_asian(target, name: str) -> None:
    """Set the font on a run or a style, the East Asian slot included (Word's `w:eastAsia`)."""
    target.font.name = name
    target._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _styles(document) -> None:
    styles = document.styles
    _east_asian(styles["Normal"], BODY_FONT)
    styles["Normal"].font.size = Pt(14)  # 四号, the size of official documents' body text
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = styles[name]
        _east_asian(style, HEADING_FONT)
        style.font.color.rgb = BLACK
    for name in ("List Bullet", "List Number", "List Bullet 2", "List Number 2", "Quote"):
        _east_asian(styles[name], BODY_FONT)


class _Writer(HTMLParser):
    """Sanitized HTML into the document, one block at a time."""

    BLOCK_STYLES = {"h3": "Heading 2", "h4": "Heading 3"}

    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph = None
        self.bold = self.italic = 0
        self.lists: list[str] = []
        self.quote = 0

    def _new(self, style: str | None = None):
        self.paragraph = self.document.add_paragraph(style=style)
        return self.paragraph

    def _list_style(self) -> str:
        kind = "List Number" if self.lists[-1] == "ol" else "List Bullet"
        return kind + (" 2" if len(self.lists) > 1 else "")

    def handle_starttag(self, tag, attrs):
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self.paragraph = None
        elif tag == "li":
            self._new(self._list_style() if self.lists else None)
        elif tag == "blockquote":
            self.quote += 1
            self.paragraph = None
        elif tag in self.BLOCK_STYLES:
            self._new(self.BLOCK_STYLES[tag])
        elif tag == "p":
            # A paragraph inside a list item continues the item's own paragraph while it is still empty.
            if not (self.paragraph is not None and self.lists and not self.paragraph.text):
                self._new("Quote" if self.quote else None)
        elif tag == "br":
            if self.paragraph is None:
                self._new("Quote" if self.quote else None)
            self.paragraph.add_run().add_break()

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.paragraph = None
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.paragraph = None
        elif tag in ("p", "li", *self.BLOCK_STYLES):
            self.paragraph = None

    def handle_data(self, data):
        if self.paragraph is None:
            if not data.strip():
                return  # whitespace between blocks
            self._new("Quote" if self.quote else None)
        run = self.paragraph.add_run(data)
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        _east_asian(run, BODY_FONT)


def write_html(document, html: str) -> None:
    writer = _Writer(document)
    writer.feed(html or "")
    writer.close()


def _day(value) -> str:
    return date_format(value, "Y-m-d") if value else "—"


def report_docx(report: Report) -> bytes:
    """The report as the page shows it: title, organization, period in words, author and dates, then each section
    with its text. `report` comes from the reports selectors (period, requirement and people joined)."""
    period = report.period
    document = Document()
    _styles(document)
    title = document.add_heading(f"{period.requirement.title}（{period.label}）", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        _east_asian(run, HEADING_FONT)
    reporter = report.organization.name + (f" · {report.holder}" if report.holder_id else "")
    lines = [
        (_("Reporting organization"), reporter),
        (_("Period"), str(period.label)),
        (_("Author"), str(report.author or "—")),
        (_("Due on"), _day(period.due_on)),
        (_("Submitted"), _day(report.submitted_at)),
        (_("Status"), report.get_status_display()),
    ]
    for label, value in lines:
        paragraph = document.add_paragraph()
        label_run = paragraph.add_run(label + _(": "))
        label_run.bold = True
        _east_asian(label_run, BODY_FONT)
        _east_asian(paragraph.add_run(value), BODY_FONT)
    for index, section in enumerate(report.sections, start=1):
        heading = document.add_heading(f"{index}. {section.get('title', '')}", level=1)
        for run in heading.runs:
            _east_asian(run, HEADING_FONT)
        write_html(document, section.get("html", ""))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
