"""Requests received outside the portal: by mail, e-mail, fax, in person, or from a requester
without an account.

M.G.L. c. 258F s. 3 runs the 90 days from *receiving* the request, from anyone. So the
coordinator records the channel and the day the department actually received it (never in the
future; an earlier day needs a reason), and the clock starts on that day: a letter that arrived
20 days ago has 70 days left when it is entered. The requester's details are encrypted, and
letters go to that requester. The request can later be linked to a portal organisation. When the
same victim (keyed digest of name and date of birth, or the A-Number) already has an open
request, the coordinator is warned; nothing is merged.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from cases import permissions as perms
from cases.clocks import due_date
from cases.errors import TransitionRefused
from cases.issued_letters import letter_facts
from cases.models import (
    OPEN_STATES,
    AdvocateOrganization,
    Agency,
    CaseEvent,
    CertificationRequest,
    Channel,
    Document,
    IntakeRecord,
    Status,
)
from cases.services.common import (
    apply_values,
    fulfil_intent,
    lock_request,
    record_event,
    refuse_repeated,
)
from cases.services.documents import request_add_document
from cases.services.intake import ADVOCATE_FIELDS, check_requester_standing, next_reference
from cases.services.status_codes import acknowledge_with_code

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REQUESTER_FIELDS = [
    "requester_name",
    "requester_organization",
    "requester_address",
    "requester_email",
    "requester_phone",
]
OUTSIDE_CHANNELS = [c for c in Channel.values if c != Channel.PORTAL]


def received_moment(received_on: date, now: datetime) -> datetime:
    """``received_at`` for a day: now when it is today, otherwise noon of that day (the agency's
    calendar day is what the clock counts; noon keeps it clear of a DST change)."""
    if received_on == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(received_on, time(12, 0)))


def _check_intake(
    channel: str,
    received_on: date | None,
    late_entry_reason: str,
    requester: dict[str, str],
    today: date,
) -> None:
    errors: dict[str, str] = {}
    if channel not in OUTSIDE_CHANNELS:
        errors["channel"] = _("Choose how the request was received.")
    if received_on is None:
        errors["received_on"] = _("Give the day the department received the request.")
    elif received_on > today:
        errors["received_on"] = _("The day received cannot be in the future.")
    elif received_on < today and not late_entry_reason.strip():
        errors["late_entry_reason"] = _(
            "Say why the request is entered after the day it was received."
        )
    if not requester.get("requester_name", "").strip():
        errors["requester_name"] = _("Give the requester's name.")
    email = requester.get("requester_email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["requester_email"] = _("Enter a valid e-mail address.")
    if not (requester.get("requester_address", "").strip() or email):
        errors["requester_address"] = _("Give a postal or e-mail address for the letters.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def intake_record(
    *,
    actor: User,
    agency: Agency,
    channel: str,
    received_on: date,
    late_entry_reason: str = "",
    requester: dict[str, str],
    values: dict[str, Any],
    uploads: list[tuple[UploadedFile, str]] | None = None,
    at: datetime | None = None,
    intent: str = "",
) -> CertificationRequest:
    """Record a request received from outside the portal; its clock starts on ``received_on``.
    ``intent``: the form's one-time token; the same form posted twice records one request."""
    if not perms.can_record_intake(actor):
        raise PermissionDenied(
            _("Only the coordinator records requests received by other channels.")
        )
    refuse_repeated(intent, kind="intake", actor=actor)
    at = at or timezone.now()
    today = timezone.localdate(at)
    unknown = set(requester) - set(REQUESTER_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown requester fields: %(unknown)s") % {"unknown": ", ".join(sorted(unknown))}
        )
    _check_intake(channel, received_on, late_entry_reason, requester, today)
    request = CertificationRequest(
        agency=agency,
        organization=None,
        advocate=None,
        status=Status.RECEIVED,
        created_at=at,
        received_at=received_moment(received_on, at),
    )
    apply_values(request, values, ADVOCATE_FIELDS)
    if "requester_capacity" in values:  # the intake form always asks
        check_requester_standing(request, requester.get("requester_organization") or "")
    if not request.has_required_submission_fields():
        raise ValidationError(
            {"family_name": _("Give the victim's family and given names and the incident date.")}
        )
    request.due_on = due_date(request)
    request.reference = next_reference(agency, request.form_type, today.year)
    request.save()
    record = IntakeRecord(
        request=request,
        channel=channel,
        received_on=received_on,
        late_entry_reason=late_entry_reason.strip(),
        recorded_by=actor,
        recorded_at=at,
        **{name: (requester.get(name) or "").strip() for name in REQUESTER_FIELDS},
    )
    record.full_clean()
    record.save()
    # The acknowledgement is issued now, dated the day it is written (not the day of receipt,
    # which it states), and stored like every letter (c. 258F s. 3). It carries the
    # requester's code for the public status page (the requester has no account).
    letter, _code = acknowledge_with_code(request, actor=actor, at=at)
    record_event(
        request,
        actor=actor,
        kind=CaseEvent.Kind.CREATED,
        at=at,
        to_state=request.status,
        note=record.late_entry_reason,
        data={
            "channel": channel,
            "received_on": received_on.isoformat(),
            "entered_days_after_receipt": (today - received_on).days,
            **letter_facts(letter),
        },
    )
    for upload, kind in uploads or []:
        request_add_document(
            request=request, actor=actor, upload=upload, kind=kind or Document.Kind.OTHER
        )
    fulfil_intent(intent, kind="intake", reference=request.reference)
    return request


