"""core.files: uploads are judged by their bytes, size and emptiness; downloads are safe."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientela.core.errors import ApplicationError
from clientela.core.files import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    stored_file_response,
    upload_check,
    upload_inspect,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            b'document.main+xml"/></Types>',
            "word/document.xml": b"<w:document/>",
        }
    )


def odt_bytes() -> bytes:
    return _zip({"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"})


def _refusal(upload, field="document") -> dict:
    with pytest.raises(ApplicationError) as caught:
        upload_check(field=field, upload=upload)
    return {"code": caught.value.code.value, "fields": caught.value.extra["fields"]}


@pytest.mark.parametrize(
    ("name", "content", "declared", "expected"),
    [
        ("contract.pdf", PDF_BYTES, "application/pdf", PDF),
        ("scan.png", PNG_BYTES, "image/png", PNG),
        ("scan.jpg", JPEG_BYTES, "image/jpeg", JPEG),
        ("contract.docx", docx_bytes(), "application/octet-stream", DOCX),
        ("contract.odt", odt_bytes(), "application/octet-stream", ODT),
        # The name and the browser's header do not matter, only the bytes.
        ("looks-like.txt", PDF_BYTES, "text/plain", PDF),
    ],
)
def test_upload_check_accepts_by_magic_bytes(name, content, declared, expected):
    assert upload_check(field="document", upload=SimpleUploadedFile(name, content, declared)) == (
        expected
    )


def test_upload_check_refuses_a_pdf_name_with_other_bytes():
    upload = SimpleUploadedFile(
        "contract.pdf", b"<html><script>alert(1)</script>", "application/pdf"
    )
    assert _refusal(upload) == {
        "code": "validation_error",
        "fields": {"document": ["only PDF, PNG, JPEG, DOCX or ODT documents are accepted"]},
    }


def test_upload_check_refuses_a_plain_zip_and_a_zip_with_another_mimetype():
    plain = SimpleUploadedFile("a.docx", _zip({"readme.txt": b"hi"}))
    sheet = SimpleUploadedFile(
        "a.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    )
    broken = SimpleUploadedFile("a.docx", b"PK\x03\x04 not really a zip")
    for upload in (plain, sheet, broken):
        assert _refusal(upload)["fields"] == {
            "document": ["only PDF, PNG, JPEG, DOCX or ODT documents are accepted"]
        }


def test_upload_check_refuses_an_empty_file_naming_the_field():
    assert _refusal(SimpleUploadedFile("empty.pdf", b""), field="attachment") == {
        "code": "validation_error",
        "fields": {"attachment": ["the file is empty"]},
    }


def test_upload_check_refuses_a_missing_file():
    assert _refusal(None)["fields"] == {"document": ["a file is required"]}


def test_upload_check_refuses_a_file_over_the_limit(settings):
    settings.CLIENTELA_MAX_UPLOAD_BYTES = 1024
    exactly = SimpleUploadedFile("ok.pdf", PDF_BYTES + b"0" * (1024 - len(PDF_BYTES)))
    assert upload_check(field="document", upload=exactly) == PDF
    over = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1025 - len(PDF_BYTES)))
    assert _refusal(over) == {
        "code": "validation_error",
        "fields": {"document": ["the file is too large (at most 1 KB)"]},
    }


def test_upload_check_states_the_limit_in_megabytes(settings):
    settings.CLIENTELA_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    over = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (2 * 1024 * 1024))
    assert _refusal(over)["fields"] == {"document": ["the file is too large (at most 2 MB)"]}


def test_upload_inspect_gives_size_digest_and_a_clean_name():
    import hashlib

    upload = SimpleUploadedFile('../../etc/Contract "v2".pdf', PDF_BYTES, "application/pdf")
    checked = upload_inspect(field="document", upload=upload)
    assert (checked.content_type, checked.size, checked.sha256, checked.original_name) == (
        PDF,
        len(PDF_BYTES),
        hashlib.sha256(PDF_BYTES).hexdigest(),
        "Contract v2.pdf",
    )
    assert upload.tell() == 0


def test_stored_file_response_is_an_attachment_with_nosniff(tmp_path, settings):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("x/abc.pdf", io.BytesIO(PDF_BYTES))

    class Field:
        def open(self, mode):
            return storage.open(name, mode)

    response = stored_file_response(
        file_field=Field(), filename="Contract v2.pdf", content_type=PDF
    )
    body = b"".join(response.streaming_content)
    response.file_to_stream.close()
    assert (
        body,
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        response["Content-Security-Policy"],
    ) == (
        PDF_BYTES,
        PDF,
        'attachment; filename="Contract v2.pdf"',
        "nosniff",
        "default-src 'none'; sandbox",
    )
