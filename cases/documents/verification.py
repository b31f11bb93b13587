"""Is this file one the department issued? GENUINE, ALTERED, UNKNOWN, or a review copy or
draft the department made but never issued (NOT ISSUED), with non-identifying
facts only, for the public page and the command: the agency, the day it issued the file,
whether the certifying official's ink signature is recorded (by whom, on what date) and the
filing validity that follows from the ink date (8 CFR 214.14(c)(2)(i)), and withdrawal.

The agency's seal proves the file is exactly what the department issued; it is not a signature.
A filled form with no ink signature recorded is not a certification anyone can file.

A file the department issued is never called GENUINE when it carries JavaScript, actions, XFA
or embedded files (cases/lib/pdf_clean.py): templates and scans are cleaned when they are
loaded and filled forms when they are written, but a form issued earlier from a template that
carried them (USCIS's own files carry a document JavaScript) still does. Such a file is
ALTERED, with a reason saying so: it is not to be opened in a viewer that runs scripts, and the
agency can issue the form again. Our own files are searched byte for byte first; only one that
names active content (or could hide it) is parsed, in the /verify/ child process.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from cases import clocks
from cases.documents import pdf_sandbox
from cases.documents.issuing import find_code, issued_by, official_name
from cases.documents.signing import agency_certificate_fingerprints
from cases.lib import pdf_clean
from cases.models import InkSignature, IssuedForm, Status, VoidedForm
from cases.uscis import formmap


def normalize_code(text: str) -> str:
    compact = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    if len(compact) != 12:
        return ""
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


GENUINE, ALTERED, UNKNOWN = "genuine", "altered", "unknown"
# A review copy or DRAFT the department made before its decision: never sealed, never issued,
# not for signature or filing (Form I-918 Supplement B instructions, Part 6).
NOT_ISSUED = "not_issued"
_HEADINGS = {NOT_ISSUED: "REVIEW COPY OR DRAFT, NOT ISSUED"}

# What each kind of unissued copy says in its document information (PDF literal strings, with
# "," written as itself or as pypdf's octal escape): our layout's /Title (render.py) and the
# DRAFT's /Keywords (draft.py).
_UNISSUED_MARKS = (
    (
        "a review copy the department made for its own review",
        re.compile(rb"/Title \((?:[^()\\]|\\.)* review copy(?:,|\\054) "),
    ),
    (
        "a DRAFT the department filled before its decision",
        re.compile(rb"/Keywords \(draft(?:,|\\054) not issued(?:,|\\054) do not sign\)"),
    ),
)


def unissued_copy(data: bytes) -> str:
    """What an unsealed file says it is, if it is one of the department's unissued copies."""
    return next((what for what, mark in _UNISSUED_MARKS if mark.search(data)), "")


def _ink_of(form: IssuedForm) -> InkSignature | None:
    return (
        InkSignature.objects.select_related("signer").filter(issued_form=form).first()
        if form.pk
        else None
    )


@dataclass
class Verdict:
    status: str
    reason: str
    form: IssuedForm | None = None
    scan: bool = False  # the file is the agency's sealed scan of the ink-signed pages

    def facts(self) -> dict[str, Any]:
        """Non-identifying facts only: nothing about the victim, not even the reference."""
        if self.form is None:
            return {}
        form = self.form
        request = form.request
        withdrawn = request.status == Status.CERTIFICATION_WITHDRAWN
        ink = _ink_of(form)
        issued_on = timezone.localdate(form.issued_at)
        void = VoidedForm.objects.filter(issued_form=form).first() if form.pk else None
        if void is not None:
            ink_text = (
                f"VOIDED unsigned on {timezone.localdate(void.voided_at):%m/%d/%Y}: "
                "this file is not a certification and must not be filed"
            )
            valid_until = None
        elif ink is not None:
            ink_text = (
                f"signed in ink by {official_name(ink.signer)}, {ink.signer.title}, "
                f"on {ink.signed_on:%m/%d/%Y}"
            )
            valid_until = clocks.valid_until(request.form_type, ink.signed_on)
        elif form.issued_before_ink_recording:
            ink_text = (
                "issued before ink recording: the tracker holds no record of the ink signature"
            )
            valid_until = form.valid_until
        else:
            ink_text = "no ink signature recorded: this file is not yet a signed certification"
            valid_until = None
        return {
            "agency": request.agency.name,
            "form_name": formmap.edition_for(request).form_name,
            "form": f"{formmap.edition_for(request).form_name}, edition {form.form_edition}",
            "file": "the agency's sealed scan of the pages signed in ink"
            if self.scan
            else "the filled official form, as issued for the ink signature",
            "issued": issued_by(request, issued_on),
            "issued_on": issued_on,
            "ink_recorded": ink is not None,
            "ink": ink_text,
            "ink_signed_on": ink.signed_on if ink else None,
            "legacy": form.issued_before_ink_recording,
            "valid_until": valid_until,
            "voided": void is not None,
            "withdrawn": withdrawn,
            "withdrawn_on": timezone.localdate(request.certification_withdrawn_at)
            if withdrawn and request.certification_withdrawn_at
            else None,
        }

    def line(self) -> str:
        text = f"{_HEADINGS.get(self.status, self.status.upper())}: {self.reason}"
        facts = self.facts()
        if facts:
            valid = (
                f"valid for filing until {facts['valid_until']:%m/%d/%Y}"
                if facts["valid_until"]
                else "no filing validity until the ink signature is recorded"
            )
            text += (
                f" [{facts['issued']}; {facts['ink']}; {valid}; "
                + ("WITHDRAWN" if facts["withdrawn"] else "not withdrawn")
                + "]"
            )
        return text


