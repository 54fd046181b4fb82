"""The study library, required reading, courses, training classes and the study-hours ledger's own entries.

A library item belongs to the organization that published it: its committee's subtree sees it, and items of a
superior flow down to everyone below. Required reading names organizations (their members on the roll) or
people, with a due date; a member's first opening of the item is their read receipt (never a reading time).
Study hours (学时) are counted from organized learning only: training-class sessions attended, the study part of
meetings attended (read from the meeting records) and training elsewhere entered with its certificate.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.core.attachments import ATTACHMENT_VALIDATORS
from chuxin.core.paths import PATH_MAX_LEN

MEDIA_MAX_BYTES = 200 * 1024 * 1024  # a video of a lecture; larger ones belong on a video server
MEDIA_EXTENSIONS = {
    "video": ["mp4", "webm", "m4v"],
    "audio": ["mp3", "m4a", "ogg", "wav"],
    "document": ["pdf"],
}


def media_upload_to(instance, filename: str) -> str:
    """A random stored name: no name from outside reaches the disk (the original is kept in `file_name`)."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"learning/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Owned(models.Model):
    """Owned by an organization; its path copied on save so a subtree is a range (chuxin.core.paths)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.organization_path = self.organization.path
        super().save(*args, **kwargs)


class Category(Owned):
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="learning_category_once")]

    def __str__(self) -> str:
        return self.name


class Topic(Owned):
    """A special topic (专题): a collection of items around one theme, with a short introduction."""

    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("introduction"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("special topic")
        verbose_name_plural = _("special topics")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="learning_topic_once")]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Item(Owned):
    class Kind(models.TextChoices):
        ARTICLE = "article", pgettext_lazy("library item", "article")
        VIDEO = "video", _("video")
        AUDIO = "audio", _("audio")
        DOCUMENT = "document", _("document")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    body = models.TextField(_("text"), blank=True)  # sanitized HTML (chuxin.core.richtext)
    authors = models.CharField(_("authors"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    # The import's structured parts kept as they came (keywords, references, the author's biography).
    details = models.JSONField(default=dict, blank=True)
    file = models.FileField(_("file"), upload_to=media_upload_to, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="items")
    topic = models.ForeignKey(Topic, verbose_name=_("special topic"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="items")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="items")
    # The words of title, summary and text as jieba segments them, space separated: what the full-text indexes
    # read (PostgreSQL: a GIN index on to_tsvector('simple', ...); SQLite: the FTS5 table learning_item_fts).
    search_words = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization_path", "created_at"], name="learning_item_scope")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:item", args=[self.pk])

    @property
    def is_media(self) -> bool:
        return self.kind in (self.Kind.VIDEO, self.Kind.AUDIO, self.Kind.DOCUMENT)


class ImportDraft(Owned):
    """A pasted or uploaded article waiting for review: the restored structure and every change made, shown to
    the worker before anything reaches the library."""

    source_name = models.CharField(max_length=200, blank=True)
    original = models.TextField()
    article = models.JSONField(pgettext_lazy("library item", "article"), default=dict)
    clean_text = models.TextField()
    changes = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    item = models.OneToOneField(Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("article import")
        verbose_name_plural = _("article imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.article.get("title") or self.source_name)

    def get_absolute_url(self) -> str:
        return reverse("learning:import-review", args=[self.pk])


class Reading(Owned):
    """Required reading: an item, a due date, and who must read it (organizations' members on the roll and chosen
    people). The organization is the one that asked."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="readings")
    due_on = models.DateField(_("read by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    organizations = models.ManyToManyField("orgs.Organization", verbose_name=_("organizations"), blank=True,
                                           related_name="+")
    members = models.ManyToManyField("members.Member", verbose_name=_("people"), blank=True, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("required reading")
        verbose_name_plural = _("required reading")
        ordering = ["-due_on", "-pk"]

    def __str__(self) -> str:
        return str(self.item)

    def get_absolute_url(self) -> str:
        return reverse("learning:reading", args=[self.pk])


class Receipt(models.Model):
    """A member opened the item: the first time only (later openings change nothing; no time is measured)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="learning_receipt_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.item_id}"


class Course(Owned):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:course", args=[self.pk])


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    item = models.ForeignKey(Item, verbose_name=_("library item"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="learning_lesson_position"),
            models.UniqueConstraint(fields=["course", "item"], name="learning_lesson_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.item_id}"


class Completion(models.Model):
    """A member marked a lesson done (their own statement; no time is measured)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lesson", "member"], name="learning_completion_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.lesson_id}"


class TrainingClass(Owned):
    """A committee's training class (the candidates' training of at least 3 days or 24 hours, a members' rotation):
    a roster, sessions, and attendance recorded by the organizer."""

    class Kind(models.TextChoices):
        CANDIDATES = "candidates", _("candidates' training")
        ACTIVISTS = "activists", _("activists' training")
        MEMBERS = "members", _("members' training")
        LEADERS = "leaders", _("secretaries' and committee members' training")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEMBERS)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    roster = models.ManyToManyField("members.Member", verbose_name=_("roster"), blank=True, related_name="+")
    # The class's final exam (chuxin.quizzes): its roster takes it; results show on the class's page.
    final_exam = models.ForeignKey("quizzes.Exam", verbose_name=_("final exam"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-starts_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="learning_class_dates")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:class", args=[self.pk])


class Session(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("study hours"), max_digits=3, decimal_places=1,
                                validators=[MinValueValidator(0.5), MaxValueValidator(8)])
    subject = models.CharField(_("subject"), max_length=200)
    attended = models.ManyToManyField("members.Member", verbose_name=_("present"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=8), name="learning_session_hours"),
            # Added once: a double click or a retry finds the session it made (its hours count once).
            models.UniqueConstraint(fields=["training_class", "on", "subject"], name="learning_session_once"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.subject}"


class ExternalTraining(models.Model):
    """Training elsewhere (a party school, a superior's rotation), entered with its certificate."""

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="+")
    title = models.CharField(pgettext_lazy("training elsewhere", "training"), max_length=200)
    provider = models.CharField(_("organized by"), max_length=200)
    on = models.DateField(_("finished on"))
    hours = models.DecimalField(_("study hours"), max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(0.5), MaxValueValidator(200)])
    certificate = models.FileField(_("certificate"), upload_to=media_upload_to, max_length=200,
                                   validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"]),
                                               *ATTACHMENT_VALIDATORS[1:]])
    certificate_name = models.CharField(max_length=200)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training elsewhere")
        verbose_name_plural = _("training elsewhere")
        ordering = ["-on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=200),
                                              name="learning_external_hours")]

    def __str__(self) -> str:
        return self.title
