"""What the department itself owns: the history of its designations of certifying officials,
its written policy (c. 258F s. 2), requests it records from any channel (c. 258F s. 3), and its
own text of the Supplement B items it attests.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.crypto import EncryptedCharField, EncryptedJSONField, EncryptedTextField
from cases.models.reference import Agency, CertifyingOfficial


class AppendOnly(models.Model):
    """Rows written once by a service and never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class DesignationEvent(AppendOnly):
    """One change to a designation (8 CFR 214.14(a)(3)): who designated or revoked whom, when.

    Case events belong to a request; a designation belongs to the agency, so its history is
    this table. The fields of the designation are copied in ``data`` at the time of the change,
    so the history answers "who was authorised on that day" even if the row changes later.
    """

    class Action(models.TextChoices):
        DESIGNATED = "designated", _("Designated")
        REVOKED = "revoked", _("Revoked")
        HEAD_APPOINTED = "head_appointed", _("Appointed agency head")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(
        CertifyingOfficial, on_delete=models.PROTECT, related_name="history"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    effective_on = models.DateField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.official} ({self.effective_on})"


class PolicyVersion(models.Model):
    """A version of the department's written policy on certification requests (c. 258F s. 2).

    The version in force on a day is the latest with ``effective_on`` on or before it. A
    version is never edited once adopted: a change is a new version.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="policies")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    preamble = models.TextField(blank=True)
    effective_on = models.DateField()
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_by_name = models.CharField(max_length=200, blank=True)
    adopted_at = models.DateTimeField(default=timezone.now)
    is_sample = models.BooleanField(
        default=False, help_text="Demonstration text, not a policy the department adopted"
    )

    class Meta:
        ordering = ["-effective_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="one_policy_number"),
            models.UniqueConstraint(
                fields=["agency", "effective_on"], name="one_policy_per_effective_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.number} (in force from {self.effective_on})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("An adopted policy version is not edited: adopt a new version.")
        super().save(*args, **kwargs)


class PolicyClause(models.Model):
    """A numbered criterion of a policy version; a denial cites one (c. 258F s. 3(ii))."""

    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="clauses")
    number = models.CharField(max_length=10)
    code = models.SlugField(max_length=30, help_text="Stable key, e.g. not_helpful")
    heading = models.CharField(max_length=200)
    text = models.TextField()
    is_decline_reason = models.BooleanField(default=True)

    class Meta:
        ordering = ["policy", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="one_clause_code_a_version"),
            models.UniqueConstraint(fields=["policy", "number"], name="one_clause_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class PolicyClauseTranslation(AppendOnly):
    """A clause of a policy version in a letter language, with who reviewed the translation and
    when (c. 258F s. 3(ii): the victim is told why, in the letter's language). Append-only: a
    corrected translation is a new row; the latest for a language is the one letters quote, and
    the rows before it are the history of what was quoted when."""

    clause = models.ForeignKey(PolicyClause, on_delete=models.PROTECT, related_name="translations")
    language = models.CharField(max_length=5)
    heading = models.CharField(max_length=200)
    text = models.TextField()
    reviewer_name = models.CharField(
        max_length=200, help_text="The qualified translator who reviewed this translation"
    )
    reviewed_on = models.DateField(help_text="The day the translator reviewed it")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["clause", "language", "-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.clause} [{self.language}], reviewed by {self.reviewer_name}"


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal (advocate account)")
    MAIL = "mail", _("Mail")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    IN_PERSON = "in_person", _("In person")
    NO_ACCOUNT = "no_account", _("Requester without an account")


class IntakeRecord(models.Model):
    """A request the coordinator recorded from outside the portal (c. 258F s. 3: the 90 days run
    from receiving the request, whoever sent it and however it came).

    The requester's details are encrypted; letters go to this requester.
    """

    request = models.OneToOneField(
        "cases.CertificationRequest", on_delete=models.PROTECT, related_name="intake"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_on = models.DateField(help_text="The day the department actually received it")
    late_entry_reason = EncryptedTextField(blank=True)
    requester_name = EncryptedCharField(max_length=200)
    requester_organization = EncryptedCharField(max_length=200, blank=True)
    requester_address = EncryptedTextField(blank=True, help_text="Postal address")
    requester_email = EncryptedCharField(max_length=254, blank=True)
    requester_phone = EncryptedCharField(max_length=50, blank=True)
    # The language is the request's preferred_language (a letter language). A language typed
    # as free text before it was a choice, and not one of the letter languages, is kept here
    # so the coordinator can see it and arrange an interpreter; the letters go in English.
    language_note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.received_on}"

    def days_late(self, today: date | None = None) -> int:
        recorded = timezone.localdate(self.recorded_at) if today is None else today
        return (recorded - self.received_on).days


class DepartmentText(models.Model):
    """The department's own text of an attested item of Supplement B (cases/uscis/formmap.py).

    The certifying agency completes Parts 2-6 itself (Supplement B instructions): the form prints
    this text, never the requester's answer, which stays untouched on the request as the proposal.
    Keyed by the form map's Part and Item number, so it serves any form map. The value has the
    form map's shape for the item's kind (text, a date as mm/dd/yyyy, a list of boxes, rows),
    kept encrypted. Each change is one case event naming the items
    (cases/services/department_text.py).
    """

    class How(models.TextChoices):
        ADOPTED = "adopted", _("Adopted the requester's proposal")
        REWRITTEN = "rewritten", _("Written by the department")

    request = models.ForeignKey(
        "cases.CertificationRequest", on_delete=models.PROTECT, related_name="department_texts"
    )
    part = models.PositiveSmallIntegerField()
    number = models.CharField(max_length=10)
    content = EncryptedJSONField(default=dict, blank=True)
    how = models.CharField(max_length=10, choices=How.choices)
    # Empty only for the text a form certified before this record existed (migration 0025).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "part", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "part", "number"], name="one_department_text_an_item"
            ),
        ]

    def __str__(self) -> str:
        return f"Part {self.part}, Item {self.number}"

    @property
    def text(self) -> Any:
        """The item's value in the form map's shape ("" when the department left it empty)."""
        return (self.content or {}).get("value", "")
