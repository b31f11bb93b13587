"""The Chief's decision and the department's written answers (c. 258F s. 3): return for more
review, the written denial (s. 3(ii)), the delay notice (s. 3(iii)), and the withdrawal or
disavowal of a certification (8 CFR 214.14(h)(2)). Certifying is cases/documents/issuing.py
and the ink signature cases/services/ink.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import clocks
from cases import permissions as perms
from cases.clocks import due_date
from cases.issued_letters import issue_letter, letter_facts
from cases.models import CertificationRequest, CertificationWithdrawalKind, DelayNotice, Language
from cases.policy import resolve_decline_reason
from cases.services import reconsidered
from cases.services.common import require_text, take_step

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def request_return_for_review(
    *, request: CertificationRequest, actor: User, note: str, at: datetime | None = None
) -> CertificationRequest:
    note = require_text(note, "note", _("Say what needs more review."))
    return take_step(request, "return_for_review", actor=actor, at=at, internal=True, note=note)


@transaction.atomic
def request_decline(
    *,
    request: CertificationRequest,
    actor: User,
    reason: str,
    note: str = "",
    at: datetime | None = None,
) -> CertificationRequest:
    """Written denial without prejudice, citing the clause of the written policy (c. 258F s. 2)
    in force on the decision date (c. 258F s. 3(ii))."""
    at = at or timezone.now()
    policy, clause = resolve_decline_reason(request.agency, timezone.localdate(at), reason)
    official = perms.active_official(actor, request)

    def write_denial(locked: CertificationRequest) -> dict[str, Any]:
        return letter_facts(issue_letter(locked, "denial", actor=actor, at=at))

    return take_step(
        request,
        "decline",
        actor=actor,
        at=at,
        note=note.strip(),
        data={
            "reason": reason,
            "official": official.pk if official else None,
            "policy_version": policy.number if policy else None,
            "clause": clause.number if clause else None,
        },
        args={
            "by": actor,
            "official": official,
            "at": at,
            "reason": reason,
            "explanation": note.strip(),
            "policy": policy,
            "clause": clause,
        },
        after_save=reconsidered.deciding(request, actor, "denied", at, then=write_denial)
        or write_denial,
    )


@transaction.atomic
def _delay_translation(
    request: CertificationRequest,
    reason: str,
    process: str,
    reviewer: str,
    reviewed_on: date | None,
    *,
    today: date,
) -> dict[str, Any]:
    """The delay notice's reviewed translation, whole or not at all: both texts, who reviewed
    them and when, in the requester's letter language (never English)."""
    reason, process, reviewer = (
        (reason or "").strip(),
        (process or "").strip(),
        (reviewer or "").strip(),
    )
    if not (reason or process or reviewer or reviewed_on):
        return {}
    language = request.preferred_language or Language.ENGLISH
    if language == Language.ENGLISH:
        raise ValidationError(
            {"reason_translated": _("The requester's letters are in English: no translation.")}
        )
    missing = {
        name: _("A reviewed translation needs both texts, the reviewer and the date.")
        for name, value in (
            ("reason_translated", reason),
            ("process_translated", process),
            ("translation_reviewer", reviewer),
            ("translation_reviewed_on", reviewed_on),
        )
        if not value
    }
    if missing:
        raise ValidationError(missing)
    if reviewed_on is not None and reviewed_on > today:
        raise ValidationError({"translation_reviewed_on": _("The review date is in the future.")})
    return {
        "translation_language": language,
        "reason_translated": reason,
        "process_translated": process,
        "translation_reviewer": reviewer,
        "translation_reviewed_on": reviewed_on,
    }


def request_issue_delay_notice(
    *,
    request: CertificationRequest,
    actor: User,
    reason: str,
    process: str,
    projected_date: date,
    reason_translated: str = "",
    process_translated: str = "",
    translation_reviewer: str = "",
    translation_reviewed_on: date | None = None,
    at: datetime | None = None,
) -> CertificationRequest:
    """c. 258F s. 3(iii): the reason (outside the department's control), the process, a date;
    optionally both in the requester's language as a reviewed translation."""
    at = at or timezone.now()
    reason = require_text(reason, "reason", _("Give the reason for the delay."))
    process = require_text(process, "process", _("Describe the process that will be followed."))
    if projected_date is None or projected_date <= timezone.localdate(at):
        raise ValidationError({"projected_date": _("The projected date must be in the future.")})
    translation = _delay_translation(
        request,
        reason_translated,
        process_translated,
        translation_reviewer,
        translation_reviewed_on,
        today=timezone.localdate(at),
    )
    # Judged against the deadline in force when it is sent: by then it answers the request
    # under s. 3(iii) and holds it to its projected date; after it, the notice is late.
    due = due_date(request)
    earlier = clocks.delay_notices_of(request) if request.pk else []
    sent_on = timezone.localdate(at)
    timely, deadline_then = (
        clocks.notice_timely(due, earlier, sent_on) if due is not None else (True, sent_on)
    )
    standing = clocks.delay_standing(
        due or sent_on, [*earlier, clocks.NoticeFact(sent_on, projected_date)]
    )

    def record_notice(locked: CertificationRequest) -> dict[str, Any]:
        notice = DelayNotice.objects.create(
            request=locked,
            issued_at=at,
            issued_by=actor,
            reason=reason,
            process=process,
            projected_date=projected_date,
            timely=timely,
            deadline_then=deadline_then,
            **translation,
        )
        letter = issue_letter(locked, "delay", actor=actor, at=at, notice=notice)
        return {"notice": notice.pk, **letter_facts(letter)}

    return take_step(
        request,
        "issue_delay_notice",
        actor=actor,
        at=at,
        note=reason,
        data={
            "projected_date": projected_date.isoformat(),
            "timely": timely,
            "deadline_then": deadline_then.isoformat(),
        },
        args={
            "reason": reason,
            "process": process,
            "projected_date": projected_date,
            "at": at,
            "deadline": standing.deadline if standing.first_timely_on else None,
        },
        after_save=record_notice,
    )


@transaction.atomic
def request_withdraw_certification(
    *,
    request: CertificationRequest,
    actor: User,
    reason: str,
    at: datetime | None = None,
    kind: str = CertificationWithdrawalKind.WITHDRAW,
    receipt_number: str = "",
) -> CertificationRequest:
    """8 CFR 214.14(h)(2): the agency withdraws or disavows its certification in writing;
    the notice to USCIS is issued in the same transaction."""
    at = at or timezone.now()
    reason = require_text(reason, "reason", _("Give the reason for withdrawing the certification."))
    if kind not in CertificationWithdrawalKind.values:
        raise ValidationError({"kind": _("Choose withdrawal or disavowal.")})
    receipt_number = (receipt_number or "").strip().upper().replace(" ", "")
    if receipt_number and not (len(receipt_number) == 13 and receipt_number[:3].isalpha()):
        raise ValidationError(
            {"receipt_number": _("A USCIS receipt number is 3 letters and 10 digits.")}
        )

    def notice(locked: CertificationRequest) -> dict[str, Any]:
        if receipt_number:
            locked.uscis_receipt_number = receipt_number
            locked.save(update_fields=["uscis_receipt_number"])
        letter = issue_letter(locked, "uscis_withdrawal", actor=actor, at=at)
        return letter_facts(letter)

    return take_step(
        request,
        "withdraw_certification",
        actor=actor,
        at=at,
        note=reason,
        data={"kind": kind},
        args={"reason": reason, "at": at, "kind": kind},
        after_save=notice,
    )
