"""Materialized paths for the organization tree.

A path is the concatenation of fixed-width base-36 steps, one per level ("0001", "00010003", ...).
A subtree is a range on the path column: [prefix, prefix + "Z" * padding]. A range, unlike LIKE 'x%',
uses the ordinary b-tree index on both SQLite and PostgreSQL whatever the database collation, because
paths contain only 0-9 and A-Z, which every collation orders the same way.
"""

from django.db.models import Q

STEP_LEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_DEPTH = 12
PATH_MAX_LEN = STEP_LEN * MAX_DEPTH


def encode_step(number: int) -> str:
    if number < 0 or number >= len(ALPHABET) ** STEP_LEN:
        raise ValueError("step out of range")
    digits = []
    for _ in range(STEP_LEN):
        number, rem = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rem])
    return "".join(reversed(digits))


def decode_step(step: str) -> int:
    value = 0
    for char in step:
        value = value * len(ALPHABET) + ALPHABET.index(char)
    return value


def next_child_path(parent_path: str, last_child_path: str | None) -> str:
    if last_child_path is None:
        return parent_path + encode_step(1)
    return parent_path + encode_step(decode_step(last_child_path[-STEP_LEN:]) + 1)


def subtree_q(prefix: str, field: str = "path") -> Q:
    """Rows whose `field` lies in the subtree rooted at `prefix` (the root included)."""
    return ranges_q(list(subtree_bounds(prefix)), field)


def subtree_bounds(prefix: str) -> tuple[str, str]:
    """The least and the greatest path in the subtree rooted at `prefix`: the range subtree_q filters on."""
    return prefix, prefix + "Z" * (PATH_MAX_LEN - len(prefix))


def ranges_q(bounds: list[str], field: str = "path") -> Q:
    """Rows whose `field` lies in one of the ranges `bounds` gives flat, [low, high, low, high, ...]
    (chuxin.core.access.scope_ranges): the filter subtree_q makes, from plain values, for a query compiled once
    (chuxin.core.db.PreparedExists) whose shape is the number of ranges. No range: no row."""
    if not bounds:
        return Q(pk__in=[])
    q = Q()
    for low, high in zip(bounds[::2], bounds[1::2], strict=True):
        q |= Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return q


def ancestor_paths(path: str) -> list[str]:
    """Every prefix of `path` that is a node, from the root down, `path` itself included."""
    return [path[:end] for end in range(STEP_LEN, len(path) + 1, STEP_LEN)]


def is_in_subtree(path: str, prefix: str) -> bool:
    return path.startswith(prefix)


def minimal_prefixes(paths: list[str]) -> list[str]:
    """Drop paths already covered by a shorter one, so a scope filter has as few ranges as possible."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept
