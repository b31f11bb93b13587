"""A full disk during an upload and during the seal of the ink-signed scan.

The document storage is a real 1 MiB tmpfs, filled to the brim before the step, so the write
fails with the kernel's ENOSPC. Skipped where this process may not mount (not root, or a
container without CAP_SYS_ADMIN).
"""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.documents import issuing
from cases.models import CaseEvent, Document, InkSignature, Status
from tests.conftest import record_ink, scan_png, sign_in

pytestmark = pytest.mark.django_db

BIG_PDF = b"%PDF-1.4\n%" + b"x" * 200_000 + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def full_disk(tmp_path, settings) -> Iterator[Path]:
    """MEDIA_ROOT on a 1 MiB tmpfs with a filler file that leaves it full."""
    mount_point = tmp_path / "full"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        for folder in ("documents", "designations"):
            (mount_point / folder).mkdir()
        filler = mount_point / "filler"
        with open(filler, "wb", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        settings.MEDIA_ROOT = mount_point
        yield filler
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_upload_on_a_full_disk_a_clear_message_nothing_stored(
    client, make_request, people, full_disk
):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["advocate"])
    events_before = r.events.count()
    response = client.post(
        reverse("document_add", args=[r.reference]),
        {
            "kind": "police_report",
            "file": SimpleUploadedFile("big.pdf", BIG_PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302  # back to the case page, with the message
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        "The server could not store the file (No space left on device). Nothing was saved: try "
        "again later, and tell IT if it happens again."
    ]
    assert not Document.objects.filter(request=r).exists() and r.events.count() == events_before
    assert list((full_disk.parent / "documents").iterdir()) == []  # no half-written file

    full_disk.unlink()  # IT frees space: the same upload goes through
    response = client.post(
        reverse("document_add", args=[r.reference]),
        {
            "kind": "police_report",
            "file": SimpleUploadedFile("big.pdf", BIG_PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Document.objects.get(request=r).file.read() == BIG_PDF


def test_seal_of_the_ink_scan_on_a_full_disk_the_step_is_refused_whole(
    make_request, people, full_disk
):
    r = issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    assert r.status == Status.AWAITING_INK
    events_before = r.events.count()
    scan = SimpleUploadedFile("signed.png", scan_png(), "image/png")
    with pytest.raises(Exception) as refused:
        record_ink(r, people["coordinator"], scan=scan)
    assert "No space left on device" in " ".join(getattr(refused.value, "messages", []))
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK and r.signed_on is None
    assert not InkSignature.objects.filter(request=r).exists()
    assert not Document.objects.filter(request=r).exists()
    assert r.events.count() == events_before
    assert list((full_disk.parent / "documents").iterdir()) == []

    full_disk.unlink()
    r = record_ink(r, people["coordinator"])
    assert r.status == Status.CERTIFIED
    assert (
        r.events.filter(kind=CaseEvent.Kind.TRANSITION, transition="record_ink_signature").count()
        == 1
    )
