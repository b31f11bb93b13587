"""No JavaScript, actions, XFA or embedded files in a template, a filled form or an ink scan.

A template loaded by an administrator (command and admin) is rewritten without active content,
in a child process with CPU, memory and wall-clock limits, or refused with a sentence saying
why (a form error in the admin, never a 500): a compression bomb and a file of 300,000 objects
are refused quickly. Filling removes what a template stored earlier may still carry (USCIS's own
document JavaScript, the XFA version check). A PDF scan of the ink-signed pages is stored
without its scripts. Checked on USCIS's own Supplement B and on the synthetic template.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import time
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

from cases.documents import issuing, official, pdf_sandbox, verification
from cases.documents.verification import verify_pdf
from cases.lib import pdf_clean
from cases.lib.crypto import encrypt_file_bytes
from cases.models import FormTemplate, IssuedForm, Status
from cases.uscis import acroform, synthetic
from cases.uscis import i918b_fields as m
from tests.conftest import record_ink, sign_in

from . import hostile
from .conftest import category_names
from .uscis_file import i918b_01_20_25_names

# Measured on the development machine: the child's start (importing pypdf) takes about 0.6 s,
# refusing a 1 GiB bomb after inflating 32 MB about 0.2 s more, 300,000 objects 0.01 s more.
REFUSED_WITHIN_SECONDS = 5.0


@pytest.fixture(scope="module")
def real() -> bytes:
    """USCIS's own Supplement B (02/07/17) with the 01/20/25 field names, AES-encrypted."""
    return i918b_01_20_25_names()


@pytest.fixture(scope="module")
def synthetic_blank() -> bytes:
    return synthetic.synthetic_template(
        m.FIELDS_CSV, category_tooltips=list(category_names().values())
    )


def widgets_with_appearances(pdf: bytes) -> list[tuple[str, tuple[str, ...]]]:
    """Every widget's field name and the states of its normal appearance (/AP /N)."""
    reader = PdfReader(io.BytesIO(pdf))
    if reader.is_encrypted:
        reader.decrypt("")
    found = []
    for page in reader.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget":
                continue
            field = annot if "/T" in annot else annot["/Parent"].get_object()
            appearance = annot.get("/AP")
            normal = appearance["/N"].get_object() if appearance is not None else None
            states = tuple(sorted(normal)) if isinstance(normal, DictionaryObject) else ("",)
            states = states if normal is not None else ("no /AP",)
            found.append((str(field["/T"]), states))
    return found


# --- the cleaning itself (pure pypdf) ---


def test_uscis_file_carries_document_javascript_and_xfa_and_cleaning_removes_them(real):
    assert pdf_clean.active_content(real) == [
        "/Names /JavaScript",
        "AcroForm /XFA",
        "catalog /Perms",
    ]
    assert {"/JavaScript", "/JS", "/XFA"} <= set(hostile.active_traces(real))
    cleaned, report = pdf_clean.clean(real)
    assert hostile.active_traces(cleaned) == []
    assert pdf_clean.active_content(cleaned) == []
    assert "/Names /JavaScript" in report.removed and "AcroForm /XFA" in report.removed
    # Widgets, appearance streams, tooltips and the field tree are kept.
    inventory = acroform.read_inventory(cleaned)
    assert len(inventory) == 133 and inventory == acroform.read_inventory(real)
    assert widgets_with_appearances(cleaned) == widgets_with_appearances(real)
    assert not PdfReader(io.BytesIO(cleaned)).is_encrypted
    # 1,146,454 bytes and 1,192 objects in, 916,578 bytes and 1,170 objects out (pypdf 7.1).
    assert report.size_in == len(real) and report.size_out == len(cleaned) < len(real)
    assert report.objects_out < report.objects_in < 1300
    assert pdf_clean.clean(real)[0] == cleaned  # the same file gives the same bytes


@pytest.mark.parametrize("which", ["synthetic", "real"])
def test_every_kind_of_active_content_is_removed_and_the_form_kept(which, real, synthetic_blank):
    blank = real if which == "real" else synthetic_blank
    attacked = hostile.with_active_content(blank)
    before = hostile.active_traces(attacked)
    assert set(hostile.FORBIDDEN_NAMES) - {"/RichMedia"} <= set(before)
    assert set(hostile.MARKERS) <= {t.encode() for t in before}
    cleaned, report = pdf_clean.clean(attacked)
    assert hostile.active_traces(cleaned) == []
    for what in ("catalog /OpenAction", "catalog /AA", "/Names /JavaScript", "/URI action"):
        assert what in report.removed, what
    assert acroform.read_inventory(cleaned) == acroform.read_inventory(blank)
    assert widgets_with_appearances(cleaned) == widgets_with_appearances(blank)
    # A go-to within the document is kept; the one whose /Next ran a script lost only that.
    links = [
        a.get_object()
        for a in PdfReader(io.BytesIO(cleaned)).pages[0]["/Annots"]
        if a.get_object()["/Subtype"] == "/Link"
    ]
    assert [str(link["/A"]["/S"]) for link in links] == ["/GoTo", "/GoTo"]
    assert all("/Next" not in link["/A"] for link in links)


