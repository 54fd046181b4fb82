"""Lists cost the same number of queries whatever their length."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuxin.site import services


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _publish(world, n):
    for i in range(n):
        article = services.article_create(actor=world.secretary, organization=world.b1, title=f"新闻{i}", body="正文",
                                          summary="摘要")
        services.article_submit(actor=world.secretary, article=article)
        services.article_publish(actor=world.committee, article=article)


def test_the_committee_list_and_the_public_page_do_not_grow_with_articles(world, client_for, client):
    site = services.profile_save(actor=world.secretary, organization=world.b1, slug="b1")
    services.profile_save(actor=world.secretary, organization=world.g1, slogan="小组")
    manage = f"{reverse('site:manage')}?organization={world.b1.pk}"
    public = reverse("site:public-home", kwargs={"key": site.key})
    _publish(world, 2)
    secretary = client_for(world.secretary)
    few = _count(secretary, manage)
    from django.core.cache import cache

    cache.clear()
    # Uncached: the site, the articles (with picture, member and consent in one query), the next scheduled time,
    # the subordinate sites, the version key's read is the cache's.
    public_few = _count(client, public)
    _publish(world, 5)
    cache.clear()
    assert _count(secretary, manage) == few
    assert _count(client, public) == public_few
