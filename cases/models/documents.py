"""What the department issues: the official form templates it fills, the sealed Supplement B,
the ink signature with the sealed scan, the hand-over of the ink original, and the letter wording.

Every stored PDF is encrypted at rest like uploaded documents (cases/lib/crypto.py); the
SHA-256 columns are those of the plain bytes, which is what verification compares.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.crypto import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedTextField,
    decrypt_file_bytes,
)
from cases.lib.letter_templates import UnsafeTemplate, check
from cases.models.reference import CertifyingOfficial
from cases.models.requests import Document, Language
from cases.states import FormType


class FormTemplate(models.Model):
    """A blank official form (e.g. Form I-918 Supplement B, edition 01/20/25) from uscis.gov.

    Loaded by an administrator; its field inventory matched the edition's field list when it
    was loaded, and the Part 3 item 1 boxes were matched to the categories by their tooltips.
    Only one template per form and edition is active: the one filled from then on.
    """

    form_type = models.CharField(max_length=10, choices=FormType.choices)
    edition = models.CharField(max_length=10, help_text="Edition date, bottom left of each page")
    sha256 = models.CharField(max_length=64)  # of the stored file, cleaned of active content
    size = models.PositiveIntegerField()
    # Of the file as uploaded (before cleaning): compare it with the file from uscis.gov.
    uploaded_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.BinaryField(editable=False)  # encrypted (cases/lib/crypto.py)
    filename = models.CharField(max_length=255, blank=True)
    inventory = models.JSONField(default=list, help_text="Field name, type, tooltip, on-states")
    category_fields = models.JSONField(default=dict, help_text="category code -> box field name")
    choice_fields = models.JSONField(
        default=dict, help_text='"part|item" -> {option: box field name}'
    )
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)
    # The form map its fields answer (cases/uscis/formmap.py FORM_EDITIONS: a new USCIS edition
    # is mapped to the form's current map), and each text item's field, matched by tooltip or
    # chosen by hand (the latest FormFieldMapping version); empty: the map's own field names.
    form_map = models.CharField(max_length=10, blank=True)
    field_map = models.JSONField(default=dict, help_text="item's field in the map -> field")
    # Loaded on the new-edition page and not yet activated: never filled for a request.
    draft = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_type", "edition"],
                condition=models.Q(active=True),
                name="one_active_template_per_form_and_edition",
            )
        ]

    def __str__(self) -> str:
        state = "active" if self.active else "replaced"
        return f"{self.form_type} edition {self.edition} ({state}, {self.sha256[:12]})"

    @property
    def data(self) -> bytes:
        return decrypt_file_bytes(bytes(self.pdf))


class FormFieldMapping(models.Model):
    """One version of a template's mapping: every item of the form map and its field.

    Versioned and never changed: the template's first version is what the tooltips matched
    on loading; each administrator's choice adds a version naming who chose what. The
    template's ``field_map``, ``choice_fields`` and ``category_fields`` are the latest one.
    """

    template = models.ForeignKey(FormTemplate, on_delete=models.PROTECT, related_name="mappings")
    version = models.PositiveIntegerField()
    # [{"slot", "label", "field", "how", "by", "tooltip"}], form order; "" field: no match.
    entries = models.JSONField(default=list)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["template", "version"], name="one_mapping_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.template} mapping v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A mapping version is never changed; add a version.")
        super().save(*args, **kwargs)


class IssuedFormQuerySet(models.QuerySet["IssuedForm"]):
    def in_force(self) -> IssuedFormQuerySet:
        """Not voided: what the request's issued form is (at most one per request)."""
        return self.filter(void__isnull=True)

    def current_for(self, request: Any) -> IssuedForm | None:
        return self.in_force().filter(request=request).order_by("-issued_at", "-pk").first()


