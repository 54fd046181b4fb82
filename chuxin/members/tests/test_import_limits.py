"""Hostile and huge workbooks: the import reads only what it needs, within bounds, and big files go to the worker.

Nothing here measures time: the bounds are proven by what the reader is asked to read (its calls) and by a clock
that the test moves itself.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from chuxin.audit.models import AuditEntry
from chuxin.core.models import ImportJob
from chuxin.core.spreadsheet import reading
from chuxin.members import importing
from chuxin.members.models import Member
from chuxin.members.tasks import import_members_task

from .test_import import HEADER, URL, person, post, shown_errors, upload, workbook_bytes

XFD = 16384  # the last column Excel has
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def en_client_for(client_for):
    def login(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return login


@pytest.fixture
def reads(monkeypatch):
    """Every read of worksheet rows: the columns asked for and the widest row handed back."""
    calls: list[dict] = []
    original = ReadOnlyWorksheet._cells_by_row

    def spy(self, min_col, min_row, max_col, max_row, values_only=False):
        call = {"min_row": min_row, "max_col": max_col, "max_row": max_row, "rows": 0, "widest": 0}
        calls.append(call)
        for row in original(self, min_col, min_row, max_col, max_row, values_only):
            call["rows"] += 1
            call["widest"] = max(call["widest"], len(row))
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", spy)
    return calls


def padded_to_xfd(rows: list[dict], padding_rows: int) -> bytes:
    """Member rows with a cell in column XFD, then rows holding nothing but a cell in column XFD."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append([row[t] for t in HEADER])
        ws.cell(row=ws.max_row, column=XFD, value="x")
    for _i in range(padding_rows):
        ws.cell(row=ws.max_row + 1, column=XFD, value="x")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_part(content: bytes, name: str, data: bytes, *, shared_strings: bool = False) -> bytes:
    """The workbook with one more part (compressed as Excel does); shared strings also get their relation."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if shared_strings and info.filename == "xl/_rels/workbook.xml.rels":
                part = part.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdSST" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings"/></Relationships>'))
            if shared_strings and info.filename == "[Content_Types].xml":
                part = part.replace(b"</Types>", (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
            target.writestr(info.filename, part)
        target.writestr(name, data)
    return buffer.getvalue()


def shared_strings(count: int) -> bytes:
    """Distinct strings, so they do not compress to nothing: what a real padded file carries."""
    items = b"".join(f"<si><t>{i:09d}-{i * 7919 % 1000003:07d}-padding</t></si>".encode() for i in range(count))
    return (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
            % (count, count)) + items + b"</sst>"


# --- rows padded out to column XFD ---------------------------------------------------------------------------------


def test_rows_padded_to_column_xfd_are_read_only_as_wide_as_the_header(world, client_for, reads):
    rows = [person("赵六"), person("钱七", male=False), person("孙八")]
    content = padded_to_xfd(rows, padding_rows=600)
    assert len(content) < 40_000  # small on the wire

    result = post(client_for(world.secretary), content).context["result"]

    assert (result.ok, result.created, result.total) == (True, 3, 3), result.errors
    assert reads, "the reader was not used"
    # Every read names its columns: the header search at most 100, the data rows exactly the header's 15.
    assert all(call["max_col"] is not None and call["max_col"] <= 100 for call in reads)
    data = [call for call in reads if call["min_row"] > 1]
    assert [call["max_col"] for call in data] == [len(HEADER)] * 2  # the check, then the confirmed write
    assert data[0]["widest"] == len(HEADER)
    # The padding ends the data: after 50 rows with nothing in the header's columns, the reader stops.
    assert data[0]["rows"] == len(rows) + 50


def test_a_header_search_never_reads_past_its_first_rows(world, client_for, reads):
    content = padded_to_xfd([person()], padding_rows=0)
    post(client_for(world.secretary), content)
    header_reads = [call for call in reads if call["min_row"] == 1]
    assert header_reads and all(call["max_row"] == 10 and call["rows"] <= 10 for call in header_reads)


# --- blank rows -------------------------------------------------------------------------------------------------


def blank_rows_between(first: dict, blanks: int, second: dict) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([first[t] for t in HEADER])
    for _i in range(blanks):
        ws.append([])
    ws.append([second[t] for t in HEADER])
    ws.cell(row=ws.max_row + 200, column=1, value=" ")  # formatting far below: blank, and never reached
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@override_settings(CHUXIN_IMPORT_MAX_ROWS=3)
def test_blank_rows_between_members_count_against_the_limit(world, en_client_for):
    client = en_client_for(world.secretary)
    shown = shown_errors(post(client, blank_rows_between(person("赵六"), 2, person("钱七"))))
    assert shown == [("—", "—", "The file has more than 3 members. Split it into smaller files.")]
    assert Member.objects.count() == 2

    result = post(client, blank_rows_between(person("赵六"), 1, person("钱七"))).context["result"]
    assert (result.ok, result.created) == (True, 2)


def test_the_data_ends_at_fifty_blank_rows(world, client_for):
    content = blank_rows_between(person("赵六"), 50, person("钱七"))
    result = post(client_for(world.secretary), content).context["result"]
    assert (result.ok, result.total, result.created) == (True, 1, 1)
    assert not Member.objects.filter(name="钱七").exists()

    content = blank_rows_between(person("孙八"), 49, person("李九"))
    result = post(client_for(world.secretary), content).context["result"]
    assert (result.ok, result.total, result.created) == (True, 2, 2)


# --- what the archive unpacks to -----------------------------------------------------------------------------------


@override_settings(CHUXIN_IMPORT_MAX_ROWS=100)
def test_huge_shared_strings_are_refused_before_the_workbook_is_opened(world, en_client_for, monkeypatch):
    opened = []
    monkeypatch.setattr(reading, "load_workbook", lambda *a, **k: opened.append(a) or pytest.fail("opened"))
    # 100 rows allow 100 KB of shared strings; this file carries 4,000 strings, ~180 KB.
    content = with_part(workbook_bytes([person()]), "xl/sharedStrings.xml", shared_strings(4000),
                        shared_strings=True)
    assert len(content) < 90_000

    response = post(en_client_for(world.secretary), content)

    assert shown_errors(response) == [("—", "—", "This workbook holds far more data than 100 rows take (a part of it "
                                                 "unpacks to 0.2 MB). Copy the rows you need into a new workbook and "
                                                 "upload that.")]
    assert opened == []
    assert Member.objects.count() == 2


@override_settings(CHUXIN_IMPORT_MAX_ROWS=100)
def test_shared_strings_within_the_limit_are_read(world, client_for):
    content = with_part(workbook_bytes([person()]), "xl/sharedStrings.xml", shared_strings(100),
                        shared_strings=True)
    result = post(client_for(world.secretary), content).context["result"]
    assert (result.ok, result.created) == (True, 1), result.errors


def test_a_part_that_inflates_like_a_zip_bomb_is_refused(world, en_client_for):
    bomb = b"<worksheet><sheetData>" + b"<row/>" * 600_000 + b"</sheetData></worksheet>"  # 3.6 MB -> ~4 KB
    content = with_part(workbook_bytes([person()]), "xl/worksheets/sheet9.xml", bomb)

    shown = shown_errors(post(en_client_for(world.secretary), content))

    assert len(shown) == 1
    assert re.fullmatch(r"This workbook is packed in an unusual way: a part of it unpacks to \d+ times its size\. "
                        r"Copy the rows into a new workbook, save it as \.xlsx and upload that\.", shown[0][2])


# --- the time limit -----------------------------------------------------------------------------------------------


class TickingClock:
    """time.monotonic for the spreadsheet reader: a second passes at every look."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 1
        return self.now


