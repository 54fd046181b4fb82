"""Restoring an article pasted or saved from the web, and finding its parts.

Copies of Party-building articles scraped from the web arrive damaged in four ways, repaired here in this order:
1. spam: a line of keyword spam (and a lone "?") above the title;
2. pinyin: tone-marked pinyin in brackets after some characters, "參(cān)與(yǔ)";
3. split GBK: a page that re-encoded the text lost the first byte of a full stop "。" (GBK A1 A3) and decoded the
   rest one byte out of step, so "。本文結合" reads "?1疚慕Y合": the full-width first character shown as its
   half-width twin, then mojibake until an ASCII byte brings the decoder back in step. The exact bytes are
   recovered by encoding the run back (the first character as its full-width form) behind the lost A1 and
   decoding again; the shortest run that decodes cleanly to "。" and Chinese characters is the repair;
4. traditional characters: converted to simplified Chinese with OpenCC's Taiwan-standard rules (tw2s, so that
   著 becomes 着 where it should and stays in 著作).
Already clean text passes through unchanged (a property test in tests/test_restore.py).

The restored text keeps the page's lines. `structure` then reads the article's parts from it: title, date,
authors, source (journal and issue), abstract, keywords, sections (headings and paragraphs), references and the
author's biography; a "related links" footer (猜你喜欢, 相关阅读 …) is left out of the article.

Every change is listed (`Restoration.changes`) so the import page can show the worker what was done before the
article is published.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Change:
    kind: str  # spam, pinyin, gbk, traditional, footer, blank
    before: str
    after: str
    line: int  # 1-based, in the text as given


@dataclass
class Restoration:
    text: str
    article: dict
    changes: list[Change] = field(default_factory=list)

    def changes_as_json(self) -> list[dict]:
        return [asdict(change) for change in self.changes]


# ---------------------------------------------------------------------------------------------------------------
# Characters
# ---------------------------------------------------------------------------------------------------------------

def _is_han(ch: str) -> bool:
    code = ord(ch)
    return (0x3400 <= code <= 0x9FFF) or (0xF900 <= code <= 0xFAFF) or (0x20000 <= code <= 0x3134F)


_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# One pinyin syllable with a tone mark, in ASCII or full-width brackets, right after a Chinese character.
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]([a-zü" + _TONE_VOWELS + r"]{1,7})[)）]")

def _drop_marked_pinyin(match: re.Match) -> str:
    """Drop "(cān)"; keep "(abc)" and "(de)": without a tone mark it may be the author's own text."""
    return "" if any(ch in _TONE_VOWELS for ch in match.group(1)) else match.group(0)


_SPAM_WORDS = ("在线观看", "免费", "高清", "视频", "电影", "影视", "无码", "一区二区", "彩票", "娱乐城", "棋牌",
               "线上赌", "在线播放", "av", "成人", "下载地址")
_FOOTER = re.compile(r"^\s*[【\[]?(猜你喜欢|猜你喜歡|相关链接|相關鏈接|相关阅读|相關閱讀|相关文章|相關文章|相关推荐|"
                     r"相關推薦|延伸阅读|延伸閱讀|热门推荐|熱門推薦)[】\]]?\s*[:：]?\s*$")


def _is_spam(line: str) -> bool:
    stripped = line.strip()
    if stripped in {"?", "？", "??", "\ufffd"}:
        return True
    hits = sum(word in stripped.lower() for word in _SPAM_WORDS)
    return hits >= 2 or (hits >= 1 and stripped.count("_") >= 3)


@functools.cache
def _converter():
    import opencc  # loaded on first use: the dictionaries take a moment and most requests never convert

    return opencc.OpenCC("tw2s")


def _to_simplified(text: str) -> str:
    """The line in simplified characters, if it is written in traditional ones; otherwise the line as it is.

    Some characters are at home in both scripts (著 in 著作, 乾 in 乾坤, 瞭 in 瞭望): converting a simplified line
    would turn 显著 into 显着. So a line is converted only when it holds a character that simplified Chinese does
    not use (outside GB 2312, the simplified character set) and that the conversion changes; OpenCC then reads the
    whole line with its phrases, so 隨著 still becomes 随着.
    """
    if any(ord(ch) >= 0x3400 and _traditional_only(ch) for ch in text):
        return _converter().convert(text)
    return text


