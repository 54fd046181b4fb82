"""Reading workbooks: columns and tables declared once, bounded reading, row and column errors, all or nothing
(see __init__.py)."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from ..models import ImportJob
from .writing import unescape_text

logger = logging.getLogger(__name__)

MB = 1024 * 1024

# ---------------------------------------------------------------------------------------------------------------
# Declaring a table


@dataclass(frozen=True)
class Column:
    key: str
    title: Any  # lazy; the export's column title, so an exported file imports again
    aliases: tuple[str, ...] = ()  # other titles people write (the Chinese ones, common spellings)
    required: bool = False
    parse: Callable[[Any], Any] | None = None  # a non-empty cell -> its value; raises ValidationError. None: text
    blank: Any = ""  # the value of an empty cell in an optional column
    help: Any = ""  # the template's "what to enter"
    width: int | None = None  # the template's column width; None: from the title
    number_format: str | None = None  # the template's column format (TEXT_FORMAT, DATE_FORMAT)
    choices: Callable[[], list[str]] | None = None  # the template's drop-down list


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]
    # How this import names its rows ("members"); every message has a generic default.
    too_many_rows: Any = gettext_lazy("The file has more than %(limit)s rows. Split it into smaller files.")
    no_rows: Any = gettext_lazy("The file has a header row but no rows below it.")
    too_big: Any = gettext_lazy(
        "This workbook unpacks to more than %(limit)s MB. Copy the rows into a new workbook and upload that."
    )
    changed_meanwhile: Any = gettext_lazy(
        "The data changed while this file was being imported, so nothing was imported. Upload it again."
    )
    # The column whose cell names a row for people (a member's name), shown beside each of the row's problems.
    label_column: str = ""
    header_search_rows: int = 10  # a title line or two above the header row is tolerated
    header_search_columns: int = 100  # the header is looked for in this many columns, never the 16,384 a row may have
    min_header_matches: int = 2

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}


@dataclass(frozen=True)
class Limits:
    """What an import may cost. The part limits grow with the row limit, so raising it keeps working files in."""

    max_rows: int
    seconds: float
    max_unpacked_bytes: int = 100 * MB
    sheet_bytes_per_row: int = 2048  # a worksheet's XML; a member row takes ~800 bytes
    strings_bytes_per_row: int = 1024  # the shared strings, which openpyxl loads whole before the first row
    other_part_bytes: int = 8 * MB  # the other XML parts (styles, the workbook, relations): small in a real file
    max_ratio: int = 100  # a part over 1 MB may unpack to at most this many times its packed size
    blank_run: int = 50  # the data ends at this many blank rows in a row

    @classmethod
    def from_settings(cls, *, background: bool = False, **overrides) -> Limits:
        seconds = settings.CHUXIN_IMPORT_JOB_MAX_SECONDS if background else settings.CHUXIN_IMPORT_MAX_SECONDS
        return cls(**{"max_rows": settings.CHUXIN_IMPORT_MAX_ROWS, "seconds": seconds, **overrides})


class FileProblem(Exception):
    """A problem with the file as a whole; the import reports it and writes nothing."""

    def __init__(self, message: str, row: int = 0):
        super().__init__(message)
        self.message = message
        self.row = row


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise FileProblem(_(
                "Checking this file took more than %(seconds)s seconds, so nothing was imported. Split it into "
                "smaller files and upload them one by one."
            ) % {"seconds": int(self.seconds)})


class Progress:
    """Told how far an import has got. The background job's record listens; in a request nobody does."""

    def stage(self, stage: str, total: int = 0) -> None:
        pass

    def rows(self, done: int) -> None:
        pass


@dataclass
class RowError:
    row: int  # the Excel row number as the user sees it (the header is row 1); 0 for the file as a whole
    column: str  # the column title as written in the file; "" for problems with the whole file
    message: str
    name: str = ""  # what the row's label column says (a member's name), so a person can find the row


