"""Demo T-visa requests (Form I-914 Supplement B) for `seed_demo`, in several states.

The synthetic I-914B ("TEST TEMPLATE - NOT THE USCIS FORM") is loaded as the demo's template;
a department loads USCIS's file with `load_form_template --form I-914B`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import services
from cases.documents import issuing
from cases.documents.official import active_template, load_template
from cases.models import Agency, DeclineReason, FormType, Status, Statute
from cases.services import department_text
from cases.uscis import i914b_fields, synthetic_i914b
from cases.uscis.trafficking import Cooperation, TraffickingForm

# (victim, target state, forms of trafficking, cooperation or exception)
T_PLAN: list[tuple[tuple[str, str, str], str, list[str], str]] = [
    (("Nguyễn", "Thị Hoa", ""), Status.CRIME_CHECK, [], ""),
    (
        ("Pierre", "Marie-Claude", ""),
        Status.HELPFULNESS_REVIEW,
        [TraffickingForm.DEBT_BONDAGE],
        "",
    ),
    (
        ("Mendoza", "Lucía", "Isabel"),
        Status.AWAITING_INK,
        [TraffickingForm.SEX_FORCE],
        Cooperation.COMPLIED,
    ),
    (
        ("Okafor", "Chiamaka", ""),
        Status.CERTIFIED,
        [TraffickingForm.INVOLUNTARY_SERVITUDE, TraffickingForm.PEONAGE],
        Cooperation.TRAUMA,
    ),
    (
        ("Silva", "Ana Paula", ""),
        Status.DECLINED,
        [TraffickingForm.SEX_MINOR],
        Cooperation.UNDER_18,
    ),
]


def demo_template() -> None:
    if active_template(FormType.T_VISA, i914b_fields.EDITION) is not None:
        return
    load_template(
        synthetic_i914b.synthetic_template(),
        form_type=FormType.T_VISA,
        edition=i914b_fields.EDITION,
        actor=None,
        filename="synthetic-i914b-01-20-25.pdf",
    )


def create_requests(agency: Agency, users: dict[str, Any], scan_png: bytes) -> int:
    """Five T requests of the first organisation, from the trafficking check to answered."""
    now = timezone.now()
    statutes = list(Statute.objects.filter(citation__in=["c.265 §50", "c.265 §51"]))
    for index, (victim, target, forms, cooperation) in enumerate(T_PLAN):
        family, given, middle = victim
        start = now - timedelta(days=20 + 15 * index)
        values = {
            "form_type": FormType.T_VISA,
            "family_name": family,
            "given_name": given,
            "middle_name": middle,
            "date_of_birth": start.date().replace(year=1990 + index),
            "gender": "F",
            "report_number": f"MPD-2025-{7100 + index}",
            # T letters in every letter language (the declined one in Spanish).
            "preferred_language": ("es", "pt", "ht", "en", "es")[index],
            "incident_date": (start - timedelta(days=200)).date(),
            "incident_location": "Medford, MA",
            "criminal_activity_description": "Recruited abroad with a false job offer, then "
            "kept working without pay to repay a debt, with documents withheld.",
        }
        # Drafted long before it was sent: the demo's newest request in each state stays a U
        # request (the guide's screenshots show the U pages).
        drafted = now - timedelta(days=330 + index)
        request = services.request_create(
            actor=users["advocate"], agency=agency, values=values, at=drafted
        )
        advance(request, target, forms, cooperation, users, statutes, start, scan_png)
    return len(T_PLAN)


def advance(
    request: Any,
    target: str,
    forms: list[str],
    cooperation: str,
    users: dict[str, Any],
    statutes: list[Statute],
    start: datetime,
    scan_png: bytes,
) -> None:
    """Take a T request from its draft (or, recorded from another channel, from its receipt)
    to ``target`` through the real services, a step every two days from ``start``."""
    coordinator, chief, detective = users["coordinator"], users["chief"], users["detective"]
    step = iter(start + timedelta(days=2 * n) for n in range(1, 14))
    if request.status == Status.DRAFT:
        request = services.request_submit(request=request, actor=request.advocate, at=next(step))
    if target == Status.WITHDRAWN:
        services.request_withdraw(
            request=request,
            actor=request.advocate or coordinator,  # the coordinator, for a recorded request
            reason="The victim left for another state and asked to stop.",
            at=next(step),
        )
        return
    if target == Status.RECEIVED:
        return
    request = services.request_begin_crime_check(request=request, actor=coordinator, at=next(step))
    if target == Status.INFO_REQUESTED:
        services.request_ask_information(
            request=request,
            actor=coordinator,
            text="Please send the name of the employer and the dates worked.",
            at=next(step),
        )
        return
    if target == Status.CRIME_CHECK:
        return
    request = services.request_record_crime_check(
        request=request,
        actor=coordinator,
        categories=[],
        statutes=statutes,
        values={"case_status": "ongoing"},
        trafficking_forms=forms,
        at=next(step),
    )
    # The department's own text of the attested items: the coordinator adopts the proposals.
    department_text.department_text_adopt(
        request=request,
        actor=coordinator,
        items=department_text.attested_in(request, parts=(2, 3, 4, 5)),
        at=next(step),
    )
    request = services.request_assign_detective(
        request=request, actor=coordinator, detective=detective, at=next(step)
    )
    request = services.request_confirm_qualifying_crime(
        request=request, actor=coordinator, at=next(step)
    )
    if target == Status.HELPFULNESS_REVIEW:
        return
    request = services.request_record_helpfulness(
        request=request,
        actor=detective,
        values={
            "cooperation": cooperation,
            "cooperation_explanation": "Met investigators twice and identified the recruiter."
            if cooperation == Cooperation.COMPLIED
            else "The exception applies, as the victim's advocate documented.",
            "family_members_implicated": "no",
        },
        at=next(step),
    )
    request = services.request_attest_helpfulness(request=request, actor=detective, at=next(step))
    if target == Status.CHIEF_DECISION:
        return
    if target == "delay_notice":
        services.request_issue_delay_notice(
            request=request,
            actor=coordinator,
            reason="The federal task force holds the interview recordings.",
            process="We have asked the task force for them and will decide on receipt.",
            projected_date=timezone.localdate() + timedelta(days=30),
        )
        return
    if target == Status.DECLINED:
        services.request_decline(
            request=request,
            actor=chief,
            reason=DeclineReason.NO_JURISDICTION,
            note="The trafficking took place outside the department's jurisdiction.",
            at=next(step),
        )
        return
    request = issuing.request_certify(request=request, actor=chief, at=next(step))
    if target == Status.AWAITING_INK:
        return
    ink_at = next(step)
    request = issuing.request_record_ink_signature(
        request=request,
        actor=coordinator,
        signed_on=timezone.localdate(ink_at),
        signer=request.certifying_official,
        scan=SimpleUploadedFile("signed-pages.png", scan_png, "image/png"),
        at=ink_at,
    )
    if target == Status.CERTIFICATION_WITHDRAWN:
        services.request_withdraw_certification(
            request=request,
            actor=chief,
            reason="The victim's statements were found to be contradicted by the records.",
            at=next(step),
        )
