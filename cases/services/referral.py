"""Referral to the agency with jurisdiction, as an answer of its own, and the directory of
nearby certifiers it names them from.

A referral is the department's written answer under c. 258F s. 3(ii): it declines to certify
because it lacks jurisdiction (it did not detect, investigate or prosecute the crime), without
prejudice, and names the certifying entity that has it (c. 258F s. 1). It answers the 90-day
clock like a denial, yet the annual report counts it apart from the denials.

The request's documents go to that entity only with the victim's consent to sharing her
information (8 U.S.C. 1367; ``victim_sharing_consent`` = given); without it the referral is
still made, nothing is forwarded, and the letter tells the requester to send the request
there herself. Only a forwarding done by mail or by hand is recorded: no document leaves by
e-mail from the application.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.errors import TransitionRefused
from cases.issued_letters import issue_letter, letter_facts
from cases.models import (
    Agency,
    CaseEvent,
    CertificationRequest,
    CertifierDirectoryEntry,
    Referral,
    SharingConsent,
)
from cases.policy import policy_in_force
from cases.services.common import record_event, require_text, take_step

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Kind = CertifierDirectoryEntry.Kind
Method = Referral.Method
NOT_FORWARDED = ""

# (field, its limit, whether it must be given)
ENTRY_LIMITS = (
    ("name", 200, True),
    ("kind", 20, True),
    ("jurisdiction", 2000, True),
    ("unit", 200, False),
    ("mailing_address", 1000, False),
    ("phone", 50, False),
    ("email", 254, False),
)


# --- the directory ---


def _require_keeper(actor: User) -> None:
    if not perms.can_keep_certifier_directory(actor):
        raise PermissionDenied(_("Only the coordinator and the Chief keep the directory."))


def _clean_entry(values: dict[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field, limit, required in ENTRY_LIMITS:
        value = str(values.get(field) or "").strip()
        if required and not value:
            errors[field] = _("This is needed.")
        elif len(value) > limit:
            errors[field] = _("At most %(limit)s characters.") % {"limit": limit}
        cleaned[field] = value
    if cleaned["kind"] and cleaned["kind"] not in Kind.values:
        errors["kind"] = _("Choose the kind of certifier.")
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = _("Give a valid e-mail address.")
    if not (cleaned["mailing_address"] or cleaned["phone"] or cleaned["email"]):
        errors["mailing_address"] = _("Give at least a mailing address, a phone or an e-mail.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _audit_entry(
    entry: CertifierDirectoryEntry, *, actor: User, action: str, changed: list[str]
) -> None:
    """One event about no request, in the audit chain (like a form edition's)."""
    record_event(
        None,  # about no request, like a form edition's events
        actor=actor,
        kind=CaseEvent.Kind.DIRECTORY_CHANGED,
        at=entry.changed_at,
        internal=True,
        note=f"Certifier directory: {action} {entry.name}.",
        data={"entry": entry.pk, "action": action, "changed": changed, **entry.snapshot()},
    )


@transaction.atomic
def directory_save(
    *,
    actor: User,
    agency: Agency,
    values: dict[str, Any],
    entry: CertifierDirectoryEntry | None = None,
) -> CertifierDirectoryEntry:
    """Add an entry, or change one of the agency's; the event names the fields changed."""
    _require_keeper(actor)
    cleaned = _clean_entry(values)
    if entry is not None:
        entry = CertifierDirectoryEntry.objects.select_for_update().get(pk=entry.pk, agency=agency)
    action = "added" if entry is None else "changed"
    entry = entry or CertifierDirectoryEntry(agency=agency)
    changed = [name for name, value in cleaned.items() if getattr(entry, name) != value]
    if not changed:
        return entry
    for name in changed:
        setattr(entry, name, cleaned[name])
    entry.changed_by = actor
    entry.changed_at = timezone.now()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"name": _("The directory already has an entry of this name.")}
        ) from exc
    _audit_entry(entry, actor=actor, action=action, changed=changed)
    return entry


@transaction.atomic
def directory_set_active(
    *, actor: User, agency: Agency, entry: CertifierDirectoryEntry, active: bool
) -> CertifierDirectoryEntry:
    """Deactivate (no new referral names it) or reactivate an entry; never deleted."""
    _require_keeper(actor)
    entry = CertifierDirectoryEntry.objects.select_for_update().get(pk=entry.pk, agency=agency)
    if entry.is_active == active:
        return entry
    entry.is_active = active
    entry.changed_by = actor
    entry.changed_at = timezone.now()
    entry.save(update_fields=["is_active", "changed_by", "changed_at"])
    _audit_entry(
        entry, actor=actor, action="reactivated" if active else "deactivated", changed=["is_active"]
    )
    return entry


def active_entries(agency: Agency) -> list[CertifierDirectoryEntry]:
    return list(CertifierDirectoryEntry.objects.filter(agency=agency, is_active=True))


