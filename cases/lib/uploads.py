"""Upload checks: PDF, JPEG or PNG by content (magic bytes), never by name; a size limit.

The name is only ever shown back (and sent in Content-Disposition): it is never a path. A name
with control characters or nothing but dots is refused, and the extension, when there is one,
must agree with the content (ASVS V5.2.2).
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


def save_to_storage(field_file: FieldFile, name: str, content: File) -> None:
    """Write an upload to the document storage; a disk that refuses (full, a quota, an I/O
    error) is a clear refusal, with nothing left half-written (the storage removes the partial
    file) and the caller's transaction rolled back by the ValidationError."""
    try:
        field_file.save(name, content, save=False)
    except OSError as exc:
        logger.error("Storage refused a file: %s", exc)
        reason = os.strerror(exc.errno) if exc.errno else _("storage error")
        raise ValidationError(
            _(
                "The server could not store the file (%(reason)s). Nothing was saved: try "
                "again later, and tell IT if it happens again."
            )
            % {"reason": reason},
            code="storage",
        ) from exc


def sweep_orphan_files(*, older_than: timedelta, dry_run: bool = False) -> list[str]:
    """Delete stored files that no row names, older than ``older_than`` (a worker killed
    between writing an upload and committing its row leaves one; a transaction in flight is
    younger than the grace period). Looks only in the folders the models upload to."""
    from django.apps import apps
    from django.core.files.storage import default_storage
    from django.db import models

    named: set[str] = set()
    folders: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                named.update(n for n in names if n)
    for name in named:
        folders.add(name.split("/", 1)[0])
    folders.update(settings.UVISA_UPLOAD_FOLDERS)
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for folder in sorted(folders):
        if not default_storage.exists(folder):
            continue
        for file_name in default_storage.listdir(folder)[1]:
            stored = f"{folder}/{file_name}"
            if stored in named or os.path.getmtime(default_storage.path(stored)) > cutoff:
                continue
            if not dry_run:
                default_storage.delete(stored)
            removed.append(stored)
    if removed:
        logger.warning("Orphan files %s: %s", "found" if dry_run else "removed", removed)
    return removed
