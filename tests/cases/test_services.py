"""The services: the whole path, the loops, and refusals that change nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases import errors, services
from cases.documents import issuing
from cases.models import (
    REVIEW_STATES,
    CaseEvent,
    CertificationRequest,
    DeclineReason,
    OutboundMail,
    QualifyingCrimeCategory,
    Status,
    Statute,
)
from cases.notifications import deliver_due
from cases.selectors import requests_visible_to
from cases.services import department_text
from tests.conftest import adoptable, record_ink

VICTIM = {
    "family_name": "Nguyen",
    "given_name": "Thi",
    "incident_date": date(2025, 6, 1),
    # the rest of the required Supplement B items (certify checks them)
    "date_of_birth": date(1988, 2, 3),
    "gender": "F",
    "report_number": "25-004321",
    "incident_location": "Medford, MA",
    "criminal_activity_description": "Assaulted at home.",
    "injury_description": "None known.",
}


def snapshot(request: CertificationRequest) -> tuple:
    request.refresh_from_db()
    return request.status, CaseEvent.objects.filter(request=request).count()


def test_the_whole_path_to_certified(agency, people, django_capture_on_commit_callbacks):
    advocate, coordinator = people["advocate"], people["coordinator"]
    detective, chief = people["detective"], people["chief"]
    with django_capture_on_commit_callbacks(execute=True):
        r = services.request_create(actor=advocate, agency=agency, values=VICTIM)
        assert r.reference == f"MPD-UV-{timezone.localdate().year}-0001"
        assert r.get_absolute_url() == f"/requests/{r.reference}/"
        r = services.request_submit(request=r, actor=advocate)
        r = services.request_begin_crime_check(request=r, actor=coordinator)
        statute = Statute.objects.get(citation="c.265 §13M")
        r = services.request_record_crime_check(
            request=r,
            actor=coordinator,
            categories=statute.categories.all(),
            statutes=[statute],
            values={"occurred_in_us": "yes", "case_status": "completed", "extraterritorial": "no"},
        )
        r = services.request_assign_detective(request=r, actor=coordinator, detective=detective)
        # The department's text of Parts 2-3 (Supplement B instructions): the proposals adopted.
        department_text.department_text_adopt(
            request=r, actor=coordinator, items=adoptable(r, parts=(2, 3))
        )
        r = services.request_confirm_qualifying_crime(request=r, actor=coordinator)
        r = services.request_record_helpfulness(
            request=r,
            actor=detective,
            values={
                "possesses_information": "yes",
                "has_been_helpful": "yes",
                "refused_or_failed": "no",
                "helpfulness_explanation": "Testified at the probable-cause hearing.",
                "family_members_implicated": "yes",
            },
            family_members=[
                {
                    "family_name": "Nguyen",
                    "given_name": "Van",
                    "relationship": "Husband",
                    "involvement": "Perpetrator",
                }
            ],
        )
        r = services.request_attest_helpfulness(request=r, actor=detective)
        r = issuing.request_certify(request=r, actor=chief)
        r = record_ink(r, coordinator)

    assert mail.outbox == []  # no step waited for the mail server
    deliver_due()
    r.refresh_from_db()
    assert r.status == Status.CERTIFIED
    assert r.received_at is not None and r.signed_on == timezone.localdate()
    assert r.certifying_official.user == chief and r.decided_by == chief
    assert r.attested_by == detective and r.family_members.count() == 1
    transitions = list(
        r.events.filter(kind=CaseEvent.Kind.TRANSITION).values_list("from_state", "to_state")
    )
    assert transitions == [
        ("draft", "received"),
        ("received", "crime_check"),
        ("crime_check", "helpfulness_review"),
        ("helpfulness_review", "chief_decision"),
        ("chief_decision", "awaiting_ink"),
        ("awaiting_ink", "certified"),
    ]
    # Advocate hears of every state change; the detective of the assignment; the Chief of
    # the decision queue; the coordinator of the submission. No victim name in any subject.
    to_advocate = [m for m in mail.outbox if advocate.email in m.to]
    assert len(to_advocate) == 6
    assert any(detective.email in m.to for m in mail.outbox)
    assert any(chief.email in m.to for m in mail.outbox)
    assert any(coordinator.email in m.to for m in mail.outbox)
    assert all("Nguyen" not in m.subject and "Thi" not in m.subject for m in mail.outbox)
    assert all(m.alternatives and m.alternatives[0][1] == "text/html" for m in mail.outbox)


def test_a_step_writes_its_notice_and_sends_nothing(agency, people):
    """The notice is a row of the step's transaction; only the outbox worker sends it."""
    r = services.request_create(actor=people["advocate"], agency=agency, values=VICTIM)
    services.request_submit(request=r, actor=people["advocate"])
    assert mail.outbox == []
    notice = OutboundMail.objects.get()
    assert notice.event.transition == "submit" and notice.state == OutboundMail.State.PENDING
    assert notice.to == sorted([people["advocate"].email, people["coordinator"].email])


