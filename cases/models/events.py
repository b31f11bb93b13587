"""The append-only audit trail (CaseEvent): every step a service takes, and the changes about
no one request (a form template loaded, the certifier directory), in one hash chain
(cases/audit.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.crypto import EncryptedTextField
from cases.models.requests import CertificationRequest
from cases.states import Status


class CaseEvent(models.Model):
    """Append-only audit trail, written by the services only (never by signals)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        TRANSITION = "transition", _("State changed")
        ASSIGNED = "assigned", _("Detective assigned")
        DOCUMENT_ADDED = "document_added", _("Document added")
        NOTE = "note", _("Internal note")
        TEMPLATE_LOADED = "template_loaded", _("Official form template loaded")
        TEMPLATE_MAPPED = "template_mapped", _("Official form template's fields chosen")
        TEMPLATE_ACTIVATED = "template_activated", _("Official form edition activated")
        FORM_CORRECTION = "form_correction", _("Issued form corrected")
        MAIL_RESENT = "mail_resent", _("Notice sent again")
        # The department's directory of nearby certifiers (cases/services/referral.py).
        DIRECTORY_CHANGED = "directory_changed", _("Certifier directory entry changed")
        # A referred request's documents forwarded to the agency with jurisdiction.
        REQUEST_FORWARDED = "request_forwarded", _("Request forwarded to another agency")
        STATUS_CODE = "status_code", _("Status code issued")

    # Empty only for events about no one request (a form template loaded), which join the
    # same hash chain.
    request = models.ForeignKey(
        CertificationRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    transition = models.CharField(max_length=50, blank=True)
    from_state = models.CharField(max_length=30, choices=Status.choices, blank=True)
    to_state = models.CharField(max_length=30, choices=Status.choices, blank=True)
    note = EncryptedTextField(blank=True)
    internal = models.BooleanField(default=False, help_text="Hidden from the advocate's timeline")
    data = models.JSONField(default=dict, blank=True)
    # Tamper evidence (cases/audit.py): each hash covers the event and the previous hash.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request", "created_at"])]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.from_state}->{self.to_state}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Case events are append-only.")
