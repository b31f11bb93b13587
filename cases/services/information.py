"""Information requests while the request is pending: the department asks, the advocate answers
in the portal (for a request received outside the portal the coordinator records what came
back: cases/services/staff_entry.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CertificationRequest
from cases.services.common import require_text, take_step

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def request_ask_information(
    *, request: CertificationRequest, actor: User, text: str, at: datetime | None = None
) -> CertificationRequest:
    at = at or timezone.now()
    text = require_text(text, "text", _("Say what information is needed."))
    return take_step(
        request, "request_information", actor=actor, at=at, note=text, args={"text": text, "at": at}
    )


@transaction.atomic
def request_answer_information(
    *, request: CertificationRequest, actor: User, text: str, at: datetime | None = None
) -> CertificationRequest:
    if request.organization_id is None:  # cases/services/staff_entry.py records it
        raise ValidationError(
            _(
                "This request was received outside the portal: record what came back, how it "
                "came (mail, e-mail, in person) and the scanned documents."
            )
        )
    text = require_text(text, "text", _("Write an answer to the information request."))
    return take_step(
        request, "answer_information", actor=actor, at=at, note=text, args={"text": text}
    )
