# mypy: disable-error-code="has-type"
# (the resolvers read model fields across the models <-> form map type-checking cycle)
"""Form I-914 Supplement B, Declaration for Trafficking Victim, as data (edition 01/20/25).

The T-visa counterpart of the I-918B map in cases/uscis/formmap.py, built from the same ``Item`` and
``Part`` dataclasses; formmap.py registers it under (form type, edition), so a T request is
filled from this map and never from the I-918B's.

Sources (docs/forms.md lists what was checked and what could not be): the Supplement B
instructions filed with OMB (control number 1615-0099, edition 01/20/2025) and 8 CFR 214.204.
The instructions ask the official to complete every field personally and to sign with an
original signature (never a photocopy or a typed name): Part 6 items 1 and 2 are left for ink.
Part and item numbers follow the 2024 T-visa final-rule revision of the form as far as it could
be read (Part 1 items 1-6); the rest is this project's reading and is checked against the field
list when the blank form is loaded (cases/documents/official.py).

Differences from the I-918B: Part 3 item 1 names the severe forms of trafficking in persons
(22 U.S.C. 7102), not the 31 U-visa categories; Part 4 asks for cooperation with any reasonable
request, or the exception that applies (under 18; physical or psychological trauma), instead of
helpfulness; there is no head-of-agency item and no six-month filing validity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cases.uscis.form_request import FormRequest
from cases.uscis.formitems import YESNO, Item, Part
from cases.uscis.trafficking import COOPERATION_BOXES, TraffickingForm

EDITION = "01/20/25"
TITLE = "Form I-914, Supplement B, Declaration for Trafficking Victim"
FORM_NAME = "Form I-914 Supplement B"
ADDITIONAL_PART = 7

PARTS: tuple[Part, ...] = (
    Part(
        1,
        "Victim Information",
        (
            Item(1, "1.a", "Victim's Full Legal Name: Family Name (Last Name)", "text",
                 "family_name"),
            Item(1, "1.b", "Victim's Full Legal Name: Given Name (First Name)", "text",
                 "given_name"),
            Item(1, "1.c", "Victim's Full Legal Name: Middle Name (if any)", "text",
                 "middle_name", required=False),
            Item(1, "2.a", "Other Names Used: Family Name (Last Name)", "text",
                 "other_family_name", required=False, empty="None"),
            Item(1, "2.b", "Other Names Used: Given Name (First Name)", "text",
                 "other_given_name", required=False, empty="None"),
            Item(1, "2.c", "Other Names Used: Middle Name", "text", "other_middle_name",
                 required=False, empty="None"),
            Item(1, "2.d", "Further names used (continued in Part 7)", "long",
                 "more_other_names", required=False, empty="None", limit=1),
            Item(1, "3", "Date of Birth (mm/dd/yyyy)", "date", "date_of_birth"),
            Item(1, "4", "Gender or Sex", "choice", "gender_label",
                 options=("Male", "Female", "Other")),
            Item(1, "5", "Alien Registration Number (A-Number) (if any)", "text", "a_number",
                 required=False, empty="None"),
            # The tracker never asks for a Social Security number (data minimisation).
            Item(1, "6", "U.S. Social Security Number (if any)", "text", "", required=False),
        ),
    ),
    Part(
        2,
        "Agency Information",
        owner="coordinator",
        items=(
            Item(2, "1", "Name of Certifying Agency", "text", "agency.name"),
            Item(2, "2.a", "Certifying Official's Family Name (Last Name)", "text",
                 "official.family_name", at_signing=True),
            Item(2, "2.b", "Certifying Official's Given Name (First Name)", "text",
                 "official.given_name", at_signing=True),
            Item(2, "2.c", "Certifying Official's Middle Name", "text", "official.middle_name",
                 required=False, at_signing=True),
            Item(2, "3", "Title and Division/Office of Certifying Official", "text",
                 "official.title", at_signing=True),
            Item(2, "4.a", "Agency Address: Street Number and Name", "text", "agency.street"),
            Item(2, "4.b", "Agency Address: Apt./Ste./Flr. Number", "text", "agency.suite",
                 required=False),
            Item(2, "4.c", "Agency Address: City or Town", "text", "agency.city"),
            Item(2, "4.d", "Agency Address: State", "text", "agency.state"),
            Item(2, "4.e", "Agency Address: ZIP Code", "text", "agency.zip_code"),
            Item(2, "5", "Daytime Telephone Number", "text", "agency.phone"),
            Item(2, "6", "Fax Number", "text", "agency.fax", required=False),
            Item(2, "7", "Agency Type", "choice", "agency_type_label",
                 options=("Federal", "State", "Tribal", "Local")),
            Item(2, "8", "Case Status", "choice", "case_status_label",
                 options=("On-going", "Completed", "Other")),
            Item(2, "8.a", "Case Status: Other (explain)", "text", "case_status_other",
                 condition=("8", "Other")),
            Item(2, "9", "Case Number", "text", "report_number", attested=True),
            Item(2, "10", "FBI Number or SID Number (if any)", "text", "fbi_or_sid_number",
                 required=False, empty="None"),
        ),
    ),
    Part(
        3,
        "Statement of Claim",
        owner="coordinator",
        items=(
            Item(3, "1", "The applicant is or has been a victim of a severe form of trafficking "
                 "in persons (select all that apply)", "checkboxes", "trafficking_form_labels"),
            Item(3, "2.a", "Date the trafficking occurred (mm/dd/yyyy)", "date",
                 "incident_date", attested=True),
            Item(3, "2.b", "Date the trafficking occurred (mm/dd/yyyy)", "date",
                 "incident_date_2", required=False, attested=True),
            Item(3, "3", "Statutory citation(s) for the crime(s) investigated or prosecuted",
                 "long", "statute_citations", limit=600),
            Item(3, "4", "Description of the trafficking and the victim's involvement", "long",
                 "criminal_activity_description", limit=900, attested=True),
            Item(3, "5", "Description of any known or documented injury to the victim", "long",
                 "injury_description", required=False, limit=500, attested=True),
        ),
    ),
    Part(
        4,
        "Cooperation of the Victim",
        owner="detective",
        items=(
            Item(4, "1", "The victim has complied with any reasonable request for assistance, "
                 "or is under 18, or is unable to cooperate because of physical or "
                 "psychological trauma", "choice", "cooperation_box",
                 options=tuple(COOPERATION_BOXES.values())),
            Item(4, "2", "Explanation of the victim's cooperation, or of the exception", "long",
                 "cooperation_explanation", limit=900),
        ),
    ),
    Part(
        5,
        "Family Members Implicated in the Trafficking",
        owner="detective",
        items=(
            Item(5, "1", "Are any of the victim's family members believed to have been "
                 "involved in the trafficking?", "choice", "family_members_implicated_label",
                 options=YESNO),
            Item(5, "2-4", "Family members involved (Full Name, Relationship, Involvement)",
                 "rows", "family_rows", condition=("1", "Yes")),
        ),
    ),
    Part(
        6,
        "Declaration of the Certifying Official",
        (
            Item(6, "1", "Signature of Certifying Official", "signature", "", required=False,
                 at_signing=True),
            Item(6, "2", "Date of Signature (mm/dd/yyyy)", "date", "signed_on",
                 at_signing=True),
        ),
    ),
)  # fmt: skip

# A summary for the review copy; the official form's own printed declaration governs.
STATEMENT = (
    "I am a Federal, State, Tribal, or local law enforcement official. Based on the facts known "
    "to my agency, I declare that the individual named in Part 1 is or has been a victim of a "
    "severe form of trafficking in persons, and has complied with any reasonable request for "
    "assistance in the investigation or prosecution of the trafficking (or an exception in "
    "Part 4 applies). I certify, under penalty of perjury, that the information in this "
    "declaration is complete, true, and correct to the best of my knowledge."
)

_FORM_LABELS = dict(TraffickingForm.choices)

# Values only the T form reads (merged into formmap.RESOLVERS).
RESOLVERS: dict[str, Callable[[FormRequest], Any]] = {
    "trafficking_form_labels": lambda r: [
        _FORM_LABELS[code] for code in (r.trafficking_forms or []) if code in _FORM_LABELS
    ],
    "cooperation_box": lambda r: COOPERATION_BOXES.get(r.cooperation, ""),
}
