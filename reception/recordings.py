"""The checks an online session's recording passes before it is kept (Decree 154/2026: sessions
are recorded in audio and video): a video or audio file of a known kind, named as what it is, not
empty and within settings.CIVICDESK_RECORDING_MAX_MB; or an https address where it is kept."""

from __future__ import annotations

from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.uploads import HEAD_BYTES, check_name

# Detected type -> the extensions a file of that type may carry.
RECORDING_TYPES: dict[str, frozenset[str]] = {
    "video/mp4": frozenset({"mp4", "m4v"}),
    "video/webm": frozenset({"webm"}),
    "video/x-matroska": frozenset({"mkv"}),
    "video/quicktime": frozenset({"mov"}),
    "audio/mpeg": frozenset({"mp3"}),
    "audio/mp4": frozenset({"m4a", "mp4"}),
    "audio/ogg": frozenset({"ogg", "oga", "opus"}),
    "audio/x-wav": frozenset({"wav"}),
    "audio/webm": frozenset({"webm"}),
}
ALL_EXTENSIONS = frozenset(ext for exts in RECORDING_TYPES.values() for ext in exts)
ACCEPT = ",".join(sorted({f".{ext}" for exts in RECORDING_TYPES.values() for ext in exts}))


def max_bytes() -> int:
    return int(settings.CIVICDESK_RECORDING_MAX_MB) * 1024 * 1024


def validate_recording(f: IO[bytes] | Any) -> str:
    """The detected MIME type of the uploaded recording `f`; raises ValidationError (in the
    user's language) when its name is unsafe, it is empty or too big, or it is not a video or
    audio file of a known kind named with its extension."""
    name = getattr(f, "name", "") or ""
    try:
        extension = check_name(name, allowed=ALL_EXTENSIONS)
    except ValidationError as exc:
        if exc.code == "bad_type":
            raise _not_a_recording(name) from exc
        raise
    size = getattr(f, "size", None) or 0
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if size > max_bytes():
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            code="too_big",
        )
    f.seek(0)
    head = f.read(HEAD_BYTES)
    f.seek(0)
    kind = filetype.guess(head)
    mime = str(kind.mime) if kind is not None else ""
    if mime not in RECORDING_TYPES or extension not in RECORDING_TYPES[mime]:
        raise _not_a_recording(name)
    return mime


def _not_a_recording(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file “%(name)s” is not a video or audio recording (MP4, WebM, MKV, MOV, MP3, M4A, OGG or WAV) "
            "named with its own extension (its content was checked, not its name)."
        )
        % {"name": name},
        code="type",
    )


def validate_link(link: str) -> str:
    """An https address where the recording is kept."""
    link = link.strip()
    try:
        URLValidator(schemes=["https"])(link)
    except ValidationError as exc:
        raise ValidationError(_("Give the https:// address where the recording is kept."), code="link") from exc
    return link
