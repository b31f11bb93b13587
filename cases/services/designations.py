"""Designations of certifying officials, kept by the agency head in the application.

8 CFR 214.14(a)(3): the certifying official is the head of the agency, or a person in a
supervisory role whom the head specifically designated to issue U certifications. So:
- only the active head adds or revokes a designee;
- a designee holds a supervisory title, has the written designation uploaded (validated and
  encrypted like every document) and effective dates;
- the agency has one active head at a time (a database constraint on CertifyingOfficial);
- every change is one append-only DesignationEvent, and a change never takes effect in the
  past, so ``authorised_on`` answers for any past day who could sign.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.lib.uploads import save_to_storage, validate_upload
from cases.models import Agency, CertifyingOfficial, DesignationEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Titles that name a supervisory role in a police department (8 CFR 214.14(a)(3)).
SUPERVISORY_RANKS = (
    "chief",
    "superintendent",
    "commissioner",
    "director",
    "commander",
    "captain",
    "lieutenant",
    "sergeant",
    "major",
    "inspector",
    "supervisor",
)


def _snapshot(official: CertifyingOfficial) -> dict[str, Any]:
    return {
        "user": official.user_id,
        "family_name": official.family_name,
        "given_name": official.given_name,
        "title": official.title,
        "is_agency_head": official.is_agency_head,
        "designated_on": official.designated_on.isoformat(),
        "expires_on": official.expires_on.isoformat() if official.expires_on else None,
        "revoked_on": official.revoked_on.isoformat() if official.revoked_on else None,
    }


def _event(
    official: CertifyingOfficial,
    action: str,
    *,
    actor: User | None,
    effective_on: date,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> DesignationEvent:
    return DesignationEvent.objects.create(
        agency=official.agency,
        official=official,
        action=action,
        actor=actor,
        effective_on=effective_on,
        note=note,
        data={**_snapshot(official), **(extra or {})},
    )


def _require_head(actor: User, agency: Agency) -> None:
    if not perms.can_manage_designations(actor, agency):
        raise PermissionDenied(_("Only the agency head designates certifying officials."))


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the designee's supervisory title.")})
    if not any(rank in title.lower() for rank in SUPERVISORY_RANKS):
        raise ValidationError(
            {
                "title": _(
                    "Only a person in a supervisory role may be designated "
                    "(8 CFR 214.14(a)(3)): give a supervisory title, e.g. Lieutenant, Captain."
                )
            }
        )
    return title[:200]


@transaction.atomic
def designation_add(
    *,
    actor: User,
    agency: Agency,
    user: User,
    family_name: str,
    given_name: str,
    middle_name: str = "",
    title: str,
    designated_on: date,
    expires_on: date | None = None,
    upload: UploadedFile | None,
    note: str = "",
) -> CertifyingOfficial:
    """The head designates a supervisor in writing, from ``designated_on`` (today or later)."""
    _require_head(actor, agency)
    title = _check_title(title)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not (family_name or "").strip() or not (given_name or "").strip():
        errors["family_name"] = _("Give the designee's family and given names.")
    if designated_on is None or designated_on < today:
        errors["designated_on"] = _("A designation takes effect today or later, never in the past.")
    elif expires_on is not None and expires_on < designated_on:
        errors["expires_on"] = _("The designation cannot end before it starts.")
    if not (user.is_active and perms.has_capability(user, perms.DECIDE)):
        errors["user"] = _("Choose an active account with the Chief's role (IT grants the role).")
    if upload is None:
        errors["document"] = _("Upload the written designation (8 CFR 214.14(a)(3)).")
    if errors:
        raise ValidationError(errors)
    assert upload is not None
    validate_upload(upload)
    overlapping = [
        o
        for o in agency.officials.filter(user=user, revoked_on__isnull=True)
        if o.expires_on is None or o.expires_on >= designated_on
    ]
    if overlapping:
        raise ValidationError({"user": _("This person already holds a designation in force.")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    official = CertifyingOfficial(
        agency=agency,
        user=user,
        family_name=family_name.strip(),
        given_name=given_name.strip(),
        middle_name=(middle_name or "").strip(),
        title=title,
        is_agency_head=False,
        designated_on=designated_on,
        expires_on=expires_on,
        designated_by=actor,
    )
    save_to_storage(official.designation_document, upload.name or "designation.pdf", upload)
    official.full_clean()
    official.save()
    _event(
        official,
        DesignationEvent.Action.DESIGNATED,
        actor=actor,
        effective_on=designated_on,
        note=(note or "").strip(),
        extra={"document_sha256": digest.hexdigest()},
    )
    return official


@transaction.atomic
def designation_revoke(
    *,
    actor: User,
    official: CertifyingOfficial,
    revoked_on: date | None = None,
    reason: str = "",
) -> CertifyingOfficial:
    """The head ends a designee's designation from ``revoked_on`` (today or later)."""
    official = CertifyingOfficial.objects.select_for_update().get(pk=official.pk)
    _require_head(actor, official.agency)
    today = timezone.localdate()
    revoked_on = revoked_on or today
    if official.is_agency_head:
        raise ValidationError(_("The head's own designation changes only with a new head."))
    if official.revoked_on is not None:
        raise ValidationError(_("This designation is already revoked."))
    if revoked_on < today:
        raise ValidationError({"revoked_on": _("A revocation takes effect today or later.")})
    official.revoked_on = max(revoked_on, official.designated_on)
    official.save(update_fields=["revoked_on"])
    _event(
        official,
        DesignationEvent.Action.REVOKED,
        actor=actor,
        effective_on=official.revoked_on,
        note=(reason or "").strip(),
    )
    return official


