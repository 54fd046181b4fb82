"""The public site: no login, nothing personal, cached per organization.

A page is cached under the organization's version (services.cache_name), which every publish, withdrawal,
correction and brand change moves on; a page also never outlives the moment the next scheduled article goes live,
so scheduled publishing needs no job. The pages carry nothing of the visitor (no form, no token), so one cached
copy serves everyone in a language.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from chuxin.core import versions

from . import selectors
from .models import Article
from .services import SITE_KEYS, cache_name

CACHE_SECONDS = 600


def _cached(request, profile, page: str, build) -> HttpResponse:
    org_id = profile.organization_id
    key = f"site:page:{org_id}:{page}:{get_language()}:{versions.current(cache_name(org_id))}"
    html = cache.get(key)
    if html is None:
        html, timeout = build()
        cache.set(key, html, timeout)
    response = HttpResponse(html)
    response["Cache-Control"] = "public, max-age=60"
    return response


KEY_SECONDS = 60  # an organization deactivated elsewhere leaves its site within a minute


def _site(key: str):
    """The open site for /s/<key>/, from the cache when it is there: a cached page then costs no query. Every brand
    change moves the version "site:keys"; the minute's timeout covers what changes elsewhere (a deactivation)."""
    cache_key = f"site:key:{key.lower()}:{versions.current(SITE_KEYS)}"
    profile = cache.get(cache_key)
    if profile is None:
        profile = selectors.site_get(key)
        cache.set(cache_key, profile, KEY_SECONDS)
    return profile


def _timeout(organization) -> int:
    upcoming = selectors.next_scheduled(organization)
    if upcoming is None:
        return CACHE_SECONDS
    return max(1, min(CACHE_SECONDS, int((upcoming - timezone.now()).total_seconds()) + 1))


@require_safe
def home_view(request, key: str):
    profile = _site(key)

    def build():
        org = profile.organization
        articles = list(selectors.public_articles(org)[: selectors.PUBLIC_PAGE])
        context = {
            "profile": profile, "organization": org,
            "news": [a for a in articles if a.kind == Article.Kind.NEWS],
            "stories": [a for a in articles if a.kind == Article.Kind.STORY],
            "subordinates": list(selectors.subordinate_sites(org)),
            "parent_site": getattr(org.parent, "site_profile", None) if org.parent_id else None,
        }
        return render_to_string("site/public/home.html", context, request=None), _timeout(org)

    return _cached(request, profile, "home", build)


@require_safe
def article_view(request, key: str, pk: int):
    profile = _site(key)

    def build():
        article = selectors.public_article(profile.organization, pk)
        context = {"profile": profile, "organization": profile.organization, "article": article}
        return render_to_string("site/public/article.html", context, request=None), _timeout(profile.organization)

    return _cached(request, profile, f"article:{int(pk)}", build)


@require_safe
def sitemap_view(request, key: str):
    profile = selectors.site_get(key)
    articles = selectors.public_articles(profile.organization)[:1000]
    response = render(request, "site/public/sitemap.xml",
                      {"profile": profile, "articles": articles,
                       "base": request.build_absolute_uri("/")[:-1]}, content_type="application/xml")
    return response


class RssFeed(Feed):
    def get_object(self, request, key: str):
        return selectors.site_get(key)

    def title(self, obj):
        return obj.organization.name

    def link(self, obj):
        return reverse("site:public-home", kwargs={"key": obj.key})

    def description(self, obj):
        return obj.slogan or _("News and pioneer stories of %(name)s") % {"name": obj.organization.name}

    def items(self, obj):
        items = list(selectors.public_articles(obj.organization)[:20])
        for item in items:
            item.site_key = obj.key  # the feed is one instance for every request: the key travels on the items
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body

    def item_link(self, item):
        return reverse("site:public-article", kwargs={"key": item.site_key, "pk": item.pk})

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at


class AtomFeed(RssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


rss_view = require_safe(RssFeed())
atom_view = require_safe(AtomFeed())
