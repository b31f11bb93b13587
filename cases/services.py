"""Every write to a request: one function per verb, each one transaction.

Each service locks the request row, checks the transition permission, transitions,
saves, writes one append-only CaseEvent, and sends mail only after commit. A refusal
raises before anything is written, so state and audit stay untouched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from guardian.shortcuts import assign_perm, remove_perm

from cases import clocks
from cases import permissions as perms
from cases.audit import append_event
from cases.clocks import due_date
from cases.consistency import unmet_certify_conditions
from cases.errors import StaleRequest, TransitionRefused
from cases.issued_letters import issue_letter, letter_facts
from cases.lib.names import user_name
from cases.lib.uploads import display_name, validate_upload
from cases.models import (
    AdvocateOrganization,
    Agency,
    CaseEvent,
    CertificationRequest,
    CertificationWithdrawalKind,
    DelayNotice,
    Document,
    FamilyMember,
    FormType,
    QualifyingCrimeCategory,
    ReferenceCounter,
    Status,
    Statute,
)
from cases.notifications import notify_event
from cases.policy import resolve_decline_reason
from cases.roles import DETECTIVE
from cases.uscis.formmap import check as formmap_check
from cases.uscis.trafficking import TraffickingForm

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# Fields an advocate fills (Part 1 and the incident as the advocate knows it).
ADVOCATE_FIELDS = [
    "form_type",
    "expedited",
    "expedited_reason",
    "age_out_date",
    "expedited_note",
    "a_number",
    "family_name",
    "given_name",
    "middle_name",
    "other_family_name",
    "other_given_name",
    "other_middle_name",
    "more_other_names",
    "date_of_birth",
    "gender",
    "preferred_language",
    "uscis_receipt_number",
    "report_number",
    "incident_date",
    "additional_incident_dates",
    "incident_location",
    "criminal_activity_description",
    "injury_description",
    "advocate_helpfulness_note",
]
HELPFULNESS_FIELDS = [
    "possesses_information",
    "has_been_helpful",
    "refused_or_failed",
    "helpfulness_other",
    "helpfulness_explanation",
    "family_members_implicated",
]
# Form I-914 Supplement B, Part 4 (cooperation) and Part 5 item 1: the detective's T answers.
COOPERATION_FIELDS = ["cooperation", "cooperation_explanation", "family_members_implicated"]
CRIME_CHECK_FIELDS = [
    "case_status",
    "case_status_other",
    "fbi_or_sid_number",
    "occurred_in_us",
    "occurred_in_us_explanation",
    "extraterritorial",
    "extraterritorial_citation",
    "other_statute_citations",
    "crime_check_note",
]


# --- helpers ---


def lock_request(request: CertificationRequest) -> CertificationRequest:
    locked = CertificationRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != request.status:
        raise StaleRequest(
            _(
                "%(reference)s was changed by someone else while you had it open: it "
                "is now “%(status)s”. Nothing was changed; reload the page."
            )
            % {"reference": locked.reference, "status": locked.get_status_display()}
        )
    return locked


def record_event(
    request: CertificationRequest,
    *,
    actor: User | None,
    kind: str,
    at: datetime | None = None,
    note: str = "",
    transition: str = "",
    from_state: str = "",
    to_state: str = "",
    internal: bool = False,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    event = CaseEvent(
        request=request,
        actor=actor,
        created_at=at or timezone.now(),
        kind=kind,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        note=note,
        internal=internal,
        data=data or {},
    )
    # Tamper evidence: chained to the previous event under a lock (cases/audit.py).
    append_event(event)
    transaction.on_commit(lambda: notify_event(event.pk))
    return event


def take_step(
    request: CertificationRequest,
    name: str,
    *,
    actor: User,
    at: datetime | None,
    args: dict[str, Any] | None = None,
    note: str = "",
    internal: bool = False,
    data: dict[str, Any] | None = None,
    after_save: Callable[[CertificationRequest], dict[str, Any]] | None = None,
) -> CertificationRequest:
    """Lock, check, transition, save, audit. Runs inside the calling service's transaction.

    ``args`` go to the transition method; ``at`` (default: now) stamps the event.
    ``after_save`` runs after the save, before the event; what it returns joins the event data.
    """
    locked = lock_request(request)
    meta = getattr(CertificationRequest, name)._django_fsm
    label = str(next(iter(meta.transitions.values())).custom.get("label", name))
    if not meta.has_transition(locked.status):
        raise TransitionRefused(
            _(
                "“%(label)s” is not possible while %(reference)s is “%(status)s”. "
                "Nothing was changed."
            )
            % {"label": label, "reference": locked.reference, "status": locked.get_status_display()}
        )
    if not perms.STEP_RULES[name](locked, actor):
        raise PermissionDenied(_("You may not do this on this request."))
    if not meta.conditions_met(locked, locked.status):
        raise TransitionRefused(_unmet_condition_message(name, locked))
    from_state = locked.status
    getattr(locked, name)(**(args or {}))
    try:
        locked.save()
    except ConcurrentTransition as exc:
        raise StaleRequest(
            _("%(reference)s was changed by someone else. Nothing was changed; reload the page.")
            % {"reference": locked.reference}
        ) from exc
    if after_save is not None:
        data = {**(data or {}), **after_save(locked)}
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        at=at,
        transition=name,
        from_state=from_state,
        to_state=locked.status,
        note=note,
        internal=internal,
        data=data,
    )
    return locked


def _unmet_condition_message(name: str, request: CertificationRequest | None = None) -> str:
    if name == "certify" and request is not None:  # name the empty or inconsistent items
        missing, to_adopt = formmap_check(request)
        problems = unmet_certify_conditions(request)
        text = ""
        if to_adopt:
            text += (
                _(
                    "These Supplement B items still need the department's text (adopt the "
                    "proposal or rewrite it): %(items)s."
                )
                % {"items": "; ".join(to_adopt)}
                + " "
            )
        if missing:
            text += (
                _("These required Supplement B items are empty: %(items)s.")
                % {"items": "; ".join(missing)}
                + " "
            )
        if problems:
            text += _("Before certifying: %(problems)s.") % {"problems": "; ".join(problems)} + " "
        return (text or _("The request is not ready for this step.") + " ") + _(
            "Nothing was changed."
        )
    return {
        "submit": _(
            "Fill in the victim's family and given names and the date of the incident "
            "before submitting."
        ),
        "confirm_qualifying_crime": _(
            "Tick at least one qualifying-crime category and assign a detective before confirming."
        ),
        "attest_helpfulness": _(
            "Answer Part 4 items 1-3 and explain the victim's helpfulness before attesting."
        ),
    }.get(name, _("The request is not ready for this step."))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this on this request."))


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def organization_of(user: User) -> AdvocateOrganization | None:
    return AdvocateOrganization.objects.filter(group__user=user).first()


def next_reference(agency: Agency, form_type: str, year: int) -> str:
    counter, _unused = ReferenceCounter.objects.get_or_create(agency=agency, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    kind = "TV" if form_type == FormType.T_VISA else "UV"
    return f"{agency.code}-{kind}-{year}-{counter.last_number:04d}"


def _clean_fields(request: CertificationRequest, fields: Iterable[str]) -> None:
    exclude = [f.name for f in request._meta.fields if f.name not in set(fields)]
    request.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def apply_values(
    request: CertificationRequest, values: dict[str, Any], allowed: list[str]
) -> list[str]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(unknown)s")
            % {"unknown": ", ".join(sorted(unknown))}
        )
    changed = [name for name, value in values.items() if getattr(request, name) != value]
    for name in changed:
        setattr(request, name, values[name])
    _clean_fields(request, changed)
    return changed


# --- advocate ---


@transaction.atomic
def request_create(
    *, actor: User, agency: Agency, values: dict[str, Any], at: datetime | None = None
) -> CertificationRequest:
    """A new draft in the advocate's organisation, visible to that organisation only."""
    organization = organization_of(actor)
    if organization is None or not perms.has_capability(actor, perms.SUBMIT):
        raise PermissionDenied(_("You may not do this on this request."))
    at = at or timezone.now()
    request = CertificationRequest(agency=agency, organization=organization, advocate=actor)
    request.created_at = at
    apply_values(request, values, ADVOCATE_FIELDS)
    request.reference = next_reference(agency, request.form_type, timezone.localdate(at).year)
    request.save()
    assign_perm("view_certificationrequest", organization.group, request)
    record_event(request, actor=actor, kind=CaseEvent.Kind.CREATED, at=at, to_state=request.status)
    return request


