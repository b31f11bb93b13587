"""Consistency of a Supplement B before it is certified.

Blockers make the form defeat itself, so certify is refused while one remains:
- Part 4 item 1 "No": the victim does not possess information about the criminal activity;
- Part 4 item 2 "No": the victim has not been, is not and is not likely to be helpful
  (8 CFR 214.14(b)(2)-(3) and (c)(2)(i) require both);
- Part 3 item 1 without a box: no qualifying criminal activity is named.

Warnings do not block, but the certifying official must acknowledge each one (recorded) before
certifying:
- Part 3 items 4.a and 5.a both "No": the crime neither occurred in the United States nor
  violated a federal extraterritorial statute (8 CFR 214.14(c)(2)(i) asks for one of them);
- Part 4 item 3 "Yes": the form tells USCIS that, since cooperation began, the victim refused
  or failed to provide assistance reasonably requested (the item asks it in that direction;
  8 CFR 214.14(b)(3) requires the victim not to have unreasonably refused);
- the incident date (Part 3 item 2.a) is after the date the request was received;
- the agency head's designation (Part 2 item 4; 8 CFR 214.14(a)(3)) has expired or is missing.

A T-visa declaration (Form I-914 Supplement B) has neither Part 4's helpfulness questions nor
the head-of-agency item nor Items 4.a/5.a: its blocker is Part 3 item 1 without a form of
trafficking; its warnings are the incident date and, on the 02/27/17 edition, Part D's
"has failed to comply with requests to assist".

Pure functions of the request and its agency's designations; no model is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.utils import timezone

from cases.states import FormType


class ConsistencyRequest(Protocol):
    """What the consistency checks read of a request (cases.models.ConsistencyRequest has
    them), so the model's certify guard may call them."""

    @property
    def pk(self) -> Any: ...

    @property
    def form_type(self) -> Any: ...

    @property
    def agency(self) -> Any: ...

    @property
    def crime_categories(self) -> Any: ...

    @property
    def trafficking_forms(self) -> Any: ...

    @property
    def incident_date(self) -> Any: ...

    @property
    def received_at(self) -> Any: ...

    @property
    def occurred_in_us(self) -> Any: ...

    @property
    def extraterritorial(self) -> Any: ...

    @property
    def possesses_information(self) -> Any: ...

    @property
    def has_been_helpful(self) -> Any: ...

    @property
    def refused_or_failed(self) -> Any: ...

    @property
    def acknowledged_warnings(self) -> Any: ...


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def certify_blockers(request: ConsistencyRequest) -> list[Finding]:
    """What makes the form self-defeating; certify is refused while any remains."""
    if request.form_type == FormType.T_VISA:
        if request.trafficking_forms:
            return []
        return [
            Finding(
                "part3_item1_empty",
                "Part 3, Item 1 has no box ticked: name the severe form of trafficking",
            )
        ]
    found = []
    if request.possesses_information == "no":
        found.append(
            Finding(
                "part4_item1_no",
                "Part 4, Item 1 is “No”: the victim must possess information about the "
                "criminal activity",
            )
        )
    if request.has_been_helpful == "no":
        found.append(
            Finding(
                "part4_item2_no",
                "Part 4, Item 2 is “No”: the victim must have been, be, or be likely to be helpful",
            )
        )
    if request.pk is None or not request.crime_categories.exists():
        found.append(
            Finding("part3_item1_empty", "Part 3, Item 1 has no box ticked: name the crime")
        )
    return found


def certify_warnings(request: ConsistencyRequest, today: date | None = None) -> list[Finding]:
    """What the certifying official must acknowledge before certifying."""
    today = today or timezone.localdate()
    found = []
    t_visa = request.form_type == FormType.T_VISA
    if not t_visa and request.occurred_in_us == "no" and request.extraterritorial == "no":
        found.append(
            Finding(
                "outside_us_no_extraterritorial",
                "Part 3, Items 4.a and 5.a are both “No”: the crime neither occurred in the "
                "United States nor violated a federal extraterritorial statute",
            )
        )
    if not t_visa and request.refused_or_failed == "yes":
        found.append(
            Finding(
                "part4_item3_refused",
                "Part 4, Item 3 is “Yes”: the form will tell USCIS that since the initiation of "
                "cooperation the victim has refused or failed to provide assistance reasonably "
                "requested",
            )
        )
    if t_visa and getattr(request, "cooperation", "") == "failed":
        # I-914B 02/27/17 Part D: the one answer the form offers that tells USCIS the victim did
        # not comply with requests to assist (INA 101(a)(15)(T)(i)(III) asks compliance with
        # any reasonable request, unless an exception applies).
        found.append(
            Finding(
                "part_d_failed_to_comply",
                "Part D, Item 1 is “Has failed to comply with requests to assist”: the "
                "declaration will tell USCIS that the victim did not comply with requests to "
                "assist in the investigation or prosecution",
            )
        )
    if request.incident_date and request.received_at:
        received = timezone.localdate(request.received_at)
        if request.incident_date > received:
            found.append(
                Finding(
                    "incident_after_received",
                    f"The incident date ({request.incident_date:%m/%d/%Y}) is after the date the "
                    f"request was received ({received:%m/%d/%Y})",
                )
            )
    heads = [
        o
        for o in request.agency.officials.filter(is_agency_head=True, revoked_on__isnull=True)
        if o.designated_on <= today
    ]
    if t_visa:
        return found  # Form I-914 Supplement B has no head-of-agency item
    if not heads or any(o.expires_on is not None and o.expires_on < today for o in heads):
        found.append(
            Finding(
                "head_designation_expired",
                "The agency head's designation (Part 2, Item 4) has expired or is missing",
            )
        )
    return found
