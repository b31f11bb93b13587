"""Letters as PDFs, from wording the department can edit, in the requester's language.

- acknowledgement of receipt (with the c. 258F s. 3 answer date);
- written denial without prejudice citing the policy reason (c. 258F s. 3(ii)), whom to
  contact, how to ask again, that other certifying entities exist (c. 258F s. 1) and that
  victim services and the criminal case are not affected;
- delay notice: reason, process, projected date (c. 258F s. 3(iii));
- referral to the agency with jurisdiction (a written denial without prejudice for lack of
  jurisdiction, c. 258F s. 3(ii)), and the cover letter forwarding the request's documents to
  that agency when the victim consented to sharing (English only);
- notice to USCIS withdrawing or disavowing a certification (8 CFR 214.14(h)(2)(i)(A)),
  with the USCIS address, the petition's receipt number when known and a copy to the
  requester.

The wording is a LetterTemplate row (kind, language) if the department saved one, otherwise
templates/letters/<kind>.txt (English) or templates/letters/<language>/<kind>.txt. A
translation is printed as "to be reviewed by a qualified translator" until the department
marks that exact wording reviewed; the English letter is always attached after it. Nothing is
machine-translated at run time.

Templates see only a plain dict of named values (strings, dates, numbers; ``letter_values``),
never a model object, and are rendered in a sandbox (cases/lib/letter_templates.py; ASVS
V5.2.5: wording typed in the admin must not reach a password hash, a TOTP key or another
victim's request). Rendered as plain text, then every paragraph is escaped for reportlab,
so names and notes print literally.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from cases import clocks
from cases.documents import letter_deadlines, letters_t
from cases.documents.render import escape, styles
from cases.lib import letter_templates
from cases.lib.base_url import base_url
from cases.lib.names import full_name
from cases.models import (
    DeclineReason,
    Document,
    FormType,
    IssuedForm,
    Language,
    LetterTemplate,
    Referral,
    Status,
)
from cases.policy import denial_citation, reviewed_translation
from cases.services.received import letter_recipient, requester_contact
from cases.uscis.formmap import signing_official

if TYPE_CHECKING:
    from cases.models import CertificationRequest, DelayNotice

Kind = LetterTemplate.Kind

# The Spanish, Portuguese and Haitian Creole wording (here and in templates/letters/<language>/)
# is to be reviewed by a qualified translator: every letter in it carries TO_BE_REVIEWED until
# the department marks its wording reviewed. A denial is "without prejudice" to a new request
# (c. 258F s. 3(ii)), said as the legal usage of each language says it.
SUBJECTS: dict[str, dict[str, str]] = {
    Language.ENGLISH: {
        Kind.ACKNOWLEDGEMENT: "Acknowledgement of your U-visa certification request "
        "{{ reference }}",
        Kind.DENIAL: "Written denial without prejudice, request {{ reference }}",
        Kind.DELAY: "Notice of delay, request {{ reference }}",
        Kind.USCIS_WITHDRAWAL: "{{ withdrawal_title }} of Form I-918 Supplement B certification",
        Kind.RECONSIDERATION_ACK: "Acknowledgement of your request for reconsideration, "
        "request {{ reference }}",
        Kind.RECONSIDERATION_DECISION: "Decision on your request for reconsideration, "
        "request {{ reference }}",
        Kind.REFERRAL: "Referral to the agency with jurisdiction: written denial without "
        "prejudice, request {{ reference }}",
        Kind.REFERRAL_FORWARDING: "Certification request forwarded to the agency with "
        "jurisdiction, our reference {{ reference }}",
    },
    Language.SPANISH: {
        Kind.ACKNOWLEDGEMENT: "Acuse de recibo de su solicitud de certificación {{ reference }}",
        Kind.DENIAL: "Denegación por escrito sin perjuicio de una nueva solicitud, "
        "referencia {{ reference }}",
        Kind.DELAY: "Aviso de demora, solicitud {{ reference }}",
        Kind.RECONSIDERATION_ACK: "Acuse de recibo de su solicitud de reconsideración, "
        "referencia {{ reference }}",
        Kind.RECONSIDERATION_DECISION: "Decisión sobre su solicitud de reconsideración, "
        "referencia {{ reference }}",
        Kind.REFERRAL: "Remisión a la agencia competente: denegación por escrito sin perjuicio "
        "de una nueva solicitud, referencia {{ reference }}",
    },
    Language.PORTUGUESE: {
        Kind.ACKNOWLEDGEMENT: "Aviso de recebimento do seu pedido de certificação {{ reference }}",
        Kind.DENIAL: "Indeferimento por escrito sem prejuízo de novo pedido, "
        "referência {{ reference }}",
        Kind.DELAY: "Aviso de atraso, pedido {{ reference }}",
        Kind.RECONSIDERATION_ACK: "Aviso de recebimento do seu pedido de reconsideração, "
        "referência {{ reference }}",
        Kind.RECONSIDERATION_DECISION: "Decisão sobre o seu pedido de reconsideração, "
        "referência {{ reference }}",
        Kind.REFERRAL: "Encaminhamento à agência competente: indeferimento por escrito sem "
        "prejuízo de novo pedido, referência {{ reference }}",
    },
    Language.HAITIAN_CREOLE: {
        Kind.ACKNOWLEDGEMENT: "Nou resevwa demann sètifikasyon ou a {{ reference }}",
        Kind.DENIAL: "Refi alekri, san sa pa anpeche ou fè yon nouvo demann, "
        "referans {{ reference }}",
        Kind.DELAY: "Avi reta, demann {{ reference }}",
        Kind.RECONSIDERATION_ACK: "Nou resevwa demann rekonsiderasyon ou a, "
        "referans {{ reference }}",
        Kind.RECONSIDERATION_DECISION: "Desizyon sou demann rekonsiderasyon ou a, "
        "referans {{ reference }}",
        Kind.REFERRAL: "Yo voye w bay ajans ki gen jiridiksyon an: refi alekri, san sa pa "
        "anpeche ou fè yon nouvo demann, referans {{ reference }}",
    },
}

# The mark on a translation until the department has it reviewed, in its own language.
TO_BE_REVIEWED = {
    Language.SPANISH: "Traducción pendiente de revisión por un traductor calificado. "
    "La versión en inglés adjunta es el texto oficial.",
    Language.PORTUGUESE: "Tradução a ser revista por um tradutor qualificado. "
    "A versão em inglês anexa é o texto oficial.",
    Language.HAITIAN_CREOLE: "Tradiksyon sa a poko revize pa yon tradiktè kalifye. "
    "Vèsyon angle ki atache a se tèks ofisyèl la.",
}
TO_BE_REVIEWED_EN = "Translation to be reviewed by a qualified translator."
ENGLISH_ATTACHED = {
    Language.SPANISH: "Versión en inglés (English version)",
    Language.PORTUGUESE: "Versão em inglês (English version)",
    Language.HAITIAN_CREOLE: "Vèsyon angle (English version)",
}
TRANSLATED_KINDS = {
    Kind.ACKNOWLEDGEMENT,
    Kind.DENIAL,
    Kind.DELAY,
    Kind.RECONSIDERATION_ACK,
    Kind.RECONSIDERATION_DECISION,
    Kind.REFERRAL,
}

# Whom the department will contact about a request recorded from the mail or in person, said
# in the letter's language where the wording names the organisation ("we will contact ...").
CONTACT_BY: dict[str, dict[str, str]] = {
    Language.ENGLISH: {
        "email": "{name} by e-mail at {where}",
        "mail": "{name} by mail at {where}",
        "phone": "{name} by telephone at {where}",
        "in_person": "{name} in person at the department",
    },
    Language.SPANISH: {
        "email": "{name} por correo electrónico en {where}",
        "mail": "{name} por correo postal en {where}",
        "phone": "{name} por teléfono al {where}",
        "in_person": "{name} en persona en el departamento",
    },
    Language.PORTUGUESE: {
        "email": "{name} por e-mail em {where}",
        "mail": "{name} por correio em {where}",
        "phone": "{name} por telefone pelo {where}",
        "in_person": "{name} pessoalmente no departamento",
    },
    Language.HAITIAN_CREOLE: {
        "email": "{name} pa imel nan {where}",
        "mail": "{name} pa lapòs nan {where}",
        "phone": "{name} pa telefòn nan {where}",
        "in_person": "{name} an pèsòn nan depatman an",
    },
}


def contact_named(request: CertificationRequest, language: str) -> str:
    """The portal organisation, or the requester of a recorded request and how to reach them."""
    if request.organization_id:
        return request.organization.name
    contact = requester_contact(request)
    if contact is None:
        return ""
    name, how, where = contact
    return CONTACT_BY.get(language, CONTACT_BY[Language.ENGLISH])[how].format(
        name=name, where=where
    )


# The printed parts of a letter that are not its wording: the date line, the headings and the
# policy criterion's name. Translations are marked "to be reviewed" with the rest of the letter.
MONTHS: dict[str, tuple[str, ...]] = {
    Language.ENGLISH: (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
    Language.SPANISH: (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
        "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    Language.PORTUGUESE: (
        "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho",
        "agosto", "setembro", "outubro", "novembro", "dezembro",
    ),
    Language.HAITIAN_CREOLE: (
        "janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè",
        "out", "septanm", "oktòb", "novanm", "desanm",
    ),
}  # fmt: skip
HEADINGS: dict[str, tuple[str, str]] = {  # (regarding, reference)
    Language.ENGLISH: ("Re:", "Reference:"),
    Language.SPANISH: ("Asunto:", "Referencia:"),
    Language.PORTUGUESE: ("Assunto:", "Referência:"),
    Language.HAITIAN_CREOLE: ("Sijè:", "Referans:"),
}
DECLINE_REASONS: dict[str, dict[str, str]] = {
    Language.SPANISH: {
        DeclineReason.NOT_QUALIFYING_CRIME: "No hay actividad delictiva calificada",
        DeclineReason.NOT_VICTIM: "El solicitante no es víctima de la actividad delictiva",
        DeclineReason.NOT_HELPFUL: "No hubo, no hay ni es probable que haya ayuda",
        DeclineReason.REFUSED_ASSISTANCE: "Se negó sin motivo razonable a prestar la ayuda "
        "razonablemente solicitada",
        DeclineReason.NO_JURISDICTION: "El departamento no detectó ni investigó el delito",
        DeclineReason.CULPABLE: "El solicitante fue culpable de la actividad delictiva",
        DeclineReason.INSUFFICIENT_INFORMATION: "No se proporcionó la información solicitada",
    },
    Language.PORTUGUESE: {
        DeclineReason.NOT_QUALIFYING_CRIME: "Nenhuma atividade criminosa qualificada",
        DeclineReason.NOT_VICTIM: "O requerente não é vítima da atividade criminosa",
        DeclineReason.NOT_HELPFUL: "Não houve, não há nem é provável que haja ajuda",
        DeclineReason.REFUSED_ASSISTANCE: "Recusou sem motivo razoável a ajuda "
        "razoavelmente solicitada",
        DeclineReason.NO_JURISDICTION: "O departamento não detectou nem investigou o crime",
        DeclineReason.CULPABLE: "O requerente foi culpado na atividade criminosa",
        DeclineReason.INSUFFICIENT_INFORMATION: "As informações solicitadas não foram fornecidas",
    },
    Language.HAITIAN_CREOLE: {
        DeclineReason.NOT_QUALIFYING_CRIME: "Pa gen aktivite kriminèl ki kalifye",
        DeclineReason.NOT_VICTIM: "Moun ki fè demann nan pa viktim aktivite kriminèl la",
        DeclineReason.NOT_HELPFUL: "Pa t gen èd, pa gen èd kounye a, ni pa gen chans pou gen èd",
        DeclineReason.REFUSED_ASSISTANCE: "Li refize san rezon valab bay èd yo te mande l "
        "yon fason rezonab",
        DeclineReason.NO_JURISDICTION: "Depatman an pa t detekte ni envestige krim nan",
        DeclineReason.CULPABLE: "Moun ki fè demann nan te koupab nan aktivite kriminèl la",
        DeclineReason.INSUFFICIENT_INFORMATION: "Yo pa t bay enfòmasyon yo te mande a",
    },
}


# The status code's paragraph, printed in the acknowledgement that carries a code
# (cases/lib/status_codes.py; the public page /status/). Translations to be reviewed, like the
# rest of the letter.
STATUS_CODE_TEXT: dict[str, tuple[str, str]] = {
    Language.ENGLISH: (
        "Where your request stands",
        "To see where this request stands without calling the department, go to {url} and "
        "enter the reference {reference} and this status code: {code}. The page shows only the "
        "stage of the request and its dates, never names or the content of the request. Keep "
        "this code private; it is printed only in this letter. If you lose it, ask the "
        "department for a new one (the old one then stops working).",
    ),
    Language.SPANISH: (
        "Cómo saber en qué estado está su solicitud",
        "Para saber en qué estado está esta solicitud sin llamar al departamento, visite {url} "
        "e ingrese la referencia {reference} y este código de consulta: {code}. La página solo "
        "muestra la etapa de la solicitud y sus fechas, nunca nombres ni el contenido de la "
        "solicitud. Guarde este código en privado; solo figura en esta carta. Si lo pierde, "
        "pida uno nuevo al departamento (el anterior dejará de funcionar).",
    ),
    Language.PORTUGUESE: (
        "Como saber em que pé está o seu pedido",
        "Para saber em que pé está este pedido sem telefonar ao departamento, acesse {url} e "
        "digite a referência {reference} e este código de consulta: {code}. A página mostra "
        "apenas a etapa do pedido e as suas datas, nunca nomes nem o conteúdo do pedido. "
        "Guarde este código em sigilo; ele consta somente desta carta. Se o perder, peça um "
        "novo ao departamento (o anterior deixará de funcionar).",
    ),
    Language.HAITIAN_CREOLE: (
        "Ki kote demann ou an ye",
        "Pou w konnen ki kote demann sa a ye san w pa rele depatman an, ale sou {url} epi "
        "antre referans {reference} ak kòd estati sa a: {code}. Paj la montre sèlman etap "
        "demann nan ak dat li yo, li pa janm montre non ni sa ki nan demann nan. Kenbe kòd sa "
        "a pou ou sèlman; li enprime sèlman nan lèt sa a. Si w pèdi l, mande depatman an yon "
        "nouvo kòd (ansyen an p ap mache ankò).",
    ),
}


def status_code_paragraphs(
    request: CertificationRequest, language: str, status_code: str
) -> list[Any]:
    """The heading and paragraph giving the reference, the code and the page's address."""
    if not status_code:
        return []
    st = styles()
    heading, text = STATUS_CODE_TEXT.get(language, STATUS_CODE_TEXT[Language.ENGLISH])
    url = f"{base_url()}{reverse('status_lookup')}"
    return [
        Spacer(1, 3 * mm),
        Paragraph(escape(heading), st["bold"]),
        # The code in bold, so it is read and typed without the words around it.
        Paragraph(
            escape(text.format(url=url, reference=request.reference, code="\x00")).replace(
                "\x00", f"<b>{escape(status_code)}</b>"
            ),
            st["body"],
        ),
    ]


