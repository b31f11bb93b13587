"""Certify issues the filled official form (sealed, "issued by"), the ink signature is recorded
with its scan; the hand-over of the original. (Checking a file: test_verification_of_forms.py.)"""

from __future__ import annotations

import hashlib
import io
import subprocess
from datetime import date, timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from cases import clocks, errors
from cases.documents import issuing, official
from cases.documents.signing import (
    SigningError,
    outside_event_loop,
    sign_pdf,
    signer,
)
from cases.lib.crypto import FILE_MAGIC
from cases.models import (
    AccessLog,
    CaseEvent,
    CertifyingOfficial,
    Document,
    FormTemplate,
    InkSignature,
    IssuedForm,
    OriginalHandover,
    Status,
)
from cases.services import ink
from cases.uscis.i918b_fields import INK_ONLY_ITEMS, P1
from tests.conftest import record_ink, scan_png, sign_in

pytestmark = pytest.mark.django_db

PNG = scan_png()


def decided(make_request, people, **fields):
    """Certified by the Chief: the form is issued, the ink signature not yet recorded."""
    r = make_request(Status.CHIEF_DECISION, **fields)
    return issuing.request_certify(request=r, actor=people["chief"])


def test_certify_issues_the_sealed_official_form_and_awaits_the_ink(
    make_request, people, artifacts
):
    r = decided(make_request, people)
    assert r.status == Status.AWAITING_INK and r.signed_on is None
    assert r.decided_by == people["chief"] and r.certifying_official.family_name == "Delaney"
    assert clocks.answered_on(r) is None  # not answered under c. 258F s. 3(i) yet
    form = IssuedForm.objects.get(request=r)
    assert bytes(form.pdf).startswith(FILE_MAGIC)  # encrypted at rest
    data = form.data
    (artifacts / "i918b-issued.pdf").write_bytes(data)
    assert form.sha256 == hashlib.sha256(data).hexdigest() and form.size == len(data)
    assert form.signed_on is None and form.valid_until is None
    assert not form.issued_before_ink_recording
    assert form.template == FormTemplate.objects.get(active=True)
    event = CaseEvent.objects.get(request=r, transition="certify")
    assert event.to_state == Status.AWAITING_INK
    assert event.data["sha256"] == form.sha256
    assert event.data["verification_code"] == form.verification_code
    assert event.data["template_sha256"] == form.template.sha256
    # The filled official form: its fields by name, Part 6 items 1-2 left for the ink.
    reader = PdfReader(io.BytesIO(data))
    fields = reader.get_fields()
    assert fields[P1 + "Pt1Line2a_FamilyName[0]"]["/V"] == "García"
    assert fields[P1 + "Pt2Line2c_FamilyName[0]"]["/V"] == "Delaney"
    for name in INK_ONLY_ITEMS.values():
        assert fields[name].get("/V") in (None, "")
    assert "/XFA" not in reader.trailer["/Root"]["/AcroForm"]
    assert "TEST TEMPLATE - NOT THE USCIS FORM" in reader.pages[0].extract_text()
    assert f"uvisa-verification-code:{form.verification_code}" in reader.metadata["/Keywords"]
    # The agency's PAdES seal covers the whole file and says "issued by", never "certified".
    cert = signer().signing_cert
    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = outside_event_loop(
        lambda: validate_pdf_signature(embedded, ValidationContext(trust_roots=[cert]))
    )
    assert status.bottom_line and status.intact and status.valid
    reason = str(embedded.sig_object["/Reason"])
    day = timezone.localdate()
    assert f"issued by Medford Police Department on {day:%m/%d/%Y}" in reason
    assert "certified" not in reason.lower() and "signed in ink" not in reason


def test_without_a_loaded_template_certify_says_which_file_and_where(make_request, people):
    FormTemplate.objects.update(active=False)
    r = make_request(Status.CHIEF_DECISION)
    with pytest.raises(official.TemplateMissing) as refused:
        issuing.request_certify(request=r, actor=people["chief"])
    message = str(refused.value)
    assert "https://www.uscis.gov/i-918" in message and "Supplement B" in message
    assert "bottom left" in message and "Edition 01/20/25" in message
    assert "load_form_template --form I-918B --edition 01/20/25" in message
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not IssuedForm.objects.exists()


def test_the_case_page_names_the_missing_template_to_the_chief(client, make_request, people):
    FormTemplate.objects.update(active=False)
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert 'id="template-problem"' in html and "uscis.gov/i-918" in html
    sign_in(client, people["advocate"])
    assert "template-problem" not in client.get(r.get_absolute_url()).content.decode()


