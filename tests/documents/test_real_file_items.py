"""Every item's meaning on USCIS's own Supplement B: read back by the file's tooltips.

The template is USCIS's 02/07/17 I-918B renamed to the 01/20/25 field names
(tests/documents/uscis_file.py). Nothing here trusts a field name: each value is found by the
tooltip of the box it lands in, as a reader of the printed form would find it by its question.
"""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from cases.documents import official
from cases.models import FamilyMember, FormTemplate, Status
from cases.uscis import acroform
from cases.uscis import i918b_fields as m

from .uscis_file import i918b_01_20_25_names

pytestmark = pytest.mark.django_db

ITEM3 = "has the victim refused or failed to provide assistance reasonably requested"
EXPLANATION = "Gave a recorded statement on 03/15/2025 and identified the suspect in a photo array."
OTHER = "Testified before the grand jury."


@pytest.fixture
def real_template(reference_rows) -> FormTemplate:
    FormTemplate.objects.update(active=False)
    return official.load_template(
        i918b_01_20_25_names(), form_type="I-918B", edition="01/20/25", actor=None
    )


def by_tooltip(pdf: bytes) -> dict[str, tuple[str, str]]:
    """{field name: (its tooltip, its value)} of a filled file."""
    inventory = {f.name: f.tooltip for f in acroform.read_inventory(pdf)}
    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    return {name: (tip, str(fields[name].get("/V", ""))) for name, tip in inventory.items()}


def value_of(read: dict[str, tuple[str, str]], *phrases: str) -> list[str]:
    """The values of the fields whose tooltip says every phrase."""
    wanted = [acroform.normalise(p) for p in phrases]
    return [
        value for tip, value in read.values() if all(w in acroform.normalise(tip) for w in wanted)
    ]


def ticked(read: dict[str, tuple[str, str]], *phrases: str) -> bool:
    """Whether the one box whose tooltip says every phrase is ticked."""
    (state,) = value_of(read, *phrases)
    return state not in ("", "/Off")


def test_every_field_the_map_fills_has_its_meaning_checked():
    """No field is filled on the strength of its name alone (Part 3 item 1's boxes are matched
    to the crime categories by tooltip on their own; Part 6 items 1-2 are the ink's)."""
    checked = set(m.expected_tooltips())
    filled = m.mapped_fields() - set(m.CATEGORY_FIELDS) - set(m.INK_ONLY_ITEMS.values())
    assert filled - checked == set()
    assert len(checked) == 97


def test_uscis_file_says_what_every_item_means():
    inventory = acroform.read_inventory(i918b_01_20_25_names())
    assert len(inventory) == 133
    assert m.tooltip_problems(inventory) == []


def _with_tooltip(data: bytes, field: str, old: str, new: str) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    for node in acroform._nodes(writer):
        if node.name == field:
            tip = str(node.obj["/TU"])
            assert old in tip
            node.obj[NameObject("/TU")] = TextStringObject(tip.replace(old, new))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "field, old, new, item",
    [
        # The reversed question an earlier reference had: refused, quoting both texts.
        (m.CHOICE_FIELDS[(4, "3")][0], "has the victim refused", "has the victim not refused",
         "Part 4 item 3"),
        # The explanation box and item 4 swapped in a file: each is refused by its words.
        (m.TEXT_FIELDS[(4, m.EXPLANATION)][0], "provide an explanation", "provide a summary",
         "Part 4 item 3 (explanation)"),
        (m.TEXT_FIELDS[(2, "5.f")][0], "Zip Code", "County", "Part 2 item 5.f"),
    ],
)  # fmt: skip
def test_a_file_whose_tooltip_asks_another_question_is_refused(
    reference_rows, field, old, new, item
):
    bad = _with_tooltip(i918b_01_20_25_names(), field, old, new)
    with pytest.raises(official.TemplateRefused) as refused:
        official.load_template(bad, form_type="I-918B", edition="01/20/25", actor=None)
    message = str(refused.value)
    assert item in message and field in message
    assert new in message  # the file's text, quoted
    assert old in message or acroform.normalise(old) in acroform.normalise(message)


