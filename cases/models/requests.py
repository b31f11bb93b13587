"""The certification request, its family members, documents and per-request grants (the audit
trail of its events: cases/models/events.py).

The workflow is declared once, here, on CertificationRequest (django-fsm-2): states, sources,
targets and conditions. Who may take a step is decided in cases/permissions.py; every write goes
through a service in cases/services/, which checks the permission, saves, and writes the
CaseEvent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, datetime
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_fsm import Transition

from cases.certify_conditions import completeness_obstacles, consistency_obstacles
from cases.clocks import due_date
from cases.lib.crypto import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    keyed_hash,
)
from cases.lib.names import filing_name, full_name, person_key
from cases.lib.validators import validate_not_in_future
from cases.models.department import PolicyClause, PolicyVersion
from cases.models.reference import (
    AdvocateOrganization,
    Agency,
    CertifyingOfficial,
    QualifyingCrimeCategory,
    Statute,
)
from cases.states import OPEN_STATES, PENDING_STATES, REVIEW_STATES, FormType, Status
from cases.uscis import formmap
from cases.uscis.trafficking import Cooperation

CURRENT_FORM_EDITION = "01/20/25"  # USCIS edition list: the edition USCIS posts now


class ExpeditedReason(models.TextChoices):
    # The expedited triggers other states use (CA, MN, IL; SD 3394 in MA).
    REMOVAL_PROCEEDINGS = "removal", _("In removal proceedings")
    DETENTION = "detention", _("In immigration detention")
    AGE_OUT = "age_out", _("A qualifying family member is about to age out")


class DeclineReason(models.TextChoices):
    """Criteria of the department's written policy (c. 258F s. 2); a denial cites one (s. 3(ii))."""

    NOT_QUALIFYING_CRIME = "not_qualifying_crime", _("No qualifying criminal activity")
    NOT_VICTIM = "not_victim", _("Requester is not a victim of the criminal activity")
    NOT_HELPFUL = "not_helpful", _("No helpfulness, past, present or likely")
    REFUSED_ASSISTANCE = (
        "refused_assistance",
        _("Unreasonably refused reasonably requested assistance"),
    )
    NO_JURISDICTION = "no_jurisdiction", _("The department did not detect or investigate the crime")
    CULPABLE = "culpable", _("Requester was culpable in the criminal activity")
    INSUFFICIENT_INFORMATION = (
        "insufficient_information",
        _("Information requested was not provided"),
    )


class Language(models.TextChoices):
    # Medford's largest languages after English; letters go in English plus the chosen one.
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish (Español)")
    PORTUGUESE = "pt", _("Portuguese (Português)")
    HAITIAN_CREOLE = "ht", _("Haitian Creole (Kreyòl ayisyen)")


class CertificationWithdrawalKind(models.TextChoices):
    # 8 CFR 214.14(h)(2)(i)(A): the official "withdraws" the certification or "disavows the
    # contents in writing"; the notice says which.
    WITHDRAW = "withdraw", _("Withdrawal of the certification")
    DISAVOW = "disavow", _("Disavowal of its contents")


class RequesterCapacity(models.TextChoices):
    """Who files the request for the victim. Certifiers accept a request from each of them (the
    DHS U and T Visa Law Enforcement Resource Guide; 8 CFR 292.1 names who may represent)."""

    ATTORNEY = "attorney", _("Attorney")
    ACCREDITED_REPRESENTATIVE = "accredited", _("Accredited representative (DOJ/EOIR)")
    ADVOCATE = "advocate", _("Advocate of an organisation")
    FAMILY_MEMBER = "family", _("Family member")
    VICTIM = "victim", _("The victim herself or himself")


class SharingConsent(models.TextChoices):
    """The victim's consent to the department sharing her information with the requester and
    outside the department (8 U.S.C. 1367 protects it at DHS; the department asks the same)."""

    GIVEN = "given", _("The victim consents")
    REFUSED = "refused", _("The victim does not consent")


# Who asks, in what capacity, and the victim's answer on sharing her information: asked at
# intake and on the portal alike.
REQUESTER_STANDING_FIELDS = [
    "requester_capacity",
    "requester_bar_number",
    "requester_bar_state",
    "requester_accreditation",
    "requester_relationship",
    "victim_sharing_consent",
]


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


def person_digest(given: str, family: str, born: date | None) -> str:
    """The one keyed digest of a person: normalised name and date of birth (cases/lib/names.py
    ``person_key``). The intake duplicate warning and the annual report's count of individuals
    (c. 258F s. 4(a)(i)) both read it, never a name; empty when a part is missing."""
    return keyed_hash(person_key(given, family, born), purpose="report_individual")


