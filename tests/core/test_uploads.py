"""core.uploads: a file's type is read from its content, not its name."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.uploads import validate_upload
from tests.files import doc_bytes, jpeg_bytes, pdf_bytes, png_bytes

PDF = pdf_bytes()
JPEG = jpeg_bytes()
PNG = png_bytes()
DOC = doc_bytes()


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("b.jpg", JPEG, "image/jpeg"),
        ("c.png", PNG, "image/png"),
        ("d.doc", DOC, "application/msword"),
        ("Đơn khiếu nại v.2.pdf", PDF, "application/pdf"),
        ("Đơn gửi UBND....pdf", PDF, "application/pdf"),
    ],
)
def test_accepted_types_are_detected_from_content(name, content, mime):
    assert validate_upload(SimpleUploadedFile(name, content)) == mime


def test_a_docx_is_recognised(tmp_path):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    upload = SimpleUploadedFile("d.docx", buffer.getvalue())
    assert validate_upload(upload) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_an_executable_named_pdf_is_refused_in_vietnamese():
    upload = SimpleUploadedFile("hoso.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload)
    assert "không phải là tài liệu PDF" in exc.value.messages[0] and "hoso.pdf" in exc.value.messages[0]


def test_a_zip_named_docx_without_word_content_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("virus.exe", "MZ")
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("d.docx", buffer.getvalue()))


def test_a_file_over_the_limit_is_refused_with_both_sizes():
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2048), max_bytes=1024)
    assert "big.pdf" in exc.value.messages[0] and "vượt giới hạn" in exc.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("empty.pdf", b""))


def test_the_file_is_rewound_for_whoever_saves_it():
    upload = SimpleUploadedFile("a.pdf", PDF)
    validate_upload(upload)
    assert upload.read(4) == b"%PDF"


def test_ordinary_word_and_pdf_features_are_not_mistaken_for_active_content():
    """A DOCX with pictures (Word stores icons as SVG with a PNG fallback) and printer settings,
    and a PDF that opens at its first page, are what offices send every day."""
    from tests.files import docx_bytes

    docx = docx_bytes(
        extra={
            "word/media/image1.png": PNG,
            "word/media/image2.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
            "word/printerSettings/printerSettings1.bin": b"\x00" * 64,
        }
    )
    assert validate_upload(SimpleUploadedFile("Đơn.docx", docx)).endswith("document")
    opens_at_page_one = PDF.replace(b"/Pages 2 0 R >>", b"/Pages 2 0 R /OpenAction [3 0 R /Fit] >>")
    assert b"/OpenAction" in opens_at_page_one
    assert validate_upload(SimpleUploadedFile("don.pdf", opens_at_page_one)) == "application/pdf"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("hoso.exe.pdf", "bad_name"),
        ("..%2Fhoso.pdf", "bad_name"),
        ("a%2f..%2f..%2fhoso.pdf", "bad_name"),
        ("hoso.pdf::$DATA", "bad_name"),
        ("hoso", "bad_name"),
        ("hoso.docx", "wrong_extension"),
        ("hoso.html", "bad_type"),
    ],
)
def test_unsafe_names_are_refused_before_the_content_is_read(name, code):
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile(name, PDF))
    assert exc.value.code == code
