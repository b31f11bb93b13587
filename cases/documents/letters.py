"""Decision letters as PDFs, from wording the department can edit.

- acknowledgement of receipt (with the c. 258F s. 3 answer date);
- written denial without prejudice citing the policy reason (c. 258F s. 3(ii));
- delay notice: reason, process, projected date (c. 258F s. 3(iii));
- notice to USCIS withdrawing / disavowing a certification (8 CFR 214.14(h)(2)).

The wording is a LetterTemplate row if the department has saved one (admin), otherwise
templates/letters/<kind>.txt. It is rendered in a sandbox (cases/lib/letter_templates.py) from a
plain dictionary of named values, never from model objects (ASVS V5.2.5: wording typed in the
admin must not reach a password hash, a TOTP key or another victim's request), as plain text
(no HTML escaping); then every paragraph is escaped for reportlab, so names and notes print
literally.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.template.loader import get_template
from django.utils import timezone
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from cases import clocks
from cases.documents.render import escape, styles
from cases.formmap import signing_official
from cases.intake import letter_recipient
from cases.lib import letter_templates
from cases.lib.names import full_name
from cases.models import IssuedForm, LetterTemplate, Status
from cases.policy import denial_citation

if TYPE_CHECKING:
    from cases.models import CertificationRequest

Kind = LetterTemplate.Kind

SUBJECTS = {
    Kind.ACKNOWLEDGEMENT: "Acknowledgement of your U-visa certification request "
    "{{ request.reference }}",
    Kind.DENIAL: "Written denial without prejudice, request {{ request.reference }}",
    Kind.DELAY: "Notice of delay, request {{ request.reference }}",
    Kind.USCIS_WITHDRAWAL: "Withdrawal of Form I-918 Supplement B certification",
}


def available(request: CertificationRequest, kind: str) -> bool:
    """Whether the letter exists yet for this request (its event has happened)."""
    return {
        Kind.ACKNOWLEDGEMENT: request.received_at is not None,
        Kind.DENIAL: request.status == Status.DECLINED,
        Kind.DELAY: request.delay_issued_at is not None,
        Kind.USCIS_WITHDRAWAL: request.status == Status.CERTIFICATION_WITHDRAWN,
    }.get(kind, False)


def wording(kind: str) -> tuple[str, str]:
    saved = LetterTemplate.objects.filter(kind=kind).first()
    if saved is not None:
        return saved.subject, saved.body
    return SUBJECTS[kind], get_template(f"letters/{kind}.txt").template.source


def _official_name(official: Any) -> str:
    if official is None:
        return ""
    return full_name(official.given_name, official.middle_name, official.family_name)


def _context(request: CertificationRequest) -> dict[str, Any]:
    """The named values a letter may print: plain strings and dates, nothing else."""
    official = signing_official(request)
    citation = denial_citation(request)
    form = IssuedForm.objects.filter(request=request).values("verification_code").first()
    agency = request.agency
    organization = {"name": request.organization.name if request.organization_id else ""}
    return {
        "victim_name": request.victim_name,
        "received": timezone.localtime(request.received_at) if request.received_at else None,
        "due": clocks.response_due(request.received_at) if request.received_at else None,
        # c. 258F s. 2 and s. 3(ii): the clause of the policy version in force, quoted.
        "policy_title": citation.policy_title if citation else "",
        "policy_version": citation.policy_version if citation else "",
        "policy_effective_on": citation.policy_effective_on if citation else None,
        "policy_clause_number": citation.clause_number if citation else "",
        "policy_clause_heading": citation.clause_heading if citation else "",
        "policy_clause_text": citation.clause_text if citation else "",
        "today": timezone.localdate(),
        "decline_reason": request.get_decline_reason_display() if request.decline_reason else "",
        "agency": {
            "name": agency.name,
            "phone": agency.phone,
            "city": agency.city,
            "state": agency.state,
        },
        "official": {
            "name": _official_name(official),
            "title": official.title if official else "",
        },
        "organization": organization,
        "form": form,
        "request": {
            "reference": request.reference,
            "family_name": request.family_name,
            "given_name": request.given_name,
            "middle_name": request.middle_name,
            "victim_filing_name": request.victim_filing_name,
            "date_of_birth": request.date_of_birth,
            "a_number": request.a_number,
            "report_number": request.report_number,
            "decision_note": request.decision_note,
            "delay_reason": request.delay_reason,
            "delay_process": request.delay_process,
            "delay_projected_date": request.delay_projected_date,
            "signed_on": request.signed_on,
            "certification_withdrawal_reason": request.certification_withdrawal_reason,
            "certification_withdrawn_at": request.certification_withdrawn_at,
            "organization": organization,
        },
    }


def render_text(request: CertificationRequest, kind: str) -> tuple[str, str]:
    subject, body = wording(kind)
    context = _context(request)
    return (
        letter_templates.render(subject, context).strip(),
        letter_templates.render(body, context).strip(),
    )


def render_letter_pdf(request: CertificationRequest, kind: str) -> bytes:
    st = styles()
    subject, body = render_text(request, kind)
    agency = request.agency
    official = signing_official(request)
    today = timezone.localdate()
    if kind == Kind.USCIS_WITHDRAWAL:
        to = ["U.S. Citizenship and Immigration Services", "Vermont Service Center"]
    elif (requester := letter_recipient(request)) is not None:
        to = requester  # a request received by mail, e-mail, fax or in person
    else:
        to = [f"{request.victim_name}", f"c/o {request.organization.name}"]
        org = request.organization
        to += [
            line for line in [org.street, f"{org.city} {org.state} {org.zip_code}".strip()] if line
        ]
    story: list[Any] = [
        Paragraph(escape(agency.name), st["title"]),
        Paragraph(
            escape(
                f"{agency.street}, {agency.city}, {agency.state} {agency.zip_code} · {agency.phone}"
            ),
            st["small"],
        ),
        Spacer(1, 10 * mm),
        Paragraph(f"{today:%B} {today.day}, {today.year}", st["base"]),
        Spacer(1, 4 * mm),
        Paragraph("<br/>".join(escape(line) for line in to), st["base"]),
        Spacer(1, 6 * mm),
        Paragraph(f"Re: {escape(subject)}", st["bold"]),
        Paragraph(f"Reference: {escape(request.reference)}", st["base"]),
        Spacer(1, 5 * mm),
    ]
    for paragraph in [p for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]:
        story.append(Paragraph(escape(paragraph.strip()), st["body"]))
    story.append(Spacer(1, 12 * mm))
    if official is not None:
        name = _official_name(official)
        story.append(Paragraph(f"{escape(name)}<br/>{escape(official.title)}", st["base"]))
    story.append(Paragraph(escape(agency.name), st["base"]))

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=subject,
        author=agency.name,
    ).build(story)
    return buffer.getvalue()
