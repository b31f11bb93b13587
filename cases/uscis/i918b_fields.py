"""Form I-918 Supplement B, edition 01/20/25: our form-map items -> the official PDF's fields.

Data, not code: the item references are those of cases/uscis/formmap.py (Part, Item number such as
"2.a"); the field names are the edition's AcroForm inventory
(cases/uscis/data/i918b-01-20-25-fields.csv).
Kept decoupled from the form map: ``official_values`` takes plain (part, number, value) triples,
and ``triples_from_filled`` reads formmap.fill()'s shape without importing it.

Which box of a choice item is which is never assumed from its index: ``choice_boxes`` reads the
loaded file's tooltips (or each box's own on-state), and ``category_boxes`` matches Part 3 item 1's
31 boxes to the qualifying-crime categories by tooltip.

Form I-918 Supplement B instructions: Part 6 item 1 (signature) and item 2 (date of signature)
are written by the certifying official in ink; they are never mapped here.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from cases.uscis.acroform import FormError, match_by_tooltip, match_choice, normalise
from cases.uscis.pdf_fields import Continuation, ContinuationEntry, Field

EDITION = "01/20/25"
FIELDS_CSV = Path(__file__).resolve().parent / "data" / "i918b-01-20-25-fields.csv"

P1 = "form1[0].#subform[0]."  # Parts 1 and 2
P3 = "form1[0].#subform[1]."  # Part 3
P4 = "form1[0].#subform[2]."  # Part 4
P5 = "form1[0].pg4[0]."  # Parts 5 and 6
P7 = "form1[0].#subform[4]."  # Part 7, Additional Information

Ref = tuple[int, str]  # (Part, Item number) as in the form map

# The form map's number for the explanation box under Part 4 item 3 (cases/uscis/i918b_items.py
# EXPLANATION_NUMBER); Part 7 continues it as Item 3, the item it is printed under.
EXPLANATION = "3 (explanation)"
PART7_ITEM_NUMBER: dict[Ref, str] = {(4, EXPLANATION): "3"}

# Text (and dropdown) items: the field printed in place first, then copies (Part 7's header).
TEXT_FIELDS: dict[Ref, tuple[str, ...]] = {
    (1, "1"): (P1 + "Part1_Line1_AlienNumber[0]", P7 + "Part1_Line1_AlienNumber[1]"),
    (1, "2.a"): (P1 + "Pt1Line2a_FamilyName[0]", P7 + "Pt1Line2a_FamilyName[1]"),
    (1, "2.b"): (P1 + "Pt1Line2a_GivenName[0]", P7 + "Pt1Line2a_GivenName[1]"),
    (1, "2.c"): (P1 + "Pt1Line2a_MiddleName[0]", P7 + "Pt1Line2a_MiddleName[1]"),
    (1, "3.a"): (P1 + "Pt1Line3a_FamilyName[0]",),
    (1, "3.b"): (P1 + "Pt1Line3a_GivenName[0]",),
    (1, "3.c"): (P1 + "Pt1Line3a_MiddleName[0]",),
    (1, "4"): (P1 + "P1_Line4_DateOfBirth[0]",),
    (2, "1"): (P1 + "Pt2Line1_CertifyingAgency[0]", P7 + "Pt2Line1_CertifyingAgency[1]"),
    (2, "2.a"): (P1 + "Pt2Line2c_FamilyName[0]",),
    (2, "2.b"): (P1 + "Pt2Line2c_GivenName[0]",),
    (2, "2.c"): (P1 + "Pt2Line2c_MiddleName[0]",),
    (2, "3"): (P1 + "Pt2Line3_TitleandDivisionOffice[0]",),
    (2, "4.a"): (P1 + "Pt2Line4a_FamilyName[0]",),
    (2, "4.b"): (P1 + "Pt2Line4a_GivenName[0]",),
    (2, "4.c"): (P1 + "Pt2Line4a_MiddleName[0]",),
    (2, "5.a"): (P1 + "StreetNumberName[0]",),
    (2, "5.b"): (P1 + "AptSteFlrNumber[0]",),
    (2, "5.c"): (P1 + "CityTown[0]",),
    (2, "5.d"): (P1 + "Pt2Line5_State[0]",),  # a dropdown: the value must be one of its options
    (2, "5.f"): (P1 + "Pt2Line5_ZipCode[0]",),  # printed "5.f. ZIP Code" (there is no 5.e)
    (2, "5.g"): (P1 + "Pt2Line5_Province[0]",),
    (2, "5.h"): (P1 + "Pt2Line5_PostalCode[0]",),
    (2, "5.i"): (P1 + "Pt2Line5_Country[0]",),
    (2, "7.a"): (P1 + "Part2_Line7_Other[0]",),
    (2, "8.a"): (P1 + "Part2_Line8_Other[0]",),
    (2, "9"): (P1 + "Part2_Line9_CaseNumber[0]",),
    (2, "10"): (P1 + "Part2_Line10_FBIorSIDNumber[0]",),
    (3, "2.a"): (P3 + "Part3_Line2a_Date[0]",),
    (3, "2.b"): (P3 + "Part3_Line2b_Date[0]",),
    (3, "2.c"): (P3 + "Part3_Line2c_Date[0]",),
    (3, "2.d"): (P3 + "Part3_Line2d_Date[0]",),
    (3, "3"): (P3 + "Part3_Line3_Citations[0]",),
    (3, "4.b"): (P3 + "Part3_Line4b_Explanation[0]",),
    (3, "5.b"): (P3 + "Part3_Line5b_Explanation[0]",),
    (3, "6"): (P3 + "Part3_Line6_Explanation[0]",),
    (3, "7"): (P3 + "Part3_Line7_Explanation[0]",),
    # The box under item 3 ("If you answer Yes to Item Numbers 1.-3., provide an explanation"),
    # and item 4 "Other": the file names them Line3 and Line5 (tooltips of USCIS's file).
    (4, EXPLANATION): (P4 + "Part4_Line3_Other[0]",),
    (4, "4"): (P4 + "Part4_Line5_Other[0]",),
    (6, "3"): (P5 + "Part6_Line3_DaytimePhoneNumber[0]",),
    (6, "4"): (P5 + "P5_Line4_faxNumber[0]",),  # named P5 in the file
}


def _boxes(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}[{i}]" for i in range(count))


YESNO = ("Yes", "No")
PLACEHOLDERS = ("N/A", "None")  # printed for empty optional items; not part of a name

# Choice items: every box of the item (in file order; which is which comes from the file).
CHOICE_FIELDS: dict[Ref, tuple[str, ...]] = {
    (1, "5"): _boxes(P1 + "Part1_5_checkboxes", 2),
    (2, "6"): _boxes(P1 + "Part2_Line6_checkboxes", 3),
    (2, "7"): _boxes(P1 + "Part2_Line7_checkboxes", 3),
    (2, "8"): _boxes(P1 + "Part2_Line8_checkboxes", 4),
    (3, "4.a"): _boxes(P3 + "Part3_Line4a_chbxyesno", 2),
    (3, "5.a"): _boxes(P3 + "Part3_Line5a_chbxyesno", 2),
    (4, "1"): _boxes(P4 + "Part4_Line1_chbxyesno", 2),
    (4, "2"): _boxes(P4 + "Part4_Line2_chbxyesno", 2),
    (4, "3"): _boxes(P4 + "Part4_Line3_chbxyesno", 2),
    (5, "1"): _boxes(P5 + "Part5_Line1_chbxyesno", 2),
}

# The options each choice item offers (the labels the form map's values use).
CHOICE_OPTIONS: dict[Ref, tuple[str, ...]] = {
    (1, "5"): ("Male", "Female"),
    (2, "6"): ("Federal", "State", "Local"),
    (2, "7"): ("On-going", "Completed", "Other"),
    (2, "8"): ("Judge", "Law Enforcement", "Prosecutor", "Other"),
    (3, "4.a"): YESNO,
    (3, "5.a"): YESNO,
    (4, "1"): YESNO,
    (4, "2"): YESNO,
    (4, "3"): YESNO,
    (5, "1"): YESNO,
}

CATEGORY_ITEM: Ref = (3, "1")
CATEGORY_FIELDS = _boxes(P3 + "Part3_Line1_checkboxes", 31)

# Part 5 items 2-4: one row per family member, as the form map's "2-4" rows item.
ROWS_ITEM: Ref = (5, "2-4")
ROW_KEYS = ("family_name", "given_name", "middle_name", "relationship", "involvement")
ROW_FIELDS: tuple[tuple[str, ...], ...] = tuple(
    tuple(
        f"{P5}Part5_Line{line}_{suffix}[0]"
        for suffix in ("FamilyName", "GivenName", "MiddleName", "Relationship", "Involvement")
    )
    for line in (2, 3, 4)
)

# Items with no field of their own: they go straight to Part 7, on the page of the anchor field.
PART7_ONLY: dict[Ref, str] = {(1, "3.d"): P1 + "Pt1Line3a_FamilyName[0]"}

# Never filled: signed and dated in ink (Form I-918 Supplement B instructions, Part 6).
INK_ONLY_ITEMS: dict[Ref, str] = {
    (6, "1"): P5 + "Pt1Line13_ApplicantSignature[0]",
    (6, "2"): P5 + "Part6_Line2_Date[0]",
}

# The continuation header (Part 7 repeats A-Number, name and agency), and the A-Number item.
A_NUMBER_ITEM: Ref = (1, "1")
HEADER_ITEMS: dict[str, Ref] = {
    "a_number": (1, "1"),
    "given": (1, "2.b"),
    "middle": (1, "2.c"),
    "family": (1, "2.a"),
    "agency": (2, "1"),
}
ROW_LINES = (2, 3, 4)  # Part 5's item number of each family-member row

# Part 7's three blocks: page number, part number, item number, text.
PART7_BLOCKS: tuple[tuple[str, str, str, str], ...] = (
    (
        P7 + "P8_Line4a_PageNumber[0]",
        P7 + "P8_Line4b_PartNumber[0]",
        P7 + "P8_Line4c_ItemNumber[0]",
        P7 + "Part7_Line4d_AdditionalInfo[0]",
    ),
    (
        P7 + "Part7_Line5a_PageNumber[0]",
        P7 + "Part7_Line5a_PartNumber[0]",  # named 5a in the file
        P7 + "Part7_Line5a_ItemNumber[0]",  # named 5a in the file
        P7 + "Part7_Line5d_AdditionalInfo[0]",
    ),
    (
        P7 + "P8_Line6a_PageNumber[0]",
        P7 + "P8_Line6b_PartNumber[0]",
        P7 + "P8_Line6c_ItemNumber[0]",
        P7 + "Part7_Line6d_AdditionalInfo[0]",
    ),
)


# What the tooltip of every field this map fills must say, read from USCIS's own file (02/07/17,
# whose field names the 01/20/25 edition keeps): "Part N | item | the question's words", each
# " ... "-separated phrase found in that order (case and punctuation aside). Each item is
# matched by these words to whichever field of a loaded file says them; a name is only a hint
# and a file whose tooltip names the item but says something else is refused
# (cases/uscis/tooltip_match.py). The item is written as the tooltip spells it ("5. G." for
# 5.g); Part 3 item 1's boxes are matched to the crime categories by the crime they name.
_P2_ADDRESS = "Part 2 | {} | Agency Address ... "
_P5_ROW = "Part 5 | {} | Family Members Culpable In Criminal Activity ... "
_P7 = "Part 7 | {} | Additional Information ... "
TOOLTIPS: dict[str, str] = {
    P1 + "Part1_Line1_AlienNumber[0]": "Part 1 | 1 | Alien Registration Number",
    P1 + "Pt1Line2a_FamilyName[0]": "Part 1 | 2. A | Family Name",
    P1 + "Pt1Line2a_GivenName[0]": "Part 1 | 2. B | Given Name",
    P1 + "Pt1Line2a_MiddleName[0]": "Part 1 | 2. C | Middle Name",
    P1 + "Pt1Line3a_FamilyName[0]": "Part 1 | 3. A | Family Name",
    P1 + "Pt1Line3a_GivenName[0]": "Part 1 | 3. B | Given Name",
    P1 + "Pt1Line3a_MiddleName[0]": "Part 1 | 3. C | Middle Name",
    P1 + "P1_Line4_DateOfBirth[0]": "Part 1 | 4 | Date of Birth",
    P1 + "Pt2Line1_CertifyingAgency[0]": "Part 2 | 1 | Name of Certifying Agency",
    P1 + "Pt2Line2c_FamilyName[0]": "Part 2 | 2. A | Name of Certifying Official ... Family Name",
    P1 + "Pt2Line2c_GivenName[0]": "Part 2 | 2. B | Name of Certifying Official ... Given Name",
    P1 + "Pt2Line2c_MiddleName[0]": "Part 2 | 2. C | Name of Certifying Official ... Middle Name",
    P1 + "Pt2Line3_TitleandDivisionOffice[0]": "Part 2 | 3 | Title and Division",
    P1 + "Pt2Line4a_FamilyName[0]": "Part 2 | 4. A | Head of Certifying Agency ... Family Name",
    P1 + "Pt2Line4a_GivenName[0]": "Part 2 | 4. B | Head of Certifying Agency ... Given Name",
    P1 + "Pt2Line4a_MiddleName[0]": "Part 2 | 4. C | Head of Certifying Agency ... Middle Name",
    P1 + "StreetNumberName[0]": _P2_ADDRESS.format("5. A") + "Street Number and Name",
    P1 + "AptSteFlrNumber[0]": _P2_ADDRESS.format("5. B") + "Apartment, Suite or Floor",
    P1 + "CityTown[0]": _P2_ADDRESS.format("5. C") + "City or Town",
    P1 + "Pt2Line5_State[0]": _P2_ADDRESS.format("5. D") + "State",
    P1 + "Pt2Line5_ZipCode[0]": _P2_ADDRESS.format("5. F") + "Zip Code",
    P1 + "Pt2Line5_Province[0]": _P2_ADDRESS.format("5. G") + "Province",
    P1 + "Pt2Line5_PostalCode[0]": _P2_ADDRESS.format("5. H") + "Postal Code",
    P1 + "Pt2Line5_Country[0]": _P2_ADDRESS.format("5. I") + "Country",
    P1 + "Part2_Line7_Other[0]": "Part 2 | 7 | Case Status Enter Other Case Status",
    P1 + "Part2_Line8_Other[0]": "Part 2 | 8 | Certifying Agency Category Enter Other Category",
    P1 + "Part2_Line9_CaseNumber[0]": "Part 2 | 9 | Case Number",
    P1 + "Part2_Line10_FBIorSIDNumber[0]": "Part 2 | 10 | Number or S I D Number",
    P3 + "Part3_Line2a_Date[0]": "Part 3 | 2. A | dates on which the criminal activity occurred",
    P3 + "Part3_Line2b_Date[0]": "Part 3 | 2. B | dates on which the criminal activity occurred",
    P3 + "Part3_Line2c_Date[0]": "Part 3 | 2. C | dates on which the criminal activity occurred",
    P3 + "Part3_Line2d_Date[0]": "Part 3 | 2. D | dates on which the criminal activity occurred",
    P3 + "Part3_Line3_Citations[0]": "Part 3 | 3 | statutory citations for the criminal activity",
    P3 + "Part3_Line4b_Explanation[0]": "Part 3 | 4. B | where did the criminal activity occur",
    P3 + "Part3_Line5b_Explanation[0]": "Part 3 | 5. B | authority for extraterritorial "
    "jurisdiction",
    P3 + "Part3_Line6_Explanation[0]": "Part 3 | 6 | describe the criminal activity being "
    "investigated and/or prosecuted and the involvement of the petitioner",
    P3 + "Part3_Line7_Explanation[0]": "Part 3 | 7 | any known or documented injury to the victim",
    P4 + "Part4_Line3_Other[0]": "Part 4 | 3 | If you answer Yes to Item Numbers 1 through 3 "
    "provide an explanation",
    P4 + "Part4_Line5_Other[0]": "Part 4 | 4 | Other Include any additional information",
    P5 + "Part6_Line3_DaytimePhoneNumber[0]": "Part 6 | 3 | Daytime Telephone Number",
    P5 + "P5_Line4_faxNumber[0]": "Part 6 | 4 | Fax Number",
    # Part 7 repeats the A-Number, the victim's name and the agency at the top of its page.
    P7 + "Part1_Line1_AlienNumber[1]": "Part 7 | 3 | Alien Registration Number",
    P7 + "Pt1Line2a_FamilyName[1]": "Part 7 | 2. A | Name ... Family Name",
    P7 + "Pt1Line2a_GivenName[1]": "Part 7 | 2. B | Given Name",
    P7 + "Pt1Line2a_MiddleName[1]": "Part 7 | 2. C | Middle Name",
    P7 + "Pt2Line1_CertifyingAgency[1]": "Part 7 | 1 | Agency Name",
}
# Choice items: every box says the item's question (the option is matched by ``choice_boxes``).
CHOICE_TOOLTIPS: dict[Ref, str] = {
    (1, "5"): "Part 1 | 5 | Gender",
    (2, "6"): "Part 2 | 6 | Agency Type",
    (2, "7"): "Part 2 | 7 | Case Status",
    (2, "8"): "Part 2 | 8 | Certifying Agency Category",
    (3, "4.a"): "Part 3 | 4. A | Did the criminal activity occur in the United States",
    (3, "5.a"): "Part 3 | 5. A | Did the criminal activity violate a Federal extraterritorial "
    "jurisdiction statute",
    (4, "1"): "Part 4 | 1 | Does the victim possess information concerning the criminal activity",
    (4, "2"): "Part 4 | 2 | Has the victim been helpful, is the victim being helpful, or is the "
    "victim likely to be helpful",
    # Asked as "has the victim REFUSED or failed": a cooperative victim is answered No.
    (4, "3"): "Part 4 | 3 | Since the initiation of cooperation, has the victim refused or "
    "failed to provide assistance reasonably requested",
    (5, "1"): "Part 5 | 1 | Are any of the victim's family members culpable or believed to be "
    "culpable in the criminal activity",
}

# Part 3 item 1: every box asks the item's question; which crime it names is ``category_boxes``'.
CATEGORY_TOOLTIP = "Part 3 | 1 | The petitioner is a victim of criminal activity"


def _row_tooltips() -> dict[str, str]:
    words = ("A | Family Name", "B | Given Name", "C | Middle Name", "D | Relationship",
             "E | Involvement")  # fmt: skip
    tips = {}
    for line, row in zip(ROW_LINES, ROW_FIELDS, strict=True):
        for name, said in zip(row, words, strict=True):
            letter, text = said.split(" | ")
            tips[name] = _P5_ROW.format(f"{line}. {letter}") + text
    return tips


def _part7_tooltips() -> dict[str, str]:
    tips = {}
    for number, block in zip((4, 5, 6), PART7_BLOCKS, strict=True):
        for name, (letter, text) in zip(
            block,
            (("A", "Page Number"), ("B", "Part Number"), ("C", "Item Number"),
             ("D", "Additional Information")),
            strict=True,
        ):  # fmt: skip
            tips[name] = _P7.format(f"{number}. {letter}") + text
    return tips


TOOLTIPS.update(_row_tooltips())
TOOLTIPS.update(_part7_tooltips())


# The functions below read the field map they are given (``spec``): this module for the
# I-918B, cases/uscis/i914b_fields.py (same names) for the I-914B.
THIS: ModuleType = sys.modules[__name__]


def field_refs(spec: ModuleType = THIS) -> dict[str, tuple[str, str]]:
    """{field name: (part, item)} for every text field whose text may continue in Part 7."""
    printed = getattr(spec, "PART7_ITEM_NUMBER", {})
    # A lettered form (I-914B 02/27/17, Parts A-F) names its Parts by letter on the sheets.
    part_names = getattr(spec, "PART_NAMES", {})

    def part(number: int) -> str:
        return str(part_names.get(number, number))

    refs = {
        names[0]: (part(ref[0]), printed.get(ref, ref[1]))
        for ref, names in spec.TEXT_FIELDS.items()
    }
    rows_part = part(spec.ROWS_ITEM[0])
    for line, row in zip(spec.ROW_LINES, spec.ROW_FIELDS, strict=True):
        refs.update({name: (rows_part, str(line)) for name in row})
    return refs


def mapped_fields(spec: ModuleType = THIS) -> set[str]:
    """Every field this map writes, or deliberately leaves to the ink (for coverage checks)."""
    names = {n for group in spec.TEXT_FIELDS.values() for n in group}
    names |= {n for group in spec.CHOICE_FIELDS.values() for n in group}
    names |= set(spec.CATEGORY_FIELDS) | {n for row in spec.ROW_FIELDS for n in row}
    names |= {n for block in spec.PART7_BLOCKS for n in block}
    return names | set(spec.INK_ONLY_ITEMS.values())


# --- reading the loaded file ---


def _find(words: list[str], phrase: list[str], start: int = 0) -> int | None:
    """Where ``phrase`` first occurs in ``words`` as whole words, from ``start``."""
    n = len(phrase)
    return next((i for i in range(start, len(words) - n + 1) if words[i : i + n] == phrase), None)


def _says(tooltip: str, expected: str) -> bool:
    """Whether ``tooltip`` says ``expected`` ("Part N | item | phrase ... phrase")."""
    part, item, words = expected.split(" | ", 2)
    said = normalise(tooltip).split()
    part_words = normalise(part).split()
    if said[: len(part_words)] != part_words or _find(said, normalise(item).split()) is None:
        return False
    at: int | None = 0
    for phrase in words.split(" ... "):
        wanted = normalise(phrase).split()
        at = _find(said, wanted, at or 0)
        if at is None:
            return False
        at += len(wanted)
    return True


def expected_tooltips(spec: ModuleType = THIS) -> dict[str, tuple[Ref | None, str]]:
    """{field name: (the item it answers, what its tooltip must say)} for every field filled."""
    refs: dict[str, Ref] = {}
    for ref, names in spec.TEXT_FIELDS.items():
        refs.update(dict.fromkeys(names, ref))
    result: dict[str, tuple[Ref | None, str]] = {
        name: (refs.get(name), said) for name, said in getattr(spec, "TOOLTIPS", {}).items()
    }
    for ref, said in getattr(spec, "CHOICE_TOOLTIPS", {}).items():
        result.update(dict.fromkeys(spec.CHOICE_FIELDS[ref], (ref, said)))
    return result


def tooltip_problems(inventory: Iterable[Field], spec: ModuleType = THIS) -> list[str]:
    """Every filled field whose tooltip does not say what its item means, quoting both texts.

    Meaning is read from the file, never from a field name: a file whose Part 4 item 3 asked
    "has the victim NOT refused" would be refused here rather than answered backwards.
    """
    by_name = {f.name: f for f in inventory}
    problems = []
    for name, (ref, said) in expected_tooltips(spec).items():
        found = by_name.get(name)
        if found is None:
            continue  # a missing field is reported by the field-list check
        if not _says(found.tooltip, said):
            item = f"Part {ref[0]} item {ref[1]}" if ref else said.split(" | ")[0]
            problems.append(
                f"{item} (field {name}): the tooltip says {found.tooltip!r}; "
                f"this item needs {said.replace(' | ', ', ')!r}"
            )
    return problems


def choice_boxes(
    inventory: Iterable[Field],
    options: Mapping[Ref, Sequence[str]] | None = None,
    spec: ModuleType = THIS,
) -> dict[Ref, dict[str, str]]:
    """{(part, item): {option: box field}} from the file's tooltips or on-states."""
    options = spec.CHOICE_OPTIONS if options is None else options
    by_name = {f.name: f for f in inventory}
    result = {}
    for ref, names in spec.CHOICE_FIELDS.items():
        missing = [n for n in names if n not in by_name]
        if missing:
            raise FormError(f"Part {ref[0]} item {ref[1]}: no fields {', '.join(missing)}")
        boxes = [box_label(by_name[n]) for n in names]
        result[ref] = match_choice(boxes, options[ref])
    return result


