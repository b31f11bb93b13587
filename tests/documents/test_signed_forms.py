"""Certify signs and stores the final form; anyone can check it; the ink original."""

from __future__ import annotations

import hashlib
import io
import subprocess
from datetime import timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from cases import clocks, errors, services
from cases.documents import issuing, verification
from cases.documents.signing import (
    SigningError,
    create_identity,
    outside_event_loop,
    sign_pdf,
    signer,
)
from cases.models import CaseEvent, Document, IssuedForm, OriginalHandover, Status
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def certified(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    return issuing.request_certify(request=r, actor=people["chief"])


def run_verify(path) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_certification", str(path), stdout=out)
    return exit_.value.code, out.getvalue().strip()


def test_certify_signs_and_stores_the_form_with_its_hash_in_the_event(
    make_request, people, artifacts
):
    r = certified(make_request, people)
    form = IssuedForm.objects.get(request=r)
    data = bytes(form.pdf)
    (artifacts / "i918b-signed.pdf").write_bytes(data)
    assert form.sha256 == hashlib.sha256(data).hexdigest() and form.size == len(data)
    event = CaseEvent.objects.get(request=r, transition="certify")
    assert event.data["sha256"] == form.sha256
    assert event.data["verification_code"] == form.verification_code
    assert form.valid_until == clocks.filing_valid_until(r.signed_on)
    # PAdES signature by the agency's certificate, covering the whole file.
    cert = signer().signing_cert
    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = outside_event_loop(
        lambda: validate_pdf_signature(embedded, ValidationContext(trust_roots=[cert]))
    )
    assert status.bottom_line and status.intact and status.valid
    assert "/ETSI.CAdES.detached" in str(embedded.sig_object["/SubFilter"])


def test_the_final_form_carries_the_official_the_date_and_part_6(make_request, people):
    r = certified(make_request, people)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(bytes(r.issued_form.pdf))).pages]
    text = "\n".join(pages)
    assert "DRAFT - NOT SIGNED" not in text
    assert "Certifying official: Frank Delaney, Chief of Police" in text
    assert f"Date of signature: {r.signed_on:%m/%d/%Y}" in text
    assert "under penalty of perjury" in text
    assert "Original signature of the certifying official, in ink" in text
    for page in pages:
        assert r.reference in page and r.issued_form.verification_code in page


def test_an_issued_form_cannot_be_changed(make_request, people):
    form = certified(make_request, people).issued_form
    form.sha256 = "0" * 64
    with pytest.raises(ValueError, match="never changed"):
        form.save()
    with pytest.raises(ValueError):
        form.delete()


def test_if_signing_fails_nothing_is_certified(make_request, people, settings, tmp_path):
    settings.UVISA_SIGNING_P12 = tmp_path / "missing.p12"
    r = make_request(Status.CHIEF_DECISION)
    events = CaseEvent.objects.filter(request=r).count()
    with pytest.raises(SigningError, match="no signing key is configured"):
        issuing.request_certify(request=r, actor=people["chief"])
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and r.signed_on is None
    assert CaseEvent.objects.filter(request=r).count() == events
    assert not IssuedForm.objects.exists()


def test_a_wrong_key_password_is_a_signing_error(make_request, people, settings):
    settings.UVISA_SIGNING_P12_PASSWORD = "wrong"
    with pytest.raises(SigningError):
        issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    assert not IssuedForm.objects.exists()


