from chuxin.core.richtext import sanitize


def test_scripts_styles_and_handlers_are_removed():
    dirty = ('<p onclick="steal()">好<script>alert(1)</script><img src=x onerror="alert(2)">'
             '<style>p{color:red}</style><a href="javascript:x()">链接</a></p>')
    clean = sanitize(dirty)
    assert "script" not in clean and "alert" not in clean
    assert "onerror" not in clean and "onclick" not in clean and "style" not in clean
    assert "javascript" not in clean and "<img" not in clean and "<a" not in clean
    assert clean == "<p>好链接</p>"


def test_allowed_tags_stay_without_attributes():
    clean = sanitize('<h3 class="x">标题</h3><ul><li><strong>一</strong></li><li><em>二</em></li></ul>'
                     '<blockquote id="q">引</blockquote><ol><li>三</li></ol><h4>小</h4>')
    assert clean == ("<h3>标题</h3><ul><li><strong>一</strong></li><li><em>二</em></li></ul>"
                     "<blockquote>引</blockquote><ol><li>三</li></ol><h4>小</h4>")


def test_plain_text_keeps_paragraphs_and_line_breaks_and_is_escaped():
    assert sanitize("第一行\n第二行\n\n新段落 a<b") == "<p>第一行<br>第二行</p><p>新段落 a&lt;b</p>"
    assert sanitize("   ") == ""


def test_simple_paragraphs_go_back_to_the_textarea_as_plain_text_and_round_trip():
    from chuxin.core.richtext import to_editable

    for typed in ("第一行\n第二行\n\n新段落 a<b & c", "一段"):
        html = sanitize(typed)
        assert to_editable(html) == typed
        assert sanitize(to_editable(html)) == html
    rich = "<p>有<strong>重点</strong></p><ul><li>一</li></ul>"
    assert to_editable(rich) == rich  # richer text stays HTML
