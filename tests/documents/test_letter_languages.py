"""The translated letters say what the English says: the answer date as a limit ("no later
than") and a denial without prejudice to a new request (M.G.L. c. 258F s. 3)."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass

import pytest

from cases import services
from cases.documents import letters
from cases.models import DeclineReason, FormType, Language, LetterTemplate, Status
from tests.conftest import at

Kind = LetterTemplate.Kind
pytestmark = pytest.mark.django_db

# What each language's denial says for "without prejudice", in its subject and its body.
WITHOUT_PREJUDICE = {
    "es": "sin perjuicio de una nueva solicitud",
    "pt": "sem prejuízo de novo pedido",
    "ht": "san sa pa anpeche ou fè yon nouvo demann",
}


@pytest.mark.parametrize("language", sorted(WITHOUT_PREJUDICE))
def test_the_denial_is_without_prejudice_to_a_new_request(language):
    subject, _body = letters.wording(Kind.DENIAL, language)
    assert WITHOUT_PREJUDICE[language] in subject
    _subject, acknowledgement = letters.wording(Kind.ACKNOWLEDGEMENT, language)
    assert WITHOUT_PREJUDICE[language] in acknowledgement


def test_the_wording_errors_are_gone():
    wording = "\n".join(
        "\n".join(letters.wording(kind, language))
        for kind in letters.TRANSLATED_KINDS
        for language in WITHOUT_PREJUDICE
    )
    assert "pi ta nan dat" not in wording  # "later, on": the limit is "pa pita pase"
    assert "san prejije" not in wording  # "without bias"
    assert "Negação" not in wording and "negação" not in wording
    _subject, body = letters.wording(Kind.ACKNOWLEDGEMENT, "ht")
    assert "pa pita pase {{ due_long }}" in body


# --- the letters as PDFs, read back with pdftotext: heading and deadline sentence ---

RECEIVED = "2026-10-01 10:00"  # ordinary answer due 12/30/2026, expedited 10/31/2026
NOTICE_SENT, PROJECTED = "2026-10-20 11:00", dt.date(2027, 1, 29)


@dataclass(frozen=True)
class Reads:
    regarding: str
    reference: str
    subjects: dict[str, str]
    no_later_than: str  # the acknowledgement's deadline sentence, before the date
    projected: str  # the delay notice's projected date, before the date
    ordinary: str  # the reason, for each basis
    expedited: str
    delay: str
    dates: dict[dt.date, str]


READS = {
    "en": Reads(
        "Re:",
        "Reference:",
        {
            Kind.ACKNOWLEDGEMENT: "Acknowledgement of your U-visa certification request",
            Kind.DENIAL: "Written denial without prejudice, request",
            Kind.DELAY: "Notice of delay, request",
        },
        "the department will answer in writing no later than",
        "Projected date of the department's answer:",
        "This date is 90 days after the department received the request, the limit "
        "M.G.L. c. 258F, section 3 sets.",
        "on the expedited track because the victim is in removal proceedings: the department's "
        "written policy (M.G.L. c. 258F, section 2) answers such requests within 30 days",
        "The department sent a notice of delay on October 20, 2026 (M.G.L. c. 258F, section "
        "3(iii)): this is the date it projects for its answer.",
        {
            dt.date(2026, 12, 30): "December 30, 2026",
            dt.date(2026, 10, 31): "October 31, 2026",
            PROJECTED: "January 29, 2027",
        },
    ),
    "es": Reads(
        "Asunto:",
        "Referencia:",
        {
            Kind.ACKNOWLEDGEMENT: "Acuse de recibo de su solicitud de certificación",
            Kind.DENIAL: "Denegación por escrito sin perjuicio de una nueva solicitud, referencia",
            Kind.DELAY: "Aviso de demora, solicitud",
        },
        "el departamento responderá por escrito a más tardar el",
        "Fecha prevista de la respuesta del departamento:",
        "Esta fecha es 90 días después de que el departamento recibió la solicitud",
        "por la vía acelerada porque la víctima está en un procedimiento de expulsión: la "
        "política escrita del departamento (M.G.L. c. 258F, sección 2) responde a estas "
        "solicitudes dentro de los 30 días",
        "El departamento envió un aviso de demora el 20 de octubre de 2026",
        {
            dt.date(2026, 12, 30): "30 de diciembre de 2026",
            dt.date(2026, 10, 31): "31 de octubre de 2026",
            PROJECTED: "29 de enero de 2027",
        },
    ),
    "pt": Reads(
        "Assunto:",
        "Referência:",
        {
            Kind.ACKNOWLEDGEMENT: "Aviso de recebimento do seu pedido de certificação",
            Kind.DENIAL: "Indeferimento por escrito sem prejuízo de novo pedido, referência",
            Kind.DELAY: "Aviso de atraso, pedido",
        },
        "o departamento responderá por escrito até",
        "Data prevista da resposta do departamento:",
        "Esta data é 90 dias depois de o departamento receber o pedido",
        "pela via acelerada porque a vítima está em processo de remoção: a política escrita do "
        "departamento (M.G.L. c. 258F, seção 2) responde a esses pedidos em até 30 dias",
        "O departamento enviou um aviso de atraso em 20 de outubro de 2026",
        {
            dt.date(2026, 12, 30): "30 de dezembro de 2026",
            dt.date(2026, 10, 31): "31 de outubro de 2026",
            PROJECTED: "29 de janeiro de 2027",
        },
    ),
    "ht": Reads(
        "Sijè:",
        "Referans:",
        {
            Kind.ACKNOWLEDGEMENT: "Nou resevwa demann sètifikasyon ou a",
            Kind.DENIAL: "Refi alekri, san sa pa anpeche ou fè yon nouvo demann, referans",
            Kind.DELAY: "Avi reta, demann",
        },
        "depatman an ap reponn alekri pa pita pase",
        "Dat depatman an prevwa pou l reponn:",
        "Dat sa a se 90 jou apre depatman an te resevwa demann nan",
        "ap trete rapid paske viktim nan nan yon pwosedi depòtasyon: politik alekri depatman "
        "an (M.G.L. c. 258F, seksyon 2) reponn demann konsa nan 30 jou",
        "Depatman an te voye yon avi reta nan dat 20 oktòb 2026",
        {
            dt.date(2026, 12, 30): "30 desanm 2026",
            dt.date(2026, 10, 31): "31 oktòb 2026",
            PROJECTED: "29 janvye 2027",
        },
    ),
}


def test_every_letter_language_is_tested():
    assert set(READS) == set(Language.values)


def pdf_text(pdf: bytes) -> str:
    """The PDF as pdftotext reads it, with its whitespace run together."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def pages(pdf: bytes, language: str) -> list[tuple[str, str]]:
    """(language, text) of the letter and, after a translation, of the English attached."""
    text = pdf_text(pdf)
    if language == "en":
        return [("en", text)]
    translated, marker, english = text.partition("(English version)")
    assert marker, "the English letter is attached"
    return [(language, translated), ("en", english)]


