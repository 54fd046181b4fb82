"""The public site of an organization: its brand, and the news and pioneer stories its committee publishes.

An article moves draft -> submitted -> published (by a committee member of the organization or of a superior who
is not its author) -> withdrawn (states.py). A published article with `publish_at` in the future is scheduled: the
public pages show it from that moment, without a job (the selectors compare with the clock, the page cache expires
then). Every save keeps a version. A pioneer story names its member only once that member has consented.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.core.models import TimeStampedModel


class SiteProfile(TimeStampedModel):
    """The organization's brand on its public site. Without a profile an organization has no public site."""

    organization = models.OneToOneField(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="site_profile"
    )
    slug = models.SlugField(
        _("web address"), max_length=50, unique=True, null=True, blank=True,
        help_text=_("Letters, digits and dashes, e.g. “hongxing”: the site is then at /s/hongxing/. Empty: the "
                    "organization's number is used."),
    )
    slogan = models.CharField(_("slogan"), max_length=100, blank=True)
    history = models.TextField(_("short history"), blank=True)
    characteristics = models.TextField(_("characteristic work"), blank=True)
    honours = models.TextField(_("honours"), blank=True)
    is_public = models.BooleanField(_("site is open to the public"), default=True)

    class Meta:
        verbose_name = _("public site")
        verbose_name_plural = _("public sites")
        constraints = [
            # A slug is never all digits: /s/<digits>/ is the organization's number.
            models.CheckConstraint(condition=~Q(slug__regex=r"^[0-9]+$"), name="site_slug_not_a_number"),
        ]

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def key(self) -> str:
        return self.slug or str(self.organization_id)

    def get_absolute_url(self) -> str:
        return reverse("site:public-home", kwargs={"key": self.key})


class SiteImage(TimeStampedModel):
    """An uploaded picture, checked by its content and kept in a few widths for srcset (images.py)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # {"480": "site/…/480.jpg", ...}: the stored widths, the largest no wider than the original.
    variants = models.JSONField(default=dict)
    alt = models.CharField(_("image description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return self.alt or f"image {self.pk}"

    def sizes(self) -> list[tuple[int, str]]:
        from django.core.files.storage import default_storage

        return sorted((int(w), default_storage.url(name)) for w, name in self.variants.items())

    @property
    def src(self) -> str:
        sizes = self.sizes()
        middle = [url for w, url in sizes if w <= 960]
        return (middle or [sizes[0][1]])[-1] if sizes else ""

    @property
    def srcset(self) -> str:
        return ", ".join(f"{url} {w}w" for w, url in self.sizes())


class Article(TimeStampedModel):
    class Kind(models.TextChoices):
        NEWS = "news", _("news")
        STORY = "story", _("pioneer story")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for review")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="site_articles"
    )
    organization_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))  # sanitized HTML (chuxin.core.richtext)
    image = models.ForeignKey(SiteImage, verbose_name=_("picture"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("published from"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # A pioneer story's member: named on the public site only once they consented (StoryConsent).
    member = models.ForeignKey("members.Member", verbose_name=_("member the story is about"),
                               on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = pgettext_lazy("news", "article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["organization", "status", "-publish_at"], name="site_article_public")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="published") | Q(publish_at__isnull=False),
                                   name="site_article_published_has_time"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("site:article", kwargs={"pk": self.pk})

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at is not None and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at is not None and self.publish_at > timezone.now()


class ArticleVersion(models.Model):
    """What an article said after one save; restoring one saves it again as the newest version."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="site_version_once")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class StoryConsent(models.Model):
    """A member's own consent to be named in one pioneer story, given by the member themself, revocable."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="consents")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "member"], name="site_consent_once")]

    def __str__(self) -> str:
        return f"{self.member_id} -> {self.article_id}"
