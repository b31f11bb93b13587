"""The form editions page: a records clerk takes USCIS's I-914B of 02/27/17 as a new edition.

Upload (cleaned in the sandbox; hostile, oversized and non-PDF files refused), the match report,
the image of a box on its page, the preview fill, the choices by hand (a new audited mapping
version) and the activation (a fresh sign-in; refused while a required item has no box).
"""

from __future__ import annotations

import io
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from cases.audit import verify_chain
from cases.documents import demo_fill, official
from cases.models import (
    Agency,
    CaseEvent,
    CertificationRequest,
    CertifyingOfficial,
    DepartmentText,
    FormTemplate,
    FormType,
    OutboundMail,
    Statute,
)
from cases.reauth import FRESH_AT
from cases.uscis import acroform, tooltip_match
from tests.conftest import sign_in
from tests.documents import hostile, uscis_file
from tests.documents.uscis_file import NEW_T_EDITION

from .test_new_edition import I914B_CHOICES, i914b_file

# What a demo fill may write: rolled back, so none of them may change.
KEPT = (
    get_user_model(),
    CertificationRequest,
    CaseEvent,
    OutboundMail,
    Agency,
    CertifyingOfficial,
    Statute,
    DepartmentText,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in KEPT}


def read_back(pdf: bytes, template: FormTemplate):
    """value(tooltip words): the filled value of the file's one field whose tooltip says them,
    with the field's name (each must be the box the template's mapping chose)."""
    values = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    said = [f for f in acroform.read_inventory(template.data) if f.tooltip]

    def value(words: str) -> tuple[str, str]:
        hits = [f for f in said if acroform.normalise(words) in acroform.normalise(f.tooltip)]
        assert len(hits) == 1, (words, [h.name for h in hits])
        return hits[0].name, str(values[hits[0].name].get("/V", ""))

    return value