# The columns the c. 258F s. 4 annual report reads (cases/reporting/annual.py): no name, date
# of birth, A-Number, address or report number. A save that changes none of them, and moves the
# status only between states the report does not tell apart, cannot change the report
# (cases/page_cache.py keeps it then).
REPORT_FIELDS = [
    "pk",
    "status",
    "received_at",
    "decided_at",
    "first_answered_at",
    "signed_on",
    "withdrawn_at",
    "delay_issued_at",
    "delay_projected_date",
    "expedited",
    "expedited_reason",
    "age_out_date",
    "decline_reason",
    "form_type",
    "person_digest",
    "a_number_digest",
    "recertification_of",
]
# The states the report tells apart: awaiting the ink (still pending), signed, denied,
# withdrawn. Every other state is only "not answered" to it (withdrawn is conservative: the
# report counts withdrawals by ``withdrawn_at``).
REPORT_STATES = frozenset(
    {
        Status.AWAITING_INK,
        Status.CERTIFIED,
        Status.CERTIFICATION_WITHDRAWN,
        Status.DECLINED,
        Status.REFERRED,
        Status.WITHDRAWN,
    }
)


def form_is_complete(request: CertificationRequest) -> bool:
    """Certify guard: no required Supplement B item is empty and every attested item has the
    department's text (cases/certify_conditions.py, cases/uscis/formmap.py)."""
    return not completeness_obstacles(request)


def form_is_consistent(request: CertificationRequest) -> bool:
    """Certify guard: the form does not defeat itself (Part 4 items 1-2, Part 3 item 1), and the
    certifying official acknowledged every warning (cases/certify_conditions.py)."""
    return not consistency_obstacles(request)


def _active_edition(form_type: str) -> str:
    """The edition of the form's template activated last, or "" (none loaded)."""
    return (
        apps.get_model("cases", "FormTemplate")
        .objects.filter(form_type=form_type, active=True)
        .order_by("-activated_at", "-loaded_at", "-pk")
        .values_list("edition", flat=True)
        .first()
    ) or ""


