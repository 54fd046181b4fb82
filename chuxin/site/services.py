"""Writes of the public site: the brand, pictures, articles through their review, versions, a member's consent.

Every change that alters what the public sees moves the organization's cache version (and its parent's, whose
site lists its subordinates' sites), after the commit too (chuxin.core.versions), so a cached page is never older
than the last published or withdrawn article.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import versions
from chuxin.core.access import Need, authorize
from chuxin.core.models import IdempotencyKey
from chuxin.core.richtext import is_blank, sanitize
from chuxin.records.services import record_work

from . import images
from .access import SUBJECT, is_committee
from .models import Article, ArticleVersion, SiteImage, SiteProfile, StoryConsent
from .states import ARTICLES

S = Article.Status


SITE_KEYS = "site:keys"  # the version of the key -> site lookups the public pages cache


def cache_name(organization_id: int) -> str:
    return f"site:{organization_id}"


def _changed(organization) -> None:
    versions.bump_on_commit(cache_name(organization.pk))
    if organization.parent_id:
        versions.bump_on_commit(cache_name(organization.parent_id))


def _require_committee(actor, organization) -> None:
    if actor is None:
        return
    authorize(actor, organization, Need.READ)
    if not is_committee(actor, organization):
        raise PermissionDenied


@transaction.atomic
def profile_save(*, actor, organization, **fields) -> SiteProfile:
    """Create or change the organization's brand. Rich fields are sanitized."""
    _require_committee(actor, organization)
    profile = SiteProfile.objects.filter(organization=organization).first() or SiteProfile(organization=organization)
    created = profile.pk is None
    for name in ("history", "characteristics", "honours"):
        if name in fields:
            fields[name] = sanitize(fields[name])
    if "slug" in fields:
        fields["slug"] = (fields["slug"] or "").strip().lower() or None
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                 target=profile, organization=organization)
    _changed(organization)
    versions.bump_on_commit(SITE_KEYS)
    return profile


def image_upload(*, actor, organization, upload, alt: str = "") -> SiteImage:
    """Check and resize the picture first (outside the transaction: it takes a moment), then store its row."""
    _require_committee(actor, organization)
    width, height, sizes = images.resized(upload)
    variants = images.store(organization.pk, sizes)
    image = SiteImage(organization=organization, width=width, height=height, variants=variants, alt=alt[:200],
                      uploaded_by=actor if actor is not None and actor.is_authenticated else None)
    image.save()
    return image


def _keep_version(article: Article, actor) -> None:
    ArticleVersion.objects.create(article=article, number=article.version, title=article.title,
                                  summary=article.summary, body=article.body,
                                  saved_by=actor if actor is not None and actor.is_authenticated else None)


def _check_member(article: Article) -> None:
    if article.member_id and not article.member.organization.path.startswith(article.organization_path):
        raise ValidationError({"member": _("Choose a member of this organization.")})


def _clean_body(fields: dict) -> None:
    if "body" in fields:
        fields["body"] = sanitize(fields["body"])
        if is_blank(fields["body"]):
            raise ValidationError({"body": _("Write the text of the article.")})


@transaction.atomic
def article_create(*, actor, organization, token: str = "", **fields) -> Article:
    _require_committee(actor, organization)

    def create() -> Article:
        _clean_body(fields)
        article = Article(organization=organization, organization_path=organization.path,
                          author=actor if actor is not None else None, **fields)
        article.full_clean()
        _check_member(article)
        article.save()
        _keep_version(article, actor)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=article, organization=organization)
        return article

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Article, create=create)


@transaction.atomic
def article_update(*, actor, article: Article, **fields) -> Article:
    """Save the article's words as its next version. A published article stays published (a correction), and the
    public sees the correction at once."""
    article = Article.objects.select_for_update(of=("self",)).select_related("organization").get(pk=article.pk)
    _require_committee(actor, article.organization)
    if article.status == S.WITHDRAWN:
        raise ValidationError(_("A withdrawn article is taken up again before it is changed."))
    _clean_body(fields)
    changed = {k: v for k, v in fields.items() if getattr(article, k if k != "member" else "member") != v}
    if not changed:
        return article
    for name, value in changed.items():
        setattr(article, name, value)
    article.version += 1
    article.full_clean()
    _check_member(article)
    article.save()
    _keep_version(article, actor)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=article, organization=article.organization,
                 changes={"version": [article.version - 1, article.version]})
    if article.status == S.PUBLISHED:
        _changed(article.organization)
    return article


