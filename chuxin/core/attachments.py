"""Attachments: the one set of limits and checks for files people attach to their work, and the shared pieces of
"attach several files to a thing".

Every attachment is optional (paperwork such as a sign-in sheet may be attached, never demanded as proof). Apps
use these validators on their FileFields so that the size and the kinds of file allowed are the same everywhere.

Several files to one thing (a directive's notice and templates, a recipient's sign-in sheet, a report's
appendices): each app keeps its own rows, a concrete subclass of `Attachment` with a key to its owner, so the
owner's own access function guards the download (out of scope: 404). The form takes them with `AttachmentsField`
(the same checks, an error naming the file) and the download goes out through `attachment_response` (the original
name, RFC 5987 encoded for Chinese names, never shown inline). The list on a page is
templates/components/attachments.html.
"""

from __future__ import annotations

import os
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models, transaction
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "txt", "zip"]
ATTACHMENT_MAX_FILES = 10  # at one time, per form
ATTACHMENT_NAME_MAX = 200


def validate_attachment_size(file) -> None:
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The attachment is larger than %(mb)s MB.") % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )


# For a FileField: validators=ATTACHMENT_VALIDATORS.
ATTACHMENT_VALIDATORS = [FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment_size]

# What the first bytes of a file of each kind are: a program renamed "名单.pdf" is not a PDF. Office's old formats
# share one container (OLE), the new ones and zip another (a zip archive).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "doc": (_OLE,), "xls": (_OLE,), "ppt": (_OLE,),
    "docx": _ZIP, "xlsx": _ZIP, "pptx": _ZIP, "zip": _ZIP,
}
_PROGRAMS = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")


def kinds_display() -> str:
    """The kinds of file accepted, as people see them in a file's name: .pdf、.docx…"""
    return "、".join(f".{extension}" for extension in ATTACHMENT_EXTENSIONS)


def _head(file, n: int = 16) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(n)
    file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def check_attachment(file) -> None:
    """One uploaded file against the house's limits: its kind (by name, and by content: its first bytes must be
    what such a file starts with) and its size. The error names the file."""
    name = os.path.basename(getattr(file, "name", "") or "")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    params = {"name": name, "kinds": kinds_display(), "mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)}
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(_("“%(name)s” cannot be attached: only these kinds of file are accepted: %(kinds)s."),
                              code="extension", params=params)
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("“%(name)s” is larger than %(mb)s MB."), code="size", params=params)
    head = _head(file)
    expected = _SIGNATURES.get(extension)
    if head.startswith(_PROGRAMS) or (expected and not head.startswith(expected)) or (
            extension == "txt" and b"\x00" in head):
        raise ValidationError(_("“%(name)s” is not the kind of file its name says; it was not attached."),
                              code="content", params=params)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of files (up to ATTACHMENT_MAX_FILES), each checked by `check_attachment`; always optional.
    Cleans to a list of uploaded files (empty when none were chosen)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", _("Optional. Up to %(n)s files of %(mb)s MB each: %(kinds)s.") % {
            "n": ATTACHMENT_MAX_FILES, "mb": ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "kinds": kinds_display()})
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{e}" for e in ATTACHMENT_EXTENSIONS))

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > ATTACHMENT_MAX_FILES:
            raise ValidationError(_("Attach at most %(n)s files at a time.") % {"n": ATTACHMENT_MAX_FILES})
        errors = []
        for file in files:
            try:
                check_attachment(file)
            except ValidationError as error:
                errors.append(error)
        if errors:
            errors.append(ValidationError(_("Nothing was attached: choose the files again.")))
            raise ValidationError(errors)
        return files


def attachment_upload_to(instance, filename: str) -> str:
    """Stored under a random name (the original is kept in `name`): no name from outside reaches the disk."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"attachments/{instance._meta.app_label}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """One file attached to something; a concrete subclass adds the key to its owner (and its own ordering)."""

    file = models.FileField(_("file"), upload_to=attachment_upload_to, validators=ATTACHMENT_VALIDATORS,
                            max_length=200)
    name = models.CharField(_("file name"), max_length=ATTACHMENT_NAME_MAX)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("attached by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def size_display(self) -> str:
        return filesizeformat(self.size)

    @classmethod
    def from_upload(cls, upload, *, uploaded_by, **owner) -> Attachment:
        """An unsaved row for an uploaded file; the caller checks it (full_clean) and saves it."""
        name = os.path.basename(upload.name or "")[:ATTACHMENT_NAME_MAX] or "file"
        attachment = cls(name=name, size=upload.size, uploaded_by=uploaded_by, **owner)
        attachment.file.save(upload.name, upload, save=False)
        return attachment


def attachments_save(model: type[Attachment], uploads, *, uploaded_by, **owner) -> list[Attachment]:
    """Store the uploaded files as rows of `model` for `owner` (in the caller's transaction; the caller audits).
    Each is checked again here, so a caller that skipped the form is held to the same limits."""
    saved = []
    for upload in uploads or []:
        check_attachment(upload)
        attachment = model.from_upload(upload, uploaded_by=uploaded_by, **owner)
        attachment.full_clean(exclude=["file"])
        attachment.save()
        saved.append(attachment)
    return saved


def attachment_delete(attachment: Attachment) -> None:
    """Delete the row; the file goes once the transaction has committed (a rollback keeps both)."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def download_response(file, name: str) -> FileResponse:
    """A stored file as a download under `name` (Content-Disposition: attachment, with the RFC 5987 filename* for
    Chinese names), never sniffed into something a browser would run."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_response(attachment: Attachment) -> FileResponse:
    """An attachment under the name it was attached with."""
    return download_response(attachment.file, attachment.name)