def long_date(day: date | None, language: str = Language.ENGLISH) -> str:
    """The date as a letter writes it in ``language`` ("25 de noviembre de 2026")."""
    if day is None:
        return ""
    month = MONTHS.get(language, MONTHS[Language.ENGLISH])[day.month - 1]
    if language == Language.ENGLISH:
        return f"{month} {day.day}, {day.year}"
    if language == Language.HAITIAN_CREOLE:
        return f"{day.day} {month} {day.year}"
    return f"{day.day} de {month} de {day.year}"


def decline_reason_label(request: CertificationRequest, language: str) -> str:
    if not request.decline_reason:
        return ""
    translated = DECLINE_REASONS.get(language, {}).get(request.decline_reason)
    return translated or str(request.get_decline_reason_display())


def available(request: CertificationRequest, kind: str) -> bool:
    """Whether the letter exists yet for this request (its event has happened)."""
    return {
        Kind.ACKNOWLEDGEMENT: request.received_at is not None,
        Kind.DENIAL: request.status == Status.DECLINED,
        Kind.DELAY: request.delay_issued_at is not None,
        Kind.USCIS_WITHDRAWAL: request.status == Status.CERTIFICATION_WITHDRAWN,
        # The reconsideration letters were issued and stored at their event from the start:
        # never rendered on demand.
    }.get(kind, False)


