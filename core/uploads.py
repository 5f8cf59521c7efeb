"""Checking uploaded files by what they contain, not by their name, and handing them back safely.

A file called `hoso.pdf` that is really a program is refused: the type is detected from the
first bytes with the `filetype` package, then each accepted type is opened up and checked for
what would make it dangerous (S5 in docs/security.md):

- the name: no path, no control characters, no hidden second extension (`hoso.exe.pdf`),
  and an extension that agrees with the content (a PDF called `.docx` is refused);
- PDF: no JavaScript, launch actions, embedded files, rich media or form submission, looked
  for in the file and in every stream decoded through its filters (Flate, ASCIIHex, ASCII85,
  chained, object streams inside), within 20 MB of decoding; no HTML anywhere (appended,
  prepended, or a tag with an event handler such as `<img onerror>`);
- PNG and JPEG: a picture Pillow can read, of at most 50 megapixels (decompression bombs),
  nothing after the end of a PNG, no HTML or script anywhere in the bytes (polyglots); then
  drawn again (`_reencode_image`), so that only pixels are stored: trailing payloads, comments
  and metadata are dropped;
- DOCX: a real Word package (`word/document.xml`), no macros (`vbaProject.bin`, macro-enabled
  content types), no ActiveX or embedded OLE programs, no relationship loading something from
  elsewhere (a remote `attachedTemplate`, an external OLE object, sub-document, frame or
  picture; links are kept), no encryption, and no zip bomb (at most 1,000 entries, 100 MB
  unpacked, 100:1 per entry, counted on the bytes really unpacked, not the sizes declared);
- DOC: a Word 97 file with its `WordDocument` stream and no VBA project.

Accepted files are handed to staff only by `attachment_response`: a download, never a page.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Collection
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

# HTML or script that a browser or a server would run if the bytes were ever read as a page:
# the tags, and any tag with an event handler (`<img src=x onerror=…>`).
ACTIVE_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|frameset|!doctype\s+html)\b|<\?php|\bjavascript:"
    rb"|<\s*[a-z][a-z0-9]*\b[^<>]{0,500}?[\s/\"']on[a-z]{3,}\s*=",
    re.IGNORECASE,
)
# PDF names that run something, open something or hide another file.
PDF_ACTIVE_NAMES = frozenset(
    {b"javascript", b"js", b"launch", b"embeddedfile", b"embeddedfiles", b"richmedia", b"submitform", b"importdata"}
)
PDF_NAME = re.compile(rb"/([A-Za-z0-9#]+)")
PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"stream\r?\n")
PDF_OBJECT_START = re.compile(rb"\d+\s+\d+\s+obj\b")
PDF_FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9#]+)")
PDF_NESTING = 4  # streams inside decoded streams (an object stream's objects) are read this deep
# Relationships of a Word package that fetch something from elsewhere when the file opens
# (a template, an OLE object, a sub-document, a frame, a picture): only links may point out.
OOXML_EXTERNAL = re.compile(rb"<Relationship\b[^>]*TargetMode\s*=\s*[\"']External[\"'][^>]*>", re.IGNORECASE)
OOXML_LINK = re.compile(rb"Type\s*=\s*[\"'][^\"']*/hyperlink[\"']", re.IGNORECASE)
OOXML_ATTACHED_TEMPLATE = re.compile(rb"attachedTemplate", re.IGNORECASE)
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


def check_name(name: str, *, allowed: Collection[str] | None = None) -> str:
    """The extension of a safe upload name (lower case), one of `allowed` (by default the
    document and image kinds above); raises ValidationError otherwise.

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
    if extension not in (ALLOWED_EXTENSIONS if allowed is None else allowed):
        raise _refuse_type(name)
    # "hoso.exe.pdf", "anh.html.png": a hidden second extension is a trick, whatever follows.
    # Ordinary dots in a name ("Đơn v.1.pdf", "CV_Nguyen.A.docx") are fine.
    if any(part in HIDDEN_EXTENSIONS for part in parts[1:-1]):
        raise _refuse_name(name)
    return extension


# What the browser lets a citizen choose (static/js/file_check.js): the usual extensions of
# the accepted types. The server still judges each file by its content.
UPLOAD_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "doc", "docx")


def checked_in_browser(max_bytes: int, max_files: int) -> dict[str, Any]:
    """The attributes of a file input that static/js/file_check.js reads: the limits, and its
    messages translated. The script refuses a file too big, of another type, or one too many,
    before anything is sent."""
    return {
        "accept": ",".join(f".{e}" for e in UPLOAD_EXTENSIONS),
        "data-max-bytes": str(max_bytes),
        "data-max-files": str(max_files),
        "data-extensions": ",".join(UPLOAD_EXTENSIONS),
        "data-msg-size": gettext_lazy("“{name}” is {size}: more than the {max} allowed. It was not added."),
        "data-msg-type": gettext_lazy("“{name}” is not a PDF, JPEG, PNG or Word file. It was not added."),
        "data-msg-count": gettext_lazy("“{name}” was not added: at most {max} files."),
    }


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
    if mime in (JPEG_MIME, PNG_MIME):
        _replace_content(f, _reencode_image(name, data, mime))
    return mime


