"""What goes with the ink-signed form at the hand-over: the head's written designation when a
designee signed, the reports chosen under Part 3 items 6-7 with their pages, and the checklist
printed for the requester (read back from the PDF)."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

from cases import clocks
from cases.documents import handover_checklist
from cases.models import CaseEvent, CertificationRequest, CertifyingOfficial, Document
from cases.services import documents, ink
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def pdf_of(pages: int, words: str = "Report") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=LETTER)
    for n in range(pages):
        page.drawString(72, 700, f"{words} page {n + 1}")
        page.showPage()
    page.save()
    return out.getvalue()


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def add_report(r, people, pages, name="report.pdf"):
    """A report on file (uploaded while the request was open: stored directly here)."""
    return documents.store_document(
        r,
        actor=people["coordinator"],
        upload=SimpleUploadedFile(name, pdf_of(pages), "application/pdf"),
        kind=Document.Kind.POLICE_REPORT,
    )


def hand_over(r, people, **extra):
    return ink.request_record_handover(
        request=r,
        actor=people["coordinator"],
        received_by="Ana Ruiz, advocate",
        received_on=timezone.localdate(),
        method="in_person",
        **extra,
    )


def test_the_reports_chosen_are_recorded_with_their_pages(certify_and_ink, people):
    r = certify_and_ink()
    three, one = add_report(r, people, 3), add_report(r, people, 1, "supplement.pdf")
    handover = hand_over(r, people, report_ids=[three.pk, one.pk])
    assert [(e["kind"], e["document"], e["pages"]) for e in handover.enclosures] == [
        ("report", three.pk, 3),
        ("report", one.pk, 1),
    ]
    assert all("report.pdf" not in e["label"] for e in handover.enclosures)  # no file name
    event = CaseEvent.objects.filter(request=r, kind="note").last()
    assert event.data["enclosures"] == handover.enclosures
    checklist = text_of(handover_checklist.render_checklist_pdf(handover))
    assert "Form I-918, Supplement B, the original signed in ink" in checklist
    assert f"Police report (document {three.pk}): 3 pages" in checklist
    assert f"Police report (document {one.pk}): 1 page" in checklist
    assert "Form I-918, Petition for U Nonimmigrant Status, completed and signed" in checklist
    last_day = clocks.valid_until(r.form_type, r.signed_on)
    assert f"received no later than {last_day:%m/%d/%Y}" in checklist
    assert "six months from the ink signature" in checklist


def test_another_requests_document_or_an_unreadable_pdf_is_refused(
    certify_and_ink, make_request, people
):
    r = certify_and_ink()
    other = certify_and_ink()
    theirs = add_report(other, people, 2)
    with pytest.raises(ValidationError, match="among this request's documents"):
        hand_over(r, people, report_ids=[theirs.pk])
    assert not r.issued_form.handovers.exists()


def test_a_designee_signature_encloses_the_written_designation(certify_and_ink, people, agency):
    r = certify_and_ink()
    deputy = CertifyingOfficial(
        agency=agency,
        user=people["undesignated_chief"],
        family_name="Other",
        given_name="Deputy",
        title="Deputy Chief",
        is_agency_head=False,
        designated_on=date(2024, 1, 2),
    )
    deputy.designation_document.save("deputy.pdf", ContentFile(pdf_of(2, "Designation")), False)
    deputy.save()
    CertificationRequest.objects.filter(pk=r.pk).update(certifying_official=deputy)
    r.refresh_from_db()
    handover = hand_over(r, people)
    [designation] = handover.enclosures
    assert designation["kind"] == "designation" and designation["pages"] == 2
    checklist = text_of(handover_checklist.render_checklist_pdf(handover))
    assert "Written designation of" in checklist and "by the agency head" in checklist
    assert ": 2 pages" in checklist


def test_the_case_page_offers_the_reports_and_the_checklist(client, certify_and_ink, people):
    r = certify_and_ink()
    report = add_report(r, people, 2)
    sign_in(client, people["coordinator"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert f'name="handover-report_ids" value="{report.pk}"' in html
    response = client.post(
        reverse("handover_record", args=[r.reference]),
        {
            "handover-received_by": "Ana Ruiz, advocate",
            "handover-received_on": timezone.localdate().isoformat(),
            "handover-method": "in_person",
            "handover-report_ids": [str(report.pk)],
        },
    )
    assert response.status_code == 302
    handover = r.issued_form.handovers.get()
    assert handover.enclosures[0]["pages"] == 2
    url = reverse("handover_checklist_pdf", args=[r.reference, handover.pk])
    pdf = client.get(url).content
    assert "Checklist for the requester" in text_of(pdf)
    # the requester's advocate prints it too; another organisation's advocate finds nothing
    sign_in(client, people["advocate"])
    assert "Checklist for the requester" in text_of(client.get(url).content)
    sign_in(client, people["other_advocate"])
    assert client.get(url).status_code == 404
