"""Finding 5: /verify/ had no rate limit, parsed anonymous uploads in the worker and read a
150 MB upload in full before refusing it. Now: a per-address rate limit, a refusal from the
Content-Length before the body is read, and parsing in a child process with CPU-time and
memory limits (ASVS V12.1.1, V13.4.1)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.documents import guard, pdf_sandbox, signing, verification
from cases.models import Status

pytestmark = pytest.mark.django_db


class ExplodingBody:
    """A request body that must never be read."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def test_an_upload_over_the_limit_is_refused_from_its_content_length_unread(client):
    response = client.generic(
        "POST",
        reverse("verify"),
        data=b"x",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(150 * 1024 * 1024),
        **{"wsgi.input": ExplodingBody()},
    )
    assert response.status_code == 413 and b"larger than 10 MB" in response.content


def test_an_upload_without_a_declared_length_is_refused(client):
    response = client.generic(
        "POST",
        reverse("verify"),
        data=b"x",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH="",
        **{"wsgi.input": ExplodingBody()},
    )
    assert response.status_code == 411


def test_verification_is_rate_limited_per_address(client, settings):
    guard._over.clear()  # the per-worker memo of refused addresses
    settings.UVISA_VERIFY_PER_MINUTE = 3
    url = reverse("verify")
    codes = [
        client.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ"}, REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    refused = client.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    other = client.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ"}, REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 200
    assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 429  # the page too
    guard._over.clear()


def test_uploads_are_parsed_in_another_process(certify_and_ink, make_request, people, monkeypatch):
    """The worker itself never parses the file: were it to, this would raise."""

    def in_the_worker(data: bytes) -> None:
        raise AssertionError("parsed in the worker")

    monkeypatch.setattr(signing, "inspect_signature", in_the_worker)
    r = certify_and_ink()
    data = bytearray(r.issued_form.data)
    data[len(data) // 3] ^= 0x01
    assert verification.verify_pdf(bytes(data)).status == "altered"


def test_the_child_runs_under_cpu_and_memory_limits():
    probe = "from cases.documents.pdf_sandbox import _limit_self; _limit_self(1, {mb}); {work}"
    started = time.monotonic()
    spin = subprocess.run(
        [sys.executable, "-c", probe.format(mb=768, work="exec('while True: pass')")],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert spin.returncode != 0 and time.monotonic() - started < 15  # SIGXCPU after 1 s
    hog = subprocess.run(
        [sys.executable, "-c", probe.format(mb=300, work="bytearray(600 * 1024 * 1024)")],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert hog.returncode != 0 and b"MemoryError" in hog.stderr


def test_a_file_that_exceeds_the_limits_is_unknown_not_a_crash(
    certify_and_ink, make_request, people
):
    r = certify_and_ink()
    info = pdf_sandbox.inspect(bytes(r.issued_form.data), cpu_seconds=1, memory_mb=40)
    assert not info.present and ("limits" in info.error or "MemoryError" in info.error)


def test_busy_slots_answer_try_again(certify_and_ink, client, make_request, people, settings):
    r = certify_and_ink()
    data = bytearray(r.issued_form.data)
    data[-50] ^= 0x01
    with pdf_sandbox._slot(1, 0):  # another request holds the only slot
        response = client.post(
            reverse("verify"), {"file": SimpleUploadedFile("f.pdf", bytes(data))}
        )
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert r.status == Status.CERTIFIED
