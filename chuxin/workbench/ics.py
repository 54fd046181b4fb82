"""A personal iCalendar feed (RFC 5545), written by hand: one all-day VEVENT per dated work item.

The rules that matter to phones: CRLF line ends (3.1), content lines folded at 75 octets with a leading space
on each continuation and never inside a UTF-8 character (3.1), TEXT values escaped for backslash, semicolon,
comma and newlines (3.3.11), DATE values for all-day events with DTEND the day after (3.6.1).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable

from chuxin.core.protocols import WorkItem

CRLF = "\r\n"
LIMIT = 75  # octets per physical line, CRLF not counted


def escape_text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into physical lines of at most 75 octets, cutting only between characters."""
    if len(line) <= LIMIT // 4 or len(line.encode("utf-8")) <= LIMIT:  # most lines: nothing to do
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
            limit = LIMIT - 1  # the continuation's leading space takes one octet
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def ics_date(day: datetime.date) -> str:
    """A DATE value (3.3.4), four-digit year whatever the year: strftime("%Y") writes year 1 as "1"."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def item_uid(item: WorkItem) -> str:
    """The provider's uid; for one without, a digest of what identifies the item, stable across fetches."""
    if item.uid:
        return item.uid
    digest = hashlib.sha256(f"{item.kind}|{item.url}".encode()).hexdigest()[:24]
    return f"{item.kind}-{digest}@chuxin"


def calendar_text(
    items: Iterable[WorkItem],
    *,
    name: str,
    absolute: Callable[[str], str],
    now: datetime.datetime,
    describe: Callable[[WorkItem], str] | None = None,
) -> str:
    """The whole VCALENDAR. `absolute` turns an item's path into a full URL; `now` (aware) is the DTSTAMP."""
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Chuxin//My workbench//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for item in items:
        if item.due is None:
            continue  # nothing to put on a day
        description = describe(item) if describe else item.state
        # The day after ends an all-day event; the last day a date can hold has no day after, and an all-day
        # event without DTEND lasts that one day (3.6.1), so a stored 9999-12-31 cannot break the whole feed.
        end = [] if item.due == datetime.date.max else [
            f"DTEND;VALUE=DATE:{ics_date(item.due + datetime.timedelta(days=1))}"]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(item_uid(item))}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{ics_date(item.due)}",
            *end,
            f"SUMMARY:{escape_text(item.title)}",
            f"URL:{absolute(item.url)}",
            f"DESCRIPTION:{escape_text(description)}",
            "TRANSP:TRANSPARENT",  # a deadline, not a meeting: it does not block the day
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
