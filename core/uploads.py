"""Checking uploaded files by what they contain, not by their name.

A file called `hoso.pdf` that is really a program is refused: the type is detected
from the first bytes with the `filetype` package."""

from __future__ import annotations

from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_MIME_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}
HEAD_BYTES = 8192


def validate_upload(f: IO[bytes] | Any, *, max_bytes: int = 10 * 1024 * 1024) -> str:
    """The detected MIME type of the uploaded file `f`; raises ValidationError (in Vietnamese)
    when it is too big, empty, or not a PDF, JPEG, PNG, DOC or DOCX document."""
    name = getattr(f, "name", "") or "tệp"
    size = getattr(f, "size", None)
    if size is None:
        f.seek(0, 2)
        size = f.tell()
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            code="too_big",
        )
    f.seek(0)
    head = f.read(HEAD_BYTES)
    f.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_MIME_TYPES:
        raise ValidationError(
            _("The file “%(name)s” is not a PDF, JPEG, PNG or Word document (its content was checked, not its name).")
            % {"name": name},
            code="bad_type",
        )
    return str(kind.mime)
