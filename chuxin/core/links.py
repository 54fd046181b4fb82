"""Links for long lists: reverse() once, then each row's URL by formatting its id.

reverse() walks the URL resolver on every call (~10-20 µs); a list that links every one of its hundreds of rows
(the workbench, a directive's matrix) paid that per row. `id_url` reverses once, with a marker in place of the
id, and returns a function that puts each id where the marker was: the same URL reverse() gives, the script
prefix included. Make it per request (not at import: the script prefix belongs to the request).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_MARKER = 987654321  # an id no URL of the site otherwise contains


def id_url(name: str, kwarg: str = "pk") -> Callable[[int], str]:
    """A function id -> the URL `reverse(name, kwargs={kwarg: id})` gives, for a URL with one integer argument."""
    head, found, tail = reverse(name, kwargs={kwarg: _MARKER}).rpartition(str(_MARKER))
    if not found:
        raise ValueError(f"{name}'s URL does not show its {kwarg}")
    return lambda pk: f"{head}{int(pk)}{tail}"
