"""Uploaded files: checked on the way in, streamed with care on the way out.

Guarantees:
- `upload_check` accepts a file only when it is non-empty, no larger than
  `settings.CLIENTELA_MAX_UPLOAD_BYTES` and, judged from its first bytes (never from its name
  or the browser's Content-Type header), a PDF, PNG, JPEG, DOCX or ODT document. Anything else
  is a `validation_error` naming the form/API field, so a person sees which input was wrong.
- Stored files get a random name under `MEDIA_ROOT` (`random_upload_to`), so a client's file
  name never becomes a path; the original name is kept on the owning row.
- `stored_file_response` streams a stored file as an attachment with
  `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy, so a browser
  never renders an uploaded file as a page of this site. MEDIA_ROOT is never served by URL:
  views call this only after checking the reader's rights.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from clientela.core.errors import validation_error

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

#: Content type -> the file name extension used when a file is stored or offered for download.
EXTENSIONS: dict[str, str] = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", ODT: ".odt"}

_ZIP_MAGIC = b"PK\x03\x04"
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Reading a zip's directory and two small members is enough to tell DOCX and ODT apart; cap
# what we decompress so a crafted archive cannot make us inflate gigabytes.
_ZIP_MEMBER_LIMIT = 256 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    """What `upload_inspect` learnt about an accepted upload."""

    content_type: str
    size: int
    sha256: str
    original_name: str


def _read_head(upload, n: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head or b""


def _upload_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is not None:
        return int(size)
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return int(size)


def _zip_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _ZIP_MEMBER_LIMIT:
        return None
    with archive.open(info) as member:
        return member.read(_ZIP_MEMBER_LIMIT)


def _zip_document_type(upload) -> str | None:
    """DOCX or ODT when the zip holds the right inner mimetype, else None."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            mimetype = _zip_member(archive, "mimetype")
            if mimetype is not None and mimetype.strip() == ODT.encode():
                return ODT
            content_types = _zip_member(archive, "[Content_Types].xml")
            if (
                content_types is not None
                and _DOCX_MAIN in content_types
                and "word/document.xml" in archive.namelist()
            ):
                return DOCX
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    finally:
        upload.seek(0)
    return None


def sniff_content_type(upload) -> str | None:
    """The content type told by the file's own bytes, or None when it is none we accept."""
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_ZIP_MAGIC):
        return _zip_document_type(upload)
    return None


def upload_check(*, field: str, upload) -> str:
    """The validated content type of `upload`, or `validation_error(field, ...)`.

    Refused: no file, an empty file, a file over `CLIENTELA_MAX_UPLOAD_BYTES`, a file whose
    bytes are not PDF, PNG, JPEG, DOCX or ODT (whatever its name or declared type says).
    The file position is left at 0.
    """
    if upload is None:
        raise validation_error(field, _("a file is required"))
    size = _upload_size(upload)
    if size <= 0:
        raise validation_error(field, _("the file is empty"))
    limit = int(settings.CLIENTELA_MAX_UPLOAD_BYTES)
    if size > limit:
        raise validation_error(
            field,
            _("the file is too large (at most %(size)s)") % {"size": _size_text(limit)},
        )
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise validation_error(field, _("only PDF, PNG, JPEG, DOCX or ODT documents are accepted"))
    return content_type


def upload_inspect(*, field: str, upload) -> CheckedUpload:
    """`upload_check` plus the size, SHA-256 and a cleaned original name (for storing)."""
    content_type = upload_check(field=field, upload=upload)
    digest = hashlib.sha256()
    upload.seek(0)
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    for chunk in chunks:
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        content_type=content_type,
        size=_upload_size(upload),
        sha256=digest.hexdigest(),
        original_name=original_name(getattr(upload, "name", "") or "", content_type),
    )


def original_name(name: str, content_type: str) -> str:
    """The client's file name without any directory part, at most 200 characters."""
    base = os.path.basename(name.replace("\\", "/")).strip().replace("\x00", "")
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"\r\n')
    if not base:
        base = "document" + EXTENSIONS.get(content_type, "")
    return base[-200:]


@deconstructible(path="clientela.core.files.RandomUploadTo")
class RandomUploadTo:
    """An `upload_to` storing files as `<folder>/<yyyy>/<mm>/<random><ext>`.

    The extension comes from the checked content type when the caller set
    `instance._upload_content_type`: a stored name never carries the client's own file name.
    Deconstructible, so model fields using it serialise into migrations.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        ext = EXTENSIONS.get(getattr(instance, "_upload_content_type", ""), "")
        now = timezone.now()
        return f"{self.folder}/{now:%Y}/{now:%m}/{secrets.token_urlsafe(24)}{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomUploadTo) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(("RandomUploadTo", self.folder))


def random_upload_to(folder: str) -> RandomUploadTo:
    """The `upload_to` for a FileField whose files live under `MEDIA_ROOT/<folder>/`."""
    return RandomUploadTo(folder)


def stored_file_response(*, file_field, filename: str, content_type: str = "") -> FileResponse:
    """Stream a stored file as an attachment named `filename`.

    Sets `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox` so that a
    browser downloads the bytes instead of interpreting them. `content_type` (the type checked
    at upload) is used when given, else `application/octet-stream`.
    """
    handle = file_field.open("rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename or "document",
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _size_text(limit: int) -> str:
    """2 MB, 1.5 MB, 512 KB or 100 bytes."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if limit >= 1024:
        return f"{limit / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{limit} bytes"
