"""A new edition of either Supplement B mapped by its own tooltips, on USCIS's real files.

- USCIS's I-918B of 02/07/17, with the 01/20/25 field names and with its own, loaded as a new
  edition: every item matched by tooltip, no choice by hand.
- USCIS's I-914B of 02/27/17 (Parts A-F, text boxes named ``GivenNameFirstName[n]``) loaded as
  a new edition the tracker has no map of (tests/documents/uscis_file.py, NEW_T_EDITION): the
  tooltips match what they can, an administrator's choices complete the rest, and a T request
  is filled and read back by the file's own tooltips (pypdf). Loaded as its own edition it
  answers its own map with no choice.
- A file whose tooltip contradicts the map is refused naming the item.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader
from pypdf.generic import NameObject, TextStringObject

from cases.documents import issuing, official
from cases.models import CaseEvent, FormTemplate, FormType, IssuedForm, Status
from cases.uscis import acroform, formmap, i918b_fields
from cases.uscis.trafficking import Cooperation, TraffickingForm
from tests.documents import uscis_file
from tests.documents.uscis_file import NEW_T_EDITION

pytestmark = pytest.mark.django_db

I914B = NEW_T_EDITION

# What an administrator chooses on the I-914B of 02/27/17, read from its tooltips
# (/work reference: the file's 72 fields): ITEM=FIELD as the match report names them.
I914B_CHOICES = [
    "Part 1 item 2.a=GivenNameFirstName[3]",  # "Enter Other Names Used"
    "Part 1 item 2.b=GivenNameFirstName[3]",
    "Part 1 item 2.c=GivenNameFirstName[3]",
    "Part 2 item 2.a=GivenNameFirstName[4]",  # "Enter Name of Certifying Official"
    "Part 2 item 2.b=GivenNameFirstName[4]",
    "Part 2 item 2.c=GivenNameFirstName[4]",
    "Part 2 item 4.b=GivenNameFirstName[7]",  # "Agency Address. Enter Suite Number"
    "Part 2 item 8.a=Local[0]",  # "Case Status. Enter Local Case Status" (the "Other" text)
    "Part 2 item 8: Other=caseStatus[2]",  # "Case Status. Select Local."
    "Part 2 item 10=GivenNameFirstName[13]",  # "F B I Number or ... S I D Number"
    "Part 3 item 2.a=Date[2]",  # "Enter Date One"
    "Part 3 item 2.b=Date[4]",  # "Enter Date Two"
    "Part 3 item 4=partc_other[0]",  # "2. Please describe the victimization ..."
    "Part 3 item 1: Sex trafficking induced by force, fraud, or coercion=Yes[0]",
    "Part 3 item 1: Sex trafficking of a person under 18 years of age=Yes[1]",
    # One box, "... labor or services ... involuntary servitude, peonage, debt bondage, or
    # slavery", answers the four forms of labour trafficking.
    "Part 3 item 1: Labor trafficking for involuntary servitude=Yes[2]",
    "Part 3 item 1: Labor trafficking for peonage=Yes[2]",
    "Part 3 item 1: Labor trafficking for debt bondage=Yes[2]",
    "Part 3 item 1: Labor trafficking for slavery=Yes[2]",
    "Part 4 item 1: Under 18=prtD[4]",  # "Has not yet attained the age of 18"
    *[
        f"Part 5 item {line} {column}=Table1[0].Row{line - 1}[0].{target}[0]"
        for line in (2, 3, 4)
        for column, target in (
            ("FamilyName", "FullName"),
            ("GivenName", "FullName"),
            ("MiddleName", "FullName"),
            ("Relationship", "Relationship"),
            ("Involvement", "Involvement"),
        )
    ],  # fmt: skip
]


def i914b_file() -> bytes:
    return uscis_file.original(uscis_file.I914B_02_27_17, uscis_file.I914B_SHA256)


def as_file(tmp_path: Path, data: bytes, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_form_template", *args, stdout=out)
    return out.getvalue()


def with_tooltip(data: bytes, short: str, old: str, new: str) -> bytes:
    """USCIS's file with one field's tooltip changed (the field named ``short`` at its end)."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            node = annot if "/T" in annot else annot.get("/Parent", annot).get_object()
            if str(node.get("/T", "")) == short and "/TU" in node:
                node[NameObject("/TU")] = TextStringObject(str(node["/TU"]).replace(old, new))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the I-918B maps itself ---


