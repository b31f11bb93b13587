"""The form map's items, as formmap.fill() shapes them, onto the synthetic 01/20/25 template."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from cases.uscis import acroform, formmap
from cases.uscis import i918b_fields as m

from .conftest import category_names, read_fields
from .test_acroform import long_text, squash


def _member(family: str, given: str, middle: str, relationship: str, involvement: str) -> dict:
    return {"family_name": family, "given_name": given, "middle_name": middle,
            "relationship": relationship, "involvement": involvement}  # fmt: skip


ROWS = [
    _member("Trần", "Văn", "Minh", "Uncle", "Perpetrator"),
    _member("Jean", "Désir", "", "Cousin", "Witness"),
    _member("Núñez", "Ana", "", "Aunt", "Accomplice"),
    _member("Lê", "Bảo", "", "Brother", "Lookout"),
]
SAMPLE: dict[tuple[int, str], Any] = {
    (1, "1"): "A-123456789",
    (1, "2.a"): "Nguyễn",
    (1, "2.b"): "Thị Ánh",
    (1, "3.a"): "Désir",
    (1, "3.b"): "Jean-Baptiste",
    (1, "3.d"): "José Ñúñez",
    (1, "4"): "03/04/1990",
    (1, "5"): "Female",
    (2, "1"): "Medford Police Department",
    (2, "2.a"): "Buckley",
    (2, "2.b"): "Jack",
    (2, "3"): "Chief of Police, Office of the Chief",
    (2, "4.a"): "Buckley",
    (2, "4.b"): "Jack",
    (2, "5.a"): "100 Main Street",
    (2, "5.c"): "Medford",
    (2, "5.d"): "MA",
    (2, "5.f"): "02155",
    (2, "6"): "Local",
    (2, "7"): "On-going",
    (2, "8"): "Law Enforcement",
    (2, "9"): "MPD-2026-0042",
    (3, "1"): ["Domestic Violence", "Stalking", "Attempt to commit any of the named crimes"],
    (3, "2.a"): "01/15/2026",
    (3, "2.b"): "02/01/2026",
    (3, "3"): "M.G.L. c. 265, s. 13M (Assault and battery on a family or household member)",
    (3, "4.a"): "Yes",
    (3, "4.b"): "Medford, Massachusetts",
    (3, "5.a"): "No",
    (3, "6"): long_text(5000),
    (3, "7"): "Bruising to both arms, documented by EMS.",
    (4, "1"): "Yes",
    (4, "2"): "Yes",
    (4, "3"): "Yes",
    (4, "5"): "Gave a recorded statement and identified the suspect.",
    (5, "1"): "Yes",
    (5, "2-4"): ROWS,
    (6, "2"): "06/01/2026",  # a typed date must never reach the form
    (6, "3"): "781-555-0100",
}


def filled_parts() -> list[tuple[formmap.Part, list[formmap.FilledItem]]]:
    """formmap.fill()'s shape for SAMPLE, with the same condition rule."""
    result = []
    for part in formmap.EDITIONS[m.EDITION].parts:
        seen: dict[str, Any] = {}
        items = []
        for item in part.items:
            value = SAMPLE.get((item.part, item.number), "")
            seen[item.number] = value
            applies = item.condition is None or seen.get(item.condition[0]) == item.condition[1]
            missing = applies and item.required and not item.at_signing and not value
            items.append(formmap.FilledItem(item, value if applies else "", applies, missing))
        result.append((part, items))
    return result


@pytest.fixture(scope="module")
def filled(template, inventory):
    triples = m.triples_from_filled(filled_parts())
    names = {n: n for n in category_names().values()}
    values = m.official_values(
        triples, m.category_boxes(inventory, names), m.choice_boxes(inventory)
    )
    pdf = acroform.fill(template, values, continuation=m.continuation(triples, values))
    return values, pdf