# --- the referral ---


def _entry_for(request: CertificationRequest, entry_id: Any) -> CertifierDirectoryEntry:
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        pk = 0
    entry = CertifierDirectoryEntry.objects.filter(pk=pk, agency_id=request.agency_id).first()
    if entry is None:
        raise ValidationError({"entry": _("Choose the agency from the department's directory.")})
    if not entry.is_active:
        raise ValidationError(
            {
                "entry": _(
                    "%(name)s is no longer active in the directory: choose another agency, "
                    "or reactivate it first."
                )
                % {"name": entry.name}
            }
        )
    return entry


def _no_jurisdiction_clause(request: CertificationRequest, at: datetime) -> tuple[Any, Any]:
    """The policy in force and its lack-of-jurisdiction clause, when it has one (c. 258F
    s. 3(ii): the answer says why under the written policy)."""
    policy = policy_in_force(request.agency, timezone.localdate(at))
    if policy is None:
        return None, None
    return policy, policy.clauses.filter(code="no_jurisdiction", is_decline_reason=True).first()


@transaction.atomic
def request_refer_to_agency(
    *,
    request: CertificationRequest,
    actor: User,
    entry: Any,
    reason: str,
    forward_method: str = NOT_FORWARDED,
    at: datetime | None = None,
) -> CertificationRequest:
    """The certifying official refers the request to a directory entry with a reason; the
    documents are forwarded (mail or hand delivery) only with the victim's consent."""
    at = at or timezone.now()
    reason = require_text(
        reason, "reason", _("Say why the request belongs to the agency with jurisdiction.")
    )
    if forward_method not in (NOT_FORWARDED, *Method.values):
        raise ValidationError({"forward_method": _("Choose mail, hand delivery or no forwarding.")})
    chosen = _entry_for(request, entry)
    official = perms.active_official(actor, request)
    policy, clause = _no_jurisdiction_clause(request, at)
    consent = request.victim_sharing_consent == SharingConsent.GIVEN

    def record(locked: CertificationRequest) -> dict[str, Any]:
        forwarding = bool(forward_method)
        if forwarding and locked.victim_sharing_consent != SharingConsent.GIVEN:
            raise TransitionRefused(
                _(
                    "%(reference)s: the victim has not consented to the department sharing "
                    "her information outside the department (8 U.S.C. 1367), so nothing can be "
                    "forwarded. Refer without forwarding: the letter tells the requester to "
                    "send the request to %(agency)s. Nothing was changed."
                )
                % {"reference": locked.reference, "agency": chosen.name}
            )
        documents = (
            [
                {"document": d.pk, "kind": d.kind, "sha256": d.sha256}
                for d in locked.documents.order_by("uploaded_at", "pk")
            ]
            if forwarding
            else []
        )
        if forwarding and not documents:
            raise ValidationError(
                {
                    "forward_method": _(
                        "The request has no document to forward: refer without forwarding."
                    )
                }
            )
        referral = Referral.objects.create(
            request=locked,
            entry=chosen,
            referred_to=chosen.snapshot(),
            reason=reason,
            referred_at=at,
            referred_by=actor,
            official=official,
            consent_given=consent,
            forwarded=forwarding,
            forward_method=forward_method,
            forwarded_at=at if forwarding else None,
            forwarded_by=actor if forwarding else None,
            forwarded_documents=documents,
        )
        letter = issue_letter(locked, "referral", actor=actor, at=at)
        referral.letter = letter
        facts: dict[str, Any] = {
            "referral": referral.pk,
            "entry": chosen.pk,
            "referred_to": chosen.name,
            "forwarded": forwarding,
            **letter_facts(letter),
        }
        if forwarding:
            cover = issue_letter(locked, "referral_forwarding", actor=actor, at=at)
            referral.cover_letter = cover
            record_event(
                locked,
                actor=actor,
                kind=CaseEvent.Kind.REQUEST_FORWARDED,
                at=at,
                internal=True,
                note=f"Forwarded to {chosen.name} by {Method(forward_method).label}.",
                data={
                    "referral": referral.pk,
                    "to": chosen.snapshot(),
                    "method": forward_method,
                    "documents": documents,
                    "cover_letter": cover.pk,
                    "cover_letter_sha256": cover.sha256,
                },
            )
        referral.save(update_fields=["letter", "cover_letter"])
        return facts

    return take_step(
        request,
        "refer_to_agency",
        actor=actor,
        at=at,
        note=reason,
        data={
            "official": official.pk if official else None,
            "policy_version": policy.number if policy else None,
            "clause": clause.number if clause else None,
            "consent_given": consent,
        },
        args={
            "by": actor,
            "official": official,
            "at": at,
            "explanation": reason,
            "policy": policy,
            "clause": clause,
        },
        after_save=record,
    )
