"""The faster annual report build (docs/performance.md) gives the figures of the build it
replaced (tests/reporting/annual_oracle.py) on varied data: every state, both forms, the
expedited track with age-out dates, delay notices timely and late, answers near midnight and
on the day the report is made, the same person under several requests, and messy rows."""

from __future__ import annotations

import random
from dataclasses import fields
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import (
    CertificationRequest,
    DeclineReason,
    DelayNotice,
    ExpeditedReason,
    FormType,
    QualifyingCrimeCategory,
    Status,
)
from cases.reporting import annual
from tests.conftest import at
from tests.reporting import annual_oracle

pytestmark = pytest.mark.django_db

DECIDED = [
    Status.AWAITING_INK,
    Status.CERTIFIED,
    Status.CERTIFICATION_WITHDRAWN,
    Status.DECLINED,
]


# The states a request may be in after its denial was reconsidered.
RECONSIDERED = [
    Status.RECONSIDERATION,
    Status.AWAITING_INK,
    Status.CERTIFIED,
    Status.DECLINED,
    Status.WITHDRAWN,
]


def moment(rng: random.Random, after: datetime, days: int) -> datetime:
    """A moment up to ``days`` after ``after``, often close to local midnight."""
    day = (after + timedelta(days=rng.randrange(days + 1))).date()
    minutes = rng.choice([0, 1, 30, 23 * 60 + 59, 23 * 60 + 30, rng.randrange(24 * 60)])
    found = at(f"{day} 00:00") + timedelta(minutes=minutes)
    return max(found, after)


def varied_requests(agency, n: int, seed: int, today: date) -> None:
    rng = random.Random(seed)
    start = at("2023-01-01 00:00")
    persons = [f"p{i:02d}" for i in range(40)]
    numbers = [f"a{i:02d}" for i in range(30)]
    rows = []
    for i in range(n):
        status = rng.choice(list(Status))
        r = CertificationRequest(
            reference=f"MPD-UV-1999-{i + 1:04d}",
            agency=agency,
            status=status,
            form_type=rng.choice([FormType.U_VISA, FormType.T_VISA]),
            family_name="Test",
            given_name="Row",
            person_digest=rng.choice([*persons, ""]),
            a_number_digest=rng.choice([*numbers, "", ""]),
            decline_reason=rng.choice([*DeclineReason.values, ""]),
        )
        if status != Status.DRAFT or rng.random() < 0.2:
            r.received_at = moment(rng, start, 1300)
        received = r.received_at or start
        if rng.random() < 0.3:
            r.expedited = True
            r.expedited_reason = rng.choice([*ExpeditedReason.values, ""])
            if rng.random() < 0.6:
                r.age_out_date = (received + timedelta(days=rng.randrange(-5, 120))).date()
        if status in DECIDED or rng.random() < 0.05:
            r.decided_at = moment(rng, received, 200)
            if status != Status.DECLINED and rng.random() < 0.85:
                r.signed_on = (r.decided_at + timedelta(days=rng.choice([0, 0, 1, 5, 30]))).date()
            if rng.random() < 0.15:  # answered on the last day, or the day after it
                last = timezone.localdate(received) + timedelta(days=90 + rng.randrange(2))
                r.decided_at = at(f"{last} 00:00") + timedelta(minutes=rng.randrange(24 * 60))
                r.signed_on = last if status != Status.DECLINED else None
            elif rng.random() < 0.1:  # answered on the day the report is made
                r.decided_at = at(f"{today} 00:00") + timedelta(minutes=rng.randrange(24 * 60))
                r.signed_on = today if status != Status.DECLINED else None
        if r.decided_at is not None and status in RECONSIDERED and rng.random() < 0.3:
            # denied first, then reconsidered: granted (ink or not yet), denied again, pending
            r.first_answered_at = moment(rng, received, 120)
            if rng.random() < 0.2:  # the first denial on the 90th or 91st day
                last = timezone.localdate(received) + timedelta(days=90 + rng.randrange(2))
                r.first_answered_at = at(f"{last} 00:00") + timedelta(minutes=rng.randrange(1440))
            r.decided_at = max(r.decided_at, r.first_answered_at)
        if status == Status.WITHDRAWN or rng.random() < 0.03:
            r.withdrawn_at = moment(rng, received, 150)
        rows.append(r)
    CertificationRequest.objects.bulk_create(rows)
    saved = list(CertificationRequest.objects.order_by("pk"))
    links = []
    categories = list(QualifyingCrimeCategory.objects.all()[:4])
    for i, r in enumerate(saved):
        if i and rng.random() < 0.1:
            r.recertification_of = saved[rng.randrange(i)]
            r.save(update_fields=["recertification_of"])
        for category in rng.sample(categories, rng.randrange(3)):
            links.append(
                r.crime_categories.through(certificationrequest=r, qualifyingcrimecategory=category)
            )
        if r.received_at is not None and rng.random() < 0.25:
            sent = r.received_at
            for _ in range(rng.randrange(1, 4)):
                sent = moment(rng, sent, 80)
                DelayNotice.objects.create(
                    request=r,
                    issued_at=sent,
                    reason="Lab results",
                    process="Waiting for the lab",
                    projected_date=(sent + timedelta(days=rng.randrange(1, 90))).date(),
                    timely=rng.random() < 0.7,
                    deadline_then=sent.date(),
                )
            if rng.random() < 0.9:  # a few rows lost their summary: no notice counted
                r.delay_issued_at = sent
                r.save(update_fields=["delay_issued_at"])
    type(saved[0]).crime_categories.through.objects.bulk_create(links)


def as_dict(report: annual.AnnualReport) -> dict:
    # Reconsiderations came after the old build: counted and tested apart
    # (tests/cases/test_reconsideration.py).
    return {f.name: getattr(report, f.name) for f in fields(report) if f.name != "reconsiderations"}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_build_gives_the_figures_of_the_old_one(agency, seed):
    now = at("2026-06-15 12:00")
    varied_requests(agency, 300, seed, now.date())
    compared = 0
    for year, when in [
        (2023, now),
        (2024, now),
        (2025, now),
        (2026, now),
        (2026, at("2026-06-15 00:00")),
        (2026, at("2027-01-10 08:00")),
    ]:
        new = as_dict(annual.build_annual_report(year, now=when, agency="A"))
        old = as_dict(annual_oracle.build_annual_report(year, now=when, agency="A"))
        assert new == old, year
        compared += new["requested"] + new["answered"] + new["pending"]
    assert compared > 300  # the data reached every year compared


def test_the_varied_data_reaches_every_branch(agency):
    now = at("2026-06-15 12:00")
    varied_requests(agency, 300, 1, now.date())
    r = annual.build_annual_report(2025, now=now)
    assert r.signed and r.denied and r.withdrawn and r.pending and r.expedited
    assert r.timely_notices and r.late_notices and r.answered_late and r.answered_late_statutory
    assert r.cells["answer_timely_notice:all"] and r.cells["requests_received:T"]
    assert r.cells["individuals_requested:all"] < r.cells["requests_received:all"]