def test_a_compression_bomb_is_refused_quickly_without_inflating_it(synthetic_blank):
    bomb = hostile.with_bomb(synthetic_blank)  # a stream of about 1 MB that inflates to 1 GiB
    assert len(bomb) < len(synthetic_blank) + 1_200_000
    started = time.monotonic()
    with pytest.raises(pdf_clean.Refused, match="decodes to more than 32 MB"):
        pdf_clean.clean(bomb)
    assert time.monotonic() - started < 1.5  # 0.2 s measured; inflating all of it takes longer
    started = time.monotonic()
    with pytest.raises(pdf_clean.Refused, match="compression bomb"):
        pdf_sandbox.clean(bomb, cpu_seconds=10, memory_mb=768)
    assert time.monotonic() - started < REFUSED_WITHIN_SECONDS


def test_a_file_of_300000_objects_is_refused_quickly(synthetic_blank):
    many = hostile.with_objects(synthetic_blank)
    started = time.monotonic()
    with pytest.raises(pdf_clean.Refused, match=r"holds 300,\d{3} objects; the limit is 20,000"):
        pdf_clean.clean(many)
    assert time.monotonic() - started < 0.5  # counted on the raw bytes before parsing
    started = time.monotonic()
    with pytest.raises(pdf_clean.Refused, match="objects"):
        pdf_sandbox.clean(many, cpu_seconds=10, memory_mb=768)
    assert time.monotonic() - started < REFUSED_WITHIN_SECONDS


def test_objects_hidden_from_the_raw_count_are_counted_after_parsing(synthetic_blank):
    many = hostile.with_objects(synthetic_blank, count=2_000)
    with pytest.raises(pdf_clean.Refused, match=r"holds 2,\d{3} objects; the limit is 1,000"):
        pdf_clean._clean(many, pdf_clean.Limits(max_objects=1_000), pdf_clean.Report())


def test_other_limits_size_images_total_and_passwords(synthetic_blank):
    with pytest.raises(pdf_clean.Refused, match="the limit is 100 KB"):
        pdf_clean.clean(synthetic_blank, pdf_clean.Limits(max_bytes=100 * 1024))
    with pytest.raises(pdf_clean.Refused, match="not a PDF"):
        pdf_clean.clean(b"GIF89a")
    eight_mb = hostile.with_bomb(synthetic_blank, inflated=8 << 20)
    with pytest.raises(pdf_clean.Refused, match="decode to more than 4 MB in all"):
        pdf_clean.clean(eight_mb, pdf_clean.Limits(max_total_bytes=4 << 20))
    pdf_clean.clean(eight_mb)  # within the default limits
    huge = DecodedStreamObject()  # a viewer would allocate 30 GB for it
    huge[NameObject("/Subtype")] = NameObject("/Image")
    huge[NameObject("/Width")] = huge[NameObject("/Height")] = NumberObject(100_000)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(synthetic_blank)))
    writer._root_object[NameObject("/Huge")] = writer._add_object(huge)
    image = io.BytesIO()
    writer.write(image)
    with pytest.raises(pdf_clean.Refused, match="declares 10,000,000,000 pixels"):
        pdf_clean.clean(image.getvalue())
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(synthetic_blank)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(pdf_clean.Refused, match="protected by a password"):
        pdf_clean.clean(locked.getvalue())


def test_the_child_process_limits_hold(real):
    """The cleaning runs under RLIMIT_AS: 40 MB is too little even to start pypdf."""
    with pytest.raises(pdf_clean.Refused, match="more memory than is allowed|40 MB of memory"):
        pdf_sandbox.clean(real, cpu_seconds=10, memory_mb=40)
    cleaned, report = pdf_sandbox.clean(real, cpu_seconds=10, memory_mb=768)
    assert cleaned == pdf_clean.clean(real)[0] and report.removed["/Names /JavaScript"] == 1


# --- loading a template: the command, load_template and the admin ---


