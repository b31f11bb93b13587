"""A demo request filled on a draft edition, as a real request would be: the form editions page.

Before an administrator activates a new edition of Supplement B, they see it filled through the
same path every request takes (official.official_values and official_pdf, through the
template's stored mapping). The request that fills it is made for the occasion, with its
agency, its head as the certifying official (and the head's user), statutes, categories
(I-918B Part 3 item 1) or forms of trafficking (I-914B Part 3 item 1), a family member and the
department's text of each attested item, inside a savepoint that is rolled back once the PDF's
bytes are made: nothing of it stays in the database, and no service runs, so no audit event,
notice or outbox row is written.

Every page says "PREVIEW - DEMO DATA - NOT FOR FILING" (the DRAFT marking's layout, draft.py):
it is USCIS's form, and a page of it must never be mistaken for a request's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.documents import draft, official, page_images
from cases.models import (
    Agency,
    CertificationRequest,
    CertifyingOfficial,
    DepartmentText,
    FamilyMember,
    FormTemplate,
    FormType,
    QualifyingCrimeCategory,
    Statute,
)
from cases.uscis import formmap
from cases.uscis.trafficking import Cooperation, TraffickingForm

PREVIEW_MARK = "PREVIEW - DEMO DATA - NOT FOR FILING"
DEMO_REFERENCE = "DEMO-PREVIEW"

DEMO_AGENCY: dict[str, Any] = {
    "name": "Demo Police Department (edition preview)",
    "code": "DEMOPRV",
    "street": "100 Demo Street",
    "suite": "Suite 2",
    "city": "Demotown",
    "state": "MA",
    "zip_code": "02155",
    "phone": "781-555-0100",
    "fax": "781-555-0199",
    "agency_type": Agency.AgencyType.LOCAL,
    "category": Agency.Category.LAW_ENFORCEMENT,
    "head_family_name": "Headley",
    "head_given_name": "Harriet",
    "head_title": "Chief of Police",
}

DEMO_STATUTES = [
    ("c.265 §50", "Trafficking of persons for sexual servitude"),
    ("c.265 §51", "Trafficking of persons for forced services"),
]


def _demo_values(template: FormTemplate, today: date) -> dict[str, Any]:
    """The request's own answers: every item a real request answers, with plain demo values."""
    values: dict[str, Any] = {
        "reference": DEMO_REFERENCE,
        "form_type": template.form_type,
        "form_edition": template.edition,
        "a_number": "012345678",
        "family_name": "Demofamily",
        "given_name": "Dana",
        "middle_name": "Q",
        "other_family_name": "Othername",
        "other_given_name": "Dee",
        "date_of_birth": date(1990, 1, 2),
        "gender": "F",
        "report_number": "DEMO-2025-0001",
        "fbi_or_sid_number": "SID-DEMO-42",
        "case_status": "ongoing",
        "incident_date": today - timedelta(days=200),
        "additional_incident_dates": [(today - timedelta(days=190)).isoformat()],
        "incident_location": "Demotown, MA",
        "occurred_in_us": "yes",
        "extraterritorial": "no",
        "other_statute_citations": "",
        "criminal_activity_description": "Demo description of the criminal activity.",
        "injury_description": "Demo description of the injury.",
        "possesses_information": "yes",
        "has_been_helpful": "yes",
        "refused_or_failed": "no",
        "helpfulness_explanation": "Demo description of the victim's helpfulness.",
        "family_members_implicated": "yes",
        "signed_on": today,
        "decided_at": timezone.now(),
    }
    if template.form_type == FormType.T_VISA:
        values |= {
            "trafficking_forms": [TraffickingForm.SEX_FORCE, TraffickingForm.DEBT_BONDAGE],
            "cooperation": Cooperation.COMPLIED,
            "cooperation_explanation": "Demo explanation of the victim's cooperation.",
            "fear_of_retaliation": "yes",
            "fear_of_retaliation_explanation": "Demo explanation of the fear of retaliation.",
            "investigation_started_on": today - timedelta(days=180),
            "supervisor_name": "Sam Supervisor",
        }
    return values


def _demo_request(template: FormTemplate) -> CertificationRequest:
    """The demo request's rows (the caller's savepoint rolls them back)."""
    today = timezone.localdate()
    agency = Agency.objects.create(**DEMO_AGENCY)
    user = get_user_model().objects.create_user(username="demo-preview-certifier")  # no password
    signer = CertifyingOfficial.objects.create(
        agency=agency,
        user=user,
        family_name="Certifier",
        given_name="Casey",
        middle_name="M",
        title="Chief of Police",
        # The head signs (8 CFR 214.14(a)(3)): no written designation to make up.
        is_agency_head=True,
        designated_on=today - timedelta(days=365),
    )
    request = CertificationRequest(
        agency=agency, certifying_official=signer, **_demo_values(template, today)
    )
    request.save()
    # Filled on a draft, whose form map (FormTemplate.form_map) the request cannot yet read.
    request.form_map_edition = template.form_map
    request.statutes.set(
        [
            Statute.objects.get_or_create(citation=c, defaults={"offense": o})[0]
            for c, o in DEMO_STATUTES
        ]
    )
    if template.form_type == FormType.U_VISA:
        codes = sorted(template.category_fields)[:2]
        request.crime_categories.set(QualifyingCrimeCategory.objects.filter(code__in=codes))
    FamilyMember.objects.create(
        request=request,
        family_name="Relative",
        given_name="Robin",
        relationship="Brother",
        involvement="Demo involvement of the family member.",
    )
    # The department's text of each attested item: the request's own value, adopted.
    for part, filled in formmap.fill(request):
        for item in filled:
            if item.item.attested and item.proposal:
                adopted: dict[str, Any] = {"content": {"value": item.proposal}}
                DepartmentText.objects.create(
                    request=request,
                    part=part.number,
                    number=item.item.number,
                    how=DepartmentText.How.ADOPTED,
                    **adopted,
                )
    return request


def demo_pdf(template: FormTemplate) -> bytes:
    """The template filled from a demo request through its stored mapping, marked as a
    preview on every page; nothing is left in the database."""
    try:
        with transaction.atomic():
            request = _demo_request(template)
            filled = official.official_pdf(request, template)
            transaction.set_rollback(True)
    except IntegrityError as exc:
        # A row of the department's own already has a demo name or code: no preview, and
        # nothing of the demo kept (the transaction is rolled back).
        raise page_images.RenderFailed("the demo request could not be made here") from exc
    return draft.mark(
        filled,
        {
            "/Title": f"{template.form_type} {template.edition}, {PREVIEW_MARK}",
            "/Subject": f"{PREVIEW_MARK}: a demo request filled on an edition before its "
            "activation",
            "/Creator": "U-visa certification tracker",
        },
        text=PREVIEW_MARK,
    )
