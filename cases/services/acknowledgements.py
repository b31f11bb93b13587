"""The certifying official acknowledges the consistency warnings before certifying.

The warnings (cases/consistency.py) do not make the form self-defeating, but the official signs
Part 6 under penalty of perjury: each warning shown is acknowledged, and the acknowledgement is
an audit event, before certify is possible.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.consistency import certify_warnings
from cases.models import CaseEvent, CertificationRequest
from cases.services.common import lock_request, record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def request_acknowledge_warnings(
    *,
    request: CertificationRequest,
    actor: User,
    codes: list[str],
    note: str = "",
    at: datetime | None = None,
) -> CertificationRequest:
    """Record that the official read the warnings ``codes`` (each must be a current one)."""
    locked = lock_request(request)
    if not perms.can_acknowledge_warnings(locked, actor):
        raise PermissionDenied(_("You may not do this on this request."))
    current = {w.code: w.message for w in certify_warnings(locked)}
    chosen = [code for code in dict.fromkeys(codes) if code in current]
    if not chosen or len(chosen) != len(set(codes)):
        raise ValidationError({"codes": _("Tick each warning you have read.")})
    locked.acknowledged_warnings = sorted({*locked.acknowledged_warnings, *chosen})
    locked.save(update_fields=["acknowledged_warnings"])
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.NOTE,
        at=at,
        internal=True,
        note=(note or "").strip() or "Consistency warnings acknowledged before certifying.",
        data={"acknowledged_warnings": chosen},
    )
    return locked
