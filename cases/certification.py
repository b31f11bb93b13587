"""Issuing the signed Supplement B, the ink-signed original, and checking a form's authenticity.

- ``issue_signed_form`` runs inside ``services.request_certify``'s transaction: render the final
  form, sign it with the agency's key, store the bytes once with their SHA-256.
- The Supplement B instructions (01/20/25) require the official's original handwritten signature
  and refuse a photocopy of the signature page (domain.md 1.4). So the Chief signs the printed
  certified form in ink; ``form_record_signed_scan`` and ``form_record_handover`` record the scan of
  the signed page and who received the original, when and how.
- ``verify_pdf`` and ``verify_code`` answer genuine / altered / unknown with non-identifying facts
  only (agency, date signed, valid until, withdrawn), for the public page and the command.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import clocks
from cases import permissions as perms
from cases.models import (
    CaseEvent,
    CertificationRequest,
    Document,
    IssuedForm,
    OriginalHandover,
    Status,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User
    from django.core.files.uploadedfile import UploadedFile

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


def normalize_code(text: str) -> str:
    compact = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    if len(compact) != 12:
        return ""
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


def draft_pdf(request: CertificationRequest) -> bytes:
    from cases.pdf import render_form_pdf

    return render_form_pdf(request, code=verification_code_for(request), final=False)


def issue_signed_form(
    *, request: CertificationRequest, actor: User, at: datetime
) -> dict[str, Any]:
    """Render, sign and store the final form; the returned facts go into the certify event."""
    from cases.pdf import render_form_pdf
    from cases.signing import sign_pdf

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


# --- the ink-signed original ---


def _certified_with_form(request: CertificationRequest, actor: User) -> IssuedForm:
    from cases.services import TransitionRefused

    if not perms.can_review(request, actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("You may not do this on this request.")
    if request.status != Status.CERTIFIED:
        raise TransitionRefused(
            f"{request.reference} is “{request.get_status_display()}”: only a certified request "
            "has an ink-signed original. Nothing was changed."
        )
    form = IssuedForm.objects.filter(request=request).first()
    if form is None:
        raise TransitionRefused(f"{request.reference} has no issued form. Nothing was changed.")
    return form


@transaction.atomic
def form_record_signed_scan(
    *, request: CertificationRequest, actor: User, upload: UploadedFile
) -> Document:
    """The coordinator uploads the scan of the page the Chief signed in ink."""
    from cases.services import _lock, request_add_document

    locked = _lock(request)
    _certified_with_form(locked, actor)
    return request_add_document(
        request=locked, actor=actor, upload=upload, kind=Document.Kind.SIGNED_SCAN
    )


@transaction.atomic
def form_record_handover(
    *,
    request: CertificationRequest,
    actor: User,
    received_by: str,
    received_on: date,
    method: str,
    note: str = "",
) -> OriginalHandover:
    """Who received the ink-signed original, when and how (it goes to the victim's side, who
    files it with USCIS; domain.md 5)."""
    from cases.services import _lock, _record

    locked = _lock(request)
    form = _certified_with_form(locked, actor)
    handover = OriginalHandover(
        issued_form=form,
        received_by=(received_by or "").strip(),
        received_on=received_on,
        method=method,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    handover.full_clean()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The hand-over date cannot be in the future."})
    if received_on < form.signed_on:
        raise ValidationError({"received_on": "The original was handed over before it was signed?"})
    handover.save()
    _record(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.NOTE,
        note=f"Ink-signed original handed over to {handover.received_by} on "
        f"{received_on:%m/%d/%Y} ({handover.get_method_display()}).",
        data={"handover": handover.pk, "method": method, "received_on": received_on.isoformat()},
    )
    return handover


# --- verification ---

GENUINE, ALTERED, UNKNOWN = "genuine", "altered", "unknown"


@dataclass
class Verdict:
    status: str
    reason: str
    form: IssuedForm | None = None

    def facts(self) -> dict[str, Any]:
        """Non-identifying facts only: nothing about the victim, not even the reference."""
        if self.form is None:
            return {}
        request = self.form.request
        withdrawn = request.status == Status.CERTIFICATION_WITHDRAWN
        return {
            "agency": request.agency.name,
            "form": f"Form I-918 Supplement B, edition {self.form.form_edition}",
            "signed_on": self.form.signed_on,
            "valid_until": self.form.valid_until,
            "withdrawn": withdrawn,
            "withdrawn_on": timezone.localdate(request.certification_withdrawn_at)
            if withdrawn and request.certification_withdrawn_at
            else None,
        }

    def line(self) -> str:
        text = f"{self.status.upper()}: {self.reason}"
        facts = self.facts()
        if facts:
            text += (
                f" [{facts['agency']}; signed {facts['signed_on']:%m/%d/%Y}; valid until "
                f"{facts['valid_until']:%m/%d/%Y}; "
                + ("WITHDRAWN" if facts["withdrawn"] else "not withdrawn")
                + "]"
            )
        return text


def _known_fingerprints() -> set[str]:
    from cases.signing import agency_certificate_fingerprints

    stored = IssuedForm.objects.values_list("signer_certificate_sha256", flat=True).distinct()
    return agency_certificate_fingerprints() | set(stored)


def verify_pdf(data: bytes) -> Verdict:
    """Is this exactly a form the agency signed? Compares the bytes with the agency's record and
    reads the embedded signature to tell "changed after signing" from "not ours"."""
    from cases.signing import inspect_signature

    if not data.startswith(b"%PDF-"):
        return Verdict(UNKNOWN, "the file is not a PDF")
    digest = hashlib.sha256(data).hexdigest()
    form = IssuedForm.objects.select_related("request__agency").filter(sha256=digest).first()
    if form is not None:
        return Verdict(GENUINE, "identical to the form the agency signed", form)

    match = CODE_PATTERN.search(data)
    by_code = (
        IssuedForm.objects.select_related("request__agency")
        .filter(verification_code=match.group(1).decode())
        .first()
        if match
        else None
    )
    info = inspect_signature(data)
    if info.present and info.certificate_sha256 in _known_fingerprints():
        if info.intact and info.valid and info.entire_file:
            return Verdict(UNKNOWN, "signed with the agency's key but not in its record", by_code)
        return Verdict(ALTERED, "signed by the agency, but changed after signing", by_code)
    if by_code is not None:
        return Verdict(
            ALTERED,
            "carries the verification code of a form the agency signed, but is not that file",
            by_code,
        )
    if info.present:
        signer = f" ({info.signer})" if info.signer else ""
        return Verdict(UNKNOWN, f"signed with a key that is not the agency's{signer}")
    return Verdict(UNKNOWN, f"not signed by the agency: {info.error or 'no signature'}")


def verify_code(code: str) -> Verdict:
    normalized = normalize_code(code)
    if not normalized:
        return Verdict(
            UNKNOWN, "a verification code has 12 letters and digits, e.g. ABCD-EFGH-JKLM"
        )
    form = (
        IssuedForm.objects.select_related("request__agency")
        .filter(verification_code=normalized)
        .first()
    )
    if form is None:
        return Verdict(UNKNOWN, "no form signed by the agency has this verification code")
    return Verdict(GENUINE, "the agency signed a form with this verification code", form)