def test_a_step_rolled_back_leaves_no_notice(agency, people):
    r = services.request_create(actor=people["advocate"], agency=agency, values=VICTIM)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.request_submit(request=r, actor=people["advocate"])
        raise RuntimeError("the step fails after its event was written")
    assert not OutboundMail.objects.exists() and deliver_due()["sent"] == 0
    assert mail.outbox == []


def test_references_count_up_per_agency_and_year(agency, people):
    refs = [
        services.request_create(actor=people["advocate"], agency=agency, values=VICTIM).reference
        for _ in range(3)
    ]
    year = timezone.localdate().year
    assert refs == [f"MPD-UV-{year}-000{n}" for n in (1, 2, 3)]
    t_visa = services.request_create(
        actor=people["advocate"], agency=agency, values={**VICTIM, "form_type": "I-914B"}
    )
    assert t_visa.reference == f"MPD-TV-{year}-0004"


def test_a_new_request_is_visible_to_its_organisation_only(agency, people):
    r = services.request_create(actor=people["advocate"], agency=agency, values=VICTIM)
    assert list(requests_visible_to(people["advocate"])) == [r]
    assert list(requests_visible_to(people["other_advocate"])) == []
    assert list(requests_visible_to(people["detective"])) == []
    assert list(requests_visible_to(people["coordinator"])) == [r]
    assert list(requests_visible_to(people["superuser"])) == []


