"""Writing workbooks: the one safe cell writer every export uses, sheets with widths and a frozen header, and the
template of an import, written from the same column declarations the import reads (see __init__.py)."""

from __future__ import annotations

import datetime
import decimal
import io
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..validators import FORMULA_PREFIXES

if TYPE_CHECKING:
    from .reading import TableSpec

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"  # a column typed as text: Excel keeps all 18 digits of an ID number and leading zeros
MAX_CELL_TEXT = 32767  # what a cell holds; a longer one makes Excel "repair" the file
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl refuses these (IllegalCharacterError)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="C8161D")  # the house red; in a template, a required column
OPTIONAL_FILL = PatternFill("solid", fgColor="6C757D")  # in a template, an optional column
TITLE_FONT = Font(bold=True, size=13)


def escape_text(text: str) -> str:
    """Text that no spreadsheet program runs as a formula: a leading apostrophe where one could (OWASP)."""
    text = _NOT_IN_XML.sub("", text)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text[:MAX_CELL_TEXT]


def unescape_text(text: str) -> str:
    """Undo `escape_text` on a value read back from an export, so an exported file imports unchanged."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def safe_cell(ws, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
              number_format: str | None = None) -> Cell | None:
    """One cell for `ws.append`, on a write-only sheet or an ordinary one. The only way exports write values."""
    if value is None or value == "":
        if font is None and fill is None:
            return None
        value = None
    if isinstance(value, bool | int | float | decimal.Decimal) and not (
        isinstance(value, float | decimal.Decimal) and not math.isfinite(value)
    ):
        cell = WriteOnlyCell(ws, value=value)
    elif isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
    elif value is None:
        cell = WriteOnlyCell(ws)
    else:
        cell = WriteOnlyCell(ws, value=escape_text(str(value)))
        cell.data_type = "s"  # never "f" (a formula) nor "e" (an error value), whatever the text
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def write_row(ws, values: Iterable[Any], *, font: Font | None = None, fill: PatternFill | None = None) -> None:
    ws.append([safe_cell(ws, value, font=font, fill=fill) for value in values])


def display_width(text: str) -> int:
    """Columns a text takes in Excel's default font: a Chinese character takes two."""
    return sum(2 if ord(char) >= 0x2E80 else 1 for char in text)


def start_sheet(ws, titles: Sequence[Any], *, widths: Sequence[int | None] = (), fills: Sequence[PatternFill] = (),
                above: Sequence[Sequence[Any]] = ()) -> None:
    """Column widths, rows above the header (a title line), the styled header row, frozen below it.

    Call it before writing any other row: a write-only sheet takes widths and panes only before its first row.
    """
    for index, title in enumerate(titles):
        width = widths[index] if index < len(widths) and widths[index] else None
        ws.column_dimensions[get_column_letter(index + 1)].width = width or min(max(12, display_width(str(title)) + 4),
                                                                                 60)
    ws.freeze_panes = f"A{len(above) + 2}"
    for row in above:
        write_row(ws, row, font=TITLE_FONT)
    ws.append([
        safe_cell(ws, str(title), font=HEADER_FONT, fill=fills[index] if index < len(fills) else HEADER_FILL)
        for index, title in enumerate(titles)
    ])


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: none of []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"


# ---------------------------------------------------------------------------------------------------------------
# Templates


def template_workbook(spec: TableSpec, *, title: str, instructions: Sequence[str], example: Sequence[Any],
                      data_rows: int) -> bytes:
    """An empty sheet to fill in (styled, frozen header; text and date formats; drop-down lists) and a sheet of
    instructions: what the columns take, an example row and the allowed values."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    guide = wb.create_sheet(sheet_title(_("Instructions")))
    columns = spec.columns

    ws.append([
        safe_cell(ws, str(c.title), font=HEADER_FONT, fill=HEADER_FILL if c.required else OPTIONAL_FILL)
        for c in columns
    ])
    for index, column in enumerate(columns, start=1):
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = column.width or max(12, len(str(column.title)) + 4)
        if column.number_format:
            dimension.number_format = column.number_format
    ws.freeze_panes = "A2"

    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 12
    guide.column_dimensions["C"].width = 80
    write_row(guide, [_("How to fill in this template")], font=Font(bold=True, size=14))
    for line in instructions:
        write_row(guide, [line])
    guide.append([])
    write_row(guide, [_("Column"), _("Required"), _("What to enter")], font=Font(bold=True))
    for column in columns:
        write_row(guide, [str(column.title), _("yes") if column.required else "", str(column.help)])
    guide.append([])
    write_row(guide, [_("Example")], font=Font(bold=True))
    write_row(guide, [str(c.title) for c in columns])
    guide.append([
        safe_cell(guide, value, number_format=None if isinstance(value, datetime.date) else TEXT_FORMAT)
        for value in example
    ])
    guide.append([])

    # The allowed values, one list per column, which the drop-downs on the first sheet point at.
    lists = [(index, column) for index, column in enumerate(columns, start=1) if column.choices]
    top = guide.max_row + 1
    guide.cell(row=top, column=1, value=_("Allowed values")).font = Font(bold=True)
    for offset, (index, column) in enumerate(lists, start=1):
        values = column.choices()
        guide.cell(row=top + 1, column=offset, value=escape_text(str(column.title))).font = Font(bold=True)
        for i, value in enumerate(values):
            guide.cell(row=top + 2 + i, column=offset, value=escape_text(value))
        letter = get_column_letter(offset)
        source = f"{quote_sheetname(guide.title)}!${letter}${top + 2}:${letter}${top + 1 + len(values)}"
        # A warning, not a stop: the import also takes the other languages' words and the codes.
        validation = DataValidation(
            type="list", formula1=source, allow_blank=True, showErrorMessage=True, errorStyle="warning",
            error=_("Pick a value from the list."),
        )
        target = get_column_letter(index)
        validation.add(f"{target}2:{target}{data_rows + 1}")
        ws.add_data_validation(validation)
    for row in guide.iter_rows(min_row=2, max_row=top - 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
    return workbook_bytes(wb)
