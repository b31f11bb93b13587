"""Letters issued once at their event, stored and downloaded identically; delivery records;
the denial's and the withdrawal notice's content; letters in the requester's language."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import issued_letters, services
from cases.documents import letters
from cases.lib.crypto import decrypt_file_bytes
from cases.models import (
    CaseEvent,
    DeclineReason,
    IssuedLetter,
    LetterDelivery,
    LetterTemplate,
    Status,
)
from tests.conftest import at, sign_in

pytestmark = pytest.mark.django_db
D = at("2026-10-24 15:30")  # the decision's moment


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def contact(settings):
    settings.UVISA_LETTER_CONTACT = {
        "name": "Sgt. Ana Ribeiro",
        "title": "U-visa certification coordinator",
        "phone": "781-555-0142",
        "email": "uvisa@police.example.gov",
    }
    settings.UVISA_OTHER_CERTIFIERS = ["Middlesex District Attorney's Office", "the trial courts"]
    settings.UVISA_USCIS_WITHDRAWAL_ADDRESS = [
        "U.S. Citizenship and Immigration Services",
        "Vermont Service Center",
        "38 River Road",
        "Essex Junction, VT 05479-0001",
    ]


def decline(make_request, people, **fields):
    fields.setdefault("received_at", at("2026-08-03 09:00"))
    r = make_request(Status.CHIEF_DECISION, **fields)
    services.request_decline(
        request=r,
        actor=people["chief"],
        reason=DeclineReason.NOT_HELPFUL,
        note="No contact after three attempts.",
        at=D,
    )
    r.refresh_from_db()
    return r


def test_a_denial_decided_on_d_reads_d_and_downloads_byte_for_byte(
    client, make_request, people, contact
):
    r = decline(make_request, people)
    letter = IssuedLetter.objects.get(request=r, kind="denial")
    assert letter.dated == dt.date(2026, 10, 24) and timezone.localdate() > letter.dated
    assert not bytes(letter.pdf).startswith(b"%PDF")  # stored encrypted
    sign_in(client, people["advocate"])
    first = client.get(reverse("letter_pdf", args=[r.reference, "denial"])).content
    second = client.get(reverse("issued_letter_pdf", args=[r.reference, letter.pk])).content
    assert first == second == decrypt_file_bytes(bytes(letter.pdf))
    assert hashlib.sha256(first).hexdigest() == letter.sha256
    assert "October 24, 2026" in text_of(first)
    today = timezone.localdate()
    assert f"{today:%B} {today.day}, {today.year}" not in text_of(first)
    event = CaseEvent.objects.get(request=r, transition="decline")
    assert (
        event.data["letter_sha256"] == letter.sha256 and event.data["letter_dated"] == "2026-10-24"
    )
    # The wording changes afterwards: the issued letter does not.
    LetterTemplate.objects.create(kind="denial", subject="New", body="New wording {{ reference }}")
    assert client.get(reverse("letter_pdf", args=[r.reference, "denial"])).content == first


def test_a_letter_altered_in_storage_is_refused(make_request, people):
    r = decline(make_request, people)
    letter = IssuedLetter.objects.get(request=r, kind="denial")
    IssuedLetter.objects.filter(pk=letter.pk).update(sha256="0" * 64)
    letter.refresh_from_db()
    with pytest.raises(ValueError):
        issued_letters.letter_bytes(letter)
    with pytest.raises(ValueError):
        letter.save()


def test_the_denial_says_whom_to_contact_and_what_is_not_affected(make_request, people, contact):
    r = decline(make_request, people)
    text = text_of(issued_letters.letter_bytes(IssuedLetter.objects.get(request=r)))
    assert 'policy criterion "No helpfulness, past, present or likely"' in text
    assert "without prejudice" in text and "new information" in text and "ask again" in text
    assert "Sgt. Ana Ribeiro, U-visa certification coordinator" in text
    assert "781-555-0142" in text and "uvisa@police.example.gov" in text
    assert "Middlesex District Attorney's Office; the trial courts" in text
    assert "does not affect the victim services" in text and "the criminal case" in text


def test_every_event_issues_its_letter(make_request, people):
    draft = make_request(Status.DRAFT)
    services.request_submit(request=draft, actor=people["advocate"], at=at("2026-09-01 10:00"))
    ack = IssuedLetter.objects.get(request=draft, kind="acknowledgement")
    assert ack.dated == dt.date(2026, 9, 1) and ack.issued_by == people["advocate"]


@pytest.mark.parametrize(
    "kind, words",
    [
        ("withdraw", "that it withdraws the Form I-918"),
        ("disavow", "that it disavows, in writing, the contents"),
    ],
)
def test_the_notice_to_uscis(certify_and_ink, people, contact, kind, words):
    r = certify_and_ink()
    services.request_withdraw_certification(
        request=r,
        actor=people["chief"],
        reason="Refused to testify.",
        kind=kind,
        receipt_number="eac 2190012345",
    )
    r.refresh_from_db()
    assert r.uscis_receipt_number == "EAC2190012345"
    text = text_of(issued_letters.letter_bytes(IssuedLetter.objects.get(request=r)))
    assert words in text and "214.14(h)(2)(i)(A)" in text
    assert "38 River Road" in text and "Essex Junction, VT 05479-0001" in text
    assert "USCIS receipt number: EAC2190012345" in text
    assert "A copy of this notice is sent to the requester" in text
    assert "cc: María García, c/o Organisation A" in text
    other = {"withdraw": "disavows", "disavow": "that it withdraws the Form"}[kind]
    assert other not in text


@pytest.mark.parametrize("receipt, kind", [("123", "withdraw"), ("EAC2190012345", "revoke")])
def test_a_bad_receipt_number_or_kind_is_refused(certify_and_ink, people, receipt, kind):
    r = certify_and_ink()
    with pytest.raises(ValidationError):
        services.request_withdraw_certification(
            request=r, actor=people["chief"], reason="x", kind=kind, receipt_number=receipt
        )
    r.refresh_from_db()
    assert r.status == Status.CERTIFIED and not IssuedLetter.objects.filter(request=r).exists()


LANGUAGES = {
    "es": (
        "Denegación por escrito sin perjuicio de una nueva solicitud",
        "Traducción pendiente de revisión",
        "Versión en inglés",
    ),
    "pt": (
        "Indeferimento por escrito sem prejuízo de novo pedido",
        "Tradução a ser revista",
        "Versão em inglês",
    ),
    "ht": (
        "Refi alekri, san sa pa anpeche ou fè yon nouvo demann",
        "Tradiksyon sa a poko revize pa yon tradiktè kalifye",
        "Vèsyon angle",
    ),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_language_renders_with_the_english_attached(make_request, people, language, artifacts):
    r = decline(make_request, people, preferred_language=language, given_name="José Thérèse")
    letter = IssuedLetter.objects.get(request=r)
    pdf = issued_letters.letter_bytes(letter)
    (artifacts / f"letter-denial-{language}.pdf").write_bytes(pdf)
    text = text_of(pdf)
    subject, banner, attached = LANGUAGES[language]
    assert subject in text and banner in text and attached in text
    assert "José Thérèse García" in text
    assert "Written denial without prejudice" in text  # the English letter, attached
    assert letter.language == language and not letter.translation_reviewed
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2


def test_a_reviewed_translation_loses_its_mark_until_it_is_changed(make_request, people):
    subject, body = letters.wording("denial", "ht")
    row = LetterTemplate.objects.create(
        kind="denial",
        language="ht",
        subject=subject,
        body=body,
        reviewed_sha256=letters.wording_digest(subject, body),
        reviewed_by="Certified translator",
    )
    assert letters.translation_reviewed("denial", "ht")
    r = decline(make_request, people, preferred_language="ht")
    letter = IssuedLetter.objects.get(request=r)
    text = text_of(issued_letters.letter_bytes(letter))
    assert letter.translation_reviewed and "poko revize" not in text
    row.body += "\n\nYon fraz anplis."
    row.save()
    assert not letters.translation_reviewed("denial", "ht")


def test_letter_values_are_plain_named_values(make_request, people):
    r = decline(make_request, people)
    values = letters.letter_values(r, dated=dt.date(2026, 10, 24))

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        return value is None or isinstance(value, str | int | float | bool | dt.date)

    assert plain(values)
    assert values["reference"] == r.reference and values["dated"] == dt.date(2026, 10, 24)


def test_delivery_is_recorded_and_shown(client, make_request, people):
    r = decline(make_request, people)
    letter = IssuedLetter.objects.get(request=r)
    sign_in(client, people["coordinator"])
    url = reverse("letter_delivery_record", args=[r.reference, letter.pk])
    prefix = f"delivery-{letter.pk}"
    response = client.post(
        url,
        {
            f"{prefix}-method": "mail",
            f"{prefix}-delivered_on": "2026-10-26",
            f"{prefix}-recipient": "Organisation A, by first-class mail",
        },
    )
    assert response.status_code == 302
    delivery = LetterDelivery.objects.get()
    assert (delivery.method, delivery.delivered_on) == ("mail", dt.date(2026, 10, 26))
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Letters issued" in page and "10/24/2026" in page and "Mail 10/26/2026" in page
    assert CaseEvent.objects.filter(request=r, data__delivery=delivery.pk).exists()


@pytest.mark.parametrize(
    "who, method, on, recipient, error",
    [
        ("advocate", "mail", "2026-10-26", "Org A", PermissionDenied),
        ("auditor", "mail", "2026-10-26", "Org A", PermissionDenied),
        ("coordinator", "pigeon", "2026-10-26", "Org A", ValidationError),
        ("coordinator", "email", "2026-10-20", "Org A", ValidationError),  # before it was dated
        ("coordinator", "email", "2999-01-01", "Org A", ValidationError),  # future
        ("coordinator", "hand", "2026-10-26", "  ", ValidationError),
    ],
)
def test_bad_deliveries_are_refused(make_request, people, who, method, on, recipient, error):
    r = decline(make_request, people)
    letter = IssuedLetter.objects.get(request=r)
    with pytest.raises(error):
        issued_letters.record_delivery(
            letter=letter,
            actor=people[who],
            method=method,
            delivered_on=dt.date.fromisoformat(on),
            recipient=recipient,
        )
    assert not LetterDelivery.objects.exists()


def test_the_advocate_cannot_post_a_delivery(client, make_request, people):
    r = decline(make_request, people)
    letter = IssuedLetter.objects.get(request=r)
    sign_in(client, people["advocate"])
    url = reverse("letter_delivery_record", args=[r.reference, letter.pk])
    assert client.post(url, {}).status_code == 403
    sign_in(client, people["other_advocate"])
    assert (
        client.get(reverse("issued_letter_pdf", args=[r.reference, letter.pk])).status_code == 404
    )


DATE_LINES = {  # the decision of 10/24/2026, written in each language
    "es": ("24 de octubre de 2026", "Asunto:", "No hubo, no hay ni es probable que haya ayuda"),
    "pt": ("24 de outubro de 2026", "Assunto:", "Não houve, não há nem é provável que haja ajuda"),
    "ht": ("24 oktòb 2026", "Sijè:", "Pa t gen èd, pa gen èd kounye a"),
}


@pytest.mark.parametrize("language", sorted(DATE_LINES))
def test_a_translated_letter_dates_and_names_the_reason_in_its_language(
    make_request, people, language
):
    r = decline(make_request, people, preferred_language=language)
    text = text_of(issued_letters.letter_bytes(IssuedLetter.objects.get(request=r)))
    translated, english = text.split(letters.ENGLISH_ATTACHED[language], 1)
    date_line, regarding, reason = DATE_LINES[language]
    assert date_line in translated and regarding in translated and reason in translated
    assert "October 24, 2026" not in translated and "Re:" not in translated
    assert "No helpfulness, past, present or likely" not in translated
    assert "August 3, 2026" not in translated  # the received date is written out too
    # The English attached keeps the English date line and criterion.
    assert "October 24, 2026" in english and "No helpfulness, past, present or likely" in english


def test_a_translated_denial_quotes_the_policy_clause_in_force(make_request, people, agency):
    from cases import policy

    policy.policy_adopt(
        actor=people["chief"],
        agency=agency,
        title="Medford Police U/T certification policy",
        preamble="How the department answers requests.",
        effective_on=dt.date(2026, 1, 1),
        clauses=policy.parse_clauses(
            "1. [not_helpful] No helpfulness\nThe victim has not been helpful to this department."
        ),
    )
    r = decline(make_request, people, preferred_language="es")
    text = text_of(issued_letters.letter_bytes(IssuedLetter.objects.get(request=r)))
    translated = text.split(letters.ENGLISH_ATTACHED["es"], 1)[0]
    assert "cláusula 1, No helpfulness" in translated
    assert '"The victim has not been helpful to this department."' in translated
    assert "1 de enero de 2026" in translated
