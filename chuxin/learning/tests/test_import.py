"""The article import's pages and command: paste or upload, review every change, publish (once) into the library
and, if asked, as required reading for chosen branches. Bad files get clear errors and nothing is published."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from chuxin.learning.models import ImportDraft, Item, Reading

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def damaged(name: str = "a_sanhui") -> str:
    return (FIXTURES / f"{name}.damaged.txt").read_text(encoding="utf-8")


def expected(name: str = "a_sanhui") -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_a_worker_pastes_reviews_and_publishes_as_required_reading_for_two_branches(world, client_for):
    client = client_for(world.worker)
    page = client.post(reverse("learning:import"), {"organization": world.pc.pk, "text": damaged()})
    draft = ImportDraft.objects.get()
    assert page.status_code == 302 and page["Location"] == draft.get_absolute_url()
    assert not Item.objects.exists()  # nothing published before the review
    review = client.get(draft.get_absolute_url()).content.decode()
    article = expected()
    assert article["title"] in review and article["source"] in review
    assert 'data-change="spam"' in review and 'data-change="gbk"' in review and 'data-change="pinyin"' in review
    assert 'data-change="traditional"' in review
    data = {"organizations": [world.b1.pk, world.b2.pk], "due_on": "2099-12-31", "tags": ""}
    published = client.post(draft.get_absolute_url(), data)
    item = Item.objects.get()
    assert published["Location"] == item.get_absolute_url()
    assert item.title == article["title"] and item.source == article["source"] and item.authors == "张三"
    assert str(item.published_on) == article["published"]
    assert set(item.tags.values_list("name", flat=True)) == set(article["keywords"])
    assert article["sections"][1]["heading"] in item.body
    reading = Reading.objects.get()
    assert set(reading.organizations.all()) == {world.b1, world.b2}
    client.post(draft.get_absolute_url(), data)  # sent again: the same article, the same reading
    assert Item.objects.count() == 1 and Reading.objects.count() == 1


def test_the_review_says_when_nothing_was_changed(world, client_for):
    client = client_for(world.worker)
    clean = (FIXTURES / "c_plain.clean.txt").read_text(encoding="utf-8")
    client.post(reverse("learning:import"), {"organization": world.pc.pk, "text": clean})
    review = client.get(ImportDraft.objects.get().get_absolute_url()).content.decode()
    assert 'data-change="' not in review or 'data-change="footer"' in review


def test_a_gb18030_text_file_and_a_saved_page_with_scripts_are_read_safely(world, client_for):
    client = client_for(world.worker)
    text = "学习党章\n\n全体党员认真学习党章，做合格党员。\n"
    client.post(reverse("learning:import"), {
        "organization": world.pc.pk, "upload": SimpleUploadedFile("a.txt", text.encode("gb18030"))})
    assert ImportDraft.objects.get().article["title"] == "学习党章"
    page = ("<html><head><title>x</title><script>alert('x')</script></head><body><h1>学习党章</h1>"
            "<p>全体党员认真学习党章。</p><script>document.write('坏')</script></body></html>")
    client.post(reverse("learning:import"), {
        "organization": world.pc.pk, "upload": SimpleUploadedFile("a.html", page.encode("utf-8"))})
    draft = ImportDraft.objects.order_by("-pk").first()
    assert "alert" not in draft.clean_text and "坏" not in draft.clean_text
    review = client.get(draft.get_absolute_url()).content.decode()
    assert "alert('x')" not in review and "document.write" not in review


@pytest.mark.parametrize(("name", "data"), [
    ("big.txt", b"a" * (2 * 1024 * 1024 + 1)),
    ("program.exe", b"MZ\x90\x00"),
    ("empty.txt", b""),
])
def test_bad_files_get_a_clear_error_and_nothing_is_kept(world, client_for, name, data):
    client = client_for(world.worker)
    page = client.post(reverse("learning:import"), {
        "organization": world.pc.pk, "upload": SimpleUploadedFile(name, data)})
    assert page.status_code == 200
    assert 'class="invalid-feedback' in page.content.decode() or "alert-danger" in page.content.decode()
    assert not ImportDraft.objects.exists()


def test_someone_elses_import_is_not_found(world, client_for):
    client_for(world.worker).post(reverse("learning:import"), {"organization": world.pc.pk, "text": damaged()})
    draft = ImportDraft.objects.get()
    assert client_for(world.secretary).get(draft.get_absolute_url()).status_code in (403, 404)
    assert client_for(world.outsider).post(draft.get_absolute_url(), {}).status_code in (403, 404)
    assert client_for(world.member_user).post(reverse("learning:import"), {"text": damaged()}).status_code == 403


@pytest.mark.parametrize("name", ["a_sanhui", "b_jifen", "c_plain"])
def test_the_command_prints_the_expected_json(name):
    out = StringIO()
    call_command("import_article", str(FIXTURES / f"{name}.damaged.txt"), "--json", stdout=out)
    assert json.loads(out.getvalue()) == expected(name)
    assert "\\u" not in out.getvalue()  # Chinese as it is (ensure_ascii=False)


def test_the_command_refuses_a_missing_or_wrong_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_article", str(tmp_path / "none.txt"), "--json")
    bad = tmp_path / "x.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CommandError):
        call_command("import_article", str(bad), "--json")