def test_a_cooperative_victim_is_answered_no_and_the_explanation_sits_under_item_3(
    real_template, make_request, artifacts
):
    r = make_request(
        Status.CHIEF_DECISION,
        refused_or_failed="no",
        helpfulness_explanation=EXPLANATION,
        helpfulness_other=OTHER,
        family_members_implicated="yes",
    )
    FamilyMember.objects.create(
        request=r, family_name="Nguyễn", given_name="Văn", middle_name="Minh",
        relationship="Uncle", involvement="Struck the victim",
    )  # fmt: skip
    pdf = official.official_pdf(r, real_template)
    (artifacts / "real-file-part4.pdf").write_bytes(pdf)
    read = by_tooltip(pdf)
    # Part 4 item 3 as the file asks it: the "No" box is ticked, the "Yes" box is not.
    assert ticked(read, ITEM3, "select no") and not ticked(read, ITEM3, "select yes")
    assert ticked(read, "part 4", "1 does the victim possess", "select yes")
    # The explanation in the box whose tooltip asks for it; item 4 "Other" gets the other text.
    assert value_of(read, "part 4", "provide an explanation") == [EXPLANATION]
    assert value_of(read, "part 4", "4 other include any additional information") == [OTHER]
    # Part 5 row 2: each name in its box; rows 3 and 4 "N/A".
    assert value_of(read, "part 5", "2 a enter family name") == ["Nguyễn"]
    assert value_of(read, "part 5", "2 b enter given name") == ["Văn"]
    assert value_of(read, "part 5", "2 c enter middle name") == ["Minh"]
    assert value_of(read, "part 5", "3 a enter family name") == ["N/A"]
    assert value_of(read, "part 5", "4 e enter involvement") == ["N/A"]
    # Part 2 items 5.g-5.i (an address abroad): "N/A", never blank.
    for said in ("5 g enter province", "5 h enter postal code", "5 i enter country"):
        assert value_of(read, "part 2", said) == ["N/A"], said
    # And on the printed page, under item 3: pdftotext of page 3 (Part 4).
    page3 = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", "-layout", "-", "-"],
        input=pdf, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    assert "identified the suspect" in page3 and "grand jury" in page3


def test_a_victim_who_refused_is_answered_yes(real_template, make_request):
    r = make_request(Status.CHIEF_DECISION, refused_or_failed="yes")
    read = by_tooltip(official.official_pdf(r, real_template))
    assert ticked(read, ITEM3, "select yes") and not ticked(read, ITEM3, "select no")


def test_part5_no_prints_na_in_every_row(real_template, make_request):
    r = make_request(Status.CHIEF_DECISION, family_members_implicated="no")
    read = by_tooltip(official.official_pdf(r, real_template))
    rows = [name for row in m.ROW_FIELDS for name in row]
    assert [read[name][1] for name in rows] == ["N/A"] * 15