def heading_reads(text: str, reads: Reads, kind: str, reference: str) -> None:
    assert f"{reads.regarding} {reads.subjects[kind]}" in text
    assert f"{reads.reference} {reference}" in text


@pytest.fixture
def received(make_request):
    def make(status: str = Status.RECEIVED, **fields):
        return make_request(status, received_at=at(RECEIVED), **fields)

    return make


@pytest.mark.parametrize("language", sorted(READS))
@pytest.mark.parametrize(
    "track, expected", [("ordinary", dt.date(2026, 12, 30)), ("expedited", dt.date(2026, 10, 31))]
)
def test_the_acknowledgement_states_the_date_that_applies_and_why(
    received, language, track, expected, artifacts
):
    fields = {"expedited": True, "expedited_reason": "removal"} if track == "expedited" else {}
    r = received(preferred_language=language, **fields)
    pdf = letters.render_letter_pdf(
        r, Kind.ACKNOWLEDGEMENT, language=language, dated=dt.date(2026, 10, 1)
    )
    (artifacts / f"letter-acknowledgement-{track}-{language}.pdf").write_bytes(pdf)
    for lang, text in pages(pdf, language):
        reads = READS[lang]
        heading_reads(text, reads, Kind.ACKNOWLEDGEMENT, r.reference)
        assert f"{reads.no_later_than} {reads.dates[expected]}:" in text
        assert getattr(reads, track) in text
        other = dt.date(2026, 10, 31) if track == "ordinary" else dt.date(2026, 12, 30)
        assert reads.dates[other] not in text  # an expedited request is never told 90 days