def test_a_t_visa_request_never_produces_an_i918b(make_request, people):
    # It gets its own form (tests/documents/test_i914b.py), and the i918b command refuses it.
    r = make_request(
        Status.CHIEF_DECISION,
        form_type="I-914B",
        reference="MPD-TV-1999-0001",
        trafficking_forms=["slavery"],
        cooperation="complied",
        cooperation_explanation="Gave a statement.",
    )
    with pytest.raises(CommandError, match="T visa.*i914b"):
        call_command("i918b", r.reference, "--out", "/dev/null", stdout=io.StringIO())
    FormTemplate.objects.filter(form_type="I-914B").update(active=False)
    with pytest.raises(official.TemplateMissing, match="I-914 Supplement B"):
        issuing.request_certify(request=r, actor=people["chief"])
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not IssuedForm.objects.exists()


def test_an_issued_form_and_an_ink_record_cannot_be_changed(certify_and_ink):
    r = certify_and_ink()
    form = r.issued_form
    form.sha256 = "0" * 64
    with pytest.raises(ValueError, match="never changed"):
        form.save()
    with pytest.raises(ValueError):
        form.delete()
    with pytest.raises(ValueError, match="never changed"):
        r.ink_signature.save()


def test_if_sealing_fails_nothing_is_recorded(make_request, people, settings, tmp_path):
    settings.UVISA_SIGNING_P12 = tmp_path / "missing.p12"
    r = make_request(Status.CHIEF_DECISION)
    events = CaseEvent.objects.filter(request=r).count()
    with pytest.raises(SigningError, match="no signing key is configured"):
        issuing.request_certify(request=r, actor=people["chief"])
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and r.decided_at is None
    assert CaseEvent.objects.filter(request=r).count() == events
    assert not IssuedForm.objects.exists()


def test_a_wrong_key_password_is_a_signing_error(make_request, people, settings):
    settings.UVISA_SIGNING_P12_PASSWORD = "wrong"
    with pytest.raises(SigningError):
        issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    assert not IssuedForm.objects.exists()


# --- the ink signature ---


def test_the_ink_signature_answers_the_request_and_starts_the_validity(make_request, people):
    r = decided(make_request, people)
    today = timezone.localdate()
    r = record_ink(r, people["coordinator"], signed_on=today)
    assert r.status == Status.CERTIFIED and r.signed_on == today
    assert clocks.answered_on(r) == today
    ink_row = InkSignature.objects.get(request=r)
    assert ink_row.signer == r.certifying_official and ink_row.recorded_by == people["coordinator"]
    assert ink_row.scan.kind == Document.Kind.SIGNED_SCAN
    assert bytes(ink_row.sealed_scan).startswith(FILE_MAGIC)
    sealed = ink_row.sealed_scan_data
    assert hashlib.sha256(sealed).hexdigest() == ink_row.sealed_scan_sha256
    reason = str(PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0].sig_object["/Reason"])
    assert f"signed in ink by Frank Delaney on {today:%m/%d/%Y}" in reason
    event = CaseEvent.objects.get(request=r, transition="record_ink_signature")
    assert event.from_state == Status.AWAITING_INK and event.to_state == Status.CERTIFIED
    assert event.data["signed_on"] == today.isoformat()
    assert event.data["sealed_scan_sha256"] == ink_row.sealed_scan_sha256
    # A PDF scan is accepted too (the Chief may record it).
    other = decided(make_request, people)
    pdf_scan = SimpleUploadedFile("scan.pdf", issuing.review_pdf(other), "application/pdf")
    other = record_ink(other, people["chief"], scan=pdf_scan)
    assert other.status == Status.CERTIFIED


