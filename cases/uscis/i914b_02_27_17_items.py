# mypy: disable-error-code="has-type"
# (the resolvers read model fields across the models <-> form map type-checking cycle)
"""Form I-914 Supplement B, edition 02/27/17, as data: USCIS's own file, item by item.

"Supplement B, Declaration of Law Enforcement Officer for Victim of Trafficking in Persons"
(OMB No. 1615-0099), the edition whose fillable file is in tests/fixtures/uscis/. Its Parts are
lettered A-F; here they carry the numbers 1-6 (the database keys of the department's text) and
their letter (``Part.letter``), which is what every page and message prints.

Sources: the printed form and each field's tooltip (cases/uscis/data/i914b-02-27-17-fields.csv)
and the form's instructions of the same edition, which number the items continuously
(instructions item 9 is the form's Part C item 3); 8 CFR 214.204 (the law enforcement
declaration is evidence of victimisation and of compliance with reasonable requests).

- Part A: the victim (instructions items 1-6).
- Part B: the agency. The form prints no item numbers there; the numbers below are the
  instructions' (Part B items 1-6), split into a, b, c where one item has several boxes.
- Part C: the statement of claim, items 1-7 as printed: the severe form of trafficking (five
  boxes, one of them for all four forms of labour trafficking), the victimisation, the fear of
  retaliation or revenge (item 3), up to four dates of the trafficking, the statutes, and the
  dates the investigation or prosecution was initiated and completed (items 6, 7).
- Part D: the victim's cooperation: every box the form offers ("has complied"; "has failed to
  comply"; "has not been requested to assist"; "has not yet attained the age of 18"; "other")
  and one explanation box.
- Part E: family members implicated, four rows of full name, relationship and involvement.
- Part F: the attestation, signed and dated in ink by the officer named in Part B and by the
  officer's supervisor, whose printed name is typed (instructions, Part F: both "must sign and
  date the form"; "a type written name in place of a signature is not acceptable").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cases.uscis.form_request import FormRequest
from cases.uscis.formitems import YESNO, Item, Part
from cases.uscis.trafficking import COOPERATION_BOXES_02_27_17, TraffickingForm

EDITION = "02/27/17"
TITLE = (
    "Form I-914, Supplement B, Declaration of Law Enforcement Officer for Victim of "
    "Trafficking in Persons"
)
FORM_NAME = "Form I-914 Supplement B"
ADDITIONAL_PART = 7  # no Additional Information page: longer text goes on attached sheets

# Part C item 1's boxes, in the words printed after each box. The form has one box for all
# four forms of labour trafficking (22 U.S.C. 7102(11)(B)).
BOX_SEX_FORCE = (
    "Sex trafficking in which a commercial sex act was induced by force, fraud, or coercion"
)
BOX_SEX_MINOR = "Sex trafficking and the victim is under the age of 18"
BOX_LABOR = (
    "The recruitment, harboring, transportation, provision, or obtaining of a person for labor "
    "or services through the use of force, fraud, or coercion for subjection to involuntary "
    "servitude, peonage, debt bondage, or slavery"
)
BOX_NOT_APPLICABLE = "Not applicable"
BOX_OTHER = "Other, specify on attached additional sheets"
# {box key: the words after the box}, the labels Part C item 1's boxes are matched to.
CLAIM_BOXES: dict[str, str] = {
    "sex_force": BOX_SEX_FORCE,
    "sex_minor": BOX_SEX_MINOR,
    "labor": BOX_LABOR,
    "not_applicable": BOX_NOT_APPLICABLE,
    "other": BOX_OTHER,
}
# The tracker's forms of trafficking -> the box that names them.
FORM_TO_BOX: dict[str, str] = {
    TraffickingForm.SEX_FORCE: "sex_force",
    TraffickingForm.SEX_MINOR: "sex_minor",
    TraffickingForm.INVOLUNTARY_SERVITUDE: "labor",
    TraffickingForm.PEONAGE: "labor",
    TraffickingForm.DEBT_BONDAGE: "labor",
    TraffickingForm.SLAVERY: "labor",
}

COOPERATION_OPTIONS: tuple[str, ...] = tuple(dict.fromkeys(COOPERATION_BOXES_02_27_17.values()))

PARTS: tuple[Part, ...] = (
    Part(
        1,
        "Victim Information",
        letter="A",
        items=(
            Item(1, "1.a", "Family Name (Last Name)", "text", "family_name"),
            Item(1, "1.b", "Given Name (First Name)", "text", "given_name"),
            Item(1, "1.c", "Middle Name (if any)", "text", "middle_name", required=False),
            Item(1, "2", "Other Names Used (include maiden name/nickname)", "text",
                 "other_names_0217", required=False, empty="None"),
            Item(1, "3", "Date of Birth (mm/dd/yyyy)", "date", "date_of_birth"),
            # Two boxes only (Male, Female): any other answer ticks neither.
            Item(1, "4", "Gender", "choice", "gender_label_0217", required=False,
                 options=("Male", "Female")),
            Item(1, "5", "A # (if known)", "text", "a_number", required=False, empty="None"),
            # The tracker never asks for a Social Security number (data minimisation).
            Item(1, "6", "Social Security # (if known)", "text", "", required=False),
        ),
    ),
    Part(
        2,
        "Agency Information",
        owner="coordinator",
        letter="B",
        items=(
            Item(2, "1", "Name of Certifying Agency", "text", "agency.name"),
            Item(2, "2.a", "Name of Certifying Official", "text", "official_full_name",
                 at_signing=True),
            Item(2, "2.b", "Title and Division/Office of Certifying Official", "text",
                 "official.title", at_signing=True),
            Item(2, "3.a", "Agency Address - Street Number and Name", "text", "agency.street"),
            Item(2, "3.b", "Suite #", "text", "agency.suite", required=False),
            Item(2, "3.c", "City", "text", "agency.city"),
            Item(2, "3.d", "State/Province", "text", "agency.state"),
            Item(2, "3.e", "Zip/Postal Code", "text", "agency.zip_code"),
            Item(2, "4.a", "Daytime Phone # (area code and/or extension)", "text",
                 "agency.phone"),
            Item(2, "4.b", "Fax # (with area code)", "text", "agency.fax", required=False),
            Item(2, "5", "Agency Type", "choice", "agency_type_label",
                 options=("Federal", "State", "Local")),
            # The third box is printed "Local" (with a box to write in): the tracker's "Other"
            # case status goes there, with its words.
            Item(2, "6.a", "Case Status", "choice", "case_status_label_0217",
                 options=("On-going", "Completed", "Local")),
            Item(2, "6.b", "Case Status: Local (explain)", "text", "case_status_other",
                 condition=("6.a", "Local")),
            Item(2, "6.c", "Certifying Agency Category", "choice", "agency_category_label",
                 options=("Judge", "Law Enforcement", "Prosecutor", "Other")),
            Item(2, "6.d", "Certifying Agency Category: Other", "text",
                 "agency.category_other", condition=("6.c", "Other")),
            Item(2, "6.e", "Case Number", "text", "report_number", attested=True),
            Item(2, "6.f", "FBI # or SID # (if applicable)", "text", "fbi_or_sid_number",
                 required=False, empty="None"),
        ),
    ),
    Part(
        3,
        "Statement of Claim",
        owner="coordinator",
        letter="C",
        items=(
            Item(3, "1", "The applicant is or has been a victim of a severe form of trafficking "
                 "in persons. Specifically, he or she is a victim of (check all that apply)",
                 "checkboxes", "claim_boxes_0217", options=tuple(CLAIM_BOXES.values())),
            Item(3, "2", "Describe the victimization upon which the applicant's claim is based "
                 "and identify the relationship between that victimization and the crime under "
                 "investigation/prosecution", "long", "criminal_activity_description",
                 limit=900, attested=True),
            Item(3, "3", "Has the applicant expressed any fear of retaliation or revenge if "
                 "removed from the United States? If yes, explain.", "long",
                 "fear_of_retaliation_text", limit=600),
            Item(3, "4.a", "Date(s) on which the acts of trafficking occurred: Date one",
                 "date", "incident_date", attested=True),
            Item(3, "4.b", "Date(s) on which the acts of trafficking occurred: Date two",
                 "date", "incident_date_2", required=False),
            Item(3, "4.c", "Date(s) on which the acts of trafficking occurred: Date three",
                 "date", "incident_date_3", required=False),
            Item(3, "4.d", "Date(s) on which the acts of trafficking occurred: Date four",
                 "date", "incident_date_4", required=False),
            Item(3, "5", "Statutory citation(s) for the acts of trafficking being investigated "
                 "or prosecuted, or that were investigated or prosecuted", "long",
                 "statute_citations", limit=600),
            # No formal investigation is required (instructions, "When Should I Use"): with
            # none opened, item 6 prints "N/A".
            Item(3, "6", "Date on which the investigation or prosecution was initiated", "date",
                 "investigation_started_on", required=False),
            Item(3, "7", "Date on which the investigation or prosecution was completed (if any)",
                 "date", "investigation_completed_on", required=False),
        ),
    ),
    Part(
        4,
        "Cooperation of Victim",
        owner="detective",
        letter="D",
        items=(
            Item(4, "1", "The applicant", "choice", "cooperation_box_0217",
                 options=COOPERATION_OPTIONS),
            Item(4, "2", "Explanation", "long", "cooperation_explanation", limit=900),
        ),
    ),
    Part(
        5,
        "Family Members Implicated In Trafficking",
        owner="detective",
        letter="E",
        items=(
            Item(5, "1", "Are any of the applicant's family members believed to have been "
                 "involved in his or her trafficking to the United States?", "choice",
                 "family_members_implicated_label", options=YESNO),
            Item(5, "2-5", "Relatives (Full Name, Relationship, Involvement)", "rows",
                 "family_rows", condition=("1", "Yes")),
        ),
    ),
    Part(
        6,
        "Attestation",
        letter="F",
        items=(
            Item(6, "1", "Signature of Law Enforcement Officer (identified in Part B) (sign "
                 "in ink)", "signature", "", required=False, at_signing=True),
            Item(6, "2", "Date (mm/dd/yyyy)", "date", "officer_signed_on", at_signing=True),
            Item(6, "3", "Signature of Supervisor of Certifying Officer (sign in ink)",
                 "signature", "", required=False, at_signing=True, signer="supervisor"),
            Item(6, "4", "Date (mm/dd/yyyy)", "date", "supervisor_signed_on",
                 at_signing=True),
            Item(6, "5", "Printed Name of Supervisor", "text", "supervisor_name"),
        ),
    ),
)  # fmt: skip

# A summary for the review copy; the official form's own printed attestation governs.
STATEMENT = (
    "Based upon investigation of the facts, I certify, under penalty of perjury, that the above "
    "noted individual is or has been a victim of a severe form of trafficking in persons as "
    "defined by the VTVPA, that the above information is true and correct to the best of my "
    "knowledge, and that I have made, and will make, no promises regarding the victim's ability "
    "to obtain a visa based upon this certification; if the victim unreasonably refuses to "
    "assist in the investigation or prosecution, I will notify USCIS. Signed in ink by the "
    "officer named in Part B and by the officer's supervisor (Part F)."
)


def _claim_boxes(request: FormRequest) -> list[str]:
    keys = {FORM_TO_BOX[code] for code in (request.trafficking_forms or []) if code in FORM_TO_BOX}
    return [label for key, label in CLAIM_BOXES.items() if key in keys]


def _fear_of_retaliation(request: FormRequest) -> str:
    """Part C item 3: "No." or "Yes." with the explanation; "" while unanswered."""
    answer = getattr(request, "fear_of_retaliation", "")
    if answer == "no":
        return "No."
    if answer == "yes":
        explanation = (getattr(request, "fear_of_retaliation_explanation", "") or "").strip()
        return f"Yes. {explanation}".strip()
    return ""


def _gender(request: FormRequest) -> str:
    return {"M": "Male", "F": "Female"}.get(getattr(request, "gender", "") or "", "")


def _case_status(request: FormRequest) -> str:
    return {"ongoing": "On-going", "completed": "Completed", "other": "Local"}.get(
        getattr(request, "case_status", "") or "", ""
    )


def _officer_signed_on(request: FormRequest) -> str:
    """Part F, the officer's date, as written in ink (the request's answer date is the later
    of the two inks)."""
    if request.pk is None or not request.signed_on:
        return ""
    ink = getattr(request, "ink_signature", None)
    signed = ink.signed_on if ink else request.signed_on
    return signed.strftime("%m/%d/%Y")


def _supervisor_signed_on(request: FormRequest) -> str:
    """Part F, the supervisor's date: known once the ink is recorded (never filled: ink)."""
    if request.pk is None or not request.signed_on:
        return ""
    signed = getattr(request, "supervisor_signed_on_recorded", None)
    return signed.strftime("%m/%d/%Y") if signed else ""


def _other_names(request: FormRequest) -> str:
    names = " ".join(
        (getattr(request, name, "") or "").strip()
        for name in ("other_given_name", "other_middle_name", "other_family_name")
        if (getattr(request, name, "") or "").strip()
    )
    more = (getattr(request, "more_other_names", "") or "").strip()
    return "; ".join(n for n in (names, more) if n)


# Values only this edition reads (merged into formmap.RESOLVERS).
RESOLVERS: dict[str, Callable[[FormRequest], Any]] = {
    "claim_boxes_0217": _claim_boxes,
    "fear_of_retaliation_text": _fear_of_retaliation,
    "cooperation_box_0217": lambda r: COOPERATION_BOXES_02_27_17.get(r.cooperation, ""),
    "gender_label_0217": _gender,
    "case_status_label_0217": _case_status,
    "officer_signed_on": _officer_signed_on,
    "supervisor_signed_on": _supervisor_signed_on,
    "other_names_0217": _other_names,
}
