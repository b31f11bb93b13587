"""Who asks for the certification, in what capacity, and the victim's consent to sharing
(8 U.S.C. 1367): recorded at intake and on the portal, shown on the case page and in the letters'
address lines; without consent nothing about her leaves the department."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import issued_letters
from cases.errors import TransitionRefused
from cases.models import (
    CaseEvent,
    CertificationRequest,
    IssuedLetter,
    OriginalHandover,
    RequesterCapacity,
    SharingConsent,
    Status,
)
from cases.services import ink, received
from tests.conftest import sign_in
from tests.documents.test_letter_language_choice import pdf_text

pytestmark = pytest.mark.django_db

REQUESTER = {
    "requester_name": "Ana Costa",
    "requester_organization": "Costa Immigration Law",
    "requester_address": "1 Elm St\nMedford MA 02155",
}
VICTIM = {"family_name": "Silva", "given_name": "Rosa", "incident_date": date(2025, 11, 2)}
ATTORNEY = {
    "requester_capacity": "attorney",
    "requester_bar_number": "123456",
    "requester_bar_state": "MA",
    "victim_sharing_consent": "given",
}


def record(people, agency, **standing):
    return received.intake_record(
        actor=people["coordinator"],
        agency=agency,
        channel="mail",
        received_on=timezone.localdate(),
        requester=dict(REQUESTER),
        values={**VICTIM, **standing},
    )


# --- the model: what each capacity needs, and the words it prints ---


@pytest.mark.parametrize(
    ("standing", "organisation", "missing"),
    [
        ({"requester_capacity": ""}, "", {"requester_capacity"}),
        ({"requester_capacity": "pilot"}, "", {"requester_capacity"}),
        ({"requester_capacity": "attorney"}, "", {"requester_bar_number", "requester_bar_state"}),
        (
            {
                "requester_capacity": "attorney",
                "requester_bar_number": "1",
                "requester_bar_state": "Ma",
            },
            "",
            {"requester_bar_state"},
        ),
        ({"requester_capacity": "accredited"}, "", {"requester_accreditation"}),
        ({"requester_capacity": "advocate"}, " ", {"requester_organization"}),
        ({"requester_capacity": "advocate"}, "RAFT", set()),
        ({"requester_capacity": "family"}, "", {"requester_relationship"}),
        ({"requester_capacity": "victim"}, "", set()),
    ],
)
def test_each_capacity_needs_its_credential_and_every_request_the_consent_answer(
    standing, organisation, missing
):
    r = CertificationRequest(victim_sharing_consent="given", **standing)
    assert set(r.requester_capacity_errors(organisation)) == missing
    r.victim_sharing_consent = ""
    assert "victim_sharing_consent" in r.requester_capacity_errors(organisation)


def test_the_standing_reads_as_words_and_consent_decides_sharing():
    attorney = CertificationRequest(**ATTORNEY)
    assert attorney.requester_standing == "attorney, MA bar 123456"
    accredited = CertificationRequest(
        requester_capacity="accredited",
        requester_accreditation="Medford Immigrant Center (EOIR recognised), accredited rep.",
    )
    assert accredited.requester_standing.startswith("accredited representative, Medford")
    assert CertificationRequest(requester_capacity="advocate").requester_standing == "advocate"
    sister = CertificationRequest(requester_capacity="family", requester_relationship="sister")
    assert sister.requester_standing == "family member, sister"
    assert CertificationRequest(requester_capacity="victim").requester_standing == ""
    assert CertificationRequest().requester_standing == ""
    # 8 U.S.C. 1367: consent given, or the victim asks for herself; nothing else shares.
    assert attorney.may_share_outside()
    assert CertificationRequest(requester_capacity="victim").may_share_outside()
    refused = CertificationRequest(requester_capacity="attorney", victim_sharing_consent="refused")
    assert not refused.may_share_outside()
    assert not CertificationRequest().may_share_outside()  # not recorded is not consent


# --- intake: the service refuses an incomplete standing whole ---


def test_intake_records_the_standing_and_the_letter_addresses_the_attorney(agency, people):
    r = record(people, agency, **ATTORNEY)
    assert (r.requester_capacity, r.requester_bar_state) == ("attorney", "MA")
    assert received.letter_recipient(r)[0] == "Ana Costa (attorney, MA bar 123456)"
    letter = IssuedLetter.objects.get(request=r, kind="acknowledgement")
    assert "Ana Costa (attorney, MA bar 123456)" in pdf_text(issued_letters.letter_bytes(letter))


def test_intake_without_the_bar_number_records_nothing(agency, people):
    with pytest.raises(ValidationError) as caught:
        record(people, agency, **{**ATTORNEY, "requester_bar_number": ""})
    assert "requester_bar_number" in caught.value.message_dict
    assert not CertificationRequest.objects.exists() and not IssuedLetter.objects.exists()


def test_an_advocate_recorded_at_intake_needs_her_organisation(agency, people):
    with pytest.raises(ValidationError) as caught:
        received.intake_record(
            actor=people["coordinator"],
            agency=agency,
            channel="email",
            received_on=timezone.localdate(),
            requester={"requester_name": "Lia", "requester_email": "lia@example.org"},
            values={**VICTIM, "requester_capacity": "advocate", "victim_sharing_consent": "given"},
        )
    assert "requester_organization" in caught.value.message_dict
    assert not CertificationRequest.objects.exists()


# --- the pages: intake form, portal form, case page ---


def intake_post(**extra):
    return {
        "channel": "mail",
        "received_on": timezone.localdate().isoformat(),
        **REQUESTER,
        "requester_language": "en",
        "family_name": "Silva",
        "given_name": "Rosa",
        "incident_date": "2025-11-02",
        **extra,
    }


def test_record_a_request_page_asks_the_standing_and_shows_it_on_the_case_page(client, people):
    sign_in(client, people["coordinator"])
    page = client.get("/requests/intake/").content.decode()
    for name in ("requester_capacity", "requester_bar_number", "victim_sharing_consent"):
        assert f'name="{name}"' in page
    no_consent = client.post("/requests/intake/", intake_post(requester_capacity="victim"))
    assert no_consent.status_code == 400
    assert "id_victim_sharing_consent-error" in no_consent.content.decode()
    no_bar = client.post(
        "/requests/intake/",
        intake_post(requester_capacity="attorney", victim_sharing_consent="given"),
    )
    assert no_bar.status_code == 400
    assert "Give the attorney&#x27;s bar number." in no_bar.content.decode()
    assert not CertificationRequest.objects.exists()
    response = client.post(
        "/requests/intake/",
        intake_post(
            **{**ATTORNEY, "requester_bar_state": "ma", "victim_sharing_consent": "refused"}
        ),
        follow=True,
    )
    assert response.status_code == 200
    r = CertificationRequest.objects.get()
    assert r.requester_bar_state == "MA" and r.victim_sharing_consent == SharingConsent.REFUSED
    html = response.content.decode()
    assert 'id="requester-standing">Attorney (MA bar 123456)' in html
    assert "The victim does not consent: nothing about her leaves the department" in html


def test_the_portal_form_asks_the_standing_and_the_advocate_edits_it(client, people):
    sign_in(client, people["advocate"])
    base = {"form_type": "I-918B", "family_name": "Doe", "given_name": "Ana"}
    refused = client.post(reverse("request_create"), {**base, "requester_capacity": "family"})
    assert refused.status_code == 400
    assert "relationship to the victim" in refused.content.decode()
    assert not CertificationRequest.objects.exists()
    response = client.post(
        reverse("request_create"),
        {
            **base,
            "requester_capacity": "accredited",
            "requester_accreditation": "Medford Immigrant Center, EOIR recognised",
            "victim_sharing_consent": "given",
        },
    )
    assert response.status_code == 302
    r = CertificationRequest.objects.get()
    assert r.requester_capacity == RequesterCapacity.ACCREDITED_REPRESENTATIVE
    edit = client.post(
        reverse("request_edit", args=[r.reference]),
        {**base, "requester_capacity": "advocate", "victim_sharing_consent": "refused"},
    )
    assert edit.status_code == 302
    r.refresh_from_db()
    assert (r.requester_capacity, r.victim_sharing_consent) == ("advocate", "refused")
    event = CaseEvent.objects.filter(request=r, kind="edited").last()
    assert "victim_sharing_consent" in event.data["fields"]


def test_a_portal_letter_names_who_asks(make_request, people):
    from cases import services

    people["advocate"].first_name, people["advocate"].last_name = "Ana", "Costa"
    people["advocate"].save()
    r = make_request(Status.DRAFT, **ATTORNEY)
    r = services.request_submit(request=r, actor=people["advocate"])
    letter = IssuedLetter.objects.get(request=r, kind="acknowledgement")
    assert "Attn: Ana Costa (attorney, MA bar 123456)" in pdf_text(
        issued_letters.letter_bytes(letter)
    )


# --- nothing leaves the department without consent ---


def handover_args():
    return dict(
        received_by="Ana Costa, attorney",
        received_on=timezone.localdate(),
        method=OriginalHandover.Method.IN_PERSON,
    )


@pytest.mark.parametrize("consent", ["", "refused"])
def test_the_original_is_not_handed_over_without_consent(certify_and_ink, people, consent):
    r = certify_and_ink(victim_sharing_consent=consent, requester_capacity="attorney")
    events = CaseEvent.objects.filter(request=r).count()
    with pytest.raises(TransitionRefused, match="8 U.S.C. 1367"):
        ink.request_record_handover(request=r, actor=people["coordinator"], **handover_args())
    assert not OriginalHandover.objects.exists()
    assert CaseEvent.objects.filter(request=r).count() == events


def test_the_victim_herself_takes_the_original_without_a_consent_answer(certify_and_ink, people):
    r = certify_and_ink(victim_sharing_consent="", requester_capacity="victim")
    ink.request_record_handover(request=r, actor=people["coordinator"], **handover_args())
    assert OriginalHandover.objects.count() == 1


def test_the_handover_page_says_why_it_refuses(client, certify_and_ink, people):
    r = certify_and_ink(victim_sharing_consent="refused")
    sign_in(client, people["coordinator"])
    response = client.post(
        reverse("handover_record", args=[r.reference]),
        {
            "handover-received_by": "Ana Costa",
            "handover-received_on": timezone.localdate().isoformat(),
            "handover-method": "in_person",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "has not consented to the department sharing" in response.content.decode()
    assert not OriginalHandover.objects.exists()


def test_no_organisation_is_given_a_request_without_consent(client, agency, people, org_a):
    r = record(people, agency, **{**ATTORNEY, "victim_sharing_consent": "refused"})
    with pytest.raises(TransitionRefused, match="8 U.S.C. 1367"):
        received.intake_link_organization(
            request=r, actor=people["coordinator"], organization=org_a
        )
    r.refresh_from_db()
    assert r.organization is None
    sign_in(client, people["coordinator"])
    response = client.post(
        reverse("link_organization", args=[r.reference]),
        {"organization": org_a.pk},
        follow=True,
    )
    assert "no organisation can be given the request" in response.content.decode()
    r.refresh_from_db()
    assert r.organization is None
    sign_in(client, people["advocate"])
    assert client.get(r.get_absolute_url()).status_code == 404


def test_with_consent_the_organisation_is_linked(agency, people, org_a):
    r = record(people, agency, **ATTORNEY)
    linked = received.intake_link_organization(
        request=r, actor=people["coordinator"], organization=org_a
    )
    assert linked.organization == org_a


def test_the_coordinator_records_consent_later_on_what_the_requester_sent(agency, people):
    """The victim's answer may come after the request: the coordinator enters it with the rest
    of what the requester sent (until the decision); a capacity still needs its credential."""
    from cases.services import staff_entry

    r = record(people, agency, **{**ATTORNEY, "victim_sharing_consent": "refused"})

    def enter(**changes):
        values = {name: getattr(r, name) for name in staff_entry.STAFF_ENTRY_FIELDS}
        return staff_entry.request_enter_for_requester(
            request=r,
            actor=people["coordinator"],
            values={**values, **changes},
            seen=staff_entry.entry_fingerprint(r),
        )

    with pytest.raises(ValidationError) as caught:
        enter(requester_capacity="family", victim_sharing_consent="given")
    assert "requester_relationship" in caught.value.message_dict
    r.refresh_from_db()
    assert r.victim_sharing_consent == "refused"
    r = enter(victim_sharing_consent="given")
    assert r.may_share_outside()
    event = CaseEvent.objects.filter(request=r, kind="edited").last()
    assert event.data["fields"] == ["victim_sharing_consent"]