@transaction.atomic
def designation_appoint_head(
    *,
    actor: User | None,
    agency: Agency,
    user: User,
    family_name: str,
    given_name: str,
    middle_name: str = "",
    title: str,
    effective_on: date | None = None,
    note: str = "",
) -> CertifyingOfficial:
    """A new agency head from ``effective_on`` (today or later): the outgoing head's designation
    ends that day, the new one starts, and the agency keeps exactly one active head (8 CFR
    214.14(a)(3); the database constraint ``one_active_agency_head``). A designation the new
    head held as a designee ends that day too. One DesignationEvent records the hand-over; the
    rows of both designations stay, so the history still answers for any earlier day.

    The outgoing head hands over (the Certifying officials page); with ``actor`` None, an
    administrator appoints the very first head (``manage.py appoint_head``) and only then.
    """
    previous = list(
        CertifyingOfficial.objects.select_for_update().filter(
            agency=agency, is_agency_head=True, revoked_on__isnull=True
        )
    )
    if actor is not None:
        if not perms.can_appoint_head(actor, agency):
            raise PermissionDenied(_("Only the agency head appoints a successor."))
    elif previous:
        raise PermissionDenied(
            _(
                "The agency already has a head (%(head)s): the head appoints the "
                "successor on the Certifying officials page."
            )
            % {"head": previous[0]}
        )
    today = timezone.localdate()
    effective_on = effective_on or today
    errors: dict[str, str] = {}
    if not (family_name or "").strip() or not (given_name or "").strip():
        errors["family_name"] = _("Give the new head's family and given names (Part 2, Item 4).")
    if not (title or "").strip():
        errors["title"] = _("Give the new head's title, e.g. Chief of Police.")
    if effective_on < today:
        errors["effective_on"] = _("A new head takes office today or later, never in the past.")
    if not (user.is_active and perms.has_capability(user, perms.DECIDE)):
        errors["user"] = _("Choose an active account with the Chief's role (IT grants the role).")
    elif any(p.user_id == user.pk for p in previous):
        errors["user"] = _("This person is already the agency head.")
    if errors:
        raise ValidationError(errors)
    for old in previous:
        old.revoked_on = max(effective_on, old.designated_on)
        old.save(update_fields=["revoked_on"])
    ended = [
        o
        for o in CertifyingOfficial.objects.select_for_update().filter(
            agency=agency, user=user, is_agency_head=False, revoked_on__isnull=True
        )
        if o.expires_on is None or o.expires_on >= effective_on
    ]
    for designee in ended:
        designee.revoked_on = max(effective_on, designee.designated_on)
        designee.save(update_fields=["revoked_on"])
    head = CertifyingOfficial(
        agency=agency,
        user=user,
        family_name=family_name.strip(),
        given_name=given_name.strip(),
        middle_name=(middle_name or "").strip(),
        title=title.strip()[:200],
        is_agency_head=True,
        designated_on=effective_on,
        designated_by=actor,
    )
    head.full_clean()
    head.save()
    _event(
        head,
        DesignationEvent.Action.HEAD_APPOINTED,
        actor=actor,
        effective_on=effective_on,
        note=(note or "").strip(),
        extra={
            "previous_heads": [_snapshot(o) | {"id": o.pk} for o in previous],
            "ended_designations": [o.pk for o in ended],
        },
    )
    return head


# --- reads ---


def authorised_on(agency: Agency, day: date) -> list[CertifyingOfficial]:
    """Who could sign for the agency on ``day`` (the head first)."""
    rows = agency.officials.filter(designated_on__lte=day).order_by("-is_agency_head", "pk")
    return [o for o in rows if o.is_active_on(day)]


def history(agency: Agency) -> list[DesignationEvent]:
    return list(
        DesignationEvent.objects.filter(agency=agency)
        .select_related("official", "actor")
        .order_by("-at", "-pk")
    )
