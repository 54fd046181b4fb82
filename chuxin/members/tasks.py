"""Background jobs of the member files: a large Excel import (Django's tasks framework, as notifications/tasks.py).

The upload is stored on an ImportJob (chuxin/core/models.py) and the job's id is all the task gets; it runs the
same import as the request does, with the worker's longer time limit, and reports its progress on the job: first
the check (the preview its uploader confirms), then, once confirmed, the write.
"""

from __future__ import annotations

from django_tasks import task

from chuxin.core.spreadsheet import import_job_run

from . import importing


@task()
def import_members_task(job_id: int) -> bool:
    return import_job_run(job_id, run=_run)


def _run(*, actor, upload, progress, write) -> importing.ImportResult:
    return importing.import_members(actor=actor, upload=upload, progress=progress, background=True, write=write)
