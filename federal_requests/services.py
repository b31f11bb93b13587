"""Every write to the log: one transaction with its audit event, or nothing.

Views call these after their form validated; each service validates again (``full_clean``)
so a caller that skipped the form still cannot store an inconsistent entry.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.lib.uploads import display_name, save_to_storage, validate_upload
from federal_requests import reports
from federal_requests.audit import append_access, append_event
from federal_requests.models import (
    AccessLog,
    AuditEvent,
    Entry,
    EntryDocument,
    ReportSubmission,
    TaskForce,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

    from federal_requests.periods import Period

# Shown in the audit trail only as "changed": the person's identity and internal notes.
PRIVATE_FIELDS = {
    "person_name",
    "person_date_of_birth",
    "person_address",
    "person_identifiers",
    "agency_reference",
    "notes",
}
ENTRY_FIELDS = [
    "received_at",
    "agency",
    "agency_other",
    "kind",
    "kind_other",
    "judicial_warrant",
    "in_custody",
    "response",
    "response_explanation",
    "information_given",
    "information_description",
    "legal_basis",
    "copy_given_on",
    "copy_given_by",
    *sorted(PRIVATE_FIELDS),
]
TASK_FORCE_FIELDS = [
    "name",
    "description",
    "federal_agencies",
    "participation",
    "started_on",
    "ended_on",
]


class RefusedError(Exception):
    """A request the log refuses (shown to the user as a message, never a 500)."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if name in PRIVATE_FIELDS:
            changes[name] = "changed"
        else:
            changes[name] = [_plain(old), _plain(new)]
    return changes


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _event(actor: User, action: str, subject: str, changes: dict[str, Any], **links: Any) -> None:
    append_event(AuditEvent(actor=actor, action=action, subject=subject, changes=changes, **links))


