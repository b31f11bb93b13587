"""Upload checks: PDF, JPEG or PNG by content (magic bytes), never by name; a size limit.

The name is only ever shown back (and sent in Content-Disposition): it is never a path. A name
with control characters or nothing but dots is refused, and the extension, when there is one,
must agree with the content (ASVS V5.2.2).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe"},
    "image/png": {".png"},
}

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
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is larger than the limit of %(mb)s MB.")
                % {"mb": limit // (1024 * 1024)}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError({"file": _("Only PDF, JPEG and PNG files are accepted.")})
    name = display_name(upload.name or "")
    suffix = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    if suffix and suffix not in EXTENSIONS[content_type]:
        raise ValidationError(
            {
                "file": _("The file name ends in %(suffix)s but the file is not of that type.")
                % {"suffix": suffix}
            }
        )
    return content_type


def display_name(name: str) -> str:
    """The last part of the name the user gave, or a ValidationError when it is unusable."""
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValidationError({"file": _("The file name contains control characters.")})
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base.strip("."):
        raise ValidationError({"file": _("The file needs a name.")})
    return base[:255]


def download_name(original: str, content_type: str) -> str:
    """The user's file name without any path, with the extension of the real content."""
    base = original.replace("\\", "/").rsplit("/", 1)[-1].strip(". ") or "document"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
    return f"{stem[:100]}.{extension.get(content_type, 'bin')}"