def event_day(request: CertificationRequest, kind: str) -> date | None:
    """The day of the letter's event: receipt, decision, notice or withdrawal."""
    if kind == Kind.DENIAL:
        return clocks.answered_on(request)
    intake = getattr(request, "intake", None) if request.pk else None
    moment = {
        # A recorded request is acknowledged when it is recorded, not on the day of receipt.
        Kind.ACKNOWLEDGEMENT: intake.recorded_at if intake else request.received_at,
        Kind.DELAY: request.delay_issued_at,
        Kind.USCIS_WITHDRAWAL: request.certification_withdrawn_at,
    }.get(kind)
    return _day(moment)


def _saved(kind: str, language: str) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(kind=kind, language=language).first()


def wording_digest(subject: str, body: str) -> str:
    return hashlib.sha256(f"{subject}\n\n{body}".encode()).hexdigest()


def wording(kind: str, language: str = Language.ENGLISH) -> tuple[str, str]:
    saved = _saved(kind, language)
    if saved is not None:
        return saved.subject, saved.body
    if language == Language.ENGLISH:
        return SUBJECTS[language][kind], get_template(f"letters/{kind}.txt").template.source
    return (
        SUBJECTS[language][kind],
        get_template(f"letters/{language}/{kind}.txt").template.source,
    )


