"""Form I-914 Supplement B, edition 01/20/25: our form-map items -> the PDF's AcroForm fields.

The same shape as cases/uscis/i918b_fields.py (whose functions take this module as their
``spec``), for the T-visa declaration whose map is cases/uscis/formmap_i914b.py.

USCIS's field names for this edition could not be obtained (docs/forms.md says what was
checked): the names below follow USCIS's naming style (``form1[0].#subform[n].Pt1Line1a_...``)
and are the field list a loaded file is checked against
(cases/uscis/data/i914b-01-20-25-fields.csv).
A real USCIS file whose names differ is refused with every missing and unexpected name listed;
its true names then replace these, and nothing else changes.

Supplement B instructions: the official signs with an original signature, never a photocopy or
a typewritten name, so Part 6 item 1 (signature) and item 2 (date) are never filled here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from cases.uscis import i918b_fields as generic
from cases.uscis.formitems import YESNO
from cases.uscis.pdf_fields import Continuation, Field

EDITION = "01/20/25"
FIELDS_CSV = Path(__file__).resolve().parent / "data" / "i914b-01-20-25-fields.csv"

P1 = "form1[0].#subform[0]."  # Parts 1 and 2
P3 = "form1[0].#subform[1]."  # Part 3
P4 = "form1[0].#subform[2]."  # Parts 4 and 5
P6 = "form1[0].#subform[3]."  # Part 6
P7 = "form1[0].#subform[4]."  # Part 7, Additional Information

Ref = tuple[int, str]

TEXT_FIELDS: dict[Ref, tuple[str, ...]] = {
    (1, "1.a"): (P1 + "Pt1Line1a_FamilyName[0]", P7 + "Pt1Line1a_FamilyName[1]"),
    (1, "1.b"): (P1 + "Pt1Line1b_GivenName[0]", P7 + "Pt1Line1b_GivenName[1]"),
    (1, "1.c"): (P1 + "Pt1Line1c_MiddleName[0]", P7 + "Pt1Line1c_MiddleName[1]"),
    (1, "2.a"): (P1 + "Pt1Line2a_FamilyName[0]",),
    (1, "2.b"): (P1 + "Pt1Line2b_GivenName[0]",),
    (1, "2.c"): (P1 + "Pt1Line2c_MiddleName[0]",),
    (1, "3"): (P1 + "Pt1Line3_DateOfBirth[0]",),
    (1, "5"): (P1 + "Pt1Line5_AlienNumber[0]", P7 + "Pt1Line5_AlienNumber[1]"),
    (1, "6"): (P1 + "Pt1Line6_SSN[0]",),
    (2, "1"): (P1 + "Pt2Line1_CertifyingAgency[0]", P7 + "Pt2Line1_CertifyingAgency[1]"),
    (2, "2.a"): (P1 + "Pt2Line2a_FamilyName[0]",),
    (2, "2.b"): (P1 + "Pt2Line2b_GivenName[0]",),
    (2, "2.c"): (P1 + "Pt2Line2c_MiddleName[0]",),
    (2, "3"): (P1 + "Pt2Line3_TitleandDivisionOffice[0]",),
    (2, "4.a"): (P1 + "Pt2Line4a_StreetNumberName[0]",),
    (2, "4.b"): (P1 + "Pt2Line4b_AptSteFlrNumber[0]",),
    (2, "4.c"): (P1 + "Pt2Line4c_CityTown[0]",),
    (2, "4.d"): (P1 + "Pt2Line4d_State[0]",),
    (2, "4.e"): (P1 + "Pt2Line4e_ZipCode[0]",),
    (2, "5"): (P1 + "Pt2Line5_DaytimePhoneNumber[0]",),
    (2, "6"): (P1 + "Pt2Line6_FaxNumber[0]",),
    (2, "8.a"): (P1 + "Pt2Line8a_Other[0]",),
    (2, "9"): (P1 + "Pt2Line9_CaseNumber[0]",),
    (2, "10"): (P1 + "Pt2Line10_FBIorSIDNumber[0]",),
    (3, "2.a"): (P3 + "Pt3Line2a_Date[0]",),
    (3, "2.b"): (P3 + "Pt3Line2b_Date[0]",),
    (3, "3"): (P3 + "Pt3Line3_Citations[0]",),
    (3, "4"): (P3 + "Pt3Line4_Description[0]",),
    (3, "5"): (P3 + "Pt3Line5_Injury[0]",),
    (4, "2"): (P4 + "Pt4Line2_Explanation[0]",),
}

CHOICE_FIELDS: dict[Ref, tuple[str, ...]] = {
    (1, "4"): tuple(f"{P1}Pt1Line4_Gender[{i}]" for i in range(3)),
    (2, "7"): tuple(f"{P1}Pt2Line7_AgencyType[{i}]" for i in range(4)),
    (2, "8"): tuple(f"{P1}Pt2Line8_CaseStatus[{i}]" for i in range(3)),
    (4, "1"): tuple(f"{P4}Pt4Line1_Cooperation[{i}]" for i in range(3)),
    (5, "1"): tuple(f"{P4}Pt5Line1_YesNo[{i}]" for i in range(2)),
}

CHOICE_OPTIONS: dict[Ref, tuple[str, ...]] = {
    (1, "4"): ("Male", "Female", "Other"),
    (2, "7"): ("Federal", "State", "Tribal", "Local"),
    (2, "8"): ("On-going", "Completed", "Other"),
    (4, "1"): ("Complied", "Under 18", "Trauma"),
    (5, "1"): YESNO,
}

# Part 3 item 1: the severe forms of trafficking in persons, matched by tooltip when loaded.
CATEGORY_ITEM: Ref = (3, "1")
CATEGORY_FIELDS = tuple(f"{P3}Part3_Line1_checkboxes[{i}]" for i in range(6))

ROWS_ITEM: Ref = (5, "2-4")
ROW_LINES = (2, 3, 4)
ROW_FIELDS: tuple[tuple[str, ...], ...] = tuple(
    tuple(
        f"{P4}Pt5Line{line}_{suffix}[0]"
        for suffix in ("FamilyName", "GivenName", "MiddleName", "Relationship", "Involvement")
    )
    for line in ROW_LINES
)

PART7_ONLY: dict[Ref, str] = {(1, "2.d"): P1 + "Pt1Line2a_FamilyName[0]"}

# Never filled: signed and dated by hand (Supplement B instructions: original signature only).
INK_ONLY_ITEMS: dict[Ref, str] = {
    (6, "1"): P6 + "Pt6Line1_Signature[0]",
    (6, "2"): P6 + "Pt6Line2_DateOfSignature[0]",
}
INK_ONLY_FIELDS = frozenset(INK_ONLY_ITEMS.values())

A_NUMBER_ITEM: Ref = (1, "5")
HEADER_ITEMS: dict[str, Ref] = {
    "a_number": (1, "5"),
    "given": (1, "1.b"),
    "middle": (1, "1.c"),
    "family": (1, "1.a"),
    "agency": (2, "1"),
}

PART7_BLOCKS: tuple[tuple[str, str, str, str], ...] = tuple(
    (
        f"{P7}Pt7Line{line}a_PageNumber[0]",
        f"{P7}Pt7Line{line}b_PartNumber[0]",
        f"{P7}Pt7Line{line}c_ItemNumber[0]",
        f"{P7}Pt7Line{line}d_AdditionalInfo[0]",
    )
    for line in (3, 4, 5)
)

# What each field's tooltip must say to be matched to its item when a file is loaded
# (cases/uscis/tooltip_match.py): "Part N | item | words ... words". The words are those both of
# the 01/20/25 field list's meanings and, where it asks the same, of USCIS's 02/27/17 file
# (Parts A-F there: its tooltips match by words, never by Part, so a renumbered edition is
# matched by what its boxes say and an administrator chooses the rest).
_P7_COPY = "Part 7 | {} | {} ... repeated on the additional"
TOOLTIPS: dict[str, str] = {
    P1 + "Pt1Line1a_FamilyName[0]": "Part 1 | 1. A | Family Name",
    P1 + "Pt1Line1b_GivenName[0]": "Part 1 | 1. B | Given Name",
    P1 + "Pt1Line1c_MiddleName[0]": "Part 1 | 1. C | Middle Name",
    P1 + "Pt1Line2a_FamilyName[0]": "Part 1 | 2. A | Other Names Used ... Family Name",
    P1 + "Pt1Line2b_GivenName[0]": "Part 1 | 2. B | Other Names Used ... Given Name",
    P1 + "Pt1Line2c_MiddleName[0]": "Part 1 | 2. C | Other Names Used ... Middle Name",
    P1 + "Pt1Line3_DateOfBirth[0]": "Part 1 | 3 | Date of Birth",
    P1 + "Pt1Line5_AlienNumber[0]": "Part 1 | 5 | Alien Registration Number",
    P1 + "Pt1Line6_SSN[0]": "Part 1 | 6 | Social Security Number",
    P1 + "Pt2Line1_CertifyingAgency[0]": "Part 2 | 1 | Name of Certifying Agency",
    P1 + "Pt2Line2a_FamilyName[0]": "Part 2 | 2. A | Certifying Official ... Family Name",
    P1 + "Pt2Line2b_GivenName[0]": "Part 2 | 2. B | Certifying Official ... Given Name",
    P1 + "Pt2Line2c_MiddleName[0]": "Part 2 | 2. C | Certifying Official ... Middle Name",
    P1 + "Pt2Line3_TitleandDivisionOffice[0]": "Part 2 | 3 | Title and Division",
    P1 + "Pt2Line4a_StreetNumberName[0]": "Part 2 | 4. A | Street Number and Name",
    P1 + "Pt2Line4b_AptSteFlrNumber[0]": "Part 2 | 4. B | Apt Ste Flr Number",
    P1 + "Pt2Line4c_CityTown[0]": "Part 2 | 4. C | City",
    P1 + "Pt2Line4d_State[0]": "Part 2 | 4. D | Agency Address ... State",
    P1 + "Pt2Line4e_ZipCode[0]": "Part 2 | 4. E | Agency Address ... Zip",
    P1 + "Pt2Line5_DaytimePhoneNumber[0]": "Part 2 | 5 | Daytime",
    P1 + "Pt2Line6_FaxNumber[0]": "Part 2 | 6 | Fax Number",
    P1 + "Pt2Line8a_Other[0]": "Part 2 | 8. A | Case Status ... Other",
    P1 + "Pt2Line9_CaseNumber[0]": "Part 2 | 9 | Case Number",
    P1 + "Pt2Line10_FBIorSIDNumber[0]": "Part 2 | 10 | FBI Number",
    P3 + "Pt3Line2a_Date[0]": "Part 3 | 2. A | trafficking occurred",
    P3 + "Pt3Line2b_Date[0]": "Part 3 | 2. B | trafficking occurred",
    P3 + "Pt3Line3_Citations[0]": "Part 3 | 3 | statutory citation",
    P3 + "Pt3Line4_Description[0]": "Part 3 | 4 | Description of the trafficking",
    P3 + "Pt3Line5_Injury[0]": "Part 3 | 5 | injury",
    P4 + "Pt4Line2_Explanation[0]": "Part 4 | 2 | Explanation",
    P7 + "Pt1Line1a_FamilyName[1]": _P7_COPY.format("1. A", "Family Name"),
    P7 + "Pt1Line1b_GivenName[1]": _P7_COPY.format("1. B", "Given Name"),
    P7 + "Pt1Line1c_MiddleName[1]": _P7_COPY.format("1. C", "Middle Name"),
    P7 + "Pt1Line5_AlienNumber[1]": _P7_COPY.format("5", "Alien Registration Number"),
    P7 + "Pt2Line1_CertifyingAgency[1]": _P7_COPY.format("1", "Name of Certifying Agency"),
    P6 + "Pt6Line1_Signature[0]": "Part 6 | 1 | Signature",
    P6 + "Pt6Line2_DateOfSignature[0]": "Part 6 | 2 | Date of Signature",
}
for _line, _row in zip(ROW_LINES, ROW_FIELDS, strict=True):
    for _name, _words in zip(
        _row, ("family name", "given name", "middle name", "relationship", "involvement"),
        strict=True,
    ):  # fmt: skip
        TOOLTIPS[_name] = f"Part 5 | {_line} | family member ... {_words}"
for _index, _block in enumerate(PART7_BLOCKS, start=1):
    for _name, _words in zip(_block, ("page number", "part number", "item number", "text"),
                             strict=True):  # fmt: skip
        TOOLTIPS[_name] = f"Part 7 | {_index + 2} | continuation ... {_words}"
CHOICE_TOOLTIPS: dict[Ref, str] = {
    (1, "4"): "Part 1 | 4 | Gender",
    (2, "7"): "Part 2 | 7 | Agency Type",
    (2, "8"): "Part 2 | 8 | Case Status",
    (4, "1"): "Part 4 | 1 | complied",
    (5, "1"): "Part 5 | 1 | family members ... involved",
}
CATEGORY_TOOLTIP = "Part 3 | 1 | severe form of trafficking in persons"

SPEC: ModuleType = sys.modules[__name__]


def choice_boxes(inventory: Iterable[Field]) -> dict[Ref, dict[str, str]]:
    return generic.choice_boxes(inventory, spec=SPEC)


def category_boxes(inventory: Iterable[Field], categories: Mapping[Any, str]) -> dict[Any, str]:
    return generic.category_boxes(inventory, categories, spec=SPEC)


def official_values(
    items: Iterable[tuple[int, str, Any]],
    categories_to_fields: Mapping[str, str],
    choices: Mapping[Ref, Mapping[str, str]],
) -> dict[str, str | bool]:
    return generic.official_values(items, categories_to_fields, choices, spec=SPEC)


def continuation(
    items: Iterable[tuple[int, str, Any]], values: Mapping[str, str | bool]
) -> Continuation:
    return generic.continuation(items, values, spec=SPEC)


triples_from_filled = partial(generic.triples_from_filled, spec=SPEC)
mapped_fields = partial(generic.mapped_fields, spec=SPEC)
