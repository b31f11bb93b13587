"""Demo data: the Medford agency, two advocate organisations, one user per role, ~30 requests.

Idempotent: users and reference rows are created once; requests only when the demo
organisations have none. Every request is driven through the real services, so the
audit trail is what the application itself would have written. Names are fictional.
"""

from __future__ import annotations

import random
import struct
import zlib
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import policy, services
from cases.documents import issuing
from cases.documents.official import active_template, load_template
from cases.management import seed_received, seed_t
from cases.models import (
    OPEN_STATES,
    AdvocateOrganization,
    Agency,
    CertificationRequest,
    CertifyingOfficial,
    DeclineReason,
    ExpeditedReason,
    FormType,
    Language,
    PolicyVersion,
    QualifyingCrimeCategory,
    Status,
    Statute,
)
from cases.reference_data import MEDFORD_AGENCY
from cases.roles import ADVOCATE, AUDITOR, CHIEF, COORDINATOR, DETECTIVE
from cases.services import department_text, reconsideration, referral, status_codes
from cases.uscis import i918b_fields as fields_map
from cases.uscis.synthetic import synthetic_template

DEMO_PASSWORD = "demo-pass-2026"

USERS = [
    # username, given, family, role, organisation index
    ("advocate", "Ana", "Reyes", ADVOCATE, 0),
    ("advocate2", "Bilal", "Haddad", ADVOCATE, 1),
    ("coordinator", "Carla", "Nunes", COORDINATOR, None),
    ("detective", "Dev", "Patel", DETECTIVE, None),
    ("detective2", "Erin", "O'Malley", DETECTIVE, None),
    ("chief", "Frank", "Delaney", CHIEF, None),
    ("auditor", "Grace", "Liu", AUDITOR, None),
]

# name, street, city, ZIP, e-mail: the letters' address block (fictional street numbers).
ORGANIZATIONS = [
    (
        "Mystic Valley Immigrant Legal Services",
        "200 Pleasant Street, Suite 4",
        "Malden",
        "02148",
        "intake@mvils.example.org",
    ),
    (
        "Greater Boston Survivors' Advocacy Center",
        "75 Federal Street, 3rd Floor",
        "Boston",
        "02110",
        "help@gbsac.example.org",
    ),
]
# The federal requests log's demo login (federal_requests/management/commands/
# seed_federal_demo.py creates it; `make run` runs both).
RECORDS_LOGIN = ("records", "records_officer", "Rita", "Okafor")
# The letter languages, in turn, so the demo has letters in each (U and T).
LANGUAGES = ["en", "es", "pt", "ht"]

VICTIMS = [
    ("García", "María", "José"),
    ("Nguyen", "Thi", "Lan"),
    ("Silva", "João", ""),
    ("Mendes", "Luiza", ""),
    ("Pierre", "Jean-Baptiste", ""),
    ("Hernández", "Rosa", "Elena"),
    ("Oyelaran", "Folake", ""),
    ("Zhang", "Wei", ""),
    ("Castillo", "Luis", "Alberto"),
    ("Haile", "Meron", ""),
    ("Dubois", "Nadège", ""),
    ("Kowalski", "Agnieszka", ""),
    ("Ramírez", "Sofía", ""),
    ("Tran", "Minh", "Duc"),
    ("Osei", "Kwame", ""),
    ("Ferreira", "Ana Paula", ""),
    ("Morales", "Diego", ""),
    ("Al-Sayed", "Layla", ""),
    ("Joseph", "Marie-Claire", ""),
    ("Pérez", "Camila", ""),
    ("Santos", "Thiago", ""),
    ("Ivanova", "Olga", ""),
    ("Cruz", "Gabriela", ""),
    ("Mensah", "Abena", ""),
    ("López", "Valentina", ""),
    ("Rahman", "Nusrat", ""),
    ("Vargas", "Andrés", ""),
    ("Chen", "Mei", ""),
    ("Baptiste", "Wilner", ""),
    ("Flores", "Isabel", ""),
]