@functools.lru_cache(maxsize=16384)
def _traditional_only(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return _converter().convert(ch) != ch
    return False


# ---------------------------------------------------------------------------------------------------------------
# The split GBK run
# ---------------------------------------------------------------------------------------------------------------

def _first_bytes(ch: str) -> bytes | None:
    """The two GBK bytes the shifted decoder read as the run's first character (A3 xx: a full-width form)."""
    code = ord(ch)
    if code < 0x80:
        return bytes([0xA3, code + 0x80])
    if 0xFF01 <= code <= 0xFF5E:
        return bytes([0xA3, code - 0xFF01 + 0xA1])
    return None


def _repair_run(run: str) -> tuple[int, str] | None:
    """(characters of `run` consumed, the repaired text) for the text after a "?", or None if it is no split run."""
    first = _first_bytes(run[0]) if run else None
    if first is None:
        return None
    data = b"\xa1" + first
    for k in range(1, min(len(run), 24) + 1):
        if k > 1:
            try:
                data += run[k - 1].encode("gb18030")
            except UnicodeEncodeError:
                return None
        try:
            decoded = data.decode("gbk")
        except UnicodeDecodeError:
            continue
        if decoded.startswith("。") and len(decoded) > 1 and all(_is_han(ch) for ch in decoded[1:]):
            return k, decoded
        if k > 1 and ord(run[k - 1]) < 0x80:
            # The decoder is back in step at an ASCII byte; a run that did not decode by now is not one.
            return None
    return None


def _repair_gbk(line: str) -> tuple[str, list[tuple[str, str]]]:
    out, repairs, i = [], [], 0
    while i < len(line):
        ch = line[i]
        if ch == "?" and i > 0 and _is_han(line[i - 1]):
            found = _repair_run(line[i + 1:])
            if found:
                consumed, repaired = found
                before = line[i:i + 1 + consumed]
                out.append(repaired)
                repairs.append((before, repaired))
                i += 1 + consumed
                continue
        out.append(ch)
        i += 1
    return "".join(out), repairs


# ---------------------------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------------------------

def _restore_lines(text: str) -> tuple[list[str], list[Change]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    changes: list[Change] = []
    kept: list[tuple[int, str]] = []
    in_head = True  # spam sits above the title: once the article has begun, lines are its own
    for number, line in enumerate(lines, 1):
        if in_head and line.strip():
            if _is_spam(line):
                changes.append(Change("spam", line, "", number))
                continue
            in_head = False
        kept.append((number, line))

    restored: list[str] = []
    for number, line in kept:
        current = line
        without_pinyin = _PINYIN.sub(_drop_marked_pinyin, current)
        if without_pinyin != current:
            changes.append(Change("pinyin", current, without_pinyin, number))
            current = without_pinyin
        repaired, repairs = _repair_gbk(current)
        for before, after in repairs:
            changes.append(Change("gbk", before, after, number))
        current = repaired
        # A run's last character may carry pinyin too ("Y(jié)" was 結(jié)): visible only once repaired.
        without_pinyin = _PINYIN.sub(_drop_marked_pinyin, current)
        if without_pinyin != current:
            changes.append(Change("pinyin", current, without_pinyin, number))
            current = without_pinyin
        simplified = _to_simplified(current)
        if simplified != current:
            changes.append(Change("traditional", current, simplified, number))
            current = simplified
        restored.append(current.rstrip())

    # Blank lines: none before the title, none left at the end, runs of blank lines as one.
    tidy: list[str] = []
    for line in restored:
        if not line.strip():
            if tidy and tidy[-1] != "":
                tidy.append("")
            continue
        tidy.append(line)
    while tidy and tidy[-1] == "":
        tidy.pop()
    return tidy, changes


# ---------------------------------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?")
_ISSUE = re.compile(r"\d{4}\s*年\s*(?:第\s*)?\d+\s*期|\d{4}\s*,\s*\d+\s*\(\d+\)|第\s*\d+\s*期")
_ABSTRACT = re.compile(r"^\s*(?:【\s*摘\s*要\s*】|\[\s*摘\s*要\s*\]|摘\s*要\s*[:：])\s*(.*)$")
_KEYWORDS = re.compile(r"^\s*(?:【\s*关键词\s*】|\[\s*关键词\s*\]|关键词\s*[:：]|关键字\s*[:：])\s*(.*)$")
_KEYWORD_SEPARATORS = re.compile(r"[;；、,，\s]+")
_SOURCE_LABEL = re.compile(r"来源\s*[:：]\s*")
_AUTHOR_LABEL = re.compile(r"作者\s*[:：]\s*")
_REFERENCES = re.compile(r"^\s*[【\[]?\s*参考文献\s*[】\]]?\s*[:：]?\s*$")
_BIO = re.compile(r"^\s*[【\[]?\s*作者简介\s*[】\]]?\s*[:：]?\s*(.*)$")
_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\s+\S|[一二三四五六七八九十百]+\s*、|[（(]\s*[一二三四五六七八九十]+\s*[)）])")
_SENTENCE_END = "。！？!?；;…"


def _iso(match: re.Match) -> str | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def _names(text: str) -> list[str]:
    return [name for name in re.split(r"[\s,，、;；]+", text.strip()) if name]


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return bool(_HEADING.match(stripped)) and len(stripped) <= 40 and stripped[-1] not in _SENTENCE_END


def _read_meta(line: str, article: dict) -> bool:
    """Take what a header line says into `article`; False when the line is not a header line."""
    stripped = line.strip()
    if match := _ABSTRACT.match(stripped):
        article["abstract"] = match.group(1).strip() or None
        return True
    if match := _KEYWORDS.match(stripped):
        words = [word for word in _KEYWORD_SEPARATORS.split(match.group(1)) if word]
        # A page's own keyword tag runs the words together ("关键词:三会一课组织生活"); the article's separated
        # list wins over it, whichever comes first.
        if len(words) > 1 or not article["keywords"]:
            article["keywords"] = words
        return True
    date_match = _DATE.match(stripped)
    labelled = _SOURCE_LABEL.search(stripped) or _AUTHOR_LABEL.search(stripped)
    if date_match or labelled:
        if len(stripped) > 80:
            return False
        rest = stripped
        if date_match:
            article["published"] = article["published"] or _iso(date_match)
            rest = rest[date_match.end():]
            if time_match := _TIME.match(rest):
                rest = rest[time_match.end():]
        if labelled:
            source = _SOURCE_LABEL.search(rest)
            author = _AUTHOR_LABEL.search(rest)
            if source:
                end = author.start() if author and author.start() > source.end() else len(rest)
                article["source"] = rest[source.end():end].strip() or article["source"]
            if author:
                end = source.start() if source and source.start() > author.end() else len(rest)
                article["authors"] = _names(rest[author.end():end]) or article["authors"]
        elif rest.strip():
            article["authors"] = _names(rest) or article["authors"]
        return True
    if _ISSUE.search(stripped) and len(stripped) <= 40 and stripped[-1] not in _SENTENCE_END:
        article["source"] = stripped
        return True
    return False


def structure(lines: list[str]) -> dict:
    article = {"title": None, "published": None, "authors": [], "source": None, "abstract": None, "keywords": [],
               "sections": [], "references": [], "author_bio": None}
    content = [line for line in lines]
    # The footer of related links and everything after it is the page's, not the article's.
    for index, line in enumerate(content):
        if _FOOTER.match(line):
            content = content[:index]
            break
    position = 0
    while position < len(content) and not content[position].strip():
        position += 1
    if position == len(content):
        return article
    article["title"] = content[position].strip()
    position += 1

    # The header: date, authors, source, abstract and keywords, until the first line of the body.
    while position < len(content):
        line = content[position]
        if line.strip() and not _read_meta(line, article):
            break
        position += 1

    mode = "body"
    section: dict | None = None
    for line in content[position:]:
        stripped = line.strip()
        if not stripped:
            continue
        if _REFERENCES.match(stripped):
            mode = "references"
            continue
        if bio := _BIO.match(stripped):
            mode = "bio"
            if bio.group(1).strip():
                article["author_bio"] = bio.group(1).strip()
            continue
        if mode == "references":
            article["references"].append(stripped)
        elif mode == "bio":
            article["author_bio"] = f"{article['author_bio']}{stripped}" if article["author_bio"] else stripped
        elif mode == "body" and _read_meta_late(stripped, article):
            continue
        elif _is_heading(stripped):
            section = {"heading": stripped, "paragraphs": []}
            article["sections"].append(section)
        else:
            if section is None:
                section = {"heading": None, "paragraphs": []}
                article["sections"].append(section)
            section["paragraphs"].append(stripped)
    return article


def _read_meta_late(line: str, article: dict) -> bool:
    """An abstract or keywords line that comes after the first paragraph still belongs to the header."""
    if _ABSTRACT.match(line) or _KEYWORDS.match(line):
        return _read_meta(line, article)
    return False


def restore(text: str) -> Restoration:
    lines, changes = _restore_lines(text)
    article = structure(lines)
    for number, line in enumerate(lines, 1):
        if _FOOTER.match(line):
            changes.append(Change("footer", "\n".join(lines[number - 1:]), "", number))
            break
    return Restoration(text="\n".join(lines) + "\n" if lines else "", article=article, changes=changes)


# ---------------------------------------------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------------------------------------------

class _TextOfPage(HTMLParser):
    """The readable text of a saved page: blocks on their own lines; scripts, styles and the head left out."""

    SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "head", "object", "canvas", "select"}
    BLOCK = {"p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote", "pre",
             "header", "footer", "aside", "nav", "ul", "ol", "table", "dd", "dt", "figure", "figcaption", "main"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n\f\v]+", " ", data))

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = [line.strip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.I)


def _decode(data: bytes, declared: str | None = None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    encodings = ["utf-8", "gb18030"]
    if declared:
        encodings.insert(0, declared)
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if "\x00" in text:
            break
        return text
    raise ValidationError(_("This file is not readable text: save it as UTF-8 or GBK text, or paste the text."),
                          code="encoding")


def read_upload(data: bytes, filename: str) -> str:
    """The text of an uploaded .txt or saved .html page, or a ValidationError that says what is wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
                              code="size")
    name = (filename or "").lower()
    if name.endswith((".html", ".htm")):
        declared = _CHARSET.search(data[:4096])
        page = _TextOfPage()
        page.feed(_decode(data, declared.group(1).decode("ascii") if declared else None))
        page.close()
        return page.text()
    if name.endswith(".txt"):
        return unicodedata.normalize("NFC", _decode(data))
    raise ValidationError(_("Only .txt files and saved web pages (.html) can be imported."), code="type")