def test_genuine_altered_and_unknown(make_request, people, tmp_path):
    r = certified(make_request, people)
    data = bytes(r.issued_form.pdf)

    genuine = tmp_path / "genuine.pdf"
    genuine.write_bytes(data)
    code, line = run_verify(genuine)
    assert code == 0 and line.startswith("GENUINE:")
    assert "Medford Police Department" in line and "not withdrawn" in line
    assert "García" not in line and r.reference not in line

    # One byte changed inside the signed page content.
    position = len(data) // 3  # inside the original (signed) revision's page content
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :])
    code, line = run_verify(altered)
    assert code == 1 and line.startswith("ALTERED:"), line

    # The same content signed by another key: the file is not the agency's.
    other_p12 = create_identity(common_name="Not the agency", organization="X", password=b"pw")
    (tmp_path / "other.p12").write_bytes(other_p12)
    other = make_request(Status.CHIEF_DECISION)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    foreign_signer = signers.SimpleSigner.load_pkcs12(str(tmp_path / "other.p12"), passphrase=b"pw")
    unsigned = issuing.draft_pdf(other)
    foreign = outside_event_loop(
        lambda: signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(unsigned)),
            signers.PdfSignatureMetadata(field_name="Sig"),
            signer=foreign_signer,
        ).getvalue()
    )
    path = tmp_path / "foreign.pdf"
    path.write_bytes(foreign)
    code, line = run_verify(path)
    assert code == 1 and line.startswith("UNKNOWN:") and "not the agency's" in line

    # The genuine form re-signed by another key keeps the agency's code: a forgery of a real one.
    draft = issuing.draft_pdf(r)
    resigned = outside_event_loop(
        lambda: signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(draft)),
            signers.PdfSignatureMetadata(field_name="Sig"),
            signer=foreign_signer,
        ).getvalue()
    )
    path.write_bytes(resigned)
    code, line = run_verify(path)
    assert code == 1 and line.startswith("ALTERED:")

    # Not a PDF, and a missing file.
    path.write_bytes(b"hello")
    assert run_verify(path) == (1, "UNKNOWN: the file is not a PDF")
    code, line = run_verify(tmp_path / "nope.pdf")
    assert code == 1 and line.startswith("UNKNOWN: cannot read")


def test_an_appended_update_after_signing_is_altered(make_request, people):
    data = bytes(certified(make_request, people).issued_form.pdf)
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    info = writer.trailer["/Info"]
    info[NameObject("/Title")] = TextStringObject("Changed")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    verdict = verification.verify_pdf(out.getvalue())
    assert verdict.status == "altered"


def test_withdrawn_certifications_say_so(make_request, people):
    r = certified(make_request, people)
    services.request_withdraw_certification(
        request=r, actor=people["chief"], reason="Refused to testify."
    )
    verdict = verification.verify_pdf(bytes(r.issued_form.pdf))
    assert verdict.status == "genuine" and verdict.facts()["withdrawn"] is True
    assert "WITHDRAWN" in verdict.line()


def test_codes(make_request, people):
    r = certified(make_request, people)
    code = r.issued_form.verification_code
    assert verification.verify_code(code.lower().replace("-", " ")).status == "genuine"
    assert verification.verify_code("AAAA-BBBB-CCCC").status == "unknown"
    assert verification.verify_code("nonsense").status == "unknown"
    draft_only = make_request(Status.CHIEF_DECISION)
    assert verification.verify_code(issuing.verification_code_for(draft_only)).status == ("unknown")


# --- the public page ---


