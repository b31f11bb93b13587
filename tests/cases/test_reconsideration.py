"""Reconsideration of a denial: asked by the requester (the advocate on the portal, the
coordinator for one received by mail), on its own clock of business days, decided by a
certifying official other than the one who denied where the department has one; letters
read back, audit written by the services."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import clocks, errors, services
from cases.documents import issuing
from cases.issued_letters import letter_bytes
from cases.models import (
    CaseEvent,
    CertifyingOfficial,
    DeclineReason,
    Document,
    IntakeRecord,
    IssuedLetter,
    Reconsideration,
    Status,
)
from cases.roles import CHIEF
from cases.services.reconsideration import (
    request_ask_reconsideration,
    request_withdraw_reconsideration,
)
from tests.conftest import _user, at, sign_in, totp_device

REASONS = "The prosecutor's letter of 2 March shows she testified; enclosed."


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def deputy(people, agency):
    """A second designated certifying official (a written designation on file)."""
    user = _user("deputy", CHIEF)
    totp_device(user)
    CertifyingOfficial.objects.create(
        agency=agency,
        user=user,
        family_name="Okafor",
        given_name="Grace",
        title="Deputy Chief",
        designated_on=date(2024, 1, 2),
        designation_document=SimpleUploadedFile("designation.pdf", b"%PDF-1.7\n%%EOF"),
    )
    return user


@pytest.fixture
def denied(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    return services.request_decline(
        request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL
    )


def ask(request, actor, **kwargs):
    return request_ask_reconsideration(
        request=request, actor=actor, reasons=kwargs.pop("reasons", REASONS), **kwargs
    )


# --- the clock ---


def test_working_days_are_added_monday_to_friday():
    friday = date(2026, 12, 4)
    assert clocks.add_working_days(friday, 1) == date(2026, 12, 7)  # Monday
    assert clocks.add_working_days(friday, 5) == date(2026, 12, 11)
    assert clocks.add_working_days(friday, 0) == friday
    for n in (1, 7, 30):
        assert clocks.working_days_between(friday, clocks.add_working_days(friday, n)) == n


def test_the_reconsideration_clock_is_a_setting_of_business_days(settings):
    assert settings.UVISA_RECONSIDERATION_BUSINESS_DAYS == 30
    # Asked on Monday 7 December 2026: 30 business days later is Monday 18 January 2027.
    assert clocks.reconsideration_due(at("2026-12-07 10:00")) == date(2027, 1, 18)
    settings.UVISA_RECONSIDERATION_BUSINESS_DAYS = 10
    assert clocks.reconsideration_due(at("2026-12-07 10:00")) == date(2026, 12, 21)
    # The agency's local day: 23:30 on Friday is still Friday.
    assert clocks.reconsideration_due(at("2026-12-04 23:30")) == date(2026, 12, 18)


# --- asking ---


def test_the_advocate_asks_with_reasons_and_documents(denied, people):
    scan = SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n%%EOF", content_type="application/pdf")
    r = ask(denied, people["advocate"], uploads=[scan])
    assert r.status == Status.RECONSIDERATION
    row = Reconsideration.objects.get(request=r)
    assert row.reasons == REASONS and row.channel == Reconsideration.Channel.PORTAL
    assert row.denied_by.user == people["chief"] and row.denied_at == r.decided_at
    assert row.due_on == clocks.reconsideration_due(row.requested_at)
    doc = r.documents.get(kind=Document.Kind.RECONSIDERATION)
    event = CaseEvent.objects.filter(request=r, transition="request_reconsideration").get()
    assert event.from_state == Status.DECLINED and event.to_state == Status.RECONSIDERATION
    assert event.data["reconsideration"] == row.pk
    assert event.data["documents"] == [{"document": doc.pk, "sha256": doc.sha256}]
    letter = IssuedLetter.objects.get(request=r, kind="reconsideration_ack")
    assert event.data["letter"] == letter.pk


def test_reasons_are_required_and_nothing_is_half_done(denied, people):
    with pytest.raises(ValidationError):
        ask(denied, people["advocate"], reasons="  ")
    denied.refresh_from_db()
    assert denied.status == Status.DECLINED and not Reconsideration.objects.exists()


def test_a_hostile_file_is_refused_and_nothing_is_kept(denied, people):
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        ask(denied, people["advocate"], uploads=[fake])
    denied.refresh_from_db()
    assert denied.status == Status.DECLINED
    assert not Reconsideration.objects.exists() and not denied.documents.exists()


@pytest.mark.parametrize("persona", ["coordinator", "detective", "chief", "auditor"])
def test_only_the_requester_asks_on_a_portal_request(denied, people, persona):
    with pytest.raises(PermissionDenied):
        ask(denied, people[persona])
    denied.refresh_from_db()
    assert denied.status == Status.DECLINED


def test_the_other_organisation_may_not_ask(denied, people):
    with pytest.raises(PermissionDenied):
        ask(denied, people["other_advocate"])


@pytest.mark.parametrize(
    "status", [Status.CHIEF_DECISION, Status.CERTIFIED, Status.WITHDRAWN, Status.RECEIVED]
)
def test_only_a_denied_request_is_reconsidered(make_request, people, status):
    r = make_request(status)
    with pytest.raises(errors.TransitionRefused, match="not possible"):
        ask(r, people["advocate"])
    assert not Reconsideration.objects.exists()


def mailed_denial(make_request, people):
    """A request received by mail (no portal organisation), then denied."""
    r = make_request(Status.CHIEF_DECISION, organization=None, advocate=None)
    IntakeRecord.objects.create(
        request=r,
        channel="mail",
        received_on=timezone.localdate(),
        requester_name="Ana Pereira, Esq.",
        requester_address="10 Main Street\nMedford MA 02155",
        recorded_by=people["coordinator"],
    )
    r = services.request_decline(request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL)
    return r


def test_the_coordinator_records_one_received_by_mail(make_request, people):
    r = mailed_denial(make_request, people)
    with pytest.raises(ValidationError):
        ask(r, people["coordinator"])  # how it came is required
    r = ask(r, people["coordinator"], channel="mail")
    assert Reconsideration.objects.get(request=r).channel == "mail"
    assert r.status == Status.RECONSIDERATION


# --- deciding ---


def test_the_official_who_denied_is_refused_where_another_may_decide(denied, people, deputy):
    r = ask(denied, people["advocate"])
    with pytest.raises(errors.TransitionRefused, match="Grace Okafor"):
        services.request_decline(request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL)
    with pytest.raises(errors.TransitionRefused, match="another certifying official"):
        issuing.request_certify(request=r, actor=people["chief"])
    r.refresh_from_db()
    assert r.status == Status.RECONSIDERATION
    assert Reconsideration.objects.get(request=r).outcome == ""


def test_another_official_grants_it_on_the_usual_certify_and_ink_path(denied, people, deputy):
    r = ask(denied, people["advocate"])
    r = issuing.request_certify(request=r, actor=deputy)
    assert r.status == Status.AWAITING_INK
    assert r.certifying_official.user == deputy
    row = Reconsideration.objects.get(request=r)
    assert row.outcome == "granted" and row.decided_by.user == deputy and not row.same_official
    event = CaseEvent.objects.get(request=r, transition="certify")
    assert event.data["reconsideration_outcome"] == "granted"
    assert event.data["same_official_alone"] is False
    assert IssuedLetter.objects.filter(request=r, kind="reconsideration_decision").count() == 1


def test_another_official_declines_again_with_a_new_written_denial(denied, people, deputy):
    r = ask(denied, people["advocate"])
    r = services.request_decline(request=r, actor=deputy, reason=DeclineReason.NOT_HELPFUL)
    assert r.status == Status.DECLINED
    assert Reconsideration.objects.get(request=r).outcome == "denied"
    assert IssuedLetter.objects.filter(request=r, kind="denial").count() == 2
    assert IssuedLetter.objects.filter(request=r, kind="reconsideration_decision").count() == 1


def test_the_only_official_may_decide_and_the_audit_says_so(denied, people):
    r = ask(denied, people["advocate"])
    r = services.request_decline(request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL)
    row = Reconsideration.objects.get(request=r)
    assert row.outcome == "denied" and row.same_official
    event = CaseEvent.objects.filter(request=r, transition="decline").latest("pk")
    assert event.data["same_official_alone"] is True


@pytest.mark.parametrize("persona", ["advocate", "coordinator", "detective", "undesignated_chief"])
def test_only_a_certifying_official_decides(denied, people, persona):
    r = ask(denied, people["advocate"])
    with pytest.raises(PermissionDenied):
        services.request_decline(request=r, actor=people[persona], reason=DeclineReason.NOT_HELPFUL)


# --- letters read back ---


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_letters_read_back(denied, people, deputy):
    r = ask(denied, people["advocate"])
    row = Reconsideration.objects.get(request=r)
    ack = pdf_text(letter_bytes(IssuedLetter.objects.get(request=r, kind="reconsideration_ack")))
    assert "Acknowledgement of your request for reconsideration" in ack
    assert r.reference in ack
    assert f"no later than {row.due_on:%B} {row.due_on.day}, {row.due_on.year}" in ack
    r = services.request_decline(request=r, actor=deputy, reason=DeclineReason.NOT_HELPFUL)
    outcome = pdf_text(
        letter_bytes(IssuedLetter.objects.get(request=r, kind="reconsideration_decision"))
    )
    assert "Decision on your request for reconsideration" in outcome
    assert "after reconsideration, the department does not certify" in outcome
    assert "grants the reconsideration" not in outcome


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.parametrize(
    "language, ack_words, outcome_words, form_words",
    [
        (
            "es",
            "Acuse de recibo de su solicitud de reconsideración",
            "acepta la reconsideración",
            "Formulario I-918, Suplemento B",
        ),
        (
            "pt",
            "pedido de reconsideração",
            "aceita a reconsideração",
            "Formulário I-918, Suplemento B",
        ),
        (
            "ht",
            "demann rekonsiderasyon ou a",
            "aksepte rekonsiderasyon an",
            "Fòm I-918, Sipleman B",
        ),
    ],
)
def test_the_letters_are_made_in_the_letter_language_with_the_english(
    make_request, people, deputy, language, ack_words, outcome_words, form_words
):
    r = make_request(Status.CHIEF_DECISION, preferred_language=language)
    r = services.request_decline(request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL)
    r = ask(r, people["advocate"])
    ack = IssuedLetter.objects.get(request=r, kind="reconsideration_ack")
    assert ack.language == language and not ack.translation_reviewed
    text = pdf_text(letter_bytes(ack))
    assert ack_words in text and "Acknowledgement of your request for reconsideration" in text
    translated = text.partition("(English version)")[0]
    assert form_words in translated and "Form I-918" not in translated  # the form in her words
    r = issuing.request_certify(request=r, actor=deputy)
    outcome = IssuedLetter.objects.get(request=r, kind="reconsideration_decision")
    text = pdf_text(letter_bytes(outcome))
    assert outcome_words in text and "grants the reconsideration and will certify" in text
    assert form_words in text.partition("(English version)")[0]


# --- the page ---


def test_the_case_page_offers_it_and_the_step_posts(client, denied, people):
    sign_in(client, people["advocate"])
    page = client.get(denied.get_absolute_url()).content.decode()
    assert "Ask for reconsideration" in page
    url = reverse("request_transition", args=[denied.reference, "request_reconsideration"])
    response = client.post(url, {"request_reconsideration-reasons": REASONS})
    assert response.status_code == 302
    denied.refresh_from_db()
    assert denied.status == Status.RECONSIDERATION


def test_the_step_is_404_for_another_organisation(client, denied, people):
    sign_in(client, people["other_advocate"])
    url = reverse("request_transition", args=[denied.reference, "request_reconsideration"])
    assert client.post(url, {"request_reconsideration-reasons": REASONS}).status_code == 404
    denied.refresh_from_db()
    assert denied.status == Status.DECLINED


def test_a_stale_page_changes_nothing(denied, people):
    from cases.models import CertificationRequest

    stale = CertificationRequest.objects.get(pk=denied.pk)
    ask(denied, people["advocate"])
    with pytest.raises(errors.StaleRequest):
        ask(stale, people["advocate"])
    assert Reconsideration.objects.count() == 1


# --- the annual report ---


def test_the_annual_report_counts_reconsiderations(make_request, people, deputy):
    from cases.reporting.annual import build_annual_report

    def denied_request(year=2026):
        r = make_request(Status.CHIEF_DECISION, received_at=at(f"{year}-01-05 10:00"))
        return services.request_decline(
            request=r,
            actor=people["chief"],
            reason=DeclineReason.NOT_HELPFUL,
            at=at(f"{year}-01-15 10:00"),
        )

    granted = ask(denied_request(), people["advocate"], at=at("2026-02-02 10:00"))
    issuing.request_certify(request=granted, actor=deputy, at=at("2026-02-20 10:00"))
    refused = ask(denied_request(), people["advocate"], at=at("2026-03-02 10:00"))
    services.request_decline(
        request=refused, actor=deputy, reason=DeclineReason.NOT_HELPFUL, at=at("2026-03-10 10:00")
    )
    ask(denied_request(), people["advocate"], at=at("2026-06-01 10:00"))  # due 13 July
    ask(denied_request(), people["advocate"], at=at("2026-12-01 10:00"))  # not due yet
    # Asked in 2025 and still undecided: overdue in 2026.
    ask(denied_request(2025), people["advocate"], at=at("2025-12-01 10:00"))
    # Asked and withdrawn: neither decided nor overdue; the denial stands.
    withdrawn = ask(denied_request(), people["advocate"], at=at("2026-04-01 10:00"))
    request_withdraw_reconsideration(
        request=withdrawn, actor=people["advocate"], at=at("2026-04-03 10:00")
    )

    report = build_annual_report(2026, now=at("2026-12-07 12:00"))
    # The four of 2026 were answered by a denial on 15 January (c. 258F s. 3(ii)), whatever
    # their reconsideration decided since: granted, denied again or pending. The grant is
    # counted under the reconsiderations, not as a second answer.
    assert report.denied == 5
    assert report.signed == 0
    granted.refresh_from_db()
    assert granted.status == Status.AWAITING_INK
    assert clocks.answered_on(granted) == date(2026, 1, 15)
    assert report.reconsiderations == {
        "requested": 5,
        "granted": 1,
        "denied": 1,
        "withdrawn": 1,
        "overdue": 2,
    }
    lines = {
        line.label: line.value
        for section in report.sections()
        if section.title == "Reconsiderations of a denial"
        for line in section.lines
    }
    assert lines == {
        "Reconsiderations requested": 5,
        "  granted (certified)": 1,
        "  denied again": 1,
        "  withdrawn by the requester": 1,
        "Undecided past their clock on 12/07/2026": 2,
    }
    # Asked at the end of 2025, due in January 2026: overdue in 2025's report? Not yet then.
    assert build_annual_report(2025, now=at("2026-12-07 12:00")).reconsiderations == {
        "requested": 1,
        "granted": 0,
        "denied": 0,
        "withdrawn": 0,
        "overdue": 0,
    }


@pytest.mark.parametrize("persona", ["advocate", "coordinator", "chief", "auditor"])
def test_pages_show_a_request_under_reconsideration(client, denied, people, deputy, persona):
    r = ask(denied, people["advocate"])
    sign_in(client, people[persona])
    page = client.get(r.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reconsideration requested" in html
    assert "Acknowledgement of a request for reconsideration" in html  # the letter, to download
    assert client.get("/").status_code == 200
    if persona != "advocate":
        assert client.get("/requests/").status_code == 200


def test_the_step_message_gives_the_reconsideration_due_date(denied, people):
    from cases.presentation import progress_for, step_message

    r = ask(denied, people["advocate"])
    due = Reconsideration.objects.get(request=r).due_on
    message = step_message(r, "Ask for reconsideration")
    assert "for reconsideration of the denial" in message
    assert f"answer due by {due:%m/%d/%Y}" in message
    states = [step["state"] for step in progress_for(r)]
    assert "current" in states


# --- withdrawing the request for reconsideration ---


def test_the_requester_withdraws_and_the_denial_stands(denied, people):
    first_decided_at, official = denied.decided_at, denied.certifying_official
    r = ask(denied, people["advocate"])
    r = request_withdraw_reconsideration(
        request=r, actor=people["advocate"], reason="She moved to another state."
    )
    r.refresh_from_db()
    assert r.status == Status.DECLINED
    assert r.decided_at == first_decided_at and r.certifying_official == official
    assert clocks.answered_on(r) == timezone.localdate(first_decided_at)
    row = Reconsideration.objects.get(request=r)
    assert row.outcome == Reconsideration.Outcome.WITHDRAWN and row.decided_by is None
    event = CaseEvent.objects.get(request=r, transition="withdraw_reconsideration")
    assert event.from_state == Status.RECONSIDERATION and event.to_state == Status.DECLINED
    assert event.note == "She moved to another state." and event.data["reconsideration"] == row.pk
    # She may ask again later; the new row has its own clock.
    ask(r, people["advocate"])
    assert Reconsideration.objects.filter(request=r, outcome="").count() == 1


def test_withdrawing_is_refused_when_no_reconsideration_is_pending(denied, people):
    with pytest.raises(errors.TransitionRefused):
        request_withdraw_reconsideration(request=denied, actor=people["advocate"])
    assert not CaseEvent.objects.filter(transition="withdraw_reconsideration").exists()


def test_the_coordinator_withdraws_for_a_request_received_by_mail(make_request, people):
    r = mailed_denial(make_request, people)
    r = ask(r, people["coordinator"], channel=Reconsideration.Channel.MAIL)
    with pytest.raises(PermissionDenied):
        request_withdraw_reconsideration(request=r, actor=people["detective"])
    r = request_withdraw_reconsideration(request=r, actor=people["coordinator"], reason="Letter")
    assert r.status == Status.DECLINED


def test_withdrawing_through_the_page_is_404_for_another_organisation(client, denied, people):
    r = ask(denied, people["advocate"])
    url = reverse("request_transition", args=[r.reference, "withdraw_reconsideration"])
    sign_in(client, people["other_advocate"])
    assert client.post(url, {"withdraw_reconsideration-reason": "x"}).status_code == 404
    sign_in(client, people["advocate"])
    page = client.get(r.get_absolute_url())
    assert "Withdraw the request for reconsideration" in page.content.decode()
    response = client.post(url, {"withdraw_reconsideration-reason": "Moved."})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == Status.DECLINED
