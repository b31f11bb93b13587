"""Upload checks: PDF, JPEG or PNG by content (magic bytes), never by name; a size limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]


def sniff(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def validate_upload(upload: UploadedFile) -> str:
    """The file's real content type, or a ValidationError saying what is wrong."""
    limit = settings.UVISA_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": "The file is empty."})
    if upload.size > limit:
        raise ValidationError(
            {"file": f"The file is larger than the limit of {limit // (1024 * 1024)} MB."}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError({"file": "Only PDF, JPEG and PNG files are accepted."})
    return content_type
