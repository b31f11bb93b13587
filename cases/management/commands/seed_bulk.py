"""Bulk data for load tests: up to millions of requests with a realistic spread.

``python manage.py seed_bulk --requests 1000000`` adds requests to the first agency, spread
over ``--organizations`` advocate organisations, ten years of dates, every state of the
workflow (most closed, about one in ten pending), with the audit events, scope grants and
crime categories the application itself would have written. Users are ``bulk-...``
accounts without a usable password (the benchmark makes their sessions directly).

Rows are built as model instances, so every field prepares its own value (encrypted fields
encrypt); on PostgreSQL they go in with COPY, elsewhere with bulk_create. Each batch is one
transaction, so an interrupted run leaves whole requests only. The audit events are chained
like ``cases.audit.append_event`` does, under the same lock. docs/performance.md.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from cases.audit import GENESIS, compute_hash
from cases.clocks import due_date, reconsideration_due
from cases.lib.chain import audit_keyring
from cases.lib.crypto import keyed_hash
from cases.models import (
    AdvocateOrganization,
    Agency,
    AuditChainHead,
    CaseEvent,
    CertificationRequest,
    CertifierDirectoryEntry,
    CertifyingOfficial,
    DeclineReason,
    ExpeditedReason,
    QualifyingCrimeCategory,
    Reconsideration,
    ReferenceCounter,
    Referral,
    RequestGroupObjectPermission,
    RequestUserObjectPermission,
    Status,
)
from cases.models.requests import person_digest
from cases.page_cache import raise_data_version
from cases.reference_data import MEDFORD_AGENCY
from cases.roles import ADVOCATE, AUDITOR, CHIEF, COORDINATOR, DETECTIVE, sync_roles
from cases.selectors import the_agency

S = Status
# Share of each final state; pending ones were received in the last 120 days.
STATE_WEIGHTS: list[tuple[str, float]] = [
    (S.CERTIFIED, 0.57),
    (S.AWAITING_INK, 0.01),
    (S.DECLINED, 0.15),
    (S.RECONSIDERATION, 0.01),
    (S.REFERRED, 0.01),
    (S.WITHDRAWN, 0.08),
    (S.CERTIFICATION_WITHDRAWN, 0.01),
    (S.DRAFT, 0.03),
    (S.RECEIVED, 0.03),
    (S.CRIME_CHECK, 0.02),
    (S.HELPFULNESS_REVIEW, 0.04),
    (S.CHIEF_DECISION, 0.02),
    (S.INFO_REQUESTED, 0.02),
]
# (transition, from, to, role) steps leading to each final state.
PATH = [
    ("submit", S.DRAFT, S.RECEIVED, "advocate"),
    ("begin_crime_check", S.RECEIVED, S.CRIME_CHECK, "coordinator"),
    ("confirm_qualifying_crime", S.CRIME_CHECK, S.HELPFULNESS_REVIEW, "coordinator"),
    ("attest_helpfulness", S.HELPFULNESS_REVIEW, S.CHIEF_DECISION, "detective"),
]
STEPS: dict[str, list[tuple[str, str, str, str]]] = {
    S.DRAFT: [],
    S.RECEIVED: PATH[:1],
    S.CRIME_CHECK: PATH[:2],
    S.HELPFULNESS_REVIEW: PATH[:3],
    S.CHIEF_DECISION: PATH[:4],
    S.AWAITING_INK: [*PATH, ("certify", S.CHIEF_DECISION, S.AWAITING_INK, "chief")],
    S.CERTIFIED: [
        *PATH,
        ("certify", S.CHIEF_DECISION, S.AWAITING_INK, "chief"),
        ("record_ink_signature", S.AWAITING_INK, S.CERTIFIED, "coordinator"),
    ],
    S.DECLINED: [*PATH, ("decline", S.CHIEF_DECISION, S.DECLINED, "chief")],
    S.REFERRED: [*PATH, ("refer_to_agency", S.CHIEF_DECISION, S.REFERRED, "chief")],
    S.RECONSIDERATION: [
        *PATH,
        ("decline", S.CHIEF_DECISION, S.DECLINED, "chief"),
        ("request_reconsideration", S.DECLINED, S.RECONSIDERATION, "advocate"),
    ],
    S.INFO_REQUESTED: [
        *PATH[:2],
        ("request_information", S.CRIME_CHECK, S.INFO_REQUESTED, "coordinator"),
    ],
    S.WITHDRAWN: [*PATH[:1], ("withdraw", S.RECEIVED, S.WITHDRAWN, "advocate")],
    S.CERTIFICATION_WITHDRAWN: [
        *PATH,
        ("certify", S.CHIEF_DECISION, S.AWAITING_INK, "chief"),
        ("record_ink_signature", S.AWAITING_INK, S.CERTIFIED, "coordinator"),
        ("withdraw_certification", S.CERTIFIED, S.CERTIFICATION_WITHDRAWN, "chief"),
    ],
}
WITH_DETECTIVE = {
    S.HELPFULNESS_REVIEW,
    S.CHIEF_DECISION,
    S.AWAITING_INK,
    S.CERTIFIED,
    S.DECLINED,
    S.RECONSIDERATION,
    S.REFERRED,
    S.CERTIFICATION_WITHDRAWN,
}
FAMILY = ["García", "Nguyen", "Silva", "Pierre", "Hernández", "Zhang", "Castillo", "Haile"]
GIVEN = ["María", "Thi", "João", "Luiza", "Rosa", "Folake", "Wei", "Luis", "Meron", "Nadège"]
PLACES = ["Medford, MA", "Malden, MA", "Somerville, MA", "Everett, MA", "Arlington, MA"]


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` and set their primary keys. Each field prepares its own value."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=250)
        return
    conn = connections[DEFAULT_DB_ALIAS]  # the real wrapper, not the per-call proxy
    qn = conn.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk
    fields = model._meta.concrete_fields
    # What bulk_create does per value: pre_save (only where a field overrides it, e.g.
    # auto_now), then get_db_prep_save (encrypted fields encrypt here).
    plain_pre_save = models.Field.pre_save
    prepare = [
        (f, f.attname, type(f).pre_save is not plain_pre_save, f.get_db_prep_save) for f in fields
    ]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(objs)],
        )
        for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = new_id
        columns = ", ".join(qn(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        prep(f.pre_save(obj, True) if pre else getattr(obj, attname), conn)
                        for f, attname, pre, prep in prepare
                    ]
                )


class Command(BaseCommand):
    help = "Add many requests (with events and scope grants) for load tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, required=True)
        parser.add_argument("--organizations", type=int, default=50)
        parser.add_argument("--detectives", type=int, default=200)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["requests"] < 1 or opts["organizations"] < 1 or opts["detectives"] < 1:
            raise CommandError("--requests, --organizations and --detectives must be positive.")
        started = time.monotonic()
        self.rng = random.Random(opts["seed"])  # noqa: S311 (made-up data, not secrets)
        self.now = timezone.now()
        self.years = opts["years"]
        self._setup(opts["organizations"], opts["detectives"])
        done = 0
        while done < opts["requests"]:
            size = min(opts["batch"], opts["requests"] - done)
            with transaction.atomic():
                self._batch(size)
                raise_data_version()  # COPY sends no signals: running servers must rebuild
            done += size
            if done % (opts["batch"] * 20) == 0 or done == opts["requests"]:
                rate = done / max(time.monotonic() - started, 0.001)
                self.stdout.write(f"{done} requests ({rate:.0f}/s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # visibility map: index-only scans
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {done} requests in {time.monotonic() - started:.0f} s "
                f"({CertificationRequest.objects.count()} in the database)."
            )
        )

    # --- people and organisations (idempotent) ---

    def _user(self, username: str, role: str, *groups: Group) -> Any:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": username, "email": f"{username}@bulk.example.org"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role), *groups)
        return user

    def _setup(self, organizations: int, detectives: int) -> None:
        sync_roles()
        if not QualifyingCrimeCategory.objects.exists():
            raise CommandError("Reference data is missing: run `manage.py migrate` first.")
        self.agency = the_agency()
        if self.agency is None:
            self.agency = Agency.objects.create(code="MPD", **MEDFORD_AGENCY)
        self.orgs = []
        for i in range(1, organizations + 1):
            name = f"Bulk advocacy organisation {i:03d}"
            org = AdvocateOrganization.objects.filter(name=name).first()
            if org is None:
                group = Group.objects.create(name=f"org: {name}")
                org = AdvocateOrganization.objects.create(name=name, group=group, state="MA")
            advocates = [
                self._user(f"bulk-advocate-{i:03d}-{n}", ADVOCATE, org.group) for n in (1, 2)
            ]
            self.orgs.append((org, advocates))
        self.detectives = [
            self._user(f"bulk-detective-{i:03d}", DETECTIVE) for i in range(1, detectives + 1)
        ]
        self.coordinator = self._user("bulk-coordinator", COORDINATOR)
        self.chief = self._user("bulk-chief", CHIEF)
        self._user("bulk-auditor", AUDITOR)
        self.official = CertifyingOfficial.objects.filter(
            agency=self.agency, user=self.chief
        ).first() or CertifyingOfficial.objects.create(
            agency=self.agency,
            user=self.chief,
            family_name="Delaney",
            given_name="Frank",
            title="Chief of Police",
            is_agency_head=True,
            designated_on=date(2010, 1, 4),
        )
        self.directory_entry, _new = CertifierDirectoryEntry.objects.get_or_create(
            agency=self.agency,
            name="Malden Police Department",
            defaults={
                "kind": CertifierDirectoryEntry.Kind.POLICE,
                "jurisdiction": "Crimes reported in Malden, MA",
                "mailing_address": "Malden, MA (confirm before use)",
            },
        )
        self.view_perm = Permission.objects.get(
            codename="view_certificationrequest", content_type__app_label="cases"
        )
        self.categories = list(QualifyingCrimeCategory.objects.all())
        self.category_link = CertificationRequest.crime_categories.through
        self.states = [s for s, _ in STATE_WEIGHTS]
        self.weights = [w for _, w in STATE_WEIGHTS]

    # --- one batch, one transaction ---

    def _moment(self, status: str) -> datetime:
        if status == S.DRAFT:
            days = self.rng.uniform(0, 60)
        elif status in (S.RECEIVED, S.CRIME_CHECK, S.INFO_REQUESTED):
            days = self.rng.uniform(1, 100)
        elif status in (S.HELPFULNESS_REVIEW, S.CHIEF_DECISION, S.AWAITING_INK):
            days = self.rng.uniform(5, 120)
        else:
            days = self.rng.uniform(30, 365 * self.years)
        return self.now - timedelta(days=days)

    def _next_references(self, years: list[int]) -> list[str]:
        needed: dict[int, int] = {}
        for year in years:
            needed[year] = needed.get(year, 0) + 1
        first: dict[int, int] = {}
        for year, count in needed.items():
            counter, _ = ReferenceCounter.objects.get_or_create(agency=self.agency, year=year)
            counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
            first[year] = counter.last_number + 1
            counter.last_number += count
            counter.save(update_fields=["last_number"])
        refs = []
        for year in years:
            refs.append(f"{self.agency.code}-UV-{year}-{first[year]:04d}")
            first[year] += 1
        return refs

    def _batch(self, size: int) -> None:
        rng = self.rng
        rows: list[CertificationRequest] = []
        plans: list[tuple[str, list[datetime]]] = []
        statuses = rng.choices(self.states, self.weights, k=size)
        created = sorted((self._moment(s), s) for s in statuses)
        refs = self._next_references([timezone.localdate(c).year for c, _ in created])
        for (created_at, status), reference in zip(created, refs, strict=True):
            org, advocates = rng.choice(self.orgs)
            steps = STEPS[status]
            # Step times: spread between creation and now (closed ones within ~100 days).
            span = min((self.now - created_at).total_seconds(), 100 * 86400.0)
            times = sorted(created_at + timedelta(seconds=rng.uniform(60, span)) for _ in steps)
            expedited = rng.random() < 0.05
            r = CertificationRequest(
                reference=reference,
                agency=self.agency,
                organization=org,
                advocate=rng.choice(advocates),
                status=status,
                created_at=created_at,
                expedited=expedited,
                expedited_reason=rng.choice(ExpeditedReason.values) if expedited else "",
                a_number=f"{rng.randrange(10**8, 10**9)}" if rng.random() < 0.5 else "",
                family_name=rng.choice(FAMILY),
                given_name=rng.choice(GIVEN),
                date_of_birth=date(rng.randrange(1960, 2008), rng.randrange(1, 13), 1),
                gender=rng.choice("MF"),
                report_number=f"{created_at:%y}-{rng.randrange(10**6):06d}",
                case_status=rng.choice(["ongoing", "completed"]),
                incident_date=(created_at - timedelta(days=rng.randrange(10, 900))).date(),
                incident_location=rng.choice(PLACES),
                occurred_in_us="yes",
                extraterritorial="no",
                criminal_activity_description="Assault at home, reported the same night.",
                injury_description="Bruising, documented in the police report.",
            )
            if steps:
                r.received_at = times[0]
                r.due_on = due_date(r)
            if status in WITH_DETECTIVE:
                r.assigned_detective = rng.choice(self.detectives)
                r.possesses_information = r.has_been_helpful = "yes"
                r.refused_or_failed = "no"  # Part 4 item 3: a cooperative victim
                r.helpfulness_explanation = "Gave a statement and identified the suspect."
            if status == S.INFO_REQUESTED:
                r.info_return_state = S.CRIME_CHECK
                r.info_request_text = "Please send the police report number."
                r.info_requested_at = times[-1]
            decided = (S.AWAITING_INK, S.CERTIFIED, S.DECLINED, S.CERTIFICATION_WITHDRAWN)
            if status in (*decided, S.RECONSIDERATION, S.REFERRED):
                # The decision, then (certifications) the ink signature as a later step.
                back = {S.CERTIFIED: 2, S.CERTIFICATION_WITHDRAWN: 3, S.RECONSIDERATION: 2}.get(
                    status, 1
                )
                r.decided_at = times[-back]
                r.decided_by = self.chief
                r.certifying_official = self.official
                if status in (S.DECLINED, S.RECONSIDERATION):
                    r.decline_reason = rng.choice(DeclineReason.values)
                    r.decision_note = "Declined under the department's written policy."
                elif status == S.REFERRED:
                    r.decline_reason = DeclineReason.NO_JURISDICTION
                    r.decision_note = "The crime was investigated by the Malden police."
                elif status != S.AWAITING_INK:
                    r.signed_on = timezone.localdate(times[-back + 1])
            if status == S.WITHDRAWN:
                r.withdrawn_at = times[-1]
                r.withdrawal_reason = "The victim no longer wishes to proceed."
            if status == S.CERTIFICATION_WITHDRAWN:
                r.certification_withdrawn_at = times[-1]
                r.certification_withdrawal_reason = "The victim stopped cooperating."
            _digests(r)
            rows.append(r)
            plans.append((status, times))
        insert(CertificationRequest, rows)
        # A denial under reconsideration: the requester's ask, on its own clock.
        insert(
            Reconsideration,
            [
                Reconsideration(
                    request=r,
                    requested_at=times[-1],
                    recorded_by=r.advocate,
                    reasons="New evidence of the victim's help, enclosed.",
                    due_on=reconsideration_due(times[-1]),
                    denied_by=self.official,
                    denied_at=r.decided_at,
                )
                for r, (status, times) in zip(rows, plans, strict=True)
                if status == S.RECONSIDERATION and r.advocate is not None
            ],
        )
        # A referral to the agency with jurisdiction (not forwarded: no consent recorded).
        insert(
            Referral,
            [
                Referral(
                    request=r,
                    entry=self.directory_entry,
                    referred_to=self.directory_entry.snapshot(),
                    reason=r.decision_note,
                    referred_at=r.decided_at,
                    referred_by=self.chief,
                    official=self.official,
                )
                for r, (status, _times) in zip(rows, plans, strict=True)
                if status == S.REFERRED
            ],
        )
        self._events(rows, plans)
        self._grants(rows)

    def _events(
        self, rows: list[CertificationRequest], plans: list[tuple[str, list[datetime]]]
    ) -> None:
        actors = {"advocate": None, "coordinator": self.coordinator, "chief": self.chief}
        events = []
        for r, (status, times) in zip(rows, plans, strict=True):
            events.append(
                CaseEvent(
                    request=r,
                    actor=r.advocate,
                    created_at=r.created_at,
                    kind=CaseEvent.Kind.CREATED,
                )
            )
            for (name, source, target, role), at in zip(STEPS[status], times, strict=True):
                actor = (
                    r.advocate
                    if role == "advocate"
                    else r.assigned_detective
                    if role == "detective"
                    else actors[role]
                )
                events.append(
                    CaseEvent(
                        request=r,
                        actor=actor,
                        created_at=at,
                        kind=CaseEvent.Kind.TRANSITION,
                        transition=name,
                        from_state=source,
                        to_state=target,
                    )
                )
        # Chain order is insertion (primary key) order, as in cases.audit.
        events.sort(key=lambda e: e.created_at)
        _chain(events, insert)

    def _grants(self, rows: list[CertificationRequest]) -> None:
        groups = [
            RequestGroupObjectPermission(
                group_id=r.organization.group_id, permission=self.view_perm, content_object=r
            )
            for r in rows
        ]
        users = [
            RequestUserObjectPermission(
                user_id=r.assigned_detective_id, permission=self.view_perm, content_object=r
            )
            for r in rows
            if r.assigned_detective_id
        ]
        links = [
            self.category_link(
                certificationrequest_id=r.pk, qualifyingcrimecategory_id=self._category().pk
            )
            for r in rows
            if r.status not in (S.DRAFT, S.RECEIVED, S.CRIME_CHECK, S.INFO_REQUESTED, S.WITHDRAWN)
        ]
        insert(RequestGroupObjectPermission, groups)
        insert(RequestUserObjectPermission, users)
        insert(self.category_link, links)

    def _category(self) -> QualifyingCrimeCategory:
        # Domestic violence and felonious assault dominate real caseloads.
        if self.rng.random() < 0.6:
            return self.categories[self.rng.randrange(min(3, len(self.categories)))]
        return self.rng.choice(self.categories)


# --- hooks for the security layer, when it is installed ---


def _digests(r: CertificationRequest) -> None:
    """Lookup digests that ``CertificationRequest.save`` would compute (bulk skips save)."""
    if hasattr(r, "report_number_digest"):
        r.a_number_digest = keyed_hash(r.a_number, purpose="a_number")
        r.report_number_digest = keyed_hash(r.report_number, purpose="report_number")
    r.person_digest = person_digest(r.given_name, r.family_name, r.date_of_birth)


def _chain(events: list[CaseEvent], insert_rows: Any) -> None:
    """Insert ``events`` chained to the audit head, under its lock (cases.audit)."""
    if "prev_hash" not in {f.name for f in CaseEvent._meta.fields}:
        insert_rows(CaseEvent, events)
        return

    AuditChainHead.objects.get_or_create(pk=1)
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    prev = head.last_hash or GENESIS
    for event in events:
        event.prev_hash = prev
        event.hash = prev = compute_hash(prev, event)
    insert_rows(CaseEvent, events)
    head.last_hash = events[-1].hash
    head.last_event_id = events[-1].pk
    head.key_id = audit_keyring()[0]  # compute_hash chains under the current audit key
    head.save(update_fields=["last_hash", "last_event_id", "key_id"])
