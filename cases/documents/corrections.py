"""Forms already issued with I-918B Part 4 answered backwards: found, put right, audited.

Before Part 4 was mapped by the loaded file's tooltips, the tracker asked "has the victim NOT
refused ...?" and ticked that answer into Part 4 item 3, which on USCIS's file asks "Since the
initiation of cooperation, has the victim refused or failed to provide assistance reasonably
requested ...?". A cooperative victim's form said she refused; the explanation of items 1-3
went into item 4 ("Other") and the box under item 3 said "N/A".

- ``part4_problems`` reads an issued form back by its template's matched boxes and compares
  Part 4 with the department's answers (migration 0029 stored them in the form's direction).
- ``flag`` records a FormCorrection for a wrong form (once) with a notice on the request. A
  form signed in ink gets a corrected form, filled and sealed, ready for the official's ink.
- ``request_reissue_corrected`` voids an unsigned wrong form and issues the corrected one in
  one step (the decision stands; the request keeps waiting for the ink signature).
- ``request_resolve_signed`` records that the corrected form was signed in ink and sent.
Nothing is deleted; every step is an audit event (CaseEvent kind "form_correction").
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from cases import permissions as perms
from cases import services
from cases.documents import issuing, official
from cases.documents.signing import sign_pdf
from cases.errors import TransitionRefused
from cases.lib.crypto import encrypt_file_bytes
from cases.models import (
    CaseEvent,
    CertificationRequest,
    FormCorrection,
    FormType,
    IssuedForm,
    Status,
    VoidedForm,
)
from cases.uscis import formmap, i918b_fields

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ITEM3 = (4, "3")
EXPLANATION = (4, i918b_fields.EXPLANATION)
OTHER = (4, "4")
WHY = (
    "Part 4 of this form was filled in the wrong direction: Item 3 asks whether the victim "
    "refused or failed to provide assistance reasonably requested, and the explanation belongs "
    "in the box under Item 3"
)


def _plain(text: str) -> str:
    return " ".join(str(text).split())


def part4_problems(form: IssuedForm) -> list[str]:
    """What ``form`` says in Part 4 that the department did not answer ([] if right).

    Only forms filled from a loaded I-918B template can be read back; others return []."""
    request = form.request
    template = form.template
    if template is None or request.form_type != FormType.U_VISA:
        return []
    fields = PdfReader(io.BytesIO(form.data)).get_fields() or {}

    def value(name: str) -> str:
        return str(fields.get(name, {}).get("/V", "") or "")

    problems = []
    boxes = i918b_fields.choice_boxes_from(template).get(ITEM3, {})
    ticked = [option for option, name in boxes.items() if value(name) not in ("", "/Off")]
    wanted = request.get_refused_or_failed_display() if request.refused_or_failed else ""
    if wanted and ticked != [wanted]:
        shown = ", ".join(ticked) or "no box"
        problems.append(
            f"Part 4, Item 3 (has the victim refused or failed to provide assistance reasonably "
            f"requested?) is answered “{shown}”; the department's answer is “{wanted}”"
        )
    explanation = _plain(request.helpfulness_explanation)
    in_box = _plain(value(i918b_fields.TEXT_FIELDS[EXPLANATION][0]))
    if explanation and not in_box.startswith(explanation[:40]):
        problems.append(
            "The explanation of Items 1-3 is not in the box under Part 4, Item 3 "
            f"(it holds “{in_box[:60]}”)"
        )
    other = _plain(request.helpfulness_other) or "N/A"
    in_other = _plain(value(i918b_fields.TEXT_FIELDS[OTHER][0]))
    if not in_other.startswith(other[:40]):
        problems.append(
            f"Part 4, Item 4 (Other) holds “{in_other[:60]}” instead of the department's "
            f"“{other[:60]}”"
        )
    return problems


def candidates() -> Any:
    """Issued U forms in force, from a template, not yet flagged."""
    return (
        IssuedForm.objects.in_force()
        .filter(request__form_type=FormType.U_VISA, template__isnull=False, correction=None)
        .select_related("request", "template")
        .order_by("pk")
    )


def _event(request: CertificationRequest, actor: Any, at: datetime, note: str, **data: Any) -> None:
    services.record_event(
        request, actor=actor, kind=CaseEvent.Kind.FORM_CORRECTION, at=at, note=note, data=data
    )


def _corrected_pdf(request: CertificationRequest, day: Any) -> bytes:
    """The corrected form, filled from the corrected map and sealed, for the ink signature."""
    name = formmap.edition_for(request).form_name
    pdf = official.official_pdf(
        request,
        official.template_for(request),
        metadata={
            "/Title": f"{name}, corrected form {issuing.issued_by(request, day)} for the ink "
            "signature",
            "/Author": request.agency.name,
            "/Subject": f"Correction of the form issued for {request.reference}: {WHY}",
            "/Creator": "U-visa certification tracker",
        },
    )
    sealed, _cert = sign_pdf(
        pdf,
        reason=f"Corrected {formmap.edition_for(request).form_name} "
        f"{issuing.issued_by(request, day)}; Part 6 is left for the certifying official's "
        "handwritten signature and date",
        location=f"{request.agency.city}, {request.agency.state}",
        contact=request.agency.phone,
    )
    return sealed


@transaction.atomic
def flag(
    form: IssuedForm,
    *,
    actor: Any = None,
    at: datetime | None = None,
    problems: list[str] | None = None,
) -> FormCorrection | None:
    """Record ``form`` as wrong (once), with a notice on its request; None if it is right.
    ``problems`` is ``part4_problems(form)`` when the caller has read the form already."""
    problems = part4_problems(form) if problems is None else problems
    if not problems:
        return None
    at = at or timezone.now()
    request = form.request
    signed = hasattr(form, "ink_signature")
    correction = FormCorrection(
        request=request, issued_form=form, problems=problems, signed_in_ink=signed, found_at=at
    )
    if signed:
        sealed = _corrected_pdf(request, timezone.localdate(at))
        correction.corrected_pdf = encrypt_file_bytes(sealed)
        correction.corrected_sha256 = hashlib.sha256(sealed).hexdigest()
    correction.save()
    _event(
        request,
        actor,
        at,
        WHY + ". " + ("A corrected form is ready for the certifying official's ink signature."
                      if signed else "The unsigned form is to be voided and issued again."),
        issued_form=form.verification_code,
        problems=problems,
        signed_in_ink=signed,
        corrected_sha256=correction.corrected_sha256,
    )  # fmt: skip
    return correction


def open_corrections(request: CertificationRequest) -> list[FormCorrection]:
    return list(
        request.form_corrections.filter(resolved_at__isnull=True).select_related("issued_form")
    )


def _require_official(actor: User, request: CertificationRequest) -> None:
    if actor.is_superuser or perms.active_official(actor, request) is not None:
        return
    raise TransitionRefused(
        "Only the certifying official (the Chief or a designee) corrects an issued form."
    )


@transaction.atomic
def request_reissue_corrected(
    *, request: CertificationRequest, actor: User, at: datetime | None = None
) -> IssuedForm:
    """Void the unsigned wrong form and issue the corrected one, in one step."""
    at = at or timezone.now()
    _require_official(actor, request)
    locked = services.lock_request(request)
    if locked.status != Status.AWAITING_INK:
        raise TransitionRefused(
            f"{locked.reference} is not waiting for the ink signature: nothing was changed."
        )
    form = IssuedForm.objects.current_for(locked)
    correction = FormCorrection.objects.filter(
        issued_form=form, resolved_at__isnull=True, signed_in_ink=False
    ).first()
    if form is None or correction is None or hasattr(form, "ink_signature"):
        raise TransitionRefused(
            f"{locked.reference} has no unsigned form flagged for correction: nothing was changed."
        )
    VoidedForm.objects.create(issued_form=form, reason=WHY, voided_by=actor, voided_at=at)
    facts = issuing.issue_form(request=locked, actor=actor, at=at)
    replacement = IssuedForm.objects.get(sha256=facts["sha256"])
    correction.replacement = replacement
    correction.resolved_at = at
    correction.resolved_by = actor
    correction.resolution = "Voided unsigned and issued again, corrected."
    correction.save()
    _event(
        locked,
        actor,
        at,
        WHY + ". The unsigned form was voided and a corrected form issued for the ink signature.",
        voided_verification_code=form.verification_code,
        **facts,
    )
    return replacement


@transaction.atomic
def request_resolve_signed(
    *, request: CertificationRequest, actor: User, note: str, at: datetime | None = None
) -> FormCorrection:
    """The certifying official signed the corrected form in ink and sent it: say how."""
    at = at or timezone.now()
    _require_official(actor, request)
    note = (note or "").strip()
    if not note:
        raise TransitionRefused("Say how the corrected form was signed and sent.")
    correction = (
        FormCorrection.objects.select_for_update()
        .filter(request=request, signed_in_ink=True, resolved_at__isnull=True)
        .first()
    )
    if correction is None:
        raise TransitionRefused(f"{request.reference} has no signed form awaiting correction.")
    correction.resolved_at = at
    correction.resolved_by = actor
    correction.resolution = note
    correction.save()
    _event(request, actor, at, f"Corrected form signed in ink and sent: {note}",
           corrected_sha256=correction.corrected_sha256)  # fmt: skip
    return correction
