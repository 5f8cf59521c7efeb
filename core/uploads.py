"""Checking uploaded files by what they contain, not by their name, and handing them back safely.

A file called `hoso.pdf` that is really a program is refused: the type is detected from the
first bytes with the `filetype` package, then each accepted type is opened up and checked for
what would make it dangerous (S5 in docs/security.md):

- the name: no path, no control characters, no hidden second extension (`hoso.exe.pdf`),
  and an extension that agrees with the content (a PDF called `.docx` is refused);
- PDF: no JavaScript, launch actions, embedded files, rich media or form submission (also
  looked for inside compressed object streams), no HTML appended or prepended;
- PNG and JPEG: a picture Pillow can read, of at most 50 megapixels (decompression bombs),
  nothing after the end of a PNG, no HTML or script anywhere in the bytes (polyglots);
- DOCX: a real Word package (`word/document.xml`), no macros (`vbaProject.bin`, macro-enabled
  content types), no ActiveX or embedded OLE programs, no encryption, and no zip bomb (at most
  1,000 entries, 100 MB unpacked, 100:1 per entry);
- DOC: a Word 97 file with its `WordDocument` stream and no VBA project.

Accepted files are handed to staff only by `attachment_response`: a download, never a page.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF_MIME = "application/pdf"
JPEG_MIME = "image/jpeg"
PNG_MIME = "image/png"
DOC_MIME = "application/msword"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ALLOWED_MIME_TYPES: dict[str, str] = {
    PDF_MIME: "PDF",
    JPEG_MIME: "JPEG",
    PNG_MIME: "PNG",
    DOC_MIME: "DOC",
    DOCX_MIME: "DOCX",
}
# The extensions a file of each type may carry. A photo's .jpg/.png may be swapped (phones
# do it; both are pictures); a document's may not.
EXTENSIONS: dict[str, frozenset[str]] = {
    PDF_MIME: frozenset({"pdf"}),
    JPEG_MIME: frozenset({"jpg", "jpeg", "jpe", "jfif", "png"}),
    PNG_MIME: frozenset({"png", "jpg", "jpeg"}),
    DOC_MIME: frozenset({"doc"}),
    DOCX_MIME: frozenset({"docx"}),
}
ALLOWED_EXTENSIONS = frozenset().union(*EXTENSIONS.values())
HEAD_BYTES = 8192
MAX_IMAGE_PIXELS = 50_000_000
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNPACKED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_PDF_INFLATE = 20 * 1024 * 1024

# HTML or script that a browser or a server would run if the bytes were ever read as a page.
ACTIVE_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|frameset|!doctype\s+html)\b|<\?php|\bjavascript:",
    re.IGNORECASE,
)
# PDF names that run something, open something or hide another file.
PDF_ACTIVE_NAMES = frozenset(
    {b"javascript", b"js", b"launch", b"embeddedfile", b"embeddedfiles", b"richmedia", b"submitform", b"importdata"}
)
PDF_NAME = re.compile(rb"/([A-Za-z0-9#]+)")
PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"stream\r?\n")
ENCODED_SEPARATOR = re.compile(r"%(?:2f|5c|00)", re.IGNORECASE)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _refuse_name(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file name “%(name)s” is not accepted: give the file a plain name that ends in "
            ".pdf, .jpg, .png, .doc or .docx."
        )
        % {"name": name},
        code="bad_name",
    )


def _refuse_type(name: str) -> ValidationError:
    return ValidationError(
        _("The file “%(name)s” is not a PDF, JPEG, PNG or Word document (its content was checked, not its name).")
        % {"name": name},
        code="bad_type",
    )


def _refuse_active(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file “%(name)s” contains scripts, macros or embedded programs, which are not accepted: "
            "save it again as a plain PDF, picture or Word document (.docx)."
        )
        % {"name": name},
        code="active_content",
    )


def _refuse_damaged(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file “%(name)s” is damaged or built in an unusual way (for example a compressed file that "
            "unpacks to an enormous size), so it is not accepted."
        )
        % {"name": name},
        code="damaged",
    )


# Second extensions that betray a trick ("hoso.exe.pdf"): programs, scripts, pages, macro
# documents, archives. Ordinary dots in a name ("Đơn v.1.pdf") are fine.
HIDDEN_EXTENSIONS = frozenset(
    {
        "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "jar", "js", "jse", "vbs", "vbe",
        "wsf", "wsh", "ps1", "psm1", "sh", "bash", "zsh", "csh", "py", "pl", "rb", "php", "phtml", "asp",
        "aspx", "jsp", "cgi", "htm", "html", "xhtml", "shtml", "svg", "svgz", "xsl", "hta", "lnk",
        "reg", "inf", "iso", "vhd", "apk", "dmg", "deb", "rpm", "elf", "swf", "docm", "dotm", "xlsm",
        "xltm", "pptm", "potm", "ppsm", "sldm", "zip", "rar", "7z", "gz", "tar",
    }
)  # fmt: skip


def check_name(name: str) -> str:
    """The extension of a safe upload name (lower case); raises ValidationError otherwise.

    Django has already cut any directory off the name a browser sends and dropped control
    characters; what is left must still be a plain name: no encoded separator or NUL (`%2F`,
    `%5C`, `%00`, for whatever decodes it later), no drive or stream (`:`), no leading dot, and
    no second extension of another kind before the last one. ("Đơn...pdf" is fine: without a
    separator, dots are only dots.)"""
    if (
        not name
        or not name.isprintable()
        or any(ch in name for ch in "/\\:\x00<>")
        or ENCODED_SEPARATOR.search(name)
        or name.startswith(".")
        or name != name.strip()
        or name.endswith(".")
    ):
        raise _refuse_name(name)
    parts = name.lower().split(".")
    if len(parts) < 2 or not parts[0].strip():
        raise _refuse_name(name)
    extension = parts[-1]
    if extension not in ALLOWED_EXTENSIONS:
        raise _refuse_type(name)
    # "hoso.exe.pdf", "anh.html.png": a hidden second extension is a trick, whatever follows.
    # Ordinary dots in a name ("Đơn v.1.pdf", "CV_Nguyen.A.docx") are fine.
    if any(part in HIDDEN_EXTENSIONS for part in parts[1:-1]):
        raise _refuse_name(name)
    return extension


def validate_upload(f: IO[bytes] | Any, *, max_bytes: int = 10 * 1024 * 1024) -> str:
    """The detected MIME type of the uploaded file `f`; raises ValidationError (in Vietnamese)
    when its name is unsafe, it is too big or empty, it is not a PDF, JPEG, PNG, DOC or DOCX
    document, or it carries active content (see the module's docstring)."""
    name = getattr(f, "name", "") or ""
    extension = check_name(name)
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
    data = f.read(max_bytes + 1)
    f.seek(0)
    if len(data) > max_bytes:  # the size the upload claimed was not the truth
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes)},
            code="too_big",
        )
    kind = filetype.guess(data[:HEAD_BYTES])
    if kind is None or kind.mime not in ALLOWED_MIME_TYPES:
        raise _refuse_type(name)
    mime = str(kind.mime)
    if extension not in EXTENSIONS[mime]:
        raise ValidationError(
            _(
                "The file “%(name)s” is named as .%(extension)s but is a %(kind)s file: rename it with the "
                "right extension or choose the right file."
            )
            % {"name": name, "extension": extension, "kind": ALLOWED_MIME_TYPES[mime]},
            code="wrong_extension",
        )
    CHECKS[mime](name, data)
    return mime


