# mypy: disable-error-code="has-type"
# (the resolvers below read model fields across the models <-> formmap type-checking cycle)
"""Form I-918 Supplement B as data: every Part and Item of an edition, and where values come from.

A new edition is a new entry in EDITIONS, not new code: each request keeps its edition, and
USCIS may still publish the 10-part redesign. Item numbers and labels follow the 01/20/25
edition (the 7-part layout).

Blank-field rule (Supplement B instructions; AILA practice): USCIS may reject a Supplement B with a
blank field unless it is optional; optional empties print "N/A" or "None", and items that only apply
after an earlier "Yes" are optional when that answer is "No".

``source`` is a dotted path on the request (``agency.name``), or one of the named resolvers in
RESOLVERS for values that are lists or come from related rows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from cases.lib.names import full_name

if TYPE_CHECKING:
    from cases.models import CertificationRequest


@dataclass(frozen=True)
class Item:
    part: int
    number: str
    label: str
    kind: str  # text | long | date | choice | yesno | checkboxes | rows
    source: str
    required: bool = True
    # (number of another item in the same part, value) that makes this item apply
    condition: tuple[str, str] | None = None
    # Filled by the certify step itself (official, date): not checked before certifying.
    at_signing: bool = False
    empty: str = "N/A"  # what an empty optional answer prints
    options: tuple[str, ...] = ()  # for choice items: the boxes printed
    limit: int = 0  # characters printed in place; the rest continues in Part 7


@dataclass(frozen=True)
class Part:
    number: int
    title: str
    items: tuple[Item, ...] = field(default_factory=tuple)


@dataclass
class FilledItem:
    item: Item
    value: Any  # str, list[str] (checkboxes/dates), list[dict] (rows), or "" when empty
    applies: bool
    missing: bool

    @property
    def ref(self) -> str:
        return f"Part {self.item.part}, Item {self.item.number}"


YESNO = ("Yes", "No")

# --- Edition 01/20/25 ---

_E_2025_01_20: tuple[Part, ...] = (
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
        (
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
            Item(2, "5.e", "Agency Address: ZIP Code", "text", "agency.zip_code"),
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
            Item(2, "9", "Case Number", "text", "report_number"),
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
        (
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
            ),
            Item(
                3,
                "2.b",
                "Date the criminal activity occurred (mm/dd/yyyy)",
                "date",
                "incident_date_2",
                required=False,
            ),
            Item(
                3,
                "2.c",
                "Date the criminal activity occurred (mm/dd/yyyy)",
                "date",
                "incident_date_3",
                required=False,
            ),
            Item(
                3,
                "2.d",
                "Date the criminal activity occurred (mm/dd/yyyy)",
                "date",
                "incident_date_4",
                required=False,
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
            ),
            Item(
                3,
                "7",
                "Description of any known or documented injury to the victim",
                "long",
                "injury_description",
                limit=500,
            ),
        ),
    ),
    Part(
        4,
        "Helpfulness of the Victim",
        (
            Item(
                4,
                "1",
                "The victim possesses information concerning the criminal activity "
                "listed in Part 3.",
                "choice",
                "possesses_information_label",
                options=YESNO,
            ),
            Item(
                4,
                "2",
                "The victim has been, is being, or is likely to be helpful in the "
                "investigation and/or prosecution of the criminal activity detailed above.",
                "choice",
                "has_been_helpful_label",
                options=YESNO,
            ),
            Item(
                4,
                "3",
                "Since the initiation of cooperation, the victim has not refused or "
                "failed to provide information and assistance reasonably requested.",
                "choice",
                "has_not_refused_label",
                options=YESNO,
            ),
            Item(4, "4", "Other (specify)", "long", "helpfulness_other", required=False, limit=300),
            Item(
                4,
                "5",
                "Explanation of the victim's helpfulness",
                "long",
                "helpfulness_explanation",
                limit=700,
            ),
        ),
    ),
    Part(
        5,
        "Family Members Implicated in the Criminal Activity",
        (
            Item(
                5,
                "1",
                "Are any of the victim's family members believed to have been "
                "involved in the criminal activity of which the petitioner is a victim?",
                "choice",
                "family_members_implicated_label",
                options=YESNO,
            ),
            Item(
                5,
                "2-4",
                "Family members involved (Full Name, Relationship, Involvement)",
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


@dataclass(frozen=True)
class Edition:
    code: str
    title: str
    parts: tuple[Part, ...]
    additional_part: int  # the Part that takes continuations
    rows_in_place: int  # family-member rows the paper form has room for
    statement: str


EDITIONS: dict[str, Edition] = {
    "01/20/25": Edition(
        code="01/20/25",
        title="Form I-918, Supplement B, U Nonimmigrant Status Certification",
        parts=_E_2025_01_20,
        additional_part=7,
        rows_in_place=3,
        statement=CERTIFICATION_STATEMENT,
    ),
}


class UnknownEdition(Exception):
    pass


def edition_for(request: CertificationRequest) -> Edition:
    try:
        return EDITIONS[request.form_edition]
    except KeyError as exc:
        raise UnknownEdition(
            f"No form map for edition {request.form_edition!r}; known: {', '.join(EDITIONS)}."
        ) from exc


# --- reading values from a request ---


def _text(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _label(choices_owner: Any, name: str) -> str:
    value = getattr(choices_owner, name)
    return _text(getattr(choices_owner, f"get_{name}_display")()) if value else ""


def _agency_heads(request: CertificationRequest) -> list[Any]:
    """The agency's head designations, by pk: one read, or none when the caller prefetched
    ``agency__officials`` (the case page reads them once for every check)."""
    return sorted(
        (o for o in request.agency.officials.all() if o.is_agency_head), key=lambda o: o.pk
    )


def signing_official(request: CertificationRequest) -> Any:
    """The signing official; before certification, the agency head's active designation."""
    if request.certifying_official_id:
        return request.certifying_official

    today = timezone.localdate()
    for official in _agency_heads(request):
        if official.is_active_on(today):
            return official
    return None