def _next_reference(received: datetime) -> str:
    year = timezone.localtime(received).year
    prefix = f"FR-{year}-"
    last = (
        Entry.objects.select_for_update()
        .filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


# --- entries ---


def entry_create(*, actor: User, data: dict[str, Any]) -> Entry:
    entry = Entry(created_by=actor, **{k: v for k, v in data.items() if k in ENTRY_FIELDS})
    entry.reference = "pending"
    entry.full_clean(exclude=["reference", "created_by"])
    with transaction.atomic():
        entry.reference = _next_reference(entry.received_at)
        entry.save()
        after = _snapshot(entry, ENTRY_FIELDS)
        _event(
            actor,
            AuditEvent.Action.ENTRY_CREATED,
            entry.reference,
            _changes({}, {k: v for k, v in after.items() if v not in ("", None, False)}),
            entry=entry,
        )
    return entry


def entry_update(*, entry: Entry, actor: User, data: dict[str, Any]) -> Entry:
    with transaction.atomic():
        current = Entry.objects.select_for_update().get(pk=entry.pk)
        before = _snapshot(current, ENTRY_FIELDS)
        for name, value in data.items():
            if name in ENTRY_FIELDS:
                setattr(current, name, value)
        current.full_clean(exclude=["created_by"])
        changes = _changes(before, _snapshot(current, ENTRY_FIELDS))
        if not changes:
            return current
        current.updated_at = timezone.now()
        current.save()
        action = (
            AuditEvent.Action.COPY_RECORDED
            if set(changes) <= {"copy_given_on", "copy_given_by"}
            else AuditEvent.Action.ENTRY_EDITED
        )
        _event(actor, action, current.reference, changes, entry=current)
    return current


def record_copy_given(*, entry: Entry, actor: User, given_on: date, given_by: str) -> Entry:
    """Sec. 50-103(e): the date a copy was given to the person in custody, and by whom."""
    if not entry.needs_copy:
        raise RefusedError(
            "A copy is recorded only for a detainer or administrative warrant about a person "
            "in custody."
        )
    return entry_update(
        entry=entry, actor=actor, data={"copy_given_on": given_on, "copy_given_by": given_by}
    )


def document_add(*, entry: Entry, actor: User, upload: UploadedFile, kind: str) -> EntryDocument:
    content_type = validate_upload(upload)  # ValidationError for the form
    name = display_name(upload.name or "")
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    with transaction.atomic():
        document = EntryDocument(
            entry=entry,
            kind=kind,
            original_name=name,
            content_type=content_type,
            size=upload.size or 0,
            sha256=digest,
            uploaded_by=actor,
        )
        save_to_storage(document.file, name, upload)
        try:
            document.save()
            _event(
                actor,
                AuditEvent.Action.DOCUMENT_ADDED,
                entry.reference,
                {"document": document.pk, "kind": kind, "sha256": digest},
                entry=entry,
            )
        except Exception:
            document.file.delete(save=False)
            raise
    return document


# --- task forces ---


def task_force_save(
    *, actor: User, data: dict[str, Any], task_force: TaskForce | None = None
) -> TaskForce:
    with transaction.atomic():
        if task_force is None:
            current, before = TaskForce(), {}
            action = AuditEvent.Action.TASK_FORCE_CREATED
        else:
            current = TaskForce.objects.select_for_update().get(pk=task_force.pk)
            before = _snapshot(current, TASK_FORCE_FIELDS)
            action = AuditEvent.Action.TASK_FORCE_EDITED
        for name in TASK_FORCE_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.full_clean()
        changes = _changes(before, _snapshot(current, TASK_FORCE_FIELDS))
        if not changes:
            return current
        current.save()
        _event(actor, action, f"task force {current.pk}", changes, task_force=current)
    return current


def task_force_decide(
    *, task_force: TaskForce, actor: User, disclosure: str, reason: str
) -> TaskForce:
    if disclosure not in (TaskForce.Disclosure.DISCLOSE, TaskForce.Disclosure.WITHHOLD):
        raise RefusedError("Choose whether the task force may be disclosed.")
    with transaction.atomic():
        current = TaskForce.objects.select_for_update().get(pk=task_force.pk)
        old = current.disclosure
        current.disclosure = disclosure
        current.disclosure_reason = reason
        current.disclosure_decided_by = actor
        current.disclosure_decided_at = timezone.now()
        current.save()
        _event(
            actor,
            AuditEvent.Action.DISCLOSURE_DECIDED,
            f"task force {current.pk}",
            {"disclosure": [old, disclosure], "reason": reason},
            task_force=current,
        )
    return current


# --- the report as sent ---


def report_submit(
    *, period: Period, actor: User, submitted_on: date, docket_number: str, now: datetime
) -> ReportSubmission:
    """Freeze the public report (PDF and CSV bytes) as sent to the Mayor."""

    if period.end > timezone.localdate(now):
        raise RefusedError("The period has not ended yet: submit its report after it ends.")
    if ReportSubmission.objects.filter(period_start=period.start).exists():
        raise RefusedError("This period's report was already submitted; it cannot change.")
    report = reports.build_report(period, now=now)
    pdf = reports.to_pdf(report, public=True)
    csv = reports.to_csv(report, public=True).encode()
    try:
        with transaction.atomic():
            submission = ReportSubmission.objects.create(
                period_start=period.start,
                period_end=period.last_day,
                submitted_on=submitted_on,
                docket_number=docket_number,
                submitted_by=actor,
                pdf=pdf,
                csv=csv,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                csv_sha256=hashlib.sha256(csv).hexdigest(),
            )
            _event(
                actor,
                AuditEvent.Action.REPORT_SUBMITTED,
                f"report {period.start.isoformat()}",
                {
                    "submitted_on": submitted_on.isoformat(),
                    "docket_number": docket_number,
                    "pdf_sha256": submission.pdf_sha256,
                    "csv_sha256": submission.csv_sha256,
                },
            )
    except IntegrityError as exc:  # submitted at the same moment by someone else
        raise RefusedError("This period's report was already submitted.") from exc
    return submission


# --- the access log ---


def log_access(
    request: HttpRequest,
    *,
    action: str,
    entry: Entry | None = None,
    document: EntryDocument | None = None,
    reference: str = "",
) -> AccessLog:
    """Who saw what, when and from where. Never the person's details."""
    user = request.user if request.user.is_authenticated else None
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None
    return append_access(
        AccessLog(
            user=user,
            username=user.get_username() if user else "",
            action=action,
            entry=entry,
            reference=(entry.reference if entry else reference)[:60],
            document=document,
            ip_address=ip,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            path=request.path[:300],
        )
    )


__all__ = [
    "RefusedError",
    "ValidationError",
    "document_add",
    "entry_create",
    "entry_update",
    "log_access",
    "record_copy_given",
    "report_submit",
    "task_force_decide",
    "task_force_save",
]
