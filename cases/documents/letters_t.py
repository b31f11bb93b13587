"""The T-visa letters (Form I-914 Supplement B): acknowledgement, denial without prejudice, and
delay notice, with the same machinery as the U letters (cases/documents/letters.py).

c. 258F s. 3 answers T requests exactly like U requests (90 days; sign, deny in writing without
prejudice, or explain the delay). The wording names the T form and what it attests: a severe
form of trafficking in persons and compliance with any reasonable request for assistance, or an
exception (Supplement B instructions; 8 CFR 214.204). The wording lives in
templates/letters/t_visa/ (English) and templates/letters/t_visa/<language>/ (Spanish,
Portuguese, Haitian Creole). The translations are printed "to be reviewed by a qualified
translator", like every translation the department has not marked reviewed.
"""

from __future__ import annotations

from django.template.loader import get_template

from cases.models import Language, LetterTemplate

Kind = LetterTemplate.Kind

SUBJECTS: dict[str, dict[str, str]] = {
    Language.ENGLISH: {
        Kind.ACKNOWLEDGEMENT: "Acknowledgement of your T-visa declaration request {{ reference }}",
        Kind.DENIAL: "Written denial without prejudice, T-visa request {{ reference }}",
        Kind.DELAY: "Notice of delay, T-visa request {{ reference }}",
        # The notice to USCIS names the T form; unlike 8 CFR 214.14(h)(2) for the U form, no
        # provision of 8 CFR 214.204 is cited for withdrawing a declaration.
        Kind.USCIS_WITHDRAWAL: "{{ withdrawal_title }} of Form I-914 Supplement B declaration",
    },
    Language.SPANISH: {
        Kind.ACKNOWLEDGEMENT: "Acuse de recibo de su solicitud de declaración para visa T "
        "{{ reference }}",
        Kind.DENIAL: "Denegación por escrito sin perjuicio de una nueva solicitud, visa T, "
        "referencia {{ reference }}",
        Kind.DELAY: "Aviso de demora, solicitud de visa T {{ reference }}",
    },
    Language.PORTUGUESE: {
        Kind.ACKNOWLEDGEMENT: "Aviso de recebimento do seu pedido de declaração para visto T "
        "{{ reference }}",
        Kind.DENIAL: "Indeferimento por escrito sem prejuízo de novo pedido, visto T, "
        "referência {{ reference }}",
        Kind.DELAY: "Aviso de atraso, pedido de visto T {{ reference }}",
    },
    Language.HAITIAN_CREOLE: {
        Kind.ACKNOWLEDGEMENT: "Nou resevwa demann deklarasyon viza T ou a {{ reference }}",
        Kind.DENIAL: "Refi alekri, san sa pa anpeche ou fè yon nouvo demann, viza T, "
        "referans {{ reference }}",
        Kind.DELAY: "Avi reta, demann viza T {{ reference }}",
    },
}


def wording(kind: str, language: str = Language.ENGLISH) -> tuple[str, str] | None:
    """(subject, body) of the T letter of ``kind`` in ``language``, or None when there is none."""
    subject = SUBJECTS.get(language, {}).get(kind)
    if subject is None:
        return None
    folder = "letters/t_visa" if language == Language.ENGLISH else f"letters/t_visa/{language}"
    return subject, get_template(f"{folder}/{kind}.txt").template.source