def _check_pdf(name: str, data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise _refuse_type(name)
    if ACTIVE_MARKUP.search(data):
        raise _refuse_active(name)
    if _pdf_has_active_names(data):
        raise _refuse_active(name)
    # Dictionaries may hide in compressed object streams (PDF 1.5+): read those too.
    budget = MAX_PDF_INFLATE
    for match in PDF_STREAM.finditer(data):
        before = data[max(0, match.start() - 300) : match.start()]
        if b"/ObjStm" not in before and b"/XRef" not in before:
            continue
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[match.end() :], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        if budget <= 0:
            raise _refuse_damaged(name)
        if _pdf_has_active_names(inflated) or ACTIVE_MARKUP.search(inflated):
            raise _refuse_active(name)


def _pdf_has_active_names(data: bytes) -> bool:
    for match in PDF_NAME.finditer(data):
        raw = match.group(1)
        if b"#" in raw:
            raw = PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        if raw.lower() in PDF_ACTIVE_NAMES:
            return True
    return False


def _check_image(name: str, data: bytes) -> None:
    from PIL import Image

    if ACTIVE_MARKUP.search(data):
        raise _refuse_active(name)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse_damaged(name)
            image.verify()
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken picture
        raise _refuse_damaged(name) from exc
    if data.startswith(b"\x89PNG"):
        end = data.rfind(b"IEND\xaeB`\x82")
        if end < 0 or data[end + 8 :].strip(b"\x00\r\n\t "):
            raise _refuse_damaged(name)


def _check_docx(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise _refuse_damaged(name)
            unpacked = 0
            names = set()
            for entry in entries:
                unpacked += entry.file_size
                if entry.flag_bits & 0x1:  # encrypted
                    raise _refuse_damaged(name)
                if entry.file_size > 1024 * 1024 and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
                    raise _refuse_damaged(name)
                lowered = entry.filename.lower()
                names.add(lowered)
                base = lowered.rsplit("/", 1)[-1]
                if base == "vbaproject.bin" or base.startswith(("oleobject", "activex")):
                    raise _refuse_active(name)
                if lowered.endswith((".exe", ".dll", ".js", ".vbs", ".html", ".htm", ".hta", ".docm", ".xlsm")):
                    raise _refuse_active(name)
            if unpacked > MAX_ZIP_UNPACKED:
                raise _refuse_damaged(name)
            if "word/document.xml" not in names or "[content_types].xml" not in names:
                raise _refuse_type(name)
            with archive.open("[Content_Types].xml") as handle:
                types = handle.read(1024 * 1024).lower()
            if b"macroenabled" in types or b"vbaproject" in types or b"activex" in types:
                raise _refuse_active(name)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise _refuse_damaged(name) from exc


def _check_doc(name: str, data: bytes) -> None:
    if _utf16("WordDocument") not in data:
        raise _refuse_type(name)
    lowered = data.lower()
    if _utf16("_vba_project") in lowered or _utf16("macros") in lowered or _utf16("vba") + b"\x00\x00" in lowered:
        raise _refuse_active(name)


CHECKS = {
    PDF_MIME: _check_pdf,
    JPEG_MIME: _check_image,
    PNG_MIME: _check_image,
    DOCX_MIME: _check_docx,
    DOC_MIME: _check_doc,
}


def attachment_response(fileobj: IO[bytes] | Any, *, filename: str, mime: str) -> FileResponse:
    """A stored upload handed to a staff member: always a download, never a page.

    `Content-Disposition: attachment` (the browser saves it), the detected type when it is one
    we accept and `application/octet-stream` otherwise, `nosniff` (no guessing it is HTML), and
    `Content-Security-Policy: sandbox` (should a browser still render it, it runs in an opaque
    origin with no script and no access to the portal's cookies or pages)."""
    content_type = mime if mime in ALLOWED_MIME_TYPES else "application/octet-stream"
    response = FileResponse(fileobj, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