STATUTES = [
    "c.265 §13M",
    "c.265 §15A",
    "c.265 §43",
    "c.265 §22",
    "c.265 §26",
    "c.265 §51",
    "c.265 §25",
    "c.268 §13B",
    "c.265 §15D",
    "c.209A §7",
]

# Where each of the 30 demo requests ends up (every state is present).
PLAN = (
    [Status.DRAFT] * 3
    + [Status.RECEIVED] * 4
    + [Status.CRIME_CHECK] * 4
    + [Status.HELPFULNESS_REVIEW] * 4
    + [Status.CHIEF_DECISION] * 2
    + [Status.REFERRED]
    + [Status.INFO_REQUESTED] * 2
    + ["delay_notice"]
    + [Status.CERTIFIED] * 4
    + [Status.AWAITING_INK]
    + [Status.DECLINED, Status.RECONSIDERATION]
    + [Status.WITHDRAWN]
    + [Status.CERTIFICATION_WITHDRAWN]
)


SAMPLE_POLICY_PREAMBLE = (
    "SAMPLE TEXT for demonstration only. The department answers every request for Form I-918 "
    "or I-914 Supplement B within 90 days of receiving it (M.G.L. c. 258F s. 3). It certifies "
    "when the criteria below are met; otherwise it denies in writing, without prejudice, citing "
    "the clause not met. It does not ask about immigration status. Expedited requests: when "
    "the victim is in removal proceedings or in immigration detention, or a qualifying family "
    "member is about to age out, the department answers within 30 days of receipt, and at "
    "least 14 days before the age-out date (department policy under c. 258F s. 2; the statute "
    "sets no shorter period). When circumstances outside its control delay an answer, it "
    "writes by the due date with the reason, the process and a projected date (s. 3(iii))."
)
SAMPLE_POLICY_CLAUSES = """1. [not_qualifying_crime] No qualifying criminal activity
The department certifies only when the victim was a victim of criminal activity listed in \
8 U.S.C. 1101(a)(15)(U)(iii), or similar activity, or of a severe form of trafficking.

2. [not_victim] Not a victim
The requester did not suffer direct and proximate harm from the criminal activity, and is \
not an indirect victim (8 CFR 214.14(a)(14)).

3. [not_helpful] No helpfulness
The victim has not been, is not being and is not likely to be helpful in the detection, \
investigation or prosecution of the criminal activity (8 CFR 214.14(b)(3)).

4. [refused_assistance] Refused reasonable assistance
Since cooperation began, the victim unreasonably refused or failed to provide information \
and assistance reasonably requested.

5. [no_jurisdiction] Not the department's case
The department did not detect, investigate or prosecute the criminal activity.

6. [culpable] Culpable requester
The requester was culpable in the criminal activity (8 CFR 214.14(a)(14)(iii)).

7. [insufficient_information] Information not provided
Information the department requested in writing to decide the request was not provided."""


# The sample clauses in Spanish, as a reviewed translation (sample text, like the policy).
SAMPLE_POLICY_SPANISH = {
    "not_qualifying_crime": (
        "Ninguna actividad delictiva que califique",
        "El departamento certifica solo cuando la víctima lo fue de una actividad delictiva "
        "enumerada en 8 U.S.C. 1101(a)(15)(U)(iii), o de una actividad similar, o de una forma "
        "grave de trata de personas.",
    ),
    "not_victim": (
        "No es víctima",
        "La persona solicitante no sufrió un daño directo e inmediato por la actividad "
        "delictiva y no es víctima indirecta (8 CFR 214.14(a)(14)).",
    ),
    "not_helpful": (
        "Sin colaboración",
        "La víctima no ha colaborado, no colabora y no es probable que colabore en la "
        "detección, la investigación o el enjuiciamiento de la actividad delictiva "
        "(8 CFR 214.14(b)(3)).",
    ),
    "refused_assistance": (
        "Se negó a prestar una ayuda razonable",
        "Desde que comenzó a colaborar, la víctima se negó sin motivo razonable a dar la "
        "información y la ayuda que se le pidieron razonablemente, o no las dio.",
    ),
    "no_jurisdiction": (
        "No es un caso del departamento",
        "El departamento no detectó, no investigó ni enjuició la actividad delictiva.",
    ),
    "culpable": (
        "Persona solicitante culpable",
        "La persona solicitante fue culpable de la actividad delictiva (8 CFR 214.14(a)(14)(iii)).",
    ),
    "insufficient_information": (
        "No se dio la información",
        "No se dio la información que el departamento pidió por escrito para decidir la solicitud.",
    ),
}
SAMPLE_TRANSLATOR = "Sample reviewer (demonstration: not a real translator)"


