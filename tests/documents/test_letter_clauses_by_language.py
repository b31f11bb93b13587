"""Every letter type in every letter language, read back from the PDF with pdftotext: the
heading, the sentence that states the answer date and why, and the policy clause quoted in the
letter's language when a reviewed translation exists, or the plain sentence saying none exists
yet, with the English quoted (c. 258F s. 3, 3(ii), 3(iii))."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import policy, services
from cases.documents import letters
from cases.models import DeclineReason, PolicyClauseTranslation, Status
from tests.conftest import at, sign_in

pytestmark = pytest.mark.django_db

RECEIVED = at("2026-08-03 09:00")
CLAUSE_EN = "The victim has not been helpful to this department."
CLAUSE_ES = ("Sin colaboración", "La víctima no ha colaborado con este departamento.")

HEADINGS = {"en": "Re:", "es": "Asunto:", "pt": "Assunto:", "ht": "Sijè:"}
DUE = {  # 90 days from August 3, 2026
    "en": "November 1, 2026",
    "es": "1 de noviembre de 2026",
    "pt": "1 de novembro de 2026",
    "ht": "1 novanm 2026",
}
ORDINARY = {
    "en": "This date is 90 days after the department received the request",
    "es": "Esta fecha es 90 días después de que el departamento recibió la solicitud",
    "pt": "Esta data é 90 dias depois de o departamento receber o pedido",
    "ht": "Dat sa a se 90 jou apre depatman an te resevwa demann nan",
}
NO_CLAUSE_TRANSLATION = {
    "pt": "Ainda não existe uma tradução revista desta cláusula da política",
    "ht": "Poko gen yon tradiksyon revize pou atik politik sa a",
    "es": "Todavía no existe una traducción revisada de esta cláusula de la política",
}
NO_DELAY_TRANSLATION = {
    "es": "Todavía no existe una traducción revisada del motivo ni del proceso",
    "pt": "Ainda não existe uma tradução revista do motivo nem do processo",
    "ht": "Poko gen yon tradiksyon revize pou rezon an ak pwosesis",
}
DELAY_SENT = {
    "en": "The department sent a notice of delay on",
    "es": "El departamento envió un aviso de demora el",
    "pt": "O departamento enviou um aviso de atraso em",
    "ht": "Depatman an te voye yon avi reta nan dat",
}


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def own_language(text: str, language: str) -> str:
    """The letter in its language, without the English version attached after it."""
    if language == "en":
        return text
    marker = " ".join(letters.ENGLISH_ATTACHED[language].split())
    assert marker in text
    return text.split(marker, 1)[0]


@pytest.fixture
def policy_in_force(people, agency):
    version = policy.policy_adopt(
        actor=people["chief"],
        agency=agency,
        title="Medford Police U/T certification policy",
        preamble="How the department answers requests.",
        effective_on=dt.date(2026, 1, 1),
        clauses=policy.parse_clauses(f"1. [not_helpful] No helpfulness\n{CLAUSE_EN}"),
    )
    clause = version.clauses.get()
    policy.record_clause_translation(
        actor=people["chief"],
        clause=clause,
        language="es",
        heading=CLAUSE_ES[0],
        text=CLAUSE_ES[1],
        reviewer_name="Ana Ruiz, certified translator",
        reviewed_on=dt.date(2026, 2, 1),
    )
    return version


def declined(make_request, people, language):
    r = make_request(Status.CHIEF_DECISION, received_at=RECEIVED, preferred_language=language)
    services.request_decline(
        request=r,
        actor=people["chief"],
        reason=DeclineReason.NOT_HELPFUL,
        note="",
        at=at("2026-10-24 15:30"),
    )
    r.refresh_from_db()
    return r


@pytest.mark.parametrize("language", ["en", "es", "pt", "ht"])
def test_the_acknowledgement_states_the_date_and_why(make_request, language):
    r = make_request(Status.RECEIVED, received_at=RECEIVED, preferred_language=language)
    pdf = letters.render_letter_pdf(
        r, "acknowledgement", language=language, dated=dt.date(2026, 8, 4)
    )
    text = own_language(pdf_text(pdf), language)
    assert HEADINGS[language] in text and DUE[language] in text
    assert ORDINARY[language] in text


@pytest.mark.parametrize("language", ["en", "es", "pt", "ht"])
def test_the_denial_quotes_the_clause_in_its_language_or_says_none_is_reviewed(
    make_request, people, policy_in_force, language
):
    r = declined(make_request, people, language)
    pdf = letters.render_letter_pdf(r, "denial", language=language, dated=dt.date(2026, 10, 24))
    full = pdf_text(pdf)
    text = own_language(full, language)
    assert HEADINGS[language] in text
    if language == "en":
        assert f'"{CLAUSE_EN}"' in text and "No helpfulness" in text
    elif language == "es":
        assert f"cláusula 1, {CLAUSE_ES[0]}" in text and f'"{CLAUSE_ES[1]}"' in text
        assert (
            "traducción revisada por Ana Ruiz, certified translator el 1 de febrero de 2026" in text
        )
        assert CLAUSE_EN not in text and NO_CLAUSE_TRANSLATION["es"] not in text
    else:
        assert NO_CLAUSE_TRANSLATION[language] in text and f'"{CLAUSE_EN}"' in text
    if language != "en":  # the English letter is attached and quotes the English clause
        assert (
            f'"{CLAUSE_EN}"' in full.split(" ".join(letters.ENGLISH_ATTACHED[language].split()))[1]
        )


@pytest.mark.parametrize("language", ["en", "es", "pt", "ht"])
def test_the_delay_notice_states_the_projected_date_and_quotes_the_reason(
    make_request, people, language
):
    r = make_request(Status.CRIME_CHECK, received_at=RECEIVED, preferred_language=language)
    services.request_issue_delay_notice(
        request=r,
        actor=people["coordinator"],
        reason="The report is held by the District Attorney.",
        process="We asked the DA for a copy.",
        projected_date=dt.date(2026, 12, 15),
        at=at("2026-10-20 10:00"),
    )
    r.refresh_from_db()
    pdf = letters.render_letter_pdf(r, "delay", language=language, dated=dt.date(2026, 10, 20))
    text = own_language(pdf_text(pdf), language)
    assert HEADINGS[language] in text
    assert "The report is held by the District Attorney." in text
    projected = {
        "en": "December 15, 2026",
        "es": "15 de diciembre de 2026",
        "pt": "15 de dezembro de 2026",
        "ht": "15 desanm 2026",
    }[language]
    assert projected in text
    if language != "en":
        assert NO_DELAY_TRANSLATION[language] in text


def test_a_translation_is_recorded_by_the_head_only_and_kept(people, policy_in_force):
    clause = policy_in_force.clauses.get()
    with pytest.raises(PermissionDenied):
        policy.record_clause_translation(
            actor=people["coordinator"],
            clause=clause,
            language="pt",
            heading="Sem colaboração",
            text="A vítima não colaborou.",
            reviewer_name="X",
            reviewed_on=dt.date(2026, 2, 1),
        )
    with pytest.raises(ValidationError) as refused:
        policy.record_clause_translation(
            actor=people["chief"],
            clause=clause,
            language="en",
            heading="",
            text="x",
            reviewer_name="",
            reviewed_on=dt.date(2999, 1, 1),
        )
    assert set(refused.value.message_dict) == {
        "language",
        "heading",
        "reviewer_name",
        "reviewed_on",
    }
    row = PolicyClauseTranslation.objects.get(clause=clause, language="es")
    with pytest.raises(ValueError):
        row.save()  # append-only: a correction is a new row
    assert row.recorded_by == people["chief"] and row.reviewed_on == dt.date(2026, 2, 1)


def test_the_translations_page(client, people, policy_in_force):
    url = reverse("policy_translations", args=[policy_in_force.number])
    sign_in(client, people["coordinator"])
    assert client.get(url).status_code == 403
    client.logout()
    sign_in(client, people["chief"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Ana Ruiz, certified translator" in page.content.decode()
    clause = policy_in_force.clauses.get()
    bad = client.post(url, {"clause": str(clause.pk), "language": "pt", "heading": ""})
    assert bad.status_code == 400
    done = client.post(
        url,
        {
            "clause": str(clause.pk),
            "language": "pt",
            "heading": "Sem colaboração",
            "text": "A vítima não colaborou com este departamento.",
            "reviewer_name": "João Lima, tradutor juramentado",
            "reviewed_on": "2026-03-01",
        },
    )
    assert done.status_code == 302
    assert policy.reviewed_translation(clause, "pt").reviewer_name.startswith("João Lima")


def test_the_delay_notice_quotes_a_reviewed_translation_of_its_reason_and_process(
    make_request, people
):
    from cases import issued_letters
    from cases.models import IssuedLetter

    r = make_request(Status.CRIME_CHECK, received_at=RECEIVED, preferred_language="es")
    services.request_issue_delay_notice(
        request=r,
        actor=people["coordinator"],
        reason="The report is held by the District Attorney.",
        process="We asked the DA for a copy.",
        projected_date=dt.date(2026, 12, 15),
        reason_translated="El informe lo tiene la Fiscalía del Distrito.",
        process_translated="Pedimos una copia a la Fiscalía.",
        translation_reviewer="Ana Ruiz, intérprete certificada",
        translation_reviewed_on=dt.date(2026, 10, 19),
        at=at("2026-10-20 10:00"),
    )
    (letter,) = IssuedLetter.objects.filter(request=r, kind="delay")
    text = pdf_text(issued_letters.letter_bytes(letter))
    own = own_language(text, "es")
    assert "El informe lo tiene la Fiscalía del Distrito." in own
    assert "Pedimos una copia a la Fiscalía." in own
    assert "revisada por Ana Ruiz, intérprete certificada el 19 de octubre de 2026" in own
    assert NO_DELAY_TRANSLATION["es"] not in own
    assert "The report is held by the District Attorney." not in own
    assert "The report is held by the District Attorney." in text  # the English attached


@pytest.mark.parametrize(
    "given",
    [
        {"reason_translated": "Motivo."},  # half a translation
        {
            "reason_translated": "Motivo.",
            "process_translated": "Proceso.",
            "translation_reviewer": "Ana Ruiz",
            "translation_reviewed_on": dt.date(2026, 10, 21),  # reviewed tomorrow
        },
    ],
)
def test_a_delay_translation_is_whole_and_reviewed_or_refused(make_request, people, given):
    from cases.models import DelayNotice

    r = make_request(Status.CRIME_CHECK, received_at=RECEIVED, preferred_language="es")
    with pytest.raises(ValidationError):
        services.request_issue_delay_notice(
            request=r,
            actor=people["coordinator"],
            reason="The report is held by the District Attorney.",
            process="We asked the DA for a copy.",
            projected_date=dt.date(2026, 12, 15),
            at=at("2026-10-20 10:00"),
            **given,
        )
    assert not DelayNotice.objects.filter(request=r).exists()


def test_no_delay_translation_for_a_requester_whose_letters_are_english(make_request, people):
    r = make_request(Status.CRIME_CHECK, received_at=RECEIVED, preferred_language="en")
    with pytest.raises(ValidationError, match="English"):
        services.request_issue_delay_notice(
            request=r,
            actor=people["coordinator"],
            reason="The report is held by the District Attorney.",
            process="We asked the DA for a copy.",
            projected_date=dt.date(2026, 12, 15),
            reason_translated="Motivo.",
            at=at("2026-10-20 10:00"),
        )
