"""What the public status page (/status/) says about a request: its stage in plain words, the
dates that matter and what comes next, and nothing else.

No name (victim or requester), no crime, no narrative, no document: the page answers "where
does it stand?" for someone holding the reference and the code printed in the acknowledgement.
Each state of the workflow (cases/states.py) maps to one stage; the stage's words are given in
the four letter languages (English, Spanish, Portuguese, Haitian Creole), translations to be
reviewed by a qualified translator like the letters'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cases import clocks
from cases.models import CertificationRequest, Language, Status

# A pending request the department is still reviewing (c. 258F s. 3: answer within 90 days).
UNDER_REVIEW = {
    Status.CRIME_CHECK,
    Status.HELPFULNESS_REVIEW,
    Status.CHIEF_DECISION,
}
STAGE_OF_STATE = {
    Status.RECEIVED: "received",
    **dict.fromkeys(UNDER_REVIEW, "under_review"),
    Status.INFO_REQUESTED: "info_requested",
    Status.AWAITING_INK: "signing",
    Status.CERTIFIED: "certified",
    Status.DECLINED: "denied",
    Status.RECONSIDERATION: "reconsideration",
    Status.REFERRED: "referred",
    Status.WITHDRAWN: "withdrawn",
    Status.CERTIFICATION_WITHDRAWN: "certification_withdrawn",
}

# stage -> language -> (the stage in plain words, what comes next and from whom)
STAGE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "received": {
        Language.ENGLISH: (
            "Received",
            "The department has the request and will begin reviewing it. Nothing is needed "
            "from you now.",
        ),
        Language.SPANISH: (
            "Recibida",
            "El departamento tiene la solicitud y comenzará a revisarla. Por ahora no necesita "
            "hacer nada.",
        ),
        Language.PORTUGUESE: (
            "Recebido",
            "O departamento recebeu o pedido e vai começar a analisá-lo. Nada é necessário da "
            "sua parte agora.",
        ),
        Language.HAITIAN_CREOLE: (
            "Resevwa",
            "Depatman an gen demann nan epi l ap kòmanse egzaminen l. Ou pa bezwen fè anyen "
            "kounye a.",
        ),
    },
    "under_review": {
        Language.ENGLISH: (
            "Under review",
            "The department is reviewing the request. Nothing is needed from you now; the "
            "department answers in writing by the date below.",
        ),
        Language.SPANISH: (
            "En revisión",
            "El departamento está revisando la solicitud. Por ahora no necesita hacer nada; el "
            "departamento responderá por escrito a más tardar en la fecha indicada abajo.",
        ),
        Language.PORTUGUESE: (
            "Em análise",
            "O departamento está analisando o pedido. Nada é necessário da sua parte agora; o "
            "departamento responderá por escrito até a data abaixo.",
        ),
        Language.HAITIAN_CREOLE: (
            "Ap egzaminen",
            "Depatman an ap egzaminen demann nan. Ou pa bezwen fè anyen kounye a; depatman an "
            "ap reponn alekri anvan dat ki anba a.",
        ),
    },
    "delayed": {
        Language.ENGLISH: (
            "Under review, answer delayed",
            "The department sent a written notice that its answer is delayed, with the reason "
            "and the date it expects to answer (below). Nothing is needed from you now.",
        ),
        Language.SPANISH: (
            "En revisión, respuesta demorada",
            "El departamento envió un aviso por escrito de que su respuesta se demora, con el "
            "motivo y la fecha en que espera responder (abajo). Por ahora no necesita hacer "
            "nada.",
        ),
        Language.PORTUGUESE: (
            "Em análise, resposta atrasada",
            "O departamento enviou um aviso por escrito de que a resposta está atrasada, com o "
            "motivo e a data em que espera responder (abaixo). Nada é necessário da sua parte "
            "agora.",
        ),
        Language.HAITIAN_CREOLE: (
            "Ap egzaminen, repons lan an reta",
            "Depatman an voye yon avi alekri ki di repons li an reta, ak rezon an ak dat li "
            "panse l ap reponn (anba a). Ou pa bezwen fè anyen kounye a.",
        ),
    },
    "info_requested": {
        Language.ENGLISH: (
            "Information requested",
            "The department asked the person or organisation that sent the request for more "
            "information, by letter or e-mail. Please answer that message, or call the "
            "department if you did not receive it.",
        ),
        Language.SPANISH: (
            "Información solicitada",
            "El departamento pidió más información, por carta o correo electrónico, a la "
            "persona u organización que envió la solicitud. Responda ese mensaje, o llame al "
            "departamento si no lo recibió.",
        ),
        Language.PORTUGUESE: (
            "Informações solicitadas",
            "O departamento pediu mais informações, por carta ou e-mail, à pessoa ou "
            "organização que enviou o pedido. Responda a essa mensagem, ou telefone ao "
            "departamento se não a recebeu.",
        ),
        Language.HAITIAN_CREOLE: (
            "Yo mande enfòmasyon",
            "Depatman an mande moun oswa òganizasyon ki voye demann nan plis enfòmasyon, pa "
            "lèt oswa pa imel. Tanpri reponn mesaj sa a, oswa rele depatman an si w pa t "
            "resevwa l.",
        ),
    },
    "signing": {
        Language.ENGLISH: (
            "Decided: certified, awaiting signature",
            "The department decided to sign the certification. The certifying official signs "
            "the form in ink; the department then sends or hands it to the requester.",
        ),
        Language.SPANISH: (
            "Decidida: certificada, pendiente de firma",
            "El departamento decidió firmar la certificación. El funcionario certificador firma "
            "el formulario con tinta; luego el departamento lo envía o entrega al solicitante.",
        ),
        Language.PORTUGUESE: (
            "Decidido: certificado, aguardando assinatura",
            "O departamento decidiu assinar a certificação. O funcionário certificador assina o "
            "formulário à tinta; depois o departamento o envia ou entrega ao requerente.",
        ),
        Language.HAITIAN_CREOLE: (
            "Desizyon: sètifye, ap tann siyati",
            "Depatman an deside siyen sètifikasyon an. Ofisye ki sètifye a siyen fòm nan ak "
            "lank; apre sa depatman an voye l oswa remèt li bay moun ki fè demann nan.",
        ),
    },
    "certified": {
        Language.ENGLISH: (
            "Decided: certified",
            "The certification was signed and sent or handed to the requester. The next step "
            "is the requester's: file it with USCIS with the petition.",
        ),
        Language.SPANISH: (
            "Decidida: certificada",
            "La certificación fue firmada y enviada o entregada al solicitante. El próximo paso "
            "es del solicitante: presentarla ante USCIS con la petición.",
        ),
        Language.PORTUGUESE: (
            "Decidido: certificado",
            "A certificação foi assinada e enviada ou entregue ao requerente. O próximo passo é "
            "do requerente: apresentá-la ao USCIS com a petição.",
        ),
        Language.HAITIAN_CREOLE: (
            "Desizyon: sètifye",
            "Yo siyen sètifikasyon an epi yo voye l oswa remèt li bay moun ki fè demann nan. "
            "Pwochen etap la se pou moun ki fè demann nan: depoze l bay USCIS ak petisyon an.",
        ),
    },
    "denied": {
        Language.ENGLISH: (
            "Decided: denied",
            "The department sent a written denial explaining why, without prejudice: a new "
            "request may be made, another certifying agency may be asked, and the department "
            "may be asked to reconsider. The letter says whom to contact.",
        ),
        Language.SPANISH: (
            "Decidida: denegada",
            "El departamento envió una denegación por escrito que explica el motivo, sin "
            "perjuicio: se puede presentar una nueva solicitud, pedirla a otra entidad "
            "certificadora o pedir al departamento que la reconsidere. La carta indica a quién "
            "contactar.",
        ),
        Language.PORTUGUESE: (
            "Decidido: indeferido",
            "O departamento enviou um indeferimento por escrito explicando o motivo, sem "
            "prejuízo: é possível fazer um novo pedido, pedir a outra entidade certificadora ou "
            "pedir ao departamento que reconsidere. A carta diz a quem contatar.",
        ),
        Language.HAITIAN_CREOLE: (
            "Desizyon: refize",
            "Depatman an voye yon refi alekri ki eksplike poukisa, san sa pa anpeche anyen: ou "
            "ka fè yon nouvo demann, mande yon lòt enstitisyon sètifye, oswa mande depatman an "
            "rekonsidere. Lèt la di ki moun pou w kontakte.",
        ),
    },
    "referred": {
        Language.ENGLISH: (
            "Answered: referred to another agency",
            "The department answered in writing that another agency, named in its letter, is "
            "the one that can sign the certification. If the letter says the department did not "
            "forward the request, send it to that agency; you may also ask this department again "
            "with new information.",
        ),
        Language.SPANISH: (
            "Respondida: remitida a otra agencia",
            "El departamento respondió por escrito que otra agencia, nombrada en su carta, es la "
            "que puede firmar la certificación. Si la carta dice que el departamento no le "
            "remitió la solicitud, envíesela a esa agencia; también puede volver a pedirlo a "
            "este departamento con información nueva.",
        ),
        Language.PORTUGUESE: (
            "Respondido: encaminhado a outra agência",
            "O departamento respondeu por escrito que outra agência, indicada na sua carta, é a "
            "que pode assinar a certificação. Se a carta disser que o departamento não lhe "
            "encaminhou o pedido, envie-o a essa agência; também pode pedir de novo a este "
            "departamento com informação nova.",
        ),
        Language.HAITIAN_CREOLE: (
            "Reponn: voye bay yon lòt ajans",
            "Depatman an reponn alekri ke yon lòt ajans, ki nonmen nan lèt li a, se li ki ka "
            "siyen sètifikasyon an. Si lèt la di depatman an pa t voye demann nan ba li, voye l "
            "bay ajans sa a; ou kapab mande depatman sa a ankò tou ak nouvo enfòmasyon.",
        ),
    },
    "reconsideration": {
        Language.ENGLISH: (
            "Reconsideration requested",
            "The department received a request to reconsider its denial and will answer in "
            "writing by the date below. Nothing is needed from you now.",
        ),
        Language.SPANISH: (
            "Reconsideración solicitada",
            "El departamento recibió una solicitud de reconsideración de su denegación y "
            "responderá por escrito a más tardar en la fecha indicada abajo. Por ahora no "
            "necesita hacer nada.",
        ),
        Language.PORTUGUESE: (
            "Reconsideração solicitada",
            "O departamento recebeu um pedido de reconsideração do indeferimento e responderá "
            "por escrito até a data abaixo. Nada é necessário da sua parte agora.",
        ),
        Language.HAITIAN_CREOLE: (
            "Yo mande rekonsiderasyon",
            "Depatman an resevwa yon demann pou l rekonsidere refi li a epi l ap reponn alekri "
            "anvan dat ki anba a. Ou pa bezwen fè anyen kounye a.",
        ),
    },
    "withdrawn": {
        Language.ENGLISH: (
            "Withdrawn",
            "The request was withdrawn by the requester. A new request may be made at any time.",
        ),
        Language.SPANISH: (
            "Retirada",
            "El solicitante retiró la solicitud. Se puede presentar una nueva solicitud en "
            "cualquier momento.",
        ),
        Language.PORTUGUESE: (
            "Retirado",
            "O requerente retirou o pedido. Um novo pedido pode ser feito a qualquer momento.",
        ),
        Language.HAITIAN_CREOLE: (
            "Retire",
            "Moun ki fè demann nan retire l. Yo ka fè yon nouvo demann nenpòt ki lè.",
        ),
    },
    "certification_withdrawn": {
        Language.ENGLISH: (
            "Decided: certification withdrawn",
            "The department withdrew the certification and notified USCIS in writing, with a "
            "copy to the requester. Contact the department with any question.",
        ),
        Language.SPANISH: (
            "Decidida: certificación retirada",
            "El departamento retiró la certificación y lo notificó por escrito a USCIS, con "
            "copia al solicitante. Comuníquese con el departamento si tiene preguntas.",
        ),
        Language.PORTUGUESE: (
            "Decidido: certificação retirada",
            "O departamento retirou a certificação e notificou o USCIS por escrito, com cópia "
            "ao requerente. Entre em contato com o departamento se tiver dúvidas.",
        ),
        Language.HAITIAN_CREOLE: (
            "Desizyon: sètifikasyon an retire",
            "Depatman an retire sètifikasyon an epi li avèti USCIS alekri, ak yon kopi pou "
            "moun ki fè demann nan. Kontakte depatman an si w gen kesyon.",
        ),
    },
}
LANGUAGES = [
    Language.ENGLISH,
    Language.SPANISH,
    Language.PORTUGUESE,
    Language.HAITIAN_CREOLE,
]


@dataclass(frozen=True)
class PublicStatus:
    reference: str
    stage: str
    words: str
    next_step: str
    language: str
    received_on: date | None
    statutory_due_on: date | None  # c. 258F s. 3: 90 days from receipt
    deadline_on: date | None  # the due date in force (expedited, or a delay notice's date)
    delay_notice_on: date | None
    answered_on: date | None
    reconsideration_due_on: date | None


def stage_of(request: CertificationRequest, clock: clocks.Clock) -> str:
    stage = STAGE_OF_STATE.get(Status(request.status), "under_review")
    if stage in ("received", "under_review") and clock.notice_sent_on is not None:
        return "delayed"
    return stage


def public_status(
    request: CertificationRequest, *, now: datetime, language: str = Language.ENGLISH
) -> PublicStatus:
    """The stage, its words in ``language`` and the dates that matter; nothing else."""
    clock = clocks.clock(request, now=now)
    stage = stage_of(request, clock)
    words = STAGE_WORDS[stage]
    text, next_step = words.get(language) or words[Language.ENGLISH]
    reconsideration = None
    if request.status == Status.RECONSIDERATION:
        latest = request.reconsiderations.order_by("-requested_at", "-pk").first()
        reconsideration = latest.due_on if latest else None
    return PublicStatus(
        reference=request.reference,
        stage=stage,
        words=text,
        next_step=next_step,
        language=language if language in words else Language.ENGLISH,
        received_on=clock.received_on,
        statutory_due_on=clock.statutory_due_on,
        deadline_on=clock.deadline_on,
        delay_notice_on=clock.notice_sent_on,
        answered_on=clock.answered_on,
        reconsideration_due_on=reconsideration,
    )
