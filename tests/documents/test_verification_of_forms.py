"""/verify/ and `verify_certification`: a sealed form read back as genuine, altered, a review
copy or unknown; the public page shows no victim data. (Sealing and ink: test_signed_forms.py.)"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from cases import clocks, services
from cases.documents import issuing, verification
from cases.documents.signing import (
    create_identity,
    outside_event_loop,
)
from cases.models import (
    IssuedForm,
    Status,
)
from tests.conftest import record_ink, scan_png, sign_in

pytestmark = pytest.mark.django_db

PNG = scan_png()


def decided(make_request, people, **fields):
    """Certified by the Chief: the form is issued, the ink signature not yet recorded."""
    r = make_request(Status.CHIEF_DECISION, **fields)
    return issuing.request_certify(request=r, actor=people["chief"])


def run_verify(path) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_certification", str(path), stdout=out)
    return exit_.value.code, out.getvalue().strip()


def test_genuine_altered_and_unknown(certify_and_ink, make_request, tmp_path):
    r = certify_and_ink()
    data = r.issued_form.data

    genuine = tmp_path / "genuine.pdf"
    genuine.write_bytes(data)
    code, line = run_verify(genuine)
    assert code == 0 and line.startswith("GENUINE:")
    assert "issued by Medford Police Department" in line and "not withdrawn" in line
    assert "signed in ink by Frank Delaney" in line and "valid for filing until" in line
    assert "García" not in line and r.reference not in line

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(r.ink_signature.sealed_scan_data)
    code, line = run_verify(scan)
    assert code == 0 and "scan of the ink-signed form" in line

    # One byte changed inside the sealed page content.
    position = len(data) // 3
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :])
    code, line = run_verify(altered)
    assert code == 1 and line.startswith("ALTERED:"), line

    # The same content sealed by another key: the file is not the agency's.
    other_p12 = create_identity(common_name="Not the agency", organization="X", password=b"pw")
    (tmp_path / "other.p12").write_bytes(other_p12)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    foreign_signer = signers.SimpleSigner.load_pkcs12(str(tmp_path / "other.p12"), passphrase=b"pw")
    unsigned = issuing.review_pdf(make_request(Status.CHIEF_DECISION))
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

    # The issued form's content sealed by another key keeps the agency's code: a forgery.
    copy = issuing.review_pdf(r)
    resigned = outside_event_loop(
        lambda: signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(copy)),
            signers.PdfSignatureMetadata(field_name="Sig"),
            signer=foreign_signer,
        ).getvalue()
    )
    path.write_bytes(resigned)
    code, line = run_verify(path)
    assert code == 1 and line.startswith("ALTERED:")

    path.write_bytes(b"hello")
    assert run_verify(path) == (1, "UNKNOWN: the file is not a PDF")
    code, line = run_verify(tmp_path / "nope.pdf")
    assert code == 1 and line.startswith("UNKNOWN: cannot read")


def test_before_the_ink_the_issued_file_is_genuine_but_not_valid_for_filing(make_request, people):
    r = decided(make_request, people)
    verdict = verification.verify_pdf(r.issued_form.data)
    facts = verdict.facts()
    assert verdict.status == "genuine" and facts["ink_recorded"] is False
    assert facts["valid_until"] is None and "no ink signature recorded" in verdict.line()
    r = record_ink(r, people["coordinator"])
    facts = verification.verify_pdf(r.issued_form.data).facts()
    assert facts["ink_recorded"] and facts["valid_until"] == clocks.filing_valid_until(r.signed_on)


def test_an_appended_update_after_sealing_is_altered(certify_and_ink):
    data = certify_and_ink().issued_form.data
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


def test_withdrawn_certifications_say_so(certify_and_ink, people):
    r = certify_and_ink()
    services.request_withdraw_certification(
        request=r, actor=people["chief"], reason="Refused to testify."
    )
    verdict = verification.verify_pdf(r.issued_form.data)
    assert verdict.status == "genuine" and verdict.facts()["withdrawn"] is True
    assert "WITHDRAWN" in verdict.line()


def test_codes(certify_and_ink, make_request):
    r = certify_and_ink()
    code = r.issued_form.verification_code
    assert verification.verify_code(code.lower().replace("-", " ")).status == "genuine"
    assert verification.verify_code("AAAA-BBBB-CCCC").status == "unknown"
    assert verification.verify_code("nonsense").status == "unknown"
    review_only = make_request(Status.CHIEF_DECISION)
    assert verification.verify_code(issuing.verification_code_for(review_only)).status == "unknown"


def test_forms_issued_before_ink_recording_are_marked_and_kept(certify_and_ink, client, people):
    import importlib

    from django.apps import apps

    r = certify_and_ink()
    before = r.issued_form.data
    migration = importlib.import_module("cases.migrations.0010_ink_signature_and_official_forms")
    migration.mark_issued_before_ink_recording(apps, None)
    form = IssuedForm.objects.get(request=r)
    assert form.issued_before_ink_recording and form.data == before  # nothing lost
    sign_in(client, people["advocate"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "issued before ink recording" in html


# --- the public page ---


def test_the_public_page_needs_no_login_and_shows_no_victim_data(client, certify_and_ink):
    r = certify_and_ink()
    url = reverse("verify")
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": r.issued_form.verification_code})
    html = response.content.decode()
    assert response.status_code == 200 and "Result: GENUINE" in html
    assert "usa-alert--success" in html and "&#10004;" in html and "Proven:" in html
    assert "Medford Police Department" in html and f"{r.signed_on:%m/%d/%Y}" in html
    assert "Recorded: signed in ink by Frank Delaney" in html
    valid = clocks.filing_valid_until(r.signed_on)
    assert f"{valid:%m/%d/%Y}" in html and "six months from the ink date" in html
    assert "García" not in html and "María" not in html and r.reference not in html

    upload = SimpleUploadedFile("form.pdf", r.issued_form.data, "application/pdf")
    assert "Result: GENUINE" in client.post(url, {"file": upload}).content.decode()
    data = bytearray(r.issued_form.data)
    data[len(data) // 3] ^= 0x01
    upload = SimpleUploadedFile("form.pdf", bytes(data), "application/pdf")
    html = client.post(url, {"file": upload}).content.decode()
    assert "Result: ALTERED" in html and "usa-alert--error" in html and "&#10006;" in html
    assert "Do not rely on this file" in html
    html = client.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ"}).content.decode()
    assert "Result: UNKNOWN" in html and "usa-alert--warning" in html
    assert "Nothing proven" in html


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
