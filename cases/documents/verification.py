"""Is this file one the department issued? GENUINE, ALTERED or UNKNOWN, with non-identifying
facts only (agency, date signed, valid until, withdrawn), for the public page and the command.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from cases.documents import pdf_sandbox
from cases.documents.signing import agency_certificate_fingerprints
from cases.models import (
    IssuedForm,
    Status,
)

if TYPE_CHECKING:
    pass

from cases.documents.issuing import CODE_PATTERN


def normalize_code(text: str) -> str:
    compact = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    if len(compact) != 12:
        return ""
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


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

    stored = IssuedForm.objects.values_list("signer_certificate_sha256", flat=True).distinct()
    return agency_certificate_fingerprints() | set(stored)


def verify_pdf(data: bytes) -> Verdict:
    """Is this exactly a form the agency signed? Compares the bytes with the agency's record and
    reads the embedded signature to tell "changed after signing" from "not ours"."""

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
    # Parsed in a limited child process: the file may come from anyone (pdf_sandbox.py).
    info = pdf_sandbox.inspect(
        data,
        cpu_seconds=settings.UVISA_VERIFY_CPU_SECONDS,
        memory_mb=settings.UVISA_VERIFY_MEMORY_MB,
        slots=settings.UVISA_VERIFY_CONCURRENCY,
    )
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
