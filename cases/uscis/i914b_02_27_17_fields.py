"""Form I-914 Supplement B, edition 02/27/17: the form map's items -> USCIS's own fields.

The same shape as cases/uscis/i918b_fields.py and i914b_fields.py (i918b_fields' functions
take this module as their ``spec``), for the items of cases/uscis/i914b_02_27_17_items.py.
The names are those of USCIS's file (tests/fixtures/uscis/i-914supb-02-27-17.pdf, 72
fields; the field list is cases/uscis/data/i914b-02-27-17-fields.csv). They carry no
meaning (most text fields are called ``GivenNameFirstName[n]`` whatever they hold): every
item below was assigned by its tooltip and its place on the printed page, and the tooltip
each one must have is in TOOLTIPS, so a file whose field says something else is refused,
naming the item.

Part F: the officer's and the supervisor's signatures and dates are written in ink (the
instructions: an original signature, never a photocopy or a typewritten name); they are never
filled. The two date fields share one tooltip; the officer's is the one on the officer's line
(``Date[7]``, level with the officer's signature on page 3), the supervisor's the one below.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from types import ModuleType

from cases.uscis import i918b_fields as generic
from cases.uscis.formitems import YESNO
from cases.uscis.i914b_02_27_17_items import CLAIM_BOXES, COOPERATION_OPTIONS

# The A-Number (item 5) and the continuation header's items (name 1.a-1.c, agency B.1) have the
# numbers of the 01/20/25 map on this edition too.
from cases.uscis.i914b_fields import A_NUMBER_ITEM, HEADER_ITEMS  # noqa: F401

EDITION = "02/27/17"
FIELDS_CSV = Path(__file__).resolve().parent / "data" / "i914b-02-27-17-fields.csv"

P1 = "form1[0].#subform[0]."  # page 1: Parts A, B, Part C item 1 (first two boxes)
P2 = "form1[0].#subform[1]."  # page 2: Part C
P3 = "form1[0].#subform[2]."  # page 3: Parts D, E, F

Ref = tuple[int, str]

# The Parts as the form prints them (lettered A-F).
PART_NAMES: dict[int, str] = {1: "A", 2: "B", 3: "C", 4: "D", 5: "E", 6: "F"}

TEXT_FIELDS: dict[Ref, tuple[str, ...]] = {
    (1, "1.a"): (P1 + "GivenNameFirstName[2]",),
    (1, "1.b"): (P1 + "GivenNameFirstName[1]",),
    (1, "1.c"): (P1 + "MiddleNameifany[0]",),
    (1, "2"): (P1 + "GivenNameFirstName[3]",),
    (1, "3"): (P1 + "Date[0]",),
    (1, "5"): (P1 + "GivenNameFirstName[15]",),
    (1, "6"): (P1 + "GivenNameFirstName[6]",),
    (2, "1"): (P1 + "GivenNameFirstName[12]",),
    (2, "2.a"): (P1 + "GivenNameFirstName[4]",),
    (2, "2.b"): (P1 + "GivenNameFirstName[5]",),
    (2, "3.a"): (P1 + "GivenNameFirstName[0]",),
    (2, "3.b"): (P1 + "GivenNameFirstName[7]",),
    (2, "3.c"): (P1 + "GivenNameFirstName[8]",),
    (2, "3.d"): (P1 + "GivenNameFirstName[9]",),
    (2, "3.e"): (P1 + "GivenNameFirstName[10]",),
    (2, "4.a"): (P1 + "dayPhone[0]",),
    (2, "4.b"): (P1 + "GivenNameFirstName[11]",),
    (2, "6.b"): (P1 + "Local[0]",),
    (2, "6.d"): (P1 + "Other[0]",),
    (2, "6.e"): (P1 + "GivenNameFirstName[14]",),
    (2, "6.f"): (P1 + "GivenNameFirstName[13]",),
    (3, "2"): (P2 + "partc_other[0]",),
    (3, "3"): (P2 + "partc_other[1]",),
    # Date One to Four, by tooltip (the file numbers them 2, 4, 3, 1).
    (3, "4.a"): (P2 + "Date[2]",),
    (3, "4.b"): (P2 + "Date[4]",),
    (3, "4.c"): (P2 + "Date[3]",),
    (3, "4.d"): (P2 + "Date[1]",),
    (3, "5"): (P2 + "FFField1[0]",),
    (3, "6"): (P2 + "Date[5]",),
    (3, "7"): (P2 + "Date[6]",),
    (4, "2"): (P3 + "partc_other[2]",),
    (6, "5"): (P3 + "PrintedName[0]",),
}

# Choice items: every box of the item (which is which comes from the file's tooltips).
CHOICE_FIELDS: dict[Ref, tuple[str, ...]] = {
    (1, "4"): (P1 + "gender[0]", P1 + "gender[1]"),
    (2, "5"): (P1 + "agency[0]", P1 + "agency[1]", P1 + "agency[2]"),
    (2, "6.a"): (P1 + "caseStatus[0]", P1 + "caseStatus[1]", P1 + "caseStatus[2]"),
    (2, "6.c"): tuple(f"{P1}certAgency[{i}]" for i in range(4)),
    (4, "1"): tuple(f"{P3}prtD[{i}]" for i in range(5)),
    (5, "1"): (P3 + "CheckBox1[0]", P3 + "CheckBox1[1]"),
}

CHOICE_OPTIONS: dict[Ref, tuple[str, ...]] = {
    (1, "4"): ("Male", "Female"),
    (2, "5"): ("Federal", "State", "Local"),
    (2, "6.a"): ("On-going", "Completed", "Local"),
    (2, "6.c"): ("Judge", "Law Enforcement", "Prosecutor", "Other"),
    (4, "1"): COOPERATION_OPTIONS,
    (5, "1"): YESNO,
}

# Part C item 1: five boxes, two on page 1 and three on page 2, matched by tooltip.
CATEGORY_ITEM: Ref = (3, "1")
CATEGORY_FIELDS = (P1 + "Yes[0]", P1 + "Yes[1]", P2 + "Yes[2]", P2 + "Yes[3]", P2 + "Yes[4]")
CATEGORY_LABELS: dict[str, str] = CLAIM_BOXES

# Part E: four rows of full name, relationship and involvement.
ROWS_ITEM: Ref = (5, "2-5")
ROW_LINES = (2, 3, 4, 5)
ROW_COLUMNS = ("name", "relationship", "involvement")
ROW_FIELDS: tuple[tuple[str, ...], ...] = tuple(
    tuple(f"{P3}Table1[0].Row{row}[0].{column}[0]" for column in
          ("FullName", "Relationship", "Involvement"))
    for row in (1, 2, 3, 4)
)  # fmt: skip

PART7_ONLY: dict[Ref, str] = {}

# Never filled: signed and dated in ink by the officer and by the supervisor (Part F).
INK_ONLY_ITEMS: dict[Ref, str] = {
    (6, "1"): P3 + "Pt1Line13_ApplicantSignature[1]",
    (6, "2"): P3 + "Date[7]",
    (6, "3"): P3 + "Pt1Line13_ApplicantSignature[0]",
    (6, "4"): P3 + "Date[8]",
}
INK_ONLY_FIELDS = frozenset(INK_ONLY_ITEMS.values())

# No Additional Information page: text that does not fit goes on attached sheets ("Attach
# additional sheets, if necessary", General Instructions item 2).
PART7_BLOCKS: tuple[tuple[str, str, str, str], ...] = ()

# What the tooltip of every field filled or left to the ink must say, read from USCIS's file:
# "Part X | item | the question's words", each " ... "-separated phrase in that order (case and
# punctuation aside). Part B's tooltips carry no item number (the form prints none).
_PB = "Part B |  | Agency Information ... "
_PC = "Part C | {} | Statement of Claim ... "
_DATES = "Provide the date or dates on which the acts of trafficking occurred ... Enter Date {}"
TOOLTIPS: dict[str, str] = {
    # The first field's tooltip opens with the form's "START HERE" notice, then Part A.
    P1 + "GivenNameFirstName[2]": "START HERE |  | PART A ... Victim Information ... Enter "
    "Family Name",
    P1 + "GivenNameFirstName[1]": "PART A |  | Victim Information ... Enter Given Name",
    P1 + "MiddleNameifany[0]": "PART A |  | Victim Information ... Enter Middle Name",
    P1 + "GivenNameFirstName[3]": "PART A |  | Victim Information ... Enter Other Names Used",
    P1 + "Date[0]": "PART A |  | Victim Information ... Enter Date of Birth",
    P1 + "GivenNameFirstName[15]": "PART A |  | Victim Information ... Alien Registration Number",
    P1 + "GivenNameFirstName[6]": "PART A |  | Victim Information ... Social Security Number",
    P1 + "GivenNameFirstName[12]": _PB + "Enter Name of Certifying Agency",
    P1 + "GivenNameFirstName[4]": _PB + "Enter Name of Certifying Official",
    P1 + "GivenNameFirstName[5]": _PB + "Enter Title and Division / Office of Certifying Official",
    P1 + "GivenNameFirstName[0]": _PB + "Agency Address ... Street Number and Name",
    P1 + "GivenNameFirstName[7]": _PB + "Agency Address ... Suite Number",
    P1 + "GivenNameFirstName[8]": _PB + "Agency Address ... City",
    P1 + "GivenNameFirstName[9]": _PB + "Agency Address ... State / Province",
    P1 + "GivenNameFirstName[10]": _PB + "Agency Address ... Zip / Postal Code",
    P1 + "dayPhone[0]": _PB + "Enter Daytime Phone Number",
    P1 + "GivenNameFirstName[11]": _PB + "Enter Fax Number",
    P1 + "Local[0]": _PB + "Case Status ... Enter Local Case Status",
    P1 + "Other[0]": _PB + "Certifying Agency Category ... Enter Other Certifying Agency Category",
    P1 + "GivenNameFirstName[14]": _PB + "Enter Case Number",
    P1 + "GivenNameFirstName[13]": _PB + "Federal Bureau of Investigation ... Number or State "
    "Identification",
    P2 + "partc_other[0]": _PC.format(2) + "describe the victimization upon which the "
    "applicant's claim is based",
    P2 + "partc_other[1]": _PC.format(3) + "Has the applicant expressed any fear of retaliation "
    "or revenge if removed from the United States",
    P2 + "Date[2]": _PC.format(4) + _DATES.format("One"),
    P2 + "Date[4]": _PC.format(4) + _DATES.format("Two"),
    P2 + "Date[3]": _PC.format(4) + _DATES.format("Three"),
    P2 + "Date[1]": _PC.format(4) + _DATES.format("Four"),
    P2 + "FFField1[0]": _PC.format(5) + "statutory citation or citations for the acts of "
    "trafficking",
    P2 + "Date[5]": _PC.format(6) + "date on which the investigation or prosecution was initiated",
    P2 + "Date[6]": _PC.format(7) + "date on which the investigation or prosecution was completed",
    P3 + "partc_other[2]": "Part D |  | Cooperation of Victim ... Enter Other Explanation",
    P3 + "PrintedName[0]": "Part F |  | Attestation ... Enter Printed Name of Supervisor",
    # Left to the ink, but their meaning is checked all the same.
    P3 + "Pt1Line13_ApplicantSignature[1]": "Part F |  | Attestation ... Signature of Law "
    "Enforcement Officer",
    P3 + "Date[7]": "Part F |  | Attestation ... Enter Date of Signature",
    P3 + "Pt1Line13_ApplicantSignature[0]": "Part F |  | Attestation ... Signature of "
    "Supervisor of Certifying Officer",
    P3 + "Date[8]": "Part F |  | Attestation ... Enter Date of Signature",
}
_PE = (
    "Part E |  | Family Members Implicated In Trafficking ... Are any of the applicant's family "
    "members believed to have been involved in his or her trafficking to the United States"
)
CHOICE_TOOLTIPS: dict[Ref, str] = {
    (1, "4"): "PART A |  | Victim Information ... Gender",
    (2, "5"): _PB + "Agency Type",
    (2, "6.a"): _PB + "Case Status",
    (2, "6.c"): _PB + "Certifying Agency Category",
    (4, "1"): "Part D |  | Cooperation of Victim ... The applicant",
    (5, "1"): _PE,
}
CATEGORY_TOOLTIP = _PC.format(1) + (
    "The applicant is or has been a victim of a severe form of trafficking in persons"
)


def _row_tooltips() -> dict[str, str]:
    tips = {}
    for number, row in zip(("One", "Two", "Three", "Four"), ROW_FIELDS, strict=True):
        for name, column in zip(row, ("Full Name", "Relationship", "Involvement"), strict=True):
            tips[name] = f"{_PE} ... Relative {number} ... Enter {column}"
    return tips


TOOLTIPS.update(_row_tooltips())
TOOLTIPS.update(dict.fromkeys(CATEGORY_FIELDS, CATEGORY_TOOLTIP))

SPEC: ModuleType = sys.modules[__name__]


triples_from_filled = partial(generic.triples_from_filled, spec=SPEC)
mapped_fields = partial(generic.mapped_fields, spec=SPEC)