def translation_reviewed(kind: str, language: str, form_type: str = FormType.U_VISA) -> bool:
    """English is the department's own text; a translation counts as reviewed only when the
    department marked the wording in use now reviewed (its SHA-256 at review time). The T
    translations (letters_t.py) are not wording the department saves, so they stay to be
    reviewed."""
    if language == Language.ENGLISH:
        return True
    if form_type == FormType.T_VISA:
        return False
    saved = _saved(kind, language)
    return bool(
        saved
        and saved.reviewed_sha256
        and saved.reviewed_sha256 == wording_digest(saved.subject, saved.body)
    )


def _day(moment: Any) -> date | None:
    return timezone.localdate(moment) if moment else None


def letter_values(
    request: CertificationRequest,
    *,
    dated: date,
    notice: DelayNotice | None = None,
    language: str = Language.ENGLISH,
) -> dict[str, Any]:
    """Every named value a letter may use: strings, dates and numbers, no model objects.

    ``request``, ``agency`` and ``form`` are plain dicts with the names earlier wording used
    (``{{ request.reference }}``), so wording the department saved before keeps working."""
    official = signing_official(request)
    agency = request.agency
    org = request.organization
    form = IssuedForm.objects.current_for(request)
    contact = settings.UVISA_LETTER_CONTACT
    delay_reason = notice.reason if notice else request.delay_reason
    delay_process = notice.process if notice else request.delay_process
    projected = notice.projected_date if notice else request.delay_projected_date
    withdrawal_kind = request.certification_withdrawal_kind or "withdraw"
    citation = denial_citation(request)
    clause = request.decline_clause if citation else None
    translated = reviewed_translation(clause, language) if clause is not None else None
    # The date that applies (ordinary, expedited or after a delay notice) and why.
    deadline = letter_deadlines.letter_deadline(
        request, dated=dated, language=language, write_date=lambda d: long_date(d, language)
    )
    due = deadline.day
    values: dict[str, Any] = {
        "reference": request.reference,
        "today": dated,
        "dated": dated,
        "victim_name": request.victim_name,
        "victim_filing_name": request.victim_filing_name,
        "date_of_birth": request.date_of_birth,
        "a_number": request.a_number,
        "report_number": request.report_number,
        "receipt_number": request.uscis_receipt_number,
        # Named "organization_name" since the first wording; a recorded request names its
        # requester and how the department reaches them instead.
        "organization_name": contact_named(request, language),
        "agency_name": agency.name,
        "agency_phone": agency.phone,
        "received": _day(request.received_at),
        "due": due,
        "deadline_reason": deadline.reason,
        "deadline_basis": deadline.basis,
        "decline_reason": decline_reason_label(request, language),
        "decision_note": request.decision_note,
        # c. 258F s. 2 and s. 3(ii): the clause of the policy version in force, quoted.
        "policy_title": citation.policy_title if citation else "",
        "policy_version": citation.policy_version if citation else "",
        "policy_effective_on": citation.policy_effective_on if citation else None,
        "policy_clause_number": citation.clause_number if citation else "",
        "policy_clause_heading": citation.clause_heading if citation else "",
        "policy_clause_text": citation.clause_text if citation else "",
        # the clause in the letter's language when a reviewed translation exists; otherwise the
        # letter says so plainly and quotes the English
        "policy_clause_translated": translated is not None,
        "policy_clause_heading_local": translated.heading if translated else "",
        "policy_clause_text_local": translated.text if translated else "",
        "policy_translation_reviewer": translated.reviewer_name if translated else "",
        "policy_translation_reviewed_long": long_date(
            translated.reviewed_on if translated else None, language
        ),
        "delay_reason": delay_reason,
        "delay_process": delay_process,
        "delay_projected_date": projected,
        # c. 258F s. 3(iii) in the letter's language: the delay notice's reviewed translation,
        # or (none) the letter says so plainly and quotes the English
        **_delay_translation(notice, language),
        # Dates written out in the letter's language ("25 de noviembre de 2026").
        "dated_long": long_date(dated, language),
        "received_long": long_date(_day(request.received_at), language),
        "projected_long": long_date(projected, language),
        "due_long": long_date(due, language),
        "policy_effective_long": long_date(
            citation.policy_effective_on if citation else None, language
        ),
        "signed_on": request.signed_on,
        # I-914B 02/27/17 Part F: the officer and the officer's supervisor sign in ink, each
        # on their own date (the notice to USCIS names both).
        **_two_inks(request),
        "verification_code": form.verification_code if form else "",
        "withdrawal_reason": request.certification_withdrawal_reason,
        "withdrawn_on": _day(request.certification_withdrawn_at),
        "disavowal": withdrawal_kind == "disavow",
        "withdrawal_title": "Disavowal" if withdrawal_kind == "disavow" else "Withdrawal",
        "official_name": full_name(official.given_name, official.middle_name, official.family_name)
        if official
        else "",
        "official_title": official.title if official else "",
        "contact_name": contact.get("t_name") or contact.get("name", "")
        if request.form_type == FormType.T_VISA
        else contact.get("name", ""),
        "contact_title": contact.get("title", ""),
        "contact_phone": contact.get("phone", "") or agency.phone,
        "contact_email": contact.get("email", ""),
        "other_certifiers": "; ".join(settings.UVISA_OTHER_CERTIFIERS),
        # 5 ILCS 825/11(a): a denial says how to appeal it.
        "reconsideration_business_days": settings.UVISA_RECONSIDERATION_BUSINESS_DAYS,
        "uscis_address": ", ".join(uscis_address(request)),
        "form_title": "Form I-914, Supplement B"
        if request.form_type == FormType.T_VISA
        else "Form I-918, Supplement B",
        **_reconsideration_values(request, language),
        **_referral_values(request),
    }
    values["request"] = {
        "reference": values["reference"],
        "victim_filing_name": values["victim_filing_name"],
        "date_of_birth": values["date_of_birth"],
        "a_number": values["a_number"],
        "report_number": values["report_number"],
        "decision_note": values["decision_note"],
        "delay_reason": delay_reason,
        "delay_process": delay_process,
        "delay_projected_date": projected,
        "signed_on": values["signed_on"],
        "certification_withdrawal_reason": values["withdrawal_reason"],
        "certification_withdrawn_at": values["withdrawn_on"],
        "organization": {"name": org.name if org else ""},
    }
    values["agency"] = {"name": agency.name, "phone": agency.phone}
    values["form"] = {"verification_code": values["verification_code"]} if form else None
    return values


