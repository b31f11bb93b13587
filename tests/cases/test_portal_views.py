"""The web pages of each role: happy paths and refusals, through the Django test client."""

from __future__ import annotations

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseEvent, CertificationRequest, Status, Statute
from cases.notifications import deliver_due
from tests.conftest import sign_in

DRAFT = {
    "form_type": "I-918B",
    "family_name": "Pierre",
    "given_name": "Jean-Baptiste",
    "incident_date": "2025-01-31",
    "date_of_birth": "1988-02-29",
    "a_number": "A-123 456 789",
    "additional_incident_dates": "02/01/2025, 02/03/2025",
    "criminal_activity_description": "<script>alert('x')</script> & <b>bold</b>",
    "requester_capacity": "advocate",
    "victim_sharing_consent": "given",
}


def test_an_advocate_creates_and_edits_a_draft(client, agency, people):
    sign_in(client, people["advocate"])
    response = client.post("/requests/new/", DRAFT)
    request = CertificationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert request.a_number == "123456789"
    assert request.additional_incident_dates == ["2025-02-01", "2025-02-03"]
    assert request.organization.group in people["advocate"].groups.all()
    page = client.get(request.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert" not in page
    edit = client.get(f"{request.get_absolute_url()}edit/").content.decode()
    assert 'value="Jean-Baptiste"' in edit and 'value="02/01/2025, 02/03/2025"' in edit
    response = client.post(f"{request.get_absolute_url()}edit/", {**DRAFT, "given_name": "Jean"})
    request.refresh_from_db()
    assert response.status_code == 302 and request.given_name == "Jean"
    assert request.events.filter(kind=CaseEvent.Kind.EDITED).get().data == {
        "fields": ["given_name"]
    }


def test_an_invalid_draft_keeps_what_was_typed_and_saves_nothing(client, agency, people):
    sign_in(client, people["advocate"])
    bad = {
        **DRAFT,
        "date_of_birth": "2999-01-01",
        "incident_date": "31/01/2025",
        "a_number": "12",
        "additional_incident_dates": "yesterday",
    }
    response = client.post("/requests/new/", bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert "cannot be in the future" in html and "Enter a valid date" in html
    assert "7 to 9 digits" in html and "is not a date like" in html
    assert 'value="Pierre"' in html
    assert CertificationRequest.objects.count() == 0


def test_only_advocates_create_requests(client, agency, people):
    for persona in ("coordinator", "detective", "chief", "auditor"):
        sign_in(client, people[persona])
        assert client.get("/requests/new/").status_code == 403
        assert client.post("/requests/new/", DRAFT).status_code == 403
    assert CertificationRequest.objects.count() == 0


def test_editing_is_refused_once_submitted_or_for_others(client, make_request, people):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["advocate"])
    assert client.post(f"{r.get_absolute_url()}edit/", DRAFT).status_code == 403
    sign_in(client, people["other_advocate"])
    assert client.get(f"{r.get_absolute_url()}edit/").status_code == 404
    r.refresh_from_db()
    assert r.family_name == "García"


def test_documents_upload_and_download_within_scope(client, make_request, people):
    r = make_request(Status.DRAFT)
    sign_in(client, people["advocate"])
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%%EOF", content_type="application/pdf")
    client.post(f"{r.get_absolute_url()}documents/", {"kind": "police_report", "file": upload})
    doc = r.documents.get()
    url = f"{r.get_absolute_url()}documents/{doc.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n%%EOF"
    sign_in(client, people["other_advocate"])
    assert client.get(url).status_code == 404
    sign_in(client, people["advocate"])
    assert client.get(f"{r.get_absolute_url()}documents/999999/").status_code == 404


def test_a_disguised_upload_gets_a_message_and_is_not_stored(client, make_request, people):
    r = make_request(Status.DRAFT)
    sign_in(client, people["advocate"])
    fake = SimpleUploadedFile(
        "report.pdf", b"<html><script>x</script>", content_type="application/pdf"
    )
    response = client.post(
        f"{r.get_absolute_url()}documents/", {"kind": "other", "file": fake}, follow=True
    )
    assert "Only PDF, JPEG and PNG files are accepted." in response.content.decode()
    assert r.documents.count() == 0 and r.events.count() == 0


def test_the_coordinator_searches_statutes_and_records_the_check(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    r.crime_categories.clear()
    sign_in(client, people["coordinator"])
    page = client.get(f"{r.get_absolute_url()}crime-check/?q=strangulation").content.decode()
    assert "c.265 §15D" in page and "Felonious Assault" in page
    assert "c.265 §13M" not in page
    statute = Statute.objects.get(citation="c.265 §15D")
    response = client.post(
        f"{r.get_absolute_url()}crime-check/",
        {
            "categories": ["felonious_assault", "domestic_violence"],
            "statutes": [statute.pk],
            "occurred_in_us": "yes",
            "case_status": "ongoing",
        },
    )
    assert response.status_code == 302
    assert set(r.crime_categories.values_list("code", flat=True)) == {
        "felonious_assault",
        "domestic_violence",
    }
    assert list(r.statutes.all()) == [statute]


def test_the_crime_check_is_closed_to_others_and_in_other_states(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    for persona, code in [
        ("advocate", 403),
        ("detective", 403),
        ("chief", 403),
        ("other_advocate", 404),
    ]:
        sign_in(client, people[persona])
        assert client.post(f"{r.get_absolute_url()}crime-check/", {}).status_code == code
    later = make_request(Status.HELPFULNESS_REVIEW)
    sign_in(client, people["coordinator"])
    assert client.get(f"{later.get_absolute_url()}crime-check/").status_code == 403
    assert not CaseEvent.objects.exists()


def test_assigning_a_detective(client, make_request, people, django_capture_on_commit_callbacks):
    r = make_request(Status.CRIME_CHECK, assigned_detective=None)
    sign_in(client, people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{r.get_absolute_url()}assign/", {"detective": people["other_detective"].pk})
    assert deliver_due()["sent"] == 1  # the outbox worker's one pass
    r.refresh_from_db()
    assert r.assigned_detective == people["other_detective"]
    assert mail.outbox and people["other_detective"].email in mail.outbox[-1].to
    response = client.post(
        f"{r.get_absolute_url()}assign/", {"detective": people["auditor"].pk}, follow=True
    )
    assert "Choose a detective." in response.content.decode()
    sign_in(client, people["advocate"])
    assert client.post(f"{r.get_absolute_url()}assign/", {"detective": 1}).status_code == 403


def test_the_detective_records_part_4_and_5(client, make_request, people):
    r = make_request(
        Status.HELPFULNESS_REVIEW, possesses_information="", helpfulness_explanation=""
    )
    sign_in(client, people["detective"])
    form = {
        "possesses_information": "yes",
        "has_been_helpful": "yes",
        "refused_or_failed": "no",
        "helpfulness_explanation": "Identified the suspect.",
        "family_members_implicated": "yes",
        "family-TOTAL_FORMS": "1",
        "family-INITIAL_FORMS": "0",
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "20",
    }
    response = client.post(f"{r.get_absolute_url()}helpfulness/", form)
    assert response.status_code == 400
    assert "List the family members involved." in response.content.decode()
    form.update(
        {
            "family-0-family_name": "Pierre",
            "family-0-given_name": "Marc",
            "family-0-relationship": "Brother",
            "family-0-involvement": "Threatened her.",
        }
    )
    assert client.post(f"{r.get_absolute_url()}helpfulness/", form).status_code == 302
    r.refresh_from_db()
    assert r.possesses_information == "yes" and r.family_members.get().given_name == "Marc"
    sign_in(client, people["other_detective"])
    assert client.get(f"{r.get_absolute_url()}helpfulness/").status_code == 404


def test_the_detective_asks_the_coordinator_a_question(
    client, make_request, people, django_capture_on_commit_callbacks
):
    r = make_request(Status.HELPFULNESS_REVIEW)
    sign_in(client, people["detective"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{r.get_absolute_url()}question/", {"text": "Is there a second report?"})
    deliver_due()
    event = r.events.get()
    assert event.internal and event.note == "Is there a second report?"
    assert people["coordinator"].email in mail.outbox[-1].to
    assert "Is there" not in mail.outbox[-1].subject
    sign_in(client, people["advocate"])
    assert "Is there a second report?" not in client.get(r.get_absolute_url()).content.decode()


def test_recertification_from_the_case_page(client, make_request, people):
    from datetime import date

    r = make_request(Status.CERTIFIED, signed_on=date(2026, 1, 5))
    sign_in(client, people["advocate"])
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Ask for re-certification" in page and "Expires soon or expired" in page
    response = client.post(f"{r.get_absolute_url()}recertify/")
    renewal = CertificationRequest.objects.get(recertification_of=r)
    assert response["Location"] == renewal.get_absolute_url()
    sign_in(client, people["coordinator"])
    assert client.post(f"{r.get_absolute_url()}recertify/").status_code == 403


def test_recertification_is_offered_only_near_the_end_of_a_u_filing_period(
    client, make_request, people
):
    """A signed U certification is filed within six months (8 CFR 214.14(c)(2)(i)): a fresh
    one is asked for in its last 30 days or after. A T declaration has no filing period."""
    from datetime import timedelta

    import pytest
    from django.utils import timezone

    from cases import errors, services

    today = timezone.localdate()
    fresh = make_request(Status.CERTIFIED, signed_on=today)
    ending = make_request(Status.CERTIFIED, signed_on=today - timedelta(days=170))
    t_old = make_request(
        Status.CERTIFIED, form_type="I-914B", signed_on=today - timedelta(days=400)
    )
    sign_in(client, people["advocate"])
    for r, offered in ((fresh, False), (ending, True), (t_old, False)):
        page = client.get(r.get_absolute_url()).content.decode()
        assert ("Ask for re-certification" in page) is offered, r.signed_on
    for r in (fresh, t_old):
        assert client.post(f"{r.get_absolute_url()}recertify/").status_code == 302
        with pytest.raises(errors.TransitionRefused):
            services.request_create_recertification(original=r, actor=people["advocate"])
    assert not CertificationRequest.objects.filter(recertification_of__in=[fresh, t_old])


def test_list_filters_by_status_and_reference(client, make_request, people):
    a = make_request(Status.RECEIVED)
    b = make_request(Status.DECLINED, report_number="MPD-2025-777")
    sign_in(client, people["coordinator"])
    html = client.get("/requests/?status=declined").content.decode()
    assert b.reference in html and a.reference not in html
    html = client.get("/requests/?q=MPD-2025-777").content.decode()
    assert b.reference in html and a.reference not in html
    assert client.get("/requests/?status=<script>&page=abc").status_code == 200


def test_the_request_form_covers_exactly_the_advocate_fields():
    from cases.forms import RequestForm
    from cases.services import ADVOCATE_FIELDS

    # Besides the fields, the form's one-time token (one draft for one "Save draft").
    assert set(RequestForm.base_fields) == {*ADVOCATE_FIELDS, "intent"}


def test_the_staff_entry_form_covers_exactly_the_requester_items():
    from cases.forms import StaffEntryForm
    from cases.services.staff_entry import STAFF_ENTRY_FIELDS

    # Besides the items, the fingerprint of the page (a stale page is refused).
    assert set(StaffEntryForm().fields) == {*STAFF_ENTRY_FIELDS, "seen"}
