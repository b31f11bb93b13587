"""Documents added to a request while it is open: validated, hashed, stored, audited.

``store_document`` is shared with the steps whose own event names the upload (the ink scan).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation

from cases import permissions as perms
from cases.lib.uploads import display_name, save_to_storage, validate_upload
from cases.models import CaseEvent, CertificationRequest, Document
from cases.services.common import record_event, require

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def request_add_document(
    *, request: CertificationRequest, actor: User, upload: UploadedFile, kind: str
) -> Document:
    locked = CertificationRequest.objects.select_for_update().get(pk=request.pk)
    require(perms.can_add_document(locked, actor))
    return store_document(locked, actor=actor, upload=upload, kind=kind)


def store_document(
    locked: CertificationRequest,
    *,
    actor: User,
    upload: UploadedFile,
    kind: str,
    record: bool = True,
) -> Document:
    """Validate and store an upload; ``record=False`` when the caller's own event names it."""
    content_type = validate_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        request=locked,
        kind=kind,
        original_name=display_name(upload.name or ""),
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    save_to_storage(document.file, upload.name or "upload", upload)
    try:
        document.save()
        if not record:
            return document
        with translation.override("en"):  # the audit trail is written in English
            kind_label = str(document.get_kind_display())
        record_event(
            locked,
            actor=actor,
            kind=CaseEvent.Kind.DOCUMENT_ADDED,
            note=kind_label,
            data={"document": document.pk, "sha256": document.sha256, "size": document.size},
        )
    except Exception:
        document.file.delete(save=False)  # the row is rolled back: no file without a row
        raise
    return document
