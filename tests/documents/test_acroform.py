"""The AcroForm library against the synthetic Form I-918 Supplement B template, 01/20/25."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from cases.uscis import acroform, synthetic
from cases.uscis.acroform import (
    FormError,
    InkOnlyFieldError,
    TooltipMatchError,
    compare,
    fill,
    match_by_tooltip,
    normalise,
    read_inventory,
)
from cases.uscis.i918b_fields import (
    CATEGORY_FIELDS,
    INK_ONLY_ITEMS,
    P1,
    P3,
    PART7_BLOCKS,
    category_boxes,
    field_refs,
)
from cases.uscis.pdf_fields import Continuation

from .conftest import category_names, read_fields, styled_tooltips

SIGNATURE, SIGNATURE_DATE = INK_ONLY_ITEMS[(6, "1")], INK_ONLY_ITEMS[(6, "2")]
DESCRIPTION = P3 + "Part3_Line6_Explanation[0]"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs poppler-utils",
)


def pdftotext(pdf: bytes, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run(
        [*args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def every_value(inventory: list[acroform.Field]) -> dict[str, str | bool]:
    """A value that fits for every field except the ink-only ones; boxes alternate on/off."""
    values: dict[str, str | bool] = {}
    for i, f in enumerate(inventory):
        if f.name in acroform.INK_ONLY_FIELDS:
            continue
        if f.type == "checkbox":
            values[f.name] = i % 2 == 0
        elif f.type == "dropdown":
            values[f.name] = "MA"
        elif f.max_length == 9:
            values[f.name] = f"{i:09d}"
        elif f.max_length == 10:
            values[f.name] = f"{(i % 12) + 1:02d}/{(i % 28) + 1:02d}/2025"
        else:
            values[f.name] = f"V{i} é"
    return values


def long_text(n: int = 5000) -> str:
    words = []
    i = 0
    while len(" ".join(words)) < n:
        i += 1
        words.append(f"w{i:04d}")
        if i % 9 == 0:
            words.append("Nguyễn-Désir.")
    return " ".join(words)[:n].rstrip()


def squash(text: str) -> str:
    return " ".join(text.split())


# --- inventory ---


def test_synthetic_template_inventory_equals_the_edition_csv(template, inventory, expected):
    diff = compare(inventory, expected)
    assert diff.ok, diff.describe()
    assert [f.name for f in inventory] == [e.name for e in expected]
    assert len(inventory) == 133
    # pypdf reads back the same hierarchical names (form1[0] > #subform[n] > field)
    terminal = {k for k, v in read_fields(template).items() if "/Kids" not in v}
    assert terminal == {e.name for e in expected}
    assert "/XFA" in PdfReader(io.BytesIO(template)).trailer["/Root"]["/AcroForm"]
    for page in range(1, 6):
        assert (
            synthetic.MARK in pdftotext(template, page, page) if shutil.which("pdftotext") else True
        )


def test_inventory_reads_tooltips_on_states_rects_and_flags(inventory):
    by_name = {f.name: f for f in inventory}
    boxes = [f for f in inventory if f.type == "checkbox"]
    assert all(len(f.on_states) == 1 and f.on_states[0] != "/Off" for f in boxes)
    states = {f.on_states[0] for f in boxes}
    assert "/Yes" not in states and {"/Y", "/N", "/F", "/M", "/On", "/1"} <= states
    a_number = by_name[P1 + "Part1_Line1_AlienNumber[0]"]
    assert (a_number.max_length, a_number.comb, a_number.page) == (9, True, 0)
    assert by_name[DESCRIPTION].multiline and by_name[DESCRIPTION].page == 1
    assert by_name[DESCRIPTION].rect[2] > by_name[DESCRIPTION].rect[0]
    assert by_name[P1 + "Pt2Line5_State[0]"].type == "dropdown"
    assert "MA" in by_name[P1 + "Pt2Line5_State[0]"].options
    assert all(f.tooltip for f in inventory)


def test_renamed_field_is_missing_and_the_new_name_unexpected(template, expected):
    writer = PdfWriter(clone_from=io.BytesIO(template))
    for annot in writer.pages[0]["/Annots"]:
        annot = annot.get_object()
        if annot["/T"] == "CityTown[0]":
            annot[NameObject("/T")] = TextStringObject("CityOrTown[0]")
    out = io.BytesIO()
    writer.write(out)
    missing, unexpected = compare(read_inventory(out.getvalue()), expected)
    assert missing == [P1 + "CityTown[0]"]
    assert unexpected == [P1 + "CityOrTown[0]"]


def test_type_mismatch_is_reported(inventory, expected):
    changed = [
        acroform.ExpectedField(e.name, "checkbox", e.part, e.item, e.meaning)
        if e.name.endswith("CityTown[0]")
        else e
        for e in expected
    ]
    diff = compare(inventory, changed)
    assert not diff.ok and not diff.missing and not diff.unexpected
    assert diff.type_mismatches == [(P1 + "CityTown[0]", "checkbox", "text")]


# --- filling ---


def test_fill_then_read_every_field_back_by_name(template, inventory):
    values = every_value(inventory)
    out = fill(template, values)
    fields = read_fields(out)
    by_name = {f.name: f for f in inventory}
    for name, value in values.items():
        got = fields[name].get("/V")
        if by_name[name].type == "checkbox":
            assert got == (by_name[name].on_states[0] if value else "/Off"), name
        else:
            assert got == value, name
    for name in (SIGNATURE, SIGNATURE_DATE):
        assert fields[name].get("/V") in (None, "")


def test_each_checkbox_takes_the_templates_own_on_state(template, inventory):
    boxes = [f for f in inventory if f.type == "checkbox"]
    out = fill(template, dict.fromkeys((f.name for f in boxes), True))
    reader = PdfReader(io.BytesIO(out))
    widgets = {}
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            widgets[annot["/Parent"]["/T"] + "." + annot["/T"]] = annot
    fields = reader.get_fields()
    for f in boxes:
        on = f.on_states[0]
        widget = widgets[".".join(f.name.split(".")[1:])]
        assert fields[f.name]["/V"] == on and widget["/AS"] == on, f.name
        assert on in widget["/AP"]["/N"]
    with pytest.raises(FormError, match="not an on-state"):
        fill(template, {boxes[0].name: "/Yes"})


def test_part6_signature_and_date_are_refused_and_left_empty(template, inventory):
    for name in (SIGNATURE, SIGNATURE_DATE):
        with pytest.raises(InkOnlyFieldError, match=re.escape(name)):
            fill(template, {name: "06/01/2026"})
        with pytest.raises(InkOnlyFieldError):
            fill(template, {name: ""})  # even an empty value is an attempt
    fields = read_fields(fill(template, every_value(inventory)))
    assert fields[SIGNATURE].get("/V") is None and fields[SIGNATURE_DATE].get("/V") is None


def test_a_prefilled_signature_date_in_the_template_is_cleared(template):
    writer = PdfWriter(clone_from=io.BytesIO(template))
    for annot in writer.pages[3]["/Annots"]:
        annot = annot.get_object()
        if annot["/T"] == "Part6_Line2_Date[0]":
            annot[NameObject("/V")] = TextStringObject("01/01/2026")
    out = io.BytesIO()
    writer.write(out)
    assert read_fields(fill(out.getvalue(), {}))[SIGNATURE_DATE].get("/V") is None


def test_unknown_field_and_overflow_without_continuation_are_refused(template):
    with pytest.raises(FormError, match="no fields named: nope"):
        fill(template, {"nope": "x"})
    with pytest.raises(FormError, match="does not fit"):
        fill(template, {DESCRIPTION: long_text(3000)})


def _continuation() -> Continuation:
    return Continuation(
        a_number="123456789",
        victim_name="Thị Ánh Nguyễn",
        agency="Medford Police Department",
        blocks=PART7_BLOCKS,
        refs=field_refs(),
    )


@needs_poppler
def test_5000_character_description_continues_in_part7_and_on_a_sheet(template, artifacts):
    text = long_text(5000)
    assert len(text) >= 4990
    out = fill(template, {DESCRIPTION: text}, continuation=_continuation())
    (artifacts / "i918b-continued.pdf").write_bytes(out)
    fields = read_fields(out)
    in_place = fields[DESCRIPTION]["/V"]
    assert in_place.endswith("(continued in Part 7)")
    pieces = [in_place.removesuffix("(continued in Part 7)")]
    for page_f, part_f, item_f, text_f in PART7_BLOCKS:
        assert (fields[page_f]["/V"], fields[part_f]["/V"], fields[item_f]["/V"]) == ("2", "3", "6")
        pieces.append(fields[text_f]["/V"])
    pages = PdfReader(io.BytesIO(out)).pages
    assert len(pages) >= 6
    marker = acroform.continued_on_sheets(len(pages) - 5)
    assert pieces[-1].endswith(marker)
    pieces[-1] = pieces[-1].removesuffix(marker)
    sheet = pdftotext(out, 6, len(pages))
    for header in (
        "Form I-918 Supplement B, Edition 01/20/25",
        "Part 7. Additional Information (attached sheet)",
        "A-Number: 123456789",
        "Victim: Thị Ánh Nguyễn",
        "Certifying agency: Medford Police Department",
        "Page 2, Part 3, Item 6 (continued)",
    ):
        assert header in sheet
    body = sheet.split("(continued)", 1)[1].split("Signature of Certifying Official")[0]
    assert squash(" ".join(pieces) + " " + body) == squash(text)


def test_items_without_a_field_and_more_overflows_share_the_blocks(template):
    entry = acroform.ContinuationEntry("1", "3.d", "Ánh Lê", anchor=P1 + "Pt1Line3a_FamilyName[0]")
    cont = dataclasses.replace(_continuation(), entries=(entry,))
    out = fill(template, {DESCRIPTION: long_text(1500)}, continuation=cont)
    fields = read_fields(out)
    first, second = PART7_BLOCKS[0], PART7_BLOCKS[1]
    assert [fields[n]["/V"] for n in first] == ["1", "1", "3.d", "Ánh Lê"]
    assert [fields[n]["/V"] for n in second[:3]] == ["2", "3", "6"]
    assert len(PdfReader(io.BytesIO(out)).pages) == 5


@needs_poppler
def test_vietnamese_haitian_creole_and_spanish_names_round_trip(template, artifacts):
    names = {
        P1 + "Pt1Line2a_FamilyName[0]": "Nguyễn",
        P1 + "Pt1Line2a_GivenName[0]": "Thị Ánh",
        P1 + "Pt1Line3a_FamilyName[0]": "Jean-Baptiste Désir",
        P1 + "Pt1Line3a_GivenName[0]": "José Ñúñez",
        P1 + "Pt2Line2c_FamilyName[0]": "Trần Đức Thắng",
    }
    out = fill(template, names)
    (artifacts / "i918b-names.pdf").write_bytes(out)
    fields = read_fields(out)
    for name, value in names.items():
        assert fields[name]["/V"] == value
    page = pdftotext(out, 1, 1)
    for value in names.values():
        assert value in page
    # the appearance streams use the embedded DejaVu Sans, which has these glyphs
    reader = PdfReader(io.BytesIO(out))
    for annot in reader.pages[0]["/Annots"]:
        annot = annot.get_object()
        if annot["/T"] == "Pt1Line2a_FamilyName[0]":
            fonts = annot["/AP"]["/N"]["/Resources"]["/Font"]
            dejavu = [f.get_object() for f in fonts.values() if "DejaVuSans" in f["/BaseFont"]]
            assert dejavu and all("/FontFile2" in f["/FontDescriptor"] for f in dejavu)


def test_no_xfa_and_appearance_streams_on_every_filled_widget(template, inventory):
    values = every_value(inventory)
    out = fill(template, values)
    reader = PdfReader(io.BytesIO(out))
    root = reader.trailer["/Root"]
    assert "/XFA" not in root["/AcroForm"] and "/NeedsRendering" not in root
    assert root["/AcroForm"]["/NeedAppearances"].value is False
    seen = 0
    for page in reader.pages:
        for annot in page["/Annots"]:
            annot = annot.get_object()
            name = f"{annot['/Parent']['/Parent']['/T']}.{annot['/Parent']['/T']}.{annot['/T']}"
            if name not in values:
                continue
            seen += 1
            normal = annot["/AP"]["/N"]
            if annot["/FT"] == "/Btn":
                assert annot["/AS"] in normal
            else:
                data = normal.get_object().get_data()
                assert b"Tj" in data and normal["/Subtype"] == "/Form", name
    assert seen == len(values)


@needs_poppler
def test_pages_render_to_png(template, inventory, artifacts):
    blocks = {n for block in PART7_BLOCKS for n in block}
    values = {k: v for k, v in every_value(inventory).items() if k not in blocks}
    values[P1 + "Pt1Line2a_FamilyName[0]"] = "Nguyễn"
    values[P1 + "Pt1Line2a_GivenName[0]"] = "Thị Ánh"
    values[DESCRIPTION] = long_text(5000)
    pdf = artifacts / "i918b-filled.pdf"
    pdf.write_bytes(fill(template, values, continuation=_continuation()))
    for old in artifacts.glob("i918b-filled-page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(pdf), str(artifacts / "i918b-filled-page")],
        check=True,
    )
    pngs = sorted(artifacts.glob("i918b-filled-page-*.png"))
    assert len(pngs) >= 6 and all(p.stat().st_size > 2000 for p in pngs)


# --- matching by tooltip ---


def test_the_31_category_boxes_are_matched_by_tooltip_not_index(inventory, categories):
    matched = category_boxes(inventory, categories)
    assert len(matched) == 31 and set(matched.values()) == set(CATEGORY_FIELDS)
    by_name = {f.name: f for f in inventory}
    for code, field in matched.items():
        assert normalise(categories[code]) in normalise(by_name[field].tooltip)
    in_index_order = dict(zip(categories, CATEGORY_FIELDS, strict=True))
    assert matched != in_index_order


def test_an_unmatched_tooltip_is_refused_naming_box_and_category(categories):
    tooltips = styled_tooltips(list(category_names().values()))
    lost = tooltips[7]
    tooltips[7] = "Jaywalking"
    inventory = read_inventory(
        synthetic.synthetic_template(
            Path(synthetic.DATA_DIR) / "i918b-01-20-25-fields.csv", category_tooltips=tooltips
        )
    )
    with pytest.raises(TooltipMatchError) as caught:
        category_boxes(inventory, categories)
    message = str(caught.value)
    assert "Part3_Line1_checkboxes[7]" in message and "Jaywalking" in message
    assert caught.value.unmatched_fields == [P3 + "Part3_Line1_checkboxes[7]"]
    assert [normalise(x) for x in caught.value.unmatched_labels] == [normalise(lost)]


def test_tooltip_matching_normalises_and_refuses_ambiguity():
    def box(name: str, tip: str) -> acroform.Field:
        return acroform.Field(name, "checkbox", tip, ("/1",), 0, (0, 0, 1, 1))

    labels = {"a": "Sexual Assault", "b": "Felonious Assault", "c": "Rape"}
    fields = [
        box("x", "FELONIOUS-ASSAULT."),
        box("y", "Part 3. Item 1. rape"),
        box("z", "Sexual  assault"),
    ]
    assert match_by_tooltip(fields, labels) == {"b": "x", "c": "y", "a": "z"}
    with pytest.raises(TooltipMatchError, match="ambiguous"):
        match_by_tooltip([box("x", "Assault"), *fields[1:]], labels)
    with pytest.raises(TooltipMatchError, match="already matched"):
        match_by_tooltip([box("x", "Rape"), box("y", "rape."), fields[2]], labels)


def test_one_fill_does_not_leak_into_the_next(template, inventory):
    """Parsed templates are cached: each fill must work on its own copy."""
    first = fill(template, every_value(inventory))
    second = read_fields(fill(template, {}))
    assert read_fields(first)[P1 + "CityTown[0]"]["/V"]
    for f in inventory:
        assert second[f.name].get("/V") in (None, "/Off"), f.name


@pytest.mark.parametrize("seed", range(4))
def test_split_to_fit_loses_nothing_and_what_stays_fits(seed):
    """Random text, field sizes, /MaxLen and markers: the two parts hold every character."""
    from cases.uscis.appearance import _layout, register_fonts, split_to_fit

    register_fonts()
    rnd = random.Random(seed)
    alphabet = "abcdefghij ễÁñ\n  -"
    for _ in range(300):
        text = "".join(
            rnd.choice(alphabet) if rnd.random() > 0.02 else "x" * rnd.randint(30, 90)
            for _ in range(rnd.randint(0, 300))
        )
        f = acroform.Field(
            "f", "text", "", (), 0,
            (0, 0, rnd.choice([40, 120, 300]), rnd.choice([16, 40, 90])),
            max_length=rnd.choice([None, 9, 50]),
            multiline=rnd.random() < 0.5,
            font_size=rnd.choice([0, 9, 10]),
        )  # fmt: skip
        marker = rnd.choice(["", "(continued in Part 7)"])
        head, rest = split_to_fit(f, text, marker)
        assert _layout(f, head, f.rect).consumed >= len(head)
        if f.max_length:
            assert len(head) <= f.max_length
        kept = head.removesuffix(" " + marker) if rest and marker else head
        assert "".join((kept + rest).split()) == "".join(text.split())
