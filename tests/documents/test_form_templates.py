"""Loading the official form template (command and admin), and filling it from a real request."""

from __future__ import annotations

import hashlib
import io
import subprocess
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from cases.audit import verify_chain
from cases.documents import official
from cases.lib.crypto import FILE_MAGIC
from cases.models import CaseEvent, FamilyMember, FormTemplate, QualifyingCrimeCategory, Status
from cases.uscis import acroform, formmap, synthetic
from cases.uscis import i918b_fields as m
from tests.conftest import sign_in

from .conftest import read_fields, styled_tooltips

pytestmark = pytest.mark.django_db


@pytest.fixture
def blank(tmp_path, categories) -> tuple[bytes, str]:
    """The synthetic template with shuffled, restyled tooltips, as a file."""
    data = synthetic.synthetic_template(
        m.FIELDS_CSV, category_tooltips=styled_tooltips(list(categories.values()), seed=7)
    )
    path = tmp_path / "i-918supb.pdf"
    path.write_bytes(data)
    return data, str(path)


def load(path: str, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "load_form_template", "--form", "I-918B", "--edition", "01/20/25", path, *extra, stdout=out
    )
    return out.getvalue()


def call_command_report(path: str) -> str:
    return load(path, "--report")


def _without_tooltip(data: bytes, name: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    for annot in writer.pages[0]["/Annots"]:
        annot = annot.get_object()
        if annot.get("/T") == name:
            annot[NameObject("/TU")] = TextStringObject("Part 2. Agency Information.")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def renamed(data: bytes, old: str, new: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    for annot in writer.pages[0]["/Annots"]:
        annot = annot.get_object()
        if annot.get("/T") == old:
            annot[NameObject("/T")] = TextStringObject(new)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_load_is_accepted_stored_encrypted_matched_and_audited(blank, people, categories):
    data, path = blank
    before = FormTemplate.objects.get(active=True)
    printed = load(path, "--by", "superuser")
    template = FormTemplate.objects.get(active=True)
    assert "Loaded I-918B edition 01/20/25" in printed and "133 fields" in printed
    assert template.pk != before.pk and not FormTemplate.objects.get(pk=before.pk).active
    # Stored as rewritten by the cleaning (only its XFA was active): same fields, same pages.
    assert bytes(template.pdf).startswith(FILE_MAGIC) and template.data.startswith(b"%PDF-1.4")
    assert acroform.read_inventory(template.data) == acroform.read_inventory(data)
    assert template.sha256 == hashlib.sha256(template.data).hexdigest()
    assert template.size == len(template.data)
    assert "Active content: removed AcroForm /XFA (SHA-256 of the file as loaded" in printed
    assert f"as loaded {hashlib.sha256(data).hexdigest()}" in printed
    assert len(template.inventory) == 133 and template.loaded_by == people["superuser"]
    # The 31 boxes matched by tooltip (shuffled, restyled), not by index.
    assert set(template.category_fields) == set(categories) and len(categories) == 31
    inventory = {f.name: f for f in acroform.read_inventory(data)}
    for code, box in template.category_fields.items():
        assert acroform.normalise(categories[code]) in acroform.normalise(inventory[box].tooltip)
    assert template.category_fields != dict(zip(categories, m.CATEGORY_FIELDS, strict=True))
    event = CaseEvent.objects.get(kind=CaseEvent.Kind.TEMPLATE_LOADED)
    assert event.request is None and event.data["sha256"] == template.sha256
    assert verify_chain()[1] is None  # in the same hash chain
    with pytest.raises(CommandError, match="already the active template"):
        load(path)


def test_a_renamed_field_is_found_by_its_tooltip(reference_rows, blank, tmp_path):
    data, _ = blank
    bad = tmp_path / "renamed.pdf"
    bad.write_bytes(renamed(data, "CityTown[0]", "CityOrTown[0]"))
    out = load(str(bad))
    city = m.TEXT_FIELDS[(2, "5.c")][0]
    assert f"Part 2 item 5.c: {m.P1}CityOrTown[0] [tooltip]" in out
    template = FormTemplate.objects.get(active=True)
    assert template.field_map[city] == m.P1 + "CityOrTown[0]"
    assert template.mappings.get().entries[0]["how"] == "tooltip"
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.TEMPLATE_LOADED).count() == 1


def test_an_unmatched_category_box_is_refused(reference_rows, categories, tmp_path):
    tooltips = list(categories.values())
    tooltips_before, tooltips[4] = tooltips[4], "Jaywalking"
    path = tmp_path / "odd.pdf"
    path.write_bytes(synthetic.synthetic_template(m.FIELDS_CSV, category_tooltips=tooltips))
    with pytest.raises(CommandError) as refused:
        load(str(path))
    assert "required items match no field" in str(refused.value)
    assert f"Part 3 item 1: {tooltips_before}" in str(refused.value)
    report = call_command_report(str(path))
    assert "Jaywalking" in report and "names no single option" in report


def test_other_refusals(reference_rows, blank, tmp_path):
    data, path = blank
    # An I-918B file offered as the I-914B: its tooltips ask the I-918B's questions.
    with pytest.raises(official.TemplateRefused, match="do not ask what the form map fills"):
        official.load_template(data, form_type="I-914B", edition="01/20/25", actor=None)
    with pytest.raises(official.TemplateRefused, match="no form map for I-000"):
        official.prepare_template(data, form_type="I-000", edition="01/20/25", categories={})
    with pytest.raises(official.TemplateRefused, match="not a PDF"):
        official.load_template(b"hello", form_type="I-918B", edition="01/20/25", actor=None)
    with pytest.raises(CommandError, match="No file"):
        load(str(tmp_path / "missing.pdf"))


def test_the_admin_uploads_a_template_and_shows_refusals(client, people, blank):
    data, _ = blank
    sign_in(client, people["superuser"])
    url = "/admin/cases/formtemplate/add/"
    page = client.get(url)
    assert page.status_code == 200 and "uscis.gov/i-918" in page.content.decode()
    bad = SimpleUploadedFile("bad.pdf", _without_tooltip(data, "CityTown[0]"))
    response = client.post(url, {"form_type": "I-918B", "edition": "01/20/25", "file": bad})
    assert response.status_code == 200 and "Part 2 item 5.c" in response.content.decode()
    good = SimpleUploadedFile("i-918supb.pdf", data)
    response = client.post(url, {"form_type": "I-918B", "edition": "01/20/25", "file": good})
    assert response.status_code == 302
    template = FormTemplate.objects.get(active=True)
    assert template.loaded_by == people["superuser"]
    assert acroform.read_inventory(template.data) == acroform.read_inventory(data)
    assert client.get(f"/admin/cases/formtemplate/{template.pk}/change/").status_code == 200


def test_fill_from_a_real_request_and_read_every_field_back(make_request, people, artifacts):
    r = make_request(
        Status.CHIEF_DECISION,
        family_name="Nguyễn",
        given_name="Thị Ánh",
        other_family_name="Désir",
        other_given_name="Jean-Baptiste",
        a_number="A-123456789",
        family_members_implicated="yes",
        additional_incident_dates=["2025-03-20"],
        criminal_activity_description=" ".join(f"word{i:04d}" for i in range(600))[:5000],
    )
    FamilyMember.objects.create(
        request=r,
        family_name="Núñez",
        given_name="José",
        relationship="Uncle",
        involvement="Perpetrator",
    )
    r.crime_categories.add(QualifyingCrimeCategory.objects.get(code="stalking"))
    template = FormTemplate.objects.get(active=True)
    pdf = official.official_pdf(r, template)
    (artifacts / "i918b-filled-from-request.pdf").write_bytes(pdf)
    fields = read_fields(pdf)
    values, _ = official.official_values(r, template)
    triples = m.triples_from_filled(formmap.fill(r))
    by_ref = {(int(p), str(n)): v for p, n, v in triples}
    # Every value the form map gives is in its field, by official name.
    for name, value in values.items():
        got = fields[name].get("/V")
        if isinstance(value, bool):
            inventory = {f["name"]: f for f in template.inventory}
            assert got == (inventory[name]["on_states"][0] if value else "/Off"), name
        elif name == m.TEXT_FIELDS[(3, "6")][0]:
            assert got.endswith("(continued in Part 7)")
        else:
            assert (got or "") == value, name
    assert values[m.TEXT_FIELDS[(1, "2.a")][0]] == "Nguyễn" == by_ref[(1, "2.a")]
    assert values[m.TEXT_FIELDS[(1, "1")][0]] == "123456789"
    assert values[m.TEXT_FIELDS[(1, "4")][0]] == "05/01/1990"  # mm/dd/yyyy
    assert values[m.TEXT_FIELDS[(3, "2.b")][0]] == "03/20/2025"
    assert values[m.TEXT_FIELDS[(2, "2.a")][0]] == "Delaney"
    # Part 5 item 2: A. Family Name, B. Given Name, C. Middle Name (none: "N/A").
    assert [fields[n]["/V"] for n in m.ROW_FIELDS[0][:3]] == ["Núñez", "José", "N/A"]
    assert all(fields[n]["/V"] == "N/A" for row in m.ROW_FIELDS[1:] for n in row)
    # The categories by the template's stored match.
    checked = {n for n in m.CATEGORY_FIELDS if fields[n]["/V"] != "/Off"}
    assert checked == {
        template.category_fields["domestic_violence"],
        template.category_fields["stalking"],
    }
    # Part 6 items 1 and 2 are always empty, even once a date exists on the request.
    r.signed_on = date(2026, 6, 1)
    again = read_fields(official.official_pdf(r, template))
    for name in m.INK_ONLY_ITEMS.values():
        assert fields[name].get("/V") in (None, "") and again[name].get("/V") in (None, "")
    reader = PdfReader(io.BytesIO(pdf))
    assert "/XFA" not in reader.trailer["/Root"]["/AcroForm"] and len(reader.pages) >= 6
    path = artifacts / "i918b-filled-from-request.pdf"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(artifacts / "i918b-filled-page")],
        check=True,
    )
    assert len(list(artifacts.glob("i918b-filled-page-*.png"))) >= 6


def test_rotate_keys_re_encrypts_the_stored_pdfs(certify_and_ink, settings):
    import base64

    from cases.lib.crypto import file_key_id, key_id

    r = certify_and_ink()
    before = (r.issued_form.data, r.ink_signature.sealed_scan_data)
    new = base64.b64encode(b"n" * 32).decode()
    settings.UVISA_FIELD_KEYS = [new, *settings.UVISA_FIELD_KEYS]
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "stored PDFs" in out.getvalue()
    r.refresh_from_db()
    form = type(r.issued_form).objects.get(pk=r.issued_form.pk)
    ink = type(r.ink_signature).objects.get(pk=r.ink_signature.pk)
    primary = key_id(b"n" * 32)
    assert (
        file_key_id(bytes(form.pdf)) == primary and file_key_id(bytes(ink.sealed_scan)) == primary
    )
    assert all(file_key_id(bytes(t.pdf)) == primary for t in FormTemplate.objects.all())
    assert (form.data, ink.sealed_scan_data) == before