@pytest.mark.parametrize("language", sorted(READS))
def test_after_a_delay_notice_letters_state_the_projected_date(
    received, people, language, artifacts
):
    r = received(Status.CRIME_CHECK, preferred_language=language, expedited=True)
    services.request_issue_delay_notice(
        request=r,
        actor=people["coordinator"],
        reason="The report is held by the District Attorney.",
        process="We asked the DA for a copy.",
        projected_date=PROJECTED,
        at=at(NOTICE_SENT),
    )
    r.refresh_from_db()
    notice = r.delay_notices.get()
    delay = letters.render_letter_pdf(
        r, Kind.DELAY, language=language, dated=dt.date(2026, 10, 20), notice=notice
    )
    acknowledgement = letters.render_letter_pdf(
        r, Kind.ACKNOWLEDGEMENT, language=language, dated=dt.date(2026, 10, 21)
    )
    (artifacts / f"letter-delay-{language}.pdf").write_bytes(delay)
    (artifacts / f"letter-acknowledgement-delayed-{language}.pdf").write_bytes(acknowledgement)
    for lang, text in pages(delay, language):
        reads = READS[lang]
        heading_reads(text, reads, Kind.DELAY, r.reference)
        assert f"{reads.projected} {reads.dates[PROJECTED]}." in text
    for lang, text in pages(acknowledgement, language):
        reads = READS[lang]
        heading_reads(text, reads, Kind.ACKNOWLEDGEMENT, r.reference)
        assert f"{reads.no_later_than} {reads.dates[PROJECTED]}:" in text
        assert reads.delay in text
        assert reads.dates[dt.date(2026, 10, 31)] not in text


@pytest.mark.parametrize("language", sorted(READS))
def test_the_denial_heading_reads_without_prejudice(received, people, language):
    r = received(Status.CHIEF_DECISION, preferred_language=language)
    services.request_decline(
        request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL, at=at(NOTICE_SENT)
    )
    r.refresh_from_db()
    pdf = letters.render_letter_pdf(r, Kind.DENIAL, language=language)
    for lang, text in pages(pdf, language):
        heading_reads(text, READS[lang], Kind.DENIAL, r.reference)


def test_the_t_visa_acknowledgement_states_the_expedited_date(received, artifacts):
    r = received(form_type=FormType.T_VISA, expedited=True, expedited_reason="detention")
    pdf = letters.render_letter_pdf(r, Kind.ACKNOWLEDGEMENT, language="es")
    (artifacts / "letter-acknowledgement-t-expedited.pdf").write_bytes(pdf)
    text = pdf_text(pdf)  # the T wording is English only
    assert "Re: Acknowledgement of your T-visa declaration request" in text
    assert "no later than October 31, 2026:" in text and "December 30, 2026" not in text
    assert "because the victim is in immigration detention" in text


# 5 ILCS 825/11(a): the denial gives the way to appeal it; the days come from the setting.
APPEAL_READS = {
    "en": "answers a request for reconsideration within {days} business days",
    "es": "responde a una solicitud de reconsideración en un plazo de {days} días hábiles",
    "pt": "responde a um pedido de reconsideração em até {days} dias úteis",
    "ht": "reponn yon demann rekonsiderasyon nan {days} jou travay",
}


@pytest.mark.parametrize("form_type", [FormType.U_VISA, FormType.T_VISA])
@pytest.mark.parametrize("language", sorted(APPEAL_READS))
def test_the_denial_says_how_to_ask_for_reconsideration_and_when_it_is_answered(
    received, people, settings, language, form_type
):
    settings.UVISA_RECONSIDERATION_BUSINESS_DAYS = 17
    r = received(Status.CHIEF_DECISION, preferred_language=language, form_type=form_type)
    services.request_decline(
        request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL, at=at(NOTICE_SENT)
    )
    r.refresh_from_db()
    pdf = letters.render_letter_pdf(r, Kind.DENIAL, language=language)
    for lang, text in pages(pdf, language):
        assert APPEAL_READS[lang].format(days=17) in text, lang
        assert r.reference in text
