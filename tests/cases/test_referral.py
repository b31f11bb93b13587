"""Referral to the agency with jurisdiction, an answer of its own (c. 258F s. 3(ii): declined
for lack of jurisdiction, without prejudice): the directory of nearby certifiers, the referral
by the certifying official, forwarding only with the victim's consent, the letters read back
in every language, the case page, and the annual report counting referrals apart."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import errors, services
from cases.issued_letters import letter_bytes
from cases.models import (
    Agency,
    CaseEvent,
    CertificationRequest,
    CertifierDirectoryEntry,
    IssuedLetter,
    OutboundMail,
    Referral,
    SharingConsent,
    Status,
    SubmittedIntent,
)
from cases.reporting import annual
from cases.services import referral
from tests.cases.test_reconsideration import pdf_text
from tests.conftest import sign_in

REASON = "The assault took place in Malden and the Malden police investigated it."
MALDEN = {
    "name": "Malden Police Department",
    "kind": "police",
    "jurisdiction": "Crimes reported in Malden, MA",
    "unit": "Detective Division",
    "mailing_address": "Malden, MA\n(street address: confirm before use)",
    "phone": "",
    "email": "",
}


@pytest.fixture
def malden(agency, people):
    return referral.directory_save(actor=people["coordinator"], agency=agency, values=MALDEN)


def with_report(r):
    services.request_add_document(
        request=r,
        actor=r.advocate,
        upload=SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%%EOF", "application/pdf"),
        kind="police_report",
    )
    return r


@pytest.fixture
def deciding(make_request):
    return with_report(make_request(Status.CHIEF_DECISION))


def refer(request, actor, entry, **kwargs):
    return referral.request_refer_to_agency(
        request=request,
        actor=actor,
        entry=entry.pk,
        reason=kwargs.pop("reason", REASON),
        **kwargs,
    )


# --- the directory ---


def test_the_directory_is_kept_by_the_coordinator_and_the_chief_and_audited(agency, people):
    entry = referral.directory_save(actor=people["coordinator"], agency=agency, values=MALDEN)
    added = CaseEvent.objects.get(kind=CaseEvent.Kind.DIRECTORY_CHANGED)
    assert added.request is None and added.internal
    assert added.data["action"] == "added" and added.data["name"] == MALDEN["name"]
    referral.directory_save(
        actor=people["chief"],
        agency=agency,
        entry=entry,
        values={**MALDEN, "phone": "781-555-0100"},
    )
    changed = CaseEvent.objects.filter(kind=CaseEvent.Kind.DIRECTORY_CHANGED).last()
    assert changed.data["action"] == "changed" and changed.data["changed"] == ["phone"]
    referral.directory_set_active(
        actor=people["coordinator"], agency=agency, entry=entry, active=False
    )
    entry.refresh_from_db()
    assert not entry.is_active
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.DIRECTORY_CHANGED).count() == 3


@pytest.mark.parametrize("persona", ["advocate", "detective", "auditor"])
def test_other_roles_may_not_keep_the_directory(agency, people, persona):
    with pytest.raises(PermissionDenied):
        referral.directory_save(actor=people[persona], agency=agency, values=MALDEN)
    assert not CertifierDirectoryEntry.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.DIRECTORY_CHANGED).exists()


def test_bad_entries_are_form_messages(agency, people):
    with pytest.raises(ValidationError) as exc:
        referral.directory_save(
            actor=people["coordinator"],
            agency=agency,
            values={**MALDEN, "name": " ", "kind": "gang", "email": "not-an-address"},
        )
    assert set(exc.value.message_dict) == {"name", "kind", "email"}
    referral.directory_save(actor=people["coordinator"], agency=agency, values=MALDEN)
    with pytest.raises(ValidationError, match="already has an entry of this name"):
        referral.directory_save(actor=people["chief"], agency=agency, values=MALDEN)
    assert CertifierDirectoryEntry.objects.count() == 1


@pytest.mark.parametrize(
    "persona, status", [("coordinator", 200), ("chief", 200), ("advocate", 403), ("auditor", 403)]
)
def test_the_directory_page_by_role(client, people, agency, persona, status):
    sign_in(client, people[persona])
    assert client.get(reverse("certifier_directory")).status_code == status


def test_the_directory_page_adds_edits_and_deactivates(client, people, agency):
    sign_in(client, people["coordinator"])
    url = reverse("certifier_directory")
    bad = client.post(url, {**MALDEN, "kind": ""})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    assert client.post(url, MALDEN).status_code == 302
    entry = CertifierDirectoryEntry.objects.get()
    edit = reverse("certifier_directory_edit", args=[entry.pk])
    assert MALDEN["unit"] in client.get(edit).content.decode()
    assert client.post(edit, {**MALDEN, "unit": "Records"}).status_code == 302
    active = reverse("certifier_directory_active", args=[entry.pk])
    assert client.post(active, {"active": "0"}).status_code == 302
    entry.refresh_from_db()
    assert entry.unit == "Records" and not entry.is_active
    assert client.get(reverse("certifier_directory_edit", args=[entry.pk + 99])).status_code == 404


# --- the referral ---


def test_a_referral_with_consent_forwards_the_documents(deciding, people, malden):
    document = deciding.documents.get()
    r = refer(deciding, people["chief"], malden, forward_method="mail")
    assert r.status == Status.REFERRED
    assert r.decline_reason == "no_jurisdiction" and r.decided_at is not None
    row = Referral.objects.get(request=r)
    assert row.entry == malden and row.referred_to["name"] == MALDEN["name"]
    assert row.reason == REASON and row.consent_given and row.forwarded
    assert row.forward_method == "mail" and row.forwarded_by == people["chief"]
    assert row.forwarded_documents == [
        {"document": document.pk, "kind": "police_report", "sha256": document.sha256}
    ]
    assert row.letter.kind == "referral" and row.cover_letter.kind == "referral_forwarding"
    step = CaseEvent.objects.get(request=r, transition="refer_to_agency")
    assert step.from_state == Status.CHIEF_DECISION and step.to_state == Status.REFERRED
    assert step.data["referral"] == row.pk and step.data["forwarded"] is True
    forwarded = CaseEvent.objects.get(request=r, kind=CaseEvent.Kind.REQUEST_FORWARDED)
    assert forwarded.data["documents"] == row.forwarded_documents
    assert forwarded.data["to"]["name"] == MALDEN["name"] and forwarded.data["method"] == "mail"
    assert forwarded.data["cover_letter_sha256"] == row.cover_letter.sha256
    # The advocate hears of the answer through the outbox, written in the step's transaction.
    assert people["advocate"].email in OutboundMail.objects.get(event=step).to


def test_without_consent_the_referral_is_made_and_nothing_is_forwarded(
    make_request, people, malden
):
    r = make_request(Status.CHIEF_DECISION, victim_sharing_consent=SharingConsent.REFUSED)
    with pytest.raises(errors.TransitionRefused, match="has not consented"):
        refer(r, people["chief"], malden, forward_method="hand")
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not Referral.objects.exists()
    assert not CaseEvent.objects.filter(request=r).exists()
    r = refer(r, people["chief"], malden)
    row = Referral.objects.get(request=r)
    assert r.status == Status.REFERRED and not row.forwarded and not row.consent_given
    assert row.forwarded_documents == [] and row.cover_letter is None
    assert not CaseEvent.objects.filter(request=r, kind=CaseEvent.Kind.REQUEST_FORWARDED).exists()


@pytest.mark.parametrize("persona", ["coordinator", "detective", "advocate", "auditor"])
def test_only_a_certifying_official_refers(deciding, people, malden, persona):
    with pytest.raises(PermissionDenied):
        refer(deciding, people[persona], malden)
    deciding.refresh_from_db()
    assert deciding.status == Status.CHIEF_DECISION and not Referral.objects.exists()


@pytest.mark.parametrize("status", [Status.HELPFULNESS_REVIEW, Status.DECLINED, Status.CERTIFIED])
def test_only_a_request_at_the_decision_is_referred(make_request, people, malden, status):
    r = make_request(status)
    with pytest.raises(errors.TransitionRefused):
        refer(r, people["chief"], malden)
    assert not Referral.objects.exists()


def test_an_inactive_or_foreign_entry_is_refused(deciding, people, malden, agency):
    referral.directory_set_active(
        actor=people["coordinator"], agency=agency, entry=malden, active=False
    )
    with pytest.raises(ValidationError, match="no longer active"):
        refer(deciding, people["chief"], malden)
    other = Agency.objects.create(
        name="Other PD",
        code="OPD",
        street="1 Main St",
        city="Elsewhere",
        state="MA",
        zip_code="01000",
        phone="555-0100",
        agency_type="local",
        category="law_enforcement",
        head_family_name="Doe",
        head_given_name="Jo",
        head_title="Chief",
    )
    foreign = CertifierDirectoryEntry.objects.create(agency=other, **MALDEN)
    with pytest.raises(ValidationError, match="from the department's directory"):
        refer(deciding, people["chief"], foreign)
    with pytest.raises(ValidationError, match="Say why"):
        referral.directory_set_active(
            actor=people["coordinator"], agency=agency, entry=malden, active=True
        )
        refer(deciding, people["chief"], malden, reason="   ")
    deciding.refresh_from_db()
    assert deciding.status == Status.CHIEF_DECISION and not Referral.objects.exists()


def test_nothing_to_forward_is_a_form_message(make_request, people, malden):
    r = make_request(Status.CHIEF_DECISION)  # no document
    with pytest.raises(ValidationError, match="no document to forward"):
        refer(r, people["chief"], malden, forward_method="mail")
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not Referral.objects.exists()


def test_a_stale_page_changes_nothing(deciding, people, malden):
    stale = CertificationRequest.objects.get(pk=deciding.pk)
    refer(deciding, people["chief"], malden)
    with pytest.raises(errors.StaleRequest):
        refer(stale, people["chief"], malden)
    assert Referral.objects.count() == 1


# --- letters read back ---

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


@needs_pdftotext
def test_the_referral_letter_and_the_cover_letter_read_back(deciding, people, malden):
    r = refer(deciding, people["chief"], malden, forward_method="hand")
    text = pdf_text(letter_bytes(IssuedLetter.objects.get(request=r, kind="referral")))
    assert "Referral to the agency with jurisdiction" in text
    assert "declines to certify because it lacks jurisdiction" in text
    assert "M.G.L. c. 258F, section 3(ii)" in text and "without prejudice" in text
    assert "you may ask this department again at any time" in text
    assert "Malden Police Department, Detective Division, Malden, MA" in text
    assert "forwarded the request and its 1 document(s) to that agency by hand delivery" in text
    assert REASON in text
    cover = IssuedLetter.objects.get(request=r, kind="referral_forwarding")
    assert cover.language == "en"
    text = pdf_text(letter_bytes(cover))
    assert "Malden Police Department Detective Division Malden, MA" in text
    assert deciding.documents.get().sha256 in text.replace(" ", "")
    assert "The victim consented to the department sharing her information" in text


@needs_pdftotext
@pytest.mark.parametrize(
    "language, words, not_forwarded, form",
    [
        (
            "en",
            "declines to certify because it lacks jurisdiction",
            "has NOT sent your request",
            "Form I-918, Supplement B",
        ),
        (
            "es",
            "no certifica porque no tiene jurisdicción",
            "NO ha enviado su solicitud",
            "Formulario I-918, Suplemento B",
        ),
        (
            "pt",
            "não certifica porque não tem jurisdição",
            "NÃO enviou o seu pedido",
            "Formulário I-918, Suplemento B",
        ),
        (
            "ht",
            "pa sètifye paske li pa gen jiridiksyon",
            "PA voye demann ou a",
            "Fòm I-918, Sipleman B",
        ),
    ],
)
def test_the_letter_in_each_language_tells_the_requester_to_send_it_herself(
    make_request, people, malden, language, words, not_forwarded, form
):
    r = make_request(
        Status.CHIEF_DECISION,
        preferred_language=language,
        victim_sharing_consent=SharingConsent.REFUSED,
    )
    r = refer(r, people["chief"], malden)
    letter = IssuedLetter.objects.get(request=r, kind="referral")
    assert letter.language == language
    assert letter.translation_reviewed == (language == "en")
    text = pdf_text(letter_bytes(letter))
    assert words in text and not_forwarded in text and form in text
    assert "258F" in text and r.reference in text
    if language != "en":  # marked to be reviewed, the English attached
        assert "Translation to be reviewed by a qualified translator" in text
        assert "declines to certify because it lacks jurisdiction" in text
    assert not IssuedLetter.objects.filter(request=r, kind="referral_forwarding").exists()


@needs_pdftotext
@pytest.mark.parametrize(
    "language, form", [("en", "Form I-914, Supplement B"), ("es", "Formulario I-914, Suplemento B")]
)
def test_a_t_request_is_referred_with_its_own_form_named(
    make_request, people, malden, language, form
):
    r = make_request(
        Status.CHIEF_DECISION,
        preferred_language=language,
        form_type="I-914B",
        trafficking_forms=["debt_bondage"],
        cooperation="complied",
        cooperation_explanation="Gave two interviews.",
    )
    r = refer(r, people["chief"], malden)
    text = pdf_text(letter_bytes(IssuedLetter.objects.get(request=r, kind="referral")))
    assert form in text and "I-918" not in text


# --- pages ---


def test_the_case_page_offers_the_step_and_it_posts_once(client, deciding, people, malden):
    sign_in(client, people["chief"])
    page = client.get(deciding.get_absolute_url()).content.decode()
    assert "Refer to the agency with jurisdiction" in page and MALDEN["name"] in page
    intent = re.search(r'name="intent" value="([^"]+)"', page).group(1)
    url = reverse("request_transition", args=[deciding.reference, "refer_to_agency"])
    data = {
        "intent": intent,
        "refer_to_agency-entry": str(malden.pk),
        "refer_to_agency-reason": REASON,
        "refer_to_agency-forward_method": "mail",
    }
    assert client.post(url, data).status_code == 302
    sign_in(client, people["chief"])  # fresh again: only the one-time token stops the repeat
    again = client.post(url, data, follow=True)
    assert "already sent" in again.content.decode()
    assert Referral.objects.count() == 1
    assert SubmittedIntent.objects.filter(kind="step:refer_to_agency").count() == 1


def test_a_stale_sign_in_is_asked_again_and_nothing_changes(client, deciding, people, malden):
    from tests.federal_requests.test_sensitive_steps import age_the_sign_in

    sign_in(client, people["chief"])
    age_the_sign_in(client, 3600)
    url = reverse("request_transition", args=[deciding.reference, "refer_to_agency"])
    data = {"refer_to_agency-entry": str(malden.pk), "refer_to_agency-reason": REASON}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    deciding.refresh_from_db()
    assert deciding.status == Status.CHIEF_DECISION and not Referral.objects.exists()


def test_bad_input_is_a_form_message_never_a_500(client, deciding, people, malden):
    sign_in(client, people["chief"])
    url = reverse("request_transition", args=[deciding.reference, "refer_to_agency"])
    for data in (
        {"refer_to_agency-entry": "", "refer_to_agency-reason": REASON},
        {"refer_to_agency-entry": "nonsense", "refer_to_agency-reason": REASON},
        {"refer_to_agency-entry": str(malden.pk), "refer_to_agency-reason": ""},
        {
            "refer_to_agency-entry": str(malden.pk),
            "refer_to_agency-reason": REASON,
            "refer_to_agency-forward_method": "email",
        },
    ):
        sign_in(client, people["chief"])
        response = client.post(url, data)
        assert response.status_code == 400, data
    deciding.refresh_from_db()
    assert deciding.status == Status.CHIEF_DECISION and not Referral.objects.exists()


def test_the_step_is_404_for_another_organisation(client, deciding, people, malden):
    sign_in(client, people["other_advocate"])
    assert client.get(deciding.get_absolute_url()).status_code == 404
    url = reverse("request_transition", args=[deciding.reference, "refer_to_agency"])
    data = {"refer_to_agency-entry": str(malden.pk), "refer_to_agency-reason": REASON}
    assert client.post(url, data).status_code == 404
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["advocate", "coordinator", "chief", "auditor"])
def test_the_case_page_shows_the_referral(client, deciding, people, malden, persona):
    r = refer(deciding, people["chief"], malden, forward_method="mail")
    sign_in(client, people[persona])
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Referred to the agency with jurisdiction" in page
    assert MALDEN["name"] in page and REASON in page
    assert "Forwarded with the victim's consent by mail" in page
    assert "Police report" in page
    assert ("Cover letter forwarding" in page) == (persona != "advocate")


def test_the_step_message_names_the_referral(deciding, people, malden):
    from cases.presentation import step_message

    r = refer(deciding, people["chief"], malden)
    assert "referred to the agency with jurisdiction" in step_message(r, "Refer")


# --- the annual report ---


def test_the_annual_report_counts_referrals_apart_from_denials(make_request, people, malden):
    now = timezone.now()
    year = timezone.localdate(now).year
    forwarded = refer(
        with_report(make_request(Status.CHIEF_DECISION)),
        people["chief"],
        malden,
        forward_method="mail",
    )
    refer(
        make_request(Status.CHIEF_DECISION, victim_sharing_consent=SharingConsent.REFUSED),
        people["chief"],
        malden,
    )
    services.request_decline(
        request=make_request(Status.CHIEF_DECISION), actor=people["chief"], reason="not_helpful"
    )
    report = annual.build_annual_report(year, now=now + timedelta(minutes=1))
    assert report.denied == 1 and report.cells["requests_denied:all"] == 1
    assert report.cells["requests_referred:all"] == 2 and report.cells["requests_referred:U"] == 2
    assert report.referrals == {"referred": 2, "forwarded": 1, "not_forwarded": 1}
    assert report.answered == 3 and report.pending == 0
    lines = {line.label: line.value for s in report.sections() for line in s.lines}
    assert lines["Referrals"] == 2 and lines["  documents forwarded (the victim consented)"] == 1
    # In the public version the referrals are a suppressed cell like the others (2 < 5).
    public = [line for s in annual.sections_for(report, public=True) for line in s.lines]
    referred = next(line for line in public if line.key == "requests_referred:all")
    assert annual.shown(referred, public=True, report=report) == "<5"
    assert forwarded.status == Status.REFERRED
