"""The assigned detective's review: Part 4 (helpfulness; Form I-914 Supplement B: cooperation)
and Part 5 (family members), the attestation, and questions back to the coordinator.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
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
from cases.uscis import formmap
from cases.uscis.trafficking import cooperation_choices

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


# Form I-914 Supplement B, Part 4 (cooperation) and Part 5 item 1: the detective's T answers;
# and, where the edition prints them (02/27/17 Part C items 3, 6, 7), the victim's fear of
# retaliation and the dates of the investigation.
COOPERATION_FIELDS = [
    "cooperation",
    "cooperation_explanation",
    "family_members_implicated",
    "fear_of_retaliation",
    "fear_of_retaliation_explanation",
    "investigation_started_on",
    "investigation_completed_on",
]


def check_cooperation_values(request: CertificationRequest, values: dict[str, Any]) -> None:
    """A T request's answers must be ones its edition prints: a cooperation answer with a box
    on the form (8 CFR 214.204: the declaration states the cooperation as the form asks), an
    explanation of a fear of retaliation ("If yes, explain"), and investigation dates in
    order, none in the future."""
    edition = formmap.edition_of(request)
    answer = values.get("cooperation")
    found = formmap.item_for_source(edition, "cooperation_box_0217") or formmap.item_for_source(
        edition, "cooperation_box"
    )
    if answer and found is not None:
        offered = {code for code, _label in cooperation_choices(found[1].options)}
        if answer not in offered:
            raise ValidationError(
                {"cooperation": _("This edition of the form has no box for that answer.")}
            )
    fear = values.get("fear_of_retaliation", request.fear_of_retaliation)
    explanation = values.get(
        "fear_of_retaliation_explanation", request.fear_of_retaliation_explanation
    )
    if fear == "yes" and not (explanation or "").strip():
        raise ValidationError(
            {"fear_of_retaliation_explanation": _("Explain the fear (“If yes, explain”).")}
        )
    started = values.get("investigation_started_on", request.investigation_started_on)
    completed = values.get("investigation_completed_on", request.investigation_completed_on)
    if started and completed and completed < started:
        raise ValidationError(
            {
                "investigation_completed_on": _(
                    "The investigation cannot be completed before it was initiated."
                )
            }
        )
    today = timezone.localdate()
    for name, day in (
        ("investigation_started_on", started),
        ("investigation_completed_on", completed),
    ):
        if day and day > today:
            raise ValidationError({name: _("This date cannot be in the future.")})


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
    t_visa = locked.form_type == FormType.T_VISA
    fields = COOPERATION_FIELDS if t_visa else HELPFULNESS_FIELDS
    if t_visa:
        check_cooperation_values(locked, values)
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