class CertificationRequest(ConcurrentTransitionMixin, models.Model):
    """A request that the agency sign Supplement B, from draft to the agency's answer."""

    if TYPE_CHECKING:  # added by django-fsm-2 for the status field

        def get_available_status_transitions(self) -> Iterator[Transition]: ...

    reference = models.CharField(max_length=30, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests")
    # Empty for a request recorded from another channel (IntakeRecord) until it is linked.
    organization = models.ForeignKey(
        AdvocateOrganization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advocated_requests",
    )
    form_type = models.CharField(max_length=10, choices=FormType.choices, default=FormType.U_VISA)
    form_edition = models.CharField(max_length=10, default=CURRENT_FORM_EDITION)
    recertification_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="recertifications"
    )
    status = FSMField(
        max_length=30, choices=Status.choices, default=Status.DRAFT, protected=True, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    received_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The statutory answer date (c. 258F s. 3), fixed at receipt so queues sort in the database.
    due_on = models.DateField(null=True, blank=True)

    # Expedited track, chosen at intake.
    expedited = models.BooleanField(default=False)
    expedited_reason = models.CharField(max_length=20, choices=ExpeditedReason.choices, blank=True)
    age_out_date = EncryptedDateField(null=True, blank=True)  # a family member's birthday
    expedited_note = EncryptedTextField(blank=True)

    # Part 1. Victim information.
    a_number = EncryptedCharField("A-Number", max_length=9, blank=True)
    family_name = EncryptedCharField(max_length=100)
    given_name = EncryptedCharField(max_length=100)
    middle_name = EncryptedCharField(max_length=100, blank=True)
    other_family_name = EncryptedCharField(max_length=100, blank=True)
    other_given_name = EncryptedCharField(max_length=100, blank=True)
    other_middle_name = EncryptedCharField(max_length=100, blank=True)
    more_other_names = EncryptedTextField(blank=True, help_text="Further names (Part 7)")
    date_of_birth = EncryptedDateField(null=True, blank=True, validators=[validate_not_in_future])
    gender = EncryptedCharField(max_length=1, choices=Gender.choices, blank=True)
    preferred_language = EncryptedCharField(
        max_length=5, choices=Language.choices, default=Language.ENGLISH, blank=True
    )
    # Who is asking and in what capacity; the credential that goes with it (8 CFR 292.1: an
    # attorney's bar admission, an accredited representative's DOJ/EOIR recognition).
    # Blank on requests recorded before these were asked.
    requester_capacity = models.CharField(
        max_length=20, choices=RequesterCapacity.choices, blank=True
    )
    requester_bar_number = models.CharField("Bar number", max_length=40, blank=True)
    requester_bar_state = models.CharField("State of bar admission", max_length=2, blank=True)
    requester_accreditation = models.CharField(
        "DOJ/EOIR recognition or accreditation",
        max_length=200,
        blank=True,
        help_text="The recognised organisation and the representative's accreditation",
    )
    requester_relationship = EncryptedCharField(
        "Relationship to the victim", max_length=100, blank=True
    )
    # 8 U.S.C. 1367: without the victim's consent nothing about her leaves the department.
    victim_sharing_consent = models.CharField(
        "Victim's consent to sharing", max_length=10, choices=SharingConsent.choices, blank=True
    )
    # The petition's USCIS receipt number, once the advocate knows it (named in a notice of
    # withdrawal under 8 CFR 214.14(h)(2)).
    uscis_receipt_number = EncryptedCharField("USCIS receipt number", max_length=13, blank=True)

    # Part 2 items 7, 9, 10 and Part 3: the incident.
    report_number = EncryptedCharField(max_length=50, blank=True)
    fbi_or_sid_number = EncryptedCharField(max_length=50, blank=True)
    case_status = models.CharField(
        max_length=10,
        choices=[("ongoing", "On-going"), ("completed", "Completed"), ("other", "Other")],
        blank=True,
    )
    case_status_other = EncryptedCharField(max_length=200, blank=True)
    incident_date = EncryptedDateField(null=True, blank=True)
    additional_incident_dates = EncryptedJSONField(default=list, blank=True)
    incident_location = EncryptedCharField(max_length=300, blank=True)
    occurred_in_us = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    occurred_in_us_explanation = EncryptedTextField(blank=True)
    extraterritorial = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    extraterritorial_citation = EncryptedCharField(max_length=300, blank=True)
    statutes = models.ManyToManyField(Statute, blank=True, related_name="requests")
    other_statute_citations = EncryptedTextField(blank=True)
    crime_categories = models.ManyToManyField(
        QualifyingCrimeCategory, blank=True, related_name="requests"
    )
    criminal_activity_description = EncryptedTextField(blank=True)
    injury_description = EncryptedTextField(blank=True)
    advocate_helpfulness_note = EncryptedTextField(
        blank=True, help_text="How the victim has helped so far, as the advocate knows it"
    )

    # Qualifying-crime check (coordinator).
    crime_check_note = EncryptedTextField(blank=True)
    not_qualifying_reason = EncryptedTextField(blank=True)
    assigned_detective = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_requests",
    )

    # Part 4. Helpfulness (detective's attestation).
    possesses_information = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    has_been_helpful = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    # I-918B Part 4 item 3, in the form's own direction: "Since the initiation of cooperation,
    # has the victim refused or failed to provide assistance reasonably requested ...?"
    # A cooperative victim is answered "no" (read from USCIS's file, tooltip and page).
    refused_or_failed = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    helpfulness_other = EncryptedTextField(blank=True)
    helpfulness_explanation = EncryptedTextField(blank=True)
    # T visa (Form I-914 Supplement B): Part 3 item 1's forms of trafficking (TraffickingForm
    # codes, chosen by the coordinator), and Part 4's cooperation (the detective's attestation).
    trafficking_forms = models.JSONField(default=list, blank=True)
    cooperation = models.CharField(max_length=10, choices=Cooperation.choices, blank=True)
    cooperation_explanation = EncryptedTextField(blank=True)
    # I-914B 02/27/17 Part C item 3 (instructions item 9): has the victim expressed any fear of
    # retaliation or revenge if removed from the United States; if yes, the explanation.
    fear_of_retaliation = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    fear_of_retaliation_explanation = EncryptedTextField(blank=True)
    # I-914B 02/27/17 Part C items 6 and 7 (instructions items 12, 13): the dates the
    # investigation or prosecution was initiated and, if any, completed.
    investigation_started_on = models.DateField(null=True, blank=True)
    investigation_completed_on = models.DateField(null=True, blank=True)
    # I-914B 02/27/17 Part F: "Printed Name of Supervisor" of the certifying officer, who signs
    # in ink beside the officer (instructions, Part F).
    supervisor_name = models.CharField(max_length=200, blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attested_at = models.DateTimeField(null=True, blank=True)

    # Part 5. Family members implicated (rows in FamilyMember).
    family_members_implicated = models.CharField(max_length=3, choices=YesNo.choices, blank=True)

    # Information request loop.
    info_request_text = EncryptedTextField(blank=True)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    info_return_state = models.CharField(max_length=30, choices=Status.choices, blank=True)
    info_response_text = EncryptedTextField(blank=True)

    # Delay notice (c. 258F s. 3(iii)).
    delay_reason = EncryptedTextField(blank=True)
    delay_process = EncryptedTextField(blank=True)
    delay_projected_date = models.DateField(null=True, blank=True)
    delay_issued_at = models.DateTimeField(null=True, blank=True)
    # The projected date of the last timely notice (clocks.delay_standing), stored so the
    # home-page tile counts in the database; None while no timely notice was sent.
    delay_deadline = models.DateField(null=True, blank=True)

    # Decision.
    decided_at = models.DateTimeField(null=True, blank=True)
    # The answer under c. 258F s. 3 of a request later reconsidered: the moment of the first
    # denial. A reconsideration, granted or denied again, is a decision of its own with its own
    # clock (5 ILCS 825/11(a)); the deadline was met or missed by the first answer, and the
    # reports count that answer where it was given (clocks.answered_on).
    first_answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certifying_official = models.ForeignKey(
        CertifyingOfficial, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(
        null=True, blank=True, help_text="Part 6 item 2, as written in ink by the official"
    )
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    # c. 258F s. 2 and s. 3(ii): the policy version in force on the decision date and its clause.
    decline_policy = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_clause = models.ForeignKey(
        PolicyClause, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Codes of the consistency warnings the certifying official acknowledged (cases/consistency.py).
    acknowledged_warnings = models.JSONField(default=list, blank=True)
    decision_note = EncryptedTextField(blank=True)

    # Withdrawal by the requester / of the certification by the agency.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = EncryptedTextField(blank=True)
    certification_withdrawn_at = models.DateTimeField(null=True, blank=True)
    certification_withdrawal_reason = EncryptedTextField(blank=True)
    certification_withdrawal_kind = models.CharField(
        max_length=10, choices=CertificationWithdrawalKind.choices, blank=True
    )

    # Keyed hashes (HMAC) of the encrypted numbers, for lookup (cases/crypto.py).
    a_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    report_number_digest = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False
    )
    # Keyed digest of the normalised name and date of birth (``person_digest``): the intake
    # warns of a second open request for the same person (nothing is merged), and the annual
    # report counts individuals (c. 258F s. 4(a)(i)) without reading a name.
    person_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            # Capabilities, granted to groups (cases/roles.py). Scope is a guardian
            # object permission (view_certificationrequest) or view_all_requests.
            ("submit_request", "Can draft, submit, answer and withdraw requests"),
            ("review_request", "Can run intake, the crime check, assignment and notices"),
            ("attest_helpfulness", "Can attest helpfulness"),
            ("decide_request", "Can certify, decline and withdraw certifications"),
            ("view_all_requests", "Can see every request of the agency"),
            ("view_audit", "Can read the audit trail and reports"),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["assigned_detective", "status", "due_on"]),
            # Every list reads one page in index order.
            models.Index(fields=["created_at", "id"], name="request_created_idx"),
            models.Index(fields=["status", "created_at", "id"], name="request_status_created_idx"),
            # The coordinator's "New requests", newest received first: without it PostgreSQL
            # walked the report index back through every draft (no receipt date) first.
            models.Index(
                fields=["status", "received_at", "id"], name="request_status_received_idx"
            ),
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(status__in=PENDING_STATES),
                name="request_pending_due_idx",
            ),
            # The annual report (c. 258F s. 4) reads the year's requests from this index alone
            # on PostgreSQL (an index-only scan of about a tenth of the table's pages), and
            # its category counts the requests received in the year from it.
            models.Index(
                fields=["received_at"],
                include=[
                    "id",
                    "status",
                    "decided_at",
                    "first_answered_at",
                    "signed_on",
                    "withdrawn_at",
                    "delay_issued_at",
                    "expedited",
                    "expedited_reason",
                    "decline_reason",
                    "form_type",
                    "person_digest",
                    "a_number_digest",
                    "recertification_of",
                ],
                name="request_report_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.form_edition == CURRENT_FORM_EDITION:
            # A new request takes the edition the department activated last for its form;
            # one already made keeps its edition (the form it was certified on).
            self.form_edition = _active_edition(self.form_type) or self.form_edition
        # The lookup digests follow the encrypted numbers, also on partial saves.
        self.a_number_digest = keyed_hash(self.a_number, purpose="a_number")
        self.report_number_digest = keyed_hash(self.report_number, purpose="report_number")
        self.person_digest = person_digest(self.given_name, self.family_name, self.date_of_birth)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra: dict[str, tuple[str, ...]] = {
                "a_number": ("a_number_digest",),
                "report_number": ("report_number_digest",),
                "family_name": ("person_digest",),
                "given_name": ("person_digest",),
                "date_of_birth": ("person_digest",),
            }
            kwargs["update_fields"] = {*update_fields} | {
                digest
                for name, digests in extra.items()
                if name in update_fields
                for digest in digests
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("request_detail", kwargs={"reference": self.reference})

    def identity_digests(self) -> dict[str, str]:
        """The keyed digests that make two requests the same person: name and date of birth,
        or the A-Number (Supplement B Part 1 items 1, 2 and 4); empty ones left out."""
        found = {"person_digest": self.person_digest, "a_number_digest": self.a_number_digest}
        return {name: digest for name, digest in found.items() if digest}

    @cached_property
    def form_map_edition(self) -> str:
        """The form map the request's edition answers: a USCIS edition loaded on the form
        editions page answers the form's map it was matched to (FormTemplate.form_map)."""
        found = (
            apps.get_model("cases", "FormTemplate")
            .objects.filter(form_type=self.form_type, edition=self.form_edition, draft=False)
            .exclude(form_map="")
            .order_by("-active", "-loaded_at")
            .values_list("form_map", flat=True)
            .first()
        )
        return found or ""

    @property
    def issued_form(self) -> Any:
        """The form issued for the ink signature and not voided, or None."""
        return self.issued_forms.model.objects.current_for(self)

    @property
    def victim_name(self) -> str:
        return full_name(self.given_name, self.middle_name, self.family_name)

    @property
    def victim_filing_name(self) -> str:
        return filing_name(self.given_name, self.middle_name, self.family_name)

    @property
    def requester_credential(self) -> str:
        """What backs the capacity: "MA bar 123456", the DOJ/EOIR accreditation, the
        relationship to the victim; "" for an advocate or the victim."""
        capacity = self.requester_capacity
        if capacity == RequesterCapacity.ATTORNEY:
            return f"{self.requester_bar_state} bar {self.requester_bar_number}".strip()
        if capacity == RequesterCapacity.ACCREDITED_REPRESENTATIVE:
            return self.requester_accreditation.strip()
        if capacity == RequesterCapacity.FAMILY_MEMBER:
            return self.requester_relationship.strip()
        return ""

    @property
    def requester_standing(self) -> str:
        """The capacity and its credential for the letters' address line: "attorney, MA bar
        123456"; "" for the victim herself (her own name says it) or when not recorded."""
        capacity = self.requester_capacity
        if capacity in ("", RequesterCapacity.VICTIM):
            return ""
        words: dict[str, str] = {
            RequesterCapacity.ATTORNEY: "attorney",
            RequesterCapacity.ACCREDITED_REPRESENTATIVE: "accredited representative",
            RequesterCapacity.ADVOCATE: "advocate",
            RequesterCapacity.FAMILY_MEMBER: "family member",
        }
        word = words.get(capacity, "")
        credential = self.requester_credential
        return f"{word}, {credential}" if credential else word

    def requester_capacity_errors(self, organisation: str) -> dict[str, str]:
        """What the chosen capacity still needs, by field (empty when complete).
        ``organisation``: the advocate's organisation (the portal's, or the one recorded)."""
        errors: dict[str, str] = {}
        capacity = self.requester_capacity
        state = self.requester_bar_state.strip()
        # capacity -> [(field, whether it is given, what to say when it is not)]
        needs: dict[str, list[tuple[str, bool, Any]]] = {
            RequesterCapacity.ATTORNEY: [
                ("requester_bar_number", bool(self.requester_bar_number.strip()),
                 _("Give the attorney's bar number.")),
                ("requester_bar_state", len(state) == 2 and state.isalpha() and state.isupper(),
                 _("Give the state of bar admission as two capital letters (MA).")),
            ],
            RequesterCapacity.ACCREDITED_REPRESENTATIVE: [
                ("requester_accreditation", bool(self.requester_accreditation.strip()),
                 _("Give the DOJ/EOIR recognised organisation and the accreditation.")),
            ],
            RequesterCapacity.ADVOCATE: [
                ("requester_organization", bool(organisation.strip()),
                 _("Give the advocate's organisation.")),
            ],
            RequesterCapacity.FAMILY_MEMBER: [
                ("requester_relationship", bool(self.requester_relationship.strip()),
                 _("Give the family member's relationship to the victim.")),
            ],
        }  # fmt: skip
        if capacity not in RequesterCapacity.values:
            errors["requester_capacity"] = str(_("Say in what capacity the requester asks."))
        for field, given, message in needs.get(capacity, []):
            if not given:
                errors[field] = str(message)
        if self.victim_sharing_consent not in SharingConsent.values:
            errors["victim_sharing_consent"] = str(
                _("Say whether the victim consents to the department sharing her information.")
            )
        return errors

    def may_share_outside(self) -> bool:
        """8 U.S.C. 1367: the victim's information leaves the department only with her
        consent, or to the victim herself when she is the requester."""
        return (
            self.victim_sharing_consent == SharingConsent.GIVEN
            or self.requester_capacity == RequesterCapacity.VICTIM
        )

    # --- conditions (pure functions of the request) ---

    def has_required_submission_fields(self) -> bool:
        return bool(self.family_name and self.given_name and self.incident_date)

    def has_qualifying_crime_and_detective(self) -> bool:
        if self.form_type == FormType.T_VISA:  # a severe form of trafficking (22 U.S.C. 7102)
            return self.assigned_detective_id is not None and bool(self.trafficking_forms)
        return self.assigned_detective_id is not None and self.crime_categories.exists()

    def asks_fear_of_retaliation(self) -> bool:
        """Whether the request's edition asks about the victim's fear of retaliation (I-914B
        02/27/17 Part C item 3; instructions item 9)."""
        edition = formmap.edition_of(self)
        return edition is not None and any(
            i.source == "fear_of_retaliation_text" for p in edition.parts for i in p.items
        )

    def asks_supervisor_signature(self) -> bool:
        """Whether the request's edition has the supervisor's own ink signature (I-914B
        02/27/17 Part F): the declaration is complete only with both inks recorded."""
        return formmap.asks_supervisor_signature(formmap.edition_of(self))

    @property
    def supervisor_signed_on_recorded(self) -> date | None:
        """The supervisor's ink date (Part F), once recorded."""
        ink = getattr(self, "ink_signature", None) if self.pk else None
        supervisor = getattr(ink, "supervisor_signature", None) if ink else None
        return supervisor.signed_on if supervisor else None

    def has_helpfulness_answers(self) -> bool:
        if self.form_type == FormType.T_VISA:  # I-914 Supplement B Part 4: cooperation
            answered = bool(self.cooperation and self.cooperation_explanation.strip())
            if answered and self.asks_fear_of_retaliation():
                # I-914B 02/27/17 Part C item 3: "If yes, explain."
                return self.fear_of_retaliation == YesNo.NO or bool(
                    self.fear_of_retaliation == YesNo.YES
                    and self.fear_of_retaliation_explanation.strip()
                )
            return answered
        return bool(
            self.possesses_information
            and self.has_been_helpful
            and self.refused_or_failed
            and self.helpfulness_explanation.strip()
        )

    # --- the workflow ---

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.RECEIVED,
        conditions=[has_required_submission_fields],  # type: ignore[list-item]
        custom={"label": _("Submit request"), "role": "advocate"},
    )
    def submit(self, *, at: datetime) -> None:
        self.received_at = at
        self.due_on = due_date(self)  # expedited track: the shorter date

    def step_label(self, name: str) -> str:
        """The words of step ``name`` for this request: a T request (Form I-914 Supplement B)
        is about trafficking and cooperation, so its own words where the step has them."""
        custom = next(iter(getattr(type(self), name)._django_fsm.transitions.values())).custom
        if self.form_type == FormType.T_VISA and "t_label" in custom:
            return str(custom["t_label"])
        return str(custom.get("label", name))

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.CRIME_CHECK,
        custom={
            "label": _("Start qualifying-crime check"),
            # Form I-914 Supplement B, Part 3: a severe form of trafficking in persons
            "t_label": _("Start trafficking check"),
            "role": "coordinator",
        },
    )
    def begin_crime_check(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.CRIME_CHECK,
        target=Status.HELPFULNESS_REVIEW,
        conditions=[has_qualifying_crime_and_detective],  # type: ignore[list-item]
        custom={"label": _("Confirm qualifying crime"), "role": "coordinator"},
    )
    def confirm_qualifying_crime(self, *, note: str = "") -> None:
        self.crime_check_note = note

    @transition(
        field=status,
        source=Status.CRIME_CHECK,
        target=Status.CHIEF_DECISION,
        custom={
            "label": _("Refer as not qualifying"),
            "t_label": _("Refer as not a severe form of trafficking"),
            "role": "coordinator",
        },
    )
    def refer_not_qualifying(self, *, reason: str) -> None:
        self.not_qualifying_reason = reason

    @transition(
        field=status,
        source=Status.HELPFULNESS_REVIEW,
        target=Status.CHIEF_DECISION,
        conditions=[has_helpfulness_answers],  # type: ignore[list-item]
        custom={
            "label": _("Attest helpfulness"),
            # Form I-914 Supplement B, Part 4: the victim's cooperation, not helpfulness
            "t_label": _("Attest cooperation"),
            "role": "detective",
        },
    )
    def attest_helpfulness(self, *, by: User, at: datetime) -> None:
        self.attested_by = by
        self.attested_at = at

    @transition(
        field=status,
        source=Status.CHIEF_DECISION,
        target=Status.HELPFULNESS_REVIEW,
        custom={"label": _("Return for further review"), "role": "chief"},
    )
    def return_for_review(self) -> None:
        pass

    @transition(
        field=status,
        # A reconsideration granted takes the usual certify and ink path.
        source=[Status.CHIEF_DECISION, Status.RECONSIDERATION],
        target=Status.AWAITING_INK,
        conditions=[form_is_complete, form_is_consistent],  # type: ignore[list-item]
        custom={"label": _("Certify"), "role": "chief"},
    )
    def certify(
        self,
        *,
        by: User,
        official: CertifyingOfficial,
        at: datetime,
    ) -> None:
        # The decision only: the form is signed and dated by hand afterwards (Form I-918
        # Supplement B instructions; 8 CFR 103.2(a)(7)(ii)(A)), and Part 6 item 2 stays empty.
        self.decided_by = by
        self.decided_at = at
        self.certifying_official = official
        self.signed_on = None

    @transition(
        field=status,
        source=Status.AWAITING_INK,
        target=Status.CERTIFIED,
        custom={"label": _("Record ink signature"), "role": "coordinator"},
    )
    def record_ink_signature(self, *, signed_on: date) -> None:
        # The date the official wrote in Part 6 item 2: the answer under c. 258F s. 3(i), and
        # the start of the six months the form may be filed (8 CFR 214.14(c)(2)(i)).
        self.signed_on = signed_on

    @transition(
        field=status,
        source=Status.AWAITING_INK,
        target=Status.CHIEF_DECISION,
        custom={"label": _("Void the unsigned form"), "role": "chief"},
    )
    def void_unsigned_form(self) -> None:
        # The form issued for ink was not signed (the official will not sign it, or another
        # official must decide): the decision is undone and made again, on a new form.
        self.decided_by = None
        self.decided_at = None
        self.certifying_official = None

    @transition(
        field=status,
        # A reconsideration refused is a denial again, written as the first one.
        source=[Status.CHIEF_DECISION, Status.RECONSIDERATION],
        target=Status.DECLINED,
        custom={"label": _("Decline"), "role": "chief"},
    )
    def decline(
        self,
        *,
        by: User,
        official: CertifyingOfficial,
        at: datetime,
        reason: str,
        explanation: str,
        policy: PolicyVersion | None = None,
        clause: PolicyClause | None = None,
    ) -> None:
        self._record_refusal(by, official, at, reason, explanation, policy, clause)

    def _record_refusal(
        self,
        by: User,
        official: CertifyingOfficial | None,
        at: datetime,
        reason: str,
        explanation: str,
        policy: PolicyVersion | None,
        clause: PolicyClause | None,
    ) -> None:
        """The decision not to certify, its official, its day and the policy clause."""
        self.decided_by = by
        self.decided_at = at
        self.certifying_official = official
        self.decline_reason = reason
        self.decline_policy = policy
        self.decline_clause = clause
        self.decision_note = explanation

    @transition(
        field=status,
        source=Status.CHIEF_DECISION,
        target=Status.REFERRED,
        custom={"label": _("Refer to the agency with jurisdiction"), "role": "chief"},
    )
    def refer_to_agency(
        self,
        *,
        by: User,
        official: CertifyingOfficial | None,
        at: datetime,
        explanation: str,
        policy: PolicyVersion | None = None,
        clause: PolicyClause | None = None,
    ) -> None:
        # c. 258F s. 3(ii): a written answer declining to certify for lack of jurisdiction,
        # without prejudice; the Referral row names the agency and what was forwarded.
        self._record_refusal(
            by, official, at, DeclineReason.NO_JURISDICTION, explanation, policy, clause
        )

    @transition(
        field=status,
        source=Status.DECLINED,
        target=Status.RECONSIDERATION,
        custom={"label": _("Ask for reconsideration"), "role": "advocate"},
    )
    def request_reconsideration(self) -> None:
        # The denial stays on the request (decided_at, the official, the clause) until the
        # reconsideration is decided; the Reconsideration row keeps the request and its clock.
        # The first denial is the answer under c. 258F s. 3, whatever follows.
        if self.first_answered_at is None:
            self.first_answered_at = self.decided_at

    @transition(
        field=status,
        source=Status.RECONSIDERATION,
        target=Status.DECLINED,
        custom={"label": _("Withdraw the request for reconsideration"), "role": "advocate"},
    )
    def withdraw_reconsideration(self) -> None:
        # The requester no longer asks: the denial stands as it was (decided_at, the official,
        # the clause); the Reconsideration row records the withdrawal.
        pass

    @transition(
        field=status,
        source=REVIEW_STATES,
        target=Status.INFO_REQUESTED,
        custom={"label": _("Request information"), "role": "coordinator"},
    )
    def request_information(self, *, text: str, at: datetime) -> None:
        self.info_return_state = self.status
        self.info_request_text = text
        self.info_requested_at = at
        self.info_response_text = ""

    @transition(
        field=status,
        source=Status.INFO_REQUESTED,
        target=RETURN_VALUE(*REVIEW_STATES),
        custom={"label": _("Answer information request"), "role": "advocate"},
    )
    def answer_information(self, *, text: str) -> str:
        self.info_response_text = text
        return_to = self.info_return_state
        self.info_return_state = ""
        return return_to

    @transition(
        field=status,
        source=PENDING_STATES,
        target=None,  # c. 258F s. 3(iii): a delay notice answers in time but keeps the request open
        custom={"label": _("Issue delay notice"), "role": "coordinator"},
    )
    def issue_delay_notice(
        self,
        *,
        reason: str,
        process: str,
        projected_date: date,
        at: datetime,
        deadline: date | None = None,
    ) -> None:
        # The latest notice's text and dates; every notice is a DelayNotice row (services).
        if deadline is not None:
            self.delay_deadline = deadline
        self.delay_reason = reason
        self.delay_process = process
        self.delay_projected_date = projected_date
        self.delay_issued_at = at

    @transition(
        field=status,
        # Not once the decision is made and the form issued for ink.
        source=[s for s in OPEN_STATES if s != Status.AWAITING_INK],
        target=Status.WITHDRAWN,
        custom={"label": _("Withdraw request"), "role": "advocate"},
    )
    def withdraw(self, *, reason: str, at: datetime) -> None:
        self.withdrawn_at = at
        self.withdrawal_reason = reason

    @transition(
        field=status,
        source=Status.CERTIFIED,
        target=Status.CERTIFICATION_WITHDRAWN,
        custom={"label": _("Withdraw certification"), "role": "chief"},
    )
    def withdraw_certification(
        self, *, reason: str, at: datetime, kind: str = CertificationWithdrawalKind.WITHDRAW
    ) -> None:
        # 8 CFR 214.14(h)(2)(i)(A): the certifying official withdraws or disavows in writing.
        self.certification_withdrawn_at = at
        self.certification_withdrawal_reason = reason
        self.certification_withdrawal_kind = kind


