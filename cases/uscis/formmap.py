"""The Supplement B form maps by form and edition, and reading a request's values for them.

Each edition's Parts and Items are data in their own module (cases/uscis/i918b_items.py for
the I-918B 01/20/25, formmap_i914b.py for the I-914B); this module registers them in EDITIONS
and FORM_EDITIONS and fills, checks and reads values. A new edition is a new entry, not new
code: each request keeps its edition, and USCIS may still publish the 10-part redesign.

Blank-field rule (Supplement B instructions; AILA practice): USCIS may reject a Supplement B with a
blank field unless it is optional; optional empties print "N/A" or "None", and items that only apply
after an earlier "Yes" are optional when that answer is "No".

``source`` is a dotted path on the request (``agency.name``), or one of the named resolvers in
RESOLVERS for values that are lists or come from related rows.

The certifying agency completes Parts 2-6 itself (Supplement B instructions). An item marked
``attested`` reads its ``source`` from what the requester wrote: on the form it takes the
department's own text (a DepartmentText row keyed by Part and Item number), and the requester's
answer is only the proposal shown beside it. A Part's ``owner`` names who in the department
writes its attested items (cases/permissions.py: "coordinator" or "detective"; the certifying
official any Part).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

from django.utils import timezone

from cases.lib.names import full_name
from cases.states import FormType
from cases.uscis import formmap_i914b, i914b_02_27_17_items, i918b_items
from cases.uscis.form_request import FormRequest
from cases.uscis.formitems import Item, Part

DEPARTMENT_OWNERS = ("coordinator", "detective")


@dataclass
class FilledItem:
    item: Item
    value: Any  # str, list[str] (checkboxes/dates), list[dict] (rows), or "" when empty
    applies: bool
    missing: bool
    # Attested items: the requester's answer, and whether the department has no text yet
    # although the item needs one (required, or the requester proposed something).
    proposal: Any = ""
    to_adopt: bool = False
    part_name: str = ""  # the Part as the form prints it ("C" on the lettered I-914B 02/27/17)

    @property
    def ref(self) -> str:
        return f"Part {self.part_name or self.item.part}, Item {self.item.number}"


@dataclass(frozen=True)
class Edition:
    code: str
    title: str
    parts: tuple[Part, ...]
    additional_part: int  # the Part that takes continuations
    rows_in_place: int  # family-member rows the paper form has room for
    statement: str
    form_name: str = "Form I-918 Supplement B"


EDITIONS: dict[str, Edition] = {
    "01/20/25": Edition(
        code="01/20/25",
        title="Form I-918, Supplement B, U Nonimmigrant Status Certification",
        parts=i918b_items.PARTS,
        additional_part=7,
        rows_in_place=3,
        statement=i918b_items.CERTIFICATION_STATEMENT,
    ),
}


def _t_edition(items: ModuleType, rows_in_place: int) -> Edition:
    """An I-914B edition from its items module (EDITION, TITLE, PARTS, STATEMENT, ...)."""
    return Edition(
        code=items.EDITION,
        title=items.TITLE,
        parts=items.PARTS,
        additional_part=items.ADDITIONAL_PART,
        rows_in_place=rows_in_place,
        statement=items.STATEMENT,
        form_name=items.FORM_NAME,
    )


# Every form map by (form type, edition): a T request is never filled from the I-918B's map.
FORM_EDITIONS: dict[tuple[str, str], Edition] = {
    **{(FormType.U_VISA, code): edition for code, edition in EDITIONS.items()},
    (FormType.T_VISA, formmap_i914b.EDITION): _t_edition(formmap_i914b, rows_in_place=3),
    # USCIS's own file of 02/27/17 (Parts A-F; the supervisor signs beside the officer).
    (FormType.T_VISA, i914b_02_27_17_items.EDITION): _t_edition(
        i914b_02_27_17_items, rows_in_place=4
    ),
}


def part_name(edition: Edition, number: int) -> str:
    """How the edition prints Part ``number``: its letter on a lettered form, else the number."""
    return next((p.name for p in edition.parts if p.number == number), str(number))


def item_for_source(edition: Edition | None, source: str) -> tuple[Part, Item] | None:
    """The (Part, Item) of the edition that prints ``source``, or None when it asks nothing
    of it (the I-914B 01/20/25 map has no fear-of-retaliation item, the 02/27/17 one has)."""
    if edition is None:
        return None
    return next(((p, i) for p in edition.parts for i in p.items if i.source == source), None)


def item_words(edition: Edition | None, source: str) -> str:
    """ "Part C, item 3. <the form's words>" for the item printing ``source``; "" if none."""
    found = item_for_source(edition, source)
    if found is None:
        return ""
    part, item = found
    return f"Part {part.name}, item {item.number}. {item.label}"


def asks_supervisor_signature(edition: Edition | None) -> bool:
    """Whether the edition has the supervisor's own ink signature (I-914B 02/27/17 Part F)."""
    return edition is not None and any(
        i.kind == "signature" and i.signer == "supervisor" for p in edition.parts for i in p.items
    )


