"""The assigned detective's review: Part 4 (helpfulness; Form I-914 Supplement B: cooperation)
and Part 5 (family members), the attestation, and questions back to the coordinator.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.models import CaseEvent, CertificationRequest, FamilyMember, FormType
from cases.services.common import (
    apply_values,
    lock_request,
    record_event,
    require,
    require_text,
    take_step,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


HELPFULNESS_FIELDS = [
    "possesses_information",
    "has_been_helpful",
    "refused_or_failed",
    "helpfulness_other",
    "helpfulness_explanation",
    "family_members_implicated",
]


# Form I-914 Supplement B, Part 4 (cooperation) and Part 5 item 1: the detective's T answers.
COOPERATION_FIELDS = ["cooperation", "cooperation_explanation", "family_members_implicated"]


@transaction.atomic
def request_record_helpfulness(
    *,
    request: CertificationRequest,
    actor: User,
    values: dict[str, Any],
    family_members: list[dict[str, str]] | None = None,
    at: datetime | None = None,
) -> CertificationRequest:
    """Part 4 answers and Part 5 family members, before the attestation."""
    locked = lock_request(request)
    require(perms.can_record_helpfulness(locked, actor))
    fields = COOPERATION_FIELDS if locked.form_type == FormType.T_VISA else HELPFULNESS_FIELDS
    changed = apply_values(locked, values, fields)
    if changed:
        locked.save(update_fields=changed)
    if family_members is not None:
        rows = [FamilyMember(request=locked, **member) for member in family_members]
        for row in rows:
            row.full_clean(exclude=["request"])
        locked.family_members.all().delete()
        FamilyMember.objects.bulk_create(rows)
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.EDITED,
        at=at,
        internal=True,
        note="Helpfulness answers recorded.",
        data={"fields": changed, "family_members": len(family_members or [])},
    )
    return locked


@transaction.atomic
def request_attest_helpfulness(
    *, request: CertificationRequest, actor: User, note: str = "", at: datetime | None = None
) -> CertificationRequest:
    at = at or timezone.now()
    return take_step(
        request,
        "attest_helpfulness",
        actor=actor,
        at=at,
        internal=True,
        note=note.strip(),
        args={"by": actor, "at": at},
    )


@transaction.atomic
def request_ask_coordinator(
    *, request: CertificationRequest, actor: User, text: str, at: datetime | None = None
) -> CaseEvent:
    """The assigned detective sends a question back to the coordinator (an internal note)."""
    locked = lock_request(request)
    require(perms.can_ask_coordinator(locked, actor))
    text = require_text(text, "text", _("Write the question."))
    return record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.NOTE,
        at=at,
        internal=True,
        note=text,
        data={"question_for": "coordinator"},
    )