@pytest.mark.parametrize(
    "data, edition",
    [
        (uscis_file.i918b_01_20_25_names, "01/20/25"),
        (uscis_file.original, "02/07/17"),  # USCIS's own names, as a new edition
    ],
    ids=["01-20-25-names", "02-07-17-names"],
)
def test_the_real_i918b_maps_itself_with_no_choice_by_hand(reference_rows, data, edition):
    prepared = official.prepare_template(
        data(), form_type=FormType.U_VISA, edition=edition, categories=official.category_names()
    )
    report = prepared.report
    assert report is not None
    counts = report.counts()
    print(f"I-918B {edition} names:", counts)
    assert counts["by_hand"] == 0 and counts["required_unmatched"] == 0
    # Every text item, every choice option and all 31 categories have their box.
    assert counts["unmatched"] == 0, report.describe()
    assert counts["how_tooltip"] >= 120  # Part, item and words; the ink fields by name
    assert prepared.form_map == "01/20/25"
    assert len(prepared.category_fields) == 31
    # The address subform of 02/07/17 is found by tooltip, whatever its name.
    state = prepared.field_map[i918b_fields.TEXT_FIELDS[(2, "5.d")][0]]
    assert state.endswith("State[0]")
    assert "Unit" in " ".join(f.name for f in report.unclaimed)  # 5.b's three boxes: not mapped


def test_a_raw_i918b_new_edition_fills_a_u_request_by_its_own_names(
    reference_rows, make_request, people, tmp_path
):
    earlier = make_request(Status.CHIEF_DECISION)  # made before the new edition
    out = load("--form", "I-918B", "--edition", "02/07/17",
               as_file(tmp_path, uscis_file.original(), "i-918supb.pdf"))  # fmt: skip
    assert "0 by hand, 0 unmatched" in out
    template = FormTemplate.objects.get(edition="02/07/17")
    assert template.active and template.form_map == "01/20/25"
    r = make_request(Status.CHIEF_DECISION)
    assert r.form_edition == "02/07/17"  # a new request takes the edition activated last
    assert formmap.edition_for(r).code == "01/20/25"
    r = issuing.request_certify(request=r, actor=people["chief"])
    form = IssuedForm.objects.get(request=r)
    assert form.template == template and form.form_edition == "02/07/17"
    values = PdfReader(io.BytesIO(form.data)).get_fields() or {}
    agency = template.field_map[i918b_fields.TEXT_FIELDS[(2, "1")][0]]
    assert "#subform[0]" in agency and values[agency]["/V"] == r.agency.name
    # The request made before keeps its edition, and its template.
    earlier.refresh_from_db()
    assert earlier.form_edition == "01/20/25"
    assert official.template_for(earlier).edition == "01/20/25"


def test_a_contradicting_tooltip_is_refused_naming_the_item(reference_rows, tmp_path):
    bad = with_tooltip(
        uscis_file.original(), "Part4_Line3_chbxyesno[0]", "has the victim refused",
        "has the victim not refused",
    )  # fmt: skip
    with pytest.raises(CommandError) as refused:
        load("--form", "I-918B", "--edition", "02/07/17", as_file(tmp_path, bad, "bad.pdf"))
    message = str(refused.value)
    assert "Part 4 item 3" in message and "Part4_Line3_chbxyesno[0]" in message
    assert "has the victim not refused" in message
    assert not FormTemplate.objects.filter(edition="02/07/17").exists()


# --- the I-914B of 02/27/17: tooltips, then an administrator's choices ---


def test_the_real_i914b_report_leaves_what_the_tooltips_cannot_say(reference_rows, tmp_path):
    out = load("--form", "I-914B", "--edition", I914B, "--report",
               as_file(tmp_path, i914b_file(), "i-914supb.pdf"))  # fmt: skip
    print(out.splitlines()[1])
    assert "Part 1 item 1.a: form1[0].#subform[0].GivenNameFirstName[2] [words]" in out
    assert "Part 2 item 1: form1[0].#subform[0].GivenNameFirstName[12] [words]" in out
    assert "NO FIELD (REQUIRED): Part 2 item 2.a" in out
    assert "NO FIELD (REQUIRED): Part 3 item 1: Labor trafficking for peonage" in out
    assert "unclaimed: form1[0].#subform[2].PrintedName[0]" in out
    assert not FormTemplate.objects.filter(edition=I914B).exists()  # --report stores nothing
    with pytest.raises(CommandError, match="required items match no field"):
        load("--form", "I-914B", "--edition", I914B,
             as_file(tmp_path, i914b_file(), "i-914supb.pdf"))  # fmt: skip


def test_the_real_i914b_as_its_own_edition_maps_every_field_with_no_choice(
    reference_rows, tmp_path
):
    out = load("--form", "I-914B", "--edition", "02/27/17", "--report",
               as_file(tmp_path, i914b_file(), "i-914supb.pdf"))  # fmt: skip
    print(out.splitlines()[1])
    assert "72 boxes of the form map: 72 matched by tooltip" in out
    assert "0 by hand, 0 unmatched (0 required); 0 fields of the file claimed by no item" in out
    assert "NO FIELD" not in out and "unclaimed:" not in out


