"""The library: who sees what (a committee's items reach its subtree, a superior's flow down), Chinese full-text
search by jieba's words (the same on SQLite FTS5 and PostgreSQL), media served with ranges, hostile text made
harmless, the first opening as the read receipt."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chuxin.learning import selectors, services
from chuxin.learning.models import Item, Receipt

from .conftest import article


def titles(qs) -> set[str]:
    return {i.title for i in qs}


def test_a_member_sees_their_branch_and_what_flows_down_but_not_the_sibling(world, library):
    seen = titles(selectors.item_list(world.member_user))
    assert seen == {"坚持三会一课制度", "第一支部学习计划"}
    assert titles(selectors.item_list(world.worker)) == {"坚持三会一课制度", "第一支部学习计划", "第二支部学习心得"}
    assert titles(selectors.item_list(world.stranger)) == set()


def test_search_finds_an_article_by_a_two_character_word_inside_a_sentence(world, library):
    # "质量" stands inside "提高组织生活质量。" and is in no title: the words index, not a LIKE on titles.
    assert titles(selectors.item_list(world.worker, text="质量")) == {"坚持三会一课制度"}
    assert titles(selectors.item_list(world.worker, text="党章")) == {"第一支部学习计划"}
    assert titles(selectors.item_list(world.worker, text="调研")) == {"第二支部学习心得"}
    assert titles(selectors.item_list(world.worker, text="组织生活 质量")) == {"坚持三会一课制度"}
    assert titles(selectors.item_list(world.worker, text="质量 调研")) == set()  # every word must match
    assert titles(selectors.item_list(world.member_user, text="调研")) == set()  # the sibling's stays hidden


def test_search_follows_an_edit_and_ignores_hostile_query_syntax(world, library):
    item = library["b1"]
    services.item_update(actor=world.secretary, item=item, title=item.title, body="<p>开展主题党日活动。</p>")
    assert titles(selectors.item_list(world.secretary, text="党章")) == set()
    assert titles(selectors.item_list(world.secretary, text="主题党日")) == {"第一支部学习计划"}
    for hostile in ['"', "NEAR(", "a OR b*", "'; DROP TABLE learning_item; --", "*"]:
        list(selectors.item_list(world.secretary, text=hostile))  # no error


def test_the_library_page_searches(world, library, client_for):
    page = client_for(world.member_user).get(reverse("learning:library"), {"q": "质量"})
    assert page.status_code == 200
    assert "坚持三会一课制度" in page.content.decode() and "第一支部学习计划" not in page.content.decode()


def test_hostile_text_is_made_harmless(world, client_for):
    item = services.item_create(actor=world.secretary, organization=world.b1, kind=Item.Kind.ARTICLE,
                                title="<script>alert(1)</script>标题", summary="<img src=x onerror=alert(2)>",
                                body='<p onclick="x()">正文<script>alert(3)</script></p>', authors="<b>某</b>",
                                source="<i>刊</i>", tags=["<svg onload=alert(4)>"])
    assert "<script" not in item.body and "onclick" not in item.body
    html = client_for(world.member_user).get(item.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in html


def test_an_item_of_the_sibling_branch_is_not_found(world, library, client_for):
    client = client_for(world.member_user)
    assert client.get(library["b2"].get_absolute_url()).status_code == 404
    assert client.get(reverse("learning:item-edit", args=[library["pc"].pk])).status_code == 404  # not theirs
    assert client.get(reverse("learning:item-edit", args=[library["b1"].pk])).status_code == 403
    assert client.get(reverse("learning:item", args=[999999])).status_code == 404


def test_the_first_opening_is_the_read_receipt_and_only_the_first(world, library, client_for):
    client = client_for(world.member_user)
    item = library["pc"]
    client.get(item.get_absolute_url())
    first = Receipt.objects.get(item=item, member=world.member).opened_at
    client.get(item.get_absolute_url())
    assert Receipt.objects.filter(item=item, member=world.member).count() == 1
    assert Receipt.objects.get(item=item, member=world.member).opened_at == first
    client_for(world.worker).get(item.get_absolute_url())  # an account without a member file: no receipt
    assert Receipt.objects.filter(item=item).count() == 1


def _video(world, data: bytes = bytes(range(256)) * 40):
    return services.item_create(actor=world.secretary, organization=world.b1, kind=Item.Kind.VIDEO, title="党课视频",
                                upload=SimpleUploadedFile("课.mp4", data, content_type="video/mp4"))


def test_media_is_served_with_ranges_so_phones_can_seek(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = bytes(range(256)) * 40
    item = _video(world, data)
    client = client_for(world.member_user)
    url = reverse("learning:media", args=[item.pk])
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == data
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}" and part["Content-Length"] == "100"
    assert b"".join(part.streaming_content) == data[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == data[-10:]
    open_end = client.get(url, HTTP_RANGE="bytes=10000-")
    assert open_end.status_code == 206 and b"".join(open_end.streaming_content) == data[10000:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(data)}"
    assert whole["Content-Type"] == "video/mp4"
    assert client_for(world.outsider).get(url).status_code == 404


def test_an_oversized_or_wrong_media_file_is_refused_clearly(world, client_for, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "MEDIA_MAX_BYTES", 1000)
    client = client_for(world.secretary)
    url = reverse("learning:item-create") + f"?kind=video&organization={world.b1.pk}"
    page = client.post(url, {"title": "太大的视频", "file": SimpleUploadedFile("a.mp4", b"x" * 2000)})
    assert page.status_code == 200 and "MB" in page.content.decode()
    page = client.post(url, {"title": "不是视频", "file": SimpleUploadedFile("a.exe", b"MZ" * 10)})
    assert page.status_code == 200
    pdf = reverse("learning:item-create") + f"?kind=document&organization={world.b1.pk}"
    page = client.post(pdf, {"title": "假PDF", "file": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert page.status_code == 200
    assert not Item.objects.exists()


def test_a_pdf_is_shown_in_the_page(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = services.item_create(actor=world.secretary, organization=world.b1, kind=Item.Kind.DOCUMENT, title="党章",
                                upload=SimpleUploadedFile("党章.pdf", b"%PDF-1.4 test"))
    client = client_for(world.member_user)
    html = client.get(item.get_absolute_url()).content.decode()
    assert f'src="{reverse("learning:media", args=[item.pk])}"' in html and "<iframe" in html
    media = client.get(reverse("learning:media", args=[item.pk]))
    assert media["Content-Type"] == "application/pdf" and media["X-Frame-Options"] == "SAMEORIGIN"


def test_a_double_submit_publishes_once(world, client_for):
    client = client_for(world.secretary)
    url = reverse("learning:item-create") + f"?organization={world.b1.pk}"
    data = {"title": "一篇", "body": "<p>正文</p>", "token": "tok-1"}
    client.post(url, data)
    client.post(url, data)
    assert Item.objects.filter(title="一篇").count() == 1


def test_categories_and_topics_of_a_stranger_cannot_be_used(world):
    from django.core.exceptions import ValidationError

    topic = services.topic_create(actor=world.outsider, organization=world.b2, name="乡村振兴")
    try:
        article(world.b1, "题", "文", topic=topic)
    except ValidationError as error:
        assert "topic" in error.message_dict
    else:
        raise AssertionError("a sibling's topic was accepted")
