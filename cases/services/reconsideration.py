"""The requester asks the department to reconsider its denial: her reasons and documents, on
the portal (the advocate) or received by mail, e-mail or in person (the coordinator records
it). The request is open again, with its own clock (clocks.reconsideration_due, business
days as Illinois' VOICES Act, 5 ILCS 825/11(a), counts them for appeals), and is
acknowledged in writing.
The decision is the certify or decline step (cases/services/reconsidered.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import clocks
from cases.issued_letters import issue_letter, letter_facts
from cases.models import CertificationRequest, Document, Reconsideration
from cases.services.common import require_text, take_step
from cases.services.documents import store_document
from cases.services.reconsidered import pending_reconsideration

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

Channel = Reconsideration.Channel


@transaction.atomic
def request_ask_reconsideration(
    *,
    request: CertificationRequest,
    actor: User,
    reasons: str,
    uploads: Sequence[UploadedFile] = (),
    channel: str = "",
    at: datetime | None = None,
) -> CertificationRequest:
    at = at or timezone.now()
    reasons = require_text(
        reasons, "reasons", _("Say why the department should reconsider its denial.")
    )
    # A portal request is asked on the portal; one received outside it, through a channel.
    if request.organization_id is not None:
        channel = Channel.PORTAL
    elif channel not in (Channel.MAIL, Channel.EMAIL, Channel.IN_PERSON):
        raise ValidationError({"channel": _("Say how the request for reconsideration came.")})

    def record(locked: CertificationRequest) -> dict[str, Any]:
        row = Reconsideration.objects.create(
            request=locked,
            requested_at=at,
            recorded_by=actor,
            channel=channel,
            reasons=reasons,
            due_on=clocks.reconsideration_due(at),
            denied_by=locked.certifying_official,
            denied_at=locked.decided_at,
        )
        documents = [
            store_document(
                locked, actor=actor, upload=upload, kind=Document.Kind.RECONSIDERATION, record=False
            )
            for upload in uploads
        ]
        letter = issue_letter(locked, "reconsideration_ack", actor=actor, at=at)
        return {
            "reconsideration": row.pk,
            "due_on": row.due_on.isoformat(),
            "documents": [{"document": d.pk, "sha256": d.sha256} for d in documents],
            **letter_facts(letter),
        }

    return take_step(
        request,
        "request_reconsideration",
        actor=actor,
        at=at,
        note=reasons,
        data={"channel": channel},
        after_save=record,
    )


@transaction.atomic
def request_withdraw_reconsideration(
    *,
    request: CertificationRequest,
    actor: User,
    reason: str = "",
    at: datetime | None = None,
) -> CertificationRequest:
    """The requester (the advocate on the portal, the coordinator for one who wrote or came
    in) no longer asks for reconsideration: the request is denied as before, with its first
    denial's letter and date, and the pending reconsideration is closed as withdrawn, off
    its clock (5 ILCS 825/11(a) counts the appeals answered, not those withdrawn)."""
    at = at or timezone.now()

    def close(locked: CertificationRequest) -> dict[str, Any]:
        pending = pending_reconsideration(locked)
        if pending is not None:
            pending.outcome = Reconsideration.Outcome.WITHDRAWN
            pending.decided_at = at
            pending.save(update_fields=["outcome", "decided_at"])
        return {"reconsideration": pending.pk if pending else None}

    return take_step(
        request,
        "withdraw_reconsideration",
        actor=actor,
        at=at,
        note=reason.strip(),
        after_save=close,
    )
