"""What a first week of real use asked for on the pages: internal notes for staff, a draft
without the incident date, the progress bar, home pages, the favicon, documents while open,
suggested categories, Part 5 "No", step messages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import CertificationRequest, Status
from cases.notifications import deliver_due
from cases.presentation import progress_for
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_internal_crime_check_note_is_shown_to_staff_never_to_advocates(
    client, make_request, people
):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["coordinator"])
    response = client.post(
        reverse("crime_check", args=[r.reference]),
        {
            "categories": ["domestic_violence"],
            "crime_check_note": "Report 25-1234 checked by Sgt. Ruiz.",
        },
    )
    assert response.status_code == 302
    for persona in ("coordinator", "chief", "auditor", "detective"):
        sign_in(client, people[persona])
        html = client.get(r.get_absolute_url()).content.decode()
        assert 'id="crime-check-note"' in html, persona  # on the case page
        history = html.split('id="history-h"')[1]
        assert "Report 25-1234 checked by Sgt. Ruiz." in history, persona  # and in the history
        assert "tag-internal" in history
    sign_in(client, people["advocate"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Sgt. Ruiz" not in html and "tag-internal" not in html


def test_a_draft_saves_without_the_incident_date_and_only_submit_needs_it(client, people, agency):
    sign_in(client, people["advocate"])
    response = client.post(
        reverse("request_create"),
        {
            "form_type": "I-918B",
            "family_name": "Doe",
            "given_name": "Ana",
            "requester_capacity": "advocate",
            "victim_sharing_consent": "given",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    r = CertificationRequest.objects.get()
    assert r.status == Status.DRAFT and r.incident_date is None
    response = client.post(reverse("request_transition", args=[r.reference, "submit"]), follow=True)
    assert "date of the incident before submitting" in response.content.decode()
    r.refresh_from_db()
    assert r.status == Status.DRAFT


def test_the_step_message_says_what_happened_and_what_comes_next(client, make_request, people):
    r = make_request(Status.DRAFT)
    sign_in(client, people["advocate"])
    response = client.post(reverse("request_transition", args=[r.reference, "submit"]), follow=True)
    r.refresh_from_db()
    due = r.due_on.strftime("%m/%d/%Y")
    assert f"{r.reference} is with the coordinator; answer due by {due}" in (
        response.content.decode()
    )
    assert "Saved." not in response.content.decode()


def test_the_progress_bar_does_not_mark_a_skipped_step_done(make_request, people):
    r = make_request(Status.CRIME_CHECK, attested_at=None)
    r = services.request_refer_not_qualifying(
        request=r, actor=people["coordinator"], reason="Not a qualifying crime."
    )
    r = services.request_decline(
        request=r, actor=people["chief"], reason="not_qualifying_crime", note=""
    )
    states = {step["label"]: step["state"] for step in progress_for(r)}
    assert states == {
        "Received": "complete",
        "Crime check": "complete",
        "Helpfulness review": "skipped",
        "Chief decision": "complete",
        "Ink signature": "skipped",
        "Answered": "current",
    }


def test_the_progress_bar_page_names_the_skipped_step(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION, attested_at=None)
    sign_in(client, people["chief"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert 'data-state="skipped"' in html and "not needed for this request" in html
    assert '<section class="usa-step-indicator' in html  # a region, not a labelled div


def test_a_new_request_is_on_the_coordinators_home(client, make_request, people):
    for _ in range(12):  # older requests fill the intake queue's first rows
        make_request(Status.CRIME_CHECK)
    new = make_request(Status.DRAFT)
    services.request_submit(request=new, actor=people["advocate"])
    sign_in(client, people["coordinator"])
    html = client.get("/").content.decode()
    section = html.split('id="queue-new"')[1].split("</section>")[0]
    assert "New requests" in section and new.reference in section


def test_the_auditors_home_shows_requests_and_the_audit_pages(client, make_request, people):
    r = make_request(Status.DECLINED)
    sign_in(client, people["auditor"])
    html = client.get("/").content.decode()
    assert "no role in the workflow" not in html
    assert r.reference in html and reverse("access_log") in html
    assert "Latest requests" in html


def test_the_favicon_is_served(client, people):
    sign_in(client, people["advocate"])
    html = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="[^"]+favicon\.svg"', html)
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon-32.png")


@pytest.mark.parametrize(
    "status", [Status.RECEIVED, Status.HELPFULNESS_REVIEW, Status.CHIEF_DECISION]
)
def test_the_advocate_adds_a_document_while_open_and_the_coordinator_hears(
    client, make_request, people, status, django_capture_on_commit_callbacks
):
    r = make_request(status)
    sign_in(client, people["advocate"])
    assert "Upload" in client.get(r.get_absolute_url()).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("document_add", args=[r.reference]),
            {
                "kind": "police_report",
                "file": SimpleUploadedFile("more.pdf", PDF, "application/pdf"),
            },
        )
    assert response.status_code == 302
    assert r.documents.get().original_name == "more.pdf"
    deliver_due()
    assert [m.to for m in mail.outbox] == [[people["coordinator"].email]]
    assert r.reference in mail.outbox[0].subject


def test_closed_requests_take_no_documents_from_the_advocate(client, make_request, people):
    r = make_request(Status.DECLINED)
    sign_in(client, people["advocate"])
    response = client.post(
        reverse("document_add", args=[r.reference]),
        {"kind": "police_report", "file": SimpleUploadedFile("more.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 403


def test_statute_search_marks_the_suggested_categories(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["coordinator"])
    html = client.get(
        reverse("crime_check", args=[r.reference]), {"q": "household member"}
    ).content.decode()
    assert "Domestic Violence (suggested)" in html
    assert 'id="suggested-note"' in html
    assert '<button class="usa-button" type="submit">Search</button>' in html  # named at 412 px


def test_part_5_no_ignores_the_family_member_rows(client, make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW)
    sign_in(client, people["detective"])
    html = client.get(reverse("helpfulness", args=[r.reference])).content.decode()
    assert 'data-shown-when="family_members_implicated=yes"' in html
    data = {
        "possesses_information": "yes",
        "has_been_helpful": "yes",
        "refused_or_failed": "no",
        "helpfulness_explanation": "Gave a statement.",
        "family_members_implicated": "no",
        "family-TOTAL_FORMS": "1",
        "family-INITIAL_FORMS": "0",
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "20",
        "family-0-family_name": "Half typed",  # typed, then "No" was chosen
    }
    response = client.post(reverse("helpfulness", args=[r.reference]), data)
    assert response.status_code == 302
    assert r.family_members.count() == 0


def test_action_box_legends_are_not_page_title_size(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    html = client.get(r.get_absolute_url()).content.decode()
    actions = html.split('id="actions-h"')[1].split("</section>")[0]
    assert "usa-legend--large" not in actions and "step-legend" in actions
