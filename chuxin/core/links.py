"""Links for long lists: reverse() once, then each row's URL by formatting its id.

reverse() walks the URL resolver on every call (~10-20 µs); a list that links every one of its hundreds of rows
(the workbench, a directive's matrix) paid that per row. `id_url` reverses once, with a marker in place of the
id, and returns a function that puts each id where the marker was: the same URL reverse() gives, the script
prefix included. Make it per request (not at import: the script prefix belongs to the request).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import reverse

_MARKER = 987654321  # an id no URL of the site otherwise contains


def id_url(name: str, kwarg: str = "pk") -> Callable[[int], str]:
    """A function id -> the URL `reverse(name, kwargs={kwarg: id})` gives, for a URL with one integer argument."""
    return ids_url(name, kwarg)


def ids_url(name: str, *kwargs: str) -> Callable[..., str]:
    """A function (id, id, ...) -> the URL `reverse(name, kwargs=dict(zip(kwargs, ids)))` gives, for a URL with
    integer arguments only, taken in the order of `kwargs`."""
    markers = [str(_MARKER + i) for i in range(len(kwargs))]
    url = reverse(name, kwargs={kwarg: _MARKER + i for i, kwarg in enumerate(kwargs)})
    pieces, order, start = [], [], 0
    for found in re.finditer("|".join(markers), url):
        pieces.append(url[start:found.start()])
        order.append(markers.index(found.group()))
        start = found.end()
    pieces.append(url[start:])
    if sorted(order) != list(range(len(kwargs))):
        raise ValueError(f"{name}'s URL does not show each of {', '.join(kwargs)} once")

    def url_of(*ids: int) -> str:
        parts = [pieces[0]]
        for piece, at in zip(pieces[1:], order, strict=True):
            parts += [str(int(ids[at])), piece]
        return "".join(parts)

    return url_of