def _delay_translation(notice: Any, language: str) -> dict[str, Any]:
    translated = notice is not None and notice.translated_into(language)
    return {
        "delay_translated": translated,
        "delay_reason_local": notice.reason_translated if translated else "",
        "delay_process_local": notice.process_translated if translated else "",
        "delay_translation_reviewer": notice.translation_reviewer if translated else "",
        "delay_translation_reviewed_long": long_date(
            notice.translation_reviewed_on if translated else None, language
        ),
    }


def _reconsideration_values(request: CertificationRequest, language: str) -> dict[str, Any]:
    """The latest request for reconsideration: when it was asked, when it is due, the outcome."""
    latest = (
        request.reconsiderations.order_by("-requested_at", "-pk").first() if request.pk else None
    )
    if latest is None:
        return dict.fromkeys(
            [
                "reconsideration_requested_long",
                "reconsideration_due_long",
                "reconsideration_outcome",
                "denied_long",
            ],
            "",
        )
    return {
        "reconsideration_requested_long": long_date(_day(latest.requested_at), language),
        "reconsideration_due_long": long_date(latest.due_on, language),
        "reconsideration_outcome": latest.outcome,
        "denied_long": long_date(_day(latest.denied_at), language),
    }


def _referral_values(request: CertificationRequest) -> dict[str, Any]:
    """The referral to the agency with jurisdiction (cases/services/referral.py): the agency as
    it read on the day, the reason, and what was forwarded (no query for any other request)."""
    referral = (
        Referral.objects.filter(request=request).first()
        if request.pk and request.status == Status.REFERRED
        else None
    )
    if referral is None:
        return {**dict.fromkeys(letter_templates.REFERRAL_NAMES, ""), "referral_documents_count": 0}
    to = referral.referred_to
    kinds = dict(Document.Kind.choices)
    documents = referral.forwarded_documents
    return {
        "referral_agency_name": to.get("name", ""),
        "referral_agency_unit": to.get("unit", ""),
        "referral_agency_address": ", ".join(
            line.strip() for line in str(to.get("mailing_address", "")).splitlines() if line.strip()
        ),
        "referral_agency_phone": to.get("phone", ""),
        "referral_agency_email": to.get("email", ""),
        "referral_agency_jurisdiction": to.get("jurisdiction", ""),
        "referral_reason": referral.reason,
        "referral_forwarded": referral.forwarded,
        "referral_forward_method": referral.forward_method,
        "referral_consent": referral.consent_given,
        # Each document by kind with its SHA-256 (a file name may name the victim).
        "referral_documents": "; ".join(
            f"{i}. {kinds.get(d['kind'], d['kind'])}, SHA-256 {d['sha256']}"
            for i, d in enumerate(documents, 1)
        ),
        "referral_documents_count": len(documents),
    }