def test_the_data_migration_flips_every_answer(make_request):
    """0029: "has not refused: yes" becomes "refused or failed: no", and the reverse."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cases.migrations.0029_part4_item3_form_direction")
    yes, no, blank = (make_request(Status.CHIEF_DECISION, refused_or_failed=v) for v in
                      ("yes", "no", ""))  # fmt: skip
    migration.flip(apps, None)
    for request, flipped in ((yes, "no"), (no, "yes"), (blank, "")):
        request.refresh_from_db()
        assert request.refused_or_failed == flipped
    migration.flip(apps, None)  # its own inverse
    yes.refresh_from_db()
    assert yes.refused_or_failed == "yes"


def test_the_uscis_file_loads_with_its_encryption_and_xfa():
    data = i918b_01_20_25_names()
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    reader.decrypt("")
    assert "/XFA" in reader.trailer["/Root"]["/AcroForm"]


HARD_DESCRIPTION = (
    "On March 3, 2025 the victim, Nguyễn Thị Phương Thảo, reported that her employer had "
    "threatened to call immigration unless she kept working without pay. She gave a recorded "
    "statement, identified the suspect in a photo line-up, turned over text messages and pay "
    "records, and testified before the grand jury in Middlesex County on May 12, 2025. She "
    "later helped detectives find two other workers, Jean-Baptiste Désir and Wòch Pierre, who "
    "were held at the same house in Medford. "
) * 3
MEMBERS = [
    ("Nguyễn", "Văn", "Minh", "Brother-in-law", "Held her passport and threatened her"),
    ("Désir", "Jean-Baptiste", "", "Cousin", "Drove her to the house"),
    ("Trần", "Thị", "Lan", "Aunt", "Collected her pay"),
    ("Pierre", "Wòch", "", "Uncle", "Kept watch at the door"),
]


def test_a_hard_case_on_uscis_file(real_template, make_request, people, artifacts):
    """Long texts, four dates, four family members, Vietnamese and Haitian Creole names: every
    value lands in the box whose tooltip asks for it, or in Part 7 under its own item."""
    r = make_request(
        Status.CHIEF_DECISION,
        family_name="Nguyễn",
        given_name="Thị Phương Thảo",
        other_family_name="Désir",
        other_given_name="Wòch",
        a_number="A-212345678",
        incident_date=date(2025, 3, 3),
        additional_incident_dates=["2025-03-04", "2025-05-12", "2025-06-30"],
        criminal_activity_description=HARD_DESCRIPTION,
        injury_description="Bruises to both arms and a fractured wrist; anxiety documented by "
        "her counsellor at the victim services office. " * 4,
        helpfulness_explanation=HARD_DESCRIPTION,
        helpfulness_other="Translated for the other two workers during their interviews.",
        refused_or_failed="no",
        family_members_implicated="yes",
    )
    for family, given, middle, relationship, involvement in MEMBERS:
        FamilyMember.objects.create(
            request=r, family_name=family, given_name=given, middle_name=middle,
            relationship=relationship, involvement=involvement,
        )  # fmt: skip
    pdf = official.official_pdf(r, real_template)
    (artifacts / "real-file-hard-case.pdf").write_bytes(pdf)
    read = by_tooltip(pdf)
    assert value_of(read, "part 1", "2 a enter family name") == ["Nguyễn"]
    assert value_of(read, "part 1", "2 b enter given name") == ["Thị Phương Thảo"]
    for letter, day in zip(
        "abcd", ("03/03/2025", "03/04/2025", "05/12/2025", "06/30/2025"), strict=True
    ):
        assert value_of(read, "part 3", f"2 {letter} enter date") == [day]
    for line, (family, given, middle, *_rest) in zip((2, 3, 4), MEMBERS[:3], strict=True):
        assert value_of(read, "part 5", f"{line} a enter family name") == [family]
        assert value_of(read, "part 5", f"{line} b enter given name") == [given]
        assert value_of(read, "part 5", f"{line} c enter middle name") == [middle or "N/A"]
    assert ticked(read, ITEM3, "select no")
    # The long texts end in their box with the marker and go on in Part 7 under their item.
    (explanation,) = value_of(read, "part 4", "provide an explanation")
    assert explanation.startswith("On March 3, 2025") and explanation.endswith(
        "(continued in Part 7)"
    )
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Part 4, Item 3 (continued)" in text  # the explanation box continues as item 3
    assert "Family member: Wòch Pierre; relationship: Uncle" in " ".join(text.split())
    assert "Part 4, Item 5" not in text and "Part 4, Item 4 (continued)" not in text


def test_the_loaded_template_keeps_the_hash_of_the_file_as_uploaded(real_template):
    """The department compares the uploaded file's SHA-256 with USCIS's; the stored file is the
    one cleaned of USCIS's document JavaScript and XFA (a different hash)."""
    import hashlib

    uploaded = hashlib.sha256(i918b_01_20_25_names()).hexdigest()
    assert real_template.uploaded_sha256 == uploaded
    assert real_template.sha256 == hashlib.sha256(real_template.data).hexdigest() != uploaded
    reader = PdfReader(io.BytesIO(real_template.data))
    assert "/XFA" not in reader.trailer["/Root"]["/AcroForm"]
    assert (
        "/Names" not in reader.trailer["/Root"]
        or "/JavaScript" not in reader.trailer["/Root"]["/Names"]
    )
