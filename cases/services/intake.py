"""The advocate's request: the draft, its edits, submission (the c. 258F s. 3 clock starts),
withdrawal, and a fresh draft to re-certify a certified request.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from cases import permissions as perms
from cases.clocks import due_date
from cases.errors import TransitionRefused
from cases.issued_letters import issue_letter, letter_facts
from cases.models import (
    REQUESTER_STANDING_FIELDS,
    AdvocateOrganization,
    Agency,
    CaseEvent,
    CertificationRequest,
    FormType,
    ReferenceCounter,
    Status,
)
from cases.services.common import (
    apply_values,
    fulfil_intent,
    lock_request,
    record_event,
    refuse_repeated,
    require,
    take_step,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# Fields an advocate fills (Part 1 and the incident as the advocate knows it).
ADVOCATE_FIELDS = [
    "form_type",
    "expedited",
    "expedited_reason",
    "age_out_date",
    "expedited_note",
    "a_number",
    "family_name",
    "given_name",
    "middle_name",
    "other_family_name",
    "other_given_name",
    "other_middle_name",
    "more_other_names",
    "date_of_birth",
    "gender",
    "preferred_language",
    "uscis_receipt_number",
    "report_number",
    "incident_date",
    "additional_incident_dates",
    "incident_location",
    "criminal_activity_description",
    "injury_description",
    "advocate_helpfulness_note",
    *REQUESTER_STANDING_FIELDS,
]


def check_requester_standing(request: CertificationRequest, organisation: str) -> None:
    """Refuse a capacity without its credential, or a request without the victim's answer on
    sharing (8 U.S.C. 1367); ``organisation`` is the advocate's organisation."""
    errors = request.requester_capacity_errors(organisation)
    if errors:
        raise ValidationError(errors)


def organization_of(user: User) -> AdvocateOrganization | None:
    return AdvocateOrganization.objects.filter(group__user=user).first()


def next_reference(agency: Agency, form_type: str, year: int) -> str:
    counter, _unused = ReferenceCounter.objects.get_or_create(agency=agency, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    kind = "TV" if form_type == FormType.T_VISA else "UV"
    return f"{agency.code}-{kind}-{year}-{counter.last_number:04d}"


@transaction.atomic
def request_create(
    *,
    actor: User,
    agency: Agency,
    values: dict[str, Any],
    at: datetime | None = None,
    intent: str = "",
) -> CertificationRequest:
    """A new draft in the advocate's organisation, visible to that organisation only.
    ``intent``: the form's one-time token; the same form posted twice makes one draft."""
    organization = organization_of(actor)
    if organization is None or not perms.has_capability(actor, perms.SUBMIT):
        raise PermissionDenied(_("You may not do this on this request."))
    refuse_repeated(intent, kind="request_create", actor=actor)
    at = at or timezone.now()
    request = CertificationRequest(agency=agency, organization=organization, advocate=actor)
    request.created_at = at
    apply_values(request, values, ADVOCATE_FIELDS)
    if "requester_capacity" in values:  # the portal form always asks; older callers did not
        check_requester_standing(request, organization.name)
    request.reference = next_reference(agency, request.form_type, timezone.localdate(at).year)
    request.save()
    assign_perm("view_certificationrequest", organization.group, request)
    record_event(request, actor=actor, kind=CaseEvent.Kind.CREATED, at=at, to_state=request.status)
    fulfil_intent(intent, kind="request_create", reference=request.reference)
    return request


@transaction.atomic
def request_create_recertification(
    *, original: CertificationRequest, actor: User, at: datetime | None = None
) -> CertificationRequest:
    """A new draft for a fresh signature, linked to an earlier certified request."""
    require(perms.can_submit(original, actor))
    if original.status != Status.CERTIFIED:
        raise TransitionRefused(_("Only a certified request can be re-certified."))
    if not perms.can_recertify(original, actor):
        raise TransitionRefused(
            _(
                "Re-certification is asked for when the signed U certification's six-month "
                "filing period is about to end; a T declaration has no filing period."
            )
        )
    values = {name: getattr(original, name) for name in ADVOCATE_FIELDS}
    request = request_create(actor=actor, agency=original.agency, values=values, at=at)
    request.recertification_of = original
    request.save(update_fields=["recertification_of"])
    request.statutes.set(original.statutes.all())
    record_event(
        original,
        actor=actor,
        kind=CaseEvent.Kind.NOTE,
        at=at,
        note=f"Re-certification requested as {request.reference}.",
        data={"recertification": request.reference},
    )
    return request


@transaction.atomic
def request_update(
    *, request: CertificationRequest, actor: User, values: dict[str, Any]
) -> CertificationRequest:
    """Edit the advocate's sections while the request is a draft or information is requested."""
    locked = lock_request(request)
    require(perms.can_edit(locked, actor))
    changed = apply_values(locked, values, ADVOCATE_FIELDS)
    if "requester_capacity" in values:
        check_requester_standing(locked, locked.organization.name if locked.organization else "")
    if locked.received_at and {"expedited", "expedited_reason", "age_out_date"} & set(changed):
        locked.due_on = due_date(locked)  # keep the stored queue date true to the track
        changed.append("due_on")
    if changed:
        locked.save(update_fields=changed)
        # Field names only: the audit trail must not copy victim details.
        record_event(locked, actor=actor, kind=CaseEvent.Kind.EDITED, data={"fields": changed})
    return locked


@transaction.atomic
def request_submit(
    *, request: CertificationRequest, actor: User, at: datetime | None = None
) -> CertificationRequest:
    """Draft -> received: the c. 258F s. 3 clock starts now."""
    at = at or timezone.now()
    return take_step(
        request,
        "submit",
        actor=actor,
        at=at,
        args={"at": at},
        after_save=lambda r: letter_facts(issue_letter(r, "acknowledgement", actor=actor, at=at)),
    )


@transaction.atomic
def request_withdraw(
    *, request: CertificationRequest, actor: User, reason: str = "", at: datetime | None = None
) -> CertificationRequest:
    at = at or timezone.now()
    reason = reason.strip()
    return take_step(
        request, "withdraw", actor=actor, at=at, note=reason, args={"reason": reason, "at": at}
    )