_SELECT = re.compile(r"\bselect\b", re.IGNORECASE)


def box_label(box: Field) -> Field:
    """The box with its tooltip cut to what follows the last "Select": USCIS's tooltips ask
    the question, then name the box ("... Other Agency Information. 7. Case Status. Select
    Completed."), and the question's words must not match another option."""
    cut = list(_SELECT.finditer(box.tooltip))
    return replace(box, tooltip=box.tooltip[cut[-1].end() :]) if cut else box


def choice_boxes_from(template: Any) -> dict[Ref, dict[str, str]]:
    """``choice_boxes``' result as a loaded template stores it ("part|item" keys)."""
    return {
        (int(key.split("|")[0]), key.split("|")[1]): dict(boxes)
        for key, boxes in template.choice_fields.items()
    }


def category_boxes(
    inventory: Iterable[Field], categories: Mapping[Any, str], spec: ModuleType = THIS
) -> dict[Any, str]:
    """{category key: box field} for Part 3 item 1, matched by the boxes' tooltips."""
    wanted = set(spec.CATEGORY_FIELDS)
    return match_by_tooltip([f for f in inventory if f.name in wanted], categories)


# --- values ---


def _a_number(value: str) -> str:
    """The A-Number's digits (the form prints the "A-"), zero-padded to nine."""
    match = re.fullmatch(r"\s*A?[\s-]*([\d\s-]{7,11})\s*", value, flags=re.IGNORECASE)
    digits = re.sub(r"\D", "", match.group(1)) if match else ""
    return digits.zfill(9) if 7 <= len(digits) <= 9 else value