def _two_inks(request: CertificationRequest) -> dict[str, Any]:
    """The officer's and the supervisor's ink dates and the supervisor's name, where the form
    has both signatures and both are recorded; empty values otherwise (no query for a U
    request or a T form with one signature)."""
    none: dict[str, Any] = {
        "officer_signed_on": None,
        "supervisor_name": "",
        "supervisor_signed_on": None,
    }
    if request.form_type != FormType.T_VISA or not request.asks_supervisor_signature():
        return none
    ink = getattr(request, "ink_signature", None)
    supervisor = getattr(ink, "supervisor_signature", None) if ink else None
    if supervisor is None:
        return none
    return {
        "officer_signed_on": ink.signed_on,
        "supervisor_name": supervisor.supervisor_name,
        "supervisor_signed_on": supervisor.signed_on,
    }


def render_text(
    request: CertificationRequest,
    kind: str,
    *,
    language: str = Language.ENGLISH,
    dated: date | None = None,
    notice: DelayNotice | None = None,
) -> tuple[str, str]:
    t_wording = None
    if request.form_type == FormType.T_VISA:
        t_wording = letters_t.wording(kind, language) or letters_t.wording(kind)
    subject, body = t_wording or wording(kind, language)
    context = letter_values(
        request, dated=dated or timezone.localdate(), notice=notice, language=language
    )
    return (
        letter_templates.render(subject, context).strip(),
        letter_templates.render(body, context).strip(),
    )


