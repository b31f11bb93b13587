"""The answer date a letter states, and why, in the letter's language.

The date is the one the clock holds the request to (cases/clocks.py) on the letter's date:

- ordinary: 90 days from receipt (M.G.L. c. 258F s. 3);
- expedited: the department's expedited period (30 days in Massachusetts, written policy under
  c. 258F s. 2; removal proceedings, detention, or an approaching age-out, chosen at intake),
  or earlier for an age-out date;
- delay: after a timely delay notice (c. 258F s. 3(iii)), the date it projects.

Letters quote ``due`` (the date) and ``deadline_reason`` (the sentence below, in the letter's
language; the translations are to be reviewed by a qualified translator with the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from cases import clocks
from cases.models import ExpeditedReason, Language

if TYPE_CHECKING:
    from cases.models import CertificationRequest

ORDINARY, EXPEDITED, DELAY = "ordinary", "expedited", "delay"

REASONS: dict[str, dict[str, str]] = {
    Language.ENGLISH: {
        ORDINARY: "This date is {response_days} days after the department received the "
        "request, the limit M.G.L. c. 258F, section 3 sets.",
        EXPEDITED: "The request is answered on the expedited track because {why}: the "
        "department's written policy (M.G.L. c. 258F, section 2) answers such requests within "
        "{expedited_days} days of receipt{age_out}, sooner than the {response_days} days of "
        "section 3.",
        DELAY: "The department sent a notice of delay on {sent} (M.G.L. c. 258F, section "
        "3(iii)): this is the date it projects for its answer.",
    },
    Language.SPANISH: {
        ORDINARY: "Esta fecha es {response_days} días después de que el departamento recibió "
        "la solicitud, el plazo que fija M.G.L. c. 258F, sección 3.",
        EXPEDITED: "La solicitud se tramita por la vía acelerada porque {why}: la política "
        "escrita del departamento (M.G.L. c. 258F, sección 2) responde a estas solicitudes "
        "dentro de los {expedited_days} días siguientes a su recepción{age_out}, antes de los "
        "{response_days} días de la sección 3.",
        DELAY: "El departamento envió un aviso de demora el {sent} (M.G.L. c. 258F, sección "
        "3(iii)): esta es la fecha que prevé para su respuesta.",
    },
    Language.PORTUGUESE: {
        ORDINARY: "Esta data é {response_days} dias depois de o departamento receber o pedido, "
        "o prazo fixado pela M.G.L. c. 258F, seção 3.",
        EXPEDITED: "O pedido é tratado pela via acelerada porque {why}: a política escrita do "
        "departamento (M.G.L. c. 258F, seção 2) responde a esses pedidos em até "
        "{expedited_days} dias após o recebimento{age_out}, antes dos {response_days} dias da "
        "seção 3.",
        DELAY: "O departamento enviou um aviso de atraso em {sent} (M.G.L. c. 258F, seção "
        "3(iii)): esta é a data que prevê para a sua resposta.",
    },
    Language.HAITIAN_CREOLE: {
        ORDINARY: "Dat sa a se {response_days} jou apre depatman an te resevwa demann nan, "
        "limit M.G.L. c. 258F, seksyon 3 fikse.",
        EXPEDITED: "Demann nan ap trete rapid paske {why}: politik alekri depatman an (M.G.L. "
        "c. 258F, seksyon 2) reponn demann konsa nan {expedited_days} jou apre li resevwa "
        "yo{age_out}, pi vit pase {response_days} jou seksyon 3 a.",
        DELAY: "Depatman an te voye yon avi reta nan dat {sent} (M.G.L. c. 258F, seksyon "
        "3(iii)): se dat sa a li prevwa pou l reponn.",
    },
}
WHY: dict[str, dict[str, str]] = {
    Language.ENGLISH: {
        ExpeditedReason.REMOVAL_PROCEEDINGS: "the victim is in removal proceedings",
        ExpeditedReason.DETENTION: "the victim is in immigration detention",
        ExpeditedReason.AGE_OUT: "a qualifying family member is about to age out",
        "": "of the victim's circumstances",
    },
    Language.SPANISH: {
        ExpeditedReason.REMOVAL_PROCEEDINGS: "la víctima está en un procedimiento de expulsión",
        ExpeditedReason.DETENTION: "la víctima está bajo detención migratoria",
        ExpeditedReason.AGE_OUT: "un familiar que califica está por superar el límite de edad",
        "": "de las circunstancias de la víctima",
    },
    Language.PORTUGUESE: {
        ExpeditedReason.REMOVAL_PROCEEDINGS: "a vítima está em processo de remoção",
        ExpeditedReason.DETENTION: "a vítima está em detenção migratória",
        ExpeditedReason.AGE_OUT: "um familiar qualificado está prestes a ultrapassar o limite "
        "de idade",
        "": "das circunstâncias da vítima",
    },
    Language.HAITIAN_CREOLE: {
        ExpeditedReason.REMOVAL_PROCEEDINGS: "viktim nan nan yon pwosedi depòtasyon",
        ExpeditedReason.DETENTION: "viktim nan nan detansyon imigrasyon",
        ExpeditedReason.AGE_OUT: "yon manm fanmi ki kalifye prèt pou depase limit laj la",
        "": "sitiyasyon viktim nan",
    },
}
AGE_OUT: dict[str, str] = {
    Language.ENGLISH: ", and at least {margin} days before the family member's age-out date",
    Language.SPANISH: ", y al menos {margin} días antes de la fecha límite de edad del familiar",
    Language.PORTUGUESE: ", e pelo menos {margin} dias antes da data-limite de idade do familiar",
    Language.HAITIAN_CREOLE: ", epi omwen {margin} jou anvan dat manm fanmi an depase limit laj la",
}


@dataclass(frozen=True)
class LetterDeadline:
    day: date | None
    basis: str  # ordinary, expedited or delay
    reason: str  # the sentence saying why, in the letter's language


def letter_deadline(
    request: CertificationRequest,
    *,
    dated: date,
    language: str = Language.ENGLISH,
    write_date: Callable[[date], str] = str,
) -> LetterDeadline:
    """The date the request must be answered by as the letter dated ``dated`` knows it: the
    due date (ordinary or expedited), or the projected date of the last delay notice sent in
    time (c. 258F s. 3(iii)) on or before ``dated``, when it is later than the due date.
    ``write_date`` writes a date as the letter does."""
    jurisdiction = clocks.profile()
    due = clocks.due_date(request, jurisdiction=jurisdiction)
    if due is None:
        return LetterDeadline(None, ORDINARY, "")
    notices = [n for n in clocks.delay_notices_of(request) if n.sent_on <= dated]
    standing = clocks.delay_standing(due, notices)
    reasons = REASONS.get(language, REASONS[Language.ENGLISH])
    if standing.projected_on is not None and standing.deadline > due:
        sent = max(n.sent_on for n in notices if n.sent_on <= standing.deadline)
        return LetterDeadline(
            standing.deadline, DELAY, reasons[DELAY].format(sent=write_date(sent))
        )
    numbers = {
        "response_days": jurisdiction.response_days,
        "expedited_days": jurisdiction.expedited_days,
    }
    if request.expedited:
        why = WHY.get(language, WHY[Language.ENGLISH])
        age_out = ""
        if request.age_out_date is not None:
            age_out = AGE_OUT.get(language, AGE_OUT[Language.ENGLISH]).format(
                margin=jurisdiction.age_out_margin_days
            )
        text = reasons[EXPEDITED].format(
            why=why.get(request.expedited_reason or "", why[""]), age_out=age_out, **numbers
        )
        return LetterDeadline(due, EXPEDITED, text)
    return LetterDeadline(due, ORDINARY, reasons[ORDINARY].format(**numbers))