# Nearby certifiers in Middlesex County, MA, for the demo's directory (c. 258F s. 1). Only the
# town is given: every street address, phone and e-mail is to be confirmed before use
# (docs/guide/coordinator.md, "The certifier directory").
CONFIRM = "street address, phone and e-mail: confirm before use"
MIDDLESEX_CERTIFIERS = [
    (
        "Middlesex District Attorney's Office",
        "district_attorney",
        "Crimes prosecuted in the courts of Middlesex County (54 cities and towns, Medford "
        "among them), including cases the police referred for prosecution",
        "Victim Witness Services (confirm the unit that takes certification requests)",
        "Woburn, MA",
    ),
    (
        "Middlesex Sheriff's Office",
        "sheriff",
        "Middlesex County: the Middlesex Jail & House of Correction (Billerica) and the "
        "Sheriff's own investigations",
        "",
        "Medford, MA (administrative offices)",
    ),
    (
        "Massachusetts State Police",
        "state_police",
        "Statewide: state highways and state property, and the State Police detectives "
        "attached to the Middlesex District Attorney's Office",
        "",
        "Framingham, MA (General Headquarters)",
    ),
    *(
        (
            f"{town} Police Department",
            "police",
            f"Crimes reported in {town}, MA",
            "",
            f"{town}, MA",
        )
        for town in (
            "Malden",
            "Somerville",
            "Arlington",
            "Everett",
            "Winchester",
            "Stoneham",
            "Melrose",
        )
    ),
]


def seed_certifier_directory(agency: Agency, coordinator: Any) -> None:
    """The demo's directory of nearby certifiers, through the audited service (idempotent)."""
    if agency.certifier_directory.exists():
        return
    for name, kind, jurisdiction, unit, town in MIDDLESEX_CERTIFIERS:
        referral.directory_save(
            actor=coordinator,
            agency=agency,
            values={
                "name": name,
                "kind": kind,
                "jurisdiction": jurisdiction,
                "unit": unit,
                "mailing_address": f"{town}\n({CONFIRM})",
            },
        )