def agency_head(request: CertificationRequest) -> Any:
    """Part 2 item 4: the head whose designation was in force on the signature date (today
    before signing), from the designations (8 CFR 214.14(a)(3)); the agency record only when
    no head designation is on file."""
    day = request.signed_on or timezone.localdate()
    heads = [o for o in _agency_heads(request) if o.designated_on <= day]
    for official in sorted(heads, key=lambda o: (o.designated_on, o.pk), reverse=True):
        if official.is_active_on(day):
            return official
    agency = request.agency
    return {
        "family_name": agency.head_family_name,
        "given_name": agency.head_given_name,
        "middle_name": agency.head_middle_name,
        "title": agency.head_title,
    }


def _extra_date(index: int) -> Callable[[CertificationRequest], str]:
    def read(request: CertificationRequest) -> str:
        dates = request.additional_incident_dates or []
        return _us_date(dates[index]) if len(dates) > index else ""

    return read


def _us_date(value: Any) -> str:
    """mm/dd/yyyy, as the form asks, from a date or an ISO string."""

    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return _text(value)
    return value.strftime("%m/%d/%Y")


def _statute_citations(request: CertificationRequest) -> str:
    lines = [f"M.G.L. {s.citation} ({s.offense})" for s in request.statutes.all()]
    lines += [line for line in _text(request.other_statute_citations).splitlines() if line.strip()]
    return "\n".join(_text(line) for line in lines)


RESOLVERS: dict[str, Callable[[CertificationRequest], Any]] = {
    "gender_label": lambda r: _label(r, "gender"),
    "agency_type_label": lambda r: _label(r.agency, "agency_type"),
    "agency_category_label": lambda r: _label(r.agency, "category"),
    "case_status_label": lambda r: _label(r, "case_status"),
    "occurred_in_us_label": lambda r: _label(r, "occurred_in_us"),
    "occurred_in_us_text": lambda r: (
        _text(r.occurred_in_us_explanation) or _text(r.incident_location)
    ),
    "extraterritorial_label": lambda r: _label(r, "extraterritorial"),
    "possesses_information_label": lambda r: _label(r, "possesses_information"),
    "has_been_helpful_label": lambda r: _label(r, "has_been_helpful"),
    "has_not_refused_label": lambda r: _label(r, "has_not_refused"),
    "family_members_implicated_label": lambda r: _label(r, "family_members_implicated"),
    "incident_date_2": _extra_date(0),
    "incident_date_3": _extra_date(1),
    "incident_date_4": _extra_date(2),
    "crime_categories": lambda r: [_text(c.name) for c in r.crime_categories.all()],
    "statute_citations": _statute_citations,
    "family_rows": lambda r: [
        {
            "name": _text(full_name(m.given_name, m.middle_name, m.family_name)),
            "relationship": _text(m.relationship),
            "involvement": _text(m.involvement),
        }
        for m in r.family_members.all()
    ],
}


_UNSET = object()


def read_value(
    request: CertificationRequest, item: Item, official: Any = _UNSET, agency_head_: Any = _UNSET
) -> Any:
    """``item``'s value; ``official`` is ``signing_official(request)`` and ``agency_head_`` is
    ``agency_head(request)`` when the caller has them."""
    if not item.source:
        return ""
    if item.source in RESOLVERS:
        return RESOLVERS[item.source](request)
    head, _, rest = item.source.partition(".")
    if head == "official" and rest:
        official = signing_official(request) if official is _UNSET else official
        return _text(getattr(official, rest, "")) if official else ""
    if head == "head" and rest:
        found = agency_head(request) if agency_head_ is _UNSET else agency_head_
        return _text(found.get(rest, "") if isinstance(found, dict) else getattr(found, rest, ""))
    obj: Any = request
    for name in item.source.split("."):
        obj = getattr(obj, name, "")
        if obj is None:
            return ""
    if item.kind == "date":
        return _us_date(obj)
    return _text(obj)


def fill(request: CertificationRequest) -> list[tuple[Part, list[FilledItem]]]:
    """Every Part with its items' values, applies, and required-but-empty flags."""
    edition = edition_for(request)
    official = signing_official(request)  # once, not once per item of Part 6
    head_found: Any = _UNSET  # once, when the first Part 2 item asks for it
    result = []
    for part in edition.parts:
        values: dict[str, Any] = {}
        filled = []
        for item in part.items:
            if head_found is _UNSET and item.source.startswith("head."):
                head_found = agency_head(request)
            value = read_value(request, item, official, head_found)
            values[item.number] = value
            applies = True
            if item.condition:
                other, wanted = item.condition
                applies = values.get(other) == wanted
            missing = applies and item.required and not item.at_signing and not value
            filled.append(
                FilledItem(
                    item=item, value=value if applies else "", applies=applies, missing=missing
                )
            )
        result.append((part, filled))
    return result


def missing_items(request: CertificationRequest) -> list[str]:
    """Required items still empty, as "Part 3, Item 3 (label)", in form order."""
    try:
        parts = fill(request)
    except UnknownEdition as exc:
        return [str(exc)]
    return [f"{f.ref} ({f.item.label})" for _part, items in parts for f in items if f.missing]


def is_complete(request: CertificationRequest) -> bool:
    return not missing_items(request)