def test_a_user_outside_any_organisation_cannot_create(agency, people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.request_create(actor=people["coordinator"], agency=agency, values=VICTIM)
    assert CertificationRequest.objects.count() == 0


def test_create_rejects_unknown_fields_and_writes_nothing(agency, people):
    with pytest.raises(ValidationError):
        services.request_create(
            actor=people["advocate"], agency=agency, values={**VICTIM, "status": "certified"}
        )
    assert CertificationRequest.objects.count() == 0 and CaseEvent.objects.count() == 0


@pytest.mark.parametrize("state", REVIEW_STATES)
def test_information_request_returns_to_the_state_it_left(state, make_request, people):
    r = make_request(state)
    r = services.request_ask_information(request=r, actor=people["coordinator"], text="Report?")
    assert r.status == Status.INFO_REQUESTED and r.info_return_state == state
    r = services.request_answer_information(request=r, actor=people["advocate"], text="Here.")
    r.refresh_from_db()
    assert r.status == state and r.info_response_text == "Here." and r.info_return_state == ""


def test_delay_notice_keeps_the_request_open(make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW)
    projected = timezone.localdate() + timedelta(days=30)
    r = services.request_issue_delay_notice(
        request=r,
        actor=people["coordinator"],
        reason="Records are archived off-site.",
        process="Retrieval requested.",
        projected_date=projected,
    )
    r.refresh_from_db()
    assert r.status == Status.HELPFULNESS_REVIEW
    assert r.delay_projected_date == projected and r.delay_issued_at is not None
    event = r.events.get()
    assert (event.from_state, event.to_state) == (Status.HELPFULNESS_REVIEW,) * 2


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"reason": "", "process": "x", "projected_date": date(2099, 1, 1)}, "reason"),
        ({"reason": "x", "process": " ", "projected_date": date(2099, 1, 1)}, "process"),
        ({"reason": "x", "process": "y", "projected_date": date(2020, 1, 1)}, "projected_date"),
    ],
)
def test_incomplete_delay_notice_is_refused(kwargs, field, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    before = snapshot(r)
    with pytest.raises(ValidationError) as exc:
        services.request_issue_delay_notice(request=r, actor=people["coordinator"], **kwargs)
    assert field in exc.value.message_dict
    assert snapshot(r) == before


def test_wrong_state_is_refused_and_changes_nothing(make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW)
    before = snapshot(r)
    with pytest.raises(errors.TransitionRefused, match="not possible"):
        issuing.request_certify(request=r, actor=people["chief"])
    assert snapshot(r) == before


def test_unmet_conditions_are_refused_with_what_is_missing(make_request, people):
    draft = make_request(Status.DRAFT, incident_date=None)
    with pytest.raises(errors.TransitionRefused, match="date of the incident"):
        services.request_submit(request=draft, actor=people["advocate"])
    review = make_request(Status.HELPFULNESS_REVIEW, helpfulness_explanation="")
    with pytest.raises(errors.TransitionRefused, match="Part 4"):
        services.request_attest_helpfulness(request=review, actor=people["detective"])
    check = make_request(Status.CRIME_CHECK)
    check.crime_categories.clear()
    with pytest.raises(errors.TransitionRefused, match="qualifying-crime category"):
        services.request_confirm_qualifying_crime(request=check, actor=people["coordinator"])
    assert CaseEvent.objects.count() == 0


def test_a_stale_copy_is_refused_and_changes_nothing(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    stale = CertificationRequest.objects.get(pk=r.pk)
    services.request_decline(request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL)
    with pytest.raises(errors.StaleRequest, match="changed by someone else"):
        issuing.request_certify(request=stale, actor=people["chief"])
    assert snapshot(r) == (Status.DECLINED, 1)


def test_decline_needs_a_policy_reason(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    with pytest.raises(ValidationError):
        services.request_decline(request=r, actor=people["chief"], reason="bad mood")
    assert snapshot(r) == (Status.CHIEF_DECISION, 0)


def test_a_revoked_designation_cannot_certify(make_request, people):
    from django.core.exceptions import PermissionDenied

    people["chief"].designations.update(revoked_on=timezone.localdate())
    r = make_request(Status.CHIEF_DECISION)
    with pytest.raises(PermissionDenied):
        issuing.request_certify(request=r, actor=people["chief"])
    assert snapshot(r) == (Status.CHIEF_DECISION, 0)


def test_withdrawing_a_certification_keeps_the_original_decision(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    r = issuing.request_certify(request=r, actor=people["chief"])
    r = record_ink(r, people["coordinator"])
    r = services.request_withdraw_certification(
        request=r, actor=people["chief"], reason="Victim refused to testify."
    )
    r.refresh_from_db()
    assert r.status == Status.CERTIFICATION_WITHDRAWN
    assert r.signed_on is not None and r.certification_withdrawal_reason


def test_recertification_is_a_new_draft_linked_to_the_certified_one(make_request, people):
    signed_on = timezone.localdate() - timedelta(days=170)  # the filing period ends within 30 days
    original = make_request(Status.CERTIFIED, a_number="123456789", signed_on=signed_on)
    renewal = services.request_create_recertification(original=original, actor=people["advocate"])
    assert renewal.status == Status.DRAFT and renewal.recertification_of == original
    assert renewal.a_number == "123456789" and renewal.reference != original.reference
    assert original.events.get().data == {"recertification": renewal.reference}
    pending = make_request(Status.RECEIVED)
    with pytest.raises(errors.TransitionRefused):
        services.request_create_recertification(original=pending, actor=people["advocate"])


def test_assignment_moves_the_scope_between_detectives(make_request, people):
    r = make_request(Status.CRIME_CHECK, assigned_detective=None)
    assert list(requests_visible_to(people["detective"])) == []
    services.request_assign_detective(
        request=r, actor=people["coordinator"], detective=people["detective"]
    )
    assert list(requests_visible_to(people["detective"])) == [r]
    services.request_assign_detective(
        request=r, actor=people["coordinator"], detective=people["other_detective"]
    )
    assert list(requests_visible_to(people["detective"])) == []
    assert list(requests_visible_to(people["other_detective"])) == [r]
    with pytest.raises(ValidationError):
        services.request_assign_detective(
            request=r, actor=people["coordinator"], detective=people["auditor"]
        )
    assert r.events.filter(kind=CaseEvent.Kind.ASSIGNED).count() == 2


def test_crime_check_records_categories_and_statutes(make_request, people):
    r = make_request(Status.CRIME_CHECK)
    kidnapping = Statute.objects.get(citation="c.265 §26")
    services.request_record_crime_check(
        request=r,
        actor=people["coordinator"],
        categories=kidnapping.categories.all(),
        statutes=[kidnapping],
        values={"other_statute_citations": "18 U.S.C. 1201"},
    )
    r.refresh_from_db()
    assert set(r.crime_categories.values_list("code", flat=True)) == {
        "kidnapping",
        "abduction",
        "false_imprisonment",
        "unlawful_criminal_restraint",
    }
    event = r.events.get()
    assert event.internal and event.data["statutes"] == ["c.265 §26"]
    assert QualifyingCrimeCategory.objects.count() == 31


def test_draft_edits_record_field_names_not_values(make_request, people):
    r = make_request(Status.DRAFT)
    services.request_update(
        request=r, actor=people["advocate"], values={"given_name": "Maria", "a_number": "987654321"}
    )
    event = r.events.get()
    assert event.data == {"fields": ["given_name", "a_number"]}
    assert "987654321" not in str(event.data) + event.note


def test_advocate_cannot_edit_once_under_review(make_request, people):
    from django.core.exceptions import PermissionDenied

    r = make_request(Status.HELPFULNESS_REVIEW)
    with pytest.raises(PermissionDenied):
        services.request_update(request=r, actor=people["advocate"], values={"given_name": "X"})
    r.refresh_from_db()
    assert r.given_name == "María"


def test_documents_are_checked_by_content(make_request, people):
    r = make_request(Status.DRAFT)
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    doc = services.request_add_document(
        request=r, actor=people["advocate"], upload=pdf, kind="police_report"
    )
    assert doc.content_type == "application/pdf" and len(doc.sha256) == 64
    assert "report" not in doc.file.name  # random stored name
    disguised = SimpleUploadedFile(
        "letter.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    with pytest.raises(ValidationError, match="PDF, JPEG and PNG"):
        services.request_add_document(
            request=r, actor=people["advocate"], upload=disguised, kind="other"
        )
    assert r.documents.count() == 1 and r.events.count() == 1


def test_oversized_upload_is_refused(make_request, people, settings):
    settings.UVISA_MAX_UPLOAD_BYTES = 1024
    r = make_request(Status.DRAFT)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000, content_type="application/pdf")
    with pytest.raises(ValidationError, match="larger than"):
        services.request_add_document(request=r, actor=people["advocate"], upload=big, kind="other")
    assert r.documents.count() == 0


def test_case_events_are_append_only(make_request, people):
    r = make_request(Status.RECEIVED)
    services.request_begin_crime_check(request=r, actor=people["coordinator"])
    event = r.events.get()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