class Command(BaseCommand):
    help = "Create demo agency, users and about 30 requests in every state (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo people have example.org addresses; the demo sends no mail at all.
        dummy_mail = "django.core.mail.backends.dummy.EmailBackend"
        with override_settings(EMAIL_BACKEND=dummy_mail), transaction.atomic():
            agency, users, organizations = self._reference_data()
            _demo_template()
            seed_t.demo_template()
            self._sample_policy(agency, users["chief"])
            seed_certifier_directory(agency, users["coordinator"])
            created = 0
            status_try = None
            if not CertificationRequest.objects.filter(organization__in=organizations).exists():
                created = self._requests(agency, users)
                created += seed_t.create_requests(agency, users, _demo_png())
                created += seed_received.create_requests(
                    agency, users, _demo_png(), advance=advance, statutes=STATUTES
                )
                status_try = self._status_code_to_try(users)
        self.stdout.write(
            f"Demo data ready: {created} requests created "
            f"({CertificationRequest.objects.count()} in all)."
        )
        if status_try:
            reference, code = status_try
            self.stdout.write(
                f"Public status page /status/ (no sign-in): reference {reference}, status code "
                f"{code} (printed this once; the code is also in that request's latest "
                "acknowledgement letter)."
            )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, given, family, role, _org in USERS:
            self.stdout.write(f"  {username:<12} {role:<12} {given} {family}")
        username, role, given, family = RECORDS_LOGIN
        self.stdout.write(
            f"  {username:<12} {role:<12} {given} {family} (the federal requests log; "
            "created by seed_federal_demo)"
        )
        self.stdout.write(
            "Second factor: `DJANGO_DEBUG=1 .venv/bin/python manage.py demo_code USERNAME` prints "
            "the current code, or add the key from `demo_code --key USERNAME` to an "
            "authenticator app."
        )

    def _status_code_to_try(self, users: dict[str, Any]) -> tuple[str, str] | None:
        """Every recorded request got a status code with its acknowledgement; the demo gives one
        under review a new one, to print (the database keeps only its keyed hash)."""
        recorded = (
            CertificationRequest.objects.filter(organization=None, intake__isnull=False)
            .exclude(status__in=["draft", "received"])
            .order_by("pk")
            .first()
        )
        if recorded is None:
            return None
        _letter, code = status_codes.request_new_status_code(
            request=recorded, actor=users["coordinator"]
        )
        return recorded.reference, code

    def _reference_data(self) -> tuple[Agency, dict[str, Any], list[AdvocateOrganization]]:
        agency, _ = Agency.objects.get_or_create(code="MPD", defaults=MEDFORD_AGENCY)
        organizations = []
        for name, street, city, zip_code, email in ORGANIZATIONS:
            group, _ = Group.objects.get_or_create(name=f"org: {name}")
            org, _ = AdvocateOrganization.objects.get_or_create(
                name=name, defaults=dict(group=group, city=city, state="MA", email=email)
            )
            if not (org.street and org.zip_code):  # demo databases seeded before the address
                org.street, org.zip_code = street, zip_code
                org.save(update_fields=["street", "zip_code"])
            organizations.append(org)
        User = get_user_model()
        users: dict[str, Any] = {}
        for username, given, family, role, org_index in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults=dict(
                    first_name=given, last_name=family, email=f"{username}@demo.example.org"
                ),
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            if org_index is not None:
                user.groups.add(organizations[org_index].group)
            # An enrolled authenticator, so the demo asks for a code at once; the code comes
            # from `manage.py demo_code USER` (DEBUG only) or an app given the printed key.
            TOTPDevice.objects.get_or_create(
                user=user, confirmed=True, defaults={"name": "demo authenticator"}
            )
            users[username] = user
        CertifyingOfficial.objects.get_or_create(
            agency=agency,
            user=users["chief"],
            defaults=dict(
                family_name="Delaney",
                given_name="Frank",
                title="Chief of Police, Office of the Chief",
                is_agency_head=True,
                designated_on=date(2024, 1, 2),
            ),
        )
        return agency, users, organizations

    def _sample_policy(self, agency: Agency, chief: Any) -> None:
        """A sample written policy (c. 258F s. 2), marked as a sample: not Medford's text."""
        if PolicyVersion.objects.filter(agency=agency).exists():
            return
        policy.policy_adopt(
            actor=chief,
            agency=agency,
            title="Sample policy on U and T visa certification requests",
            preamble=SAMPLE_POLICY_PREAMBLE,
            effective_on=date(2024, 1, 2),
            clauses=policy.parse_clauses(SAMPLE_POLICY_CLAUSES),
            is_sample=True,
        )
        version = PolicyVersion.objects.get(agency=agency, number=1)
        for clause in version.clauses.all():
            heading, text = SAMPLE_POLICY_SPANISH[clause.code]
            policy.record_clause_translation(
                actor=chief,
                clause=clause,
                language=Language.SPANISH,
                heading=heading,
                text=text,
                reviewer_name=SAMPLE_TRANSLATOR,
                reviewed_on=date(2024, 1, 2),
            )

    def _requests(self, agency: Agency, users: dict[str, Any]) -> int:
        rng = random.Random(1367)  # noqa: S311 (demo data, not security)
        now = timezone.now()
        statutes = {s.citation: s for s in Statute.objects.filter(citation__in=STATUTES)}
        for index, target in enumerate(PLAN):
            advocate = users["advocate"] if index % 3 else users["advocate2"]
            family, given, middle = VICTIMS[index]
            # Open requests arrived in the last ~3 months (a few now overdue); answered ones
            # over the ten months before.
            open_request = target in (*OPEN_STATES, "delay_notice")
            age = rng.randint(3, 100) if open_request else rng.randint(100, 320)
            start = now - timedelta(days=age, hours=rng.randint(0, 8))
            expedited = index in (4, 12, 19)
            values = {
                "family_name": family,
                "given_name": given,
                "middle_name": middle,
                "a_number": f"{rng.randint(10_000_000, 999_999_999):09d}" if index % 4 else "",
                "date_of_birth": date(1975 + index, 1 + index % 12, 1 + index % 27),
                "gender": "F" if index % 3 else "M",
                "report_number": f"MPD-{2019 + index % 7}-{rng.randint(1000, 99999):05d}",
                "incident_date": (start - timedelta(days=rng.randint(60, 3000))).date(),
                "incident_location": rng.choice(
                    [
                        "Medford, MA (Salem Street)",
                        "Medford, MA (Riverside Avenue)",
                        "Medford, MA (Fellsway West)",
                        "Medford, MA (High Street)",
                    ]
                ),
                "criminal_activity_description": "The victim reported an assault by a household "
                "member; officers responded and documented injuries.",
                "injury_description": "Bruising to the arms and face; treated at a local hospital.",
                "expedited": expedited,
                "expedited_reason": ExpeditedReason.REMOVAL_PROCEEDINGS if expedited else "",
                "preferred_language": LANGUAGES[index % len(LANGUAGES)],
            }
            request = services.request_create(
                actor=advocate, agency=agency, values=values, at=start
            )
            services.request_add_document(
                request=request,
                actor=advocate,
                upload=_demo_pdf(f"Request letter for {request.reference}"),
                kind="request_letter",
            )
            advance(request, target, users, statutes, start, rng)
        return len(PLAN)