class IssuedForm(models.Model):
    """The filled official form the agency issued for the ink signature, stored once, never changed.

    The bytes (encrypted at rest) are what the agency sealed (PAdES, documents/signing.py):
    "issued by AGENCY on DATE". The seal proves the file is the department's, not a
    signature: the certifying official signs and dates Part 6 in ink (InkSignature).
    Forms issued before ink recording existed carry ``issued_before_ink_recording`` and the
    date that was then typed into Part 6 (``signed_on``).
    """

    # Several only when an earlier one was voided unsigned (VoidedForm): at most one in force.
    request = models.ForeignKey(
        "cases.CertificationRequest", on_delete=models.PROTECT, related_name="issued_forms"
    )
    form_edition = models.CharField(max_length=10)
    template = models.ForeignKey(
        FormTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="issued"
    )
    pdf = models.BinaryField(editable=False)  # encrypted (cases/lib/crypto.py)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    verification_code = models.CharField(max_length=20, unique=True)
    signer_certificate_sha256 = models.CharField(max_length=64)
    # Only on forms issued before ink recording: the typed date and what followed from it.
    signed_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    issued_before_ink_recording = models.BooleanField(default=False)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = IssuedFormQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.request_id} {self.verification_code}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("An issued form is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("An issued form is never deleted.")

    @property
    def data(self) -> bytes:
        """The PDF as issued (decrypted)."""
        return decrypt_file_bytes(bytes(self.pdf))


class VoidedForm(models.Model):
    """An issued form set aside before anyone signed it in ink, and why.

    The certifying official may decide not to sign what was issued (or someone else must
    decide): the request goes back to the decision, the sealed file stays stored, and
    /verify/ says it was voided and is no certification. Written once, never changed.
    """

    issued_form = models.OneToOneField(IssuedForm, on_delete=models.PROTECT, related_name="void")
    reason = EncryptedTextField()
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"void {self.issued_form_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A voided form record is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("A voided form record is never deleted.")


class RecordedOnce(models.Model):
    """A record stored once, never changed nor deleted (``what`` names it in the refusal)."""

    what = "record"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(f"A recorded {self.what} is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError(f"A recorded {self.what} is never deleted.")


class InkSignature(RecordedOnce):
    """The certifying official's handwritten signature on the issued form, as recorded.

    The date is the one written in Part 6 item 2; the scan of the signed pages is kept as a
    document and as a copy sealed by the agency. Stored once, never changed.
    """

    request = models.OneToOneField(
        "cases.CertificationRequest", on_delete=models.PROTECT, related_name="ink_signature"
    )
    issued_form = models.OneToOneField(
        IssuedForm, on_delete=models.PROTECT, related_name="ink_signature"
    )
    signed_on = models.DateField(help_text="Part 6 item 2, as written in ink")
    signer = models.ForeignKey(CertifyingOfficial, on_delete=models.PROTECT, related_name="+")
    scan = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    sealed_scan = models.BinaryField(editable=False)  # encrypted (cases/lib/crypto.py)
    sealed_scan_sha256 = models.CharField(max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    what = "ink signature"

    def __str__(self) -> str:
        return f"{self.request_id} signed in ink on {self.signed_on}"

    @property
    def sealed_scan_data(self) -> bytes:
        return decrypt_file_bytes(bytes(self.sealed_scan))


class SupervisorInkSignature(RecordedOnce):
    """The second ink signature where the form asks for one: the supervisor of the certifying
    officer (I-914B 02/27/17 Part F, "Signature of Supervisor of Certifying Officer (sign in
    ink)" and its date; instructions, Part F: "The law enforcement officer ... and their
    supervisor, must sign and date the form"). Recorded with the officer's ink, from the same
    scan of the signed page; stored once, never changed.
    """

    ink = models.OneToOneField(
        InkSignature, on_delete=models.PROTECT, related_name="supervisor_signature"
    )
    supervisor_name = models.CharField(max_length=200)
    signed_on = models.DateField(help_text="Part F, the supervisor's date, as written in ink")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    what = "ink signature"

    def __str__(self) -> str:
        return f"{self.ink.request_id} countersigned in ink on {self.signed_on}"


class OriginalHandover(models.Model):
    """Who received the ink-signed original, when and how.

    USCIS refuses a photocopied signature page (Supplement B instructions), so the original matters.
    """

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        MAIL = "mail", _("First-class mail")
        CERTIFIED_MAIL = "certified_mail", _("Certified mail")
        COURIER = "courier", _("Courier")
        OTHER = "other", _("Other")

    issued_form = models.ForeignKey(IssuedForm, on_delete=models.PROTECT, related_name="handovers")
    # Encrypted at rest like the request's own fields (C12): who received a victim's form.
    received_by = EncryptedCharField(max_length=200, help_text="Name and role of the recipient")
    received_on = EncryptedDateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    tracking_number = models.CharField(max_length=60, blank=True)
    note = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # What went with the form, as recorded at the hand-over: the head's written designation
    # when a designee signed (I-918B instructions: "attach evidence of the agency head's
    # written designation"), the reports attached under Part 3 items 6-7, each with its pages.
    # Plain values ({"kind", "label", "document", "pages", "sha256"}), no file name (a file's
    # name can name the victim).
    enclosures = models.JSONField(default=list, blank=True)

    MAILED = (Method.MAIL, Method.CERTIFIED_MAIL, Method.COURIER)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.received_by} on {self.received_on}"

    @property
    def mailed(self) -> bool:
        return self.method in self.MAILED


class LetterTemplate(models.Model):
    """A letter's wording, editable by the department (a sandboxed subset of Django's template
    syntax, plain text: cases/lib/letter_templates.py).

    Without a row, the default in templates/letters/<kind>.txt is used (cases/letters.py).
    Wording outside the sandbox is refused when saved, with the reason (ASVS V5.2.5).
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")
        DENIAL = "denial", _("Written denial without prejudice (c. 258F s. 3(ii))")
        DELAY = "delay", _("Delay notice (c. 258F s. 3(iii))")
        USCIS_WITHDRAWAL = (
            "uscis_withdrawal",
            _("Notice to USCIS of withdrawal (8 CFR 214.14(h)(2))"),
        )
        RECONSIDERATION_ACK = (
            "reconsideration_ack",
            _("Acknowledgement of a request for reconsideration"),
        )
        RECONSIDERATION_DECISION = (
            "reconsideration_decision",
            _("Decision on a request for reconsideration"),
        )
        REFERRAL = "referral", _("Referral to the agency with jurisdiction (c. 258F s. 3(ii))")
        REFERRAL_FORWARDING = (
            "referral_forwarding",
            _("Cover letter forwarding a request to the agency with jurisdiction"),
        )

    kind = models.CharField(max_length=30, choices=Kind.choices)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Plain text with named values, e.g. {{ request.reference }}, and only the "
        "tags if/elif/else and comment; filters date, default, upper, lower, title, yesno. "
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Also refused outside forms (shell, fixtures, a data migration): never stored unsafe.
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        for name in ("subject", "body"):
            try:
                check(getattr(self, name))
            except UnsafeTemplate as exc:
                errors[name] = f"Refused: {exc}"
        if errors:
            raise ValidationError(errors)


class FormCorrection(models.Model):
    """An issued form found to say something the department did not answer, and its remedy.

    Forms issued before I-918B Part 4 was mapped by the file's tooltips answered item 3
    ("has the victim refused or failed ...?") backwards and put the explanation in item 4
    (cases/documents/corrections.py finds them). Nothing is deleted: an unsigned form is voided
    and a corrected one issued in one step (``replacement``); a form already signed in ink is
    flagged for the certifying official with a corrected form sealed and ready for ink
    (``corrected_pdf``), until the official records that it was signed and sent.
    """

    request = models.ForeignKey(
        "cases.CertificationRequest", on_delete=models.PROTECT, related_name="form_corrections"
    )
    issued_form = models.OneToOneField(
        IssuedForm, on_delete=models.PROTECT, related_name="correction"
    )
    problems = models.JSONField(default=list)  # what the issued form says wrongly, item by item
    signed_in_ink = models.BooleanField()  # when it was found
    found_at = models.DateTimeField(default=timezone.now)
    # The corrected form, sealed, for a form already signed in ink (encrypted; SHA-256 plain).
    corrected_pdf = models.BinaryField(null=True, blank=True, editable=False)
    corrected_sha256 = models.CharField(max_length=64, blank=True)
    # An unsigned form voided and issued again, corrected.
    replacement = models.OneToOneField(
        IssuedForm, null=True, blank=True, on_delete=models.PROTECT, related_name="corrects"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = EncryptedTextField(blank=True)

    def __str__(self) -> str:
        return f"correction of {self.issued_form_id}"

    @property
    def corrected_data(self) -> bytes:
        return decrypt_file_bytes(bytes(self.corrected_pdf)) if self.corrected_pdf else b""
