"""The rotating self check-in: a signed token for the QR code and a six-digit code, both of one time window.

A window is WINDOW seconds; the host's screen shows the current one and refreshes. A code is accepted for the
current and the previous window only, so a photo of the screen forwarded later, or a code of another meeting, is
refused. Nothing is stored: the token is the meeting id and the window signed with the site's key (salted), the
six digits an HMAC of the same. Check-in is a convenience: the recorder's marks are the normal way.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

WINDOW = 30  # seconds
SALT = "chuxin.meetings.checkin"


def window_now(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW)


def token(meeting_id: int, window: int) -> str:
    return signing.Signer(salt=SALT).sign(f"{meeting_id}.{window}")


def six_digits(meeting_id: int, window: int) -> str:
    digest = hmac.new(f"{SALT}:{settings.SECRET_KEY}".encode(), f"{meeting_id}.{window}".encode(),
                      hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""  # "stale", "other_meeting", "invalid"


def check(meeting_id: int, code: str, now: float | None = None) -> Verdict:
    """Whether `code` (a QR token or six digits) checks in to `meeting_id` now."""
    code = (code or "").strip()
    current = window_now(now)
    if code.isdigit() and len(code) == 6:
        for window in (current, current - 1):
            if hmac.compare_digest(code, six_digits(meeting_id, window)):
                return Verdict(True)
        return Verdict(False, "invalid")
    try:
        value = signing.Signer(salt=SALT).unsign(code)
    except signing.BadSignature:
        return Verdict(False, "invalid")
    meeting_text, _sep, window_text = value.partition(".")
    if not (meeting_text.isdigit() and window_text.isdigit()):
        return Verdict(False, "invalid")
    if int(meeting_text) != meeting_id:
        return Verdict(False, "other_meeting")
    if int(window_text) not in (current, current - 1):
        return Verdict(False, "stale")
    return Verdict(True)


def qr_svg(data: str) -> str:
    """The QR code of `data` (the check-in link with its token) as inline SVG, for the host's screen."""
    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True,
                                     title=None, svgclass="cx-qr", lineclass=None)
    return out.getvalue().decode()