@transaction.atomic
def request_create_recertification(
    *, original: CertificationRequest, actor: User, at: datetime | None = None
) -> CertificationRequest:
    """A new draft for a fresh signature, linked to an earlier certified request."""
    _require(perms.can_submit(original, actor))
    if original.status != Status.CERTIFIED:
        raise TransitionRefused(_("Only a certified request can be re-certified."))
    values = {name: getattr(original, name) for name in ADVOCATE_FIELDS}
    request = request_create(actor=actor, agency=original.agency, values=values, at=at)
    request.recertification_of = original
    request.save(update_fields=["recertification_of"])
    request.statutes.set(original.statutes.all())
    record_event(
        original,
        actor=actor,
        kind=CaseEvent.Kind.NOTE,
        at=at,
        note=f"Re-certification requested as {request.reference}.",
        data={"recertification": request.reference},
    )
    return request


@transaction.atomic
def request_update(
    *, request: CertificationRequest, actor: User, values: dict[str, Any]
) -> CertificationRequest:
    """Edit the advocate's sections while the request is a draft or information is requested."""
    locked = lock_request(request)
    _require(perms.can_edit(locked, actor))
    changed = apply_values(locked, values, ADVOCATE_FIELDS)
    if locked.received_at and {"expedited", "expedited_reason", "age_out_date"} & set(changed):
        locked.due_on = due_date(locked)  # keep the stored queue date true to the track
        changed.append("due_on")
    if changed:
        locked.save(update_fields=changed)
        # Field names only: the audit trail must not copy victim details.
        record_event(locked, actor=actor, kind=CaseEvent.Kind.EDITED, data={"fields": changed})
    return locked


