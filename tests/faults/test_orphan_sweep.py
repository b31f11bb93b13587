"""manage.py sweep_orphan_files: removes only old files that no row names, in the upload
folders; --dry-run lists them and deletes nothing."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cases import services
from cases.models import Status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _file(path: Path, *, hours_old: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"UVENC1 left by a killed upload")
    then = time.time() - hours_old * 3600
    os.utime(path, (then, then))
    return path


def test_the_sweep_removes_old_orphans_only(make_request, people, settings):
    r = make_request(Status.CRIME_CHECK)
    kept = services.request_add_document(
        request=r,
        actor=people["advocate"],
        upload=SimpleUploadedFile("report.pdf", PDF, "application/pdf"),
        kind="police_report",
    )
    root = Path(settings.MEDIA_ROOT)
    os.utime(root / kept.file.name, (time.time() - 7200, time.time() - 7200))  # old, but named
    old = _file(root / "documents" / "0ld.pdf", hours_old=2)
    federal = _file(root / "federal_requests" / "0ld.pdf", hours_old=2)
    young = _file(root / "documents" / "young.pdf", hours_old=0.1)  # an upload in flight
    elsewhere = _file(root / "signing" / "agency.p12", hours_old=2)  # not an upload folder

    out = io.StringIO()
    call_command("sweep_orphan_files", "--dry-run", stdout=out)
    assert "2 would remove" in out.getvalue() and old.exists() and federal.exists()

    out = io.StringIO()
    call_command("sweep_orphan_files", stdout=out)
    assert "2 removed" in out.getvalue()
    assert not old.exists() and not federal.exists()
    assert young.exists() and elsewhere.exists() and (root / kept.file.name).exists()
