"""Rich text people write (reports, minutes, notices, articles): plain text with line breaks or simple HTML,
always sanitized before it is stored."""

from __future__ import annotations

import re
from html import escape, unescape

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote"}
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_BLOCK = re.compile(r"<\s*/?\s*(p|br|ul|ol|li|h3|h4|blockquote|div)\b", re.IGNORECASE)


def sanitize(text: str) -> str:
    """Safe HTML from what the author typed. Plain text keeps its paragraphs and line breaks; HTML keeps only
    ALLOWED_TAGS, no attributes at all, and loses scripts and styles with their content."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    if not _BLOCK.search(text):
        # Typed as text (perhaps with a <strong> here and there): paragraphs and line breaks become HTML.
        if not _TAG.search(text):
            text = escape(text)
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join("<p>" + p.strip().replace("\n", "<br>") + "</p>" for p in paragraphs)
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes={}, strip_comments=True, link_rel=None).strip()


_SIMPLE = re.compile(r"^(?:<p>(?:(?!</?p>).)*</p>)*$", re.DOTALL)
_OTHER_TAG = re.compile(r"<(?!/?p>|br>)[^>]*>")


def to_editable(html: str) -> str:
    """What goes back into the textarea. Paragraphs and line breaks only: plain text again, so the author never
    sees markup they did not type (and `sanitize` turns it back into the same HTML). Anything richer: as is."""
    html = html or ""
    if not _SIMPLE.match(html) or _OTHER_TAG.search(html):
        return html
    paragraphs = [p[len("<p>"):-len("</p>")] for p in re.findall(r"<p>.*?</p>", html, re.DOTALL)]
    return "\n\n".join(unescape(p.replace("<br>", "\n")) for p in paragraphs)


def is_blank(html: str) -> bool:
    return not nh3.clean(html or "", tags=set()).strip()