def test_every_item_reads_back_by_official_name(filled, inventory):
    values, pdf = filled
    fields = read_fields(pdf)
    by_name = {f.name: f for f in inventory}
    items = {(i.part, i.number): i for p in formmap.EDITIONS[m.EDITION].parts for i in p.items}
    for (part, number), names in m.TEXT_FIELDS.items():
        item = items[(part, number)]
        want = SAMPLE.get((part, number), "")
        if item.condition and SAMPLE.get((part, item.condition[0])) != item.condition[1]:
            want = "N/A"  # does not apply
        elif not want and not item.required:
            want = item.empty  # optional and empty: "N/A" or "None", never blank
        if (part, number) == (1, "1"):
            want = "123456789"
        elif (part, number) == (3, "6"):
            assert fields[names[0]]["/V"].endswith("(continued in Part 7)")
            continue
        for name in names:
            assert fields[name].get("/V", "") == want, (part, number, name)
    for ref, boxes in m.choice_boxes(inventory).items():
        for option, name in boxes.items():
            on = option == SAMPLE.get(ref)
            assert fields[name]["/V"] == (by_name[name].on_states[0] if on else "/Off"), name
            assert acroform.normalise(option) in acroform.normalise(by_name[name].tooltip)
    checked = [n for n in m.CATEGORY_FIELDS if fields[n]["/V"] != "/Off"]
    assert sorted(acroform.normalise(by_name[n].tooltip).split("1 ", 1)[1] for n in checked) == (
        sorted(acroform.normalise(c) for c in SAMPLE[(3, "1")])
    )
    # Part 5 items 2-4: each name in its own box (A Family, B Given, C Middle); an empty
    # middle name prints "N/A", never blank.
    for row, names in zip(ROWS, m.ROW_FIELDS, strict=False):
        assert [fields[n]["/V"] for n in names] == [
            row["family_name"],
            row["given_name"],
            row["middle_name"] or "N/A",
            row["relationship"],
            row["involvement"],
        ]


def test_part6_signature_and_date_stay_empty_though_a_date_was_given(filled):
    values, pdf = filled
    fields = read_fields(pdf)
    for name in m.INK_ONLY_ITEMS.values():
        assert name not in values and fields[name].get("/V") is None


def test_items_without_fields_and_long_text_continue_in_part7(filled):
    _values, pdf = filled
    fields = read_fields(pdf)
    blocks = [[fields[n].get("/V") for n in block] for block in m.PART7_BLOCKS]
    assert blocks[0] == ["1", "1", "3.d", "José Ñúñez"]
    assert blocks[1][:3] == ["2", "3", "6"]
    assert blocks[2][:3] == ["2", "3", "6"]
    assert fields[m.P7 + "Pt1Line2a_FamilyName[1]"]["/V"] == "Nguyễn"
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 6
    sheets = squash(" ".join(p.extract_text() for p in pages[5:]))
    assert "Victim: Thị Ánh Nguyễn" in sheets and "A-Number: 123456789" in sheets
    assert "Part 5, Item 4 (continued)" in sheets and "Bảo Lê" in sheets


def test_every_field_is_mapped_except_the_known_gaps(inventory):
    gaps = {
        m.P1 + "P3_Line4c_Unit[0]",
        m.P1 + "P3_Line4c_Unit[1]",
        m.P1 + "P3_Line4c_Unit[2]",
    }
    assert {f.name for f in inventory} - m.mapped_fields() == gaps
    assert m.mapped_fields() <= {f.name for f in inventory}


def test_bad_values_are_refused(inventory):
    boxes = m.choice_boxes(inventory)
    with pytest.raises(acroform.FormError, match="'Maybe' is not one of"):
        m.official_values([(4, "1", "Maybe")], {}, boxes)
    with pytest.raises(acroform.FormError, match="no box for 'Jaywalking'"):
        m.official_values([(3, "1", ["Jaywalking"])], {}, boxes)
    with pytest.raises(acroform.FormError, match="no field"):
        m.official_values([(9, "1", "x")], {}, boxes)


@pytest.mark.parametrize(
    ("given", "printed"),
    [("A-123456789", "123456789"), ("a 12345678", "012345678"), ("None", "None"), ("", "")],
)
def test_a_number_is_printed_as_nine_digits(given, printed):
    values = m.official_values([(1, "1", given)], {}, {})
    assert values[m.TEXT_FIELDS[(1, "1")][0]] == printed
