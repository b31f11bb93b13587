"""The bad-input suite (tests/cases/test_bad_input.py) over the web portal's pages: the request
form, documents, crime check, assignment, helpfulness, questions, lists and reports. Every case: a
clear error (4xx or a form message), never a 500, no change in the case data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Status
from tests.cases.test_bad_input import HUGE, NUL, SQL, assert_refused, snapshot
from tests.conftest import sign_in

VALID = {
    "form_type": "I-918B",
    "family_name": "Nguyen",
    "given_name": "Thi",
    "incident_date": "2025-03-14",
}
FUTURE = (timezone.localdate() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    "field, value",
    [
        ("family_name", HUGE),
        ("family_name", NUL),
        ("given_name", ""),
        ("more_other_names", NUL),
        ("date_of_birth", "1990-02-31"),
        ("date_of_birth", FUTURE),
        ("date_of_birth", SQL),
        ("incident_date", "13/45/2025"),
        ("incident_date", HUGE),
        ("a_number", HUGE),
        ("gender", "X"),
        ("form_type", "I-130"),
        ("additional_incident_dates", "yesterday, 2025-99-99"),
        ("incident_location", NUL),
    ],
)
@pytest.mark.parametrize("page", ["create", "edit"])
def test_the_request_form(client, people, make_request, page, field, value):
    draft = make_request(Status.DRAFT)
    sign_in(client, people["advocate"])
    url = (
        reverse("request_create")
        if page == "create"
        else reverse("request_edit", args=[draft.reference])
    )
    before = snapshot()
    assert_refused(client.post(url, {**VALID, field: value}), before)


def test_another_organisation_cannot_edit(client, people, make_request):
    draft = make_request(Status.DRAFT)
    sign_in(client, people["other_advocate"])
    before = snapshot()
    response = client.post(reverse("request_edit", args=[draft.reference]), VALID)
    assert response.status_code == 404 and snapshot() == before


PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize(
    "name, content",
    [
        ("letter.pdf", b"<html><script>alert(1)</script></html>"),
        ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
        ("tool.exe", b"MZ\x90\x00"),
        ("empty.pdf", b""),
        ("report.pdf.html", PDF),
    ],
)
def test_document_uploads_through_the_page(client, people, make_request, name, content):
    draft = make_request(Status.DRAFT)
    sign_in(client, people["advocate"])
    before = snapshot()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(
        reverse("document_add", args=[draft.reference]), {"kind": "other", "file": upload}
    )
    assert response.status_code < 500 and snapshot() == before
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "usa-alert--error" in page


def test_an_upload_with_a_traversal_name_is_stored_under_a_random_name(
    client, people, make_request, settings
):
    draft = make_request(Status.DRAFT)
    sign_in(client, people["advocate"])
    upload = SimpleUploadedFile("../../../etc/passwd.pdf", PDF, content_type="application/pdf")
    client.post(reverse("document_add", args=[draft.reference]), {"kind": "other", "file": upload})
    doc = draft.documents.get()
    assert doc.file.name.startswith("documents/") and "passwd" not in doc.file.name
    response = client.get(reverse("document_download", args=[draft.reference, doc.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'


@pytest.mark.parametrize(
    "data",
    [
        {"categories": ["not_a_category"]},
        {"statutes": ["999999999"]},
        {"case_status": "maybe"},
        {"fbi_or_sid_number": HUGE},
        {"crime_check_note": NUL},
        {"occurred_in_us": SQL},
    ],
)
def test_the_crime_check_form(client, people, make_request, data):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["coordinator"])
    before = snapshot()
    assert_refused(client.post(reverse("crime_check", args=[r.reference]), data), before)
    assert client.get(reverse("crime_check", args=[r.reference]), {"q": HUGE}).status_code == 200


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", SQL])
def test_assigning_someone_who_is_not_a_detective(client, people, make_request, value):
    r = make_request(Status.RECEIVED, assigned_detective=None)
    sign_in(client, people["coordinator"])
    before = snapshot()
    response = client.post(reverse("assign_detective", args=[r.reference]), {"detective": value})
    assert response.status_code < 500 and snapshot() == before


def test_assigning_a_coordinator_as_detective_is_refused(client, people, make_request):
    r = make_request(Status.RECEIVED, assigned_detective=None)
    sign_in(client, people["coordinator"])
    before = snapshot()
    data = {"detective": str(people["auditor"].pk)}
    response = client.post(reverse("assign_detective", args=[r.reference]), data)
    assert response.status_code < 500 and snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"possesses_information": "perhaps"},
        {"helpfulness_explanation": HUGE},
        {"helpfulness_other": NUL},
        {"family-TOTAL_FORMS": "1000000", "family-INITIAL_FORMS": "0"},
        {"family-TOTAL_FORMS": "x"},
    ],
)
def test_the_helpfulness_form(client, people, make_request, data):
    r = make_request(Status.HELPFULNESS_REVIEW)
    sign_in(client, people["detective"])
    base = {"family-TOTAL_FORMS": "0", "family-INITIAL_FORMS": "0"}
    before = snapshot()
    response = client.post(reverse("helpfulness", args=[r.reference]), {**base, **data})
    assert response.status_code < 500 and snapshot() == before


@pytest.mark.parametrize("text", [HUGE, NUL, ""])
def test_the_question_form(client, people, make_request, text):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["advocate"])
    before = snapshot()
    response = client.post(reverse("ask_coordinator", args=[r.reference]), {"text": text})
    assert response.status_code < 500 and snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/queues/../../etc/passwd/",
        "/queues/not-a-queue/",
        "/reports/annual/99999/",
        "/reports/annual/0/",
        f"/requests/?status={NUL}",
        f"/requests/?q={HUGE[:5000]}",
        "/requests/?q=%00",
        "/requests/new/?form_type=<script>",
    ],
)
def test_odd_paths_and_queries_on_the_portal(client, people, make_request, path):
    make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    before = snapshot()
    response = client.get(path)
    assert response.status_code < 500 and snapshot() == before


def test_portal_posts_without_csrf_are_refused(people, make_request):
    r = make_request(Status.CRIME_CHECK)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, people["coordinator"])
    for url in [
        reverse("request_create"),
        reverse("crime_check", args=[r.reference]),
        reverse("assign_detective", args=[r.reference]),
        reverse("document_add", args=[r.reference]),
    ]:
        before = snapshot()
        assert client.post(url, {}).status_code == 403, url
        assert snapshot() == before