def _row(row: Mapping[str, Any], spec: ModuleType | None = None) -> tuple[str, ...]:
    columns = getattr(spec, "ROW_COLUMNS", None)
    if columns:  # a form whose rows have their own columns (I-914B 02/27/17: full name, ...)
        return tuple(str(row.get(k) or "") for k in columns)
    if any(k in row for k in ROW_KEYS[:3]):
        return tuple(str(row.get(k) or "") for k in ROW_KEYS)
    # A single "name" (as the form map gives today) goes whole into the family-name field.
    return (str(row.get("name") or ""), "", "", str(row.get("relationship") or ""),
            str(row.get("involvement") or ""))  # fmt: skip


def official_values(
    items: Iterable[tuple[int, str, Any]],
    categories_to_fields: Mapping[str, str],
    choices: Mapping[Ref, Mapping[str, str]],
    spec: ModuleType = THIS,
) -> dict[str, str | bool]:
    """{official field name: value} for ``acroform.fill``, from (part, number, value) triples.

    ``categories_to_fields`` maps each category name used in Part 3 item 1 to its box (from
    ``category_boxes``); ``choices`` is ``choice_boxes``' result. Every box of a choice item
    and all 31 category boxes are written, checked or not. Part 6 items 1 and 2 are skipped.
    Items with no field (further names, a fourth family member) come from ``part7_entries``.
    """
    values: dict[str, str | bool] = {}
    for part, number, value in items:
        ref = (int(part), str(number))
        if ref in spec.INK_ONLY_ITEMS or ref in spec.PART7_ONLY:
            continue
        if ref in spec.TEXT_FIELDS:
            text = "" if value is None else str(value)
            if ref == spec.A_NUMBER_ITEM:
                text = _a_number(text)
            values.update(dict.fromkeys(spec.TEXT_FIELDS[ref], text))
        elif ref in spec.CHOICE_FIELDS:
            boxes = choices[ref]
            if value and value not in boxes:
                raise FormError(f"Part {part} item {number}: {value!r} is not one of {list(boxes)}")
            values.update({name: option == value for option, name in boxes.items()})
        elif ref == spec.CATEGORY_ITEM:
            chosen = list(value or [])
            unknown = [c for c in chosen if c not in categories_to_fields]
            if unknown:
                raise FormError(
                    f"Part {part} item {number}: no box for {', '.join(map(repr, unknown))}"
                )
            picked = {categories_to_fields[c] for c in chosen}
            boxes = set(categories_to_fields.values()) or set(spec.CATEGORY_FIELDS)
            values.update({name: name in picked for name in sorted(boxes)})
        elif ref == spec.ROWS_ITEM:
            # Every box of the printed rows is filled: a row with no family member (Part 5
            # item 1 "No", or fewer members than rows) and an empty middle name print "N/A".
            rows = list(value or [])
            for index, names in enumerate(spec.ROW_FIELDS):
                cells = _row(rows[index], spec) if index < len(rows) else ("",) * len(names)
                values.update({n: c or "N/A" for n, c in zip(names, cells, strict=True)})
        else:
            raise FormError(f"Part {part} item {number} has no field in edition {spec.EDITION}")
    return values


