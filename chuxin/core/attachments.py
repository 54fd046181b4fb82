"""Attachments: the one set of limits and checks for files people attach to their work.

Every attachment is optional (paperwork such as a sign-in sheet may be attached, never demanded as proof). Apps
use these validators on their FileFields so that the size and the kinds of file allowed are the same everywhere.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "txt", "zip"]


def validate_attachment_size(file) -> None:
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The attachment is larger than %(mb)s MB.") % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )


# For a FileField: validators=ATTACHMENT_VALIDATORS.
ATTACHMENT_VALIDATORS = [FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment_size]