@override_settings(CHUXIN_IMPORT_MAX_SECONDS=5)
def test_a_file_that_takes_too_long_stops_with_a_message(world, en_client_for, monkeypatch):
    monkeypatch.setattr(reading, "time", TickingClock())
    rows = [person(f"赵{i}") for i in range(10)]

    shown = shown_errors(post(en_client_for(world.secretary), rows))

    assert shown == [("—", "—", "Checking this file took more than 5 seconds, so nothing was imported. Split it "
                                "into smaller files and upload them one by one.")]
    assert Member.objects.count() == 2


# --- large files go to the background worker ---------------------------------------------------------------------


def three_rows() -> bytes:
    return workbook_bytes([person("赵六"), person("钱七", male=False), person("孙八")])


@override_settings(CHUXIN_IMPORT_BACKGROUND_ROWS=2, TASKS=DUMMY_TASKS)
def test_a_large_file_is_imported_in_the_background_and_its_page_shows_progress_then_the_result(
    world, en_client_for, django_capture_on_commit_callbacks
):
    client = en_client_for(world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": upload(three_rows(), name="big.xlsx")})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:import-job", args=[job.pk])
    assert Member.objects.count() == 2  # queued, not run
    assert (job.kind, job.actor, job.file_name, job.rows_total, job.language) == (
        "members", world.secretary, "big.xlsx", 3, "en")
    assert default_storage.exists(job.file.name)

    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-progress"' in page
    assert 'hx-trigger="every 2s"' in page
    assert re.search(r'data-testid="import-rows">0 of 3 rows<', page)
    assert "Waiting for the background worker" in page
    assert 'enctype="multipart/form-data"' not in page  # no second upload while this one runs

    # Half-way through the check, as the worker reports it.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, stage=ImportJob.Stage.CHECKING,
                                               rows_done=2)
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "Checking the rows" in partial
    assert re.search(r'data-testid="import-rows">2 of 3 rows<', partial)
    assert 'value="66"' in partial

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    assert import_members_task.call(job.pk) is True

    # Checked: the page stops asking and shows what the file would write, to confirm. Nothing is written yet.
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in partial
    assert re.search(r'data-testid="preview-created">3<', partial)
    assert "“big.xlsx”: 3 new, 0 changed. Import it?" in html.unescape(partial)
    assert Member.objects.count() == 2 and not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()
    job.refresh_from_db()
    assert (job.status, job.confirmed) == (ImportJob.Status.CHECKED, False)
    assert default_storage.exists(job.file.name)  # kept for the confirmation
    assert import_members_task.call(job.pk) is False  # a check runs once

    # Confirmed: the worker writes it (a file the worker checked is written by the worker).
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("members:import-confirm", args=[job.pk]))
    assert confirmed["Location"] == response["Location"]
    assert Member.objects.count() == 2  # queued again, not run
    assert 'data-testid="import-progress"' in client.get(response["Location"]).content.decode()
    assert import_members_task.call(job.pk) is True

    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in partial  # done: the page stops asking
    assert re.search(r'data-testid="import-created">3<', partial)
    assert Member.objects.count() == 5
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.file.name) == (ImportJob.Status.DONE, 3, "")
    assert not default_storage.exists(job.file_name)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert (entry.actor, entry.changes["file"], entry.changes["created"]) == (world.secretary, "big.xlsx", 3)
    assert import_members_task.call(job.pk) is False  # a job runs once
    # A second confirmation (a double click, another tab) writes nothing more.
    client.post(reverse("members:import-confirm", args=[job.pk]))
    assert Member.objects.count() == 5 and AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 1


