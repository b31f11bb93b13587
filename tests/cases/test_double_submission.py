"""One object for one intent: a form posted twice (a double click on *Save draft*, a page sent
again) or by two requests at the same moment acts once (cases/services/common.py
``claim_intent``; the form's one-time token, unique in SubmittedIntent)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from cases import errors, services
from cases.models import (
    CertificationRequest,
    DelayNotice,
    Document,
    IntakeRecord,
    IssuedLetter,
    LetterDelivery,
    Status,
    SubmittedIntent,
)
from cases.services import received
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DRAFT = {
    "form_type": "I-918B",
    "family_name": "Pierre",
    "given_name": "Jean-Baptiste",
    "incident_date": "2025-01-31",
    "requester_capacity": "advocate",
    "victim_sharing_consent": "given",
}
INTAKE = {
    "channel": "mail",
    "form_type": "I-914B",
    "received_on": "",
    "requester_name": "Ana Costa",
    "requester_address": "1 Elm St\nMedford MA 02155",
    "requester_language": "en",
    "family_name": "Costa",
    "given_name": "Ana",
    "incident_date": "2025-06-01",
    "requester_capacity": "victim",
    "victim_sharing_consent": "given",
}


def token_of(page: str) -> str:
    found = re.search(r'name="intent" value="([^"]+)"', page)
    assert found, "the form carries no one-time token"
    return found.group(1)


def test_save_draft_posted_twice_makes_one_draft(client, people):
    sign_in(client, people["advocate"])
    intent = token_of(client.get("/requests/new/").content.decode())
    first = client.post("/requests/new/", {**DRAFT, "intent": intent})
    second = client.post("/requests/new/", {**DRAFT, "intent": intent}, follow=True)
    (draft,) = CertificationRequest.objects.all()
    assert first["Location"] == draft.get_absolute_url()
    assert second.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "already sent" in second.content.decode()
    # A fresh page is a fresh intent: a second draft on purpose is still possible.
    intent = token_of(client.get("/requests/new/").content.decode())
    client.post("/requests/new/", {**DRAFT, "intent": intent})
    assert CertificationRequest.objects.count() == 2


def test_record_a_request_posted_twice_records_one_and_a_refusal_frees_the_token(client, people):
    sign_in(client, people["coordinator"])
    intent = token_of(client.get("/requests/intake/").content.decode())
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post("/requests/intake/", {**INTAKE, "received_on": future, "intent": intent})
    assert refused.status_code == 400 and token_of(refused.content.decode()) == intent
    assert not SubmittedIntent.objects.exists()  # rolled back with the refused request
    today = timezone.localdate().isoformat()
    client.post("/requests/intake/", {**INTAKE, "received_on": today, "intent": intent})
    client.post("/requests/intake/", {**INTAKE, "received_on": today, "intent": intent})
    (recorded,) = CertificationRequest.objects.all()
    assert recorded.form_type == "I-914B" and recorded.reference.split("-")[1] == "TV"
    assert IntakeRecord.objects.count() == 1


def test_a_delay_notice_posted_twice_is_issued_once(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["coordinator"])
    intent = token_of(client.get(r.get_absolute_url()).content.decode())
    data = {
        "intent": intent,
        "issue_delay_notice-reason": "The report is with the district attorney.",
        "issue_delay_notice-process": "We ask the district attorney and decide.",
        "issue_delay_notice-projected_date": (
            timezone.localdate() + timedelta(days=120)
        ).isoformat(),
    }
    url = f"/requests/{r.reference}/step/issue_delay_notice/"
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "already sent" in again.content.decode()
    assert DelayNotice.objects.filter(request=r).count() == 1


def test_an_answer_received_by_mail_posted_twice_is_recorded_once(client, make_request, people):
    r = make_request(Status.INFO_REQUESTED, organization=None, advocate=None)
    sign_in(client, people["coordinator"])
    intent = token_of(client.get(r.get_absolute_url()).content.decode())
    url = f"/requests/{r.reference}/step/answer_information/"

    def post():
        scan = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
        return client.post(
            url,
            {
                "intent": intent,
                "answer_information-channel": "email",
                "answer_information-text": "The report.",
                "answer_information-documents": [scan],
            },
            follow=True,
        )

    post()
    second = post()
    assert "already sent" in second.content.decode()
    assert Document.objects.filter(request=r).count() == 1
    assert r.events.filter(transition="answer_information").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_submissions_of_one_form_record_one_request(attempt, agency, people):
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            received.intake_record(
                actor=people["coordinator"],
                agency=agency,
                channel="in_person",
                received_on=timezone.localdate(),
                requester={"requester_name": "Ana Costa", "requester_address": "1 Elm St"},
                values={
                    "form_type": "I-914B",
                    "family_name": "Costa",
                    "given_name": "Ana",
                    "incident_date": timezone.localdate() - timedelta(days=30),
                },
                intent="the-same-page",
            )
            outcomes[i] = "ok"
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, errors.AlreadySubmitted), loser
    (recorded,) = CertificationRequest.objects.all()
    assert loser.reference == recorded.reference


def test_record_delivery_posted_twice_records_one_delivery(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    services.request_decline(
        request=r, actor=people["chief"], reason="not_helpful", note="No contact."
    )
    letter = IssuedLetter.objects.get(request=r)
    sign_in(client, people["coordinator"])
    page = client.get(r.get_absolute_url()).content.decode()
    prefix = f"delivery-{letter.pk}"
    found = re.search(rf'name="{prefix}-intent" value="([^"]+)"', page)
    assert found, "the delivery form carries no one-time token"
    data = {
        f"{prefix}-method": "mail",
        f"{prefix}-delivered_on": timezone.localdate().isoformat(),
        f"{prefix}-recipient": "Organisation A, by first-class mail",
        f"{prefix}-intent": found.group(1),
    }
    url = reverse("letter_delivery_record", args=[r.reference, letter.pk])
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "already sent" in again.content.decode()
    assert LetterDelivery.objects.filter(letter=letter).count() == 1


def test_an_upload_posted_twice_stores_one_document(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["coordinator"])
    page = client.get(r.get_absolute_url()).content.decode()
    upload_form = page[page.index(f"/requests/{r.reference}/documents/") :]
    intent = token_of(upload_form[: upload_form.index("</form>")])
    url = reverse("document_add", args=[r.reference])

    def post():
        scan = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
        return client.post(url, {"kind": "police_report", "file": scan, "intent": intent})

    assert post().status_code == 302
    again = client.post(url, {"intent": intent}, follow=True)  # the form is checked first
    assert Document.objects.filter(request=r).count() == 1
    second = post()
    assert second.status_code == 302
    assert "already sent" in client.get(second["Location"]).content.decode()
    assert Document.objects.filter(request=r).count() == 1
    assert again.status_code == 200