def _step(actor, article: Article, name: str, target: str) -> Article:
    article = Article.objects.select_for_update(of=("self",)).select_related("organization").get(pk=article.pk)
    if article.status == target:
        return article  # a double click: the step was taken already
    ARTICLES.require(actor, article, name)
    ARTICLES.check(article.status, target, via=name)
    article.status = target
    return article


@transaction.atomic
def article_submit(*, actor, article: Article) -> Article:
    article = _step(actor, article, "submit", S.SUBMITTED)
    article.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=article, organization=article.organization,
                 changes={"status": [S.DRAFT, S.SUBMITTED]})
    return article


@transaction.atomic
def article_return(*, actor, article: Article) -> Article:
    article = _step(actor, article, "return", S.DRAFT)
    article.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=article, organization=article.organization,
                 changes={"status": [S.SUBMITTED, S.DRAFT]})
    return article


@transaction.atomic
def article_publish(*, actor, article: Article, publish_at: datetime.datetime | None = None) -> Article:
    """Publish now, or from `publish_at` (scheduled: the public pages show it from then on by themselves)."""
    when = publish_at or timezone.now()
    if publish_at is not None and publish_at > timezone.now() + datetime.timedelta(days=366):
        raise ValidationError(_("Schedule the article within a year."))
    article = _step(actor, article, "publish", S.PUBLISHED)
    article.publish_at = when
    article.reviewed_by = actor if actor is not None else None
    article.withdrawn_at = None
    article.save(update_fields=["status", "publish_at", "reviewed_by", "withdrawn_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=article, organization=article.organization,
                 changes={"status": [S.SUBMITTED, S.PUBLISHED],
                          "publish_at": ["", timezone.localtime(when).strftime("%Y-%m-%d %H:%M")]})
    record_work(kind="site_article_published", organization=article.organization, on=when, target=article,
                actor=actor, payload={"kind": article.kind}, label=article.title)
    _changed(article.organization)
    return article


@transaction.atomic
def article_withdraw(*, actor, article: Article) -> Article:
    article = _step(actor, article, "withdraw", S.WITHDRAWN)
    article.withdrawn_at = timezone.now()
    article.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=article, organization=article.organization,
                 changes={"status": [S.PUBLISHED, S.WITHDRAWN]})
    _changed(article.organization)
    return article


@transaction.atomic
def article_redraft(*, actor, article: Article) -> Article:
    article = _step(actor, article, "redraft", S.DRAFT)
    article.publish_at = None
    article.save(update_fields=["status", "publish_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=article, organization=article.organization,
                 changes={"status": [S.WITHDRAWN, S.DRAFT]})
    return article


def article_restore(*, actor, version: ArticleVersion) -> Article:
    """Bring back an earlier version's words, saved as the newest version (nothing in between is lost)."""
    return article_update(actor=actor, article=version.article, title=version.title, summary=version.summary,
                          body=version.body)


@transaction.atomic
def consent_give(*, actor, article: Article) -> StoryConsent:
    """The story's member agrees to be named in it: only that member, for themself."""
    if actor is not None and not SUBJECT.holds(actor, article, Need.PUBLIC):
        raise PermissionDenied
    consent, _created = StoryConsent.objects.get_or_create(article=article, member=article.member)
    if _created:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=consent, organization=article.organization)
        _changed(article.organization)
    return consent


@transaction.atomic
def consent_withdraw(*, actor, article: Article) -> None:
    if actor is not None and not SUBJECT.holds(actor, article, Need.PUBLIC):
        raise PermissionDenied
    deleted, _rows = StoryConsent.objects.filter(article=article, member_id=article.member_id).delete()
    if deleted:
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=article, organization=article.organization,
                     changes={"consent": ["yes", "no"]})
        _changed(article.organization)
