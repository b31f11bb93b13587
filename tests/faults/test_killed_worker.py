"""A worker killed (SIGKILL) in the middle of a step: certify (the sealed form's row written)
and an upload (the encrypted file on disk). Nothing half-done stays: the request, its audit
trail and its notices are as before; the file the upload left is swept; the retry works.

The step runs in a real second process on the same database (SQLite file or PostgreSQL) and
is killed by the kernel, so no Python clean-up (no finally, no rollback) runs in it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from pypdf import PdfReader

from cases import services
from cases.audit import verify_chain
from cases.documents import issuing
from cases.lib.crypto import FILE_MAGIC, decrypt_file_bytes
from cases.lib.uploads import sweep_orphan_files
from cases.models import CaseEvent, Document, IssuedForm, OutboundMail, Status
from tests.faults import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def kill_in_the_middle(mode: str, reference: str, settings, tmp_path, stdin: bytes = b"") -> float:
    """Start the step in a child, SIGKILL it at the chosen point; returns when it was killed."""
    marker = tmp_path / f"{mode}-in-the-middle"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_DB_PREPARED": "0",
        "UVISA_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "UVISA_SIGNING_P12": str(settings.UVISA_SIGNING_P12),
        "UVISA_SIGNING_P12_PASSWORD": settings.UVISA_SIGNING_P12_PASSWORD,
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.step_in_a_child", mode, str(marker), reference],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None
    child.stdin.write(stdin)
    child.stdin.close()
    deadline = time.monotonic() + 180
    while not marker.exists():
        if child.poll() is not None:
            pytest.fail(f"the child ended by itself: {child.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("the child never reached the middle of the step")
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return time.monotonic()


def stored_files(settings, folder: str = "documents") -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(root.iterdir()) if root.exists() else []


def test_killed_during_certify_nothing_is_recorded_and_the_retry_works(
    make_request, people, settings, tmp_path
):
    r = make_request(Status.CHIEF_DECISION)
    events_before = CaseEvent.objects.filter(request=r).count()
    notices_before = OutboundMail.objects.count()

    killed_at = kill_in_the_middle("certify", r.reference, settings, tmp_path)

    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and r.decided_by is None
    assert not IssuedForm.objects.filter(request=r).exists()
    assert CaseEvent.objects.filter(request=r).count() == events_before
    assert OutboundMail.objects.count() == notices_before
    assert verify_chain()[1] is None  # the audit chain is whole
    assert stored_files(settings) == []  # the sealed form lives in the row, never on disk

    r = issuing.request_certify(request=r, actor=people["chief"])
    retried_in = time.monotonic() - killed_at
    assert r.status == Status.AWAITING_INK
    form = IssuedForm.objects.get(request=r)
    sealed = decrypt_file_bytes(bytes(form.pdf))
    assert PdfReader(__import__("io").BytesIO(sealed)).get_fields()  # a real, readable form
    assert CaseEvent.objects.filter(request=r, transition="certify").count() == 1
    assert OutboundMail.objects.count() == notices_before + 1
    assert verify_chain()[1] is None
    assert retried_in < 60, retried_in  # no lock left behind to wait for
    print(f"\ncertify retried {retried_in:.2f}s after the kill ({connection.vendor})")


def test_killed_during_an_upload_the_file_is_swept_and_the_retry_works(
    make_request, people, settings, tmp_path
):
    r = make_request(Status.CRIME_CHECK)
    events_before = CaseEvent.objects.filter(request=r).count()

    kill_in_the_middle("upload", r.reference, settings, tmp_path, stdin=PDF)

    assert not Document.objects.filter(request=r).exists()
    assert CaseEvent.objects.filter(request=r).count() == events_before
    assert verify_chain()[1] is None
    [orphan] = stored_files(settings)  # the one thing the kill left: a file no row names
    assert orphan.read_bytes().startswith(FILE_MAGIC)  # encrypted, as every stored file
    assert sweep_orphan_files(older_than=timedelta(minutes=60)) == []  # still in its grace
    assert sweep_orphan_files(older_than=timedelta(0)) == [f"documents/{orphan.name}"]
    assert stored_files(settings) == []

    document = services.request_add_document(
        request=r,
        actor=people["advocate"],
        upload=SimpleUploadedFile("report.pdf", PDF, "application/pdf"),
        kind="police_report",
    )
    assert document.file.read() == PDF
    assert len(stored_files(settings)) == 1
    assert sweep_orphan_files(older_than=timedelta(0)) == []  # a file its row names stays
    assert CaseEvent.objects.filter(request=r, kind=CaseEvent.Kind.DOCUMENT_ADDED).count() == 1
