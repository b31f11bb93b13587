"""The coordinator's qualifying-crime check: Form I-918 Supplement B Part 3 (a T request:
the forms of trafficking, 22 U.S.C. 7102), the detective's assignment, and the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from cases import permissions as perms
from cases.lib.names import user_name
from cases.models import CaseEvent, CertificationRequest, FormType, QualifyingCrimeCategory, Statute
from cases.roles import DETECTIVE
from cases.services.common import (
    apply_values,
    lock_request,
    record_event,
    require,
    require_text,
    take_step,
)
from cases.uscis import formmap
from cases.uscis.trafficking import TraffickingForm

if TYPE_CHECKING:
    from django.contrib.auth.models import User


CRIME_CHECK_FIELDS = [
    "case_status",
    "case_status_other",
    "fbi_or_sid_number",
    "occurred_in_us",
    "occurred_in_us_explanation",
    "extraterritorial",
    "extraterritorial_citation",
    "other_statute_citations",
    "crime_check_note",
]


@transaction.atomic
def request_begin_crime_check(
    *, request: CertificationRequest, actor: User, at: datetime | None = None
) -> CertificationRequest:
    return take_step(request, "begin_crime_check", actor=actor, at=at)


@transaction.atomic
def request_record_crime_check(
    *,
    request: CertificationRequest,
    actor: User,
    categories: Iterable[QualifyingCrimeCategory],
    statutes: Iterable[Statute],
    values: dict[str, Any],
    at: datetime | None = None,
    trafficking_forms: Iterable[str] = (),
) -> CertificationRequest:
    """The coordinator's Part 3 work: federal categories (a T request: the forms of
    trafficking, 22 U.S.C. 7102), cited statutes, jurisdiction answers."""
    locked = lock_request(request)
    require(perms.can_record_crime_check(locked, actor))
    if locked.form_type == FormType.T_VISA:
        unknown = set(trafficking_forms) - set(TraffickingForm.values)
        if unknown:
            raise ValidationError({"categories": _("Choose forms of trafficking from the list.")})
        values = {**values, "trafficking_forms": sorted(set(trafficking_forms))}
        categories = []
    # The supervisor's printed name (I-914B 02/27/17 Part F), where the edition prints it.
    supervisor = (
        ["supervisor_name"]
        if formmap.item_for_source(formmap.edition_of(locked), "supervisor_name")
        else []
    )
    changed = apply_values(locked, values, [*CRIME_CHECK_FIELDS, "trafficking_forms", *supervisor])
    if changed:
        locked.save(update_fields=changed)
    locked.crime_categories.set(categories)
    locked.statutes.set(statutes)
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.EDITED,
        at=at,
        internal=True,
        # The coordinator's internal note is read by staff in the history (never advocates).
        note="Qualifying-crime check recorded."
        + (f"\nNote: {locked.crime_check_note}" if "crime_check_note" in changed else ""),
        data={
            "fields": changed,
            "categories": sorted(c.code for c in locked.crime_categories.all()),
            "trafficking_forms": list(locked.trafficking_forms),
            "statutes": sorted(s.citation for s in locked.statutes.all()),
        },
    )
    return locked


@transaction.atomic
def request_assign_detective(
    *, request: CertificationRequest, actor: User, detective: User, at: datetime | None = None
) -> CertificationRequest:
    """Give the detective the request (guardian grant) and take it from the previous one."""
    locked = lock_request(request)
    require(perms.can_assign_detective(locked, actor))
    if not (detective.is_active and detective.groups.filter(name=DETECTIVE).exists()):
        raise ValidationError({"detective": _("Choose an active detective.")})
    previous = locked.assigned_detective
    if previous == detective:
        return locked
    if previous is not None:
        remove_perm("view_certificationrequest", previous, locked)
    assign_perm("view_certificationrequest", detective, locked)
    locked.assigned_detective = detective
    locked.save(update_fields=["assigned_detective"])
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.ASSIGNED,
        at=at,
        internal=True,
        note=f"Assigned to {user_name(detective)}.",
        data={"detective": detective.pk, "previous": previous.pk if previous else None},
    )
    return locked


@transaction.atomic
def request_confirm_qualifying_crime(
    *, request: CertificationRequest, actor: User, note: str = "", at: datetime | None = None
) -> CertificationRequest:
    note = note.strip()
    return take_step(
        request,
        "confirm_qualifying_crime",
        actor=actor,
        at=at,
        internal=True,
        note=note,
        args={"note": note},
    )


@transaction.atomic
def request_refer_not_qualifying(
    *, request: CertificationRequest, actor: User, reason: str, at: datetime | None = None
) -> CertificationRequest:
    reason = require_text(reason, "reason", _("Say why the crime does not qualify."))
    return take_step(
        request,
        "refer_not_qualifying",
        actor=actor,
        at=at,
        internal=True,
        note=reason,
        args={"reason": reason},
    )
