"""The public site: review by someone other than the author, scheduled publishing without a job, the cache
dropped on publish and withdrawal, the feed, consent before a member is named, hostile text and pictures."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from chuxin.site import services
from chuxin.site.models import Article, SiteProfile
from chuxin.testing import make_member


@pytest.fixture
def site(world):
    return services.profile_save(actor=world.secretary, organization=world.b1, slug="hongxing", slogan="红星闪耀")


def _draft(world, **extra):
    fields = {"title": "支部新闻", "body": "正文内容", **extra}
    return services.article_create(actor=world.secretary, organization=world.b1, **fields)


def _png(size=(1200, 800)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_author_cannot_publish_their_own_article_but_another_committee_member_can(world, site, client):
    article = _draft(world)
    services.article_submit(actor=world.secretary, article=article)
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=world.secretary, article=article)
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=world.viewer, article=article)  # a superior's read-only viewer
    services.article_publish(actor=world.committee, article=article)
    page = client.get(reverse("site:public-home", kwargs={"key": "hongxing"}))
    assert "支部新闻" in page.content.decode()
    feed = client.get(reverse("site:feed-atom", kwargs={"key": "hongxing"}))
    assert feed.status_code == 200 and "支部新闻" in feed.content.decode()


def test_a_draft_is_never_public_and_a_withdrawal_drops_the_cached_page(world, site, client):
    article = _draft(world)
    url = reverse("site:public-home", kwargs={"key": site.key})
    assert "支部新闻" not in client.get(url).content.decode()
    services.article_submit(actor=world.secretary, article=article)
    services.article_publish(actor=world.committee, article=article)
    assert "支部新闻" in client.get(url).content.decode()
    services.article_withdraw(actor=world.committee, article=article)
    assert "支部新闻" not in client.get(url).content.decode()
    assert client.get(reverse("site:public-article", kwargs={"key": site.key, "pk": article.pk})).status_code == 404


def test_a_scheduled_article_appears_at_its_time_without_a_job(world, site, client, monkeypatch):
    article = _draft(world)
    services.article_submit(actor=world.secretary, article=article)
    when = timezone.now() + datetime.timedelta(hours=1)
    services.article_publish(actor=world.committee, article=article, publish_at=when)
    url = reverse("site:public-home", kwargs={"key": site.key})
    assert "支部新闻" not in client.get(url).content.decode()
    from chuxin.site import public

    later = when + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    from django.core.cache import cache

    cache.clear()  # the cached page expired at the scheduled moment (its timeout), as a real cache would drop it
    assert public._timeout(world.b1) == public.CACHE_SECONDS
    assert "支部新闻" in client.get(url).content.decode()


def test_every_save_keeps_a_version_and_an_old_one_can_be_restored(world):
    article = _draft(world)
    services.article_update(actor=world.secretary, article=article, title="改过的标题")
    article.refresh_from_db()
    assert article.version == 2
    first = article.versions.get(number=1)
    services.article_restore(actor=world.committee, version=first)
    article.refresh_from_db()
    assert (article.title, article.version) == ("支部新闻", 3)


def test_a_story_names_its_member_only_after_their_own_consent(world, site, client):
    story = _draft(world, kind=Article.Kind.STORY, title="先锋故事", member=world.member)
    services.article_submit(actor=world.secretary, article=story)
    services.article_publish(actor=world.committee, article=story)
    url = reverse("site:public-article", kwargs={"key": site.key, "pk": story.pk})
    assert world.member.name not in client.get(url).content.decode()
    with pytest.raises(PermissionDenied):
        services.consent_give(actor=world.secretary, article=story)
    services.consent_give(actor=world.member_user, article=story)
    assert world.member.name in client.get(url).content.decode()


def test_public_pages_show_no_contact_details(world, site, client):
    make_member(world.b1, "赵敏", phone="13912345678")
    body = client.get(reverse("site:public-home", kwargs={"key": site.key})).content.decode()
    assert "13912345678" not in body and "赵敏" not in body


def test_script_in_an_article_is_never_run(world, site, client):
    article = _draft(world, title="<script>alert(1)</script>标题", body="<p>正文</p><script>alert(2)</script>"
                                                                      "<img src=x onerror=alert(3)>")
    services.article_submit(actor=world.secretary, article=article)
    services.article_publish(actor=world.committee, article=article)
    body = client.get(reverse("site:public-article", kwargs={"key": site.key, "pk": article.pk})).content.decode()
    assert "<script>alert" not in body and "onerror" not in body
    assert "&lt;script&gt;alert(1)" in body


def test_a_picture_is_kept_in_sizes_and_a_non_picture_or_oversized_one_is_refused(world, settings):
    image = services.image_upload(actor=world.secretary, organization=world.b1,
                                  upload=SimpleUploadedFile("a.png", _png(), "image/png"))
    assert sorted(int(w) for w in image.variants) == [480, 960, 1200]
    assert "480w" in image.srcset
    with pytest.raises(ValidationError, match="不是.*图片|not a picture"):
        services.image_upload(actor=world.secretary, organization=world.b1,
                              upload=SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", "image/jpeg"))
    settings.CHUXIN_SITE_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError):
        services.image_upload(actor=world.secretary, organization=world.b1,
                              upload=SimpleUploadedFile("a.png", _png(), "image/png"))


def test_an_oversized_picture_on_the_form_keeps_what_was_typed(world, site, client_for, settings):
    settings.CHUXIN_SITE_IMAGE_MAX_BYTES = 1000
    client = client_for(world.secretary)
    response = client.post(f"{reverse('site:article-create')}?organization={world.b1.pk}", {
        "kind": "news", "title": "带图的新闻", "body": "正文", "picture": SimpleUploadedFile("a.png", _png())})
    assert response.status_code == 200
    assert "带图的新闻" in response.content.decode()
    assert not Article.objects.exists()


def test_a_superior_site_lists_its_subordinates(world, site, client):
    services.profile_save(actor=world.worker, organization=world.pc, slogan="党委")
    body = client.get(reverse("site:public-home", kwargs={"key": str(world.pc.pk)})).content.decode()
    assert world.b1.name in body


def test_the_home_page_from_cache_makes_no_query(world, site, client, django_assert_num_queries):
    url = reverse("site:public-home", kwargs={"key": site.key})
    client.get(url)
    # The site by its key and the page itself both come from the cache.
    with django_assert_num_queries(0):
        client.get(url)
    assert SiteProfile.objects.count() == 1


def test_a_site_closed_to_the_public_is_gone_at_once(world, site, client):
    url = reverse("site:public-home", kwargs={"key": site.key})
    assert client.get(url).status_code == 200
    services.profile_save(actor=world.secretary, organization=world.b1, is_public=False)
    assert client.get(url).status_code == 404
