"""The requester's language is a choice among the letter languages and decides every letter,
U and T; each letter is labelled with the language it is written in. A request recorded from
the mail or in person is acknowledged by an issued letter, dated the day it is issued, that
names whom the department will contact and how (c. 258F s. 3)."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases import issued_letters, services
from cases.lib.languages import language_code
from cases.models import CertificationRequest, FormType, IntakeRecord, IssuedLetter, Status
from cases.services import received
from cases.uscis.trafficking import Cooperation, TraffickingForm
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

T_FIELDS = {
    "form_type": FormType.T_VISA,
    "trafficking_forms": [TraffickingForm.DEBT_BONDAGE],
    "cooperation": Cooperation.COMPLIED,
    "cooperation_explanation": "Gave two interviews.",
}
LETTER_FIELDS = {
    "received_at": timezone.now() - timedelta(days=10),
    "decline_reason": "not_helpful",
    "delay_reason": "Records held by another agency.",
    "delay_process": "We asked for them.",
    "delay_projected_date": date(2030, 1, 31),
    "delay_issued_at": timezone.now(),
}
# What the translated letter (before the English attached) names: the form, per language.
FORM_NAMED = {
    ("en", "U"): "Form I-918, Supplement B",
    ("es", "U"): "Formulario I-918, Suplemento B",
    ("pt", "U"): "Formulário I-918, Suplemento B",
    ("ht", "U"): "Fòm I-918, Sipleman B",
    ("en", "T"): "Form I-914, Supplement B (Declaration for Trafficking Victim)",
    ("es", "T"): "Formulario I-914, Suplemento B (Declaración para Víctima de Trata)",
    ("pt", "T"): "Formulário I-914, Suplemento B (Declaração para Vítima de Tráfico)",
    ("ht", "T"): "Fòm I-914, Sipleman B (Deklarasyon pou Viktim Trafik Moun)",
}
LABELS = {
    "en": "English",
    "es": "Spanish (Español)",
    "pt": "Portuguese (Português)",
    "ht": "Haitian Creole (Kreyòl ayisyen)",
}


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def written_part(pdf: bytes, language: str) -> str:
    """The letter in its language: the text before the English attached after a translation."""
    text = pdf_text(pdf)
    if language == "en":
        assert "(English version)" not in text
        return text
    translated, marker, english = text.partition("(English version)")
    assert marker and english.strip(), "the English letter is attached"
    return translated


@pytest.mark.parametrize(
    "text, code",
    [
        ("Spanish", "es"),
        ("español", "es"),
        ("ES", "es"),
        ("Spanish (Español)", "es"),
        ("portuguese", "pt"),
        ("Português (Brasil)", "pt"),
        ("pt-BR", "pt"),
        ("Haitian Creole", "ht"),
        ("Kreyòl", "ht"),
        ("creole", "ht"),
        ("English", "en"),
        ("", None),
        ("Cape Verdean Creole", None),  # Kriolu: not a letter language
        ("Tigrinya", None),
        ("Spanish or Portuguese", None),  # two: nobody can tell which
    ],
)
def test_free_text_reads_as_a_letter_language_or_none(text, code):
    assert language_code(text) == code


@pytest.mark.parametrize("form", ["U", "T"])
@pytest.mark.parametrize("language", ["en", "es", "pt", "ht"])
@pytest.mark.parametrize("kind", ["acknowledgement", "denial", "delay"])
def test_every_letter_goes_in_the_chosen_language_and_says_so(make_request, kind, language, form):
    extra = T_FIELDS if form == "T" else {}
    reference = (
        f"MPD-{'TV' if form == 'T' else 'UV'}-1999-{CertificationRequest.objects.count() + 1:04d}"
    )
    r = make_request(
        Status.DECLINED if kind == "denial" else Status.CRIME_CHECK,
        reference=reference,
        preferred_language=language,
        **LETTER_FIELDS,
        **extra,
    )
    letter = issued_letters.issue_letter(r, kind, actor=None, at=timezone.now())
    assert letter.language == language and letter.get_language_display() == LABELS[language]
    own = written_part(issued_letters.letter_bytes(letter), language)
    assert FORM_NAMED[(language, form)] in own
    other = "I-918" if form == "T" else "I-914"
    assert other not in pdf_text(issued_letters.letter_bytes(letter))
    # A translation is printed "to be reviewed" until reviewed; the T translations are files
    # the department does not mark, so they stay unreviewed.
    assert letter.translation_reviewed == (language == "en")


def test_the_notice_to_uscis_is_english_and_labelled_english(make_request, people):
    from tests.conftest import record_ink

    r = make_request(Status.CHIEF_DECISION, preferred_language="es")
    from cases.documents import issuing

    r = issuing.request_certify(request=r, actor=people["chief"])
    r = record_ink(r, people["coordinator"])
    r = services.request_withdraw_certification(
        request=r, actor=people["chief"], reason="The victim refused further contact."
    )
    letter = IssuedLetter.objects.get(request=r, kind="uscis_withdrawal")
    assert letter.language == "en"
    assert "(English version)" not in pdf_text(issued_letters.letter_bytes(letter))


def test_the_submitted_portal_request_is_acknowledged_in_its_language(make_request, people):
    r = make_request(Status.DRAFT, preferred_language="pt", **T_FIELDS)
    r = services.request_submit(request=r, actor=people["advocate"])
    letter = IssuedLetter.objects.get(request=r, kind="acknowledgement")
    assert letter.language == "pt"
    assert "Aviso de recebimento do seu pedido de declaração para visto T" in pdf_text(
        issued_letters.letter_bytes(letter)
    )


# --- Record a request: the language is a choice, the acknowledgement an issued letter ---

FORM = {
    "channel": "mail",
    "late_entry_reason": "Routed to the records unit first.",
    "requester_name": "Rosa Silva",
    "requester_address": "12 Main St\nMedford MA 02155",
    "family_name": "Silva",
    "given_name": "Rosa",
    "incident_date": "2025-11-02",
    "requester_capacity": "victim",
    "victim_sharing_consent": "given",
}


def test_record_a_request_offers_the_letter_languages_and_refuses_others(client, people):
    sign_in(client, people["coordinator"])
    page = client.get("/requests/intake/").content.decode()
    for code, label in LABELS.items():
        assert f'<option value="{code}"' in page and label in page
    received_on = (timezone.localdate() - timedelta(days=10)).isoformat()
    response = client.post(
        "/requests/intake/", {**FORM, "received_on": received_on, "requester_language": "Klingon"}
    )
    assert response.status_code == 400
    assert not CertificationRequest.objects.exists()


def test_a_mailed_request_is_acknowledged_today_in_spanish_naming_the_postal_address(
    client, people
):
    sign_in(client, people["coordinator"])
    received_on = timezone.localdate() - timedelta(days=10)
    response = client.post(
        "/requests/intake/",
        {**FORM, "received_on": received_on.isoformat(), "requester_language": "es"},
        follow=True,
    )
    assert response.status_code == 200
    r = CertificationRequest.objects.get()
    assert r.preferred_language == "es"
    letter = IssuedLetter.objects.get(request=r)
    # Issued on the day it is written, not the day of receipt; stored with its SHA-256.
    assert letter.kind == "acknowledgement" and letter.dated == timezone.localdate()
    assert letter.language == "es" and len(letter.sha256) == 64
    text = pdf_text(issued_letters.letter_bytes(letter))
    own = written_part(issued_letters.letter_bytes(letter), "es")
    assert (
        "nos comunicaremos con Rosa Silva por correo postal en 12 Main St, Medford MA 02155" in own
    )
    assert "we will contact Rosa Silva by mail at 12 Main St, Medford MA 02155." in text
    assert "contact ." not in text and "con ." not in text
    # The case page lists it like every issued letter: language, SHA-256, Record delivery.
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Spanish (Español)" in page and letter.sha256[:10] in page
    assert f"/letters/{letter.pk}/delivery/" in page or "Record delivery" in page


def recorded(people, agency, requester, given_name, channel="mail", **values):
    return received.intake_record(
        actor=people["coordinator"],
        agency=agency,
        channel=channel,
        received_on=timezone.localdate(),
        requester=requester,
        values={
            "family_name": "Silva",
            "given_name": given_name,
            "incident_date": date(2025, 11, 2),
            **values,
        },
    )


def test_an_emailed_request_names_the_email_and_a_walk_in_without_either_says_in_person(
    agency, people
):
    requester = {"requester_name": "Joana Pereira", "requester_email": "joana@example.org"}
    r = recorded(people, agency, requester, "Rosa", channel="email", preferred_language="ht")
    letter = IssuedLetter.objects.get(request=r)
    own = written_part(issued_letters.letter_bytes(letter), "ht")
    assert "n ap kontakte Joana Pereira pa imel nan joana@example.org" in own
    # The requester's phone only (the postal address removed later): named as the way to call.
    record = IntakeRecord.objects.get(request=r)
    record.requester_email, record.requester_phone = "", "781-555-0100"
    record.save()
    assert received.requester_contact(r) == ("Joana Pereira", "phone", "781-555-0100")
    record.requester_phone = ""
    record.save()
    assert received.requester_contact(r) == ("Joana Pereira", "in_person", "")


# --- the data migration: free text to the choice ---


@pytest.mark.django_db(transaction=True)
def test_the_migration_reads_free_text_and_keeps_unknowns_as_english_with_a_note(agency, people):
    texts = ["español", "Portuguese", "Kreyòl", "Tigrinya", ""]
    requester = {"requester_name": "R", "requester_address": "1 Main St"}
    requests = [recorded(people, agency, requester, t or "B") for t in texts]
    # A T acknowledgement in English that the earlier code labelled with the request's language.
    t_request = recorded(people, agency, requester, "T", form_type="I-914B")
    executor = MigrationExecutor(connection)
    before, after = (
        [("cases", "0032_outbound_mail")],
        [("cases", "0033_intake_language_choice")],
    )
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("cases", "IntakeRecord")
    for r, text in zip(requests, texts, strict=True):
        old.objects.filter(request_id=r.pk).update(requester_language=text)
    old_letter = executor.loader.project_state(before).apps.get_model("cases", "IssuedLetter")
    old_letter.objects.filter(request_id=t_request.pk).update(language="es")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    # Back to the newest schema before the models of this code read the rows (and for the
    # tests that follow in this process).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    got = {
        text: (
            CertificationRequest.objects.get(pk=r.pk).preferred_language,
            IntakeRecord.objects.get(request_id=r.pk).language_note,
        )
        for r, text in zip(requests, texts, strict=True)
    }
    assert got["español"] == ("es", "")
    assert got["Portuguese"] == ("pt", "")
    assert got["Kreyòl"] == ("ht", "")
    assert got[""] == ("en", "")
    t_letter = IssuedLetter.objects.get(request=t_request)
    assert t_letter.language == "en"
    assert "(English version)" not in pdf_text(issued_letters.letter_bytes(t_letter))
    language, note = got["Tigrinya"]
    assert language == "en" and '"Tigrinya"' in note and "English" in note


def test_the_portal_form_offers_the_letter_languages_only(client, people):
    sign_in(client, people["advocate"])
    page = client.get("/requests/new/").content.decode()
    select = page[page.index('name="preferred_language"') :]
    select = select[: select.index("</select>")]
    assert select.count("<option") == 4 and 'value=""' not in select
    assert '<option value="en" selected>' in select


def test_a_letter_from_before_letters_were_stored_is_rendered_in_the_chosen_language(
    client, make_request, people
):
    r = make_request(Status.DECLINED, preferred_language="es", **LETTER_FIELDS)
    assert not IssuedLetter.objects.filter(request=r).exists()
    sign_in(client, people["coordinator"])
    response = client.get(f"/requests/{r.reference}/letters/denial.pdf")
    assert response.status_code == 200
    own = written_part(response.content, "es")
    assert "Denegación por escrito sin perjuicio de una nueva solicitud" in own