def uscis_address(request: CertificationRequest) -> list[str]:
    """Where the notice withdrawing a certification or a T declaration goes (settings)."""
    if request.form_type == FormType.T_VISA:
        return list(settings.UVISA_USCIS_T_WITHDRAWAL_ADDRESS)
    return list(settings.UVISA_USCIS_WITHDRAWAL_ADDRESS)


def _addressee(request: CertificationRequest, kind: str) -> list[str]:
    if kind == Kind.USCIS_WITHDRAWAL:
        return uscis_address(request)
    if kind == Kind.REFERRAL_FORWARDING:  # the agency with jurisdiction, as it read that day
        to = request.referral.referred_to
        lines = [
            to.get("name", ""),
            to.get("unit", ""),
            *str(to.get("mailing_address", "")).splitlines(),
        ]
        return [line.strip() for line in lines if line.strip()]
    requester = letter_recipient(request)
    if requester is not None:
        return requester  # a request received by mail, e-mail, fax or in person
    org = request.organization
    lines = [request.victim_name, f"c/o {org.name}", org.street]
    advocate = request.advocate
    if request.requester_standing and advocate is not None:  # who asked, in what capacity
        name = advocate.get_full_name() or advocate.get_username()
        lines.insert(2, f"Attn: {name} ({request.requester_standing})")
    return [line for line in [*lines, f"{org.city} {org.state} {org.zip_code}".strip()] if line]


def _letter_story(
    request: CertificationRequest,
    kind: str,
    *,
    language: str,
    dated: date,
    notice: DelayNotice | None,
    banner: str = "",
    status_code: str = "",
) -> list[Any]:
    st = styles()
    subject, body = render_text(request, kind, language=language, dated=dated, notice=notice)
    agency = request.agency
    values = letter_values(request, dated=dated, notice=notice, language=language)
    regarding, reference = HEADINGS.get(language, HEADINGS[Language.ENGLISH])
    story: list[Any] = [
        Paragraph(escape(agency.name), st["title"]),
        Paragraph(
            escape(
                f"{agency.street}, {agency.city}, {agency.state} {agency.zip_code} · {agency.phone}"
            ),
            st["small"],
        ),
    ]
    if banner:
        story += [Spacer(1, 3 * mm), Paragraph(escape(banner), st["bold"])]
    story += [
        Spacer(1, 8 * mm),
        Paragraph(escape(values["dated_long"]), st["base"]),
        Spacer(1, 4 * mm),
        Paragraph("<br/>".join(escape(line) for line in _addressee(request, kind)), st["base"]),
        Spacer(1, 6 * mm),
        Paragraph(f"{regarding} {escape(subject)}", st["bold"]),
        Paragraph(f"{reference} {escape(request.reference)}", st["base"]),
    ]
    if kind == Kind.USCIS_WITHDRAWAL:
        receipt = values["receipt_number"] or "not known to the department"
        story.append(Paragraph(f"USCIS receipt number: {escape(receipt)}", st["base"]))
    story.append(Spacer(1, 5 * mm))
    for paragraph in [p for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]:
        story.append(Paragraph(escape(paragraph.strip()).replace("\n", "<br/>"), st["body"]))
    story += status_code_paragraphs(request, language, status_code)
    story.append(Spacer(1, 12 * mm))
    if kind == Kind.USCIS_WITHDRAWAL:
        # The withdrawal or disavowal is the certifying official's own written statement
        # (8 CFR 214.14(h)(2)(i)(A); I-918B instructions, Part 6 note): signed in ink.
        story += _ink_signature_block(values, st)
    elif values["official_name"]:
        story.append(
            Paragraph(
                f"{escape(values['official_name'])}<br/>{escape(values['official_title'])}",
                st["base"],
            )
        )
    story.append(Paragraph(escape(agency.name), st["base"]))
    if kind in (Kind.USCIS_WITHDRAWAL, Kind.REFERRAL_FORWARDING):
        # The requester receives a copy of the notice (8 CFR 214.14(h)(2)(ii): notice and a
        # chance to rebut follow from USCIS; the department's copy lets the victim prepare).
        copy = "cc: " + ", ".join(_addressee(request, Kind.DENIAL)[:2])
        story += [Spacer(1, 6 * mm), Paragraph(escape(copy), st["base"])]
    return story


