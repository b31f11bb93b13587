"""Demo requests recorded from outside the portal for `seed_demo`: U requests received by mail
and T requests brought in person, at every stage from receipt to the ink record and after.

M.G.L. c. 258F s. 3 runs the 90 days from the day the department receives a request, from
anyone; most requests reach a department this way. Each is recorded with *Record a request*'s
service (its acknowledgement issued at once, in the requester's language) and driven through
the same services as the portal's requests. Names and addresses are fictional.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cases.management import seed_t
from cases.models import Agency, Channel, FormType, Status, Statute
from cases.services import received
from cases.uscis.trafficking import Cooperation, TraffickingForm

# Every stage a recorded request can be at (a recorded request has no draft).
STAGES = [
    Status.RECEIVED,
    Status.CRIME_CHECK,
    Status.INFO_REQUESTED,
    Status.HELPFULNESS_REVIEW,
    Status.CHIEF_DECISION,
    "delay_notice",
    Status.AWAITING_INK,
    Status.CERTIFIED,
    Status.DECLINED,
    Status.WITHDRAWN,
    Status.CERTIFICATION_WITHDRAWN,
]
# (channel, form): U requests by mail, T requests in person.
CHANNELS = [(Channel.MAIL, FormType.U_VISA), (Channel.IN_PERSON, FormType.T_VISA)]
LANGUAGES = ["es", "pt", "ht", "en"]

MAIL_VICTIMS = [
    ("Batista", "Renata"), ("Guerrero", "Paola"), ("Lafontant", "Rose-Marie"),
    ("Quintero", "Marisol"), ("Carvalho", "Beatriz"), ("Etienne", "Fabiola"),
    ("Montoya", "Daniela"), ("Rodrigues", "Patrícia"), ("Desrosiers", "Nadia"),
    ("Villanueva", "Carmen"), ("Albuquerque", "Juliana"),
]  # fmt: skip
WALK_IN_VICTIMS = [
    ("Valencia", "Yesenia"), ("Magalhães", "Larissa"), ("Jean-Louis", "Mirlande"),
    ("Sandoval", "Rocío"), ("Nascimento", "Fernanda"), ("Charlemagne", "Guerline"),
    ("Benavides", "Lorena"), ("Figueiredo", "Adriana"), ("Dorvilien", "Marjorie"),
    ("Echeverría", "Ximena"), ("Assunção", "Tatiane"),
]  # fmt: skip
# How each requester is reached: by mail (a postal address) or, in person, by e-mail or phone.
MAIL_REQUESTERS = [
    {
        "requester_name": "Atty. Helena Duarte",
        "requester_organization": "Duarte Immigration Law",
        "requester_address": "41 Riverside Avenue\nMedford MA 02155",
    },
    {
        "requester_name": "Graciela Montes",
        "requester_address": "18 Salem Street, Apt 2\nMedford MA 02155",
    },
]
WALK_IN_REQUESTERS = [
    {
        "requester_name": "Lidia Ferraz",
        "requester_email": "lferraz@example.org",
        "requester_address": "9 High Street\nMedford MA 02155",
    },
    {
        "requester_name": "Sr. Marta Ortiz",
        "requester_organization": "Casa Esperanza shelter",
        "requester_address": "120 Fellsway West\nMedford MA 02155",
        "requester_phone": "781-555-0143",
    },
]


def create_requests(
    agency: Agency,
    users: dict[str, Any],
    scan_png: bytes,
    *,
    advance: Callable[..., None],
    statutes: list[str],
) -> int:
    """A mail-in U request and a walk-in T request at each stage; returns how many. The U
    requests take seed_demo's steps (``advance``, citing ``statutes``), the T requests
    seed_t's."""
    rng = random.Random(2584)  # noqa: S311 (demo data, not security)
    now = timezone.now()
    u_statutes = {s.citation: s for s in Statute.objects.filter(citation__in=statutes)}
    t_statutes = list(Statute.objects.filter(citation__in=["c.265 §50", "c.265 §51"]))
    created = 0
    for channel, form_type in CHANNELS:
        mail = channel == Channel.MAIL
        for index, target in enumerate(STAGES):
            family, given = (MAIL_VICTIMS if mail else WALK_IN_VICTIMS)[index]
            start = now - timedelta(days=40 + 9 * index, hours=rng.randint(0, 8))
            received_on = timezone.localdate(start)
            requester = dict((MAIL_REQUESTERS if mail else WALK_IN_REQUESTERS)[index % 2])
            values: dict[str, Any] = {
                "form_type": form_type,
                "family_name": family,
                "given_name": given,
                "date_of_birth": received_on.replace(year=1980 + index) - timedelta(days=3),
                "gender": "F",
                "preferred_language": LANGUAGES[index % len(LANGUAGES)],
                "report_number": f"MPD-2025-{8200 + 20 * index + (0 if mail else 1)}",
                "incident_date": received_on - timedelta(days=120 + index),
                "incident_location": "Medford, MA (Mystic Avenue)",
                "criminal_activity_description": "The victim reported a violent assault by a "
                "former partner; officers took a statement and photographed the injuries."
                if mail
                else "Brought from abroad with a false job offer and made to work without pay "
                "to repay a debt; her passport was held by the employer.",
                "injury_description": "Bruising and a fractured wrist, treated at a hospital."
                if mail
                else "Exhaustion and untreated injuries from the work.",
            }
            # Recorded on the day it arrived (the acknowledgement is dated that day).
            request = received.intake_record(
                actor=users["coordinator"],
                agency=agency,
                channel=channel,
                received_on=received_on,
                requester=requester,
                values=values,
                at=start,
            )
            if mail:
                advance(request, target, users, u_statutes, start, rng, scan_png=scan_png)
            else:
                seed_t.advance(
                    request,
                    target,
                    [
                        TraffickingForm.INVOLUNTARY_SERVITUDE
                        if index % 2
                        else TraffickingForm.DEBT_BONDAGE
                    ],
                    Cooperation.COMPLIED if index % 3 else Cooperation.TRAUMA,
                    users,
                    t_statutes,
                    start,
                    scan_png,
                )
            created += 1
    return created
