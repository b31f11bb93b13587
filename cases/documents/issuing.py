"""Issuing the Supplement B: the official form filled for the ink signature, the sealed scan.

- ``request_certify`` records the Chief's decision and, in the same transaction, fills the
  loaded official form (cases/documents/official.py), seals it with the agency's key as
  "issued by AGENCY on DATE" and stores it once with its SHA-256. Part 6 items 1 and 2 stay
  empty: the certifying official signs and dates them in ink (Form I-918 Supplement B
  instructions; 8 CFR 103.2(a)(7)(ii)(A)). If sealing fails, nothing is recorded.
- ``request_record_ink_signature`` records the ink date, the signer and the scan of the signed
  pages (cases/services/ink.py), and seals a copy of the scan; only then is the request answered.
- The seal proves that a file is exactly what the department issued. It is not a signature.
- ``filing_copy`` fills the official form before (or without) a decision: every page and its
  metadata say "DRAFT - NOT ISSUED - DO NOT SIGN" (cases/documents/draft.py); never sealed.
  It is the department's review copy wherever the form's template is loaded.
- ``review_pdf`` is our own layout of the items, for reading on screen where no template is
  loaded: every page says "REVIEW COPY - NOT FOR FILING", and it is never sealed.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from cases import permissions as perms
from cases import services
from cases.documents import draft, official, pdf_sandbox
from cases.documents.render import render_form_pdf
from cases.documents.signing import sign_pdf
from cases.errors import TransitionRefused
from cases.lib import pdf_clean
from cases.lib.crypto import encrypt_file_bytes
from cases.models import CertificationRequest, CertifyingOfficial, IssuedForm, VoidedForm
from cases.services import ink, reconsidered
from cases.uscis import formmap

if TYPE_CHECKING:
    from django.contrib.auth.models import User


CODE_PATTERN = re.compile(rb"uvisa-verification-code:([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})")
# pypdf writes "-" and ":" in the document information as octal escapes.
_ESCAPED_CODE = re.compile(
    rb"uvisa\\055verification\\055code\\072"
    rb"([A-Z2-9]{4})\\055([A-Z2-9]{4})\\055([A-Z2-9]{4})"
)


def find_code(data: bytes) -> str | None:
    """The verification code a file carries in its metadata, if any."""
    match = CODE_PATTERN.search(data)
    if match:
        return match.group(1).decode()
    escaped = _ESCAPED_CODE.search(data)
    return "-".join(g.decode() for g in escaped.groups()) if escaped else None


_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed by hand


def verification_code_for(request: CertificationRequest) -> str:
    """12 characters derived from the reference with a server secret: unguessable, stable.

    The review copy prints the same code the issued form will carry; only an issued form is
    recorded, and once it is, its stored code is the code (even if SECRET_KEY changes later).
    """
    stored = (
        IssuedForm.objects.in_force()
        .filter(request_id=request.pk)
        .values_list("verification_code", flat=True)
        .first()
    )
    if stored:
        return stored
    # A form issued after a voided one gets a code of its own (the voided code stays its).
    voided = IssuedForm.objects.filter(request_id=request.pk, void__isnull=False).count()
    salt = f"i918b-code:{request.reference}" + (f":{voided}" if voided else "")
    digest = hmac.new(settings.SECRET_KEY.encode(), salt.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:10], "big")
    chars = []
    for _n in range(12):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    code = "".join(chars)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def issued_by(request: CertificationRequest, day: date) -> str:
    """What the seal says, everywhere: never "signed" or "certified" (that is the ink's)."""
    return f"issued by {request.agency.name} on {day:%m/%d/%Y}"


def official_name(official: CertifyingOfficial) -> str:
    return " ".join(
        p for p in (official.given_name, official.middle_name, official.family_name) if p
    )


def review_pdf(request: CertificationRequest) -> bytes:
    """Our own layout of the items, marked "REVIEW COPY - NOT FOR FILING"; never sealed."""
    return render_form_pdf(request, code=verification_code_for(request))


def _metadata(request: CertificationRequest, code: str, what: str) -> dict[str, str]:
    return {
        "/Title": f"{formmap.edition_for(request).form_name}, {what}",
        "/Author": request.agency.name,
        "/Subject": f"Verification code {code}",
        "/Keywords": f"uvisa-verification-code:{code}",
        "/Creator": "U-visa certification tracker",
    }


def draft_metadata(request: CertificationRequest, day: date) -> dict[str, str]:
    """A draft's document information: "DRAFT - NOT ISSUED - DO NOT SIGN", no issue, no code."""
    return draft.metadata(
        formmap.edition_for(request).form_name, author=request.agency.name, day=f"{day:%m/%d/%Y}"
    )


def filing_copy(request: CertificationRequest, *, day: date | None = None) -> bytes:
    """The official form filled now, before or without the decision: a draft.

    "DRAFT - NOT ISSUED - DO NOT SIGN" on every page and in its metadata, never sealed. Only
    the form ``issue_form`` issues at the decision goes to the certifying official's ink.
    """
    day = day or timezone.localdate()
    info = draft_metadata(request, day)
    pdf = official.official_pdf(request, official.template_for(request), metadata=info)
    return draft.mark(pdf, info)


def review_copy(request: CertificationRequest) -> tuple[bytes, bool]:
    """What the department reviews: the filled official form marked DRAFT where its template
    is loaded (True), else our own layout (False)."""
    if official.template_problem(request):
        return review_pdf(request), False
    return filing_copy(request), True


def issue_form(*, request: CertificationRequest, actor: User, at: datetime) -> dict[str, Any]:
    """Fill, seal and store the official form; the returned facts go into the certify event."""
    template = official.template_for(request)
    day = timezone.localdate(at)
    code = verification_code_for(request)
    pdf = official.official_pdf(
        request,
        template,
        metadata=_metadata(request, code, f"{issued_by(request, day)} for the ink signature"),
    )
    sealed, cert_sha256 = sign_pdf(
        pdf,
        reason=f"{formmap.edition_for(request).form_name} {issued_by(request, day)}; Part 6 is "
        "left for the certifying official's handwritten signature and date",
        location=f"{request.agency.city}, {request.agency.state}",
        contact=request.agency.phone,
    )
    digest = hashlib.sha256(sealed).hexdigest()
    IssuedForm.objects.create(
        request=request,
        form_edition=request.form_edition,
        template=template,
        pdf=encrypt_file_bytes(sealed),
        sha256=digest,
        size=len(sealed),
        verification_code=code,
        signer_certificate_sha256=cert_sha256,
        issued_at=at,
        issued_by=actor,
    )
    return {
        "sha256": digest,
        "verification_code": code,
        "size": len(sealed),
        "template_sha256": template.sha256,
    }


@transaction.atomic
def request_certify(
    *, request: CertificationRequest, actor: User, note: str = "", at: datetime | None = None
) -> CertificationRequest:
    """The Chief's decision: who, when, note; the official form is issued for the ink signature.

    The request is not answered yet (c. 258F s. 3(i)): it waits for the ink signature. If
    there is no loaded template, the request is a T-visa request, or sealing fails, nothing is
    recorded.
    """
    at = at or timezone.now()
    official_row = perms.active_official(actor, request)

    def issue(locked: CertificationRequest) -> dict[str, Any]:
        return issue_form(request=locked, actor=actor, at=at)

    return services.take_step(
        request,
        "certify",
        actor=actor,
        at=at,
        note=note.strip(),
        data={"official": official_row.pk if official_row else None},
        args={"by": actor, "official": official_row, "at": at},
        after_save=reconsidered.deciding(request, actor, "granted", at, then=issue) or issue,
    )


@transaction.atomic
def request_void_unsigned_form(
    *, request: CertificationRequest, actor: User, reason: str, at: datetime | None = None
) -> CertificationRequest:
    """Awaiting ink -> the Chief's decision again: the issued form was not signed in ink.

    The certifying official may not sign what was issued (8 CFR 214.14(c)(2)(i) asks for the
    official's own signature), or another official must decide. The sealed file stays stored
    and /verify/ calls it void; a new decision issues a new form with its own code.
    """
    at = at or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the form is voided, e.g. the official will not sign it.")}
        )

    def void(locked: CertificationRequest) -> dict[str, Any]:
        form = IssuedForm.objects.current_for(locked)
        if form is None:
            raise TransitionRefused(
                _("%(reference)s has no issued form. Nothing was changed.")
                % {"reference": locked.reference}
            )
        VoidedForm.objects.create(issued_form=form, reason=reason, voided_by=actor, voided_at=at)
        return {"voided_verification_code": form.verification_code}

    return services.take_step(
        request, "void_unsigned_form", actor=actor, at=at, note=reason, after_save=void
    )


