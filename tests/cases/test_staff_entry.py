"""Any channel, all the way: a request received by mail or in person can be completed by the
staff (Supplement B Part 1 and the incident as told), answered after an information request
(channel, text, documents) and certified; the Chief sees what stands in the way of Certify."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from cases import errors, services
from cases.documents import issuing
from cases.models import (
    CaseEvent,
    CertificationRequest,
    DepartmentText,
    Document,
    Status,
)
from cases.permissions import steps_for
from cases.presentation import certify_obstacles, step_message
from cases.services import department_text, received, staff_entry
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def mailed(make_request, status=Status.RECEIVED, **fields):
    """A request recorded from the mail: no organisation, no advocate."""
    fields.setdefault("requester_capacity", "victim")  # no organisation to name
    return make_request(status, organization=None, advocate=None, **fields)


def entry_values(r: CertificationRequest, **changes):
    values = {name: getattr(r, name) for name in staff_entry.STAFF_ENTRY_FIELDS}
    values.update(changes)
    return values


def enter(r, actor, **changes):
    return staff_entry.request_enter_for_requester(
        request=r,
        actor=actor,
        values=entry_values(r, **changes),
        seen=staff_entry.entry_fingerprint(r),
    )


# --- 1. the staff enter and correct what the requester sent ---


def test_the_coordinator_enters_part_1_and_the_audit_keeps_old_and_new_encrypted(
    make_request, people
):
    r = mailed(make_request, gender="", given_name="Rosa", injury_description="")
    r = enter(
        r, people["coordinator"], gender="F", given_name="Rosalinda", injury_description="Cuts"
    )
    r.refresh_from_db()
    assert (r.gender, r.given_name, r.injury_description) == ("F", "Rosalinda", "Cuts")
    event = r.events.latest("pk")
    assert event.kind == CaseEvent.Kind.EDITED and event.actor == people["coordinator"]
    assert event.created_at is not None and event.internal
    # Field names only in the clear data; the values in the note, which is encrypted at rest.
    assert set(event.data["fields"]) >= {"gender", "given_name", "injury_description"}
    assert "Rosalinda" not in str(event.data)
    assert "Given name: Rosa -> Rosalinda" in event.note
    assert "Gender: (empty) -> F" in event.note
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM cases_caseevent WHERE id = %s", [event.pk])
        raw = cursor.fetchone()[0]
    assert "Rosalinda" not in raw and "Rosa" not in raw
    # The person digest follows the corrected name (duplicate warning, annual report).
    assert r.person_digest == CertificationRequest.objects.get(pk=r.pk).person_digest
    assert r.person_digest != mailed(make_request, given_name="Rosa").person_digest


def test_nothing_changed_writes_no_event(make_request, people):
    r = mailed(make_request)
    before = r.events.count()
    enter(r, people["coordinator"])
    assert r.events.count() == before


@pytest.mark.parametrize("who", ["advocate", "detective", "chief", "auditor"])
def test_only_the_coordinator_enters_for_the_requester(make_request, people, who):
    r = mailed(make_request, gender="")
    with pytest.raises(PermissionDenied):
        enter(r, people[who], gender="F")
    r.refresh_from_db()
    assert r.gender == ""


def test_a_portal_request_or_a_decided_one_is_not_entered_by_the_staff(make_request, people):
    portal = make_request(Status.RECEIVED, gender="")
    with pytest.raises(PermissionDenied):
        enter(portal, people["coordinator"], gender="F")
    decided = mailed(make_request, Status.AWAITING_INK)
    with pytest.raises(PermissionDenied):
        enter(decided, people["coordinator"], gender="M")


def test_a_stale_page_is_refused_and_changes_nothing(make_request, people):
    r = mailed(make_request, gender="")
    seen = staff_entry.entry_fingerprint(r)
    enter(r, people["coordinator"], gender="F")  # someone else saves first
    with pytest.raises(errors.StaleRequest):
        staff_entry.request_enter_for_requester(
            request=r,
            actor=people["coordinator"],
            values=entry_values(r, gender="M"),
            seen=seen,
        )
    r.refresh_from_db()
    assert r.gender == "F"


def test_bad_values_are_refused_whole(make_request, people):
    r = mailed(make_request, gender="")
    events = r.events.count()
    with pytest.raises(ValidationError):
        enter(r, people["coordinator"], gender="X", given_name="Changed")
    with pytest.raises(ValidationError):  # the form type is not the requester's to change
        staff_entry.request_enter_for_requester(
            request=r,
            actor=people["coordinator"],
            values={"form_type": "I-914B"},
            seen=staff_entry.entry_fingerprint(r),
        )
    with pytest.raises(ValidationError):
        enter(r, people["coordinator"], family_name="")
    r.refresh_from_db()
    assert (r.gender, r.given_name, r.events.count()) == ("", "María", events)


def test_the_page_enters_part_1_and_refuses_a_stale_page(client, make_request, people):
    r = mailed(make_request, gender="")
    sign_in(client, people["coordinator"])
    page = client.get(f"/requests/{r.reference}/requester/")
    assert page.status_code == 200
    assert 'name="gender"' in page.content.decode()
    seen = page.context["form"]["seen"].value()
    data = {
        k: ("" if v is None else v)
        for k, v in page.context["form"].initial.items()
        if k in page.context["form"].fields
    }
    data.update(
        gender="F",
        seen=seen,
        date_of_birth="1990-05-01",
        incident_date="2025-03-14",
        expedited="",
        additional_incident_dates="",
    )
    assert client.post(f"/requests/{r.reference}/requester/", data).status_code == 302
    r.refresh_from_db()
    assert r.gender == "F"
    # The same page sent again after the change: refused, nothing changed.
    data["gender"] = "M"
    response = client.post(f"/requests/{r.reference}/requester/", data, follow=True)
    assert "someone else changed what the requester sent" in response.content.decode()
    r.refresh_from_db()
    assert r.gender == "F"
    # Bad input: a 400 with the message, never a 500.
    data.update(seen=staff_entry.entry_fingerprint(r), date_of_birth="2999-01-01")
    assert client.post(f"/requests/{r.reference}/requester/", data).status_code == 400


def test_the_page_refuses_the_wrong_role_and_another_organisations_case(
    client, make_request, people
):
    r = mailed(make_request)
    sign_in(client, people["other_advocate"])  # cannot see another's request: 404
    assert client.get(f"/requests/{r.reference}/requester/").status_code == 404
    client.logout()
    sign_in(client, people["chief"])  # sees it, may not enter for the requester: 403
    assert client.get(f"/requests/{r.reference}/requester/").status_code == 403
    client.logout()
    sign_in(client, people["coordinator"])
    portal = make_request(Status.RECEIVED)
    assert client.get(f"/requests/{portal.reference}/requester/").status_code == 403
    page = client.get(r.get_absolute_url()).content.decode()
    assert f"/requests/{r.reference}/requester/" in page


# --- 2. what came back after an information request ---


def test_what_came_back_by_mail_is_recorded_with_channel_and_documents(
    client, make_request, people
):
    r = mailed(make_request, Status.INFO_REQUESTED)
    said = step_message(r, "Request information")
    assert "waits for the requester's answer by mail, e-mail or in person" in said
    assert "advocate" not in said
    sign_in(client, people["coordinator"])
    page = client.get(r.get_absolute_url()).content.decode()
    assert 'name="answer_information-channel"' in page
    assert "waits for the requester's answer by mail, e-mail or in person" in page
    assert "advocate's answer" not in page
    scan = SimpleUploadedFile("birth-certificate.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/requests/{r.reference}/step/answer_information/",
        {
            "answer_information-channel": "mail",
            "answer_information-text": "A copy of the police report.",
            "answer_information-documents": [scan],
        },
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == Status.CRIME_CHECK  # back to where it was asked
    assert r.info_response_text == "A copy of the police report."
    (document,) = r.documents.all()
    assert document.kind == Document.Kind.INFORMATION_RESPONSE
    event = r.events.latest("pk")
    assert event.transition == "answer_information" and event.actor == people["coordinator"]
    assert event.data["channel"] == "mail"
    assert event.data["documents"][0]["document"] == document.pk


def test_an_answer_in_person_may_be_documents_only_and_refusals_change_nothing(
    client, make_request, people
):
    r = mailed(make_request, Status.INFO_REQUESTED)
    sign_in(client, people["coordinator"])
    url = f"/requests/{r.reference}/step/answer_information/"
    # No channel: the form says so, nothing changes.
    response = client.post(url, {"answer_information-text": "Came by."})
    assert response.status_code == 400
    # A hostile file (an executable named .pdf): refused, nothing stored, still waiting.
    evil = SimpleUploadedFile(
        "x.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf"
    )
    client.post(
        url,
        {"answer_information-channel": "in_person", "answer_information-documents": [evil]},
    )
    r.refresh_from_db()
    assert r.status == Status.INFO_REQUESTED and not r.documents.exists()
    # Nothing at all came back: refused.
    with pytest.raises(ValidationError):
        staff_entry.request_record_information_received(
            request=r, actor=people["coordinator"], channel="mail"
        )
    scan = SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")
    r = staff_entry.request_record_information_received(
        request=r, actor=people["coordinator"], channel="in_person", uploads=[scan]
    )
    assert r.status == Status.CRIME_CHECK and r.documents.count() == 1


def test_the_portal_answer_and_the_mail_answer_do_not_mix(make_request, people):
    portal = make_request(Status.INFO_REQUESTED)
    with pytest.raises(ValidationError):
        staff_entry.request_record_information_received(
            request=portal, actor=people["coordinator"], channel="mail", text="x"
        )
    r = mailed(make_request, Status.INFO_REQUESTED)
    with pytest.raises(ValidationError):
        services.request_answer_information(request=r, actor=people["coordinator"], text="x")
    with pytest.raises(PermissionDenied):  # the Chief does not act for the requester
        staff_entry.request_record_information_received(
            request=r, actor=people["chief"], channel="mail", text="x"
        )
    r.refresh_from_db()
    assert r.status == Status.INFO_REQUESTED


# --- 3. what the Chief sees where Certify would be ---


def obstacles(r, user):
    r = CertificationRequest.objects.get(pk=r.pk)
    found = certify_obstacles(r, user)
    # The list and the button come from the same conditions: never both, never neither.
    if user.has_perm("cases.decide_request"):
        assert bool(found) != ("certify" in steps_for(r, user)), found
    return found


def test_nothing_stands_in_the_way_then_certify_is_offered(make_request, people):
    r = mailed(make_request, Status.CHIEF_DECISION)
    assert obstacles(r, people["chief"]) == []
    assert obstacles(r, people["coordinator"]) == []  # not one who decides: no list


def test_an_empty_part_1_item_points_to_the_requester_page(make_request, people):
    r = mailed(make_request, Status.CHIEF_DECISION, gender="")
    (o,) = obstacles(r, people["chief"])
    assert o.text == "Part 1, Item 5 (Gender)"
    assert o.url == f"/requests/{r.reference}/requester/"
    portal = make_request(Status.CHIEF_DECISION, gender="")
    (o,) = obstacles(portal, people["chief"])
    assert o.url == "#step-request_information"


def test_text_not_adopted_and_empty_department_text_point_to_the_item(make_request, people):
    r = mailed(make_request, Status.CHIEF_DECISION, injury_description="")
    # The requester left Part 3 Item 7 empty and the department adopted the empty proposal.
    found = obstacles(r, people["chief"])
    assert [o.text for o in found] == [
        "Part 3, Item 7 (Description of any known or documented injury to the victim)"
    ]
    assert found[0].url == f"/requests/{r.reference}/department-text/3/7/"
    DepartmentText.objects.filter(request=r, part=3, number="6").delete()
    texts = [o.text for o in obstacles(r, people["chief"])]
    assert texts[0].startswith("Part 3, Item 6")
    assert "not adopted" in obstacles(r, people["chief"])[0].what
    # Writing the department's text clears both, and Certify is offered.
    for number, value in (("6", "Assaulted at home."), ("7", "Bruises, documented.")):
        department_text.department_text_rewrite(
            request=r, actor=people["chief"], part=3, number=number, value=value
        )
    assert obstacles(r, people["chief"]) == []


def test_a_warning_not_acknowledged_and_a_self_defeating_answer(make_request, people):
    r = mailed(make_request, Status.CHIEF_DECISION, refused_or_failed="yes")
    (o,) = obstacles(r, people["chief"])
    assert "Part 4, Item 3" in o.text and "not yet acknowledged" in o.text
    assert o.url == "#consistency-h"
    r2 = mailed(make_request, Status.CHIEF_DECISION, has_been_helpful="no")
    (o,) = obstacles(r2, people["chief"])
    assert "Part 4, Item 2" in o.text and o.url == "#step-return_for_review"


def test_the_attestation_missing_points_to_return_for_review(make_request, people):
    r = mailed(
        make_request,
        Status.CHIEF_DECISION,
        possesses_information="",
        has_been_helpful="",
        refused_or_failed="",
        helpfulness_explanation="",
    )
    found = obstacles(r, people["chief"])
    assert {o.url for o in found} == {"#step-return_for_review"}
    assert [o.text.split(" (")[0] for o in found][:3] == [
        "Part 4, Item 1",
        "Part 4, Item 2",
        "Part 4, Item 3",
    ]


def test_a_chief_without_a_designation_is_told_so(make_request, people):
    r = mailed(make_request, Status.CHIEF_DECISION)
    (o,) = obstacles(r, people["undesignated_chief"])
    assert "designation" in o.text and o.url == "/designations/"


def test_the_case_page_shows_the_list_where_certify_would_be(client, make_request, people):
    r = mailed(make_request, Status.CHIEF_DECISION, gender="")
    sign_in(client, people["chief"])
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Certify is not possible yet" in page
    assert "Part 1, Item 5 (Gender)" in page
    assert f'href="/requests/{r.reference}/requester/"' in page
    assert "Every required item is filled" not in page
    assert 'action="/requests/' + r.reference + '/step/certify/"' not in page


# --- the whole way: recorded from the mail, completed by the staff, certified ---


def test_a_request_from_the_mail_is_completed_by_the_staff_and_certified(agency, people):
    coordinator, chief = people["coordinator"], people["chief"]
    r = received.intake_record(
        actor=coordinator,
        agency=agency,
        channel="mail",
        received_on=timezone.localdate() - timedelta(days=3),
        late_entry_reason="Opened on Monday.",
        requester={"requester_name": "Ana Costa", "requester_address": "1 Elm St\nMedford MA"},
        values={
            "family_name": "Costa",
            "given_name": "Ana",
            "incident_date": date(2025, 6, 1),
            "criminal_activity_description": "Robbed at knifepoint.",
        },
    )
    r = enter(
        r,
        coordinator,
        date_of_birth=date(1991, 4, 4),
        gender="F",
        report_number="25-7777",
        incident_location="Medford, MA",
        injury_description="A cut to the hand.",
    )
    r = services.request_begin_crime_check(request=r, actor=coordinator)
    services.request_record_crime_check(
        request=r,
        actor=coordinator,
        categories=r.crime_categories.model.objects.filter(code="felonious_assault"),
        statutes=[],
        values={
            "case_status": "completed",
            "occurred_in_us": "yes",
            "extraterritorial": "no",
            "other_statute_citations": "M.G.L. c. 265 s. 17",
        },
    )
    services.request_assign_detective(request=r, actor=coordinator, detective=people["detective"])
    department_text.department_text_adopt(
        request=r, actor=coordinator, items=department_text.attested_in(r, (2, 3))
    )
    r = services.request_confirm_qualifying_crime(request=r, actor=coordinator)
    services.request_record_helpfulness(
        request=r,
        actor=people["detective"],
        values={
            "possesses_information": "yes",
            "has_been_helpful": "yes",
            "refused_or_failed": "no",
            "helpfulness_explanation": "Identified the suspect.",
            "family_members_implicated": "no",
        },
    )
    r = services.request_attest_helpfulness(request=r, actor=people["detective"])
    assert obstacles(r, chief) == []
    r = issuing.request_certify(request=CertificationRequest.objects.get(pk=r.pk), actor=chief)
    assert r.status == Status.AWAITING_INK