@transaction.atomic
def request_add_document(
    *, request: CertificationRequest, actor: User, upload: UploadedFile, kind: str
) -> Document:
    locked = CertificationRequest.objects.select_for_update().get(pk=request.pk)
    _require(perms.can_add_document(locked, actor))
    return store_document(locked, actor=actor, upload=upload, kind=kind)


def store_document(
    locked: CertificationRequest,
    *,
    actor: User,
    upload: UploadedFile,
    kind: str,
    record: bool = True,
) -> Document:
    """Validate and store an upload; ``record=False`` when the caller's own event names it."""
    content_type = validate_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        request=locked,
        kind=kind,
        original_name=display_name(upload.name or ""),
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    document.file.save(upload.name, upload, save=False)
    document.save()
    if not record:
        return document
    with translation.override("en"):  # the audit trail is written in English
        kind_label = str(document.get_kind_display())
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.DOCUMENT_ADDED,
        note=kind_label,
        data={"document": document.pk, "sha256": document.sha256, "size": document.size},
    )
    return document


@transaction.atomic
def request_submit(
    *, request: CertificationRequest, actor: User, at: datetime | None = None
) -> CertificationRequest:
    """Draft -> received: the c. 258F s. 3 clock starts now."""
    at = at or timezone.now()
    return take_step(
        request,
        "submit",
        actor=actor,
        at=at,
        args={"at": at},
        after_save=lambda r: letter_facts(issue_letter(r, "acknowledgement", actor=actor, at=at)),
    )