def _known_fingerprints() -> set[str]:

    stored = IssuedForm.objects.values_list("signer_certificate_sha256", flat=True).distinct()
    return agency_certificate_fingerprints() | set(stored)


def verify_pdf(data: bytes) -> Verdict:
    """Is this exactly a file the agency issued? Compares the bytes with the agency's record and
    reads the embedded signature to tell "changed after signing" from "not ours"."""

    if not data.startswith(b"%PDF-"):
        return Verdict(UNKNOWN, "the file is not a PDF")
    digest = hashlib.sha256(data).hexdigest()
    form = IssuedForm.objects.select_related("request__agency").filter(sha256=digest).first()
    if form is not None:
        genuine = Verdict(GENUINE, "identical to the file the agency issued", form)
        return _unless_active(data, genuine)
    ink = (
        InkSignature.objects.select_related("issued_form__request__agency")
        .filter(sealed_scan_sha256=digest)
        .first()
    )
    if ink is not None:
        return _unless_active(data, Verdict(
            GENUINE, "identical to the scan of the ink-signed form the agency sealed",
            ink.issued_form, scan=True,
        ))  # fmt: skip

    code = find_code(data)
    by_code = (
        IssuedForm.objects.select_related("request__agency").filter(verification_code=code).first()
        if code
        else None
    )
    # Parsed in a limited child process: the file may come from anyone (pdf_sandbox.py).
    info = pdf_sandbox.inspect(data, **_sandbox_limits())
    if info.present and info.certificate_sha256 in _known_fingerprints():
        if info.intact and info.valid and info.entire_file:
            return Verdict(UNKNOWN, "sealed with the agency's key but not in its record", by_code)
        return Verdict(ALTERED, "sealed by the agency, but changed after it was sealed", by_code)
    what = "" if info.present else unissued_copy(data)
    if what:
        return Verdict(
            NOT_ISSUED,
            f"{what}, not a file it issued: not sealed, not to be signed and not for filing",
        )
    if by_code is not None:
        return Verdict(
            ALTERED,
            "carries the verification code of a file the agency issued, but is not that file",
            by_code,
        )
    if info.present:
        signer = f" ({info.signer})" if info.signer else ""
        return Verdict(UNKNOWN, f"sealed with a key that is not the agency's{signer}")
    return Verdict(UNKNOWN, f"not sealed by the agency: {info.error or 'no seal'}")


def _sandbox_limits() -> dict[str, int]:
    return {
        "cpu_seconds": settings.UVISA_VERIFY_CPU_SECONDS,
        "memory_mb": settings.UVISA_VERIFY_MEMORY_MB,
        "slots": settings.UVISA_VERIFY_CONCURRENCY,
    }


def _unless_active(data: bytes, verdict: Verdict) -> Verdict:
    """``verdict`` for a file the agency issued, unless it carries active content."""
    if not pdf_clean.may_have_active_content(data):
        return verdict
    found = pdf_sandbox.active_content(data, **_sandbox_limits())
    if found == []:
        return verdict
    what = ", ".join(found) if found else "content that could not be checked within the limits"
    return Verdict(
        ALTERED,
        f"identical to a file the agency issued, but it carries active content ({what}) that "
        "a PDF viewer may run; do not open it in a viewer that runs scripts, and ask the agency "
        "to issue the form again",
        verdict.form,
        scan=verdict.scan,
    )


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
        return Verdict(UNKNOWN, "no file issued by the agency has this verification code")
    return Verdict(GENUINE, "the agency issued a form with this verification code", form)