@dataclass
class ImportResult:
    ok: bool = False
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    total: int = 0
    error_count: int = 0  # all problems found, the listed ones and those beyond MAX_ERRORS
    # Checked, not yet written: created/updated/unchanged say what confirming it would write (run_import with
    # write=False). A check that finds nothing to write is not a preview: there is nothing to confirm.
    preview: bool = False

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        return cls(**{**data, "errors": [RowError(**error) for error in data.get("errors", [])]})

    @classmethod
    def refused(cls, message: str, row: int = 0) -> ImportResult:
        return cls(errors=[RowError(row, "", message)], error_count=1)


@dataclass
class Row:
    number: int  # the Excel row number
    values: dict[str, Any] = field(default_factory=dict)  # column key -> parsed value
    errors: dict[str, str] = field(default_factory=dict)  # column key -> message; "" for the row as a whole
    label: str = ""  # the label column's cell as text, whether or not it parsed (TableSpec.label_column)


@dataclass
class Table:
    titles: dict[str, tuple[int, str]]  # column key -> (index in the row, title as written)
    header_row: int
    rows: list[tuple[int, tuple]]  # (Excel row number, the values of the header's columns)


# ---------------------------------------------------------------------------------------------------------------
# Cells


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: 12.0 as "12", a date as 2020-01-02, an escaped export value as it was typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return unescape_text(str(value).strip()).strip()


DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)


