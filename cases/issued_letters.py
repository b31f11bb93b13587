"""Letters issued at their event, stored once, and their delivery (c. 258F s. 3).

A letter is proof of a timely answer only if it carries the day of its event and stays as
sent. So each letter is produced once, inside the transaction of its event, dated that day,
stored encrypted with its SHA-256, and every later download returns the same bytes.

Rendering is document work, which the domain never imports: the renderer is handed in at
start-up (``CasesConfig.ready`` registers ``cases.documents.letters.render_issued``).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.audit import append_event
from cases.lib.crypto import decrypt_file_bytes, encrypt_file_bytes
from cases.models import (
    CaseEvent,
    CertificationRequest,
    DelayNotice,
    IssuedLetter,
    Language,
    LetterDelivery,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Renderer(Protocol):
    """(request, kind, language asked for, dated, delay notice; the status code to print)
    -> (PDF bytes, language the letter is written in, translation reviewed)"""

    def __call__(
        self,
        request: CertificationRequest,
        kind: str,
        language: str,
        dated: date,
        notice: DelayNotice | None,
        *,
        status_code: str = "",
    ) -> tuple[bytes, str, bool]: ...


_RENDERERS: list[Renderer] = []

# Letters to the USCIS go in English only (8 CFR 214.14(h)(2)); so does the cover letter to
# the Massachusetts agency a request is forwarded to.
ENGLISH_ONLY = {"uscis_withdrawal", "referral_forwarding"}


def set_renderer(renderer: Renderer) -> None:
    _RENDERERS[:] = [renderer]


def letter_language(request: CertificationRequest, kind: str) -> str:
    if kind in ENGLISH_ONLY or not request.preferred_language:
        return Language.ENGLISH
    return request.preferred_language


def issue_letter(
    request: CertificationRequest,
    kind: str,
    *,
    actor: User | None,
    at: datetime,
    notice: DelayNotice | None = None,
    status_code: str = "",
) -> IssuedLetter:
    """Render the letter dated the event's day, store it encrypted; return the record.

    Runs inside the event's transaction: if rendering fails, the event does not happen.
    ``status_code``: the requester's code for /status/, printed in this letter only (the
    database keeps its keyed hash; the letter itself is stored encrypted)."""
    if not _RENDERERS:
        raise RuntimeError("No letter renderer registered (CasesConfig.ready).")
    dated = timezone.localdate(at)
    # Labelled with the language the renderer wrote it in, not the one asked for.
    pdf, written, reviewed = _RENDERERS[0](
        request, kind, letter_language(request, kind), dated, notice, status_code=status_code
    )
    return IssuedLetter.objects.create(
        request=request,
        kind=kind,
        language=written,
        delay_notice=notice,
        dated=dated,
        pdf=encrypt_file_bytes(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        translation_reviewed=reviewed,
        issued_at=at,
        issued_by=actor,
    )


def letter_facts(letter: IssuedLetter) -> dict[str, object]:
    """What the event records about the letter."""
    return {
        "letter": letter.pk,
        "letter_sha256": letter.sha256,
        "letter_dated": letter.dated.isoformat(),
        "letter_language": letter.language,
    }


def letter_bytes(letter: IssuedLetter) -> bytes:
    """The PDF exactly as issued; refuses bytes that no longer match their SHA-256."""
    pdf = decrypt_file_bytes(bytes(letter.pdf))
    if hashlib.sha256(pdf).hexdigest() != letter.sha256:
        raise ValueError(f"Issued letter {letter.pk} does not match its SHA-256.")
    return pdf


def latest_letter(request: CertificationRequest, kind: str) -> IssuedLetter | None:
    return (
        IssuedLetter.objects.filter(request=request, kind=kind)
        .order_by("-issued_at", "-pk")
        .first()
    )


@transaction.atomic
def record_delivery(
    *,
    letter: IssuedLetter,
    actor: User,
    method: str,
    delivered_on: date,
    recipient: str,
) -> LetterDelivery:
    """How and when a letter reached its addressee (e-mail, mail or by hand)."""
    request = CertificationRequest.objects.select_for_update().get(pk=letter.request_id)
    if not perms.can_record_letter_delivery(request, actor):
        raise PermissionDenied(_("You may not do this on this request."))
    if method not in LetterDelivery.Method.values:
        raise ValidationError({"method": _("Choose e-mail, mail or by hand.")})
    recipient = (recipient or "").strip()
    if not recipient:
        raise ValidationError({"recipient": _("Say to whom the letter was delivered.")})
    if delivered_on is None or delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The delivery date cannot be in the future.")})
    if delivered_on < letter.dated:
        raise ValidationError({"delivered_on": _("The letter was delivered before it was dated?")})
    delivery = LetterDelivery.objects.create(
        letter=letter,
        method=method,
        delivered_on=delivered_on,
        recipient=recipient,
        recorded_by=actor,
    )
    append_event(
        CaseEvent(
            request=request,
            actor=actor,
            kind=CaseEvent.Kind.NOTE,
            note=f"Letter ({letter.kind}, dated {letter.dated:%m/%d/%Y}) delivered "
            f"{delivered_on:%m/%d/%Y} ({delivery.get_method_display()}).",
            data={"letter": letter.pk, "delivery": delivery.pk, "method": method},
        )
    )
    return delivery