@override_settings(CHUXIN_IMPORT_BACKGROUND_ROWS=2)
def test_with_the_worker_at_hand_the_result_is_there_when_the_page_opens(
    world, en_client_for, django_capture_on_commit_callbacks
):
    client = en_client_for(world.secretary)
    rows = [person("赵六"), person("钱七") | {"性别": "?"}, person("孙八")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": upload(rows)})
    response = client.get(response["Location"])

    # The same list of problems as an import in the request shows, in the uploader's language.
    assert shown_errors(response) == [("3", "性别", "“?” is not one of: male、female.")]
    assert "Nothing was imported." in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()  # fix it and upload again
    assert Member.objects.count() == 2
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


@override_settings(CHUXIN_IMPORT_BACKGROUND_ROWS=2, TASKS=DUMMY_TASKS)
def test_a_job_is_its_uploaders_alone(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.secretary).post(URL, {"file": upload(three_rows())})
    url = reverse("members:import-job", args=[ImportJob.objects.get().pk])
    assert client_for(world.secretary).get(url).status_code == 200
    for who in ("worker", "outsider"):  # they manage files too, but this is not their upload
        assert client_for(getattr(world, who)).get(url).status_code == 404
    for who in ("member_user", "viewer", "stranger"):
        assert client_for(getattr(world, who)).get(url).status_code == 403


@override_settings(CHUXIN_IMPORT_BACKGROUND_ROWS=2, TASKS=DUMMY_TASKS)
def test_a_job_that_breaks_says_so_and_keeps_no_file(world, en_client_for, django_capture_on_commit_callbacks,
                                                      monkeypatch):
    client = en_client_for(world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": upload(three_rows())})
    job = ImportJob.objects.get()
    stored = job.file.name

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "import_members", broken)
    import_members_task.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.file.name) == (ImportJob.Status.FAILED, "")
    assert not default_storage.exists(stored)
    page = html.unescape(client.get(reverse("members:import-job", args=[job.pk])).content.decode())
    assert "The import stopped because of an error on the server, and nothing was imported." in page
    assert "disk on fire" not in page