@pytest.mark.django_db
def test_the_real_file_with_active_content_loads_clean_and_fills_clean(real, make_request):
    attacked = hostile.with_active_content(real)
    template = official.load_template(attacked, form_type="I-918B", edition="01/20/25", actor=None)
    assert hostile.active_traces(template.data) == []
    assert template.sha256 == hashlib.sha256(template.data).hexdigest()
    assert len(template.inventory) == 133 and len(template.category_fields) == 31
    request = make_request(Status.CHIEF_DECISION, family_name="Nguyễn", given_name="Thị Ánh")
    filled = official.official_pdf(request, template)
    assert hostile.active_traces(filled) == []
    assert len(acroform.read_inventory(filled)) == 133
    values = {name: f.get("/V") for name, f in (PdfReader(io.BytesIO(filled)).get_fields()).items()}
    assert "Nguyễn" in values.values()
    without = {n for n, states in widgets_with_appearances(filled) if states == ("no /AP",)}
    assert without <= {n for n, st in widgets_with_appearances(real) if st == ("no /AP",)}


@pytest.mark.django_db
def test_a_template_stored_before_cleaning_still_fills_without_javascript(real, make_request):
    """USCIS's document JavaScript (the XFA version check) stayed in every filled form."""
    prepared = official.PreparedTemplate(
        form_type="I-918B", edition="01/20/25", data=real, sha256=hashlib.sha256(real).hexdigest()
    )
    clean = official.prepare_template(
        real, form_type="I-918B", edition="01/20/25", categories=official.category_names()
    )
    prepared.inventory, prepared.category_fields = clean.inventory, clean.category_fields
    prepared.choice_fields = clean.choice_fields
    template = official.store_template(prepared, actor=None)
    assert template.data == real and "/Names /JavaScript" in pdf_clean.active_content(real)
    filled = official.official_pdf(make_request(Status.CHIEF_DECISION), template)
    assert hostile.active_traces(filled) == []
    assert pdf_clean.active_content(filled) == []
    assert len(acroform.read_inventory(filled)) == 133


@pytest.mark.django_db
def test_load_refuses_a_bomb_and_many_objects_quickly_and_clearly(synthetic_blank):
    for attacked, says in [
        (hostile.with_bomb(synthetic_blank), "decodes to more than 32 MB"),
        (hostile.with_objects(synthetic_blank), "holds 300,"),
    ]:
        started = time.monotonic()
        with pytest.raises(official.TemplateRefused, match=says) as refused:
            official.load_template(attacked, form_type="I-918B", edition="01/20/25", actor=None)
        assert time.monotonic() - started < REFUSED_WITHIN_SECONDS
        assert str(refused.value).startswith("This file cannot be used as the form template: ")
    assert not FormTemplate.objects.filter(filename__contains="bomb").exists()


@pytest.mark.django_db
def test_the_command_says_what_it_removed(real, tmp_path, people):
    from django.core.management import call_command

    path = tmp_path / "i-918supb.pdf"
    path.write_bytes(hostile.with_active_content(real))
    out = io.StringIO()
    call_command(
        "load_form_template", "--form", "I-918B", "--edition", "01/20/25", str(path), stdout=out
    )
    printed = out.getvalue()
    assert "133 fields" in printed and "catalog /OpenAction" in printed
    assert (
        "/Names /JavaScript" in printed and hashlib.sha256(path.read_bytes()).hexdigest() in printed
    )
    assert hostile.active_traces(FormTemplate.objects.get(active=True).data) == []


@pytest.mark.django_db
def test_the_admin_stores_a_hostile_upload_clean_and_refuses_a_bomb_on_the_form(
    client, people, real, synthetic_blank
):
    sign_in(client, people["superuser"])
    url = "/admin/cases/formtemplate/add/"
    bomb = SimpleUploadedFile("bomb.pdf", hostile.with_bomb(synthetic_blank))
    started = time.monotonic()
    response = client.post(url, {"form_type": "I-918B", "edition": "01/20/25", "file": bomb})
    assert time.monotonic() - started < REFUSED_WITHIN_SECONDS
    assert response.status_code == 200 and "decodes to more than 32 MB" in response.content.decode()
    many = SimpleUploadedFile("many.pdf", hostile.with_objects(synthetic_blank))
    response = client.post(url, {"form_type": "I-918B", "edition": "01/20/25", "file": many})
    assert response.status_code == 200 and "300," in response.content.decode()
    upload = SimpleUploadedFile("i-918supb.pdf", hostile.with_active_content(real))
    response = client.post(
        url, {"form_type": "I-918B", "edition": "01/20/25", "file": upload}, follow=True
    )
    assert response.status_code == 200 and "catalog /OpenAction" in response.content.decode()
    template = FormTemplate.objects.get(active=True, form_type="I-918B")
    assert template.filename == "i-918supb.pdf" and len(template.inventory) == 133
    assert hostile.active_traces(template.data) == []


# --- issued forms and the scan of the ink-signed pages ---