# --- the scan of the pages signed in ink ---


def _clean_scan_pdf(data: bytes) -> bytes:
    """A scanned PDF rewritten without JavaScript, actions or embedded files (pdf_clean.py,
    in a bounded child process), or refused with a form error."""
    try:
        cleaned, _report = pdf_sandbox.clean(
            data,
            cpu_seconds=settings.UVISA_CLEAN_CPU_SECONDS,
            memory_mb=settings.UVISA_CLEAN_MEMORY_MB,
            limits=pdf_clean.Limits(max_bytes=settings.UVISA_MAX_UPLOAD_BYTES),
        )
    except pdf_clean.Refused as exc:
        raise ValidationError(
            {
                "scan": _(
                    "The scanned PDF cannot be used: %(why)s Scan again, or upload PNG or JPEG."
                )
                % {"why": exc}
            }
        ) from exc
    return cleaned


def _scan_as_pdf(data: bytes, content_type: str) -> bytes:
    """The scan as a PDF: a PDF cleaned (``_clean_scan_pdf``), an image on a Letter page."""
    if content_type == "application/pdf":
        return _clean_scan_pdf(data)
    try:
        image = ImageReader(io.BytesIO(data))
        width, height = image.getSize()
    except Exception as exc:  # PIL raises many kinds on damaged images
        raise ValidationError({"scan": _("The scanned image cannot be read.")}) from exc
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=LETTER, invariant=1)
    page_w, page_h = LETTER
    scale = min((page_w - 36) / width, (page_h - 36) / height)
    w, h = width * scale, height * scale
    canvas.drawImage(image, (page_w - w) / 2, (page_h - h) / 2, w, h)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def seal_scan(
    request: CertificationRequest,
    data: bytes,
    content_type: str,
    signer: CertifyingOfficial,
    signed_on: date,
) -> tuple[bytes, str]:
    """The scan, sealed: "signed in ink by NAME on DATE; scan issued by AGENCY on DATE"."""
    pdf = _scan_as_pdf(data, content_type)
    ink_text = f"signed in ink by {official_name(signer)} on {signed_on:%m/%d/%Y}"
    today = timezone.localdate()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata(
        _metadata(
            request, verification_code_for(request), f"{ink_text}; scan {issued_by(request, today)}"
        )
    )
    out = io.BytesIO()
    writer.write(out)
    return sign_pdf(
        out.getvalue(),
        reason=f"Scan of {formmap.edition_for(request).form_name} {ink_text}; "
        f"{issued_by(request, today)}",
        location=f"{request.agency.city}, {request.agency.state}",
        contact=request.agency.phone,
    )