def parse_date(value: Any) -> datetime.date | None:
    """A real Excel date, an Excel serial number, or text: 2020-01-02, 2020/1/2, 2020.01.02, 20200102, 2020年1月2日."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, datetime.time | datetime.timedelta | bool):
        raise ValidationError(_("This is not a date; write it as 2020-01-02."))
    try:
        if isinstance(value, int | float):
            if float(value).is_integer() and 10000101 <= value <= 99991231:
                digits = str(int(value))
                return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            if 1 <= value < 2958466:  # Excel's serial day numbers, for a date cell that lost its format
                return from_excel(value).date()
            raise ValueError(value)
        written = str(value).strip()
        if re.fullmatch(r"\d{8}", written):
            return datetime.date(int(written[:4]), int(written[4:6]), int(written[6:]))
        match = DATE_TEXT.fullmatch(written)
        if match is None:
            raise ValueError(written)
        return datetime.date(*(int(part) for part in match.groups()))
    except (ValueError, OverflowError, TypeError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a date; write it as 2020-01-02.") % {"value": text(value)}
        ) from exc


def normal_title(title: str) -> str:
    """Titles compare without case, spaces, required-markers (*) and hints in brackets: "出生日期（YYYY-MM-DD）"."""
    title = re.sub(r"[（(][^）)]*[）)]", "", title)
    return re.sub(r"[\s_*＊:：]+", "", title).casefold()


def normal_value(value: str) -> str:
    return re.sub(r"\s+", "", value).casefold()


def in_each_language(message) -> set[str]:
    """A lazy message in every UI language and as written in the source."""
    found = {str(message)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(message))
    with translation.override(None):
        found.add(str(message))
    return found


def choice_parser(choices, aliases: dict[str, tuple[str, ...]] | None = None) -> Callable[[Any], str]:
    """A parser for a TextChoices column: the code, the label in any UI language, or an alias, in any case."""
    lookup: dict[str, str] = {}

    def parse(value: Any) -> str:
        if not lookup:  # built on first use: labels are translated, so not at import time
            for code, label in choices.choices:
                for word in in_each_language(label) | set((aliases or {}).get(code, ())) | {code}:
                    lookup.setdefault(normal_value(word), code)
        written = text(value)
        code = lookup.get(normal_value(written))
        if code is None:
            labels = "、".join(str(label) for _code, label in choices.choices)
            raise ValidationError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": written, "allowed": labels})
        return code

    return parse


# ---------------------------------------------------------------------------------------------------------------
# Reading

ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def check_archive(upload, spec: TableSpec, limits: Limits) -> None:
    """Refuse, before anything is parsed, a workbook that would cost far more to read than its rows are worth."""
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        parts = archive.infolist()
    upload.seek(0)
    if sum(part.file_size for part in parts) > limits.max_unpacked_bytes:
        raise FileProblem(str(spec.too_big) % {"limit": limits.max_unpacked_bytes // MB})
    for part in parts:
        name = part.filename.lower()
        if name == "xl/sharedstrings.xml":
            limit = limits.strings_bytes_per_row * limits.max_rows
        elif name.startswith("xl/worksheets/"):
            limit = limits.sheet_bytes_per_row * limits.max_rows
        elif name.endswith((".xml", ".rels")):
            limit = limits.other_part_bytes
        else:
            limit = limits.max_unpacked_bytes  # a picture is never parsed; the total and the ratio still count it
        if part.file_size > limit:
            raise FileProblem(_(
                "This workbook holds far more data than %(rows)s rows take (a part of it unpacks to %(size)s MB). "
                "Copy the rows you need into a new workbook and upload that."
            ) % {"rows": limits.max_rows, "size": f"{part.file_size / MB:.1f}"})
        if part.file_size > MB and part.file_size > limits.max_ratio * max(part.compress_size, 1):
            raise FileProblem(_(
                "This workbook is packed in an unusual way: a part of it unpacks to %(ratio)s times its size. "
                "Copy the rows into a new workbook, save it as .xlsx and upload that."
            ) % {"ratio": part.file_size // max(part.compress_size, 1)})


def count_rows(upload) -> int:
    """The rows of the largest worksheet, counted in its XML without parsing it.

    Cheap (one pass of inflating, a search in C), for choosing between importing in the request and in the
    background; it counts blank rows too. Call `check_archive` first: it bounds the work. 0 for a damaged file,
    which the import itself then reports.
    """
    most = 0
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            for part in archive.infolist():
                name = part.filename.lower()
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                count, tail = 0, b""
                with archive.open(part) as stream:
                    while chunk := stream.read(MB):
                        data = tail + chunk
                        # A tag cut by the chunk's edge is found in the next round, with the tail.
                        count += len(ROW_TAG.findall(data)) - len(ROW_TAG.findall(tail))
                        tail = data[-64:]
                most = max(most, count)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return 0
    finally:
        upload.seek(0)
    return most


def background_rows(upload, spec: TableSpec, limits: Limits, *, threshold: int) -> int | None:
    """The rows to show as a job's total when the file is too big to check in a request; None when it is not.

    Too big: more than `threshold` rows (blank ones too), or a worksheet or shared strings larger than that many
    rows take, as a file padded far to the right is (openpyxl parses every cell of a row, read or not, and loads
    the shared strings whole). A file the import refuses anyway (too big, not a workbook) stays in the request,
    which says why at once.
    """
    try:
        check_archive(upload, spec, limits)
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except Exception:  # not a zip, or refused: the import in the request reports it
        return None
    finally:
        upload.seek(0)
    sheet_bytes = max((p.file_size for p in parts if p.filename.lower().startswith("xl/worksheets/")), default=0)
    strings_bytes = sum(p.file_size for p in parts if p.filename.lower() == "xl/sharedstrings.xml")
    rows = max(count_rows(upload) - 1, 0)  # less the header
    if (rows > threshold or sheet_bytes > threshold * limits.sheet_bytes_per_row
            or strings_bytes > threshold * limits.strings_bytes_per_row):
        return rows
    return None


def read_table(upload, spec: TableSpec, limits: Limits, deadline: Deadline) -> Table:
    """The first sheet with a header row: its titles and its data rows, within the limits. Raises FileProblem."""
    try:
        check_archive(upload, spec, limits)
        wb = load_workbook(upload, read_only=True, data_only=True, keep_links=False)
    except FileProblem:
        raise
    except Exception as exc:  # openpyxl lets zipfile, zlib, XML and key errors through on damaged files
        logger.info("import: unreadable workbook: %r", exc)
        raise FileProblem(_(
            "The file could not be opened as an Excel workbook. Open it in Excel, save it as .xlsx and try again."
        )) from exc
    try:
        return _read_workbook(wb, spec, limits, deadline)
    except FileProblem:
        raise
    except Exception as exc:
        logger.info("import: damaged worksheet: %r", exc)
        raise FileProblem(_(
            "Part of this workbook is damaged and could not be read. Open it in Excel, save it as .xlsx and try again."
        )) from exc
    finally:
        wb.close()


def _read_workbook(wb, spec: TableSpec, limits: Limits, deadline: Deadline) -> Table:
    lookup = header_lookup(spec)
    first_problem: FileProblem | None = None
    sheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]
    for ws in sheets:
        ws.reset_dimensions()  # some programs write a wrong <dimension>; read what is really there
        top = ws.iter_rows(max_row=spec.header_search_rows, max_col=spec.header_search_columns, values_only=True)
        found = find_header(top, lookup, spec)
        if found is None:
            continue
        header_row, titles = found
        missing = [str(c.title) for c in spec.columns if c.required and c.key not in titles]
        if missing:
            first_problem = first_problem or FileProblem(
                _("The header row lacks these required columns: %(columns)s.") % {"columns": "、".join(missing)},
                row=header_row,
            )
            continue
        width = max(index for index, _title in titles.values()) + 1
        # Only the header's columns: a row padded out to column XFD costs no more than any other.
        rows = ws.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
        return Table(titles, header_row, _data_rows(rows, header_row, spec, limits, deadline))
    if first_problem is not None:
        raise first_problem
    if not sheets:
        raise FileProblem(_("The workbook has no worksheet."))
    raise FileProblem(_(
        "No header row was found. Row 1 of the first sheet must hold the column titles; download the template."
    ), row=1)


def header_lookup(spec: TableSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for title in in_each_language(column.title) | set(column.aliases) | {column.key}:
            lookup.setdefault(normal_title(title), column.key)
    return lookup


def find_header(rows: Iterator[tuple], lookup: dict[str, str],
                spec: TableSpec) -> tuple[int, dict[str, tuple[int, str]]] | None:
    """The first row among the top few that names enough known columns (a title line above is skipped)."""
    for number, values in enumerate(rows, start=1):
        if number > spec.header_search_rows:
            return None
        titles: dict[str, tuple[int, str]] = {}
        for index, value in enumerate(values):
            if value is None:
                continue
            key = lookup.get(normal_title(str(value)))
            if key is not None and key not in titles:  # a repeated column: the first one counts
                titles[key] = (index, str(value).strip())
        if len(titles) >= spec.min_header_matches:
            return number, titles
    return None


def _data_rows(rows: Iterator[tuple], header_row: int, spec: TableSpec, limits: Limits,
               deadline: Deadline) -> list[tuple[int, tuple]]:
    data: list[tuple[int, tuple]] = []
    blank_run = 0
    for number, values in enumerate(rows, start=header_row + 1):
        deadline.check()
        if all(is_blank(value) for value in values):
            blank_run += 1
            if blank_run >= limits.blank_run:
                break  # the data has ended; the rest may be formatting down to row 1,048,576
            continue
        blank_run = 0
        if number - header_row > limits.max_rows:  # the blank rows in between count too
            raise FileProblem(str(spec.too_many_rows) % {"limit": limits.max_rows})
        data.append((number, tuple(values)))
    if not data:
        raise FileProblem(str(spec.no_rows))
    return data


def parse_row(spec: TableSpec, titles: dict[str, tuple[int, str]], number: int, raw: tuple,
              row_class: type[Row] = Row) -> Row:
    """Every cell of one row through its column's parser; an empty required cell is an error of its own."""
    row = row_class(number=number)
    for key, (index, _title) in titles.items():
        column = spec.by_key[key]
        value = raw[index] if index < len(raw) else None
        if key == spec.label_column and not is_blank(value):
            row.label = text(value)[:100]
        if is_blank(value):
            if column.required:
                row.errors[key] = _("This cell must be filled in.")
            else:
                row.values[key] = column.blank
            continue
        try:
            row.values[key] = column.parse(value) if column.parse else text(value)
        except ValidationError as error:
            row.errors[key] = error.messages[0]
    return row