# Transition methods take only keyword arguments, but a template must still never call them.
for _name in [
    "submit",
    "begin_crime_check",
    "confirm_qualifying_crime",
    "refer_not_qualifying",
    "attest_helpfulness",
    "return_for_review",
    "certify",
    "record_ink_signature",
    "decline",
    "refer_to_agency",
    "request_reconsideration",
    "withdraw_reconsideration",
    "request_information",
    "answer_information",
    "issue_delay_notice",
    "withdraw",
    "withdraw_certification",
]:
    getattr(CertificationRequest, _name).alters_data = True


class FamilyMember(models.Model):
    """Part 5 items 2-4: a family member believed involved in the criminal activity."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="family_members"
    )
    family_name = EncryptedCharField(max_length=100)
    given_name = EncryptedCharField(max_length=100)
    middle_name = EncryptedCharField(max_length=100, blank=True)
    relationship = EncryptedCharField(max_length=100)
    involvement = EncryptedTextField()

    def __str__(self) -> str:
        return f"{full_name(self.given_name, '', self.family_name)} ({self.relationship})"


def document_upload_to(instance: models.Model, filename: str) -> str:
    # Random stored name: the original name is kept in a field, never used as a path.
    return f"documents/{secrets.token_hex(16)}{PurePosixPath(filename).suffix.lower()[:10]}"


class Document(models.Model):
    class Kind(models.TextChoices):
        REQUEST_LETTER = "request_letter", _("Request letter")
        PARTIAL_FORM = "partial_form", _("Supplement B with Part 1 filled")
        POLICE_REPORT = "police_report", _("Police report")
        INFORMATION_RESPONSE = "information_response", _("Answer to an information request")
        SIGNED_SCAN = "signed_scan", _("Scan of the pages signed in ink")
        RECONSIDERATION = "reconsideration", _("Reasons or evidence for reconsideration")
        OTHER = "other", _("Other")

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(upload_to=document_upload_to)
    original_name = EncryptedCharField(max_length=255)  # names can name the victim
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class RequestUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct-FK table: per-request grants to users (detectives)."""

    content_object = models.ForeignKey(CertificationRequest, on_delete=models.CASCADE)


class RequestGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's direct-FK table: per-request grants to groups (advocate organisations)."""

    content_object = models.ForeignKey(CertificationRequest, on_delete=models.CASCADE)