def _reencode_image(name: str, data: bytes, mime: str) -> bytes:
    """The picture drawn again by Pillow: what is stored is pixels only, so bytes hidden after
    the image or in its comments and metadata (a second file, markup, the phone's GPS
    position) are dropped. The camera's rotation is applied first, so the picture stays upright."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            upright.info = {}  # Pillow would write the comment and metadata back: pixels only
            out = io.BytesIO()
            if mime == JPEG_MIME:
                upright.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                keep = upright if upright.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else upright.convert("RGBA")
                keep.save(out, format="PNG")
    except Exception as exc:  # Pillow raises many kinds for a broken picture
        raise _refuse_damaged(name) from exc
    return out.getvalue()


def _replace_content(f: Any, content: bytes) -> None:
    """Put `content` in place of the uploaded file's bytes (Django keeps an upload in memory or
    in a temporary file; both are rewritten)."""
    handle = getattr(f, "file", f)
    handle.seek(0)
    handle.truncate()
    handle.write(content)
    handle.seek(0)
    if hasattr(f, "size"):
        f.size = len(content)


def _check_pdf(name: str, data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise _refuse_type(name)
    budget = [MAX_PDF_INFLATE]
    _check_pdf_bytes(name, data, budget, depth=0)


def _check_pdf_bytes(name: str, data: bytes, budget: list[int], *, depth: int) -> None:
    """Look for active names and markup in `data`, then in every stream it holds, decoded
    through its filters (Flate, ASCIIHex, ASCII85, in the order the dictionary lists them):
    an object stream's dictionaries are read like the file's own, however long the stream's
    dictionary. `budget` caps the bytes all decoding may produce (a bomb is refused)."""
    if ACTIVE_MARKUP.search(data) or _pdf_has_active_names(data):
        raise _refuse_active(name)
    if depth >= PDF_NESTING:
        return
    for match in PDF_STREAM.finditer(data):
        objects = list(PDF_OBJECT_START.finditer(data, max(0, match.start() - 64 * 1024), match.start()))
        header = data[objects[-1].end() if objects else max(0, match.start() - 4096) : match.start()]
        filters = _pdf_filters(header)
        end = data.find(b"endstream", match.end())
        raw = data[match.end() : end if end >= 0 else len(data)]
        decoded = _pdf_decode(raw, filters, budget)
        if budget[0] <= 0:
            raise _refuse_damaged(name)
        if decoded is not None and decoded is not raw:
            _check_pdf_bytes(name, decoded, budget, depth=depth + 1)


def _pdf_filters(header: bytes) -> list[bytes]:
    found = PDF_FILTERS.search(header)
    if found is None:
        return []
    names = [PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), n) for n in PDF_NAME.findall(found.group(1))]
    return [n.lower() for n in names]


def _pdf_decode(raw: bytes, filters: list[bytes], budget: list[int]) -> bytes | None:
    """`raw` through `filters`; None when a filter is unknown or the data does not decode (the
    raw bytes were already searched)."""
    import base64
    import binascii

    data = raw
    for name in filters:
        try:
            if name in (b"flatedecode", b"fl"):
                inflater = zlib.decompressobj()
                data = inflater.decompress(data, max(budget[0], 1))
                budget[0] -= len(data)
                if budget[0] <= 0:
                    return data
            elif name in (b"asciihexdecode", b"ahx"):
                digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
                data = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
            elif name in (b"ascii85decode", b"a85"):
                text = data.strip()
                text = text[2:] if text.startswith(b"<~") else text
                data = base64.a85decode(text.split(b"~>", 1)[0], ignorechars=b" \t\r\n\x0c")
            else:
                return None
        except (zlib.error, ValueError, binascii.Error):
            return None
    return data


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
            # The sizes above are what the package declares: unpack every entry for real, within
            # the same limits (an entry declaring 1 KB that inflates to 200 MB stops at its limit,
            # and its checksum then fails), and read the relationships on the way.
            budget = MAX_ZIP_UNPACKED
            for entry in entries:
                with archive.open(entry) as handle:
                    produced, relationships = 0, b""
                    while chunk := handle.read(1024 * 1024):
                        produced += len(chunk)
                        budget -= len(chunk)
                        if budget < 0 or (
                            produced > 1024 * 1024 and produced > MAX_ZIP_RATIO * max(entry.compress_size, 1)
                        ):
                            raise _refuse_damaged(name)
                        if entry.filename.lower().endswith(".rels") and len(relationships) < 4 * 1024 * 1024:
                            relationships += chunk
                if relationships and _has_external_content(relationships):
                    raise _refuse_active(name)
            with archive.open("[Content_Types].xml") as handle:
                types = handle.read(1024 * 1024).lower()
            if b"macroenabled" in types or b"vbaproject" in types or b"activex" in types:
                raise _refuse_active(name)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, zlib.error, RuntimeError) as exc:
        raise _refuse_damaged(name) from exc


def _has_external_content(relationships: bytes) -> bool:
    """A relationship that loads something from elsewhere (a remote template, an external OLE
    object, sub-document, frame or picture); links to web pages are kept."""
    for match in OOXML_EXTERNAL.finditer(relationships):
        tag = match.group(0)
        if OOXML_ATTACHED_TEMPLATE.search(tag) or not OOXML_LINK.search(tag):
            return True
    return False


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