SIGNATURE_RULE = "_" * 44


def _ink_signature_block(values: dict[str, Any], st: dict[str, Any]) -> list[Any]:
    """A line to sign in ink, the official's printed name and title under it, and a line
    for the date of signature."""
    name = values["official_name"] or "Name of the certifying official"
    title = values["official_title"] or "Title"
    return [
        Paragraph(SIGNATURE_RULE, st["base"]),
        Paragraph("Signature of the certifying official (in ink)", st["small"]),
        Spacer(1, 2 * mm),
        Paragraph(f"{escape(name)}<br/>{escape(title)}", st["base"]),
        Spacer(1, 8 * mm),
        Paragraph(SIGNATURE_RULE, st["base"]),
        Paragraph("Date of signature (mm/dd/yyyy)", st["small"]),
        Spacer(1, 4 * mm),
    ]


def render_letter_pdf(
    request: CertificationRequest,
    kind: str,
    *,
    language: str = Language.ENGLISH,
    dated: date | None = None,
    notice: DelayNotice | None = None,
    status_code: str = "",
) -> bytes:
    """The letter dated ``dated`` (default today); in ``language`` with the English attached.
    ``status_code``: printed with the reference and the status page's address (both copies)."""
    dated = dated or timezone.localdate()
    language = written_language(request, kind, language)
    story: list[Any] = []
    if language != Language.ENGLISH:
        reviewed = translation_reviewed(kind, language, request.form_type)
        banner = "" if reviewed else f"{TO_BE_REVIEWED[language]} ({TO_BE_REVIEWED_EN})"
        story += _letter_story(
            request,
            kind,
            language=language,
            dated=dated,
            notice=notice,
            banner=banner,
            status_code=status_code,
        )
        story += [PageBreak(), Paragraph(escape(ENGLISH_ATTACHED[language]), styles()["bold"])]
    story += _letter_story(
        request,
        kind,
        language=Language.ENGLISH,
        dated=dated,
        notice=notice,
        status_code=status_code,
    )
    subject, _body = render_text(request, kind, dated=dated, notice=notice)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=subject,
        author=request.agency.name,
    ).build(story)
    return buffer.getvalue()


def written_language(request: CertificationRequest, kind: str, language: str) -> str:
    """The language a letter of ``kind`` is written in when ``language`` is asked for: the
    translated letters (acknowledgement, denial, delay; U and T) in any letter language, the
    notice to USCIS in English only (8 CFR 214.14(h)(2))."""
    if kind not in TRANSLATED_KINDS or language not in TO_BE_REVIEWED:
        return Language.ENGLISH
    return language


def render_issued(
    request: CertificationRequest,
    kind: str,
    language: str,
    dated: date,
    notice: DelayNotice | None,
    *,
    status_code: str = "",
) -> tuple[bytes, str, bool]:
    """The renderer of issued letters (cases/issued_letters.py): the PDF, the language it is
    written in (English attached) and whether the translation in it was reviewed."""
    written = written_language(request, kind, language)
    pdf = render_letter_pdf(
        request, kind, language=written, dated=dated, notice=notice, status_code=status_code
    )
    reviewed = written == Language.ENGLISH or translation_reviewed(kind, written, request.form_type)
    return pdf, written, reviewed