def test_ink_records_are_refused_to_the_wrong_person_state_date_signer_or_file(
    make_request, people, agency
):
    r = decided(make_request, people)
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        record_ink(r, people["advocate"])
    with pytest.raises(PermissionDenied):
        record_ink(r, people["detective"])
    with pytest.raises(ValidationError, match="future"):
        record_ink(r, people["coordinator"], signed_on=today + timedelta(days=1))
    with pytest.raises(ValidationError, match="before the decision"):
        record_ink(r, people["coordinator"], signed_on=today - timedelta(days=1))
    with pytest.raises(ValidationError, match="Part 6 item 2"):
        issuing.request_record_ink_signature(
            request=r,
            actor=people["coordinator"],
            signed_on=None,
            signer=r.certifying_official,
            scan=SimpleUploadedFile("s.png", PNG, "image/png"),
        )
    deputy = CertifyingOfficial.objects.create(
        agency=agency,
        user=people["undesignated_chief"],
        family_name="Other",
        given_name="Deputy",
        title="Deputy Chief",
        is_agency_head=False,  # a designee: one agency head at a time (8 CFR 214.14(a)(3))
        designation_document="designations/deputy.pdf",
        designated_on=date(2024, 1, 2),
    )
    with pytest.raises(ValidationError, match="who decided"):
        record_ink(r, people["coordinator"], signer=deputy)
    with pytest.raises(ValidationError, match="scan"):
        record_ink(r, people["coordinator"], scan=None)
    bad = SimpleUploadedFile("scan.txt", b"not an image", "image/png")
    with pytest.raises(ValidationError, match="Only PDF, JPEG and PNG"):
        record_ink(r, people["coordinator"], scan=bad)
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK and not InkSignature.objects.exists()
    assert not Document.objects.filter(kind=Document.Kind.SIGNED_SCAN).exists()
    pending = make_request(Status.CHIEF_DECISION)
    with pytest.raises(errors.TransitionRefused):
        record_ink(pending, people["coordinator"], signer=None)
    stale = r.__class__.objects.get(pk=r.pk)
    record_ink(r, people["coordinator"])
    with pytest.raises(errors.StaleRequest):
        issuing.request_record_ink_signature(
            request=stale,
            actor=people["coordinator"],
            signed_on=today,
            signer=stale.certifying_official,
            scan=SimpleUploadedFile("s.png", PNG, "image/png"),
        )


