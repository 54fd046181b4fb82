from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for every table: when a row was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ImportJob(TimeStampedModel):
    """A spreadsheet import run by the background worker: the stored upload, how far it has got, its result.

    The file is deleted when the job ends (it holds personal data); the result stays, for the job's page.
    Only the job's actor may see it (chuxin/core/spreadsheet.py: import_job_get).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the background worker")
        RUNNING = "running", _("running")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    class Stage(models.TextChoices):
        READING = "reading", _("Reading the file")
        CHECKING = "checking", _("Checking the rows")
        WRITING = "writing", _("Saving")

    kind = models.CharField(_("kind"), max_length=50)  # which import: "members", ...
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10, blank=True)  # the actor's, for the result's messages
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)  # as uploaded
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    rows_total = models.PositiveIntegerField(default=0)  # estimated at the upload, then the rows found
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)  # ImportResult.as_dict()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
