from pypinyin import Style, lazy_pinyin


def name_keys(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三: the full pinyin and the initials, both lower case, for search."""
    syllables = [s.lower() for s in lazy_pinyin(name.strip(), style=Style.NORMAL, errors="ignore") if s.strip()]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables if s)[:50]
