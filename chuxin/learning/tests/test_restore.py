"""Restoring damaged articles: the shared fixtures give exactly their expected article and clean text, and clean
text passes through unchanged."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chuxin.learning.restore import MAX_UPLOAD_BYTES, read_upload, restore

# The team's shared fixtures, copied into the repository so that a clean clone anywhere has them
# (chuxin/learning/fixtures); where the shared folder sits beside the checkout, the copies must be identical.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "article-import"
NAMES = sorted(path.name.removesuffix(".damaged.txt") for path in FIXTURES.glob("*.damaged.txt"))


def fixture(name: str, suffix: str) -> str:
    return (FIXTURES / f"{name}{suffix}").read_text(encoding="utf-8")


def test_the_fixtures_are_there_and_are_the_shared_ones_as_given():
    assert NAMES == ["a_sanhui", "b_jifen", "c_plain"]
    if not SHARED.is_dir():
        pytest.skip("the shared fixtures folder is not beside this checkout")
    shared = sorted(path.name for path in SHARED.iterdir())
    assert shared == sorted(path.name for path in FIXTURES.iterdir())
    for name in shared:
        assert (SHARED / name).read_bytes() == (FIXTURES / name).read_bytes(), name


@pytest.mark.parametrize("name", NAMES)
def test_a_damaged_fixture_gives_exactly_its_article_and_clean_text(name):
    restored = restore(fixture(name, ".damaged.txt"))
    assert restored.text == fixture(name, ".clean.txt")
    assert restored.article == json.loads(fixture(name, ".expected.json"))


@pytest.mark.parametrize("name", NAMES)
def test_a_clean_fixture_passes_through_unchanged(name):
    clean = fixture(name, ".clean.txt")
    restored = restore(clean)
    assert restored.text == clean
    assert restored.article == json.loads(fixture(name, ".expected.json"))
    assert {change.kind for change in restored.changes} <= {"footer"}


def test_every_change_is_listed_for_the_review_page():
    changes = restore(fixture("a_sanhui", ".damaged.txt")).changes
    kinds = {change.kind for change in changes}
    assert kinds == {"spam", "pinyin", "gbk", "traditional", "footer"}
    spam = [change for change in changes if change.kind == "spam"]
    assert spam[0].line == 1 and "在线观看" in spam[0].before
    repairs = {change.before: change.after for change in changes if change.kind == "gbk"}
    assert repairs["?1疚慕Y"] == "。本文結"
    assert repairs["?=M"] == "。組"
    assert repairs["?M瑫r"] == "。同時"
    footer = [change for change in changes if change.kind == "footer"]
    assert footer[0].before.startswith("猜你喜欢")


def test_the_split_gbk_runs_are_repaired_exactly_even_through_unusual_bytes():
    # A full-width form below "!" (A3 8C) shows as a control character; user-defined GBK areas as private use.
    assert restore("题\n\n正文开始?\x0cΨe分靠后。\n").text == "题\n\n正文开始。对积分靠后。\n"
    assert restore("题\n\n甲。黨支部?\x0c\ue794饵h員\n").text == "题\n\n甲。党支部。对于党员\n"


@pytest.mark.parametrize("text", [
    "为什么?好的。\n",          # a question mark in the author's own text
    "题\n\n版本 1.0?A 计划\n",   # ASCII after a question mark that is not a split run
    "题\n\n结果(ab)与(de)之外\n",  # brackets without tone marks are the author's
    "题\n\n著作和显著\n",          # 著 stays in 著作
])
def test_text_that_only_looks_damaged_is_left_alone(text):
    assert restore(text).text == text


def test_tone_marked_pinyin_is_removed_and_traditional_converted_with_taiwan_rules():
    assert restore("隨著時間推移(yí),參(cān)與(yǔ)者增加\n").text == "随着时间推移,参与者增加\n"


# Clean Chinese text: the characters and punctuation of the clean fixtures, in lines and paragraphs.
ALPHABET = sorted(set("".join(fixture(name, ".clean.txt") for name in NAMES)) - {"\n"})
LINE = st.text(alphabet=ALPHABET, min_size=1, max_size=60).map(str.strip).filter(bool)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(LINE, st.sampled_from(["\n", "\n\n"])), min_size=1, max_size=12))
def test_clean_chinese_text_is_left_unchanged(lines):
    text = "".join(line + end for line, end in lines[:-1]) + lines[-1][0] + "\n"
    restored = restore(text)
    assert restored.text == text
    assert [change.kind for change in restored.changes if change.kind != "footer"] == []


def test_a_gbk_text_file_is_read_and_a_binary_one_refused_with_a_clear_message():
    assert read_upload("党支部工作\n".encode("gb18030"), "文章.txt") == "党支部工作\n"
    assert read_upload("\ufeff党支部".encode(), "a.TXT") == "党支部"
    with pytest.raises(ValidationError) as refused:
        read_upload(b"\x00\x01\x02\xff\xfe\x00", "a.txt")
    assert "UTF-8" in str(refused.value)


def test_an_oversized_or_wrong_kind_of_file_is_refused():
    with pytest.raises(ValidationError):
        read_upload(b"a" * (MAX_UPLOAD_BYTES + 1), "a.txt")
    with pytest.raises(ValidationError):
        read_upload(b"MZ\x90\x00", "a.exe")


def test_a_saved_page_gives_its_text_without_scripts_styles_or_head():
    page = """<html><head><meta charset="gbk"><title>站点标题</title><script>alert(1)</script></head>
    <body><h1>党员活动日要办出特色</h1><style>p{color:red}</style><p>第一段&amp;内容。</p>
    <p>第二段<br>换行<script>document.write('x')</script></p><noscript>请启用</noscript></body></html>"""
    text = read_upload(page.encode("gbk"), "saved.html")
    assert text == "党员活动日要办出特色\n\n第一段&内容。\n\n第二段\n换行\n"
    assert "alert" not in text and "站点标题" not in text and "color" not in text
