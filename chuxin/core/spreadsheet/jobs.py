"""Imports as jobs: the upload stored on an ImportJob, checked first and written once its actor confirms the
preview. A file small enough is checked in the request and kept as a `checked` job until the confirmation
(`import_job_hold`); a big one is checked by the worker, with the job's progress and result written to its
record, and written by the worker after the confirmation (`import_job_confirm`). See __init__.py."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import ImportJob
from .reading import ImportResult, Progress

logger = logging.getLogger(__name__)


def _stored(*, actor, kind: str, upload, **fields) -> ImportJob:
    job = ImportJob(
        kind=kind, actor=actor, language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=os.path.basename(getattr(upload, "name", "") or "")[:200], **fields,
    )
    upload.seek(0)
    job.file.save(f"{kind}.xlsx", upload, save=False)
    job.save()
    return job


def import_job_start(*, actor, kind: str, upload, rows_total: int, task) -> ImportJob:
    """Store the upload and queue `task` (the import's task, called with the job's id) once this is committed:
    the worker checks the file, and the job waits for its actor's confirmation before anything is written."""
    job = _stored(actor=actor, kind=kind, upload=upload, rows_total=rows_total)
    transaction.on_commit(lambda: task.enqueue(job.pk))
    return job


def import_job_hold(*, actor, kind: str, upload, preview: ImportResult) -> ImportJob:
    """Keep an upload checked in the request (`preview`: the result of run_import with write=False) until its
    actor confirms it. The job's id, which only its actor may use, is the token of the stored file."""
    return _stored(actor=actor, kind=kind, upload=upload, rows_total=preview.total, rows_done=preview.total,
                   status=ImportJob.Status.CHECKED, result=preview.as_dict(), finished_at=timezone.now())


def import_job_confirm(job: ImportJob, *, task, run: Callable[..., ImportResult], background: bool) -> bool:
    """The actor confirmed the preview: write the file, by the worker (`task`, once this is committed) when
    `background`, else now, in the request (`run`, as for import_job_run). The stored file is checked again as it
    is written, so what changed meanwhile is found. False when the job was not waiting (confirmed already: a
    double click writes once)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).exclude(file="").update(
        status=ImportJob.Status.QUEUED, confirmed=True, stage="", rows_done=0, finished_at=None,
        updated_at=timezone.now(),
    )
    if not claimed:
        return False
    if background:
        transaction.on_commit(lambda: task.enqueue(job.pk))
    else:
        import_job_run(job.pk, run)
    return True


def import_previews_expire(*, kind: str, before) -> int:
    """Checked uploads left unconfirmed since before `before`: their files are deleted (they hold personal data)
    and their pages say to upload again. For the daily housekeeping. Returns how many."""
    expired = 0
    for job in ImportJob.objects.filter(kind=kind, status=ImportJob.Status.CHECKED, updated_at__lt=before):
        if job.file:
            job.file.delete(save=False)
        result = ImportResult.refused(_(
            "This file was checked but its import was not confirmed in time, so it was deleted and nothing was "
            "imported. Upload it again."
        ))
        expired += ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
            status=ImportJob.Status.DONE, file="", result=result.as_dict(), updated_at=timezone.now())
    return expired


def import_job_get(user, pk: int, *, kind: str) -> ImportJob | None:
    """A job is its actor's alone: anyone else is told it does not exist."""
    return ImportJob.objects.filter(pk=pk, kind=kind, actor=user).first()


class JobProgress(Progress):
    """Writes the job's stage and rows done to its record, at most every second (and at each stage)."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.last = 0.0

    def stage(self, stage: str, total: int = 0) -> None:
        done = total if stage == ImportJob.Stage.WRITING else 0  # every row checked; the write is one statement
        changes: dict[str, Any] = {"stage": stage, "rows_done": done, "updated_at": timezone.now()}
        if total:
            changes["rows_total"] = total  # the rows found, in place of the estimate made at the upload
        ImportJob.objects.filter(pk=self.job_id).update(**changes)
        self.last = time.monotonic()

    def rows(self, done: int) -> None:
        if time.monotonic() - self.last >= 1:
            ImportJob.objects.filter(pk=self.job_id).update(rows_done=done, updated_at=timezone.now())
            self.last = time.monotonic()


def import_job_run(job_id: int, run: Callable[..., ImportResult]) -> bool:
    """The body of an import task: run(actor=, upload=, progress=, write=) in the actor's language, then store
    the result. Before its actor confirmed it, the job only checks (write=False): a file with something to write
    then waits, `checked`, with its file kept; otherwise the stored file is deleted (it holds personal data).
    False when the job was not waiting (already run)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        return False
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    status = ImportJob.Status.DONE
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as stored:
                upload = SimpleUploadedFile(job.file_name or "import.xlsx", stored.read())
            result = run(actor=job.actor, upload=upload, progress=JobProgress(job), write=job.confirmed)
        except Exception:
            logger.exception("import job %s failed", job_id)
            status = ImportJob.Status.FAILED
            result = ImportResult.refused(_(
                "The import stopped because of an error on the server, and nothing was imported. Try again; if "
                "it happens again, tell the administrator."
            ))
    if status == ImportJob.Status.DONE and result.preview and not job.confirmed:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.CHECKED, result=result.as_dict(), rows_done=result.total,
            finished_at=timezone.now(), updated_at=timezone.now(),
        )
        return True
    if job.file:
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job_id).update(
        status=status, result=result.as_dict(), file="", rows_done=result.total, finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return True
