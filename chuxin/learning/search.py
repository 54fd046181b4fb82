"""Chinese full-text search of the library: words segmented by jieba, the same words on both databases.

Each item keeps `search_words`: its title, summary and text as jieba's search mode segments them (long words also
give their shorter words: 中华人民共和国 -> 中华 华人 人民 共和 共和国 ...), space separated. A query is segmented
the same way and every word must match:

- PostgreSQL: `to_tsvector('simple', search_words) @@ plainto_tsquery('simple', words)` with a GIN index on the
  same expression (migration 0002): the 'simple' configuration keeps the words as they are;
- SQLite: an FTS5 table over the same column (external content, kept by triggers), queried with the words
  quoted and joined by AND.

Both find the same items for the same query: the words are made in Python, the databases only match them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import strip_tags

_WORD = re.compile(r"\w", re.UNICODE)
MAX_QUERY_WORDS = 12


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str) -> list[str]:
    """The words of `text` for the index: jieba's search mode, lower-cased, punctuation and spaces dropped."""
    found = []
    for word in _jieba().cut_for_search(text or ""):
        word = word.strip().lower()
        if word and _WORD.search(word):
            found.append(word)
    return found


def query_words(text: str) -> list[str]:
    """The words a query must all match: jieba's precise mode (a query's words are the reader's own), unique."""
    seen: list[str] = []
    for word in _jieba().cut((text or "")[:200]):
        word = word.strip().lower()
        if word and _WORD.search(word) and word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def index_text(*parts: str) -> str:
    return " ".join(words(" ".join(strip_tags(p or "") for p in parts)))


def search(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` (of library items) narrowed to those matching every word of `text`."""
    terms = query_words(text)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        # A condition on the item's own row (not a subquery): the planner walks the GIN index for a rare word and
        # the primary key for a common one, as the statistics say.
        return queryset.filter(RawSQL(
            "to_tsvector('simple', learning_item.search_words) @@ plainto_tsquery('simple', %s)", [" ".join(terms)],
            output_field=BooleanField()))
    match = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
    return queryset.filter(pk__in=RawSQL("SELECT rowid FROM learning_item_fts WHERE learning_item_fts MATCH %s",
                                         [match]))


def reindex(items: Iterable) -> None:
    """Recompute the words of items changed outside the services (a migration, the benchmark's bulk insert)."""
    from .models import Item

    for item in items:
        Item.objects.filter(pk=item.pk).update(search_words=index_text(item.title, item.summary, item.body))
