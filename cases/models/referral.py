"""Referral of a request to the agency with jurisdiction, and the directory it names them from.

A request that belongs to another agency (the crime was detected, investigated or prosecuted
elsewhere) is answered by a referral: the department declines to certify because it lacks
jurisdiction (its written answer under c. 258F s. 3(ii), without prejudice), names the
certifying entity that has it (c. 258F s. 1) and, only with the victim's consent to sharing
(8 U.S.C. 1367, asked at intake), forwards the request's documents to that entity.

``CertifierDirectoryEntry`` is the department's own list of nearby certifiers, kept by the
coordinator and the Chief like its other records (one agency's rows). ``Referral`` is the
answer itself: one a request (the state ``referred`` is final), a copy of the entry as it read
that day, the reason, and what was forwarded, how, when and by whom.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.crypto import EncryptedTextField
from cases.models.answers import IssuedLetter
from cases.models.reference import Agency, CertifyingOfficial
from cases.models.requests import CertificationRequest

# What of an entry a referral copies, so the letter and the case page read the entry as it
# was on the day of the referral whatever the directory says later.
ENTRY_FIELDS = ("name", "kind", "jurisdiction", "unit", "mailing_address", "phone", "email")


class CertifierDirectoryEntry(models.Model):
    """A nearby certifying entity (c. 258F s. 1: a law enforcement agency, prosecutor or other
    entity with authority to detect, investigate or prosecute) the department refers to."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Police department")
        SHERIFF = "sheriff", _("Sheriff's office")
        DISTRICT_ATTORNEY = "district_attorney", _("District attorney's office")
        STATE_POLICE = "state_police", _("State police")
        ATTORNEY_GENERAL = "attorney_general", _("Attorney General's office")
        COURT = "court", _("Court or judge")
        FEDERAL = "federal", _("Federal agency")
        OTHER = "other", _("Other certifying entity")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="certifier_directory")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    jurisdiction = models.TextField(help_text="The towns or the area it covers")
    unit = models.CharField(
        max_length=200, blank=True, help_text="The unit or office that takes certification requests"
    )
    mailing_address = models.TextField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    # Deactivated, never deleted: a referral made to it keeps naming it.
    is_active = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_active", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="one_directory_entry_a_name"),
        ]
        verbose_name_plural = "certifier directory entries"

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ENTRY_FIELDS}


class Referral(models.Model):
    """The department's answer that the request belongs to another agency (c. 258F s. 3(ii):
    a written denial without prejudice, for lack of jurisdiction), and the forwarding."""

    class Method(models.TextChoices):
        # Only a forwarding done outside the application is recorded: by mail or by hand.
        MAIL = "mail", _("Mail")
        HAND = "hand", _("Hand delivery")

    request = models.OneToOneField(
        CertificationRequest, on_delete=models.PROTECT, related_name="referral"
    )
    entry = models.ForeignKey(
        CertifierDirectoryEntry, on_delete=models.PROTECT, related_name="referrals"
    )
    # The entry as it read on the day (ENTRY_FIELDS).
    referred_to = models.JSONField(default=dict)
    reason = EncryptedTextField()
    referred_at = models.DateTimeField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        CertifyingOfficial, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The victim consented to sharing (SharingConsent.GIVEN) on the day of the referral.
    consent_given = models.BooleanField(default=False)
    # Forwarded to the entry: how, when, by whom, and which documents with their SHA-256
    # ([{"document": pk, "kind": ..., "sha256": ...}]; no file name, which may name the victim).
    forwarded = models.BooleanField(default=False)
    forward_method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    forwarded_documents = models.JSONField(default=list, blank=True)
    letter = models.ForeignKey(IssuedLetter, null=True, on_delete=models.PROTECT, related_name="+")
    cover_letter = models.ForeignKey(
        IssuedLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.request_id} referred to {self.referred_to.get('name', '')}"

    @property
    def agency_name(self) -> str:
        return str(self.referred_to.get("name", ""))
