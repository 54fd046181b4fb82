"""Spreadsheets in and out: the one place that writes exported workbooks and reads uploaded ones.

writing.py: the safe cell writer, sheets and templates; reading.py: declaring, reading and checking an import,
all or nothing; jobs.py: imports run by the background worker. Everything is imported from this package.

Writing. Every export, present and future, writes its cells through `safe_cell` / `write_row`:
- text is written as text. A value a spreadsheet program would run as a formula (starting with =, +, -, @, a tab
  or a carriage return: OWASP's "CSV injection") gets a leading apostrophe, and the cell is typed "s" by hand,
  so openpyxl never stores a formula (it would for any string starting with "=") nor an error value ("#N/A");
  characters XML cannot hold are dropped and text is cut at the 32,767 characters a cell holds;
- dates and times are real dates with a number format; numbers are numbers;
- `start_sheet` gives the columns their widths, styles the header row and freezes it.
`template_workbook` writes an import's template from the same column declarations the import reads.

Reading (imports). An import declares its columns (`Column`: key, title, header aliases, parser, required) in a
`TableSpec`; `run_import` does the rest and is all or nothing:
1. `check_archive` bounds the work before anything is parsed: the unpacked size of the whole file and of each
   part (a worksheet, the shared strings that openpyxl loads whole, anything else), and the ratio of unpacked to
   packed size (a zip bomb). zipfile never inflates a part beyond its declared size, so these bounds hold;
2. `read_table` opens the workbook with openpyxl's streaming reader, finds the header row among the first rows
   (titles matched in every UI language, by alias and without spaces or hints in brackets), then reads only the
   header's columns (`max_col`), stops at a run of blank rows, counts blank rows between data rows against the
   row limit, and checks a deadline on every row;
3. every cell is parsed by its column; the import's `RowChecker` checks the rows against each other and the
   database, then every problem is reported with its Excel row number and the column title as written;
4. only a file without a single problem is written, by the checker, in one transaction, and only once the
   uploader has seen what it would write ("2 new, 1 changed") and confirmed: `run_import(write=False)` checks and
   counts; the upload waits on an ImportJob (`import_job_hold`) until `import_job_confirm` writes it.
An import too big for a request runs as a background job (`ImportJob`, `import_job_start`, `import_job_run`),
whose page shows its progress, then the same preview to confirm, then the same result. Checked uploads never
confirmed are deleted by the daily housekeeping (`import_previews_expire`).
"""

from .jobs import (  # noqa: F401
    JobProgress,
    import_job_confirm,
    import_job_get,
    import_job_hold,
    import_job_run,
    import_job_start,
    import_previews_expire,
)
from .reading import (  # noqa: F401
    MAX_ERRORS,
    MB,
    Column,
    Deadline,
    FileProblem,
    ImportResult,
    Limits,
    Progress,
    Row,
    RowChecker,
    RowError,
    Table,
    TableSpec,
    background_rows,
    check_archive,
    choice_parser,
    count_rows,
    find_header,
    header_lookup,
    in_each_language,
    is_blank,
    normal_title,
    normal_value,
    parse_date,
    parse_row,
    read_table,
    row_errors,
    run_import,
    text,
)
from .writing import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    MAX_CELL_TEXT,
    OPTIONAL_FILL,
    TEXT_FORMAT,
    TITLE_FONT,
    display_width,
    escape_text,
    safe_cell,
    sheet_title,
    start_sheet,
    template_workbook,
    unescape_text,
    workbook_bytes,
    write_row,
)