def test_the_public_page_needs_no_login_and_shows_no_victim_data(client, make_request, people):
    r = certified(make_request, people)
    url = reverse("verify")
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": r.issued_form.verification_code})
    html = response.content.decode()
    assert response.status_code == 200 and "Result: GENUINE" in html
    assert "Medford Police Department" in html and f"{r.signed_on:%m/%d/%Y}" in html
    assert "García" not in html and "María" not in html and r.reference not in html

    upload = SimpleUploadedFile("form.pdf", bytes(r.issued_form.pdf), "application/pdf")
    assert "Result: GENUINE" in client.post(url, {"file": upload}).content.decode()
    data = bytearray(r.issued_form.pdf)
    data[len(data) // 3] ^= 0x01
    upload = SimpleUploadedFile("form.pdf", bytes(data), "application/pdf")
    assert "Result: ALTERED" in client.post(url, {"file": upload}).content.decode()
    assert "Result: UNKNOWN" in client.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ"}).content.decode()


def test_the_public_page_checks_uploads_by_content_and_size(client, settings):
    url = reverse("verify")
    fake = SimpleUploadedFile("form.pdf", PNG, "application/pdf")
    response = client.post(url, {"file": fake})
    assert response.status_code == 400 and "This is not a PDF file." in response.content.decode()
    settings.UVISA_MAX_VERIFY_BYTES = 100
    big = SimpleUploadedFile("form.pdf", b"%PDF-" + b"0" * 200, "application/pdf")
    response = client.post(url, {"file": big})
    assert response.status_code == 400 and "larger than" in response.content.decode()
    response = client.post(url, {})
    assert response.status_code == 400 and "Enter a verification code" in response.content.decode()


# --- downloads through the access helper ---


def test_draft_and_signed_downloads(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    draft = reverse("form_draft_pdf", args=[r.reference])
    signed = reverse("form_signed_pdf", args=[r.reference])
    sign_in(client, people["coordinator"])
    response = client.get(draft)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    assert client.get(signed).status_code == 404  # not certified yet
    sign_in(client, people["detective"])
    assert client.get(draft).status_code == 200
    sign_in(client, people["advocate"])
    assert client.get(draft).status_code == 403
    sign_in(client, people["other_advocate"])
    assert client.get(draft).status_code == 404
    sign_in(client, people["other_detective"])
    assert client.get(draft).status_code == 404

    issuing.request_certify(request=r, actor=people["chief"])
    sign_in(client, people["advocate"])
    response = client.get(signed)
    assert response.status_code == 200 and response.content == bytes(r.issued_form.pdf)
    assert response["Content-Disposition"].startswith("attachment;")
    sign_in(client, people["other_advocate"])
    assert client.get(signed).status_code == 404
    client.logout()
    assert client.get(signed).status_code == 302  # to the login page
    # Only the successful downloads are in the access log, each with who and what.
    from cases.models import AccessLog

    rows = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FORM).order_by("pk")
    assert [(a.username, a.detail) for a in rows] == [
        ("coordinator", "draft I-918B"),
        ("detective", "draft I-918B"),
        ("advocate", "signed I-918B"),
    ]


# --- the ink original ---


def test_scan_and_handover_of_the_ink_signed_original(client, make_request, people):
    r = certified(make_request, people)
    coordinator = people["coordinator"]
    document = services.request_record_signed_scan(
        request=r, actor=coordinator, upload=SimpleUploadedFile("scan.png", PNG, "image/png")
    )
    assert document.kind == Document.Kind.SIGNED_SCAN and document.content_type == "image/png"
    assert CaseEvent.objects.filter(request=r, kind="document_added").count() == 1
    today = timezone.localdate()
    handover = services.request_record_handover(
        request=r,
        actor=coordinator,
        received_by="Ana Ruiz, advocate",
        received_on=today,
        method=OriginalHandover.Method.IN_PERSON,
    )
    assert handover.issued_form == r.issued_form
    event = CaseEvent.objects.filter(request=r, kind="note").last()
    assert event.data["handover"] == handover.pk and "Ana Ruiz" in event.note

    sign_in(client, coordinator)
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Ana Ruiz, advocate" in html and "Record hand-over" in html
    response = client.post(
        reverse("handover_record", args=[r.reference]),
        {
            "handover-received_by": "Victim in person",
            "handover-received_on": today.isoformat(),
            "handover-method": "in_person",
        },
    )
    assert response.status_code == 302 and OriginalHandover.objects.count() == 2
    response = client.post(
        reverse("ink_scan_upload", args=[r.reference]),
        {"scan-file": SimpleUploadedFile("scan.txt", b"not an image", "image/png")},
        follow=True,
    )
    assert "Only PDF, JPEG and PNG files are accepted." in response.content.decode()
    assert Document.objects.filter(kind=Document.Kind.SIGNED_SCAN).count() == 1


def test_ink_records_are_refused_to_the_wrong_person_state_or_date(make_request, people):
    from django.core.exceptions import PermissionDenied, ValidationError

    r = certified(make_request, people)
    upload = SimpleUploadedFile("scan.png", PNG, "image/png")
    with pytest.raises(PermissionDenied):
        services.request_record_signed_scan(request=r, actor=people["advocate"], upload=upload)
    args = dict(received_by="X", received_on=timezone.localdate(), method="mail")
    with pytest.raises(PermissionDenied):
        services.request_record_handover(request=r, actor=people["detective"], **args)
    with pytest.raises(ValidationError):
        services.request_record_handover(
            request=r, actor=people["coordinator"], **{**args, "method": "pigeon"}
        )
    with pytest.raises(ValidationError):
        services.request_record_handover(
            request=r,
            actor=people["coordinator"],
            **{**args, "received_on": timezone.localdate() + timedelta(days=2)},
        )
    pending = make_request(Status.CHIEF_DECISION)
    with pytest.raises(errors.TransitionRefused):
        services.request_record_handover(request=pending, actor=people["coordinator"], **args)
    assert not OriginalHandover.objects.exists()


# --- commands ---


def test_i918b_command_writes_draft_or_signed(make_request, people, tmp_path):
    r = make_request(Status.CHIEF_DECISION)
    out = tmp_path / "f.pdf"
    call_command("i918b", r.reference, "--out", str(out), stdout=io.StringIO())
    assert "DRAFT - NOT SIGNED" in PdfReader(out).pages[0].extract_text()
    issuing.request_certify(request=r, actor=people["chief"])
    call_command("i918b", r.reference, "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes() == bytes(IssuedForm.objects.get(request=r).pdf)
    with pytest.raises(CommandError):
        call_command("i918b", "NOPE", "--out", str(out))


def test_make_signing_key_writes_a_usable_identity(tmp_path, settings):
    target = tmp_path / "k" / "agency.p12"
    settings.UVISA_SIGNING_P12_PASSWORD = ""
    call_command("make_signing_key", "--out", str(target), stdout=io.StringIO())
    assert (target.parent / "agency.p12.password").read_text().strip()
    settings.UVISA_SIGNING_P12 = target
    with pytest.raises(CommandError):
        call_command("make_signing_key", "--out", str(target), stdout=io.StringIO())
    cert = signer().signing_cert
    assert isinstance(cert, asn1_x509.Certificate) and "development" in cert.subject.human_friendly


def test_benchmark_prints_medians(make_request, people):
    make_request(Status.CHIEF_DECISION)
    out = io.StringIO()
    call_command("benchmark_forms", "--runs", "2", stdout=out)
    assert "median render" in out.getvalue() and "median sign" in out.getvalue()


def test_signed_pages_render_to_png(make_request, people, artifacts, tmp_path):
    r = certified(make_request, people)
    path = tmp_path / "signed.pdf"
    path.write_bytes(bytes(r.issued_form.pdf))
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(path), str(artifacts / "i918b-signed-page")],
        check=True,
    )
    assert len(list(artifacts.glob("i918b-signed-page-*.png"))) >= 3


def test_a_signing_failure_on_the_page_is_a_message_not_a_500(
    client, make_request, people, settings
):
    settings.UVISA_SIGNING_P12 = "/nonexistent/agency.p12"
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    response = client.post(
        reverse("request_transition", args=[r.reference, "certify"]),
        {"certify-note": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "could not be signed" in response.content.decode()
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not IssuedForm.objects.exists()


def test_the_stored_code_outlives_a_secret_key_change(make_request, people, settings):
    r = certified(make_request, people)
    code = r.issued_form.verification_code
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert issuing.verification_code_for(r) == code
    assert code in PdfReader(io.BytesIO(issuing.draft_pdf(r))).pages[0].extract_text()


def test_signing_works_inside_a_running_event_loop(make_request):
    import asyncio

    unsigned = issuing.draft_pdf(make_request(Status.CHIEF_DECISION))

    async def sign_in_loop() -> bytes:
        return sign_pdf(unsigned, reason="test", location="test")[0]

    # A fresh thread, so that the test's own asyncio.run() is not inside Playwright's loop.
    signed = outside_event_loop(lambda: asyncio.run(sign_in_loop()))
    assert PdfFileReader(io.BytesIO(signed)).embedded_signatures