@transaction.atomic
def request_answer_information(
    *, request: CertificationRequest, actor: User, text: str, at: datetime | None = None
) -> CertificationRequest:
    text = _require_text(text, "text", _("Write an answer to the information request."))
    return take_step(
        request, "answer_information", actor=actor, at=at, note=text, args={"text": text}
    )


@transaction.atomic
def request_withdraw(
    *, request: CertificationRequest, actor: User, reason: str = "", at: datetime | None = None
) -> CertificationRequest:
    at = at or timezone.now()
    reason = reason.strip()
    return take_step(
        request, "withdraw", actor=actor, at=at, note=reason, args={"reason": reason, "at": at}
    )


# --- coordinator ---


@transaction.atomic
def request_begin_crime_check(
    *, request: CertificationRequest, actor: User, at: datetime | None = None
) -> CertificationRequest:
    return take_step(request, "begin_crime_check", actor=actor, at=at)


@transaction.atomic
def request_record_crime_check(
    *,
    request: CertificationRequest,
    actor: User,
    categories: Iterable[QualifyingCrimeCategory],
    statutes: Iterable[Statute],
    values: dict[str, Any],
    at: datetime | None = None,
    trafficking_forms: Iterable[str] = (),
) -> CertificationRequest:
    """The coordinator's Part 3 work: federal categories (a T request: the forms of
    trafficking, 22 U.S.C. 7102), cited statutes, jurisdiction answers."""
    locked = lock_request(request)
    _require(perms.can_record_crime_check(locked, actor))
    if locked.form_type == FormType.T_VISA:
        unknown = set(trafficking_forms) - set(TraffickingForm.values)
        if unknown:
            raise ValidationError({"categories": _("Choose forms of trafficking from the list.")})
        values = {**values, "trafficking_forms": sorted(set(trafficking_forms))}
        categories = []
    changed = apply_values(locked, values, [*CRIME_CHECK_FIELDS, "trafficking_forms"])
    if changed:
        locked.save(update_fields=changed)
    locked.crime_categories.set(categories)
    locked.statutes.set(statutes)
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.EDITED,
        at=at,
        internal=True,
        # The coordinator's internal note is read by staff in the history (never advocates).
        note="Qualifying-crime check recorded."
        + (f"\nNote: {locked.crime_check_note}" if "crime_check_note" in changed else ""),
        data={
            "fields": changed,
            "categories": sorted(c.code for c in locked.crime_categories.all()),
            "trafficking_forms": list(locked.trafficking_forms),
            "statutes": sorted(s.citation for s in locked.statutes.all()),
        },
    )
    return locked


@transaction.atomic
def request_assign_detective(
    *, request: CertificationRequest, actor: User, detective: User, at: datetime | None = None
) -> CertificationRequest:
    """Give the detective the request (guardian grant) and take it from the previous one."""
    locked = lock_request(request)
    _require(perms.can_assign_detective(locked, actor))
    if not (detective.is_active and detective.groups.filter(name=DETECTIVE).exists()):
        raise ValidationError({"detective": _("Choose an active detective.")})
    previous = locked.assigned_detective
    if previous == detective:
        return locked
    if previous is not None:
        remove_perm("view_certificationrequest", previous, locked)
    assign_perm("view_certificationrequest", detective, locked)
    locked.assigned_detective = detective
    locked.save(update_fields=["assigned_detective"])
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.ASSIGNED,
        at=at,
        internal=True,
        note=f"Assigned to {user_name(detective)}.",
        data={"detective": detective.pk, "previous": previous.pk if previous else None},
    )
    return locked


@transaction.atomic
def request_confirm_qualifying_crime(
    *, request: CertificationRequest, actor: User, note: str = "", at: datetime | None = None
) -> CertificationRequest:
    note = note.strip()
    return take_step(
        request,
        "confirm_qualifying_crime",
        actor=actor,
        at=at,
        internal=True,
        note=note,
        args={"note": note},
    )


