"""Demo data for the federal-request log: a records officer and a plausible half-year.

Idempotent: the records officer is created once; entries and task forces only when the log
is empty. The entries fill the last full report period (so its report can be produced at
once) and the current one up to today, written through the services so the audit trail is
what the application itself would write. Every name, date of birth and address is
fictional. Run after ``seed_demo`` (which creates the Chief and the auditor).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from federal_requests import services
from federal_requests.models import Agency, Entry, Kind, LegalBasis, Response, TaskForce
from federal_requests.periods import Period, period_containing
from federal_requests.roles import CHIEF, RECORDS_OFFICER, sync_roles

DEMO_PASSWORD = "demo-pass-2026"
OFFICER = ("records", "Rita", "Okafor")

PEOPLE = [
    ("Carlos Mendoza Ruiz", date(1988, 4, 12), "14 Elm Street, Apt 2, Medford, MA 02155"),
    ("Daniel Alves", date(1979, 11, 3), "230 Salem Street, Medford, MA 02155"),
    ("Kevin Owusu", date(1995, 6, 21), "9 Fulton Street, Medford, MA 02155"),
    ("Ricardo Batista", date(1983, 2, 28), "77 Riverside Avenue, Medford, MA 02155"),
    ("Jorge Luis Paredes", date(1991, 9, 9), "5 Boston Avenue, Medford, MA 02155"),
    ("Samuel Tesfaye", date(1986, 1, 17), "41 High Street, Medford, MA 02155"),
    ("Marco Antônio Lima", date(1990, 7, 30), "118 Main Street, Medford, MA 02155"),
    ("Edwin Castellanos", date(1975, 12, 5), "62 Harvard Street, Medford, MA 02155"),
]

# (kind, agency, weight): detainers and information requests from ICE are the most common.
MIX = [
    (Kind.DETAINER, Agency.ICE, 6),
    (Kind.ADMIN_WARRANT, Agency.ICE, 3),
    (Kind.INFORMATION, Agency.ICE, 5),
    (Kind.INFORMATION, Agency.HSI, 3),
    (Kind.INFORMATION, Agency.USCIS, 2),
    (Kind.ASSISTANCE, Agency.HSI, 2),
    (Kind.ASSISTANCE, Agency.CBP, 1),
    (Kind.ACCESS, Agency.ICE, 2),
    (Kind.OTHER, Agency.CBP, 1),
]

TASK_FORCES = [
    (
        "Middlesex County Gang Task Force",
        "Regional investigation of violent street gangs, led by the District Attorney.",
        [Agency.HSI],
        "HSI agents join joint operations; no civil immigration enforcement.",
        TaskForce.Disclosure.DISCLOSE,
    ),
    (
        "Regional Human Trafficking Working Group",
        "Victim-centred investigation of labour and sex trafficking.",
        [Agency.HSI, Agency.USCIS],
        "HSI investigates; USCIS explains T and U visa protections to victims.",
        TaskForce.Disclosure.DISCLOSE,
    ),
    (
        "Financial Crimes Joint Investigation",
        "An investigation still under seal.",
        [Agency.HSI],
        "Information sharing under a court order.",
        TaskForce.Disclosure.WITHHOLD,
    ),
]


class Command(BaseCommand):
    help = "Create the records officer and a half-year of federal requests (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        sync_roles()
        with transaction.atomic():
            officer = self._officer()
            created = 0
            if not Entry.objects.exists():
                created = self._entries(officer)
            if not TaskForce.objects.exists():
                self._task_forces(officer)
        self.stdout.write(
            f"Federal-request demo ready: {created} entries created "
            f"({Entry.objects.count()} in all)."
        )
        self.stdout.write(
            f"Demo login of the federal requests log (password: {DEMO_PASSWORD}; second factor "
            "from `demo_code records`):"
        )
        self.stdout.write(f"  {OFFICER[0]:<12} {RECORDS_OFFICER:<16} {OFFICER[1]} {OFFICER[2]}")

    def _officer(self) -> Any:
        username, given, family = OFFICER
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults=dict(first_name=given, last_name=family, email=f"{username}@demo.example.org"),
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=RECORDS_OFFICER))
        TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "demo authenticator"}
        )
        return user

    def _entries(self, officer: Any) -> int:
        rng = random.Random(50105)  # noqa: S311  (the same demo every time; not security)
        today = timezone.localdate()
        current = period_containing(today)
        plan = [(current.previous(), 26), (current, 8)]
        created = 0
        for period, count in plan:
            for moment in self._moments(rng, period, count, today):
                self._entry(rng, officer, moment, today)
                created += 1
        return created

    def _moments(
        self, rng: random.Random, period: Period, count: int, today: date
    ) -> list[datetime]:
        last = min(period.last_day, today - timedelta(days=1))
        span = max(1, (last - period.start).days)
        days = sorted(period.start + timedelta(days=rng.randrange(span + 1)) for _ in range(count))
        tz = timezone.get_current_timezone()
        return [
            datetime.combine(d, time(rng.randrange(7, 22), rng.choice([0, 15, 30, 45])), tz)
            for d in days
            if d < today
        ]

    def _entry(self, rng: random.Random, officer: Any, moment: datetime, today: date) -> None:
        kind, agency, _w = rng.choices(MIX, weights=[m[2] for m in MIX])[0]
        name, born, address = rng.choice(PEOPLE)
        data: dict[str, Any] = {
            "received_at": moment,
            "agency": agency,
            "kind": kind,
            "kind_other": "Request to confirm an arrest date" if kind == Kind.OTHER else "",
            "judicial_warrant": rng.random() < 0.15,
            "in_custody": kind in (Kind.DETAINER, Kind.ADMIN_WARRANT, Kind.ACCESS)
            and rng.random() < 0.8,
            "person_name": name,
            "person_date_of_birth": born,
            "person_address": address,
            "person_identifiers": f"Booking {rng.randrange(10000, 99999)}",
            "agency_reference": f"{agency.upper()}-{rng.randrange(100000, 999999)}",
            "response": Response.DECLINED,
        }
        roll = rng.random()
        if data["judicial_warrant"] and roll < 0.6:
            data.update(
                response=Response.COMPLIED_JUDICIAL,
                information_given=True,
                information_description="Booking record and the date of the next court hearing.",
                legal_basis=LegalBasis.COURT_ORDER,
            )
        elif kind == Kind.INFORMATION and roll < 0.35:
            data.update(
                response=Response.PUBLIC_INFORMATION,
                information_given=True,
                information_description="The public arrest log entry (date and charge).",
                legal_basis=LegalBasis.PUBLIC_RECORD,
            )
        elif kind == Kind.INFORMATION and roll < 0.45:
            data.update(
                response=Response.OTHER,
                response_explanation="Confirmed citizenship status as recorded at booking.",
                information_given=True,
                information_description="Citizenship status recorded at booking.",
                legal_basis=LegalBasis.USC_1373,
            )
        elif moment.date() > today - timedelta(days=3):
            data["response"] = Response.PENDING
        entry = services.entry_create(actor=officer, data=data)
        if entry.needs_copy and rng.random() < 0.85:
            given = min(timezone.localdate(moment) + timedelta(days=rng.choice([0, 0, 1])), today)
            services.record_copy_given(
                entry=entry, actor=officer, given_on=given, given_by="Sgt. L. Moreau #214"
            )

    def _task_forces(self, officer: Any) -> None:
        chief = get_user_model().objects.filter(groups__name=CHIEF, is_superuser=False).first()
        joined = period_containing(timezone.localdate()).previous().start - timedelta(days=400)
        for name, description, agencies, participation, decision in TASK_FORCES:
            force = services.task_force_save(
                actor=officer,
                data={
                    "name": name,
                    "description": description,
                    "federal_agencies": ",".join(agencies),
                    "participation": participation,
                    "started_on": joined,
                    "ended_on": None,
                },
            )
            if chief is not None:
                services.task_force_decide(
                    task_force=force,
                    actor=chief,
                    disclosure=decision,
                    reason="Reviewed with the District Attorney's office.",
                )
