"""Pinyin keys of a name, for search. pypinyin's dictionaries take about 56 MB once loaded, so they are loaded on
the first name written (a member saved, an import, a seed), not when a page or a worker process starts: a web
worker that only reads never holds them, and with gunicorn's --preload the workers that do load them each pay
for it only when a member file is written."""


def name_keys(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三: the full pinyin and the initials, both lower case, for search."""
    from pypinyin import Style, lazy_pinyin  # lazy on purpose, see above

    syllables = [s.lower() for s in lazy_pinyin(name.strip(), style=Style.NORMAL, errors="ignore") if s.strip()]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables if s)[:50]
