from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

POSITION_STEP = 10


def next_position(queryset: models.QuerySet, field: str) -> int:
    """The position a new row takes to come last among `queryset`'s rows, ordered by `field` (forms no longer
    ask for an order number: new rows go last, and existing ones keep theirs)."""
    last = queryset.aggregate(last=models.Max(field))["last"]
    return (last or 0) + POSITION_STEP


def url_of(target: models.Model, limit: int = 300) -> str:
    """The object's page, for a link stored beside it (a work record, a duty ticked off); empty when it has none.
    A link is a nicety: it never fails the caller's write."""
    getter = getattr(target, "get_absolute_url", None)
    if getter is None:
        return ""
    try:
        return str(getter())[:limit]
    except Exception:  # noqa: BLE001
        return ""


class TimeStampedModel(models.Model):
    """Base for every table: when a row was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ImportJob(TimeStampedModel):
    """A spreadsheet import run by the background worker: the stored upload, how far it has got, its result.

    An import is checked first and written only once its actor confirms the preview ("2 new, 1 changed"): a
    file checked in a request waits here, as `checked`, until then; a big one is checked by the worker, waits the
    same way, and is written by the worker after the confirmation (`confirmed`).

    The file is deleted when the job ends (it holds personal data); the result stays, for the job's page.
    Only the job's actor may see it (chuxin/core/spreadsheet.py: import_job_get).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the background worker")
        RUNNING = "running", _("running")
        CHECKED = "checked", _("checked, waiting for your confirmation")
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
    result = models.JSONField(default=dict, blank=True)  # ImportResult.as_dict(): the preview, then the result
    confirmed = models.BooleanField(default=False)  # its actor confirmed the preview: the next run writes
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
    def is_checked(self) -> bool:
        """Checked without a problem and waiting for its actor to confirm the write."""
        return self.status == self.Status.CHECKED

    @property
    def percent(self) -> int:
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0


M = TypeVar("M", bound=models.Model)

# A retry comes within seconds, a form left open in a tab within days; older keys are dropped as new ones come.
IDEMPOTENCY_KEY_DAYS = 7


class IdempotencyKeyManager(models.Manager):
    def create_once(self, *, actor, token: str, model: type[M], create: Callable[[], M]) -> M:
        """Run `create` once per (actor, token): the form's one-time token (IdempotentFormMixin) sent again, by a
        double click or a retry, answers with what the first request made, and nothing runs twice (no second
        audit entry, no second notification).

        Call it inside the service's transaction, after its permission checks. The key is written before
        anything else, so a twin request running at the same time waits on the unique key until the first one
        commits (PostgreSQL; SQLite lets one writer in at a time), then finds its object. When `create` fails,
        the transaction takes the key with it and the corrected form can be sent again with the same token."""
        user_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
        if not token or user_id is None:
            return create()
        # One transaction for the key and what it makes, whether or not the caller opened one: a twin waits on the
        # uncommitted key until the object exists (a view that called this outside a transaction once let the twin
        # see the key without its object and answered it with the form).
        with transaction.atomic():
            try:
                with transaction.atomic():
                    key = self.create(user_id=user_id, token=token)
            except IntegrityError:
                key = self.select_related("content_type").get(user_id=user_id, token=token)
                made = key.made()
                if made is None or not isinstance(made, model):
                    raise ValidationError(
                        _("This form has already been sent. Open the page again to make another.")
                    ) from None
                return made
            self.filter(user_id=user_id, created_at__lt=timezone.now() - timedelta(days=IDEMPOTENCY_KEY_DAYS)).delete()
            made = create()
            key.content_type = ContentType.objects.get_for_model(made)
            key.object_id = made.pk
            key.save(update_fields=["content_type", "object_id"])
            return made


class IdempotencyKey(models.Model):
    """A create form's one-time token, with what its first submission made. A row is worth keeping only while a
    retry may still come: each new key of a user drops that user's keys older than IDEMPOTENCY_KEY_DAYS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IdempotencyKeyManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="idempotency_key_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.token}"

    def made(self) -> models.Model | None:
        if self.content_type_id is None:
            return None
        return self.content_type.model_class()._default_manager.filter(pk=self.object_id).first()