def advance(
    request: CertificationRequest,
    target: str,
    users: dict[str, Any],
    statutes: dict[str, Statute],
    start: datetime,
    rng: random.Random,
    *,
    scan_png: bytes | None = None,
) -> None:
    """Take a U request from its draft (or, recorded from another channel, from its receipt)
    to ``target`` through the real services; the steps spread between ``start`` and now."""
    coordinator, chief = users["coordinator"], users["chief"]
    detective = users["detective"] if rng.random() < 0.6 else users["detective2"]
    # Up to fourteen steps (with the department's text), spread evenly between receipt and now.
    spacing = (timezone.now() - start) / 15
    step = iter(start + spacing * n for n in range(1, 16))
    if target == Status.DRAFT:
        return
    if request.status == Status.DRAFT:
        request = services.request_submit(request=request, actor=request.advocate, at=next(step))
    if target == Status.WITHDRAWN:
        services.request_withdraw(
            request=request,
            actor=request.advocate or coordinator,  # the coordinator, for a recorded request
            reason="The victim moved out of state.",
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
            text="Please send the incident report number and a copy of the 209A order.",
            at=next(step),
        )
        return
    if target == Status.CRIME_CHECK:
        return
    chosen = rng.sample(sorted(statutes), 2)
    cited = [statutes[c] for c in chosen]
    categories = {cat for s in cited for cat in s.categories.all()}
    request = services.request_record_crime_check(
        request=request,
        actor=coordinator,
        categories=categories,
        statutes=cited,
        values={
            "case_status": "completed",
            "occurred_in_us": "yes",
            "occurred_in_us_explanation": "Medford, Massachusetts",
            "extraterritorial": "no",
        },
        at=next(step),
    )
    # The department's own text of Parts 2-3 (Supplement B instructions): the coordinator
    # adopts the advocate's proposals, and writes the description in the department's words.
    department_text.department_text_adopt(
        request=request,
        actor=coordinator,
        items=department_text.attested_in(request, parts=(2, 3, 4, 5)),
        at=next(step),
    )
    if request.pk % 2:  # every other request (the demo's random draws stay as they were)
        department_text.department_text_rewrite(
            request=request,
            actor=coordinator,
            part=3,
            number="6",
            value="Investigated under the statutes cited in Item 3. "
            + request.criminal_activity_description,
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
            "possesses_information": "yes",
            "has_been_helpful": "yes",
            "refused_or_failed": "no",
            "helpfulness_explanation": "The victim called 911, gave a statement the same "
            "night and identified the suspect.",
            "family_members_implicated": "no",
        },
        at=next(step),
    )
    request = services.request_attest_helpfulness(request=request, actor=detective, at=next(step))
    if target == Status.CHIEF_DECISION:
        return
    if target == Status.REFERRED:
        # The crime happened in the next town: referred, documents forwarded only with the
        # victim's consent (none recorded on the demo's portal requests: not forwarded).
        entry = request.agency.certifier_directory.get(name="Malden Police Department")
        referral.request_refer_to_agency(
            request=request,
            actor=chief,
            entry=entry.pk,
            reason="The assault took place in Malden and was reported to the Malden police, "
            "who investigated it; this department took no part in the investigation.",
            at=next(step),
        )
        return
    if target == "delay_notice":
        services.request_issue_delay_notice(
            request=request,
            actor=coordinator,
            reason="The original report is held by the District Attorney's office.",
            process="We have asked the DA's office for a copy and will decide on receipt.",
            projected_date=timezone.localdate() + timedelta(days=30),
        )
        return
    if target in (Status.DECLINED, Status.RECONSIDERATION):
        request = services.request_decline(
            request=request,
            actor=chief,
            reason=DeclineReason.NOT_QUALIFYING_CRIME,
            note="The documented offense is a misdemeanor without a qualifying element.",
            at=next(step),
        )
        if target == Status.RECONSIDERATION:
            reconsideration.request_ask_reconsideration(
                request=request,
                actor=request.advocate,
                reasons="The prosecutor's letter shows the charge includes a qualifying element.",
                at=next(step),
            )
        return
    decided_at = next(step)
    request = issuing.request_certify(request=request, actor=chief, at=decided_at)
    if target == Status.AWAITING_INK:
        return
    ink_at = next(step)
    request = issuing.request_record_ink_signature(
        request=request,
        actor=coordinator,
        signed_on=timezone.localdate(ink_at),
        signer=request.certifying_official,
        scan=SimpleUploadedFile("signed-pages.png", scan_png or _demo_png(), "image/png"),
        at=ink_at,
    )
    if target == Status.CERTIFICATION_WITHDRAWN:
        services.request_withdraw_certification(
            request=request,
            actor=chief,
            reason="The victim unreasonably refused to testify when subpoenaed.",
            at=next(step),
        )


