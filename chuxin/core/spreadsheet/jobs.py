"""Imports as background jobs: the upload stored on an ImportJob, the import's task run by the worker with the
job's progress and result written to its record (see __init__.py)."""

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


def import_job_start(*, actor, kind: str, upload, rows_total: int, task) -> ImportJob:
    """Store the upload and queue `task` (the import's task, called with the job's id) once this is committed."""
    job = ImportJob(
        kind=kind, actor=actor, language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=os.path.basename(getattr(upload, "name", "") or "")[:200], rows_total=rows_total,
    )
    upload.seek(0)
    job.file.save(f"{kind}.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: task.enqueue(job.pk))
    return job


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
    """The body of an import task: run(actor=, upload=, progress=) in the actor's language, store the result,
    delete the stored file (it holds personal data). False when the job was not waiting (already run)."""
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
            result = run(actor=job.actor, upload=upload, progress=JobProgress(job))
        except Exception:
            logger.exception("import job %s failed", job_id)
            status = ImportJob.Status.FAILED
            result = ImportResult.refused(_(
                "The import stopped because of an error on the server, and nothing was imported. Try again; if "
                "it happens again, tell the administrator."
            ))
    if job.file:
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job_id).update(
        status=status, result=result.as_dict(), file="", rows_done=result.total, finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return True