@transaction.atomic
def request_refer_not_qualifying(
    *, request: CertificationRequest, actor: User, reason: str, at: datetime | None = None
) -> CertificationRequest:
    reason = _require_text(reason, "reason", _("Say why the crime does not qualify."))
    return take_step(
        request,
        "refer_not_qualifying",
        actor=actor,
        at=at,
        internal=True,
        note=reason,
        args={"reason": reason},
    )


@transaction.atomic
def request_ask_information(
    *, request: CertificationRequest, actor: User, text: str, at: datetime | None = None
) -> CertificationRequest:
    at = at or timezone.now()
    text = _require_text(text, "text", _("Say what information is needed."))
    return take_step(
        request, "request_information", actor=actor, at=at, note=text, args={"text": text, "at": at}
    )


@transaction.atomic
def request_issue_delay_notice(
    *,
    request: CertificationRequest,
    actor: User,
    reason: str,
    process: str,
    projected_date: date,
    at: datetime | None = None,
) -> CertificationRequest:
    """c. 258F s. 3(iii): the reason (outside the department's control), the process, a date."""
    at = at or timezone.now()
    reason = _require_text(reason, "reason", _("Give the reason for the delay."))
    process = _require_text(process, "process", _("Describe the process that will be followed."))
    if projected_date is None or projected_date <= timezone.localdate(at):
        raise ValidationError({"projected_date": _("The projected date must be in the future.")})
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


# --- detective ---


@transaction.atomic
def request_record_helpfulness(
    *,
    request: CertificationRequest,
    actor: User,
    values: dict[str, Any],
    family_members: list[dict[str, str]] | None = None,
    at: datetime | None = None,
) -> CertificationRequest:
    """Part 4 answers and Part 5 family members, before the attestation."""
    locked = lock_request(request)
    _require(perms.can_record_helpfulness(locked, actor))
    fields = COOPERATION_FIELDS if locked.form_type == FormType.T_VISA else HELPFULNESS_FIELDS
    changed = apply_values(locked, values, fields)
    if changed:
        locked.save(update_fields=changed)
    if family_members is not None:
        rows = [FamilyMember(request=locked, **member) for member in family_members]
        for row in rows:
            row.full_clean(exclude=["request"])
        locked.family_members.all().delete()
        FamilyMember.objects.bulk_create(rows)
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.EDITED,
        at=at,
        internal=True,
        note="Helpfulness answers recorded.",
        data={"fields": changed, "family_members": len(family_members or [])},
    )
    return locked


@transaction.atomic
def request_attest_helpfulness(
    *, request: CertificationRequest, actor: User, note: str = "", at: datetime | None = None
) -> CertificationRequest:
    at = at or timezone.now()
    return take_step(
        request,
        "attest_helpfulness",
        actor=actor,
        at=at,
        internal=True,
        note=note.strip(),
        args={"by": actor, "at": at},
    )


# --- Chief ---


@transaction.atomic
def request_return_for_review(
    *, request: CertificationRequest, actor: User, note: str, at: datetime | None = None
) -> CertificationRequest:
    note = _require_text(note, "note", _("Say what needs more review."))
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
        after_save=lambda r: letter_facts(issue_letter(r, "denial", actor=actor, at=at)),
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
    reason = _require_text(
        reason, "reason", _("Give the reason for withdrawing the certification.")
    )
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


@transaction.atomic
def request_ask_coordinator(
    *, request: CertificationRequest, actor: User, text: str, at: datetime | None = None
) -> CaseEvent:
    """The assigned detective sends a question back to the coordinator (an internal note)."""
    locked = lock_request(request)
    _require(perms.can_ask_coordinator(locked, actor))
    text = _require_text(text, "text", _("Write the question."))
    return record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.NOTE,
        at=at,
        internal=True,
        note=text,
        data={"question_for": "coordinator"},
    )
