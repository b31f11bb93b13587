"""Statutory clocks: pure functions of a request (or dates) and an explicit ``now``.

- The answer is due 90 days after the request is received (M.G.L. c. 258F s. 3).
- Expedited track (as other states' laws have it): removal proceedings, detention or an
  approaching age-out date, chosen at intake. The due date is then the earlier of the
  profile's expedited period and the age-out margin
  (``age_out_date`` minus ``age_out_margin_days``).
- A delay notice (s. 3(iii)) sets a projected date, but the due date and any lateness
  stay on record: the clock state is always judged against the due date.
- An answer is on time when its day is on or before the due date. A denial answers on the
  agency's local day of ``decided_at`` (s. 3(ii)); a certification answers only when the form
  is completed and signed (s. 3(i)), that is on the date the certifying official wrote in ink
  in Part 6 item 2 (``signed_on``), not on the day of the decision: a request awaiting the ink
  signature is still pending.
- A signed Supplement B may be filed for six months (8 CFR 214.14(c)(2)(i)).

Days are the agency's calendar days (``DJANGO_TIME_ZONE``), so a DST change never moves a
due date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from cases.states import PENDING_STATES, Status

if TYPE_CHECKING:
    from cases.models import CertificationRequest


@dataclass(frozen=True)
class JurisdictionProfile:
    code: str
    name: str
    response_days: int
    expedited_days: int | None
    source: str
    # Where the expedited period comes from: a statute, or the department's own policy
    # when the statute has none (Massachusetts today).
    expedited_source: str = ""
    expedited_is_statutory: bool = False
    # The form must reach the victim this many days before a family member ages out,
    # to leave time to file (department policy; IL's VOICES Act uses 5-21 day tracks).
    age_out_margin_days: int = 14
    # "Due soon" when this many days or fewer are left (standard / expedited track).
    due_soon_days: int = 14
    expedited_due_soon_days: int = 3


PROFILES: dict[str, JurisdictionProfile] = {
    # c. 258F sets no expedited period (SD 3394 is pending). Medford's written
    # policy (c. 258F s. 2) answers expedited requests within 30 days: department policy,
    # not statute, so reports say so.
    "MA": JurisdictionProfile(
        "MA",
        "Massachusetts",
        90,
        30,
        "M.G.L. c. 258F s. 3",
        expedited_source="Department policy under M.G.L. c. 258F s. 2 (no statutory period)",
    ),
    "CA": JurisdictionProfile(
        "CA",
        "California",
        90,
        14,
        "Cal. Penal Code 679.10",
        expedited_source="Cal. Penal Code 679.10 (removal proceedings)",
        expedited_is_statutory=True,
    ),
    "MN": JurisdictionProfile(
        "MN",
        "Minnesota",
        90,
        14,
        "Minn. Stat. 611A.95",
        expedited_source="Minn. Stat. 611A.95 (removal proceedings, raised with the request)",
        expedited_is_statutory=True,
    ),
    "IL": JurisdictionProfile(
        "IL",
        "Illinois",
        90,
        21,
        "5 ILCS 825 (VOICES Act)",
        expedited_source="5 ILCS 825 (removal proceedings; derivative age-out)",
        expedited_is_statutory=True,
    ),
}


def profile(code: str | None = None) -> JurisdictionProfile:

    return PROFILES[code or settings.UVISA_JURISDICTION]


def received_date(received_at: datetime) -> date:
    """The calendar day of receipt in the agency's time zone."""
    return timezone.localdate(received_at)


def response_due(received_at: datetime, *, jurisdiction: JurisdictionProfile | None = None) -> date:
    """Last day to answer: receipt + 90 days (c. 258F s. 3: "not later than 90 days")."""
    period = (jurisdiction or profile()).response_days
    return received_date(received_at) + timedelta(days=period)


def expedited_due(
    received_at: datetime,
    *,
    age_out_date: date | None = None,
    jurisdiction: JurisdictionProfile | None = None,
) -> date:
    """Last day to answer an expedited request: the earlier of the expedited period and
    the age-out margin, never before the day of receipt."""
    jurisdiction = jurisdiction or profile()
    received = received_date(received_at)
    candidates = [received + timedelta(days=jurisdiction.response_days)]
    if jurisdiction.expedited_days is not None:
        candidates.append(received + timedelta(days=jurisdiction.expedited_days))
    if age_out_date is not None:
        candidates.append(age_out_date - timedelta(days=jurisdiction.age_out_margin_days))
    return max(received, min(candidates))


def due_date(
    request: CertificationRequest, *, jurisdiction: JurisdictionProfile | None = None
) -> date | None:
    """The date the request must be answered by (None before it is received)."""
    if request.received_at is None:
        return None
    if request.expedited:
        return expedited_due(
            request.received_at, age_out_date=request.age_out_date, jurisdiction=jurisdiction
        )
    return response_due(request.received_at, jurisdiction=jurisdiction)