def _demo_png() -> bytes:
    """A small grey image standing in for the scan of the ink-signed pages."""
    width, height = 85, 110
    raw = b"".join(b"\x00" + b"\xc8" * width for _ in range(height))
    chunk = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = b"IDAT" + zlib.compress(raw)

    def png_chunk(body: bytes) -> bytes:
        return struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))

    return b"\x89PNG\r\n\x1a\n" + png_chunk(chunk) + png_chunk(data) + png_chunk(b"IEND")


def _demo_template() -> None:
    """The synthetic Supplement B ("TEST TEMPLATE - NOT THE USCIS FORM"): USCIS's file is not
    shipped. A department loads the real one with load_form_template."""
    if active_template(FormType.U_VISA, fields_map.EDITION) is not None:
        return
    names = list(
        QualifyingCrimeCategory.objects.order_by("form_order").values_list("name", flat=True)
    )
    load_template(
        synthetic_template(fields_map.FIELDS_CSV, category_tooltips=names),
        form_type=FormType.U_VISA,
        edition=fields_map.EDITION,
        actor=None,
        filename="synthetic-i918b-01-20-25.pdf",
    )


def _demo_pdf(title: str) -> ContentFile:
    body = f"BT /F1 12 Tf 72 720 Td ({title}) Tj ET".encode()
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        b"4 0 obj<</Length "
        + str(len(body)).encode()
        + b">>stream\n"
        + body
        + b"\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return ContentFile(pdf, name="request-letter.pdf")
