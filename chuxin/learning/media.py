"""Serving the library's videos, audio and PDFs with HTTP range requests, so a phone's player can seek.

A request with `Range: bytes=a-b` (one range; the players ask for one) gets 206 with that part and its
Content-Range; a range past the end gets 416; without Range, 200 with the whole file. Every answer says
Accept-Ranges: bytes. Shown inline (the browser's own player and PDF viewer), never sniffed into anything else.
"""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

CONTENT_TYPES = {
    "mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "mp3": "audio/mpeg", "m4a": "audio/mp4",
    "ogg": "audio/ogg", "wav": "audio/wav", "pdf": "application/pdf",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def _chunks(handle, start: int, length: int):
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def ranged_response(request, file, name: str):
    content_type = content_type_of(name)
    size = file.size
    header = request.headers.get("Range", "").strip()
    match = _RANGE.match(header) if header else None
    if match is None or (not match.group(1) and not match.group(2)):
        response = FileResponse(file.open("rb"), content_type=content_type)
    else:
        first, last = match.groups()
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        if start >= size or end < start:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response
        length = end - start + 1
        response = StreamingHttpResponse(_chunks(file.open("rb"), start, length), status=206,
                                         content_type=content_type)
        response["Content-Length"] = str(length)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
