"""Reads of the public site: what the public sees (live articles only, a member named only with consent) and what
the committee manages."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from chuxin.core.access import Need, fetch, scope_q
from chuxin.core.db import PreparedExists
from chuxin.core.paths import ranges_q
from chuxin.orgs.models import Organization

from .access import SUBJECT
from .models import Article, ArticleVersion, SiteProfile, StoryConsent

PUBLIC_PAGE = 20


def site_get(key: str) -> SiteProfile:
    """The open site at /s/<key>/: by the organization's number or the site's slug (one query); 404 otherwise."""
    q = Q(organization_id=int(key)) if key.isdigit() and len(key) < 18 else Q(slug=key.lower())
    profile = (SiteProfile.objects.filter(q, is_public=True, organization__status=Organization.Status.ACTIVE)
               .select_related("organization", "organization__parent").first())
    if profile is None:
        raise Http404
    return profile


def _live(now: datetime.datetime | None = None) -> Q:
    return Q(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())


def public_articles(organization, *, kind: str | None = None) -> QuerySet[Article]:
    """The live articles of one site, newest first, with the picture and whether the member consented."""
    qs = (Article.objects.filter(_live(), organization=organization)
          .select_related("image", "member")
          .annotate(named=Exists(StoryConsent.objects.filter(article=OuterRef("pk"), member=OuterRef("member"))))
          .order_by("-publish_at", "-pk"))
    return qs.filter(kind=kind) if kind else qs


def public_article(organization, pk) -> Article:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    article = public_articles(organization).filter(pk=number).first()
    if article is None:
        raise Http404
    return article


def next_scheduled(organization) -> datetime.datetime | None:
    """When the next scheduled article goes live: the cached page must not outlive that moment."""
    return (Article.objects.filter(organization=organization, status=Article.Status.PUBLISHED,
                                   publish_at__gt=timezone.now())
            .order_by("publish_at").values_list("publish_at", flat=True).first())


def subordinate_sites(organization) -> QuerySet[SiteProfile]:
    return (SiteProfile.objects.filter(organization__parent=organization, is_public=True,
                                       organization__status=Organization.Status.ACTIVE)
            .select_related("organization").order_by("organization__path"))


# ---------------------------------------------------------------------------------------------------------------
# The committee's side


def article_list(user, organization, *, status: str = "") -> QuerySet[Article]:
    qs = (Article.objects.filter(organization=organization).select_related("author", "reviewed_by")
          .order_by("-updated_at", "-pk"))
    return qs.filter(status=status) if status else qs


def sites_in_scope(user) -> QuerySet[Organization]:
    """The organizations whose site the user may manage, with their profile (for the chooser)."""
    return (Organization.objects.filter(scope_q(user, Need.READ), status=Organization.Status.ACTIVE)
            .select_related("site_profile").order_by("path"))


def waiting_review(user) -> QuerySet[Article]:
    return (_submitted_to(scope_q(user, Need.READ, "organization_path"), user)
            .select_related("organization").order_by("updated_at"))


def _submitted_to(where: Q, reader) -> QuerySet[Article]:
    """Articles submitted in `where` (a scope's filter on the path) by someone other than `reader` (an account or
    its id)."""
    return Article.objects.filter(where, status=Article.Status.SUBMITTED).exclude(author=reader)


def _stories_about(user) -> QuerySet[Article]:
    return Article.objects.filter(member__user=user).exclude(status=Article.Status.WITHDRAWN)


# The workbench's probe (chuxin.site.workbench): stories about the person (and, where they read, waiting_review).
PROBE = PreparedExists(_stories_about)
# Where the person reads, the articles waiting for review (waiting_review, with the ranges of their scope).
REVIEW_PROBE = PreparedExists(lambda user_id, bounds: _submitted_to(ranges_q(bounds, "organization_path"), user_id))


def access_article(user, pk, *, need: Need) -> Article:
    return fetch(user, Article.objects.select_related("organization", "member", "image", "author"), pk, need=need,
                 relations=(SUBJECT,))


def access_version(user, pk, *, need: Need) -> ArticleVersion:
    return fetch(user, ArticleVersion.objects.select_related("article", "article__organization"), pk, need=need,
                 organization="article.organization")


def article_versions(article: Article) -> QuerySet[ArticleVersion]:
    return article.versions.select_related("saved_by")


def stories_about(user) -> QuerySet[Article]:
    """Pioneer stories about the user (their member file), with whether they consented: their own consent page."""
    return (_stories_about(user)
            .annotate(named=Exists(StoryConsent.objects.filter(article=OuterRef("pk"), member=OuterRef("member"))))
            .select_related("organization").order_by("-pk"))