def row_errors(rows: Iterable[Row], spec: TableSpec, titles: dict[str, tuple[int, str]]) -> list[RowError]:
    """Every problem, row by row and left to right, under the column's title as the file writes it."""

    def position(key: str) -> int:
        return titles[key][0] if key in titles else len(spec.columns) + 1000

    def title(key: str) -> str:
        if key in titles:
            return titles[key][1]
        return str(spec.by_key[key].title) if key in spec.by_key else ""

    return [
        RowError(row.number, title(key), message, row.label)
        for row in rows
        for key, message in sorted(row.errors.items(), key=lambda item: position(item[0]))
    ]


# ---------------------------------------------------------------------------------------------------------------
# All or nothing

MAX_ERRORS = 500  # a page listing more helps nobody; the count of the rest is still given


class RowChecker(Protocol):
    """What one import adds to the generic reading."""

    def check(self, rows: list[Row], deadline: Deadline, progress: Progress) -> None:
        """Check the rows against each other and the database, adding to each row's errors."""

    def counts(self) -> tuple[int, int, int]:
        """What `write` would write, once the rows are checked: (created, updated, unchanged)."""

    def write(self) -> tuple[int, int, int]:
        """Write the checked rows, inside the import's transaction: (created, updated, unchanged)."""


def run_import(*, upload, spec: TableSpec, limits: Limits, checker: Callable[[dict], RowChecker],
               row_class: type[Row] = Row, progress: Progress | None = None, write: bool = True) -> ImportResult:
    """Read, check every row, and write all of it or nothing. Never raises for a bad file.

    `checker` makes the import's RowChecker from the titles found ({column key: (index, title)}). With
    `write=False` nothing is written: a file without problems comes back as a preview of what confirming it
    would write ("2 new, 1 changed"), to be imported again with `write=True` once its uploader confirms.
    """
    progress = progress or Progress()
    deadline = Deadline(limits.seconds)
    result = ImportResult()
    try:
        progress.stage(ImportJob.Stage.READING)
        table = read_table(upload, spec, limits, deadline)
        result.total = len(table.rows)
        progress.stage(ImportJob.Stage.CHECKING, total=result.total)
        rows = []
        for number, raw in table.rows:
            deadline.check()
            rows.append(parse_row(spec, table.titles, number, raw, row_class))
        rules = checker(table.titles)
        rules.check(rows, deadline, progress)
    except FileProblem as problem:
        return ImportResult.refused(problem.message, problem.row)

    errors = row_errors(rows, spec, table.titles)
    if errors:
        result.error_count = len(errors)
        result.errors = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            result.errors.append(RowError(0, "", _(
                "%(count)s problems in all; the first %(shown)s are listed. Fix them and upload the file again."
            ) % {"count": len(errors), "shown": MAX_ERRORS}))
        return result

    if not write:
        result.created, result.updated, result.unchanged = rules.counts()
        result.ok, result.preview = True, bool(result.created or result.updated)
        return result
    progress.stage(ImportJob.Stage.WRITING, total=result.total)
    try:
        with transaction.atomic():
            result.created, result.updated, result.unchanged = rules.write()
    except IntegrityError:
        # Someone else wrote one of these rows between the check and the write.
        logger.info("import lost a race on a unique value", exc_info=True)
        result.errors, result.error_count = [RowError(0, "", str(spec.changed_meanwhile))], 1
        return result
    result.ok = True
    return result