@pytest.mark.django_db
def test_a_pdf_scan_with_a_script_is_stored_without_it(make_request, people):
    r = issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    # A PDF "scan" with an open action, will-print and page-open scripts and a link added.
    writer = PdfWriter(clone_from=io.BytesIO(issuing.review_pdf(r)))
    writer._root_object[NameObject("/OpenAction")] = hostile._js(writer)
    writer._root_object[NameObject("/AA")] = DictionaryObject(
        {NameObject("/WP"): hostile._js(writer)}
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): hostile._js(writer)})
    page_annots = writer.pages[0].setdefault(NameObject("/Annots"), ArrayObject())
    cast(ArrayObject, page_annots).append(
        writer._add_object(
            hostile._link((0, 0, 10, 10), hostile._action("/URI", URI="https://attacker.example"))
        )
    )
    out = io.BytesIO()
    writer.write(out)
    scan = out.getvalue()
    assert {"/OpenAction", "/AA", "/URI", "PAYLOAD"} <= set(hostile.active_traces(scan))
    r = record_ink(
        r, people["coordinator"], scan=SimpleUploadedFile("s.pdf", scan, "application/pdf")
    )
    sealed = r.ink_signature.sealed_scan_data
    assert hostile.active_traces(sealed) == []
    assert verify_pdf(sealed).status == "genuine"
    # The stored document (served to whoever reads the request) is the cleaned file too.
    stored = r.ink_signature.scan
    with stored.file.open("rb") as handle:
        kept = handle.read()
    assert kept.startswith(b"%PDF-") and hostile.active_traces(kept) == []
    assert stored.sha256 == hashlib.sha256(kept).hexdigest()


@pytest.mark.django_db
def test_a_hostile_scan_is_refused_with_a_form_error(make_request, people, synthetic_blank):
    r = issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    bomb = SimpleUploadedFile("s.pdf", hostile.with_bomb(synthetic_blank), "application/pdf")
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        record_ink(r, people["coordinator"], scan=bomb)
    assert time.monotonic() - started < REFUSED_WITHIN_SECONDS
    assert "decodes to more than 32 MB" in str(refused.value.message_dict["scan"])
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK  # nothing recorded


# --- /verify/ never calls a file with active content genuine ---


@pytest.mark.django_db
def test_verify_calls_a_clean_issued_form_genuine_without_parsing_it(
    certify_and_ink, monkeypatch, real
):
    official.load_template(real, form_type="I-918B", edition="01/20/25", actor=None)
    r = certify_and_ink()
    issued, scan = bytes(r.issued_form.data), r.ink_signature.sealed_scan_data
    for data in (issued, scan):
        assert not pdf_clean.may_have_active_content(data)  # the raw bytes prove it

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(pdf_sandbox, "active_content", parse)
    assert verification.verify_pdf(issued).status == "genuine"
    assert verification.verify_pdf(scan).status == "genuine"


@pytest.mark.django_db
def test_verify_does_not_call_a_form_issued_with_uscis_javascript_genuine(
    make_request, people, real
):
    """A form issued before templates were cleaned: USCIS's document JavaScript and XFA were
    copied into it. Simulated by storing the issued file as such a fill would have written it."""
    from cases.documents.signing import sign_pdf

    r = issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    form = r.issued_form
    reader = PdfReader(io.BytesIO(real))
    reader.decrypt("")
    copied = io.BytesIO()
    PdfWriter(clone_from=reader).write(copied)  # as filling wrote it: only /XFA was removed
    legacy, _certificate = sign_pdf(
        copied.getvalue(), reason="issued before cleaning", location="", contact=""
    )
    IssuedForm.objects.filter(pk=form.pk).update(  # the row as it was stored back then
        pdf=encrypt_file_bytes(legacy), sha256=hashlib.sha256(legacy).hexdigest()
    )
    verdict = verification.verify_pdf(legacy)
    assert verdict.status == "altered" and verdict.form == form
    assert "/Names /JavaScript" in verdict.reason and "issue the form again" in verdict.reason


def test_staff_files_are_cleaned_at_an_ordinary_priority(monkeypatch):
    """A busy server must not starve the Chief's scan past its wall-clock limit: cleaning runs
    at nice 5, only anonymous files (/verify/) at SCHED_IDLE."""
    seen = []

    def fake(args, data, *, timeout):
        seen.append(args[1])
        raise subprocess.TimeoutExpired(args, timeout)

    monkeypatch.setattr(pdf_sandbox, "run_python", fake)
    with pytest.raises(pdf_clean.Refused):
        pdf_sandbox.clean(b"%PDF-1.7\n", cpu_seconds=1, memory_mb=64)
    assert "SCHED_IDLE" not in seen[0] and "os.nice(5)" in seen[0]
    assert "SCHED_IDLE" in pdf_sandbox.LAUNCHER
