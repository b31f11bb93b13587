"""What the form maps read of a request, as a Protocol: the maps never import the model."""

from __future__ import annotations

from typing import Any, Protocol


class FormRequest(Protocol):
    """What a form map reads of a request (cases.models.CertificationRequest has it): the
    named attributes, and any field an Item's ``source`` names (read with ``getattr``). The
    maps never import the model, so the model's certify guard may use them."""

    @property
    def pk(self) -> Any: ...

    @property
    def form_type(self) -> Any: ...

    @property
    def form_edition(self) -> Any: ...

    @property
    def agency(self) -> Any: ...

    @property
    def certifying_official(self) -> Any: ...

    @property
    def certifying_official_id(self) -> Any: ...

    @property
    def signed_on(self) -> Any: ...

    @property
    def decided_at(self) -> Any: ...

    @property
    def statutes(self) -> Any: ...

    @property
    def other_statute_citations(self) -> Any: ...

    @property
    def additional_incident_dates(self) -> Any: ...

    @property
    def department_texts(self) -> Any: ...

    @property
    def crime_categories(self) -> Any: ...

    @property
    def family_members(self) -> Any: ...

    @property
    def incident_location(self) -> Any: ...

    @property
    def occurred_in_us_explanation(self) -> Any: ...

    @property
    def cooperation(self) -> Any: ...

    @property
    def trafficking_forms(self) -> Any: ...
