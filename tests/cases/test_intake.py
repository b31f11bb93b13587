"""Requests received outside the portal (c. 258F s. 3), and what a request may ask."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from cases import clocks, services
from cases.documents.letters import render_letter_pdf
from cases.models import CaseEvent, CertificationRequest, Document, IntakeRecord
from cases.permissions import can_submit, may_take_step
from cases.selectors import requests_visible_to
from cases.services import received, staff_entry
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

REQUESTER = {
    "requester_name": "Atty. Joana Pereira",
    "requester_organization": "Pereira Law",
    "requester_address": "12 Main St\nMalden MA 02148",
    "requester_email": "joana@example.org",
    "requester_phone": "781-555-0100",
}
VICTIM = {
    "family_name": "Silva",
    "given_name": "Rosa",
    "date_of_birth": date(1988, 2, 3),
    "incident_date": date(2025, 11, 2),
    "requester_capacity": "attorney",
    "requester_bar_number": "654321",
    "requester_bar_state": "MA",
    "victim_sharing_consent": "given",
}


def record(people, agency, **kw):
    values = dict(
        actor=people["coordinator"],
        agency=agency,
        channel="mail",
        received_on=timezone.localdate() - timedelta(days=20),
        late_entry_reason="Letter was routed to the records unit first.",
        requester=dict(REQUESTER),
        values=dict(VICTIM),
    )
    values.update(kw)
    return received.intake_record(**values)


def test_a_mailed_request_entered_on_day_20_shows_70_days_left(agency, people):
    r = record(people, agency)
    assert r.status == "received"
    assert r.organization is None and r.advocate is None
    clock = clocks.clock(r, now=timezone.now())
    assert clock.received_on == timezone.localdate() - timedelta(days=20)
    assert clock.days_left == 70
    assert r.due_on == clock.received_on + timedelta(days=90)
    event = r.events.get()
    assert event.kind == CaseEvent.Kind.CREATED
    letter = r.issued_letters.get()
    assert event.data == {
        "channel": "mail",
        "received_on": clock.received_on.isoformat(),
        "entered_days_after_receipt": 20,
        "letter": letter.pk,
        "letter_sha256": letter.sha256,
        "letter_dated": timezone.localdate().isoformat(),  # issued today, not on receipt
        "letter_language": "en",
    }
    stored = IntakeRecord.objects.get(request=r)
    assert stored.requester_name == "Atty. Joana Pereira"
    # Encrypted at rest: the raw column holds no plain name.
    raw = IntakeRecord.objects.filter(pk=stored.pk).values_list("requester_name", flat=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT requester_name FROM cases_intakerecord")
        assert "Pereira" not in cursor.fetchone()[0]
    assert list(raw)


def test_entered_the_day_received_starts_now(agency, people):
    r = record(people, agency, received_on=timezone.localdate(), late_entry_reason="")
    assert clocks.clock(r, now=timezone.now()).days_left == 90


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"received_on": date.today() + timedelta(days=400)}, "received_on"),
        ({"late_entry_reason": ""}, "late_entry_reason"),
        ({"channel": "portal"}, "channel"),
        ({"channel": "pigeon"}, "channel"),
        ({"requester": {**REQUESTER, "requester_name": ""}}, "requester_name"),
        ({"requester": {**REQUESTER, "requester_email": "nope"}}, "requester_email"),
        (
            {"requester": {**REQUESTER, "requester_address": "", "requester_email": ""}},
            "requester_address",
        ),
        ({"values": {**VICTIM, "family_name": ""}}, "family_name"),
    ],
)
def test_bad_intake_is_refused(agency, people, fields, field):
    with pytest.raises(ValidationError) as exc:
        record(people, agency, **fields)
    assert field in exc.value.message_dict
    assert not CertificationRequest.objects.exists()


@pytest.mark.parametrize("who", ["advocate", "detective", "chief", "auditor", "superuser"])
def test_only_the_coordinator_records_intake(agency, people, who):
    with pytest.raises(PermissionDenied):
        record(people, agency, actor=people[who])


def test_scanned_documents_are_stored_encrypted(agency, people):
    scan = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    r = record(people, agency, uploads=[(scan, Document.Kind.REQUEST_LETTER)])
    (document,) = r.documents.all()
    assert document.kind == "request_letter"
    assert document.file.read() == PDF


def test_letters_go_to_the_requester(agency, people):
    r = record(people, agency)
    services.request_begin_crime_check(request=r, actor=people["coordinator"])
    pdf = render_letter_pdf(r, "acknowledgement")
    assert pdf.startswith(b"%PDF")
    assert received.letter_recipient(r) == [
        "Atty. Joana Pereira (attorney, MA bar 654321)",
        "Pereira Law",
        "12 Main St",
        "Malden MA 02148",
    ]


def test_duplicate_victim_warning_links_and_merges_nothing(agency, people, make_request):
    first = make_request(
        "crime_check", family_name="SILVA", given_name="Rósa", **{"date_of_birth": date(1988, 2, 3)}
    )
    other = make_request("crime_check", a_number="201234567", family_name="X", given_name="Y")
    closed = make_request(
        "declined", family_name="Silva", given_name="Rosa", date_of_birth=date(1988, 2, 3)
    )
    r = record(people, agency)
    assert list(received.possible_duplicates(r)) == [first]
    by_number = record(
        people, agency, values={**VICTIM, "family_name": "Other", "a_number": "201234567"}
    )
    assert list(received.possible_duplicates(by_number)) == [other]
    assert closed not in received.possible_duplicates(r)
    assert CertificationRequest.objects.count() == 5  # nothing merged


def test_the_duplicate_warning_and_the_annual_report_share_one_person_digest(
    agency, people, make_request
):
    """One keyed digest of a person (c. 258F s. 4(a)(i) counts individuals): the requests the
    intake warns about are the ones the annual report counts as one individual."""
    from cases.reporting.annual import individuals

    first = make_request(
        "crime_check", family_name="García-Pérez", given_name="María José",
        date_of_birth=date(1990, 5, 6),
    )  # fmt: skip
    second = record(
        people, agency,
        values={**VICTIM, "family_name": "GARCIA PEREZ", "given_name": "Maria Jose",
                "date_of_birth": date(1990, 5, 6)},
    )  # fmt: skip
    stranger = make_request(
        "crime_check", family_name="Garcia", given_name="Maria", date_of_birth=date(1990, 5, 6)
    )
    assert first.person_digest == second.person_digest != stranger.person_digest
    assert list(received.possible_duplicates(second)) == [first]
    rows = list(CertificationRequest.objects.filter(pk__in=[first.pk, second.pk, stranger.pk]))
    groups = individuals(rows)
    assert groups[first.pk] == groups[second.pk] != groups[stranger.pk]
    assert not hasattr(CertificationRequest, "duplicate_victim_digest")


def test_the_intake_page_warns_of_a_duplicate_with_a_link(client, agency, people, make_request):
    first = make_request(
        "crime_check", family_name="Silva", given_name="Rosa", date_of_birth=date(1988, 2, 3)
    )
    sign_in(client, people["coordinator"])
    response = client.post(
        "/requests/intake/",
        {
            "channel": "in_person",
            "received_on": timezone.localdate().isoformat(),
            **REQUESTER,
            "requester_language": "pt",
            **{k: v.isoformat() if isinstance(v, date) else v for k, v in VICTIM.items()},
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="/requests/{first.reference}/"' in text
    assert "Nothing was merged" in text


def test_the_intake_page_refuses_bad_input_and_other_roles(client, agency, people):
    sign_in(client, people["coordinator"])
    response = client.post(
        "/requests/intake/",
        {
            "channel": "mail",
            "received_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            **REQUESTER,
            "requester_language": "pt",
            **{k: v.isoformat() if isinstance(v, date) else v for k, v in VICTIM.items()},
        },
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    client.logout()
    sign_in(client, people["advocate"])
    assert client.get("/requests/intake/").status_code == 403


def test_the_coordinator_answers_for_a_requester_without_an_account_and_links_later(
    agency, people, org_a
):
    r = record(people, agency)
    coordinator, advocate = people["coordinator"], people["advocate"]
    r = services.request_ask_information(request=r, actor=coordinator, text="Send the report.")
    assert may_take_step("answer_information", r, coordinator)
    r = staff_entry.request_record_information_received(
        request=r, actor=coordinator, channel="mail", text="By mail: report."
    )
    assert r.status == "received"
    assert r not in requests_visible_to(advocate)
    with pytest.raises(PermissionDenied):
        received.intake_link_organization(request=r, actor=advocate, organization=org_a)
    r = received.intake_link_organization(request=r, actor=coordinator, organization=org_a)
    assert r in requests_visible_to(advocate)
    assert can_submit(r, advocate)
    # Linked: the coordinator no longer answers for the requester.
    assert not may_take_step("withdraw", r, coordinator)
    with pytest.raises(PermissionDenied):  # once linked, not again
        received.intake_link_organization(request=r, actor=coordinator, organization=org_a)
    assert r.events.latest("pk").data == {"fields": ["organization"], "organization": org_a.pk}


def test_another_organisations_advocate_never_sees_an_intake_request(client, agency, people):
    r = record(people, agency)
    sign_in(client, people["other_advocate"])
    assert client.get(f"/requests/{r.reference}/").status_code == 404


# --- Medford: police do not generally ask about immigration status ---

REQUEST_FIELDS = {
    "id", "reference", "agency", "organization", "advocate", "form_type", "form_edition",
    "recertification_of", "status", "created_at", "received_at", "due_on", "expedited",
    "expedited_reason", "age_out_date", "expedited_note", "a_number", "family_name",
    "given_name", "middle_name", "other_family_name", "other_given_name", "other_middle_name",
    "more_other_names", "date_of_birth", "gender", "report_number", "fbi_or_sid_number",
    "case_status", "case_status_other", "incident_date", "additional_incident_dates",
    "incident_location", "occurred_in_us", "occurred_in_us_explanation", "extraterritorial",
    "extraterritorial_citation", "statutes", "other_statute_citations", "crime_categories",
    "criminal_activity_description", "injury_description", "advocate_helpfulness_note",
    "crime_check_note", "not_qualifying_reason", "assigned_detective", "possesses_information",
    "has_been_helpful", "refused_or_failed", "helpfulness_other", "helpfulness_explanation",
    "attested_by", "attested_at", "family_members_implicated", "info_request_text",
    "info_requested_at", "info_return_state", "info_response_text", "delay_reason",
    "delay_process", "delay_projected_date", "delay_issued_at", "decided_at", "decided_by",
    "first_answered_at",
    "certifying_official", "signed_on", "decline_reason", "decline_policy", "decline_clause",
    "acknowledged_warnings", "decision_note", "withdrawn_at", "withdrawal_reason",
    "certification_withdrawn_at", "certification_withdrawal_reason", "a_number_digest",
    "report_number_digest", "requester_capacity", "requester_bar_number", "requester_bar_state",
    "requester_accreditation", "requester_relationship", "victim_sharing_consent",
    # The requester's language, the USCIS receipt number, the kind of withdrawal, the
    # individuals digest and the deadline after delay notices: no status question.
    "preferred_language",
    "uscis_receipt_number",
    "certification_withdrawal_kind",
    "person_digest",
    "delay_deadline",
    # Form I-914 Supplement B (T visa): the forms of trafficking (Part 3 item 1) and the
    # cooperation or its exception (Part 4): no status question.
    "trafficking_forms",
    "cooperation",
    "cooperation_explanation",
    # I-914B 02/27/17: the victim's fear of retaliation (Part C item 3), the investigation's
    # dates (items 6-7), the supervisor's printed name (Part F item 5): no status question.
    "fear_of_retaliation",
    "fear_of_retaliation_explanation",
    "investigation_started_on",
    "investigation_completed_on",
    "supervisor_name",
}  # fmt: skip


def test_the_request_fields_are_pinned_so_no_status_question_is_added_silently():
    """Medford's policy: no question about immigration status beyond the A-Number (if any) that
    Supplement B Part 1 item 1 itself asks. A new field must be added here, on purpose."""
    names = {f.name for f in CertificationRequest._meta.concrete_fields} | {
        f.name for f in CertificationRequest._meta.many_to_many
    }
    assert names == REQUEST_FIELDS
    for word in ("immigration", "visa_status", "citizenship", "nationality", "country_of_birth"):
        assert not any(word in name for name in names)
    a_number = CertificationRequest._meta.get_field("a_number")
    assert a_number.blank  # "if any"


def test_an_information_request_without_an_advocate_waits_for_the_requester(make_request, people):
    """A request recorded from the mail has no advocate: the requester answers."""
    from cases.models import Status
    from cases.presentation import step_message

    mailed = make_request(Status.INFO_REQUESTED, advocate=None, organization=None)
    portal = make_request(Status.INFO_REQUESTED)
    said = step_message(mailed, "Request information")
    assert "waits for the requester's answer" in said and "advocate" not in said
    assert "waits for the advocate's answer" in step_message(portal, "Request information")
