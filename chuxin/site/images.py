"""Pictures for the public site: checked by their content (not their name), bounded in bytes and pixels, and kept in
a few widths so a phone loads a small file (srcset)."""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

WIDTHS = (480, 960, 1600)
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


def max_bytes() -> int:
    return getattr(settings, "CHUXIN_SITE_IMAGE_MAX_BYTES", 5 * 1024 * 1024)


def resized(upload) -> tuple[int, int, dict[int, bytes]]:
    """(width, height, {width: JPEG bytes}) for an uploaded file; ValidationError in the user's language if it is too
    large or not a picture."""
    if upload.size > max_bytes():
        raise ValidationError(_("The picture is larger than %(mb)s MB. Choose a smaller one.")
                              % {"mb": max_bytes() // (1024 * 1024)}, code="too_large")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG", "GIF", "WEBP"):
                raise UnidentifiedImageError
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The picture has too many pixels."), code="too_large")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a picture (JPEG, PNG, GIF or WebP)."), code="not_image") from None
    out: dict[int, bytes] = {}
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    for width in sorted(set(widths)):
        copy = image.copy()
        copy.thumbnail((width, width * 4))
        buffer = io.BytesIO()
        copy.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
        out[width] = buffer.getvalue()
    return image.width, image.height, out


def store(organization_id: int, sizes: dict[int, bytes]) -> dict[str, str]:
    folder = f"site/{organization_id}/{secrets.token_hex(8)}"
    return {str(w): default_storage.save(f"{folder}/{w}.jpg", ContentFile(data)) for w, data in sizes.items()}
