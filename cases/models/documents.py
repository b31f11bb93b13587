"""What the department issues: the sealed Supplement B, the hand-over of the ink original, and
the letter wording.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template import Template, TemplateSyntaxError
from django.utils import timezone

from cases.models.requests import CertificationRequest, Language


class IssuedForm(models.Model):
    """The signed final PDF of a certified request, stored once and never changed.

    The bytes are what the agency signed (PAdES, cases/signing.py); the SHA-256 is also in the
    certify CaseEvent. The verification code is printed on every page (cases/pdf.py).
    """

    request = models.OneToOneField(
        CertificationRequest, on_delete=models.PROTECT, related_name="issued_form"
    )
    form_edition = models.CharField(max_length=10)
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    verification_code = models.CharField(max_length=20, unique=True)
    signer_certificate_sha256 = models.CharField(max_length=64)
    signed_on = models.DateField()
    valid_until = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.request_id} {self.verification_code}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("An issued form is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("An issued form is never deleted.")


class OriginalHandover(models.Model):
    """Who received the ink-signed original, when and how.

    USCIS refuses a photocopied signature page (Supplement B instructions), so the original matters.
    """

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        MAIL = "mail", "First-class mail"
        CERTIFIED_MAIL = "certified_mail", "Certified mail"
        COURIER = "courier", "Courier"
        OTHER = "other", "Other"

    issued_form = models.ForeignKey(IssuedForm, on_delete=models.PROTECT, related_name="handovers")
    received_by = models.CharField(max_length=200, help_text="Name and role of the recipient")
    received_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.received_by} on {self.received_on}"


class LetterTemplate(models.Model):
    """A letter's wording, editable by the department (Django template syntax, plain text).

    Without a row, the default in templates/letters/<kind>.txt is used (cases/letters.py).
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of receipt"
        DENIAL = "denial", "Written denial without prejudice (c. 258F s. 3(ii))"
        DELAY = "delay", "Delay notice (c. 258F s. 3(iii))"
        USCIS_WITHDRAWAL = "uscis_withdrawal", "Notice to USCIS of withdrawal (8 CFR 214.14(h)(2))"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Plain text with Django template variables, e.g. {{ request.reference }}. "
        "Blank lines separate paragraphs."
    )
    updated_at = models.DateTimeField(auto_now=True)
    # A translation is "to be reviewed by a qualified translator" until the department marks
    # this exact wording reviewed (the SHA-256 of subject and body when it was reviewed).
    reviewed_sha256 = models.CharField(max_length=64, blank=True)
    reviewed_by = models.CharField(max_length=200, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="letter_kind_language")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_language_display()})"

    def clean(self) -> None:

        try:
            Template(self.body)
        except TemplateSyntaxError as exc:
            raise ValidationError({"body": f"Template error: {exc}"}) from exc