def marked(pdf: bytes) -> list[str]:
    """Each page's text (pdftotext), which must carry the preview mark."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return out.split("\f")[:-1]


pytestmark = pytest.mark.django_db

LIST = "/form-editions/"


def upload(client, data: bytes, edition: str = NEW_T_EDITION, form: str = FormType.T_VISA):
    return client.post(
        LIST,
        {"form_type": form, "edition": edition, "file": SimpleUploadedFile("i-914supb.pdf", data)},
    )


def chosen_indexes(template: FormTemplate) -> dict[str, str]:
    """The page's form: "slot:KEY" -> the chosen field's index in the file."""
    fields = acroform.read_inventory(template.data)
    slots = tooltip_match.slots(
        official.field_map(template.form_type, template.edition),
        official.required_refs(official.form_map_for(template.form_type, template.edition)),
        official.category_names(template.form_type, template.edition),
    )
    index = {f.name: i for i, f in enumerate(fields)}
    result = {}
    for line in I914B_CHOICES:
        key, name = tooltip_match.parse_assignment(line, slots, fields)
        result[f"slot:{key}"] = str(index[name])
    return result


@pytest.mark.parametrize("persona", ["advocate", "detective", "auditor", "superuser"])
def test_only_the_clerk_or_the_chief_takes_an_edition(client, people, reference_rows, persona):
    sign_in(client, people[persona])
    template = FormTemplate.objects.get(active=True)
    pages = (f"{LIST}{template.pk}/box-0.png", f"{LIST}{template.pk}/demo-1.png")
    for url in (LIST, f"{LIST}{template.pk}/", *pages):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{LIST}{template.pk}/activate/").status_code == 403
    assert client.post(f"{LIST}{template.pk}/assign/", {"slot:x": "1"}).status_code == 403


def test_unknown_or_active_editions_are_404_for_changes(client, people, reference_rows):
    sign_in(client, people["coordinator"])
    active = FormTemplate.objects.get(active=True)
    assert client.get(f"{LIST}99999/").status_code == 404
    assert client.post(f"{LIST}{active.pk}/activate/").status_code == 404  # not a draft
    assert client.post(f"{LIST}{active.pk}/assign/", {"slot:x": "1"}).status_code == 404
    assert client.get(f"{LIST}{active.pk}/box-99999.png").status_code == 404


def test_hostile_oversized_and_foreign_files_are_refused(client, people, reference_rows, settings):
    sign_in(client, people["coordinator"])
    response = upload(client, b"hello, not a PDF")
    assert response.status_code == 400 and "not a PDF" in response.content.decode()
    bomb = hostile.with_bomb(i914b_file(), inflated=1 << 31)
    response = upload(client, bomb)
    assert response.status_code == 400
    assert "cannot be used as the form template" in response.content.decode()
    settings.UVISA_MAX_TEMPLATE_BYTES = 1000
    response = upload(client, i914b_file())
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not FormTemplate.objects.filter(edition=NEW_T_EDITION).exists()


def test_active_content_is_cleaned_and_the_report_shown(client, people, reference_rows):
    sign_in(client, people["coordinator"])
    response = upload(client, hostile.with_active_content(i914b_file()))
    template = FormTemplate.objects.get(edition=NEW_T_EDITION)
    assert response.status_code == 302 and response["Location"] == f"{LIST}{template.pk}/"
    assert template.draft and not template.active
    assert not hostile.active_traces(template.data)
    page = client.get(response["Location"]).content.decode()
    assert "27 items matched by the file" in page and "11 of them required" in page
    assert "Enter Name of Certifying Official" in page  # an unclaimed field, by its tooltip


def test_the_clerk_completes_previews_and_activates_the_i914b(client, people, reference_rows):
    sign_in(client, people["coordinator"])
    upload(client, i914b_file())
    template = FormTemplate.objects.get(edition=NEW_T_EDITION)
    detail = f"{LIST}{template.pk}/"

    # The box of "Name of Certifying Official" as an image of its page, outlined.
    fields = acroform.read_inventory(template.data)
    index = next(i for i, f in enumerate(fields) if f.name.endswith("GivenNameFirstName[4]"))
    png = client.get(f"{detail}box-{index}.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert 100 < image.width < 1000 and 20 < image.height < 400
    assert (200, 0, 0) in {c for _n, c in image.convert("RGB").getcolors(1 << 20)}  # outline

    # Activating too early is refused, naming what is missing; nothing changes.
    refused = client.post(f"{detail}activate/")
    assert refused.status_code == 400
    assert "Part 2 item 2.a" in refused.content.decode()
    template.refresh_from_db()
    assert template.draft and not template.active

    # A stale choice (a field index the file does not have) changes nothing.
    assert client.post(f"{detail}assign/", {"slot:2|8|Other": "9999"}).status_code == 400
    assert template.mappings.count() == 1

    response = client.post(f"{detail}assign/", chosen_indexes(template))
    assert response.status_code == 302
    versions = list(template.mappings.order_by("version"))
    assert [v.version for v in versions] == [1, 2] and versions[1].made_by == people["coordinator"]
    hand = [e for e in versions[1].entries if e["how"] == "hand"]
    assert len(hand) == len(I914B_CHOICES) and {e["by"] for e in hand} == {"coordinator"}
    assert "0 of them required" in client.get(detail).content.decode()

    preview = client.get(f"{detail}preview-1.png")
    assert preview.status_code == 200 and preview.content.startswith(b"\x89PNG")
    assert client.get(f"{detail}preview-9.png").status_code == 404

    # Activation asks for a fresh sign-in, then makes it the edition new T requests take.
    session = client.session
    session.pop(FRESH_AT, None)
    session.save()
    assert "/accounts/confirm/" in client.post(f"{detail}activate/")["Location"]
    sign_in(client, people["coordinator"])
    assert client.post(f"{detail}activate/").status_code == 302
    template.refresh_from_db()
    assert template.active and not template.draft and template.activated_at
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert {"template_loaded", "template_mapped", "template_activated"} <= kinds
    assert verify_chain()[1] is None
    from cases.documents import official

    assert official.current_edition(FormType.T_VISA) == NEW_T_EDITION
    assert official.current_edition(FormType.U_VISA) == "01/20/25"


def test_the_real_i918b_uploaded_needs_no_choice(client, people, reference_rows):
    sign_in(client, people["chief"])
    response = upload(client, uscis_file.original(), edition="02/07/17", form=FormType.U_VISA)
    template = FormTemplate.objects.get(edition="02/07/17")
    page = client.get(response["Location"]).content.decode()
    assert "0 with no box on this file, 0 of them required" in page
    assert "Every item has its box." in page
    assert client.post(f"{LIST}{template.pk}/activate/").status_code == 302


def test_the_preview_fills_a_demo_t_request_and_keeps_nothing(
    client, people, reference_rows, tmp_path
):
    sign_in(client, people["coordinator"])
    upload(client, i914b_file())
    template = FormTemplate.objects.get(edition=NEW_T_EDITION)
    detail = f"{LIST}{template.pk}/"
    client.post(f"{detail}assign/", chosen_indexes(template))
    template.refresh_from_db()
    before = counts()

    page = client.get(detail).content.decode()
    assert f"{detail}demo-1.png" in page and "PREVIEW - DEMO DATA - NOT FOR FILING" in page
    png = client.get(f"{detail}demo-1.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get(f"{detail}demo-9.png").status_code == 404
    assert counts() == before  # no request, event, notice, agency or official left

    pdf = demo_fill.demo_pdf(template)
    assert counts() == before
    (tmp_path / "demo-i914b.pdf").write_bytes(pdf)
    value = read_back(pdf, template)
    entries = official.latest_mapping(template).entries
    by_hand = {e["field"] for e in entries if e["how"] == "hand"}
    # Matched by tooltip: the victim and the agency, in the boxes the mapping names.
    name, family = value("Enter Family Name (Last Name)")
    assert family == "Demofamily" and name in template.field_map.values()
    assert value("Enter Name of Certifying Agency")[1] == demo_fill.DEMO_AGENCY["name"]
    assert value("Enter Date of Birth")[1] == "01/02/1990"
    # Chosen by hand: one "Name of Certifying Official" box holds the three names.
    name, official_name = value("Enter Name of Certifying Official")
    assert official_name.split() == ["Certifier", "Casey", "M"]
    assert name in by_hand and name.endswith("GivenNameFirstName[4]")
    name, day_one = value("Enter Date One")
    assert name in by_hand and day_one.count("/") == 2
    name, victimization = value("Please describe the victimization")
    assert name in by_hand and victimization.startswith("Demo description")
    # The boxes: the demo's forms of trafficking and its cooperation, the others off.
    assert value("Select Sex trafficking in which a commercial sex act")[1] != "/Off"
    assert value("Select The recruitment, harboring")[1] != "/Off"  # debt bondage
    assert value("Select Sex trafficking and the victim is under the age of 18")[1] == "/Off"
    assert value("Select Has complied with requests")[1] != "/Off"
    assert value("Signature of Law Enforcement Officer")[1] == ""  # the ink's
    # Every page says what it is, and so does the file.
    pages = marked(pdf)
    assert len(pages) >= 3
    assert all("PREVIEW - DEMO DATA - NOT FOR FILING" in text for text in pages)
    assert "PREVIEW" in str(PdfReader(io.BytesIO(pdf)).metadata["/Title"])
    # Rendered as a printer would (pdftoppm): the mark's red ink is on the page.
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(tmp_path / "demo-i914b.pdf"),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    red = sum(n for n, (r, g, b) in image.getcolors(1 << 20) if r > 150 and g < 80 and b < 80)
    assert red > 500, red


def test_the_preview_fills_a_demo_u_request_on_the_i918b(client, people, reference_rows):
    sign_in(client, people["coordinator"])
    response = upload(client, uscis_file.original(), edition="04/01/27", form=FormType.U_VISA)
    assert response.status_code == 302
    template = FormTemplate.objects.get(form_type=FormType.U_VISA, edition="04/01/27")
    before = counts()
    png = client.get(f"{LIST}{template.pk}/demo-1.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    pdf = demo_fill.demo_pdf(template)
    assert counts() == before
    values = PdfReader(io.BytesIO(pdf)).get_fields() or {}

    def at(map_name: str) -> str:
        return str(values[template.field_map[map_name]].get("/V", ""))

    from cases.uscis import i918b_fields

    text = i918b_fields.TEXT_FIELDS
    assert at(text[(1, "2.a")][0]) == "Demofamily"
    assert at(text[(2, "1")][0]) == demo_fill.DEMO_AGENCY["name"]
    assert at(text[(2, "2.a")][0]) == "Certifier"
    assert at(text[(2, "9")][0]) == "DEMO-2025-0001"  # the department's text, adopted
    # Part 3 item 1: the two demo categories ticked in the boxes the mapping chose.
    ticked = {
        code
        for code, box in template.category_fields.items()
        if str(values[box].get("/V", "/Off")) != "/Off"
    }
    assert ticked == set(sorted(template.category_fields)[:2])
    assert all("PREVIEW - DEMO DATA - NOT FOR FILING" in page for page in marked(pdf))


def test_a_demo_that_cannot_be_made_is_no_preview_and_no_server_error(
    client, people, reference_rows
):
    """The department's own agency already holds the demo's code: a clear 404, nothing kept."""
    from cases.models import Agency

    sign_in(client, people["coordinator"])
    upload(client, uscis_file.original(), edition="04/01/27", form=FormType.U_VISA)
    template = FormTemplate.objects.get(form_type=FormType.U_VISA, edition="04/01/27")
    Agency.objects.create(**{**demo_fill.DEMO_AGENCY, "name": "A real agency"})
    before = counts()
    assert client.get(f"{LIST}{template.pk}/demo-1.png").status_code == 404
    assert counts() == before