def part7_entries(
    items: Iterable[tuple[int, str, Any]], spec: ModuleType = THIS
) -> list[ContinuationEntry]:
    """Additional Information for items without a field of their own, in form order."""
    entries = []
    for part, number, value in items:
        ref = (int(part), str(number))
        printed_part = str(getattr(spec, "PART_NAMES", {}).get(int(part), part))
        if ref in spec.PART7_ONLY and value:
            anchor = spec.PART7_ONLY[ref]
            entries.append(ContinuationEntry(printed_part, str(number), str(value), anchor=anchor))
        elif ref == spec.ROWS_ITEM and value and len(value) > len(spec.ROW_FIELDS):
            for row in list(value)[len(spec.ROW_FIELDS) :]:
                family, given, middle, relationship, involvement = _row(row)
                name = " ".join(p for p in (given, middle, family) if p) or str(row.get("name", ""))
                text = (
                    f"Family member: {name}; relationship: {relationship}; "
                    f"involvement: {involvement}"
                )
                last = str(spec.ROW_LINES[-1])
                anchor = spec.ROW_FIELDS[-1][0]
                entries.append(ContinuationEntry(printed_part, last, text, anchor=anchor))
    return entries


def continuation(
    items: Iterable[tuple[int, str, Any]],
    values: Mapping[str, str | bool],
    spec: ModuleType = THIS,
) -> Continuation:
    """Where overflowing text goes, with the header (A-Number, name, agency) from ``values``."""
    items = list(items)

    def text(key: str) -> str:
        return str(values.get(spec.TEXT_FIELDS[spec.HEADER_ITEMS[key]][0], "") or "")

    parts = (text("given"), text("middle"), text("family"))
    name = " ".join(t for t in parts if t and t not in PLACEHOLDERS)
    return Continuation(
        a_number=text("a_number"),
        victim_name=name,
        agency=text("agency"),
        blocks=spec.PART7_BLOCKS,
        refs=field_refs(spec),
        entries=tuple(part7_entries(items, spec)),
    )


def triples_from_filled(
    parts: Iterable[tuple[Any, Iterable[Any]]], spec: ModuleType = THIS
) -> list[tuple[int, str, Any]]:
    """(part, number, value) from formmap.fill()'s shape (Parts with FilledItems), duck-typed.

    As on the review copy, an optional text or date item left empty prints its ``empty`` text
    ("N/A", "None") and one that does not apply (its condition is not met) prints "N/A": since
    June 2020 USCIS may reject a Supplement B with a blank field. A required item left empty
    stays empty (the caller refuses to prepare the form before it is complete).
    """
    result = []
    for _part, filled in parts:
        for f in filled:
            item = f.item
            value = f.value
            ref = (int(item.part), str(item.number))
            fillable = item.kind in ("text", "long", "date") and ref not in spec.PART7_ONLY
            if fillable and not f.applies:
                value = "N/A"
            elif fillable and not value and not item.required:
                value = item.empty
            result.append((item.part, item.number, value))
    return result