def test_a_t_request_on_the_real_i914b_reads_back_by_its_tooltips(
    reference_rows, make_request, people, tmp_path
):
    choices = tmp_path / "choices.txt"
    choices.write_text("# the I-914B of 02/27/17\n" + "\n".join(I914B_CHOICES) + "\n")
    path = as_file(tmp_path, i914b_file(), "i-914supb.pdf")
    out = load("--form", "I-914B", "--edition", I914B, "--by", "superuser",
               "--assign-file", str(choices), path)  # fmt: skip
    assert f"Loaded I-914B edition {NEW_T_EDITION}" in out
    assert "(0 required)" in out
    template = FormTemplate.objects.get(form_type=FormType.T_VISA, edition=I914B)
    entries = template.mappings.get().entries
    by_hand = [e for e in entries if e["how"] == "hand"]
    assert len(by_hand) == len(I914B_CHOICES) and {e["by"] for e in by_hand} == {"superuser"}

    r = make_request(
        Status.CHIEF_DECISION,
        reference="MPD-TV-1999-0001",
        form_type=FormType.T_VISA,
        trafficking_forms=[TraffickingForm.SEX_FORCE, TraffickingForm.DEBT_BONDAGE],
        cooperation=Cooperation.COMPLIED,
        cooperation_explanation="Gave two interviews and identified the recruiter.",
        criminal_activity_description="Recruited with a false job offer; kept through a debt.",
        injury_description="Bruising documented at intake.",
        a_number="A-012-345-678",
    )
    assert r.form_edition == I914B
    r = issuing.request_certify(request=r, actor=people["chief"])
    form = IssuedForm.objects.get(request=r)
    assert form.template == template
    data = form.data
    Path(tmp_path / "i914b-02-27-17-filled.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    values = reader.get_fields() or {}
    said = {f.tooltip: f for f in acroform.read_inventory(data) if f.tooltip}

    def value(words: str) -> str:
        hits = [
            f for tip, f in said.items() if acroform.normalise(words) in acroform.normalise(tip)
        ]
        assert len(hits) == 1, (words, [h.name for h in hits])
        return str(values[hits[0].name].get("/V", ""))

    official_ = r.certifying_official
    assert value("Enter Family Name (Last Name)") == r.family_name
    assert value("Enter Name of Certifying Agency") == r.agency.name
    assert value("Enter Name of Certifying Official").split() == [
        official_.family_name,
        official_.given_name,
        *official_.middle_name.split(),
    ]
    assert value("Enter Alien Registration Number") == "012345678"
    assert value("Enter Date One") == r.incident_date.strftime("%m/%d/%Y")
    assert value("Please describe the victimization") == r.criminal_activity_description
    assert value("Enter Other Explanation") == r.cooperation_explanation
    assert value("Relative One. Enter Full Name") == "N/A"  # Part E answered No
    # Boxes by their "Select ..." words: the template's own on-state or /Off.
    assert value("Select Has complied with requests") != "/Off"
    assert value("Select Has not yet attained the age of 18") == "/Off"
    assert value("Select Sex trafficking in which a commercial sex act") != "/Off"
    assert value("Select The recruitment, harboring") != "/Off"  # debt bondage
    assert value("Select Sex trafficking and the victim is under the age of 18") == "/Off"
    # Part F: the officer's and the supervisor's signatures stay for the ink.
    assert value("Signature of Law Enforcement Officer") == ""
    assert value("Signature of Supervisor of Certifying Officer") == ""
    # The injury (no box on this edition) continues on an attached sheet.
    text = "\n".join(page.extract_text() or "" for page in reader.pages[3:])
    assert "Bruising documented at intake." in text
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.TEMPLATE_LOADED).exists()


def test_a_choice_the_file_cannot_take_is_refused(reference_rows, tmp_path):
    path = as_file(tmp_path, i914b_file(), "i-914supb.pdf")
    with pytest.raises(CommandError, match="is a checkbox field"):
        load("--form", "I-914B", "--edition", I914B, "--report",
             "--assign", "Part 2 item 2.a=prtD[1]", path)  # fmt: skip
    with pytest.raises(CommandError, match="is not an item of the form map"):
        load("--form", "I-914B", "--edition", I914B, "--report",
             "--assign", "Part 9 item 9=Date[5]", path)  # fmt: skip
    with pytest.raises(CommandError, match="no field of that name"):
        load("--form", "I-914B", "--edition", I914B, "--report",
             "--assign", "Part 2 item 2.a=Nothing[0]", path)  # fmt: skip
