"""What the department sent: delay notices, issued letters and their delivery, and the
annual report as submitted to EOPSS.

- Several delay notices may be sent (c. 258F s. 3(iii)), each with its own projected date;
  whether each was timely is fixed when it is sent.
- A letter is produced once, when its event happens, dated that day, and stored encrypted
  with its SHA-256; every download afterwards returns those bytes.
- The c. 258F s. 4(a) report is recorded as sent: the exact file, its SHA-256 and the
  numbers as they stood.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.crypto import EncryptedCharField, EncryptedTextField
from cases.models.requests import CertificationRequest, Language


class DelayNotice(models.Model):
    """A written explanation of the delay, the process and a projected date (s. 3(iii))."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.PROTECT, related_name="delay_notices"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = EncryptedTextField()
    process = EncryptedTextField()
    projected_date = models.DateField()
    # Sent on or before the deadline then in force (the due date, or the projected date of
    # the previous timely notice): then it answers the request under s. 3(iii).
    timely = models.BooleanField()
    deadline_then = models.DateField()
    # c. 258F s. 3(iii) in the requester's language: the reason and the process as a reviewed
    # translation, with who reviewed it and when; without one a translated letter says so
    # plainly and quotes the English.
    translation_language = models.CharField(max_length=8, choices=Language.choices, blank=True)
    reason_translated = EncryptedTextField(blank=True)
    process_translated = EncryptedTextField(blank=True)
    translation_reviewer = models.CharField(max_length=200, blank=True)
    translation_reviewed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} delay notice {self.issued_at:%Y-%m-%d}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A delay notice is never changed once sent.")
        super().save(*args, **kwargs)

    def translated_into(self, language: str) -> bool:
        """A reviewed translation of the reason and process in this letter language."""
        return bool(self.reason_translated) and self.translation_language == language


class IssuedLetter(models.Model):
    """A letter as the department issued it: produced once at its event, never changed."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.PROTECT, related_name="issued_letters"
    )
    kind = models.CharField(max_length=30)  # LetterTemplate.Kind
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    delay_notice = models.OneToOneField(
        DelayNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="letter"
    )
    dated = models.DateField()
    pdf = models.BinaryField(editable=False)  # encrypted (cases.lib.crypto.encrypt_file_bytes)
    sha256 = models.CharField(max_length=64)  # of the PDF as downloaded
    size = models.PositiveIntegerField()
    translation_reviewed = models.BooleanField(default=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["issued_at", "pk"]
        indexes = [models.Index(fields=["request", "kind"])]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.dated}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("An issued letter is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("An issued letter is never deleted.")


class LetterDelivery(models.Model):
    """How and when a letter reached its addressee."""

    class Method(models.TextChoices):
        EMAIL = "email", _("E-mail")
        MAIL = "mail", _("Mail")
        HAND = "hand", _("By hand")

    letter = models.ForeignKey(IssuedLetter, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField(max_length=10, choices=Method.choices)
    delivered_on = models.DateField()
    recipient = EncryptedCharField(max_length=200)  # may name the victim
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.letter_id} {self.method} {self.delivered_on}"


class AnnualReportSubmission(models.Model):
    """The c. 258F s. 4(a) report as sent to EOPSS: the file, its SHA-256 and the numbers."""

    class Method(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PORTAL = "portal", _("EOPSS web form or portal")
        MAIL = "mail", _("Mail")
        HAND = "hand", _("By hand")

    year = models.PositiveIntegerField(db_index=True)
    submitted_on = models.DateField()
    submitted_to = models.CharField(max_length=200)
    method = models.CharField(max_length=10, choices=Method.choices)
    file_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=50)
    content = models.BinaryField(editable=False)  # counts only: no personal information
    sha256 = models.CharField(max_length=64)
    figures = models.JSONField(default=dict)  # {"section | item": value}, as sent
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} report sent {self.submitted_on} to {self.submitted_to}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A submission record is never changed.")
        super().save(*args, **kwargs)
