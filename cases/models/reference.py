"""Reference data: the agency, its certifying officials, advocate organisations, crime categories,
statutes and reference counters.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """The certifying agency, as Part 2 of Supplement B names it."""

    class AgencyType(models.TextChoices):
        FEDERAL = "federal", _("Federal")
        STATE = "state", _("State")
        LOCAL = "local", _("Local")

    class Category(models.TextChoices):
        JUDGE = "judge", _("Judge")
        LAW_ENFORCEMENT = "law_enforcement", _("Law Enforcement")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        max_length=10, unique=True, help_text="Prefix of request references, e.g. MPD"
    )
    street = models.CharField(max_length=200)
    suite = models.CharField(max_length=50, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    zip_code = models.CharField(max_length=10)
    phone = models.CharField(max_length=30)
    fax = models.CharField(max_length=30, blank=True)
    agency_type = models.CharField(max_length=10, choices=AgencyType.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    category_other = models.CharField(max_length=100, blank=True)
    head_family_name = models.CharField(max_length=100)
    head_given_name = models.CharField(max_length=100)
    head_middle_name = models.CharField(max_length=100, blank=True)
    head_title = models.CharField(max_length=200)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


def designation_upload_to(instance: models.Model, filename: str) -> str:
    return f"designations/{secrets.token_hex(16)}{PurePosixPath(filename).suffix.lower()[:10]}"


class CertifyingOfficial(models.Model):
    """Who may sign: the head of the agency, or a supervisor the head designated in writing.

    8 CFR 214.14(a)(3). Only an active designation lets its user certify
    or decline.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officials")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="designations"
    )
    family_name = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, help_text="Title and division/office (Part 2 item 3)")
    is_agency_head = models.BooleanField(default=False)
    designated_on = models.DateField(help_text="Date of the written designation")
    designation_document = models.FileField(upload_to=designation_upload_to, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    # Effective until (inclusive), when the written designation is for a fixed term.
    expires_on = models.DateField(null=True, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_agency_head=True) | ~models.Q(designation_document=""),
                name="designee_has_written_designation",
                violation_error_message="A designee needs the written designation on file.",
            ),
            # 8 CFR 214.14(a)(3): "the head of the agency", one at a time.
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(is_agency_head=True, revoked_on__isnull=True),
                name="one_active_agency_head",
                violation_error_message="The agency already has an active head.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}, {self.title}"

    def is_active_on(self, day: date) -> bool:
        return (
            self.designated_on <= day
            and (self.revoked_on is None or day < self.revoked_on)
            and (self.expires_on is None or day <= self.expires_on)
        )


class AdvocateOrganization(models.Model):
    """An outside organisation whose advocates submit requests. Its group is its scope."""

    name = models.CharField(max_length=200, unique=True)
    group = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="organization"
    )
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name


class QualifyingCrimeCategory(models.Model):
    """INA 101(a)(15)(U)(iii): 28 named crimes plus attempt, conspiracy, solicitation.

    form_order is the order of the 31 check boxes of Supplement B Part 3 item 1.
    """

    class Kind(models.TextChoices):
        NAMED = "named", _("Named criminal activity")
        INCHOATE = "inchoate", _("Attempt, conspiracy or solicitation")

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    form_order = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["form_order"]
        verbose_name_plural = "qualifying crime categories"

    def __str__(self) -> str:
        return self.name


class Statute(models.Model):
    """A Massachusetts statute and the federal categories it suggests (cases/data/ma_statutes.csv).

    The mapping is a suggestion for the coordinator, not a legal determination.
    """

    class Confidence(models.TextChoices):
        HIGH = "H", _("High")
        MEDIUM = "M", _("Medium")
        LOW = "L", _("Low")

    citation = models.CharField(max_length=60, unique=True)
    offense = models.CharField(max_length=300)
    categories = models.ManyToManyField(QualifyingCrimeCategory, related_name="statutes")
    similar_activity_only = models.BooleanField(
        default=False, help_text="Qualifies only as 'similar activity': say why in Part 3 item 6"
    )
    federal_mapping_note = models.CharField(max_length=300, blank=True)
    title_confidence = models.CharField(max_length=1, choices=Confidence.choices, blank=True)
    mapping_confidence = models.CharField(max_length=1, choices=Confidence.choices, blank=True)
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["citation"]

    def __str__(self) -> str:
        return f"M.G.L. {self.citation}: {self.offense}"


class ReferenceCounter(models.Model):
    """Last number used for an agency's references in a year (locked when incremented)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="one_counter_per_agency_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_number}"