def test_the_ink_step_on_the_case_page(client, make_request, people):
    r = decided(make_request, people)
    sign_in(client, people["advocate"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Record ink signature" not in html and "form_issued" not in html
    assert "Awaiting ink signature" in html
    sign_in(client, people["coordinator"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Print-ready" in html and reverse("form_issued_pdf", args=[r.reference]) in html
    assert 'enctype="multipart/form-data"' in html and "Record ink signature" in html
    url = reverse("request_transition", args=[r.reference, "record_ink_signature"])
    response = client.post(
        url,
        {
            "record_ink_signature-signed_on": timezone.localdate().isoformat(),
            "record_ink_signature-signer": r.certifying_official_id,
        },
    )
    assert response.status_code == 400  # the scan is required
    response = client.post(
        url,
        {
            "record_ink_signature-signed_on": timezone.localdate().isoformat(),
            "record_ink_signature-signer": r.certifying_official_id,
            "record_ink_signature-scan": SimpleUploadedFile("s.png", PNG, "image/png"),
        },
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == Status.CERTIFIED
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Signed in ink" in html and "signed in ink by Frank Delaney" in html


# --- downloads through the access helper ---


def test_review_copy_issued_form_and_scan_downloads(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    review = reverse("form_review_pdf", args=[r.reference])
    issued = reverse("form_issued_pdf", args=[r.reference])
    scan = reverse("form_scan_pdf", args=[r.reference])
    sign_in(client, people["coordinator"])
    response = client.get(review)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "DRAFT - NOT ISSUED - DO NOT SIGN"
        in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    )
    assert client.get(issued).status_code == 404  # nothing issued yet
    sign_in(client, people["detective"])
    assert client.get(review).status_code == 200
    sign_in(client, people["advocate"])
    assert client.get(review).status_code == 403
    sign_in(client, people["other_advocate"])
    assert client.get(review).status_code == 404

    issuing.request_certify(request=r, actor=people["chief"])
    sign_in(client, people["coordinator"])
    response = client.get(issued)
    assert response.status_code == 200 and response.content == r.issued_form.data
    sign_in(client, people["advocate"])
    assert client.get(issued).status_code == 403  # no ink yet: nothing to file
    assert client.get(scan).status_code == 404

    record_ink(r, people["coordinator"])
    r.refresh_from_db()
    response = client.get(issued)
    assert response.status_code == 200 and response.content == r.issued_form.data
    response = client.get(scan)
    assert response.status_code == 200 and response.content == r.ink_signature.sealed_scan_data
    sign_in(client, people["other_advocate"])
    assert client.get(issued).status_code == 404 and client.get(scan).status_code == 404
    client.logout()
    assert client.get(issued).status_code == 302  # to the login page
    rows = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FORM).order_by("pk")
    assert [(a.username, a.detail) for a in rows] == [
        ("coordinator", "review copy I-918B"),
        ("detective", "review copy I-918B"),
        ("coordinator", "issued I-918B"),
        ("advocate", "issued I-918B"),
        ("advocate", "ink scan I-918B"),
    ]


# --- the hand-over of the original ---


def test_handover_of_the_ink_signed_original(client, certify_and_ink, people):
    r = certify_and_ink()
    sign_in(client, people["advocate"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Original ready for pick-up" in html
    coordinator = people["coordinator"]
    today = timezone.localdate()
    handover = ink.request_record_handover(
        request=r,
        actor=coordinator,
        received_by="Ana Ruiz, advocate",
        received_on=today,
        method=OriginalHandover.Method.CERTIFIED_MAIL,
        tracking_number="9407 1000 0000 0000 0000 00",
    )
    assert handover.issued_form == r.issued_form
    event = CaseEvent.objects.filter(request=r, kind="note").last()
    assert event.data["handover"] == handover.pk and "Ana Ruiz" in event.note
    html = client.get(r.get_absolute_url()).content.decode()
    assert f"Original mailed on {today:%m/%d/%Y}" in html and "9407 1000" in html

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
    sign_in(client, people["advocate"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert f"Original handed over in person on {today:%m/%d/%Y}" in html


def test_handover_refusals(make_request, certify_and_ink, people):
    r = certify_and_ink()
    args = dict(received_by="X", received_on=timezone.localdate(), method="in_person")
    with pytest.raises(PermissionDenied):
        ink.request_record_handover(request=r, actor=people["detective"], **args)
    with pytest.raises(ValidationError):
        ink.request_record_handover(
            request=r, actor=people["coordinator"], **{**args, "method": "pigeon"}
        )
    with pytest.raises(ValidationError, match="tracking number"):
        ink.request_record_handover(
            request=r, actor=people["coordinator"], **{**args, "method": "mail"}
        )
    with pytest.raises(ValidationError, match="future"):
        ink.request_record_handover(
            request=r,
            actor=people["coordinator"],
            **{**args, "received_on": timezone.localdate() + timedelta(days=2)},
        )
    awaiting = decided(make_request, people)
    with pytest.raises(errors.TransitionRefused, match="once its ink signature is recorded"):
        ink.request_record_handover(request=awaiting, actor=people["coordinator"], **args)
    assert not OriginalHandover.objects.exists()


# --- commands ---


def test_i918b_command_writes_the_official_form_or_the_review_copy(make_request, people, tmp_path):
    r = make_request(Status.CHIEF_DECISION)
    out = tmp_path / "f.pdf"
    call_command("i918b", r.reference, "--out", str(out), stdout=io.StringIO())
    reader = PdfReader(out)
    assert reader.get_fields()[P1 + "Pt1Line2a_FamilyName[0]"]["/V"] == "García"
    assert "TEST TEMPLATE - NOT THE USCIS FORM" in reader.pages[0].extract_text()
    call_command("i918b", r.reference, "--out", str(out), "--review", stdout=io.StringIO())
    assert "REVIEW COPY - NOT FOR FILING" in PdfReader(out).pages[0].extract_text()
    issuing.request_certify(request=r, actor=people["chief"])
    call_command("i918b", r.reference, "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes() == IssuedForm.objects.get(request=r).data
    with pytest.raises(CommandError):
        call_command("i918b", "NOPE", "--out", str(out))
    FormTemplate.objects.update(active=False)
    pending = make_request(Status.CHIEF_DECISION)
    with pytest.raises(CommandError, match="uscis.gov/i-918"):
        call_command("i918b", pending.reference, "--out", str(out))


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


def test_benchmark_prints_medians(make_request):
    make_request(Status.CHIEF_DECISION)
    out = io.StringIO()
    call_command("benchmark_forms", "--runs", "2", stdout=out)
    assert "median fill + seal" in out.getvalue() and "median seal" in out.getvalue()


def test_issued_pages_render_to_png(make_request, people, artifacts, tmp_path):
    r = decided(make_request, people)
    path = tmp_path / "issued.pdf"
    path.write_bytes(r.issued_form.data)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(path), str(artifacts / "i918b-issued-page")],
        check=True,
    )
    assert len(list(artifacts.glob("i918b-issued-page-*.png"))) >= 5


def test_a_sealing_failure_on_the_page_is_a_message_not_a_500(
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
    assert "could not be sealed" in response.content.decode()
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not IssuedForm.objects.exists()


def test_the_stored_code_outlives_a_secret_key_change(make_request, people, settings):
    r = decided(make_request, people)
    code = r.issued_form.verification_code
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert issuing.verification_code_for(r) == code
    assert code in PdfReader(io.BytesIO(issuing.review_pdf(r))).pages[0].extract_text()


def test_signing_works_inside_a_running_event_loop(make_request):
    import asyncio

    unsigned = issuing.review_pdf(make_request(Status.CHIEF_DECISION))

    async def sign_in_loop() -> bytes:
        return sign_pdf(unsigned, reason="test", location="test")[0]

    # A fresh thread, so that the test's own asyncio.run() is not inside Playwright's loop.
    signed = outside_event_loop(lambda: asyncio.run(sign_in_loop()))
    assert PdfFileReader(io.BytesIO(signed)).embedded_signatures
