"""Form I-918 Supplement B, edition 01/20/25, as data: every Part and Item, and where each
value comes from.

The items' numbers, labels and questions follow the edition's printed page and its tooltips,
read from USCIS's own file (02/07/17, whose field names the 01/20/25 edition keeps):
Part 4 item 3 asks whether the victim REFUSED or failed to assist; its explanation is the box
printed under item 3; Part 2's ZIP code is item 5.f. cases/uscis/formmap.py registers these
Parts as the edition's map and reads the values from a request (``source`` is a dotted path
on the request or one of its RESOLVERS); cases/uscis/i918b_fields.py maps each item to its
field and states what the field's tooltip must say.
"""

from __future__ import annotations

from cases.uscis.formitems import YESNO, Item, Part

# I-918B Part 4: the explanation box printed under item 3 has no number of its own; Part 7
# continues it as Item 3 (cases/uscis/i918b_fields.py).
EXPLANATION_NUMBER = "3 (explanation)"

PARTS: tuple[Part, ...] = (
    Part(
        1,
        "Victim Information",
        (
            Item(
                1,
                "1",
                "Alien Registration Number (A-Number) (if any)",
                "text",
                "a_number",
                required=False,
                empty="None",
            ),
            Item(1, "2.a", "Victim's Family Name (Last Name)", "text", "family_name"),
            Item(1, "2.b", "Victim's Given Name (First Name)", "text", "given_name"),
            Item(1, "2.c", "Victim's Middle Name", "text", "middle_name", required=False),
            Item(
                1,
                "3.a",
                "Other Names Used: Family Name (Last Name)",
                "text",
                "other_family_name",
                required=False,
                empty="None",
            ),
            Item(
                1,
                "3.b",
                "Other Names Used: Given Name (First Name)",
                "text",
                "other_given_name",
                required=False,
                empty="None",
            ),
            Item(
                1,
                "3.c",
                "Other Names Used: Middle Name",
                "text",
                "other_middle_name",
                required=False,
                empty="None",
            ),
            Item(
                1,
                "3.d",
                "Further names used (continued in Part 7)",
                "long",
                "more_other_names",
                required=False,
                empty="None",
                limit=1,
            ),
            Item(1, "4", "Date of Birth (mm/dd/yyyy)", "date", "date_of_birth"),
            Item(1, "5", "Gender", "choice", "gender_label", options=("Male", "Female")),
        ),
    ),
    Part(
        2,
        "Agency Information",
        owner="coordinator",
        items=(
            Item(2, "1", "Name of Certifying Agency", "text", "agency.name"),
            Item(
                2,
                "2.a",
                "Certifying Official's Family Name (Last Name)",
                "text",
                "official.family_name",
                at_signing=True,
            ),
            Item(
                2,
                "2.b",
                "Certifying Official's Given Name (First Name)",
                "text",
                "official.given_name",
                at_signing=True,
            ),
            Item(
                2,
                "2.c",
                "Certifying Official's Middle Name",
                "text",
                "official.middle_name",
                required=False,
                at_signing=True,
            ),
            Item(
                2,
                "3",
                "Title and Division/Office of Certifying Official",
                "text",
                "official.title",
                at_signing=True,
            ),
            Item(
                2,
                "4.a",
                "Head of Agency: Family Name (Last Name)",
                "text",
                "head.family_name",
            ),
            Item(
                2,
                "4.b",
                "Head of Agency: Given Name (First Name)",
                "text",
                "head.given_name",
            ),
            Item(
                2,
                "4.c",
                "Head of Agency: Middle Name",
                "text",
                "head.middle_name",
                required=False,
            ),
            Item(2, "5.a", "Agency Address: Street Number and Name", "text", "agency.street"),
            Item(
                2,
                "5.b",
                "Agency Address: Apt./Ste./Flr. Number",
                "text",
                "agency.suite",
                required=False,
            ),
            Item(2, "5.c", "Agency Address: City or Town", "text", "agency.city"),
            Item(2, "5.d", "Agency Address: State", "text", "agency.state"),
            # Printed "5.f. ZIP Code" (the 02/07/17 page has no 5.e), then 5.g-5.i for an
            # address abroad: "N/A" for an agency in the United States, never blank.
            Item(2, "5.f", "Agency Address: ZIP Code", "text", "agency.zip_code"),
            Item(2, "5.g", "Agency Address: Province", "text", "", required=False),
            Item(2, "5.h", "Agency Address: Postal Code", "text", "", required=False),
            Item(2, "5.i", "Agency Address: Country", "text", "", required=False),
            Item(
                2,
                "6",
                "Agency Type",
                "choice",
                "agency_type_label",
                options=("Federal", "State", "Local"),
            ),
            Item(
                2,
                "7",
                "Case Status",
                "choice",
                "case_status_label",
                options=("On-going", "Completed", "Other"),
            ),
            Item(
                2,
                "7.a",
                "Case Status: Other (explain)",
                "text",
                "case_status_other",
                condition=("7", "Other"),
            ),
            Item(
                2,
                "8",
                "Certifying Agency Category",
                "choice",
                "agency_category_label",
                options=("Judge", "Law Enforcement", "Prosecutor", "Other"),
            ),
            Item(
                2,
                "8.a",
                "Certifying Agency Category: Other (explain)",
                "text",
                "agency.category_other",
                condition=("8", "Other"),
            ),
            Item(2, "9", "Case Number", "text", "report_number", attested=True),
            Item(
                2,
                "10",
                "FBI Number or SID Number (if any)",
                "text",
                "fbi_or_sid_number",
                required=False,
                empty="None",
            ),
        ),
    ),
    Part(
        3,
        "Criminal Acts",
        owner="coordinator",
        items=(
            Item(
                3,
                "1",
                "The victim was a victim of criminal activity involving or similar to "
                "violations of one or more of the following (select all that apply)",
                "checkboxes",
                "crime_categories",
            ),
            Item(
                3,
                "2.a",
                "Date the criminal activity occurred (mm/dd/yyyy)",
                "date",
                "incident_date",
                attested=True,
            ),
            Item(
                3,
                "2.b",
                "Date the criminal activity occurred (mm/dd/yyyy)",
                "date",
                "incident_date_2",
                required=False,
                attested=True,
            ),
            Item(
                3,
                "2.c",
                "Date the criminal activity occurred (mm/dd/yyyy)",
                "date",
                "incident_date_3",
                required=False,
                attested=True,
            ),
            Item(
                3,
                "2.d",
                "Date the criminal activity occurred (mm/dd/yyyy)",
                "date",
                "incident_date_4",
                required=False,
                attested=True,
            ),
            Item(
                3,
                "3",
                "Statutory citation(s) for the criminal activity being investigated or prosecuted",
                "long",
                "statute_citations",
                limit=600,
            ),
            Item(
                3,
                "4.a",
                "Did the criminal activity occur in the United States (including "
                "Indian country and military installations) or its territories or "
                "possessions?",
                "choice",
                "occurred_in_us_label",
                options=YESNO,
            ),
            Item(
                3,
                "4.b",
                "Where the criminal activity occurred",
                "long",
                "occurred_in_us_text",
                condition=("4.a", "Yes"),
                limit=300,
                attested=True,
            ),
            Item(
                3,
                "5.a",
                "Did the criminal activity violate a Federal extraterritorial "
                "jurisdiction statute?",
                "choice",
                "extraterritorial_label",
                options=YESNO,
            ),
            Item(
                3,
                "5.b",
                "Statutory citation providing the authority for extraterritorial jurisdiction",
                "text",
                "extraterritorial_citation",
                condition=("5.a", "Yes"),
            ),
            Item(
                3,
                "6",
                "Description of the criminal activity being investigated and/or "
                "prosecuted and the involvement of the victim",
                "long",
                "criminal_activity_description",
                limit=700,
                attested=True,
            ),
            Item(
                3,
                "7",
                "Description of any known or documented injury to the victim",
                "long",
                "injury_description",
                limit=500,
                attested=True,
            ),
        ),
    ),
    Part(
        4,
        "Helpfulness of the Victim",
        owner="detective",
        items=(
            # Items as USCIS's file asks them (tooltips and printed page 3 of the I-918B).
            Item(
                4,
                "1",
                "Does the victim possess information concerning the criminal activity "
                "listed in Part 3?",
                "choice",
                "possesses_information_label",
                options=YESNO,
            ),
            Item(
                4,
                "2",
                "Has the victim been helpful, is the victim being helpful, or is the victim "
                "likely to be helpful in the investigation or prosecution of the criminal "
                "activity detailed above?",
                "choice",
                "has_been_helpful_label",
                options=YESNO,
            ),
            # I-918B Part 4 item 3 asks whether the victim REFUSED or failed: a cooperative
            # victim is answered "No".
            Item(
                4,
                "3",
                "Since the initiation of cooperation, has the victim refused or failed to "
                "provide assistance reasonably requested in the investigation or prosecution "
                "of the criminal activity detailed above?",
                "choice",
                "refused_or_failed_label",
                options=YESNO,
            ),
            # The box printed under item 3: "If you answer 'Yes' to Item Numbers 1. - 3.,
            # provide an explanation" (field Part4_Line3_Other).
            Item(
                4,
                EXPLANATION_NUMBER,
                "Explanation of Items 1 to 3 (the victim's helpfulness: what, when, how)",
                "long",
                "helpfulness_explanation",
                limit=700,
            ),
            # Item 4 (field Part4_Line5_Other).
            Item(
                4,
                "4",
                "Other. Any additional information",
                "long",
                "helpfulness_other",
                required=False,
                limit=300,
            ),
        ),
    ),
    Part(
        5,
        "Family Members Culpable in Criminal Activity",
        owner="detective",
        items=(
            Item(
                5,
                "1",
                "Are any of the victim's family members culpable or believed to be culpable "
                "in the criminal activity of which the petitioner is a victim?",
                "choice",
                "family_members_implicated_label",
                options=YESNO,
            ),
            Item(
                5,
                "2-4",
                "Family members culpable (Family, Given and Middle Name, Relationship, "
                "Involvement)",
                "rows",
                "family_rows",
                condition=("1", "Yes"),
            ),
        ),
    ),
    Part(
        6,
        "Certification",
        (
            Item(
                6,
                "1",
                "Signature of Certifying Official",
                "signature",
                "",
                required=False,
                at_signing=True,
            ),
            Item(6, "2", "Date of Signature (mm/dd/yyyy)", "date", "signed_on", at_signing=True),
            Item(6, "3", "Daytime Telephone Number", "text", "agency.phone"),
            Item(6, "4", "Fax Number", "text", "agency.fax", required=False),
        ),
    ),
)

# Part 6 statement, older editions' wording.
CERTIFICATION_STATEMENT = (
    "I am the head of the agency listed in Part 2. or I am the person in the agency who was "
    "specifically designated by the head of the agency to issue U Nonimmigrant Status "
    "Certifications on behalf of the agency. Based upon investigation of the facts, I certify, "
    "under penalty of perjury, that the individual noted in Part 1. is or was a victim of one "
    "or more of the crimes listed in Part 3. I certify that the above information is complete, "
    "true, and correct to the best of my knowledge, and that I have made no promises regarding "
    "the above victim's likelihood of being granted U nonimmigrant status. I further certify "
    "that if the victim unreasonably refuses to assist in the investigation or prosecution of "
    "the criminal activity of which he or she is a victim, I will notify U.S. Citizenship and "
    "Immigration Services."
)
