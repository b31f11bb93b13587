"""The log of federal immigration-agency requests, the task-force register and the reports.

Medford's Welcoming City Ordinance: Sec. 50-103(e) (a person in custody gets a copy of a
detainer or administrative warrant) and Sec. 50-105 (the Chief's six-monthly report to the
Mayor). Nothing here refers to the U/T visa case workflow: no foreign key, no query.

A person's identity (name, date of birth, address, other identifiers) is encrypted at rest
and shown only on the entry's own page; the report reads none of it.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.lib.chain import KeySegmentBase
from cases.lib.crypto import EncryptedCharField, EncryptedDateField, EncryptedTextField

TEXT_LIMIT = 5_000


class Agency(models.TextChoices):
    ICE = "ice", gettext_lazy("ICE (Immigration and Customs Enforcement)")
    CBP = "cbp", gettext_lazy("CBP (Customs and Border Protection)")
    HSI = "hsi", gettext_lazy("HSI (Homeland Security Investigations)")
    USCIS = "uscis", gettext_lazy("USCIS (Citizenship and Immigration Services)")
    OTHER = "other", gettext_lazy("Other federal immigration agency")


AGENCY_SHORT = {
    Agency.ICE: "ICE",
    Agency.CBP: "CBP",
    Agency.HSI: "HSI",
    Agency.USCIS: "USCIS",
    Agency.OTHER: "Other",
}


class Kind(models.TextChoices):
    DETAINER = "detainer", gettext_lazy("Detainer")
    ADMIN_WARRANT = "admin_warrant", gettext_lazy("Administrative warrant")
    INFORMATION = "information", gettext_lazy("Request for information")
    ASSISTANCE = "assistance", gettext_lazy("Request for assistance")
    ACCESS = "access", gettext_lazy("Request for access to a person in custody")
    OTHER = "other", gettext_lazy("Other request")


# Sec. 50-103(e): the kinds whose copy must be given to the person in custody.
COPY_KINDS = (Kind.DETAINER, Kind.ADMIN_WARRANT)


class Response(models.TextChoices):
    PENDING = "pending", gettext_lazy("Not yet answered")
    DECLINED = "declined", gettext_lazy("Declined")
    COMPLIED_JUDICIAL = (
        "complied_judicial",
        gettext_lazy("Complied under a judicial warrant or court order"),
    )
    PUBLIC_INFORMATION = "public_information", gettext_lazy("Publicly available information given")
    OTHER = "other", gettext_lazy("Other (explained)")


class LegalBasis(models.TextChoices):
    COURT_ORDER = "court_order", gettext_lazy("Judicial warrant or court order")
    USC_1373 = "usc_1373", gettext_lazy("8 U.S.C. 1373 (citizenship or immigration status)")
    PUBLIC_RECORD = "public_record", gettext_lazy("Public record (G.L. c. 66 s. 10)")


def _upload_to(instance: models.Model, filename: str) -> str:
    # A random stored name: the original name is kept encrypted, never used as a path.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"federal_requests/{secrets.token_hex(16)}{suffix}"


class Entry(models.Model):
    """One request received from a federal immigration agency."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField("Received (date and time)", db_index=True)
    agency = models.CharField("Agency", max_length=10, choices=Agency.choices)
    agency_other = models.CharField("Which agency", max_length=100, blank=True)
    kind = models.CharField("Kind of request", max_length=20, choices=Kind.choices)
    kind_other = models.CharField("What was asked", max_length=200, blank=True)
    judicial_warrant = models.BooleanField(
        "A judicial warrant or court order came with it", default=False
    )
    in_custody = models.BooleanField(
        "The person was in the department's custody when it came", default=False
    )
    response = models.CharField(
        "Department's response", max_length=20, choices=Response.choices, default=Response.PENDING
    )
    response_explanation = models.TextField(
        "Explanation of the response", blank=True, max_length=TEXT_LIMIT
    )
    information_given = models.BooleanField("Information was given to the agency", default=False)
    information_description = models.TextField(
        "What kind of information was given",
        blank=True,
        max_length=TEXT_LIMIT,
        help_text="This text appears in the six-monthly report: describe the kind of "
        "information, never a name, date of birth, address or number.",
    )
    legal_basis = models.CharField(
        "Legal basis for giving it", max_length=20, choices=LegalBasis.choices, blank=True
    )
    copy_given_on = models.DateField("Date a copy was given to the person", null=True, blank=True)
    copy_given_by = models.CharField("Given by (name and badge number)", max_length=150, blank=True)
    # The person's identity: encrypted, shown only on this entry's page, never in a report.
    person_name = EncryptedCharField("Person's name", max_length=200, blank=True)
    person_date_of_birth = EncryptedDateField("Person's date of birth", null=True, blank=True)
    person_address = EncryptedTextField("Person's address", max_length=1_000, blank=True)
    person_identifiers = EncryptedTextField(
        "Other identifiers (A-Number, FBI number, booking number)", max_length=1_000, blank=True
    )
    agency_reference = EncryptedCharField(
        "The agency's document or case number", max_length=100, blank=True
    )
    notes = EncryptedTextField("Internal notes", max_length=TEXT_LIMIT, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "entries"
        permissions = [
            ("view_federal_log", "Can see the federal-request log and its reports"),
            ("record_federal_request", "Can log federal requests and task forces"),
            ("decide_task_force_disclosure", "Can decide whether a task force is disclosed"),
            ("submit_federal_report", "Can submit the six-monthly report to the Mayor"),
            ("view_federal_audit", "Can read the federal-request audit trail and access log"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:

        return reverse("federal_requests:entry_detail", args=[self.reference])

    @property
    def needs_copy(self) -> bool:
        """Sec. 50-103(e) applies: a detainer or administrative warrant, person in custody."""
        return self.kind in COPY_KINDS and self.in_custody

    @property
    def copy_missing(self) -> bool:
        return self.needs_copy and self.copy_given_on is None

    @property
    def agency_label(self) -> str:
        return AGENCY_SHORT.get(self.agency, self.agency)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        now = timezone.now()
        if self.received_at and self.received_at > now + timedelta(minutes=5):
            errors["received_at"] = _("The date and time received cannot be in the future.")
        if self.agency == Agency.OTHER and not self.agency_other.strip():
            errors["agency_other"] = _("Name the agency.")
        if self.kind == Kind.OTHER and not self.kind_other.strip():
            errors["kind_other"] = _("Say what was asked.")
        if self.response == Response.OTHER and not self.response_explanation.strip():
            errors["response_explanation"] = _("Explain the response.")
        if self.response == Response.COMPLIED_JUDICIAL and not self.judicial_warrant:
            errors["response"] = _(
                "Complying under a judicial warrant or order needs one to have come with the "
                "request: tick that box, or choose another response."
            )
        if self.response in (Response.DECLINED, Response.PENDING) and self.information_given:
            errors["information_given"] = _(
                "A declined or unanswered request cannot have information given."
            )
        if self.response == Response.PUBLIC_INFORMATION and not self.information_given:
            errors["information_given"] = _("Tick this box: public information was given.")
        if self.information_given:
            if not self.information_description.strip():
                errors["information_description"] = _("Describe the kind of information given.")
            if not self.legal_basis:
                errors["legal_basis"] = _("Record the legal basis for giving it.")
            elif self.legal_basis == LegalBasis.COURT_ORDER and not self.judicial_warrant:
                errors["legal_basis"] = _(
                    "A court order as the basis needs a judicial warrant or order with the request."
                )
            elif (
                self.response == Response.PUBLIC_INFORMATION
                and self.legal_basis != LegalBasis.PUBLIC_RECORD
            ):
                errors["legal_basis"] = _("Public information is given as a public record.")
        elif self.information_description.strip() or self.legal_basis:
            errors["information_given"] = _(
                "Tick this box when information was given, or leave its description and "
                "legal basis empty."
            )
        errors.update(self._copy_errors())
        if self.person_date_of_birth and self.person_date_of_birth > timezone.localdate():
            errors["person_date_of_birth"] = _("A date of birth cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def _copy_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.copy_given_on is None:
            if self.copy_given_by.strip():
                errors["copy_given_on"] = _("Give the date the copy was handed over.")
            return errors
        if not self.needs_copy:
            errors["copy_given_on"] = _(
                "A copy is recorded only for a detainer or administrative warrant about a "
                "person in custody."
            )
        if not self.copy_given_by.strip():
            errors["copy_given_by"] = _("Say who gave the copy.")
        if self.copy_given_on > timezone.localdate():
            errors["copy_given_on"] = _("This date cannot be in the future.")
        elif self.received_at and self.copy_given_on < timezone.localdate(self.received_at):
            errors["copy_given_on"] = _("The copy cannot be given before the request came.")
        return errors


class EntryDocument(models.Model):
    class Kind(models.TextChoices):
        REQUEST = "request", gettext_lazy("The request (detainer, warrant, letter or e-mail)")
        COURT_ORDER = "court_order", gettext_lazy("Judicial warrant or court order")
        COPY_RECEIPT = "copy_receipt", gettext_lazy("Receipt for the copy given to the person")
        RESPONSE = "response", gettext_lazy("The department's response")
        OTHER = "other", gettext_lazy("Other")

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REQUEST)
    file = models.FileField(upload_to=_upload_to)  # encrypted storage (settings.STORAGES)
    original_name = EncryptedCharField(max_length=255)  # names can name the person
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class TaskForce(models.Model):
    class Disclosure(models.TextChoices):
        UNDECIDED = "undecided", gettext_lazy("Not yet decided by the Chief")
        DISCLOSE = "disclose", gettext_lazy("May be disclosed")
        WITHHOLD = (
            "withhold",
            gettext_lazy("Not disclosed (law, active investigation or court order)"),
        )

    name = models.CharField("Name", max_length=200)
    description = models.TextField("Description", max_length=TEXT_LIMIT)
    federal_agencies = models.CharField(
        "Federal immigration agencies taking part", max_length=100, blank=True
    )  # agency codes, comma-separated
    participation = models.TextField(
        "How the federal agencies take part", max_length=TEXT_LIMIT, blank=True
    )
    started_on = models.DateField("Department joined on")
    ended_on = models.DateField("Department left on", null=True, blank=True)
    disclosure = models.CharField(
        max_length=10, choices=Disclosure.choices, default=Disclosure.UNDECIDED
    )
    disclosure_reason = models.TextField(
        "Reason for the decision (internal)", max_length=TEXT_LIMIT, blank=True
    )
    disclosure_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disclosure_decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def agency_codes(self) -> list[str]:
        return [code for code in self.federal_agencies.split(",") if code]

    @property
    def agency_labels(self) -> str:
        return ", ".join(AGENCY_SHORT.get(code, code) for code in self.agency_codes)

    def active_between(self, start: date, end: date) -> bool:
        """Took part on any day of [start, end)."""
        return self.started_on < end and (self.ended_on is None or self.ended_on >= start)

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})
        unknown = set(self.agency_codes) - set(Agency.values)
        if unknown:
            raise ValidationError({"federal_agencies": _("Unknown agency.")})


class ReportSubmission(models.Model):
    """The report as sent to the Mayor: the public PDF and CSV bytes, frozen."""

    period_start = models.DateField(unique=True)
    period_end = models.DateField()  # the last day of the period
    submitted_on = models.DateField("Date sent to the Mayor")
    docket_number = models.CharField("City Council docket number", max_length=50)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    pdf = models.BinaryField()
    csv = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    csv_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"Report {self.period_start:%m/%d/%Y}-{self.period_end:%m/%d/%Y}"


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every entry and change (federal_requests.audit)."""

    class Action(models.TextChoices):
        ENTRY_CREATED = "entry_created", gettext_lazy("Entry logged")
        ENTRY_EDITED = "entry_edited", gettext_lazy("Entry changed")
        COPY_RECORDED = "copy_recorded", gettext_lazy("Copy to the person recorded")
        DOCUMENT_ADDED = "document_added", gettext_lazy("Document attached")
        TASK_FORCE_CREATED = "task_force_created", gettext_lazy("Task force registered")
        TASK_FORCE_EDITED = "task_force_edited", gettext_lazy("Task force changed")
        DISCLOSURE_DECIDED = "disclosure_decided", gettext_lazy("Disclosure decided")
        REPORT_SUBMITTED = "report_submitted", gettext_lazy("Report submitted to the Mayor")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices)
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    task_force = models.ForeignKey(
        TaskForce, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    subject = models.CharField(max_length=60)  # "FR-2026-0001", "task force 3", "report ..."
    # Changed field names with old and new values; identity fields only as "changed".
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_action_display()}"


class AuditChainHead(models.Model):
    """The last link's hash of a chain (row 1 the audit trail, row 2 the access log). Locked
    while appending, so the chain stays linear."""

    last_hash = models.CharField(max_length=64, blank=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    # The audit key the chain's links are written with (cases/lib/chain.py: key rotation).
    key_id = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return f"chain head at event {self.last_event_id}"


class AuditKeySegment(KeySegmentBase):
    """A rotation of ``UVISA_AUDIT_KEY`` in one of the log's chains (cases/lib/chain.py)."""


class AccessLog(models.Model):
    """Who looked at what, when, from where. Append-only and chained like the audit trail;
    never the person's details."""

    class Action(models.TextChoices):
        VIEW_ENTRY = "view_entry", gettext_lazy("Viewed an entry")
        DOWNLOAD_DOCUMENT = "download_document", gettext_lazy("Downloaded a document")
        VIEW_REPORT = "view_report", gettext_lazy("Viewed or downloaded a report")
        VIEW_AUDIT = "view_audit", gettext_lazy("Read the audit trail")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=30, choices=Action.choices)
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=60, blank=True, db_index=True)
    document = models.ForeignKey(
        EntryDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.reference}"


class ReminderSent(models.Model):
    """One reminder per period and recipient; claimed (inserted) before the mail goes out."""

    period_start = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "recipient"], name="federal_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"reminder for the period starting {self.period_start}"