def statutory_due_date(
    request: CertificationRequest, *, jurisdiction: JurisdictionProfile | None = None
) -> date | None:
    """The limit the statute itself sets: the expedited due date only where the expedited
    period is statutory (CA, MN, IL); in Massachusetts always receipt + 90 days."""
    jurisdiction = jurisdiction or profile()
    if request.received_at is None:
        return None
    if request.expedited and jurisdiction.expedited_is_statutory:
        return due_date(request, jurisdiction=jurisdiction)
    return response_due(request.received_at, jurisdiction=jurisdiction)


class ClockState(StrEnum):
    NOT_STARTED = "not_started"
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ANSWERED_ON_TIME = "answered_on_time"
    ANSWERED_LATE = "answered_late"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return CLOCK_LABELS[self]


CLOCK_LABELS = {
    ClockState.NOT_STARTED: "Not received yet",
    ClockState.ON_TIME: "On time",
    ClockState.DUE_SOON: "Due soon",
    ClockState.OVERDUE: "Overdue",
    ClockState.ANSWERED_ON_TIME: "Answered on time",
    ClockState.ANSWERED_LATE: "Answered late",
    ClockState.WITHDRAWN: "Withdrawn before an answer",
}
OPEN_CLOCK_STATES = [ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE]


@dataclass(frozen=True)
class Clock:
    state: ClockState
    received_on: date | None
    due_on: date | None
    projected_on: date | None  # from a delay notice; the due date still counts
    answered_on: date | None
    days_elapsed: int | None  # receipt to answer (closed) or to today (open)
    days_left: int | None  # open requests only; negative when overdue
    statutory_due_on: date | None = None  # differs from due_on for MA expedited requests

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def answered_after_statutory_limit(self) -> bool:
        if self.answered_on is None or self.statutory_due_on is None:
            return False
        return self.answered_on > self.statutory_due_on


def answered_on(request: CertificationRequest) -> date | None:
    """Local day of the agency's answer under s. 3(i) or (ii); None if not answered.

    s. 3(i) "complete and sign": the ink date of Part 6 item 2, once recorded.
    """
    if request.status == Status.AWAITING_INK:
        return None
    if request.signed_on is not None:
        return request.signed_on
    return timezone.localdate(request.decided_at) if request.decided_at else None


def working_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end`` (0 if none)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


INK_REMINDER_WORKING_DAYS = 3  # department policy: a decision waits no longer for the ink


def clock(
    request: CertificationRequest,
    *,
    now: datetime,
    jurisdiction: JurisdictionProfile | None = None,
) -> Clock:
    """Where the request stands against its due date at ``now``."""

    jurisdiction = jurisdiction or profile()
    due = due_date(request, jurisdiction=jurisdiction)
    received = received_date(request.received_at) if request.received_at else None
    projected = request.delay_projected_date
    answered = answered_on(request)
    if received is None or due is None:
        return Clock(ClockState.NOT_STARTED, None, None, projected, None, None, None)
    if answered is not None:
        state = ClockState.ANSWERED_ON_TIME if answered <= due else ClockState.ANSWERED_LATE
        statutory = statutory_due_date(request, jurisdiction=jurisdiction)
        elapsed = (answered - received).days
        return Clock(state, received, due, projected, answered, elapsed, None, statutory)
    today = timezone.localdate(now)
    if request.status not in PENDING_STATES:
        return Clock(ClockState.WITHDRAWN, received, due, projected, None, None, None)
    left = (due - today).days
    soon = jurisdiction.expedited_due_soon_days if request.expedited else jurisdiction.due_soon_days
    if left < 0:
        state = ClockState.OVERDUE
    elif left <= soon:
        state = ClockState.DUE_SOON
    else:
        state = ClockState.ON_TIME
    return Clock(state, received, due, projected, None, (today - received).days, left)


# --- signed-form validity (Supplement B instructions) ---

EXPIRES_SOON_DAYS = 30


class ValidityState(StrEnum):
    VALID = "valid"
    EXPIRES_SOON = "expires_soon"
    EXPIRED = "expired"


def add_months(day: date, months: int) -> tuple[date, bool]:
    """The same day ``months`` later, clamped to the month's end; and whether it was clamped."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)), day.day > last


def filing_valid_until(signed_on: date) -> date:
    """Last day a signed Supplement B can be filed with USCIS.

    The day before the six-month anniversary; when the anniversary day does not exist in
    that month, the month's last day (Supplement B instructions: 04/01 -> 09/30, 08/31 -> 02/28).
    """
    anniversary, clamped = add_months(signed_on, 6)
    return anniversary if clamped else anniversary - timedelta(days=1)


def validity(signed_on: date, *, now: datetime) -> ValidityState:
    """Valid, expiring within 30 days (Supplement B instructions: warn well before), or expired."""
    last_day = filing_valid_until(signed_on)
    today = timezone.localdate(now)
    if today > last_day:
        return ValidityState.EXPIRED
    if today >= last_day - timedelta(days=EXPIRES_SOON_DAYS):
        return ValidityState.EXPIRES_SOON
    return ValidityState.VALID