@transaction.atomic
def intake_link_organization(
    *, request: CertificationRequest, actor: User, organization: AdvocateOrganization
) -> CertificationRequest:
    """Give a portal organisation the request (its advocates see and answer it from now on)."""
    locked = lock_request(request)
    if not perms.can_link_organization(locked, actor):
        raise PermissionDenied(_("You may not do this on this request."))
    if not locked.may_share_outside():  # the organisation would read the victim's file
        raise TransitionRefused(
            _(
                "%(reference)s: the victim has not consented to the department sharing her "
                "information outside the department (8 U.S.C. 1367), so no organisation can be "
                "given the request. Nothing was changed."
            )
            % {"reference": locked.reference}
        )
    locked.organization = organization
    locked.save(update_fields=["organization"])
    assign_perm("view_certificationrequest", organization.group, locked)
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.EDITED,
        note=f"Linked to {organization.name}.",
        data={"fields": ["organization"], "organization": organization.pk},
    )
    return locked


# --- reads ---


def possible_duplicates(request: CertificationRequest) -> QuerySet[CertificationRequest]:
    """Other open requests for the same victim: same name and date of birth, or A-Number."""
    match = Q(pk__in=[])
    for name, digest in request.identity_digests().items():
        match |= Q(**{name: digest})
    return (
        CertificationRequest.objects.filter(match, agency=request.agency, status__in=OPEN_STATES)
        .exclude(pk=request.pk)
        .only("reference", "status")
        .order_by("pk")
    )


def letter_recipient(request: CertificationRequest) -> list[str] | None:
    """The address block of letters for a request recorded from another channel, else None."""
    record = IntakeRecord.objects.filter(request_id=request.pk).first()
    if record is None:
        return None
    standing = request.requester_standing
    lines = [f"{record.requester_name} ({standing})" if standing else record.requester_name]
    if record.requester_organization:
        lines.append(record.requester_organization)
    lines += [line.strip() for line in record.requester_address.splitlines() if line.strip()]
    if not record.requester_address.strip() and record.requester_email:
        lines.append(f"By e-mail: {record.requester_email}")
    return lines


def requester_contact(request: CertificationRequest) -> tuple[str, str, str] | None:
    """Whom the department contacts about a request recorded from another channel, and how:
    (name, "mail" | "email" | "phone" | "in_person", where), else None (a portal request)."""
    record = IntakeRecord.objects.filter(request_id=request.pk).first()
    if record is None:
        return None
    name = record.requester_name
    if record.requester_email:
        return name, "email", record.requester_email
    address = ", ".join(line.strip() for line in record.requester_address.splitlines() if line)
    if address.strip(", "):
        return name, "mail", address
    if record.requester_phone:
        return name, "phone", record.requester_phone
    return name, "in_person", ""