@override_settings(TASKS=DUMMY_TASKS)
def test_small_files_are_still_checked_and_written_in_the_request(world, client_for):
    client = client_for(world.secretary)
    checked = post(client, [person()], confirm=False)
    job = ImportJob.objects.get()  # holds the upload until it is confirmed
    assert checked["Location"] == reverse("members:import-job", args=[job.pk])
    assert (job.status, job.rows_total) == (ImportJob.Status.CHECKED, 1)
    response = client.post(reverse("members:import-confirm", args=[job.pk]), follow=True)
    # Written in the request: no worker ran (the dummy backend would have only queued it).
    result = response.context["result"]
    assert result.ok and not result.preview and result.created == 1
    assert Member.objects.count() == 3
    job.refresh_from_db()
    assert (job.status, job.confirmed, job.file.name) == (ImportJob.Status.DONE, True, "")


@override_settings(CHUXIN_IMPORT_BACKGROUND_ROWS=5)
def test_the_worker_takes_files_with_many_rows_or_a_sheet_far_bigger_than_its_rows(world):
    assert importing.background_rows(upload(padded_to_xfd([person(), person("钱七")], padding_rows=3))) is None
    assert importing.background_rows(upload(padded_to_xfd([person(), person("钱七")], padding_rows=4))) == 6
    # Two rows, but 5 rows' worth of XML (2 KB a row): a sheet padded far to the right costs its size to parse.
    assert importing.background_rows(upload([person(岗位="长" * 4000), person("钱七")])) == 2
    assert importing.background_rows(upload(b"PK\x03\x04not a zip")) is None
    # Two rows, but 5 rows' worth of shared strings (1 KB a row), which openpyxl loads whole before any row.
    content = with_part(workbook_bytes([person(), person("钱七")]), "xl/sharedStrings.xml", shared_strings(150),
                        shared_strings=True)
    assert importing.background_rows(upload(content)) == 2


@override_settings(CHUXIN_IMPORT_BACKGROUND_ROWS=2, TASKS=DUMMY_TASKS)
def test_the_progress_reads_in_chinese(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.secretary)  # the default language
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": upload(three_rows(), name="党员名册.xlsx")})
    page = client.get(response["Location"]).content.decode()
    assert "正在后台导入" in page
    assert "“党员名册.xlsx”行数较多，由后台处理导入。" in page
    assert re.search(r'data-testid="import-stage">等待后台处理<', page)
    assert re.search(r'data-testid="import-rows">已处理0行，共3行<', page)