class UnknownEdition(Exception):
    pass


def edition_of(request: FormRequest) -> Edition | None:
    """The request's form map (by form type and edition), or None for an unknown one; a
    USCIS edition loaded as a new edition answers the map it was matched to."""
    found = FORM_EDITIONS.get((request.form_type, request.form_edition))
    if found is None:
        mapped = getattr(request, "form_map_edition", "")
        found = FORM_EDITIONS.get((request.form_type, mapped)) if mapped else None
    return found


def edition_for(request: FormRequest) -> Edition:
    """``edition_of``, refusing an unknown edition with the ones known."""
    edition = edition_of(request)
    if edition is None:
        known = ", ".join(f"{form} {code}" for form, code in FORM_EDITIONS)
        raise UnknownEdition(
            f"No form map for {request.form_type} edition {request.form_edition!r}; known: {known}."
        )
    return edition


# --- reading values from a request ---


def _text(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _label(choices_owner: Any, name: str) -> str:
    value = getattr(choices_owner, name)
    return _text(getattr(choices_owner, f"get_{name}_display")()) if value else ""


def _agency_heads(request: FormRequest) -> list[Any]:
    """The agency's head designations, by pk: one read, or none when the caller prefetched
    ``agency__officials`` (the case page reads them once for every check)."""
    return sorted(
        (o for o in request.agency.officials.all() if o.is_agency_head), key=lambda o: o.pk
    )


def signing_official(request: FormRequest) -> Any:
    """The signing official; before certification, the agency head's active designation."""
    if request.certifying_official_id:
        return request.certifying_official

    today = timezone.localdate()
    for official in _agency_heads(request):
        if official.is_active_on(today):
            return official
    return None


def agency_head(request: FormRequest) -> Any:
    """Part 2 item 4: the head whose designation was in force on the signature date (today
    before signing), from the designations (8 CFR 214.14(a)(3)); the agency record only when
    no head designation is on file."""
    day = request.signed_on or timezone.localdate()
    heads = sorted(
        (o for o in _agency_heads(request) if o.designated_on <= day),
        key=lambda o: (o.designated_on, o.pk),
        reverse=True,
    )
    # On the day of a hand-over, a decision taken before it keeps the outgoing head.
    late = {
        o.pk
        for o in heads
        if request.decided_at is not None
        and o.designated_on == day
        and o.history.filter(action="head_appointed", at__gt=request.decided_at).exists()
    }
    for official in heads:
        if official.pk in late:
            continue
        if official.is_active_on(day) or (late and official.revoked_on == day):
            return official
    agency = request.agency
    return {
        "family_name": agency.head_family_name,
        "given_name": agency.head_given_name,
        "middle_name": agency.head_middle_name,
        "title": agency.head_title,
    }


def _extra_date(index: int) -> Callable[[FormRequest], str]:
    def read(request: FormRequest) -> str:
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


def _statute_citations(request: FormRequest) -> str:
    lines = [f"M.G.L. {s.citation} ({s.offense})" for s in request.statutes.all()]
    lines += [line for line in _text(request.other_statute_citations).splitlines() if line.strip()]
    return "\n".join(_text(line) for line in lines)


def _official_full_name(request: FormRequest) -> str:
    """The signing official's name in one box (I-914B 02/27/17 Part B: "Name of Certifying
    Official")."""
    official = signing_official(request)
    if not official:
        return ""
    names = (official.given_name, official.middle_name, official.family_name)
    return _text(full_name(*names))


RESOLVERS: dict[str, Callable[[FormRequest], Any]] = {
    "official_full_name": _official_full_name,
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
    "refused_or_failed_label": lambda r: _label(r, "refused_or_failed"),
    "family_members_implicated_label": lambda r: _label(r, "family_members_implicated"),
    "incident_date_2": _extra_date(0),
    "incident_date_3": _extra_date(1),
    "incident_date_4": _extra_date(2),
    "crime_categories": lambda r: [_text(c.name) for c in r.crime_categories.all()],
    "statute_citations": _statute_citations,
    "family_rows": lambda r: [
        {
            # Part 5 items 2-4: the names in their own boxes (A, B, C), as the form asks.
            "family_name": _text(m.family_name),
            "given_name": _text(m.given_name),
            "middle_name": _text(m.middle_name),
            "name": _text(full_name(m.given_name, m.middle_name, m.family_name)),
            "relationship": _text(m.relationship),
            "involvement": _text(m.involvement),
        }
        for m in r.family_members.all()
    ],
    **formmap_i914b.RESOLVERS,
    **i914b_02_27_17_items.RESOLVERS,
}


_UNSET = object()


def read_value(
    request: FormRequest, item: Item, official: Any = _UNSET, agency_head_: Any = _UNSET
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


def department_values(request: FormRequest) -> dict[tuple[int, str], Any]:
    """The department's own text of the attested items, by (Part, Item number).

    Reads ``request.department_texts`` (prefetched by the case page: no query then)."""
    if request.pk is None:
        return {}
    return {(t.part, t.number): t.text for t in request.department_texts.all()}


def attested_items(edition: Edition) -> list[tuple[Part, Item]]:
    """The items whose printed value is the department's text, in form order."""
    return [(part, item) for part in edition.parts for item in part.items if item.attested]


def find_item(edition: Edition, part: int, number: str) -> Item | None:
    for p in edition.parts:
        if p.number == part:
            return next((i for i in p.items if i.number == number), None)
    return None


def fill(request: FormRequest) -> list[tuple[Part, list[FilledItem]]]:
    """Every Part with its items' values, applies, and required-but-empty flags.

    An attested item takes the department's text only; with none, it is empty and, when it
    needs one, ``to_adopt``."""
    edition = edition_for(request)
    official = signing_official(request)  # once, not once per item of Part 6
    department = (
        department_values(request)
        if any(i.attested for p in edition.parts for i in p.items)
        else {}
    )
    head_found: Any = _UNSET  # once, when the first Part 2 item asks for it
    result = []
    for part in edition.parts:
        values: dict[str, Any] = {}
        filled = []
        for item in part.items:
            if head_found is _UNSET and item.source.startswith("head."):
                head_found = agency_head(request)
            proposal: Any = ""
            to_adopt = False
            if item.attested:
                proposal = read_value(request, item, official, head_found)
                value = department.get((part.number, item.number), "")
            else:
                value = read_value(request, item, official, head_found)
            values[item.number] = value
            applies = True
            if item.condition:
                other, wanted = item.condition
                applies = values.get(other) == wanted
            if item.attested:
                to_adopt = (
                    applies
                    and (part.number, item.number) not in department
                    and bool(item.required or proposal)
                )
            missing = applies and item.required and not item.at_signing and not value
            filled.append(
                FilledItem(
                    item=item,
                    value=value if applies else "",
                    applies=applies,
                    missing=missing and not to_adopt,
                    proposal=proposal if applies else "",
                    to_adopt=to_adopt,
                    part_name=part.name,
                )
            )
        result.append((part, filled))
    return result


def _ref(filled: FilledItem) -> str:
    return f"{filled.ref} ({filled.item.label})"


def check(request: FormRequest) -> tuple[list[str], list[str]]:
    """(required items still empty, attested items still without the department's text), each
    as "Part 3, Item 6 (label)" in form order; one reading of the request."""
    try:
        parts = fill(request)
    except UnknownEdition as exc:
        return [str(exc)], []
    filled = [f for _part, items in parts for f in items]
    return [_ref(f) for f in filled if f.missing], [_ref(f) for f in filled if f.to_adopt]


def missing_items(request: FormRequest) -> list[str]:
    return check(request)[0]


def items_to_adopt(request: FormRequest) -> list[str]:
    return check(request)[1]


def is_complete(request: FormRequest) -> bool:
    """Certify guard: no required item empty, no attested item without the department's text."""
    missing, to_adopt = check(request)
    return not missing and not to_adopt
