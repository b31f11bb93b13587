"""The requester's status code (/status/): issued with the acknowledgement, replaced on demand.

A requester without an account (a request recorded from the mail, e-mail or in person) gets
one code per request, printed in the acknowledgement letter with the reference and the address
of the public status page. "One-time" means issued once: the code is not used up by a look-up;
it keeps working until the coordinator replaces it (a requester who lost it), and the old one
then stops working. The database keeps only the code's keyed hash; the code itself survives
only inside the issued letter, which is stored encrypted (cases/issued_letters.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.issued_letters import issue_letter, letter_facts
from cases.lib.status_codes import code_digest, new_code, normalize_reference, same_digest
from cases.models import CaseEvent, CertificationRequest, IssuedLetter, Status, StatusLookupCode
from cases.services.common import record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def store_new_code(request: CertificationRequest, *, actor: User | None, at: datetime) -> str:
    """A fresh code for ``request``: its hash replaces any earlier one; the code is returned
    to be printed, never stored. Runs inside the caller's transaction."""
    code = new_code()
    digest = code_digest(request.reference, code)
    row = StatusLookupCode.objects.select_for_update().filter(request=request).first()
    if row is None:
        StatusLookupCode.objects.create(
            request=request, digest=digest, issued_at=at, issued_by=actor
        )
    else:
        row.digest = digest
        row.issued_at = at
        row.issued_by = actor
        row.generation += 1
        row.save(update_fields=["digest", "issued_at", "issued_by", "generation"])
    return code


def acknowledge_with_code(
    request: CertificationRequest, *, actor: User | None, at: datetime
) -> tuple[IssuedLetter, str]:
    """The acknowledgement letter carrying a new status code (the first, or a replacement),
    and the code, for the caller to forget (the demo seed prints one)."""
    code = store_new_code(request, actor=actor, at=at)
    letter = issue_letter(request, "acknowledgement", actor=actor, at=at, status_code=code)
    return letter, code


@transaction.atomic
def request_new_status_code(
    *, request: CertificationRequest, actor: User, at: datetime | None = None
) -> tuple[IssuedLetter, str]:
    """The coordinator replaces a lost code: the old one stops working at once, and a new
    acknowledgement letter (dated today, stating the same receipt and answer dates) carries
    the new one. The code is shown nowhere else: the coordinator sends that letter (the page
    never shows the returned code)."""
    locked = CertificationRequest.objects.select_for_update().get(pk=request.pk)
    if not perms.can_issue_status_code(locked, actor):
        raise PermissionDenied(_("Only the coordinator issues a new status code."))
    at = at or timezone.now()
    generation = getattr(StatusLookupCode.objects.filter(request=locked).first(), "generation", 0)
    letter, code = acknowledge_with_code(locked, actor=actor, at=at)
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.STATUS_CODE,
        at=at,
        internal=True,
        note="New status code issued; any earlier code no longer works.",
        data={"replaced": generation > 0, "generation": generation + 1, **letter_facts(letter)},
    )
    return letter, code


def request_with_code(reference: str, code: str) -> CertificationRequest | None:
    """The request whose reference and code match, or None: the same work (one keyed hash,
    one query for a digest, one constant-time comparison) whether the reference exists, has no
    code, or the code is wrong, so neither the answer nor its time says which. The request
    itself is read only once the code matched."""
    computed = code_digest(reference, code)
    row = (
        StatusLookupCode.objects.filter(request__reference=normalize_reference(reference))
        .values_list("digest", "request_id")
        .first()
    )
    stored, request_id = row if row is not None else ("", None)
    if not same_digest(stored, computed):
        return None
    found = CertificationRequest.objects.filter(pk=request_id).first()
    if found is None or found.status == Status.DRAFT or found.received_at is None:
        return None
    return found
