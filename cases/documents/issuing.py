"""Issuing the Supplement B: the sealed filing copy, the scan of the ink-signed page, the hand-over.

- ``request_certify`` takes the certify step and, in the same transaction, renders the final
  form, seals it with the agency's key and stores the bytes once with their SHA-256: if sealing
  fails, nothing is certified.
- The Supplement B instructions (01/20/25) require the official's original handwritten signature
  and refuse a photocopy of the signature page. So the Chief signs the printed form in ink;
  ``services.request_record_signed_scan`` and ``request_record_handover`` record the scan of the
  signed page and who received the original, when and how.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases import clocks, services
from cases import permissions as perms
from cases.documents.render import render_form_pdf
from cases.documents.signing import sign_pdf
from cases.models import (
    CertificationRequest,
    IssuedForm,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


CODE_PATTERN = re.compile(rb"uvisa-verification-code:([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})")


_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed by hand


def verification_code_for(request: CertificationRequest) -> str:
    """12 characters derived from the reference with a server secret: unguessable, stable.

    Drafts print the same code the signed form will carry; only a signed form is recorded, and
    once it is, its stored code is the code (even if SECRET_KEY changes later).
    """
    stored = (
        IssuedForm.objects.filter(request_id=request.pk)
        .values_list("verification_code", flat=True)
        .first()
    )
    if stored:
        return stored
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"i918b-code:{request.reference}".encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest[:10], "big")
    chars = []
    for _ in range(12):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    code = "".join(chars)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def draft_pdf(request: CertificationRequest) -> bytes:
    return render_form_pdf(request, code=verification_code_for(request), final=False)


def issue_signed_form(
    *, request: CertificationRequest, actor: User, at: datetime
) -> dict[str, Any]:
    """Render, sign and store the final form; the returned facts go into the certify event."""
    code = verification_code_for(request)
    pdf = render_form_pdf(request, code=code, final=True)
    signed, cert_sha256 = sign_pdf(
        pdf,
        reason=f"Certified Form I-918 Supplement B, request {request.reference}",
        location=f"{request.agency.city}, {request.agency.state}",
        contact=request.agency.phone,
    )
    digest = hashlib.sha256(signed).hexdigest()
    IssuedForm.objects.create(
        request=request,
        form_edition=request.form_edition,
        pdf=signed,
        sha256=digest,
        size=len(signed),
        verification_code=code,
        signer_certificate_sha256=cert_sha256,
        signed_on=request.signed_on,
        valid_until=clocks.filing_valid_until(request.signed_on),
        issued_at=at,
        issued_by=actor,
    )
    return {"sha256": digest, "verification_code": code, "size": len(signed)}


@transaction.atomic
def request_certify(
    *, request: CertificationRequest, actor: User, note: str = "", at: datetime | None = None
) -> CertificationRequest:
    """The certifying official signs. Part 6 item 2 (the date) starts the 6-month validity.

    The filing copy is rendered, sealed with the agency's key and stored in the same
    transaction, after the decision is saved: if sealing fails, nothing is certified.
    """
    at = at or timezone.now()
    official = perms.active_official(actor, request)
    return services.take_step(
        request,
        "certify",
        actor=actor,
        at=at,
        note=note.strip(),
        data={"official": official.pk if official else None},
        args={"by": actor, "official": official, "at": at, "signed_on": timezone.localdate(at)},
        after_save=lambda locked: issue_signed_form(request=locked, actor=actor, at=at),
    )