def request_record_ink_signature(
    *,
    request: CertificationRequest,
    actor: User,
    signed_on: date | None,
    signer: CertifyingOfficial | None,
    scan: UploadedFile | None,
    at: datetime | None = None,
    supervisor_signed_on: date | None = None,
) -> CertificationRequest:
    """The coordinator (or the Chief) records the ink date, the signer and the scan (and the
    supervisor's ink date where the form asks for it: I-914B 02/27/17 Part F).

    A scanned PDF is stored cleaned of JavaScript, actions and embedded files, never as
    uploaded: the stored document is served to whoever may read the request."""
    return ink.request_record_ink_signature(
        request=request,
        actor=actor,
        signed_on=signed_on,
        signer=signer,
        scan=_cleaned_upload(scan),
        seal=seal_scan,
        at=at,
        supervisor_signed_on=supervisor_signed_on,
    )


def _cleaned_upload(scan: UploadedFile | None) -> UploadedFile | None:
    """The upload as it will be stored: a PDF cleaned (``_clean_scan_pdf``), an image as is
    (PNG and JPEG carry no actions)."""
    if scan is None:
        return None
    scan.seek(0)
    head = scan.read(5)
    scan.seek(0)
    if head != b"%PDF-":
        return scan
    cleaned = _clean_scan_pdf(scan.read())
    return SimpleUploadedFile(scan.name or "scan.pdf", cleaned, "application/pdf")
